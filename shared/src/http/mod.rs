//! What every HTTP function shares — authentication, JSON in, problem+json out (the error
//! map lives in `problem`) — and one module per route group, each with its `routes()`. A
//! Lambda function serves one group (see `crate::functions`); `reelview-local` serves them
//! all, so the deployed system and the local one run the same handlers.

pub mod admin;
pub mod api_keys;
pub mod apply;
pub mod authorizer;
pub mod comments;
pub mod console;
pub mod erasure;
pub mod extract;
pub mod idempotency;
pub mod interviews;
pub mod invite;
pub mod jobs;
pub mod pages;
mod personal;
pub mod positions;
pub mod problem;
mod request_log;
pub mod resend;
pub mod session;
pub mod shares;
pub mod stage;
pub mod team;
pub mod uploads;
pub mod views;
pub mod webhooks;

use crate::app::{App, Error};
use axum::Router;

/// Per-process state handed to every handler.
#[derive(Clone)]
pub struct HttpState {
    pub app: App,
    /// Guards the admin routes where IAM authorization does not (local runs).
    pub admin_key: Option<String>,
}

async fn not_found() -> Error {
    Error::RouteNotFound
}

async fn method_not_allowed() -> Error {
    Error::MethodNotAllowed
}

/// Every response says what it is and browsers must not guess otherwise.
async fn nosniff(mut response: axum::response::Response) -> axum::response::Response {
    response.headers_mut().insert(
        axum::http::header::X_CONTENT_TYPE_OPTIONS,
        axum::http::HeaderValue::from_static("nosniff"),
    );
    response
}

/// A servable router: `routes` with problem+json for unknown routes and methods, `nosniff`
/// on every response, one log line per request, and API Gateway's stage taken out of the
/// path before routing (an outer router's layer runs before the inner one routes).
pub fn finish<S: Clone + Send + Sync + 'static>(routes: Router<S>, state: S) -> Router {
    let routed = routes
        .fallback(not_found)
        .method_not_allowed_fallback(method_not_allowed)
        .layer(axum::middleware::map_response(nosniff))
        .layer(axum::middleware::from_fn(request_log::log_request))
        .with_state(state);
    Router::new()
        .fallback_service(routed)
        .layer(axum::middleware::map_request(stage::without_stage))
}

/// The team's routes: its API keys, `/v1/me` and its settings (one function serves them).
pub fn team_routes() -> Router<HttpState> {
    api_keys::routes().merge(team::routes())
}

/// The interview routes and the erasure of a candidate, which deletes interviews the same
/// way (one function serves them).
pub fn interview_routes() -> Router<HttpState> {
    interviews::routes().merge(erasure::routes())
}

/// Every route group, as `reelview-local` serves them.
pub fn all_routes() -> Router<HttpState> {
    admin::routes()
        .merge(positions::routes())
        .merge(invite::routes())
        .merge(interviews::routes())
        .merge(resend::routes())
        .merge(session::routes())
        .merge(uploads::routes())
        .merge(pages::routes())
        .merge(console::routes())
        .merge(apply::routes())
        .merge(shares::routes())
        .merge(comments::routes())
        .merge(api_keys::routes())
        .merge(team::routes())
        .merge(erasure::routes())
        .merge(webhooks::routes())
}

/// Captions as a `text/vtt` response (private: they are an answer's words).
pub(crate) fn webvtt(vtt: String) -> axum::response::Response {
    use axum::response::IntoResponse;
    (
        [
            (axum::http::header::CONTENT_TYPE, "text/vtt; charset=utf-8"),
            (axum::http::header::CACHE_CONTROL, "private, no-store"),
        ],
        vtt,
    )
        .into_response()
}
