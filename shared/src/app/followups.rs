//! Running queued followups (see `domain::Followup`). A deployment runs each as the table's
//! change stream reports it; a local run looks for queued ones every second. A followup is
//! removed only after it ran, so a failure leaves it to run again.

use super::{evaluation, transcription, webhook_delivery, App, Result};
use crate::domain::Followup;
use crate::ports::QueuedFollowup;

/// Runs one queued followup and removes it.
pub async fn run(app: &App, queued: &QueuedFollowup) -> Result<()> {
    let (tenant, interview) = (queued.tenant_id, queued.interview_id);
    match &queued.followup {
        Followup::Transcribe {
            question_id,
            upload_id,
        } => transcription::start(app, tenant, interview, *question_id, *upload_id).await?,
        Followup::Evaluate { completed_at } => {
            evaluation::evaluate(app, tenant, interview, *completed_at).await?
        }
        Followup::Announce { event, only } => webhook_delivery::announce(app, event, *only).await?,
    }
    app.insights.finish_followup(queued).await?;
    Ok(())
}

/// Runs the followup stored under `pk`/`sk` (as a change stream names a new item), if it is
/// still queued.
pub async fn run_stored(app: &App, pk: &str, sk: &str) -> Result<()> {
    match app.insights.queued_followup(pk, sk).await? {
        Some(queued) => run(app, &queued).await,
        None => Ok(()),
    }
}

/// Runs up to `limit` queued followups, oldest first. Returns how many ran; one that fails
/// is logged and stays queued.
pub async fn run_queued(app: &App, limit: usize) -> Result<usize> {
    let mut ran = 0;
    for queued in app.insights.queued_followups(limit).await? {
        match run(app, &queued).await {
            Ok(()) => ran += 1,
            Err(e) => {
                tracing::error!(followup = %queued.id, error = %e, "a followup failed; it runs again later")
            }
        }
    }
    Ok(ran)
}
