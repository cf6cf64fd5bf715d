//! Runs the followups the table's change stream reports (its filter passes only new followup
//! items): starts transcribing a confirmed recording, evaluates a completed interview. A
//! followup that fails is reported back by its sequence number, so Lambda retries it (and
//! only it); after the last retry it goes to the dead-letter queue.

use lambda_runtime::{service_fn, LambdaEvent};
use reelview::app::followups;
use reelview::aws::stream_events::new_items;
use reelview::functions::Followups;
use serde_json::json;

#[tokio::main]
async fn main() -> Result<(), lambda_runtime::Error> {
    reelview::runtime::init_tracing();
    let state = reelview::runtime::lambda_state::<Followups>().await?;
    let app = &state.app;
    lambda_runtime::run(service_fn(|event: LambdaEvent<serde_json::Value>| async move {
        let mut failures = Vec::new();
        for item in new_items(&event.payload) {
            if let Err(e) = followups::run_stored(app, &item.pk, &item.sk).await {
                tracing::error!(sk = %item.sk, error = %e, "a followup failed");
                failures.push(json!({ "itemIdentifier": item.sequence_number }));
                // Later records of the shard wait for this one: report it and stop here.
                break;
            }
        }
        Ok::<_, lambda_runtime::Error>(json!({ "batchItemFailures": failures }))
    }))
    .await
}
