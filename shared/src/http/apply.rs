//! The public application link: the form page and its submission.

use super::extract::{FormOrJson, RequestLinks, SourceIp};
use super::pages::{page, APPLY_HTML};
use super::personal::respond;
use super::HttpState;
use crate::app::apply::{self, Application};
use crate::app::Error;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::Response;
use axum::routing::get;
use axum::Router;
use serde_json::json;

pub fn routes() -> Router<HttpState> {
    Router::new().route(
        "/apply/{slugOrId}",
        get(apply_page).post(submit_application),
    )
}

async fn apply_page(State(state): State<HttpState>, Path(slug_or_id): Path<String>) -> Response {
    match apply::public_position(&state.app, &slug_or_id).await {
        Ok(position) if !position.is_archived() => {
            // Names are user text: each is isolated (a <bdi>; first-strong isolate marks in the
            // title, which holds no markup), so a right-to-left name keeps its direction
            // without turning the sentence around it.
            let escape = crate::encoding::escape_html;
            let (name, company) = (escape(position.name.as_str()), escape(position.employer()));
            let html = APPLY_HTML
                .replace(
                    "<title>Apply</title>",
                    &format!("<title>Apply: \u{2068}{name}\u{2069} at \u{2068}{company}\u{2069}</title>"),
                )
                .replace(
                    "Apply for this position",
                    &format!("Apply for <bdi>{name}</bdi> at <bdi>{company}</bdi>"),
                );
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

async fn submit_application(
    State(state): State<HttpState>,
    links: Result<RequestLinks, Error>,
    SourceIp(source_ip): SourceIp,
    Path(slug_or_id): Path<String>,
    body: Result<FormOrJson<Application>, Error>,
) -> Response {
    let result = async {
        let RequestLinks(links) = links?;
        let FormOrJson(application) = body?;
        apply::apply(&state.app, &links, &slug_or_id, application, &source_ip).await?;
        Ok((
            StatusCode::ACCEPTED,
            json!({ "message": "Thank you. Check your inbox: we have emailed you a personal link to your video interview." }),
        ))
    };
    respond(result.await)
}
