//! Amazon Transcribe reports the end of a job (an EventBridge rule passes only our jobs'
//! COMPLETED and FAILED events): its transcript, or why it failed, is stored with its answer.
//! Only a store or service failure fails the invocation, so EventBridge retries it; storing
//! an outcome twice changes nothing.

use lambda_runtime::{service_fn, LambdaEvent};
use reelview::app::transcription;
use reelview::aws::transcribe_events::ended_job;
use reelview::functions::Transcripts;

#[tokio::main]
async fn main() -> Result<(), lambda_runtime::Error> {
    reelview::runtime::init_tracing();
    let state = reelview::runtime::lambda_state::<Transcripts>().await?;
    let app = &state.app;
    lambda_runtime::run(service_fn(|event: LambdaEvent<serde_json::Value>| async move {
        match ended_job(&event.payload) {
            Some(job) => transcription::finished(app, &job).await?,
            None => tracing::info!("not a transcription job's end"),
        }
        Ok::<_, lambda_runtime::Error>(())
    }))
    .await
}
