//! Recruiter routes: the tenant's webhook subscriptions and their delivery logs. The signing
//! secret is in the responses that create or rotate it, and nowhere else.

use super::extract::JsonBody;
use super::HttpState;
use crate::app::{webhooks, Caller, Error};
use crate::domain::{Delivery, Webhook};
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::routing::{get, post};
use axum::{Json, Router};
use serde_json::{json, Value};

pub fn routes() -> Router<HttpState> {
    Router::new()
        .route("/v1/webhooks", post(create).get(list))
        .route(
            "/v1/webhooks/{webhookId}",
            get(read).patch(update).delete(remove),
        )
        .route(
            "/v1/webhooks/{webhookId}/rotate-secret",
            post(rotate_secret),
        )
        .route("/v1/webhooks/{webhookId}/test", post(test))
        .route("/v1/webhooks/{webhookId}/deliveries", get(deliveries))
        .route(
            "/v1/webhooks/{webhookId}/deliveries/{deliveryId}/retry",
            post(retry),
        )
}

fn webhook_view(webhook: &Webhook) -> Value {
    json!({
        "id": webhook.id,
        "url": webhook.url,
        "events": webhook.events,
        "description": webhook.description,
        "enabled": webhook.enabled,
        "disabledReason": webhook.disabled_reason,
        "failingSince": webhook.failing_since,
        "previousSecretExpiresAt": webhook.previous_secret_until,
        "createdAt": webhook.created_at,
    })
}

fn delivery_view(delivery: &Delivery) -> Value {
    json!({
        "id": delivery.id,
        "eventId": delivery.event.id,
        "event": delivery.event.event_type,
        "status": delivery.status,
        "attempts": delivery.attempts,
        "lastStatusCode": delivery.last_status_code,
        "lastError": delivery.last_error,
        "lastResponse": delivery.last_response,
        "lastAttemptAt": delivery.last_attempt_at,
        "nextAttemptAt": delivery.next_attempt_at,
        "createdAt": delivery.created_at,
        "payload": delivery.event,
    })
}

async fn create(
    State(state): State<HttpState>,
    caller: Caller,
    JsonBody(input, _): JsonBody<webhooks::WebhookInput>,
) -> Result<(StatusCode, Json<Value>), Error> {
    let (webhook, secret) = webhooks::create(&state.app, &caller, input).await?;
    let mut body = webhook_view(&webhook);
    body["secret"] = json!(secret);
    Ok((StatusCode::CREATED, Json(body)))
}

async fn list(State(state): State<HttpState>, caller: Caller) -> Result<Json<Value>, Error> {
    let all = webhooks::list(&state.app, &caller).await?;
    Ok(Json(
        json!({ "items": all.iter().map(webhook_view).collect::<Vec<_>>() }),
    ))
}

async fn read(
    State(state): State<HttpState>,
    caller: Caller,
    Path(id): Path<String>,
) -> Result<Json<Value>, Error> {
    Ok(Json(webhook_view(
        &webhooks::get(&state.app, &caller, &id).await?,
    )))
}

async fn update(
    State(state): State<HttpState>,
    caller: Caller,
    Path(id): Path<String>,
    JsonBody(input, _): JsonBody<webhooks::WebhookInput>,
) -> Result<Json<Value>, Error> {
    Ok(Json(webhook_view(
        &webhooks::update(&state.app, &caller, &id, input).await?,
    )))
}

async fn remove(
    State(state): State<HttpState>,
    caller: Caller,
    Path(id): Path<String>,
) -> Result<StatusCode, Error> {
    webhooks::delete(&state.app, &caller, &id).await?;
    Ok(StatusCode::NO_CONTENT)
}

async fn rotate_secret(
    State(state): State<HttpState>,
    caller: Caller,
    Path(id): Path<String>,
) -> Result<Json<Value>, Error> {
    let (webhook, secret) = webhooks::rotate_secret(&state.app, &caller, &id).await?;
    let mut body = webhook_view(&webhook);
    body["secret"] = json!(secret);
    Ok(Json(body))
}

async fn test(
    State(state): State<HttpState>,
    caller: Caller,
    Path(id): Path<String>,
) -> Result<(StatusCode, Json<Value>), Error> {
    let delivery = webhooks::test(&state.app, &caller, &id).await?;
    Ok((StatusCode::ACCEPTED, Json(delivery_view(&delivery))))
}

async fn deliveries(
    State(state): State<HttpState>,
    caller: Caller,
    Path(id): Path<String>,
) -> Result<Json<Value>, Error> {
    let log = webhooks::deliveries(&state.app, &caller, &id).await?;
    Ok(Json(
        json!({ "items": log.iter().map(delivery_view).collect::<Vec<_>>() }),
    ))
}

async fn retry(
    State(state): State<HttpState>,
    caller: Caller,
    Path((id, delivery_id)): Path<(String, String)>,
) -> Result<(StatusCode, Json<Value>), Error> {
    let delivery = webhooks::retry(&state.app, &caller, &id, &delivery_id).await?;
    Ok((StatusCode::ACCEPTED, Json(delivery_view(&delivery))))
}
