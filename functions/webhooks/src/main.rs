//! The tenant's webhook subscriptions and their delivery logs.

use reelview::functions::Webhooks;
use reelview::http::{finish, webhooks};

#[tokio::main]
async fn main() -> Result<(), lambda_http::Error> {
    reelview::runtime::init_tracing();
    // Clients and settings are built once, at cold start, and only those this function uses.
    let state = reelview::runtime::lambda_state::<Webhooks>().await?;
    lambda_http::run(finish(webhooks::routes(), state)).await
}
