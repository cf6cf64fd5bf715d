//! Operator routes: creating tenants. On AWS the route is IAM-authorized.

use super::extract::{JsonBody, Operator};
use super::{views, HttpState};
use crate::app::{tenants, Error};
use axum::extract::State;
use axum::http::StatusCode;
use axum::routing::post;
use axum::{Json, Router};
use serde_json::{json, Value};

pub fn routes() -> Router<HttpState> {
    Router::new().route("/admin/v1/tenants", post(create_tenant))
}

async fn create_tenant(
    State(state): State<HttpState>,
    _operator: Operator,
    JsonBody(input, _): JsonBody<tenants::NewTenant>,
) -> Result<(StatusCode, Json<Value>), Error> {
    let created = tenants::create_tenant(&state.app, input).await?;
    let mut body = views::tenant(&created.tenant);
    body["apiKey"] = json!(created.api_key.expose());
    Ok((StatusCode::CREATED, Json(body)))
}
