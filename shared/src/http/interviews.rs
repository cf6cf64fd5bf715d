//! Recruiter routes: listing and reading interviews (results with playable answers),
//! scoring and staging them, re-inviting, moving deadlines, asking for an answer again and
//! deleting. (Resending is its own function: `resend`.)

use super::extract::{JsonBody, OptionalJsonBody, RequestLinks};
use super::views::{self, Shown};
use super::HttpState;
use crate::app::insights::{self, Insights};
use crate::app::{
    answers, deadlines, delete_interview, interviews, reinvite, review, Caller, Error, Links,
};
use crate::domain::{Interview, Position, QuestionId};
use axum::extract::rejection::QueryRejection;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::routing::{delete, get, post, put};
use axum::{Json, Router};
use serde::Deserialize;
use serde_json::{json, Value};
use std::collections::BTreeMap;

pub fn routes() -> Router<HttpState> {
    Router::new()
        .route(
            "/v1/positions/{positionId}/interviews",
            get(list_interviews),
        )
        .route(
            "/v1/interviews/{interviewId}",
            get(get_interview).delete(remove),
        )
        .route("/v1/interviews/{interviewId}/score", put(set_score))
        .route("/v1/interviews/{interviewId}/stage", post(set_stage))
        .route("/v1/interviews/{interviewId}/reinvite", post(reinvite))
        .route("/v1/interviews/{interviewId}/deadline", put(set_deadline))
        .route(
            "/v1/interviews/{interviewId}/answers/{questionId}",
            delete(reopen_answer),
        )
        .route(
            "/v1/interviews/{interviewId}/answers/{questionId}/captions.vtt",
            get(captions),
        )
}

/// An interview with its current link (if the link key still derives it).
fn view(
    state: &HttpState,
    links: &Links,
    interview: &Interview,
    position: Option<&Position>,
    company: &str,
    playback: Option<&BTreeMap<QuestionId, String>>,
    insights: Option<&Insights>,
) -> Value {
    let url = links.candidate(interview).ok();
    let no_questions = [];
    let position_questions = position.map_or(&no_questions[..], |p| &p.questions[..]);
    views::interview(
        interview,
        &Shown {
            url: url.as_deref(),
            company,
            questions: interview.questions_or(position_questions),
            playback,
            insights,
            now: state.app.clock.now(),
        },
    )
}

/// The results of an interview: everything the list shows, the questions it was invited
/// with, the timeline, and a playback URL per answer (valid for an hour).
async fn get_interview(
    State(state): State<HttpState>,
    caller: Caller,
    RequestLinks(links): RequestLinks,
    Path(interview_id): Path<String>,
) -> Result<Json<Value>, Error> {
    let results = review::results(&state.app, &caller, &interview_id).await?;
    let position = results.position.as_ref();
    let company = position.map_or(caller.tenant_name.as_str(), |p| p.employer());
    Ok(Json(view(
        &state,
        &links,
        &results.interview,
        position,
        company,
        Some(&results.playback),
        Some(&results.insights),
    )))
}

/// An interview after a reviewer's change, as the list shows it.
async fn changed(
    state: &HttpState,
    caller: &Caller,
    links: &Links,
    interview: Interview,
) -> Result<Json<Value>, Error> {
    let position = state
        .app
        .positions
        .get_position(caller.tenant_id, interview.position_id)
        .await?;
    let company = position
        .as_ref()
        .map_or(caller.tenant_name.as_str(), |p| p.employer());
    Ok(Json(view(
        state,
        links,
        &interview,
        position.as_ref(),
        company,
        None,
        None,
    )))
}

#[derive(Deserialize)]
struct ScoreInput {
    /// Required; `null` clears the score.
    #[serde(default, deserialize_with = "present")]
    score: Option<Value>,
}

/// `Some(Value::Null)` for an explicit `null`, `None` (by `default`) for a missing field.
fn present<'de, D: serde::Deserializer<'de>>(d: D) -> Result<Option<Value>, D::Error> {
    Value::deserialize(d).map(Some)
}

