//! Share links: the recruiter routes that create, list and revoke them, and the public share
//! page with the JSON it reads. The page is a static shell (no candidate data is templated
//! into HTML); its status says whether the link is valid (200), expired (410) or not (404).

use super::extract::{JsonBody, RequestLinks};
use super::pages::{page, SHARE_HTML};
use super::personal::{private, respond};
use super::views;
use super::HttpState;
use crate::app::shares::{self, NewShare, Shared};
use crate::app::{insights, Caller, Error};
use crate::domain::ShareLink;
use axum::extract::{Path, State};
use axum::http::{HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::{delete, get, post};
use axum::{Json, Router};
use serde_json::{json, Value};

pub fn routes() -> Router<HttpState> {
    Router::new()
        .route(
            "/v1/interviews/{interviewId}/shares",
            post(create_share).get(list_shares),
        )
        .route(
            "/v1/interviews/{interviewId}/shares/{shareId}",
            delete(revoke_share),
        )
        .route("/v1/shares/{token}", get(shared_interview))
        .route(
            "/v1/shares/{token}/answers/{questionId}/captions.vtt",
            get(shared_captions),
        )
        .route("/s/{token}", get(share_page))
}

fn share_view(share: &ShareLink, now: chrono::DateTime<chrono::Utc>) -> Value {
    json!({
        "shareId": share.id,
        "createdAt": share.created_at,
        "expiresAt": share.expires_at,
        "expired": share.is_expired(now),
        "hideContact": share.hide_contact,
    })
}

async fn create_share(
    State(state): State<HttpState>,
    caller: Caller,
    RequestLinks(links): RequestLinks,
    Path(interview_id): Path<String>,
    JsonBody(input, _): JsonBody<NewShare>,
) -> Result<(StatusCode, Json<Value>), Error> {
    let created = shares::create(&state.app, &links, &caller, &interview_id, input).await?;
    let mut body = share_view(&created.share, state.app.clock.now());
    body["url"] = json!(created.url);
    Ok((StatusCode::CREATED, Json(body)))
}

async fn list_shares(
    State(state): State<HttpState>,
    caller: Caller,
    Path(interview_id): Path<String>,
) -> Result<Json<Value>, Error> {
    let all = shares::list(&state.app, &caller, &interview_id).await?;
    let now = state.app.clock.now();
    let items: Vec<Value> = all.iter().map(|s| share_view(s, now)).collect();
    Ok(Json(json!({ "items": items })))
}

async fn revoke_share(
    State(state): State<HttpState>,
    caller: Caller,
    Path((interview_id, share_id)): Path<(String, String)>,
) -> Result<StatusCode, Error> {
    shares::revoke(&state.app, &caller, &interview_id, &share_id).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// What the share page shows: read-only, contact details only if the link shows them.
fn shared_view(shared: &Shared, now: chrono::DateTime<chrono::Utc>) -> Value {
    let interview = &shared.interview;
    let candidate = &interview.candidate;
    let mut person = json!({
        "firstName": candidate.first_name,
        "lastName": candidate.last_name,
    });
    if !shared.share.hide_contact {
        person["email"] = json!(candidate.email);
        person["phone"] = json!(candidate.phone);
    }
    let questions: Vec<Value> = interview
        .questions_or(&shared.position.questions)
        .iter()
        .map(|q| {
            let progress = interview.progress_of(q.id);
            let written = progress
                .written
                .as_ref()
                .filter(|_| interview.completed_at.is_some());
            let answer = match (&progress.answer, written) {
                (Some(a), _) => Some(json!({
                    "playbackUrl": shared.playback.get(&q.id),
                    "contentType": a.content_type,
                    "durationSeconds": a.duration_seconds,
                    "transcript": views::transcript(a, Some(&shared.insights)),
                })),
                (None, Some(w)) => Some(json!({ "text": w.text })),
                (None, None) => None,
            };
            json!({
                "id": q.id,
                "text": q.text,
                "kind": q.kind,
                "answered": answer.is_some(),
                "answer": answer,
            })
        })
        .collect();
    json!({
        "position": {
            "name": shared.position.name,
            "company": shared.position.employer(),
        },
        "candidate": person,
        "status": interview.status_at(now),
        "stage": interview.stage,
        "score": interview.score,
        "completedAt": interview.completed_at,
        "expiresAt": shared.share.expires_at,
        "questions": questions,
    })
}

/// Captions of a shared answer, for the share page's `<track>`.
async fn shared_captions(
    State(state): State<HttpState>,
    Path((token, question_id)): Path<(String, String)>,
) -> Response {
    let captions = insights::shared_captions(&state.app, &token, &question_id).await;
    unindexed(match captions {
        Ok(vtt) => super::webvtt(vtt),
        Err(e) => private(e.into_response()),
    })
}

/// Shared pages are for the people they were sent to, not for search engines.
fn unindexed(mut response: Response) -> Response {
    response.headers_mut().insert(
        "x-robots-tag",
        HeaderValue::from_static("noindex, nofollow"),
    );
    response
}

async fn shared_interview(State(state): State<HttpState>, Path(token): Path<String>) -> Response {
    let shared = shares::view(&state.app, &token).await;
    let now = state.app.clock.now();
    unindexed(respond(
        shared.map(|s| (StatusCode::OK, shared_view(&s, now))),
    ))
}

const UNAVAILABLE_PAGE: &str = "<!doctype html><html lang=\"en\"><head><meta charset=\"utf-8\">\
    <meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\
    <meta name=\"robots\" content=\"noindex, nofollow\"><title>Not available</title>\
    <link rel=\"stylesheet\" href=\"/assets/candidate.css\"></head><body><main>";

/// The share page: the same shell for every valid link (it reads its data from
/// `/v1/shares/{token}`); an expired link gets a 410 page, an unknown or revoked one a 404.
async fn share_page(State(state): State<HttpState>, Path(token): Path<String>) -> Response {
    let html = "text/html; charset=utf-8";
    let response = match shares::valid_share(&state.app, &token).await {
        Ok(_) => page(StatusCode::OK, html, SHARE_HTML.to_string()),
        Err(Error::ShareExpired) => page(
            StatusCode::GONE,
            html,
            format!(
                "{UNAVAILABLE_PAGE}<h1>This link has expired</h1><p>Ask the person who shared \
                 it with you for a new one.</p></main></body></html>"
            ),
        ),
        Err(Error::ShareNotFound) => page(
            StatusCode::NOT_FOUND,
            html,
            format!(
                "{UNAVAILABLE_PAGE}<h1>This link is not valid</h1><p>It may have been \
                 revoked. Ask the person who shared it with you.</p></main></body></html>"
            ),
        ),
        Err(e) => e.into_response(),
    };
    unindexed(private(response))
}
