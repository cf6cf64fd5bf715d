//! The candidate page and its assets, compiled into the binary: no table, no AWS client.

use reelview::http::{finish, pages};

#[tokio::main]
async fn main() -> Result<(), lambda_http::Error> {
    reelview::runtime::init_tracing();
    lambda_http::run(finish(pages::routes(), ())).await
}
