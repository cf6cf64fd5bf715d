//! Deleting one interview: its answers, videos, share links and comments go, its link stops
//! working, and its email and externalId are free for a new invite. (A re-invite keeps the
//! record and issues a new link instead.)

use super::interviews::get_interview;
use super::purge::{purge_interview, Purged};
use super::{retry_on_conflict, App, Caller, Result};
use crate::domain::{Interview, InterviewId, TenantId};

pub async fn delete_interview(app: &App, caller: &Caller, interview_id: &str) -> Result<()> {
    // The record goes last, so if a step fails a retry finds everything again; a change in
    // between (a candidate's upload) makes the purge run again on the fresh record.
    retry_on_conflict(|| async {
        let interview = get_interview(app, caller, interview_id).await?;
        purge_interview(app, &interview).await
    })
    .await?;
    Ok(())
}

/// The same deletion for the product acting on its own (retention, erasure): the interview
/// `id` of `tenant`, as stored now, if `wanted` says so of it. Returns what went, or `None`
/// if it was gone already or is not wanted (checked again on every attempt, so a change
/// meanwhile, such as a deadline moved, is respected).
pub(crate) async fn delete_stored(
    app: &App,
    tenant: TenantId,
    id: InterviewId,
    wanted: impl Fn(&Interview) -> bool,
) -> Result<Option<(Interview, Purged)>> {
    let wanted = &wanted;
    retry_on_conflict(|| async move {
        let Some(interview) = app.interviews.get_interview(tenant, id).await? else {
            return Ok(None);
        };
        if !wanted(&interview) {
            return Ok(None);
        }
        let purged = purge_interview(app, &interview).await?;
        Ok(Some((interview, purged)))
    })
    .await
}