async fn set_score(
    State(state): State<HttpState>,
    caller: Caller,
    RequestLinks(links): RequestLinks,
    Path(interview_id): Path<String>,
    JsonBody(input, _): JsonBody<ScoreInput>,
) -> Result<Json<Value>, Error> {
    let invalid = || {
        Error::Validation(vec![crate::app::FieldError::new(
            "score",
            "is required: a number from 1 to 5 in steps of 0.5, or null to clear",
        )])
    };
    let score = match input.score {
        Some(Value::Null) => None,
        Some(Value::Number(n)) => Some(n.as_f64().ok_or_else(invalid)?),
        _ => return Err(invalid()),
    };
    let interview = review::set_score(&state.app, &caller, &interview_id, score).await?;
    changed(&state, &caller, &links, interview).await
}

#[derive(Deserialize)]
struct StageInput {
    /// Any JSON value: what is not one of the stage names is a field error.
    stage: Option<Value>,
}

async fn set_stage(
    State(state): State<HttpState>,
    caller: Caller,
    RequestLinks(links): RequestLinks,
    Path(interview_id): Path<String>,
    JsonBody(input, _): JsonBody<StageInput>,
) -> Result<Json<Value>, Error> {
    let interview = review::set_stage(
        &state.app,
        &caller,
        &interview_id,
        input.stage.as_ref().and_then(Value::as_str),
    )
    .await?;
    changed(&state, &caller, &links, interview).await
}

/// The interview and everything it holds; its email and externalId are free again.
async fn remove(
    State(state): State<HttpState>,
    caller: Caller,
    Path(interview_id): Path<String>,
) -> Result<StatusCode, Error> {
    delete_interview::delete_interview(&state.app, &caller, &interview_id).await?;
    Ok(StatusCode::NO_CONTENT)
}

async fn set_deadline(
    State(state): State<HttpState>,
    caller: Caller,
    RequestLinks(links): RequestLinks,
    Path(interview_id): Path<String>,
    JsonBody(input, _): JsonBody<deadlines::DeadlineInput>,
) -> Result<Json<Value>, Error> {
    let interview = deadlines::set_deadline(&state.app, &caller, &interview_id, input).await?;
    changed(&state, &caller, &links, interview).await
}

#[derive(Deserialize, Default)]
struct NotifyQuery {
    #[serde(default)]
    notify: bool,
}

/// Removes an answer for the candidate to record again with the same link;
/// `?notify=true` emails them.
async fn reopen_answer(
    State(state): State<HttpState>,
    caller: Caller,
    RequestLinks(links): RequestLinks,
    Path((interview_id, question_id)): Path<(String, String)>,
    query: Result<Query<NotifyQuery>, QueryRejection>,
) -> Result<Json<Value>, Error> {
    let Query(query) = query.map_err(|e| Error::Malformed(e.body_text()))?;
    let interview = answers::reopen_answer(
        &state.app,
        &links,
        &caller,
        &interview_id,
        &question_id,
        query.notify,
    )
    .await?;
    changed(&state, &caller, &links, interview).await
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
    Ok(Json(views::invited(&invited, state.app.clock.now())))
}

async fn list_interviews(
    State(state): State<HttpState>,
    caller: Caller,
    RequestLinks(links): RequestLinks,
    Path(position_id): Path<String>,
    query: Result<Query<interviews::ListInput>, QueryRejection>,
) -> Result<Json<Value>, Error> {
    let Query(input) = query.map_err(|e| Error::Malformed(e.body_text()))?;
    let (position, page) =
        interviews::list_interviews(&state.app, &caller, &position_id, input).await?;
    let items: Vec<Value> = page
        .items
        .iter()
        .map(|i| {
            view(
                &state,
                &links,
                i,
                Some(&position),
                position.employer(),
                None,
                None,
            )
        })
        .collect();
    Ok(Json(
        json!({ "items": items, "nextCursor": page.next_cursor }),
    ))
}

/// An answer's captions as WebVTT, for a `<track>` beside its playback.
async fn captions(
    State(state): State<HttpState>,
    caller: Caller,
    Path((interview_id, question_id)): Path<(String, String)>,
) -> Result<axum::response::Response, Error> {
    let vtt = insights::captions(&state.app, &caller, &interview_id, &question_id).await?;
    Ok(super::webvtt(vtt))
}
