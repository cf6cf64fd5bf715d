//! Delivers webhooks. From the table's stream (its filter passes only new event and delivery
//! items): an event becomes one delivery per subscription that wants it, and a new delivery
//! is attempted at once. On a schedule (no records): the deliveries whose retry is due. A
//! record that fails to be processed is reported by its sequence number, so Lambda retries it.

use lambda_runtime::{service_fn, LambdaEvent};
use reelview::app::{followups, webhook_delivery};
use reelview::aws::stream_events::new_items;
use reelview::functions::WebhookDelivery;
use serde_json::json;

/// Due deliveries attempted per scheduled run (concurrently; each waits at most 10 s).
const DUE_PER_RUN: usize = 200;

#[tokio::main]
async fn main() -> Result<(), lambda_runtime::Error> {
    reelview::runtime::init_tracing();
    let state = reelview::runtime::lambda_state::<WebhookDelivery>().await?;
    let app = &state.app;
    lambda_runtime::run(service_fn(
        |event: LambdaEvent<serde_json::Value>| async move {
            if event.payload.get("Records").is_none() {
                let attempted =
                    webhook_delivery::run_due(app, app.clock.now(), DUE_PER_RUN).await?;
                return Ok::<_, lambda_runtime::Error>(json!({ "attempted": attempted }));
            }
            let mut failures = Vec::new();
            for item in new_items(&event.payload) {
                let ran = if webhook_delivery::is_delivery_key(&item.sk) {
                    webhook_delivery::attempt_stored(app, &item.pk, &item.sk).await
                } else {
                    followups::run_stored(app, &item.pk, &item.sk).await
                };
                if let Err(e) = ran {
                    tracing::error!(sk = %item.sk, error = %e, "a webhook record failed");
                    failures.push(json!({ "itemIdentifier": item.sequence_number }));
                    // Later records of the shard wait for this one.
                    break;
                }
            }
            Ok(json!({ "batchItemFailures": failures }))
        },
    ))
    .await
}
