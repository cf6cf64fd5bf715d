//! Operator routes: creating tenants (behind IAM authorization).

use reelview::functions::Admin;
use reelview::http::{admin, finish};

#[tokio::main]
async fn main() -> Result<(), lambda_http::Error> {
    reelview::runtime::init_tracing();
    // Clients and settings are built once, at cold start, and only those this function uses.
    let state = reelview::runtime::lambda_state::<Admin>().await?;
    lambda_http::run(finish(admin::routes(), state)).await
}
