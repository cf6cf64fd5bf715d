//! Deleting one interview: its answers, videos, share links and comments go, its link stops
//! working, and its email and externalId are free for a new invite. (A re-invite keeps the
//! record and issues a new link instead.)

use super::interviews::get_interview;
use super::purge::purge_interview;
use super::{retry_on_conflict, App, Caller, Result};

pub async fn delete_interview(app: &App, caller: &Caller, interview_id: &str) -> Result<()> {
    // The record goes last, so if a step fails a retry finds everything again; a change in
    // between (a candidate's upload) makes the purge run again on the fresh record.
    retry_on_conflict(|| async {
        let interview = get_interview(app, caller, interview_id).await?;
        purge_interview(app, &interview).await
    })
    .await
}
