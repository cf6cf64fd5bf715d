//! Scheduled jobs on demand, for `reelview-local` only (on AWS, EventBridge Scheduler runs
//! them): `POST /admin/v1/jobs/reminders {"now"?: RFC 3339}` runs the reminder job, and
//! `POST /admin/v1/jobs/webhooks {"now"?}` the webhook retries due, and
//! `POST /admin/v1/jobs/retention {"now"?}` the retention job, as of `now` if given, so a
//! developer or a test can see what a day (or a year) later would do.

use super::extract::{Operator, OptionalJsonBody};
use super::HttpState;
use crate::app::{reminders, retention, webhook_delivery, Error, FieldError};
use axum::extract::State;
use axum::routing::post;
use axum::{Json, Router};
use serde::Deserialize;
use serde_json::Value;

pub fn local_routes() -> Router<HttpState> {
    Router::new()
        .route("/admin/v1/jobs/reminders", post(run_reminders))
        .route("/admin/v1/jobs/webhooks", post(run_webhook_retries))
        .route("/admin/v1/jobs/retention", post(run_retention))
}

#[derive(Debug, Default, Deserialize)]
struct JobInput {
    now: Option<String>,
}

impl JobInput {
    /// The job's `now`: as given, or the clock's.
    fn now(&self, state: &HttpState) -> Result<chrono::DateTime<chrono::Utc>, Error> {
        match self.now.as_deref() {
            None => Ok(state.app.clock.now()),
            Some(raw) => chrono::DateTime::parse_from_rfc3339(raw)
                .map(|d| d.with_timezone(&chrono::Utc))
                .map_err(|_| {
                    Error::Validation(vec![FieldError::new(
                        "now",
                        "must be an RFC 3339 date-time",
                    )])
                }),
        }
    }
}

async fn run_webhook_retries(
    State(state): State<HttpState>,
    _operator: Operator,
    OptionalJsonBody(input): OptionalJsonBody<JobInput>,
) -> Result<Json<Value>, Error> {
    let now = input.now(&state)?;
    let attempted = webhook_delivery::run_due(&state.app, now, 200).await?;
    Ok(Json(serde_json::json!({ "attempted": attempted })))
}

async fn run_reminders(
    State(state): State<HttpState>,
    _operator: Operator,
    OptionalJsonBody(input): OptionalJsonBody<JobInput>,
) -> Result<Json<Value>, Error> {
    let now = input.now(&state)?;
    let links = state
        .app
        .links
        .as_ref()
        .ok_or_else(|| Error::Internal("no links".into()))?;
    let summary = reminders::run(&state.app, links, now, None).await?;
    Ok(Json(serde_json::to_value(summary).unwrap_or_default()))
}

async fn run_retention(
    State(state): State<HttpState>,
    _operator: Operator,
    OptionalJsonBody(input): OptionalJsonBody<JobInput>,
) -> Result<Json<Value>, Error> {
    let now = input.now(&state)?;
    let summary = retention::run(&state.app, now, None).await?;
    Ok(Json(serde_json::to_value(summary).unwrap_or_default()))
}
