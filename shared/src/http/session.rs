//! Candidate routes: opening the interview link and submitting.

use super::extract::JsonBody;
use super::personal::respond;
use super::HttpState;
use crate::app::session::{self, Session};
use crate::app::upload::MULTIPART_THRESHOLD_BYTES;
use crate::app::Error;
use crate::domain::{estimated_minutes, AnswerKind, Question, ALLOWED_VIDEO_TYPES};
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::Response;
use axum::routing::{get, post, put};
use axum::Router;
use serde_json::{json, Value};

pub fn routes() -> Router<HttpState> {
    Router::new()
        .route("/v1/candidate/{token}", get(get_session))
        .route("/v1/candidate/{token}/submit", post(submit))
        .route(
            "/v1/candidate/{token}/answers/{questionId}/text",
            put(save_text),
        )
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
            let written = progress.written.as_ref();
            json!({
                "id": q.id,
                "text": q.text,
                "kind": q.kind,
                // Recording types this question takes (none for a written answer).
                "allowedContentTypes": q.kind.allowed_types(),
                "maxCharacters": (!q.kind.is_recording()).then(|| q.character_limit()),
                "written": written.map(|w| json!({ "text": w.text, "savedAt": w.saved_at })),
                "maxAnswerSeconds": q.max_answer_seconds,
                "thinkingSeconds": q.thinking_seconds,
                "retakes": q.retakes,
                "retakesUsed": progress.confirmed_attempts.saturating_sub(1),
                "attemptsLeft": q.max_attempts().saturating_sub(progress.confirmed_attempts),
                "answered": progress.is_answered(),
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
        "requirements": requirements(session.questions()),
        // The video types (kept for clients written before questions had kinds; each
        // question lists its own).
        "allowedContentTypes": ALLOWED_VIDEO_TYPES,
        "maxUploadBytes": position.max_upload_bytes,
        "multipartThresholdBytes": MULTIPART_THRESHOLD_BYTES,
        "questions": questions,
    })
}

/// What the candidate needs, by the kinds of answer the questions ask for.
fn requirements(questions: &[Question]) -> Vec<&'static str> {
    let kinds: Vec<AnswerKind> = questions.iter().map(|q| q.kind).collect();
    let mut needs = Vec::new();
    if kinds.contains(&AnswerKind::Video) {
        needs.push("A camera");
    }
    if kinds.iter().any(|k| k.is_recording()) {
        needs.push("A microphone");
    }
    needs.push("A recent browser: Chrome, Edge, Firefox or Safari");
    if kinds.iter().any(|k| k.is_recording()) {
        needs.push("A steady internet connection for uploading");
    }
    needs
}

#[derive(serde::Deserialize)]
struct WrittenInput {
    text: Option<String>,
}

/// Saves a written answer as the candidate types (a draft until the interview is submitted).
async fn save_text(
    State(state): State<HttpState>,
    Path((token, question_id)): Path<(String, String)>,
    JsonBody(input, _): JsonBody<WrittenInput>,
) -> Response {
    let saved = session::save_written_answer(&state.app, &token, &question_id, input.text).await;
    respond(saved.and_then(|s| {
        let id = crate::domain::QuestionId::parse(&question_id).ok_or(Error::QuestionNotFound)?;
        let question = s.question(id).ok_or(Error::QuestionNotFound)?;
        let written = s
            .interview
            .progress_of(id)
            .written
            .ok_or_else(|| Error::Internal("a saved answer is missing".into()))?;
        Ok((
            StatusCode::OK,
            json!({
                "questionId": id,
                "text": written.text,
                "characters": written.text.chars().count(),
                "maxCharacters": question.character_limit(),
                "savedAt": written.saved_at,
            }),
        ))
    }))
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
