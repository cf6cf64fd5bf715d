//! The recruiter console and its assets, compiled into the binary: no table, no AWS client.

use reelview::http::{console, finish};

#[tokio::main]
async fn main() -> Result<(), lambda_http::Error> {
    reelview::runtime::init_tracing();
    lambda_http::run(finish(console::routes(), ())).await
}
