//! The public application link of a position.

use reelview::http::{router, RouteGroup};

#[tokio::main]
async fn main() -> Result<(), lambda_http::Error> {
    reelview::runtime::init_tracing();
    // Clients and configuration are built once, at cold start.
    let state = reelview::runtime::lambda_state().await?;
    let group = RouteGroup::of_function(env!("CARGO_PKG_NAME")).ok_or("no route group")?;
    lambda_http::run(router(state, &[group])).await
}
