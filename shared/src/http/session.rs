//! Candidate routes: opening the interview link and submitting.

use super::personal::respond;
use super::HttpState;
use crate::app::session::{self, Session};
use crate::app::upload::MULTIPART_THRESHOLD_BYTES;
use crate::domain::{estimated_minutes, ALLOWED_VIDEO_TYPES};
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::Response;
use axum::routing::{get, post};
use axum::Router;
use serde_json::{json, Value};

pub fn routes() -> Router<HttpState> {
    Router::new()
        .route("/v1/candidate/{token}", get(get_session))
        .route("/v1/candidate/{token}/submit", post(submit))
}

/// What a candidate sees: welcome data, questions with their settings, and progress.
fn session_view(session: &Session) -> Value {
    let interview = &session.interview;
    let position = &session.position;
    let questions: Vec<Value> = session
        .questions()
        .iter()
        .map(|q| {
            let progress = interview.progress_of(q.id);
            json!({
                "id": q.id,
                "text": q.text,
                "maxAnswerSeconds": q.max_answer_seconds,
                "thinkingSeconds": q.thinking_seconds,
                "retakes": q.retakes,
                "retakesUsed": progress.confirmed_attempts.saturating_sub(1),
                "attemptsLeft": q.max_attempts().saturating_sub(progress.confirmed_attempts),
                "answered": progress.answer.is_some(),
                "answer": progress.answer.as_ref().map(|a| json!({
                    "uploadId": a.upload_id,
                    "size": a.size,
                    "contentType": a.content_type,
                    "confirmedAt": a.confirmed_at,
                })),
            })
        })
        .collect();
    json!({
        "status": interview.status,
        "company": session.company(),
        "position": position.name,
        "intro": position.intro,
        "candidate": { "firstName": interview.candidate.first_name },
        "questionCount": session.questions().len(),
        "estimatedMinutes": estimated_minutes(session.questions()),
        "deadline": interview.deadline,
        "startedAt": interview.started_at,
        "completedAt": interview.completed_at,
        "requirements": [
            "A camera",
            "A microphone",
            "A recent browser: Chrome, Edge, Firefox or Safari",
            "A steady internet connection for uploading",
        ],
        "allowedContentTypes": ALLOWED_VIDEO_TYPES,
        "maxUploadBytes": position.max_upload_bytes,
        "multipartThresholdBytes": MULTIPART_THRESHOLD_BYTES,
        "questions": questions,
    })
}

async fn get_session(State(state): State<HttpState>, Path(token): Path<String>) -> Response {
    respond(
        session::open(&state.app, &token)
            .await
            .map(|s| (StatusCode::OK, session_view(&s))),
    )
}

async fn submit(State(state): State<HttpState>, Path(token): Path<String>) -> Response {
    respond(session::submit(&state.app, &token).await.map(|s| {
        (
            StatusCode::OK,
            json!({ "status": s.interview.status, "completedAt": s.interview.completed_at }),
        )
    }))
}
