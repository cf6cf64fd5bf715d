//! The team: its API keys (one per person or system, each with a label), who the calling key
//! is, and the team's settings.

use reelview::functions::ApiKeys;
use reelview::http::{finish, team_routes};

#[tokio::main]
async fn main() -> Result<(), lambda_http::Error> {
    reelview::runtime::init_tracing();
    // Clients and settings are built once, at cold start, and only those this function uses.
    let state = reelview::runtime::lambda_state::<ApiKeys>().await?;
    lambda_http::run(finish(team_routes(), state)).await
}
