//! Scheduled jobs on demand, for `reelview-local` only (on AWS, EventBridge Scheduler runs
//! them): `POST /admin/v1/jobs/reminders {"now"?: RFC 3339}` runs the reminder job, as of
//! `now` if given, so a developer or a test can see what a day later would send.

use super::extract::{Operator, OptionalJsonBody};
use super::HttpState;
use crate::app::{reminders, Error, FieldError};
use axum::extract::State;
use axum::routing::post;
use axum::{Json, Router};
use serde::Deserialize;
use serde_json::Value;

pub fn local_routes() -> Router<HttpState> {
    Router::new().route("/admin/v1/jobs/reminders", post(run_reminders))
}

#[derive(Debug, Default, Deserialize)]
struct JobInput {
    now: Option<String>,
}

async fn run_reminders(
    State(state): State<HttpState>,
    _operator: Operator,
    OptionalJsonBody(input): OptionalJsonBody<JobInput>,
) -> Result<Json<Value>, Error> {
    let now = match input.now.as_deref() {
        None => state.app.clock.now(),
        Some(raw) => chrono::DateTime::parse_from_rfc3339(raw)
            .map(|d| d.with_timezone(&chrono::Utc))
            .map_err(|_| {
                Error::Validation(vec![FieldError::new(
                    "now",
                    "must be an RFC 3339 date-time",
                )])
            })?,
    };
    let links = state
        .app
        .links
        .as_ref()
        .ok_or_else(|| Error::Internal("no links".into()))?;
    let summary = reminders::run(&state.app, links, now, None).await?;
    Ok(Json(serde_json::to_value(summary).unwrap_or_default()))
}
