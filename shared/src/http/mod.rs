//! What every HTTP function shares: authentication, JSON in, problem+json out, and the route
//! table. Each Lambda serves one group of routes; `reelview-local` serves them all, so the
//! deployed system and the local one run the same handlers.

pub mod authorizer;
mod candidate;
pub mod extract;
pub mod idempotency;
pub mod problem;
mod recruiter;
pub mod views;

use crate::app::{App, Error};
use axum::routing::{get, post};
use axum::Router;

/// Per-process state handed to every handler.
#[derive(Clone)]
pub struct HttpState {
    pub app: App,
    /// Guards the admin routes where IAM authorization does not (local runs).
    pub admin_key: Option<String>,
}

impl HttpState {
    /// The app as seen by one request. Where no public base URL is configured (a deployment
    /// without a custom domain), candidate links use the host the request came in on.
    pub fn app_for(&self, headers: &axum::http::HeaderMap) -> std::borrow::Cow<'_, App> {
        if !self.app.config.public_base_url.is_empty() {
            return std::borrow::Cow::Borrowed(&self.app);
        }
        let host = headers
            .get(axum::http::header::HOST)
            .and_then(|h| h.to_str().ok())
            .filter(|h| {
                h.bytes()
                    .all(|b| b.is_ascii_alphanumeric() || b".-:".contains(&b))
            })
            .unwrap_or("localhost");
        let mut app = self.app.clone();
        app.config.public_base_url = format!("https://{host}");
        std::borrow::Cow::Owned(app)
    }
}

/// The groups of routes; each maps to one Lambda function in `infra/template.yaml`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RouteGroup {
    Admin,
    Positions,
    Invite,
    Interviews,
    CandidateSession,
    AnswerUpload,
    CandidatePage,
    Apply,
}

impl RouteGroup {
    pub const ALL: [RouteGroup; 8] = [
        RouteGroup::Admin,
        RouteGroup::Positions,
        RouteGroup::Invite,
        RouteGroup::Interviews,
        RouteGroup::CandidateSession,
        RouteGroup::AnswerUpload,
        RouteGroup::CandidatePage,
        RouteGroup::Apply,
    ];

    /// The Lambda function (package and binary name) that serves this group; its entry in
    /// `infra/template.yaml` carries the same name as `BuildProperties.Binary`.
    pub fn function(self) -> &'static str {
        match self {
            RouteGroup::Admin => "reelview-admin",
            RouteGroup::Positions => "reelview-positions",
            RouteGroup::Invite => "reelview-invite",
            RouteGroup::Interviews => "reelview-interviews",
            RouteGroup::CandidateSession => "reelview-candidate-session",
            RouteGroup::AnswerUpload => "reelview-answer-upload",
            RouteGroup::CandidatePage => "reelview-candidate-page",
            RouteGroup::Apply => "reelview-apply",
        }
    }

    /// The group a function serves, by its package name.
    pub fn of_function(name: &str) -> Option<RouteGroup> {
        Self::ALL.into_iter().find(|group| group.function() == name)
    }

    fn routes(self) -> Router<HttpState> {
        use recruiter::*;
        match self {
            RouteGroup::Admin => Router::new().route("/admin/v1/tenants", post(create_tenant)),
            RouteGroup::Positions => Router::new()
                .route("/v1/positions", post(create_position).get(list_positions))
                .route("/v1/positions/{positionId}", get(get_position))
                .route("/v1/positions/{positionId}/archive", post(archive_position))
                .route(
                    "/v1/positions/{positionId}/unarchive",
                    post(unarchive_position),
                ),
            RouteGroup::Invite => Router::new()
                .route("/v1/positions/{positionId}/interviews", post(invite))
                .route(
                    "/v1/positions/{positionId}/interviews/batch",
                    post(invite_batch),
                ),
            RouteGroup::Interviews => Router::new()
                .route(
                    "/v1/positions/{positionId}/interviews",
                    get(list_interviews),
                )
                .route("/v1/interviews/{interviewId}", get(get_interview))
                .route("/v1/interviews/{interviewId}/resend", post(resend))
                .route("/v1/interviews/{interviewId}/reinvite", post(reinvite)),
            RouteGroup::CandidateSession => Router::new()
                .route("/v1/candidate/{token}", get(candidate::get_session))
                .route("/v1/candidate/{token}/submit", post(candidate::submit)),
            RouteGroup::AnswerUpload => Router::new()
                .route(
                    "/v1/candidate/{token}/answers/{questionId}/uploads",
                    post(candidate::create_upload),
                )
                .route(
                    "/v1/candidate/{token}/answers/{questionId}/uploads/{uploadId}",
                    get(candidate::upload_status).delete(candidate::abort_upload),
                )
                .route(
                    "/v1/candidate/{token}/answers/{questionId}/uploads/{uploadId}/complete",
                    post(candidate::complete_upload),
                ),
            RouteGroup::CandidatePage => Router::new()
                .route("/i/{token}", get(candidate::candidate_page))
                .route("/assets/{asset}", get(candidate::asset)),
            RouteGroup::Apply => Router::new().route(
                "/apply/{slugOrId}",
                get(candidate::apply_page).post(candidate::apply),
            ),
        }
    }
}

async fn not_found() -> Error {
    Error::RouteNotFound
}

/// The router of the given groups, with problem+json for unknown routes.
pub fn router(state: HttpState, groups: &[RouteGroup]) -> Router {
    let mut router = Router::new();
    for group in groups {
        router = router.merge(group.routes());
    }
    router.fallback(not_found).with_state(state)
}
