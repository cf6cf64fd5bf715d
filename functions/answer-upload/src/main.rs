//! Candidate routes: presigned direct-to-S3 answer uploads, resume, completion.

use reelview::http::{router, RouteGroup};

#[tokio::main]
async fn main() -> Result<(), lambda_http::Error> {
    reelview::runtime::init_tracing();
    // Clients and configuration are built once, at cold start.
    let state = reelview::runtime::lambda_state().await?;
    lambda_http::run(router(state, &[RouteGroup::AnswerUpload])).await
}
