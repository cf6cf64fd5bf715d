//! Recruiter routes: listing and reading interviews, resending and re-inviting.

use super::extract::{OptionalJsonBody, RequestLinks};
use super::{views, HttpState};
use crate::app::{interviews, reinvite, resend, Caller, Error, Links};
use crate::domain::Interview;
use axum::extract::{Path, Query, State};
use axum::routing::{get, post};
use axum::{Json, Router};
use serde::Deserialize;
use serde_json::{json, Value};

pub fn routes() -> Router<HttpState> {
    Router::new()
        .route(
            "/v1/positions/{positionId}/interviews",
            get(list_interviews),
        )
        .route("/v1/interviews/{interviewId}", get(get_interview))
        .route("/v1/interviews/{interviewId}/resend", post(resend))
        .route("/v1/interviews/{interviewId}/reinvite", post(reinvite))
}

/// An interview with its current link, if the link key still derives it.
fn with_link(links: &Links, interview: &Interview, company: &str) -> Value {
    let url = links.candidate(interview).ok();
    views::interview(interview, url.as_deref(), company)
}

async fn get_interview(
    State(state): State<HttpState>,
    caller: Caller,
    RequestLinks(links): RequestLinks,
    Path(interview_id): Path<String>,
) -> Result<Json<Value>, Error> {
    let interview = interviews::get_interview(&state.app, &caller, &interview_id).await?;
    let position = state
        .app
        .positions
        .get_position(caller.tenant_id, interview.position_id)
        .await?;
    let company = position
        .as_ref()
        .map_or(caller.tenant_name.as_str(), |p| p.employer());
    Ok(Json(with_link(&links, &interview, company)))
}

async fn resend(
    State(state): State<HttpState>,
    caller: Caller,
    RequestLinks(links): RequestLinks,
    Path(interview_id): Path<String>,
) -> Result<Json<Value>, Error> {
    let invited = resend::resend(&state.app, &links, &caller, &interview_id).await?;
    Ok(Json(views::invited(&invited)))
}

#[derive(Deserialize, Default)]
#[serde(rename_all = "camelCase")]
struct ReinviteInput {
    send_email: Option<bool>,
}

/// A new link for the candidate; the old one stops working. The body is optional.
async fn reinvite(
    State(state): State<HttpState>,
    caller: Caller,
    RequestLinks(links): RequestLinks,
    Path(interview_id): Path<String>,
    OptionalJsonBody(input): OptionalJsonBody<ReinviteInput>,
) -> Result<Json<Value>, Error> {
    let send_email = input.send_email.unwrap_or(true);
    let invited =
        reinvite::reinvite(&state.app, &links, &caller, &interview_id, send_email).await?;
    Ok(Json(views::invited(&invited)))
}

#[derive(Deserialize)]
struct ListQuery {
    cursor: Option<String>,
    limit: Option<u32>,
}

async fn list_interviews(
    State(state): State<HttpState>,
    caller: Caller,
    RequestLinks(links): RequestLinks,
    Path(position_id): Path<String>,
    Query(query): Query<ListQuery>,
) -> Result<Json<Value>, Error> {
    let (position, page) = interviews::list_interviews(
        &state.app,
        &caller,
        &position_id,
        query.cursor.as_deref(),
        query.limit.unwrap_or(50),
    )
    .await?;
    let items: Vec<Value> = page
        .items
        .iter()
        .map(|i| with_link(&links, i, position.employer()))
        .collect();
    Ok(Json(
        json!({ "items": items, "nextCursor": page.next_cursor }),
    ))
}
