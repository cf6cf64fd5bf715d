//! Purges deleted positions, a bounded amount per run, on an EventBridge schedule: whatever
//! a `DELETE /v1/positions/{id}` started and did not finish is finished here.

use lambda_runtime::{service_fn, LambdaEvent};
use reelview::app::purge;
use reelview::functions::Purge;

/// Batches per position per run: well inside the function's timeout.
const BATCHES_PER_RUN: u32 = 8;

#[tokio::main]
async fn main() -> Result<(), lambda_runtime::Error> {
    reelview::runtime::init_tracing();
    let state = reelview::runtime::lambda_state::<Purge>().await?;
    let app = &state.app;
    lambda_runtime::run(service_fn(
        |_scheduled: LambdaEvent<serde_json::Value>| async move {
            let waiting = purge::sweep(app, BATCHES_PER_RUN).await?;
            Ok::<_, lambda_runtime::Error>(serde_json::json!({ "waiting": waiting }))
        },
    ))
    .await
}
