//! Routes do not depend on API Gateway's stage. Through a named stage's own URL
//! (`https://{api}.execute-api…/prod/v1/positions`) the path carries the stage, and lambda_http
//! also puts the stage in front of any path that lacks it (a custom domain mapped to a named
//! stage sends `/v1/positions` with stage `prod`): either way every route would answer 404.
//! So, before routing, the path becomes what the client sent (API Gateway's `rawPath`) with a
//! leading `/{stage}` removed. A stage named like a route's first segment (`v1`, `i`, `s`,
//! `app`, `apply`, `assets`, `admin`) would be ambiguous; the template uses `$default`.

use axum::extract::Request;
use axum::http::uri::{PathAndQuery, Uri};
use lambda_http::request::RequestContext;

/// The stage prefix a client's path carried (`/prod`): links made from the request's own
/// domain keep it, so they lead back through the same stage.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct StagePrefix(pub String);

/// The request with the stage taken out of its path; unchanged off Lambda and on `$default`.
pub(crate) async fn without_stage(mut request: Request) -> Request {
    let stage = match request.extensions().get::<RequestContext>() {
        Some(RequestContext::ApiGatewayV2(ctx)) => ctx.stage.clone(),
        _ => None,
    };
    let Some(stage) = stage.filter(|s| !s.is_empty() && s != "$default") else {
        return request;
    };
    let sent = match lambda_http::RequestExt::raw_http_path(request.extensions()) {
        "" => request.uri().path().to_string(),
        raw => raw.to_string(),
    };
    let (path, prefix) = split_stage(&sent, &stage);
    if let Some(prefix) = prefix {
        request.extensions_mut().insert(StagePrefix(prefix));
    }
    let target = match request.uri().query() {
        Some(query) => format!("{path}?{query}"),
        None => path,
    };
    let mut parts = request.uri().clone().into_parts();
    if let Ok(path_and_query) = target.parse::<PathAndQuery>() {
        parts.path_and_query = Some(path_and_query);
        if let Ok(uri) = Uri::from_parts(parts) {
            *request.uri_mut() = uri;
        }
    }
    request
}

/// `path` without a leading `/{stage}` segment, and that prefix if it was there.
fn split_stage(path: &str, stage: &str) -> (String, Option<String>) {
    let prefix = format!("/{stage}");
    match path.strip_prefix(&prefix) {
        Some("") => ("/".into(), Some(prefix)),
        Some(rest) if rest.starts_with('/') => (rest.into(), Some(prefix)),
        _ => (path.into(), None),
    }
}

#[cfg(test)]
mod tests {
    use super::split_stage;

    #[test]
    fn a_leading_stage_segment_is_removed_and_remembered() {
        assert_eq!(
            split_stage("/prod/v1/positions", "prod"),
            ("/v1/positions".into(), Some("/prod".into()))
        );
        assert_eq!(
            split_stage("/prod", "prod"),
            ("/".into(), Some("/prod".into()))
        );
    }

    #[test]
    fn a_path_without_the_stage_is_left_alone() {
        assert_eq!(
            split_stage("/v1/positions", "prod"),
            ("/v1/positions".into(), None)
        );
        // Only a whole segment is the stage.
        assert_eq!(
            split_stage("/production/x", "prod"),
            ("/production/x".into(), None)
        );
    }
}
