//! Share links with expiry: recruiters create, list and revoke them; anyone holding one opens
//! the shared interview until it expires.

use reelview::functions::Share;
use reelview::http::{finish, shares};

#[tokio::main]
async fn main() -> Result<(), lambda_http::Error> {
    reelview::runtime::init_tracing();
    // Clients and settings are built once, at cold start, and only those this function uses.
    let state = reelview::runtime::lambda_state::<Share>().await?;
    lambda_http::run(finish(shares::routes(), state)).await
}
