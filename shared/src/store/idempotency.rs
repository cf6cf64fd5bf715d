//! `Idempotency-Key` records: a claim with a lease, then the response to replay.

use super::records::{from_item, to_item, IdempotencyRecord, IDEMPOTENCY_EXPIRES_AT};
use super::{keys, Condition, ItemEngine, Op, Store, Write};
use crate::domain::TenantId;
use crate::ports::{IdempotencyClaim, IdempotencyStore, PortResult, StoredResponse, Unavailable};
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
        let record = IdempotencyRecord {
            fingerprint: fingerprint.to_string(),
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
            return Ok(IdempotencyClaim::Claimed);
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
            // Only a claimed key is finished: finishing must not create a record with no
            // fingerprint (after a release, or once TTL removed an expired lease).
            condition: Condition::Present,
        };
        // A refusal means the claim is gone; there is nothing left to finish.
        let _refused = self.engine.write(vec![finish]).await?;
        Ok(())
    }

    async fn release(&self, tenant: TenantId, key: &str) -> PortResult<()> {
        let release = Write::delete(keys::idempotency(tenant, key));
        let _never_refused = self.engine.write(vec![release]).await?;
        Ok(())
    }
}
