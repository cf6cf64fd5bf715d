//! Reminds candidates of their interviews, and stores interviews past their deadline as
//! expired, on an EventBridge Scheduler schedule. Each run handles what is due and stops
//! before its time is up; the next run goes on from there.

use lambda_runtime::{service_fn, LambdaEvent};
use reelview::app::reminders;
use reelview::functions::Reminders;

#[tokio::main]
async fn main() -> Result<(), lambda_runtime::Error> {
    reelview::runtime::init_tracing();
    let state = reelview::runtime::lambda_state::<Reminders>().await?;
    let app = &state.app;
    let links = app.links.as_ref().ok_or("the reminder job makes links")?;
    lambda_runtime::run(service_fn(
        |scheduled: LambdaEvent<serde_json::Value>| async move {
            let stop_by = reelview::runtime::stop_by(scheduled.context.deadline);
            let summary = reminders::run(app, links, app.clock.now(), Some(stop_by)).await?;
            tracing::info!(
                due = summary.due,
                sent = summary.sent,
                skipped = summary.skipped,
                failed = summary.failed,
                expired = summary.expired,
                finished = summary.finished,
                "reminder run"
            );
            Ok::<_, lambda_runtime::Error>(serde_json::to_value(summary)?)
        },
    ))
    .await
}
