//! Tenants and their API keys. The item under a key's hash carries the key and its tenant,
//! so authenticating a request is one read; the tenant's list of keys sits in its partition.

use super::records::{from_item, to_item, KeyLookup, RetentionRecord};
use super::{keys, Condition, ItemEngine, Op, Store, Write};
use crate::domain::{ApiKey, ApiKeyId, RetentionDays, SecretHash, Tenant, TenantId};
use crate::ports::{PortResult, TenantStore, Unavailable};
use async_trait::async_trait;
use chrono::{DateTime, Utc};

fn key_writes(tenant: &Tenant, key: &ApiKey) -> PortResult<Vec<Write>> {
    let lookup = KeyLookup {
        tenant: tenant.clone(),
        key: key.clone(),
        last_used_at: key.last_used_at,
    };
    Ok(vec![
        Write::put(
            to_item(&keys::api_key(&key.key_hash), &lookup)?,
            Condition::Absent,
        ),
        Write::put(
            to_item(&keys::tenant_api_key(key.tenant_id, key.id), key)?,
            Condition::Absent,
        ),
    ])
}

#[async_trait]
impl<E: ItemEngine> TenantStore for Store<E> {
    async fn create_tenant(&self, tenant: &Tenant, first_key: &ApiKey) -> PortResult<()> {
        let mut writes = vec![Write::put(
            to_item(&keys::tenant(tenant.id), tenant)?,
            Condition::Absent,
        )];
        writes.extend(key_writes(tenant, first_key)?);
        self.engine
            .write(writes)
            .await?
            .map_err(|_| Unavailable("tenant id or API key collision".into()))
    }

    async fn get_tenant(&self, id: TenantId) -> PortResult<Option<Tenant>> {
        self.engine
            .get(&keys::tenant(id))
            .await?
            .map(from_item)
            .transpose()
    }

    async fn key_by_hash(&self, key_hash: &SecretHash) -> PortResult<Option<(Tenant, ApiKey)>> {
        let lookup: Option<KeyLookup> = self
            .engine
            .get(&keys::api_key(key_hash))
            .await?
            .map(from_item)
            .transpose()?;
        Ok(lookup.filter(|l| l.key.tenant_id == l.tenant.id).map(|l| {
            let key = ApiKey {
                last_used_at: l.last_used_at,
                ..l.key
            };
            (l.tenant, key)
        }))
    }

    async fn add_key(&self, tenant: &Tenant, key: &ApiKey) -> PortResult<()> {
        self.engine
            .write(key_writes(tenant, key)?)
            .await?
            .map_err(|_| Unavailable("API key collision".into()))
    }

    async fn keys_of(&self, tenant: TenantId) -> PortResult<Vec<ApiKey>> {
        let (pk, _) = keys::tenant(tenant);
        self.engine
            .query_partition(&pk, keys::API_KEY_PREFIX)
            .await?
            .into_iter()
            .map(from_item)
            .collect()
    }

    async fn revoke_key(&self, tenant: TenantId, key: ApiKeyId) -> PortResult<bool> {
        let listed = keys::tenant_api_key(tenant, key);
        let Some(item) = self.engine.get(&listed).await? else {
            return Ok(false);
        };
        let key: ApiKey = from_item(item)?;
        let writes = vec![
            Write {
                condition: Condition::Present,
                ..Write::delete(listed)
            },
            Write::delete(keys::api_key(&key.key_hash)),
        ];
        Ok(self.engine.write(writes).await?.is_ok())
    }

    async fn touch_key(&self, key: &ApiKey, at: DateTime<Utc>) -> PortResult<()> {
        let at = serde_json::to_value(at).map_err(|e| Unavailable::from_err("encoding", e))?;
        // Both copies, each only while it exists: a revoked key is not brought back.
        let touch = |item_key, attribute: &'static str| Write {
            key: item_key,
            op: Op::set(vec![(attribute, at.clone())]),
            condition: Condition::Present,
        };
        let writes = vec![
            touch(keys::tenant_api_key(key.tenant_id, key.id), "lastUsedAt"),
            touch(keys::api_key(&key.key_hash), "lastUsedAt"),
        ];
        let _revoked_meanwhile = self.engine.write(writes).await?;
        Ok(())
    }

    async fn set_retention(
        &self,
        tenant: TenantId,
        days: Option<RetentionDays>,
    ) -> PortResult<bool> {
        let value = serde_json::to_value(days).map_err(|e| Unavailable::from_err("encoding", e))?;
        // Only the one attribute: nothing else of the tenant is read or overwritten, so no
        // version is needed.
        let mut writes = vec![Write {
            key: keys::tenant(tenant),
            op: Op::set(vec![("retentionDays", value)]),
            condition: Condition::Present,
        }];
        writes.push(match days {
            Some(retention_days) => Write::put(
                to_item(
                    &keys::retention(tenant),
                    &RetentionRecord {
                        tenant_id: tenant,
                        retention_days,
                    },
                )?,
                Condition::Always,
            ),
            None => Write::delete(keys::retention(tenant)),
        });
        Ok(self.engine.write(writes).await?.is_ok())
    }

    async fn tenants_with_retention(&self) -> PortResult<Vec<(TenantId, RetentionDays)>> {
        self.engine
            .query_partition(keys::RETENTION_PARTITION, "TENANT#")
            .await?
            .into_iter()
            .map(|item| from_item::<RetentionRecord>(item).map(|r| (r.tenant_id, r.retention_days)))
            .collect()
    }
}
