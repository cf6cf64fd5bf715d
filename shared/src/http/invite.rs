//! Recruiter routes: inviting candidates, one or in bulk.

use super::extract::{Idempotent, RequestLinks};
use super::idempotency::{run_once, Outcome};
use super::{views, HttpState};
use crate::app::{batch, invite, Caller};
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::Response;
use axum::routing::post;
use axum::Router;
use serde::Deserialize;
use serde_json::{json, Value};

pub fn routes() -> Router<HttpState> {
    Router::new()
        .route("/v1/positions/{positionId}/interviews", post(invite))
        .route(
            "/v1/positions/{positionId}/interviews/batch",
            post(invite_batch),
        )
}

async fn invite(
    State(state): State<HttpState>,
    caller: Caller,
    RequestLinks(links): RequestLinks,
    Path(position_id): Path<String>,
    request: Idempotent<invite::InviteInput>,
) -> Response {
    let Idempotent { key, input, body } = request;
    let route = format!("POST /v1/positions/{position_id}/interviews");
    run_once(&state, &caller, key, &[route.as_bytes(), &body], || async {
        let invited = invite::invite(&state.app, &links, &caller, &position_id, input).await?;
        Ok((
            StatusCode::CREATED,
            views::invited(&invited, state.app.clock.now()),
        ))
    })
    .await
}

#[derive(Deserialize)]
struct BatchInput {
    candidates: Option<Vec<Value>>,
}

async fn invite_batch(
    State(state): State<HttpState>,
    caller: Caller,
    RequestLinks(links): RequestLinks,
    Path(position_id): Path<String>,
    request: Idempotent<BatchInput>,
) -> Response {
    let Idempotent { key, input, body } = request;
    let route = format!("POST /v1/positions/{position_id}/interviews/batch");
    run_once(&state, &caller, key, &[route.as_bytes(), &body], || async {
        let rows = input.candidates.unwrap_or_default();
        let outcomes = batch::invite_batch(&state.app, &links, &caller, &position_id, rows).await?;
        let results: Vec<Value> = outcomes
            .iter()
            .enumerate()
            .map(|(index, outcome)| match outcome {
                Ok(invited) => json!({
                    "index": index,
                    "status": 201,
                    "interview": views::invited(invited, state.app.clock.now()),
                }),
                Err(e) => json!({
                    "index": index,
                    "status": e.status_and_code().0.as_u16(),
                    "problem": e.problem(),
                }),
            })
            .collect();
        let created = outcomes.iter().filter(|o| o.is_ok()).count();
        let outcome: Outcome = Ok((
            StatusCode::OK,
            json!({ "created": created, "failed": outcomes.len() - created, "results": results }),
        ));
        outcome
    })
    .await
}
