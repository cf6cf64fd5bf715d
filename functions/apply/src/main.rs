//! The public application link of a position.

use reelview::functions::Apply;
use reelview::http::{apply, finish};

#[tokio::main]
async fn main() -> Result<(), lambda_http::Error> {
    reelview::runtime::init_tracing();
    // Clients and settings are built once, at cold start, and only those this function uses.
    let state = reelview::runtime::lambda_state::<Apply>().await?;
    lambda_http::run(finish(apply::routes(), state)).await
}
