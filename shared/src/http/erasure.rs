//! Recruiter route: a candidate's erasure request (`POST /v1/erasure {email}`). Served by
//! the function that deletes interviews, whose deletion it reuses.

use super::extract::JsonBody;
use super::HttpState;
use crate::app::{erasure, Caller, Error};
use axum::extract::State;
use axum::routing::post;
use axum::{Json, Router};
use serde_json::Value;

pub fn routes() -> Router<HttpState> {
    Router::new().route("/v1/erasure", post(erase))
}

/// `200` with what went, also when nothing was left to erase (a repeated request).
async fn erase(
    State(state): State<HttpState>,
    caller: Caller,
    JsonBody(request, _): JsonBody<erasure::ErasureRequest>,
) -> Result<Json<Value>, Error> {
    let erased = erasure::erase(&state.app, &caller, request).await?;
    serde_json::to_value(erased)
        .map(Json)
        .map_err(|e| Error::Internal(e.to_string()))
}
