//! Resending an invitation with the same link: its own function, so the busiest recruiter
//! action starts small and is limited on its own (see `Interview::claim_resend`).

use super::extract::RequestLinks;
use super::views;
use super::HttpState;
use crate::app::{resend, Caller, Error};
use axum::extract::{Path, State};
use axum::routing::post;
use axum::{Json, Router};
use serde_json::Value;

pub fn routes() -> Router<HttpState> {
    Router::new().route("/v1/interviews/{interviewId}/resend", post(resend))
}

async fn resend(
    State(state): State<HttpState>,
    caller: Caller,
    RequestLinks(links): RequestLinks,
    Path(interview_id): Path<String>,
) -> Result<Json<Value>, Error> {
    let invited = resend::resend(&state.app, &links, &caller, &interview_id).await?;
    Ok(Json(views::invited(&invited, state.app.clock.now())))
}
