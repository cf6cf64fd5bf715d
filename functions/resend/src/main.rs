//! Resending an invitation with the same link, within limits.

use reelview::functions::Resend;
use reelview::http::{finish, resend};

#[tokio::main]
async fn main() -> Result<(), lambda_http::Error> {
    reelview::runtime::init_tracing();
    // Clients and settings are built once, at cold start, and only those this function uses.
    let state = reelview::runtime::lambda_state::<Resend>().await?;
    lambda_http::run(finish(resend::routes(), state)).await
}
