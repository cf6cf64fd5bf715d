//! Recruiter routes: positions and their questions.

use reelview::functions::Positions;
use reelview::http::{finish, positions};

#[tokio::main]
async fn main() -> Result<(), lambda_http::Error> {
    reelview::runtime::init_tracing();
    // Clients and settings are built once, at cold start, and only those this function uses.
    let state = reelview::runtime::lambda_state::<Positions>().await?;
    lambda_http::run(finish(positions::routes(), state)).await
}
