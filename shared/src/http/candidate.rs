//! Candidate routes: the session, answer uploads, submission, the candidate page and the
//! public application link. The token in the path is the only credential and is never logged.

use super::extract::JsonBody;
use super::HttpState;
use crate::app::candidate::{self, Application, Session};
use crate::app::upload::{self, NewUpload, UploadTicket, MULTIPART_THRESHOLD_BYTES};
use crate::app::Error;
use crate::domain::{UploadMethod, ALLOWED_VIDEO_TYPES};
use axum::extract::{Path, State};
use axum::http::{header, HeaderMap, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::Json;
use serde_json::{json, Map, Value};

/// What a candidate sees: welcome data, questions with their settings, and progress.
pub fn session_view(session: &Session) -> Value {
    let interview = &session.interview;
    let position = &session.position;
    let questions: Vec<Value> = position
        .questions
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
        "company": session.company,
        "position": position.name,
        "intro": position.intro,
        "candidate": { "firstName": interview.candidate.first_name },
        "questionCount": position.questions.len(),
        "estimatedMinutes": position.estimated_minutes(),
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

/// Candidate API responses are personal: never cached, never referred.
fn private(mut response: Response) -> Response {
    let headers = response.headers_mut();
    headers.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    headers.insert("referrer-policy", HeaderValue::from_static("no-referrer"));
    response
}

fn respond(result: Result<(StatusCode, Value), Error>) -> Response {
    private(match result {
        Ok((status, body)) => (status, Json(body)).into_response(),
        Err(e) => e.into_response(),
    })
}

pub async fn get_session(State(state): State<HttpState>, Path(token): Path<String>) -> Response {
    respond(
        candidate::open(&state.app, &token)
            .await
            .map(|s| (StatusCode::OK, session_view(&s))),
    )
}

pub async fn submit(State(state): State<HttpState>, Path(token): Path<String>) -> Response {
    respond(candidate::submit(&state.app, &token).await.map(|s| {
        (
            StatusCode::OK,
            json!({ "status": s.interview.status, "completedAt": s.interview.completed_at }),
        )
    }))
}

fn headers_object(headers: &[(String, String)]) -> Value {
    Value::Object(
        headers
            .iter()
            .map(|(k, v)| (k.clone(), json!(v)))
            .collect::<Map<_, _>>(),
    )
}

fn ticket_view(ticket: &UploadTicket) -> Value {
    let upload = &ticket.upload;
    match (&upload.method, &ticket.put) {
        (UploadMethod::Put, Some(put)) => json!({
            "uploadId": upload.id,
            "questionId": upload.question_id,
            "method": "PUT",
            "state": upload.state,
            "size": upload.size,
            "contentType": upload.content_type,
            "url": put.url,
            "headers": headers_object(&put.headers),
            "expiresAt": ticket.expires_at,
        }),
        (
            UploadMethod::Multipart {
                part_size,
                part_count,
                ..
            },
            _,
        ) => json!({
            "uploadId": upload.id,
            "questionId": upload.question_id,
            "method": "MULTIPART",
            "state": upload.state,
            "size": upload.size,
            "contentType": upload.content_type,
            "partSize": part_size,
            "partCount": part_count,
            "uploadedParts": ticket.uploaded_parts.iter().map(|p| json!({
                "partNumber": p.part_number, "size": p.size,
            })).collect::<Vec<_>>(),
            "parts": ticket.parts.iter().map(|p| json!({
                "partNumber": p.part_number,
                "size": p.size,
                "url": p.request.url,
                "headers": headers_object(&p.request.headers),
            })).collect::<Vec<_>>(),
            "expiresAt": ticket.expires_at,
            "resumableUntil": upload.resumable_until,
        }),
        (UploadMethod::Put, None) => {
            json!({ "uploadId": upload.id, "method": "PUT", "state": upload.state })
        }
    }
}

pub async fn create_upload(
    State(state): State<HttpState>,
    Path((token, question_id)): Path<(String, String)>,
    body: Result<JsonBody<NewUpload>, Error>,
) -> Response {
    let result = async {
        let JsonBody(input, _) = body?;
        let ticket = upload::create(&state.app, &token, &question_id, input).await?;
        Ok((StatusCode::CREATED, ticket_view(&ticket)))
    };
    respond(result.await)
}

pub async fn upload_status(
    State(state): State<HttpState>,
    Path((token, question_id, upload_id)): Path<(String, String, String)>,
) -> Response {
    respond(
        upload::status(&state.app, &token, &question_id, &upload_id)
            .await
            .map(|t| (StatusCode::OK, ticket_view(&t))),
    )
}

pub async fn complete_upload(
    State(state): State<HttpState>,
    Path((token, question_id, upload_id)): Path<(String, String, String)>,
) -> Response {
    respond(
        upload::complete(&state.app, &token, &question_id, &upload_id)
            .await
            .map(|c| {
                (
                    StatusCode::OK,
                    json!({
                        "questionId": c.question_id,
                        "answer": {
                            "uploadId": c.answer.upload_id,
                            "size": c.answer.size,
                            "contentType": c.answer.content_type,
                            "confirmedAt": c.answer.confirmed_at,
                        },
                        "retakesUsed": c.confirmed_attempts.saturating_sub(1),
                        "attemptsLeft": c.max_attempts.saturating_sub(c.confirmed_attempts),
                    }),
                )
            }),
    )
}

pub async fn abort_upload(
    State(state): State<HttpState>,
    Path((token, question_id, upload_id)): Path<(String, String, String)>,
) -> Response {
    private(
        match upload::abort(&state.app, &token, &question_id, &upload_id).await {
            Ok(()) => StatusCode::NO_CONTENT.into_response(),
            Err(e) => e.into_response(),
        },
    )
}

// ---------------------------------------------------------------------------------------------
// Pages. Assets are compiled into the binary: no file system, no network at run time.

const CANDIDATE_HTML: &str = include_str!("../../web/candidate.html");
const CANDIDATE_JS: &str = include_str!("../../web/candidate.js");
const CANDIDATE_CSS: &str = include_str!("../../web/candidate.css");
const APPLY_HTML: &str = include_str!("../../web/apply.html");
const APPLY_JS: &str = include_str!("../../web/apply.js");

/// Scripts and styles only from this origin; uploads may go to the storage service (https).
const CSP: &str = "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data: blob:; \
                   media-src 'self' blob:; connect-src 'self' https:; form-action 'self'; base-uri 'none'; \
                   frame-ancestors 'none'";

fn page(status: StatusCode, content_type: &'static str, body: String) -> Response {
    let mut response = (status, body).into_response();
    let headers = response.headers_mut();
    headers.insert(header::CONTENT_TYPE, HeaderValue::from_static(content_type));
    headers.insert(
        header::CONTENT_SECURITY_POLICY,
        HeaderValue::from_static(CSP),
    );
    headers.insert("referrer-policy", HeaderValue::from_static("no-referrer"));
    headers.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    headers.insert(
        header::X_CONTENT_TYPE_OPTIONS,
        HeaderValue::from_static("nosniff"),
    );
    headers.insert(
        "permissions-policy",
        HeaderValue::from_static("camera=(self), microphone=(self), geolocation=()"),
    );
    response
}

/// The candidate page. The same shell for every token: the page asks the API what the link
/// is, so this route reveals nothing and costs no store read.
pub async fn candidate_page(Path(_token): Path<String>) -> Response {
    page(
        StatusCode::OK,
        "text/html; charset=utf-8",
        CANDIDATE_HTML.to_string(),
    )
}

pub async fn asset(Path(name): Path<String>) -> Response {
    let (content_type, body) = match name.as_str() {
        "candidate.js" => ("text/javascript; charset=utf-8", CANDIDATE_JS),
        "candidate.css" => ("text/css; charset=utf-8", CANDIDATE_CSS),
        "apply.js" => ("text/javascript; charset=utf-8", APPLY_JS),
        _ => return Error::RouteNotFound.into_response(),
    };
    page(StatusCode::OK, content_type, body.to_string())
}

pub async fn apply_page(
    State(state): State<HttpState>,
    Path(slug_or_id): Path<String>,
) -> Response {
    match candidate::public_position(&state.app, &slug_or_id).await {
        Ok(position) if !position.is_archived() => {
            let company = position.employer();
            let what = crate::app::email::escape_html(&format!("{} at {company}", position.name));
            let html = APPLY_HTML
                .replace("<title>Apply</title>", &format!("<title>Apply: {what}</title>"))
                .replace("Apply for this position", &format!("Apply for {what}"));
            page(StatusCode::OK, "text/html; charset=utf-8", html)
        }
        Ok(_) | Err(_) => page(
            StatusCode::NOT_FOUND,
            "text/html; charset=utf-8",
            "<!doctype html><html lang=\"en\"><head><meta charset=\"utf-8\"><meta name=\"viewport\" \
             content=\"width=device-width, initial-scale=1\"><title>Not available</title>\
             <link rel=\"stylesheet\" href=\"/assets/candidate.css\"></head><body><main><h1>This application \
             link is not available</h1><p>The position may be closed. Please check the link with the \
             employer.</p></main></body></html>"
                .to_string(),
        ),
    }
}

pub async fn apply(
    State(state): State<HttpState>,
    Path(slug_or_id): Path<String>,
    headers: HeaderMap,
    body: Result<JsonBody<Application>, Error>,
) -> Response {
    let result = async {
        let JsonBody(application, _) = body?;
        candidate::apply(&state.app_for(&headers), &slug_or_id, application).await?;
        Ok((
            StatusCode::ACCEPTED,
            json!({ "message": "Thank you. Check your inbox: we have emailed you a personal link to your video interview." }),
        ))
    };
    respond(result.await)
}
