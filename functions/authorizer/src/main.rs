//! HTTP API Lambda authorizer (payload 2.0, simple responses): resolves the bearer API key to
//! its tenant and hands the tenant to the recruiter functions in the request context.

use lambda_runtime::{service_fn, LambdaEvent};
use reelview::http::authorizer::{authorize, AuthorizerResponse};
use serde::Deserialize;
use std::collections::HashMap;

/// The part of the authorizer event we read; header names arrive lower-cased.
#[derive(Deserialize)]
struct AuthorizerEvent {
    #[serde(default)]
    headers: HashMap<String, String>,
}

#[tokio::main]
async fn main() -> Result<(), lambda_runtime::Error> {
    reelview::runtime::init_tracing();
    // The table client is built once, at cold start; the authorizer needs nothing else.
    let state = reelview::runtime::lambda_state::<reelview::functions::Authorizer>().await?;
    let app = &state.app;
    lambda_runtime::run(service_fn(
        |event: LambdaEvent<AuthorizerEvent>| async move {
            let authorization = event.payload.headers.get("authorization");
            let response: AuthorizerResponse =
                authorize(app, authorization.map(String::as_str)).await?;
            Ok::<_, lambda_runtime::Error>(response)
        },
    ))
    .await
}
