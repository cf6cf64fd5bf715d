//! Recruiter routes: inviting candidates, one or in bulk.

use reelview::functions::Invite;
use reelview::http::{finish, invite};

#[tokio::main]
async fn main() -> Result<(), lambda_http::Error> {
    reelview::runtime::init_tracing();
    // Clients and settings are built once, at cold start, and only those this function uses.
    let state = reelview::runtime::lambda_state::<Invite>().await?;
    lambda_http::run(finish(invite::routes(), state)).await
}
