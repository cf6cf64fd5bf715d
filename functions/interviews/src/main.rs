//! Recruiter routes: listing, reading, scoring and staging interviews, re-invites, deadlines,
//! redo and delete, and a candidate's erasure (the same deletion for each of their interviews).

use reelview::functions::Interviews;
use reelview::http::{finish, interview_routes};

#[tokio::main]
async fn main() -> Result<(), lambda_http::Error> {
    reelview::runtime::init_tracing();
    // Clients and settings are built once, at cold start, and only those this function uses.
    let state = reelview::runtime::lambda_state::<Interviews>().await?;
    lambda_http::run(finish(interview_routes(), state)).await
}
