//! Recruiter routes: the team itself and its settings (`GET`/`PATCH /v1/tenant`). Served by
//! the function that serves the team's API keys and `/v1/me`.

use super::extract::JsonBody;
use super::HttpState;
use crate::app::{team, Caller, Error};
use crate::domain::Tenant;
use axum::extract::State;
use axum::routing::get;
use axum::{Json, Router};
use serde_json::{json, Value};

pub fn routes() -> Router<HttpState> {
    Router::new().route("/v1/tenant", get(show).patch(update))
}

fn tenant_view(tenant: &Tenant) -> Value {
    json!({
        "id": tenant.id,
        "name": tenant.name,
        "monthlyInviteLimit": tenant.monthly_invite_limit,
        "retentionDays": tenant.retention_days,
    })
}

async fn show(State(state): State<HttpState>, caller: Caller) -> Result<Json<Value>, Error> {
    Ok(Json(tenant_view(&team::get(&state.app, &caller).await?)))
}

async fn update(
    State(state): State<HttpState>,
    caller: Caller,
    JsonBody(patch, _): JsonBody<team::TenantPatch>,
) -> Result<Json<Value>, Error> {
    Ok(Json(tenant_view(
        &team::update(&state.app, &caller, patch).await?,
    )))
}
