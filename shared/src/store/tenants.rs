//! Tenants and their API keys. The API-key item carries the whole tenant, so authenticating a
//! request is one read.

use super::records::{from_item, to_item};
use super::{keys, Condition, ItemEngine, Store, Write};
use crate::domain::{SecretHash, Tenant, TenantId};
use crate::ports::{PortResult, TenantStore, Unavailable};
use async_trait::async_trait;

#[async_trait]
impl<E: ItemEngine> TenantStore for Store<E> {
    async fn create_tenant(&self, tenant: &Tenant) -> PortResult<()> {
        let writes = vec![
            Write::put(
                to_item(&keys::tenant(tenant.id), tenant)?,
                Condition::Absent,
            ),
            Write::put(
                to_item(&keys::api_key(&tenant.api_key_hash), tenant)?,
                Condition::Absent,
            ),
        ];
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

    async fn tenant_by_api_key(&self, key_hash: &SecretHash) -> PortResult<Option<Tenant>> {
        self.engine
            .get(&keys::api_key(key_hash))
            .await?
            .map(from_item)
            .transpose()
    }
}
