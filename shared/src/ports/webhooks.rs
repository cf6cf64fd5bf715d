//! Webhook subscriptions and their deliveries (stored), and the HTTP client that delivers.

use super::{PortResult, UpdateError};
use crate::domain::{
    AddressPolicy, AttemptOutcome, Delivery, DeliveryId, TenantId, Webhook, WebhookId,
};
use async_trait::async_trait;
use chrono::{DateTime, Utc};

#[async_trait]
pub trait WebhookStore: Send + Sync {
    async fn create_webhook(&self, webhook: &Webhook) -> PortResult<()>;
    async fn get_webhook(&self, tenant: TenantId, id: WebhookId) -> PortResult<Option<Webhook>>;
    /// Every subscription of the tenant, oldest first.
    async fn webhooks_of(&self, tenant: TenantId) -> PortResult<Vec<Webhook>>;
    /// Stores `webhook` over the version it was read at, and bumps it.
    async fn update_webhook(&self, webhook: &Webhook) -> Result<Webhook, UpdateError>;
    /// Deletes a subscription and its delivery log.
    async fn delete_webhook(&self, webhook: &Webhook) -> PortResult<()>;
    /// Stores `delivery` over the version it was read at (a new one at version 0), bumps it,
    /// and keeps it in the due index while an attempt is due.
    async fn save_delivery(&self, delivery: &Delivery) -> Result<Delivery, UpdateError>;
    async fn get_delivery(
        &self,
        tenant: TenantId,
        webhook: WebhookId,
        id: DeliveryId,
    ) -> PortResult<Option<Delivery>>;
    /// The subscription's deliveries, newest first, at most `limit`.
    async fn deliveries_of(
        &self,
        tenant: TenantId,
        webhook: WebhookId,
        limit: usize,
    ) -> PortResult<Vec<Delivery>>;
    /// Deliveries whose next attempt is due at `now`, oldest first, at most `limit`.
    async fn due_deliveries(&self, now: DateTime<Utc>, limit: usize) -> PortResult<Vec<Delivery>>;
}

/// One signed POST to a subscriber.
#[derive(Debug, Clone, PartialEq)]
pub struct WebhookRequest {
    pub url: String,
    pub headers: Vec<(String, String)>,
    pub body: String,
}

#[async_trait]
pub trait WebhookSender: Send + Sync {
    /// Which addresses this sender may reach (deployed: public HTTPS only).
    fn policy(&self) -> AddressPolicy;
    /// Whether `host` resolves, now, only to addresses the policy allows (`Err` says why not).
    async fn check_host(&self, host: &str, port: u16) -> Result<(), String>;
    /// POSTs `request` (10 s timeout, no redirects), connecting only to addresses the policy
    /// allows, checked after resolving the name for this very request. Never fails: what
    /// happened is the outcome.
    async fn send(&self, request: &WebhookRequest) -> AttemptOutcome;
}
