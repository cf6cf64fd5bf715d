//! The candidate page, the apply page's shell and their static assets, compiled into the
//! binary: no file system and no network at run time, and no store or AWS client either, so
//! the page function links none.

use crate::app::Error;
use axum::extract::Path;
use axum::http::{header, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use axum::Router;

const CANDIDATE_HTML: &str = include_str!("../../web/candidate.html");
pub(super) const APPLY_HTML: &str = include_str!("../../web/apply.html");
pub(super) const SHARE_HTML: &str = include_str!("../../web/share.html");

/// Every file under `/assets/`: name, content type, contents. ES modules import each other
/// by these names, so a module added to `web/` is served once it is listed here.
const ASSETS: &[(&str, &str, &str)] = &[
    (
        "candidate.js",
        JAVASCRIPT,
        include_str!("../../web/candidate.js"),
    ),
    (
        "candidate-api.js",
        JAVASCRIPT,
        include_str!("../../web/candidate-api.js"),
    ),
    (
        "candidate-flow.js",
        JAVASCRIPT,
        include_str!("../../web/candidate-flow.js"),
    ),
    (
        "candidate-recorder.js",
        JAVASCRIPT,
        include_str!("../../web/candidate-recorder.js"),
    ),
    (
        "candidate-screens.js",
        JAVASCRIPT,
        include_str!("../../web/candidate-screens.js"),
    ),
    (
        "candidate-takes.js",
        JAVASCRIPT,
        include_str!("../../web/candidate-takes.js"),
    ),
    (
        "candidate-uploader.js",
        JAVASCRIPT,
        include_str!("../../web/candidate-uploader.js"),
    ),
    (
        "candidate-util.js",
        JAVASCRIPT,
        include_str!("../../web/candidate-util.js"),
    ),
    (
        "candidate.css",
        "text/css; charset=utf-8",
        include_str!("../../web/candidate.css"),
    ),
    ("apply.js", JAVASCRIPT, include_str!("../../web/apply.js")),
    ("share.js", JAVASCRIPT, include_str!("../../web/share.js")),
    (
        "share-view.js",
        JAVASCRIPT,
        include_str!("../../web/share-view.js"),
    ),
    (
        "share.css",
        "text/css; charset=utf-8",
        include_str!("../../web/share.css"),
    ),
];

const JAVASCRIPT: &str = "text/javascript; charset=utf-8";

/// Scripts and styles only from this origin; uploads go to, and playback comes from, the
/// storage service (https).
const CSP: &str = "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data: blob:; \
                   media-src 'self' blob: https:; connect-src 'self' https:; form-action 'self'; base-uri 'none'; \
                   frame-ancestors 'none'";

/// The page routes. They hold no state, so they fit any router: the page function serves
/// them alone, `reelview-local` beside everything else.
pub fn routes<S: Clone + Send + Sync + 'static>() -> Router<S> {
    Router::new()
        .route("/i/{token}", get(candidate_page))
        .route("/assets/{asset}", get(asset))
}

/// A response with the security headers every page and asset carries.
pub(super) fn page(status: StatusCode, content_type: &'static str, body: String) -> Response {
    secured(
        (status, body).into_response(),
        content_type,
        CSP,
        "no-store",
        "camera=(self), microphone=(self), geolocation=()",
    )
}

/// `response` with its content type, policy and caching, and the headers every page of the
/// product carries (the candidate pages and the console).
pub(super) fn secured(
    mut response: Response,
    content_type: &'static str,
    content_security_policy: &'static str,
    cache_control: &'static str,
    permissions_policy: &'static str,
) -> Response {
    let headers = response.headers_mut();
    headers.insert(header::CONTENT_TYPE, HeaderValue::from_static(content_type));
    headers.insert(
        header::CONTENT_SECURITY_POLICY,
        HeaderValue::from_static(content_security_policy),
    );
    headers.insert("referrer-policy", HeaderValue::from_static("no-referrer"));
    headers.insert(
        header::CACHE_CONTROL,
        HeaderValue::from_static(cache_control),
    );
    headers.insert(
        header::X_CONTENT_TYPE_OPTIONS,
        HeaderValue::from_static("nosniff"),
    );
    headers.insert(
        "permissions-policy",
        HeaderValue::from_static(permissions_policy),
    );
    response
}

/// The candidate page. The same shell for every token: the page asks the API what the link
/// is, so this route reveals nothing and costs no store read.
async fn candidate_page(Path(_token): Path<String>) -> Response {
    page(
        StatusCode::OK,
        "text/html; charset=utf-8",
        CANDIDATE_HTML.to_string(),
    )
}

async fn asset(Path(name): Path<String>) -> Response {
    match ASSETS.iter().find(|(asset, _, _)| *asset == name) {
        Some((_, content_type, body)) => page(StatusCode::OK, content_type, body.to_string()),
        None => Error::RouteNotFound.into_response(),
    }
}
