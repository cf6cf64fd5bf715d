//! Telling webhooks: an event queued with the change that caused it becomes one delivery per
//! subscription that wants it; each delivery is signed and POSTed, and retried with growing
//! waits for about a day (see `domain::Delivery`). On AWS the table's stream starts both
//! steps and a schedule runs due retries; locally the followup runner does.

use super::{retry_on_conflict, App, Error, Result};
use crate::domain::{
    signature_header, Delivery, DeliveryId, DeliveryStatus, Event, EventType, WebhookId,
};
use crate::ports::WebhookRequest;
use chrono::{DateTime, Duration, Utc};
use sha2::{Digest, Sha256};

/// An attempt holds its delivery this long, so a concurrent run (the stream and the schedule
/// both see a new delivery) does not send it twice.
const ATTEMPT_LEASE_SECONDS: i64 = 60;

/// The delivery of `event` to `webhook`: the same id however often the event is announced
/// (the stream delivers at least once), so it is created once.
fn delivery_id(event: &Event, webhook: WebhookId) -> DeliveryId {
    let digest = Sha256::digest(format!("{}/{webhook}", event.id));
    let mut bytes = [0u8; 16];
    bytes.copy_from_slice(&digest[..16]);
    // A version-4-shaped id, so it reads like every other id.
    bytes[6] = (bytes[6] & 0x0f) | 0x40;
    bytes[8] = (bytes[8] & 0x3f) | 0x80;
    DeliveryId::parse(&uuid::Uuid::from_bytes(bytes).to_string()).expect("a valid id")
}

/// Creates a delivery of `event` for every subscription of its tenant that wants it (only
/// `only`, when given). The deliveries are attempted by [`attempt_stored`] or [`run_due`].
pub async fn announce(app: &App, event: &Event, only: Option<WebhookId>) -> Result<()> {
    let now = app.clock.now();
    for webhook in app.webhooks.webhooks_of(event.tenant_id).await? {
        let wanted = match only {
            Some(id) => webhook.id == id,
            None => webhook.wants(event.event_type),
        };
        if !wanted {
            continue;
        }
        let delivery = Delivery::new(&webhook, delivery_id(event, webhook.id), event.clone(), now);
        // Refused when an earlier run of this announcement created it already.
        let _ = app.webhooks.save_delivery(&delivery).await;
    }
    Ok(())
}

/// Whether a stored item's sort key is a delivery's (rather than an event's).
pub fn is_delivery_key(sk: &str) -> bool {
    sk.starts_with("DELIVERY#")
}

/// Attempts the delivery stored under `pk`/`sk` (as the stream names a new one), if due.
pub async fn attempt_stored(app: &App, pk: &str, sk: &str) -> Result<()> {
    let Some((tenant, webhook, id)) = crate::store::delivery_key(pk, sk) else {
        return Ok(());
    };
    match app.webhooks.get_delivery(tenant, webhook, id).await? {
        Some(delivery) => attempt(app, delivery, app.clock.now()).await,
        None => Ok(()),
    }
}

/// Attempts every delivery due at `now` (at most `limit`, a few at a time: each waits up to
/// 10 s for its receiver). Returns how many were attempted.
pub async fn run_due(app: &App, now: DateTime<Utc>, limit: usize) -> Result<usize> {
    use futures::StreamExt;
    const AT_ONCE: usize = 8;
    let due = app.webhooks.due_deliveries(now, limit).await?;
    let count = due.len();
    futures::stream::iter(due)
        .for_each_concurrent(AT_ONCE, |delivery| async move {
            if let Err(e) = attempt(app, delivery, now).await {
                tracing::error!(error = %e, "a webhook delivery could not be recorded; retried later");
            }
        })
        .await;
    Ok(count)
}

/// One attempt of `delivery`, if it is due at `now`: claimed first (a version-checked write),
/// then signed and sent, then recorded on the delivery and its subscription.
async fn attempt(app: &App, mut delivery: Delivery, now: DateTime<Utc>) -> Result<()> {
    if delivery.status != DeliveryStatus::Pending
        || delivery.next_attempt_at.is_none_or(|at| at > now)
    {
        return Ok(());
    }
    delivery.next_attempt_at = Some(now + Duration::seconds(ATTEMPT_LEASE_SECONDS));
    let mut delivery = match app.webhooks.save_delivery(&delivery).await {
        Ok(claimed) => claimed,
        // Someone else is attempting it.
        Err(crate::ports::UpdateError::Conflict) => return Ok(()),
        Err(e) => return Err(e.into()),
    };
    let webhook = app
        .webhooks
        .get_webhook(delivery.tenant_id, delivery.webhook_id)
        .await?;
    let webhook = match webhook {
        Some(w) if w.enabled || delivery.event.event_type == EventType::Ping => w,
        Some(_) => {
            delivery.abandon("the webhook is disabled");
            app.webhooks.save_delivery(&delivery).await?;
            return Ok(());
        }
        None => return Ok(()),
    };
    let started = app.clock.now();
    let body = delivery.event.body();
    let timestamp = now.timestamp();
    let event_id = delivery.event.id.to_string();
    let request = WebhookRequest {
        url: webhook.url.clone(),
        headers: vec![
            ("content-type".into(), "application/json".into()),
            ("user-agent".into(), "Reelview-Webhooks/1".into()),
            ("reelview-webhook-id".into(), event_id.clone()),
            ("reelview-webhook-timestamp".into(), timestamp.to_string()),
            (
                "reelview-webhook-signature".into(),
                signature_header(&webhook.signing_secrets(now), &event_id, timestamp, &body),
            ),
        ],
        body,
    };
    let sender = app
        .webhook_sender
        .as_deref()
        .ok_or_else(|| Error::Internal("this function delivers no webhooks".into()))?;
    let outcome = sender.send(&request).await;
    let done = now + (app.clock.now() - started).max(Duration::zero());
    // `delivered` feeds the template's webhook-failure metric (a filter on this line).
    tracing::info!(delivery = %delivery.id, event = ?delivery.event.event_type, delivered = outcome.succeeded(), outcome = %outcome.describe(), "webhook attempt");
    // Recorded on the delivery as it is now: a retry asked for meanwhile must not make the
    // attempt's outcome disappear.
    let (tenant, webhook_id, id) = (delivery.tenant_id, delivery.webhook_id, delivery.id);
    let outcome = &outcome;
    retry_on_conflict(|| async move {
        let Some(mut current) = app.webhooks.get_delivery(tenant, webhook_id, id).await? else {
            return Ok(());
        };
        current.record_attempt(outcome, done);
        app.webhooks.save_delivery(&current).await?;
        Ok(())
    })
    .await?;
    let (succeeded, why) = (outcome.succeeded(), outcome.describe());
    retry_on_conflict(|| async {
        let Some(mut webhook) = app
            .webhooks
            .get_webhook(delivery.tenant_id, delivery.webhook_id)
            .await?
        else {
            return Ok(());
        };
        if webhook.record_attempt(succeeded, &why, done) {
            app.webhooks.update_webhook(&webhook).await?;
        }
        Ok(())
    })
    .await
}
