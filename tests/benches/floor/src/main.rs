//! The floor of the benchmarks (`make bench`): the hello-world `lambda_http` function that
//! `cargo lambda new` generates, built with the workspace's release profile. Every deployed
//! function is measured against it; it is not deployed.

use lambda_http::{run, service_fn, Body, Error, Request, Response};

async fn hello(_request: Request) -> Result<Response<Body>, Error> {
    Ok(Response::builder()
        .status(200)
        .header("content-type", "text/plain")
        .body("Hello, world!".into())?)
}

#[tokio::main]
async fn main() -> Result<(), Error> {
    lambda_http::tracing::init_default_subscriber();
    run(service_fn(hello)).await
}
