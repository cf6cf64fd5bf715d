//! Candidate routes: presigned direct-to-S3 answer uploads, resume, completion.

use reelview::functions::AnswerUpload;
use reelview::http::{finish, uploads};

#[tokio::main]
async fn main() -> Result<(), lambda_http::Error> {
    reelview::runtime::init_tracing();
    // Clients and settings are built once, at cold start, and only those this function uses.
    let state = reelview::runtime::lambda_state::<AnswerUpload>().await?;
    lambda_http::run(finish(uploads::routes(), state)).await
}
