//! What SES reports about the email it sent (its configuration set publishes to an SNS topic
//! this function subscribes to): deliveries, bounces, complaints and opens are recorded on
//! their interview, and a hard bounce or a complaint stops further email to the address for
//! the tenant. Anything else is logged and dropped; only a store failure fails the
//! invocation, so Lambda retries it (recording twice changes nothing).

use lambda_runtime::{service_fn, LambdaEvent};
use reelview::app::email_events;
use reelview::aws::ses_events::{sns_records, Parsed};
use reelview::functions::EmailEvents;

#[tokio::main]
async fn main() -> Result<(), lambda_runtime::Error> {
    reelview::runtime::init_tracing();
    let state = reelview::runtime::lambda_state::<EmailEvents>().await?;
    let app = &state.app;
    lambda_runtime::run(service_fn(|event: LambdaEvent<serde_json::Value>| async move {
        for record in sns_records(&event.payload) {
            match record {
                Parsed::Ignored(why) => tracing::info!(%why, "mail event ignored"),
                Parsed::Report(report) => {
                    let recorded = email_events::record(app, &report).await?;
                    tracing::info!(interview = %report.interview_id, event = ?report.event, ?recorded, "mail event");
                }
            }
        }
        Ok::<_, lambda_runtime::Error>(())
    }))
    .await
}
