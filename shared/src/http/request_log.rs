//! One log line per request: its id, the function, the route, the tenant, the status and the
//! latency. The route is the matched template (`/v1/candidate/{token}`), never the path:
//! candidate and share tokens travel in paths, and a log line must never open an interview.
//! Nothing of the request's headers, query or body is logged.

use crate::domain::TenantId;
use axum::extract::{MatchedPath, Request};
use axum::middleware::Next;
use axum::response::Response;
use std::sync::{Arc, LazyLock, OnceLock};
use std::time::Instant;
use tracing::Instrument;

/// Where authentication leaves the caller's tenant for the request's log line: the tenant is
/// known only once an extractor has resolved the API key, after this layer has started.
#[derive(Clone, Default)]
pub(crate) struct TenantNote(Arc<OnceLock<TenantId>>);

impl TenantNote {
    /// Notes the tenant a request acts for, if the request is being logged.
    pub(crate) fn record(extensions: &axum::http::Extensions, tenant: TenantId) {
        if let Some(note) = extensions.get::<TenantNote>() {
            let _ = note.0.set(tenant);
        }
    }
}

/// The function serving requests: Lambda's name for it, or `reelview-local`.
static FUNCTION: LazyLock<String> = LazyLock::new(|| {
    std::env::var("AWS_LAMBDA_FUNCTION_NAME")
        .ok()
        .filter(|name| !name.is_empty())
        .unwrap_or_else(|| "reelview-local".into())
});

/// The ids a request is known by: API Gateway's (the access log's `requestId`) and Lambda's
/// invocation id (the platform's START/REPORT lines). Locally, a fresh id per request.
struct RequestIds {
    request_id: String,
    invocation_id: Option<String>,
}

impl RequestIds {
    fn of(request: &Request) -> RequestIds {
        let gateway = match request
            .extensions()
            .get::<lambda_http::request::RequestContext>()
        {
            Some(lambda_http::request::RequestContext::ApiGatewayV2(ctx)) => ctx.request_id.clone(),
            _ => None,
        };
        let invocation_id = request
            .extensions()
            .get::<lambda_http::Context>()
            .map(|c| c.request_id.clone());
        RequestIds {
            request_id: gateway
                .or_else(|| invocation_id.clone())
                .unwrap_or_else(|| uuid::Uuid::new_v4().simple().to_string()),
            invocation_id,
        }
    }
}

/// Serves the request inside a span carrying its id, then logs its line.
pub(crate) async fn log_request(mut request: Request, next: Next) -> Response {
    let started = Instant::now();
    let ids = RequestIds::of(&request);
    let route = request
        .extensions()
        .get::<MatchedPath>()
        .map(|p| p.as_str().to_owned());
    let method = request.method().clone();
    let tenant = TenantNote::default();
    request.extensions_mut().insert(tenant.clone());
    let span = tracing::info_span!("request", request_id = %ids.request_id);
    let response = next.run(request).instrument(span).await;
    tracing::info!(
        request_id = %ids.request_id,
        invocation_id = ids.invocation_id.as_deref(),
        function = FUNCTION.as_str(),
        method = %method,
        // Absent for a path no route matched: the path itself may hold a token.
        route = route.as_deref(),
        tenant_id = tenant.0.get().map(tracing::field::display),
        status = response.status().as_u16(),
        latency_ms = started.elapsed().as_secs_f64() * 1000.0,
        "request"
    );
    response
}
