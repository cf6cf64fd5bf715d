//! A tenant's webhook subscriptions: create (the signing secret shown once), list, read,
//! change, delete, rotate the secret, send a test ping, read the delivery log, retry a
//! delivery.

use super::{retry_on_conflict, App, Caller, Error, FieldError, Result};
use crate::domain::{
    check_webhook_url, Delivery, DeliveryId, Event, EventId, EventType, Line, Webhook, WebhookId,
};
use crate::ports::WebhookSender;
use serde::Deserialize;

/// Subscriptions a tenant may have.
pub const MAX_WEBHOOKS: usize = 20;
/// Deliveries a log read shows.
pub const LOG_LENGTH: usize = 100;

#[derive(Debug, Default, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct WebhookInput {
    pub url: Option<String>,
    pub events: Option<Vec<String>>,
    pub description: Option<String>,
    pub enabled: Option<bool>,
}

fn sender(app: &App) -> Result<&dyn WebhookSender> {
    app.webhook_sender
        .as_deref()
        .ok_or_else(|| Error::Internal("this function delivers no webhooks".into()))
}

/// A subscription URL the deployment may deliver to: its form, and where its name resolves
/// now (it is checked again at every delivery).
async fn checked_url(app: &App, url: &str, errors: &mut Vec<FieldError>) -> Result<String> {
    let sender = sender(app)?;
    match check_webhook_url(url, sender.policy()) {
        Err(why) => errors.push(FieldError::new("url", why)),
        Ok((host, port)) => {
            if let Err(why) = sender.check_host(&host, port).await {
                errors.push(FieldError::new("url", why));
            }
        }
    }
    Ok(url.to_string())
}

fn checked_events(raw: &[String], errors: &mut Vec<FieldError>) -> Vec<EventType> {
    let mut events = Vec::new();
    for (i, name) in raw.iter().enumerate() {
        match EventType::parse(name) {
            Some(event) if !events.contains(&event) => events.push(event),
            Some(_) => {}
            None => errors.push(FieldError::new(
                format!("events[{i}]"),
                "is not an event a webhook can subscribe to",
            )),
        }
    }
    if raw.is_empty() {
        errors.push(FieldError::new("events", "must name at least one event"));
    }
    events
}

fn checked_description(raw: Option<&str>, errors: &mut Vec<FieldError>) -> Option<String> {
    raw.and_then(|d| {
        Line::parse(d, 200)
            .map(|l| l.to_string())
            .map_err(|e| errors.push(FieldError::new("description", e)))
            .ok()
    })
}

/// Creates a subscription. Returns it with its signing secret, which is shown only now.
pub async fn create(app: &App, caller: &Caller, input: WebhookInput) -> Result<(Webhook, String)> {
    let mut errors = Vec::new();
    let url = match input.url.as_deref() {
        Some(url) => Some(checked_url(app, url, &mut errors).await?),
        None => {
            errors.push(FieldError::new("url", "is required"));
            None
        }
    };
    let events = match &input.events {
        Some(raw) => checked_events(raw, &mut errors),
        None => {
            errors.push(FieldError::new("events", "is required"));
            vec![]
        }
    };
    let description = checked_description(input.description.as_deref(), &mut errors);
    let (Some(url), true) = (url, errors.is_empty()) else {
        return Err(Error::Validation(errors));
    };
    if app.webhooks.webhooks_of(caller.tenant_id).await?.len() >= MAX_WEBHOOKS {
        return Err(Error::Validation(vec![FieldError::new(
            "url",
            format!("a team has at most {MAX_WEBHOOKS} webhooks; delete one first"),
        )]));
    }
    let secret = app.secrets.secret("whsec_").expose().to_string();
    let webhook = Webhook {
        tenant_id: caller.tenant_id,
        id: WebhookId::new(),
        url,
        events,
        description,
        enabled: input.enabled.unwrap_or(true),
        secret: secret.clone(),
        previous_secret: None,
        previous_secret_until: None,
        disabled_reason: None,
        failing_since: None,
        created_at: app.clock.now(),
        version: 0,
    };
    app.webhooks.create_webhook(&webhook).await?;
    Ok((webhook, secret))
}

