//! Candidate routes: opening the interview link and submitting.

use reelview::functions::CandidateSession;
use reelview::http::{finish, session};

#[tokio::main]
async fn main() -> Result<(), lambda_http::Error> {
    reelview::runtime::init_tracing();
    // Clients and settings are built once, at cold start, and only those this function uses.
    let state = reelview::runtime::lambda_state::<CandidateSession>().await?;
    lambda_http::run(finish(session::routes(), state)).await
}
