//! Webhook subscriptions (one item each) and their deliveries (one item each, beside them in
//! the tenant's partition, in the due index while an attempt is due).

use super::records::{delivery_item, from_item, to_item};
use super::{keys, Condition, ItemEngine, Store, Write};
use crate::domain::{Delivery, DeliveryId, TenantId, Webhook, WebhookId};
use crate::ports::{PortResult, Unavailable, UpdateError, WebhookStore};
use async_trait::async_trait;
use chrono::{DateTime, Utc};

#[async_trait]
impl<E: ItemEngine> WebhookStore for Store<E> {
    async fn create_webhook(&self, webhook: &Webhook) -> PortResult<()> {
        let item = to_item(&keys::webhook(webhook.tenant_id, webhook.id), webhook)?;
        self.engine
            .write(vec![Write::put(item, Condition::Absent)])
            .await?
            .map_err(|_| Unavailable("webhook id collision".into()))
    }

    async fn get_webhook(&self, tenant: TenantId, id: WebhookId) -> PortResult<Option<Webhook>> {
        let webhook: Option<Webhook> = self
            .engine
            .get(&keys::webhook(tenant, id))
            .await?
            .map(from_item)
            .transpose()?;
        Ok(webhook.filter(|w| w.tenant_id == tenant))
    }

    async fn webhooks_of(&self, tenant: TenantId) -> PortResult<Vec<Webhook>> {
        let (pk, _) = keys::tenant(tenant);
        let webhooks = self
            .engine
            .query_partition(&pk, keys::WEBHOOK_PREFIX)
            .await?
            .into_iter()
            .map(from_item::<Webhook>)
            .collect::<PortResult<Vec<_>>>()?;
        let mut webhooks: Vec<Webhook> = webhooks
            .into_iter()
            .filter(|w| w.tenant_id == tenant)
            .collect();
        webhooks.sort_by_key(|w| w.created_at);
        Ok(webhooks)
    }

    async fn update_webhook(&self, webhook: &Webhook) -> Result<Webhook, UpdateError> {
        let mut stored = webhook.clone();
        stored.version = webhook.version + 1;
        let item = to_item(&keys::webhook(webhook.tenant_id, webhook.id), &stored)?;
        match self
            .engine
            .write(vec![Write::put(
                item,
                Condition::VersionIs(webhook.version),
            )])
            .await?
        {
            Ok(()) => Ok(stored),
            Err(_) => Err(UpdateError::Conflict),
        }
    }

    async fn delete_webhook(&self, webhook: &Webhook) -> PortResult<()> {
        let (pk, _) = keys::tenant(webhook.tenant_id);
        // The log first: a crash in between leaves a subscription whose delete can run again.
        for item in self
            .engine
            .query_partition(&pk, &keys::deliveries_of(webhook.id))
            .await?
        {
            let delivery: Delivery = from_item(item)?;
            let key = keys::delivery(delivery.tenant_id, delivery.webhook_id, delivery.id);
            self.engine.write(vec![Write::delete(key)]).await?.ok();
        }
        let key = keys::webhook(webhook.tenant_id, webhook.id);
        self.engine.write(vec![Write::delete(key)]).await?.ok();
        Ok(())
    }

    async fn save_delivery(&self, delivery: &Delivery) -> Result<Delivery, UpdateError> {
        let mut stored = delivery.clone();
        stored.version = delivery.version + 1;
        let condition = if delivery.version == 0 {
            Condition::Absent
        } else {
            Condition::VersionIs(delivery.version)
        };
        match self
            .engine
            .write(vec![Write::put(delivery_item(&stored)?, condition)])
            .await?
        {
            Ok(()) => Ok(stored),
            Err(_) => Err(UpdateError::Conflict),
        }
    }

    async fn get_delivery(
        &self,
        tenant: TenantId,
        webhook: WebhookId,
        id: DeliveryId,
    ) -> PortResult<Option<Delivery>> {
        let delivery: Option<Delivery> = self
            .engine
            .get(&keys::delivery(tenant, webhook, id))
            .await?
            .map(from_item)
            .transpose()?;
        Ok(delivery.filter(|d| d.tenant_id == tenant && d.webhook_id == webhook))
    }

    async fn deliveries_of(
        &self,
        tenant: TenantId,
        webhook: WebhookId,
        limit: usize,
    ) -> PortResult<Vec<Delivery>> {
        let (pk, _) = keys::tenant(tenant);
        let mut deliveries = self
            .engine
            .query_partition(&pk, &keys::deliveries_of(webhook))
            .await?
            .into_iter()
            .map(from_item::<Delivery>)
            .collect::<PortResult<Vec<_>>>()?;
        deliveries.retain(|d| d.tenant_id == tenant);
        deliveries.sort_by_key(|d| std::cmp::Reverse(d.created_at));
        deliveries.truncate(limit);
        Ok(deliveries)
    }

    async fn due_deliveries(&self, now: DateTime<Utc>, limit: usize) -> PortResult<Vec<Delivery>> {
        let until = keys::due_until(now);
        self.due_items(keys::DELIVERY_PARTITION, Some(&until), limit)
            .await?
            .into_iter()
            .map(from_item)
            .collect()
    }
}
