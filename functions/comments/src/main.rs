//! Reviewers' comments on interviews.

use reelview::functions::Comments;
use reelview::http::{comments, finish};

#[tokio::main]
async fn main() -> Result<(), lambda_http::Error> {
    reelview::runtime::init_tracing();
    // Clients and settings are built once, at cold start, and only those this function uses.
    let state = reelview::runtime::lambda_state::<Comments>().await?;
    lambda_http::run(finish(comments::routes(), state)).await
}
