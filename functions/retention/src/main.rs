//! Deletes interviews that ended longer ago than their team keeps them (`retentionDays`), on
//! an EventBridge Scheduler schedule. Each run deletes what is due and stops before its time
//! is up; the next run goes on from there.

use lambda_runtime::{service_fn, LambdaEvent};
use reelview::app::retention;
use reelview::functions::Retention;

#[tokio::main]
async fn main() -> Result<(), lambda_runtime::Error> {
    reelview::runtime::init_tracing();
    let state = reelview::runtime::lambda_state::<Retention>().await?;
    let app = &state.app;
    lambda_runtime::run(service_fn(
        |scheduled: LambdaEvent<serde_json::Value>| async move {
            let stop_by = reelview::runtime::stop_by(scheduled.context.deadline);
            let summary = retention::run(app, app.clock.now(), Some(stop_by)).await?;
            tracing::info!(
                tenants = summary.tenants,
                deleted = summary.deleted,
                failed = summary.failed,
                finished = summary.finished,
                "retention run"
            );
            Ok::<_, lambda_runtime::Error>(serde_json::to_value(summary)?)
        },
    ))
    .await
}
