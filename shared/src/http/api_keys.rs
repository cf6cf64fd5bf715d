//! Recruiter routes: the tenant's API keys, and who the calling key is. The key itself is in
//! the creating response only.

use super::extract::JsonBody;
use super::HttpState;
use crate::app::{api_keys, Caller, Error};
use crate::domain::ApiKey;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::routing::{delete, get, post};
use axum::{Json, Router};
use serde_json::{json, Value};

pub fn routes() -> Router<HttpState> {
    Router::new()
        .route("/v1/api-keys", post(create_key).get(list_keys))
        .route("/v1/api-keys/{keyId}", delete(revoke_key))
        .route("/v1/me", get(me))
}

/// The team and the key of the request, as the authorizer found them: no store read. The
/// console shows whom it is signed in as (the label also signs comments).
async fn me(caller: Caller) -> Result<Json<Value>, Error> {
    let key_id = caller.key_id.ok_or(Error::Unauthorized)?;
    Ok(Json(json!({
        "tenant": { "id": caller.tenant_id, "name": caller.tenant_name },
        "key": { "keyId": key_id, "label": caller.key_label },
    })))
}

fn key_view(key: &ApiKey) -> Value {
    json!({
        "keyId": key.id,
        "label": key.label,
        "prefix": key.prefix,
        "createdAt": key.created_at,
        "lastUsedAt": key.last_used_at,
    })
}

async fn create_key(
    State(state): State<HttpState>,
    caller: Caller,
    JsonBody(input, _): JsonBody<api_keys::NewKey>,
) -> Result<(StatusCode, Json<Value>), Error> {
    let (key, secret) = api_keys::create(&state.app, &caller, input).await?;
    let mut body = key_view(&key);
    body["apiKey"] = json!(secret.expose());
    Ok((StatusCode::CREATED, Json(body)))
}

async fn list_keys(State(state): State<HttpState>, caller: Caller) -> Result<Json<Value>, Error> {
    let keys = api_keys::list(&state.app, &caller).await?;
    Ok(Json(
        json!({ "items": keys.iter().map(key_view).collect::<Vec<_>>() }),
    ))
}

async fn revoke_key(
    State(state): State<HttpState>,
    caller: Caller,
    Path(key_id): Path<String>,
) -> Result<StatusCode, Error> {
    api_keys::revoke(&state.app, &caller, &key_id).await?;
    Ok(StatusCode::NO_CONTENT)
}
