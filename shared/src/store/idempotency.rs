//! `Idempotency-Key` records: a claim with a lease, then the response to replay.

use super::records::{
    from_item, to_item, IdempotencyRecord, IDEMPOTENCY_EXPIRES_AT, IDEMPOTENCY_LEASE,
};
use super::{keys, Condition, ItemEngine, Op, Store, Write};
use crate::domain::TenantId;
use crate::ports::{
    IdempotencyClaim, IdempotencyStore, Lease, PortResult, StoredResponse, Unavailable,
};
use async_trait::async_trait;
use chrono::{DateTime, Utc};
use serde_json::Value;

#[async_trait]
impl<E: ItemEngine> IdempotencyStore for Store<E> {
    async fn claim(
        &self,
        tenant: TenantId,
        key: &str,
        fingerprint: &str,
        now: DateTime<Utc>,
        lease_until: DateTime<Utc>,
    ) -> PortResult<IdempotencyClaim> {
        let record_key = keys::idempotency(tenant, key);
        let lease = Lease(uuid::Uuid::new_v4().simple().to_string());
        let record = IdempotencyRecord {
            fingerprint: fingerprint.to_string(),
            lease: lease.0.clone(),
            response: None,
            expires_at: lease_until.timestamp(),
            ttl: lease_until.timestamp(),
        };
        let claim = Write::put(
            to_item(&record_key, &record)?,
            Condition::AbsentOrExpired {
                attribute: IDEMPOTENCY_EXPIRES_AT,
                now: now.timestamp(),
            },
        );
        if self.engine.write(vec![claim]).await?.is_ok() {
            return Ok(IdempotencyClaim::Claimed(lease));
        }
        let Some(existing) = self.engine.get(&record_key).await? else {
            // Released in between: the client may simply retry.
            return Ok(IdempotencyClaim::InProgress);
        };
        let existing: IdempotencyRecord = from_item(existing)?;
        Ok(IdempotencyClaim::of_existing(
            &existing.fingerprint,
            fingerprint,
            existing.response,
        ))
    }

    async fn finish(
        &self,
        tenant: TenantId,
        key: &str,
        lease: &Lease,
        response: &StoredResponse,
        keep_until: DateTime<Utc>,
    ) -> PortResult<()> {
        let response =
            serde_json::to_value(response).map_err(|e| Unavailable::from_err("encoding", e))?;
        let until = Value::from(keep_until.timestamp());
        let finish = Write {
            key: keys::idempotency(tenant, key),
            op: Op::set(vec![
                ("response", response),
                (IDEMPOTENCY_EXPIRES_AT, until.clone()),
                ("ttl", until),
            ]),
            // Only the claim's holder finishes it: finishing must not create a record with no
            // fingerprint (after a release, or once TTL removed an expired lease), nor
            // overwrite the claim of a request that took over after this one's lease ran out.
            condition: holder(lease),
        };
        // A refusal means the claim is gone or another's; there is nothing left to finish.
        let _refused = self.engine.write(vec![finish]).await?;
        Ok(())
    }

    async fn release(&self, tenant: TenantId, key: &str, lease: &Lease) -> PortResult<()> {
        let release = Write {
            key: keys::idempotency(tenant, key),
            op: Op::Delete,
            condition: holder(lease),
        };
        // A refusal means the claim is gone or another's: nothing of ours to free.
        let _refused = self.engine.write(vec![release]).await?;
        Ok(())
    }
}

fn holder(lease: &Lease) -> Condition {
    Condition::Holds {
        attribute: IDEMPOTENCY_LEASE,
        value: lease.0.clone(),
    }
}
