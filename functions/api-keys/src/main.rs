//! The tenant's API keys: one per person or system, each with a label.

use reelview::functions::ApiKeys;
use reelview::http::{api_keys, finish};

#[tokio::main]
async fn main() -> Result<(), lambda_http::Error> {
    reelview::runtime::init_tracing();
    // Clients and settings are built once, at cold start, and only those this function uses.
    let state = reelview::runtime::lambda_state::<ApiKeys>().await?;
    lambda_http::run(finish(api_keys::routes(), state)).await
}
