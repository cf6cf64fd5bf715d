//! The addresses a tenant no longer emails: one item per tenant and normalised address,
//! written once (the first reason stays) and read before every invitation is sent.

use super::records::{from_item, to_item};
use super::{keys, Condition, ItemEngine, Store, Write};
use crate::domain::{Suppression, TenantId};
use crate::ports::{PortResult, SuppressionStore};
use async_trait::async_trait;

#[async_trait]
impl<E: ItemEngine> SuppressionStore for Store<E> {
    async fn suppress(&self, suppression: &Suppression) -> PortResult<bool> {
        let key = keys::suppression(suppression.tenant_id, &suppression.email);
        let write = Write::put(to_item(&key, suppression)?, Condition::Absent);
        // Refused when the address was suppressed before: the first reason stays.
        Ok(self.engine.write(vec![write]).await?.is_ok())
    }

    async fn suppression(
        &self,
        tenant: TenantId,
        normalized_email: &str,
    ) -> PortResult<Option<Suppression>> {
        let suppression: Option<Suppression> = self
            .engine
            .get(&keys::suppression(tenant, normalized_email))
            .await?
            .map(from_item)
            .transpose()?;
        Ok(suppression.filter(|s| s.tenant_id == tenant))
    }
}