pub async fn list(app: &App, caller: &Caller) -> Result<Vec<Webhook>> {
    Ok(app.webhooks.webhooks_of(caller.tenant_id).await?)
}

/// A subscription of the caller's tenant; another tenant's is "not found" too.
pub async fn get(app: &App, caller: &Caller, id: &str) -> Result<Webhook> {
    let id = WebhookId::parse(id).ok_or(Error::WebhookNotFound)?;
    app.webhooks
        .get_webhook(caller.tenant_id, id)
        .await?
        .ok_or(Error::WebhookNotFound)
}

/// Changes the URL, the events, the description or whether it is enabled (enabling again
/// clears why it was disabled).
pub async fn update(app: &App, caller: &Caller, id: &str, input: WebhookInput) -> Result<Webhook> {
    get(app, caller, id).await?;
    let mut errors = Vec::new();
    let url = match input.url.as_deref() {
        Some(url) => Some(checked_url(app, url, &mut errors).await?),
        None => None,
    };
    let events = input
        .events
        .as_deref()
        .map(|raw| checked_events(raw, &mut errors));
    let description = checked_description(input.description.as_deref(), &mut errors);
    if !errors.is_empty() {
        return Err(Error::Validation(errors));
    }
    retry_on_conflict(|| async {
        let mut webhook = get(app, caller, id).await?;
        if let Some(url) = &url {
            webhook.url = url.clone();
        }
        if let Some(events) = &events {
            webhook.events = events.clone();
        }
        if description.is_some() {
            webhook.description = description.clone();
        }
        if let Some(enabled) = input.enabled {
            webhook.enable(enabled);
        }
        Ok(app.webhooks.update_webhook(&webhook).await?)
    })
    .await
}

pub async fn delete(app: &App, caller: &Caller, id: &str) -> Result<()> {
    let webhook = get(app, caller, id).await?;
    app.webhooks.delete_webhook(&webhook).await?;
    Ok(())
}

/// A new signing secret, shown only now; the old one keeps signing for a day.
pub async fn rotate_secret(app: &App, caller: &Caller, id: &str) -> Result<(Webhook, String)> {
    let secret = app.secrets.secret("whsec_").expose().to_string();
    let webhook = retry_on_conflict(|| async {
        let mut webhook = get(app, caller, id).await?;
        webhook.rotate(secret.clone(), app.clock.now());
        Ok(app.webhooks.update_webhook(&webhook).await?)
    })
    .await?;
    Ok((webhook, secret))
}

/// Queues a `ping` to the subscription (delivered like any event, at once).
pub async fn test(app: &App, caller: &Caller, id: &str) -> Result<Delivery> {
    let webhook = get(app, caller, id).await?;
    let now = app.clock.now();
    let event = Event {
        id: EventId::new(),
        event_type: EventType::Ping,
        created_at: now,
        tenant_id: caller.tenant_id,
        data: None,
    };
    let delivery = Delivery::new(&webhook, DeliveryId::new(), event, now);
    Ok(app.webhooks.save_delivery(&delivery).await?)
}

/// The subscription's latest deliveries, newest first.
pub async fn deliveries(app: &App, caller: &Caller, id: &str) -> Result<Vec<Delivery>> {
    let webhook = get(app, caller, id).await?;
    Ok(app
        .webhooks
        .deliveries_of(caller.tenant_id, webhook.id, LOG_LENGTH)
        .await?)
}

/// One more attempt of a delivery, now (and the usual retries after it if it fails).
pub async fn retry(app: &App, caller: &Caller, id: &str, delivery_id: &str) -> Result<Delivery> {
    let webhook = get(app, caller, id).await?;
    let delivery_id = DeliveryId::parse(delivery_id).ok_or(Error::DeliveryNotFound)?;
    retry_on_conflict(|| async {
        let mut delivery = app
            .webhooks
            .get_delivery(caller.tenant_id, webhook.id, delivery_id)
            .await?
            .ok_or(Error::DeliveryNotFound)?;
        delivery.retry_now(app.clock.now());
        Ok(app.webhooks.save_delivery(&delivery).await?)
    })
    .await
}
