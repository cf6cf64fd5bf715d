//! Recruiter routes: listing and reading interviews, resending invitations.

use reelview::functions::Interviews;
use reelview::http::{finish, interviews};

#[tokio::main]
async fn main() -> Result<(), lambda_http::Error> {
    reelview::runtime::init_tracing();
    // Clients and settings are built once, at cold start, and only those this function uses.
    let state = reelview::runtime::lambda_state::<Interviews>().await?;
    lambda_http::run(finish(interviews::routes(), state)).await
}
