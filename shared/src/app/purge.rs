//! Deleting a position: it disappears for every reader at once (candidate, share and apply
//! links included), and its interviews with their recordings, share links and comments are
//! purged in the background, a bounded batch at a time, resumably, until nothing is left.

use super::positions::get_position;
use super::{retry_on_conflict, App, Caller, Result};
use crate::domain::{Interview, PositionId, TenantId};
use crate::ports::InterviewQuery;

/// Interviews purged per batch: small enough for one Lambda invocation, however many there are.
pub const BATCH: u32 = 25;

/// Deletes a position of the caller. What it held is purged by [`purge`].
pub async fn delete_position(app: &App, caller: &Caller, position_id: &str) -> Result<PositionId> {
    retry_on_conflict(|| async {
        let position = get_position(app, caller, position_id).await?;
        app.positions.delete_position(&position).await?;
        Ok(position.id)
    })
    .await
}

/// What purging one interview removed besides the interview itself, by kind.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Purged {
    /// Answers, recorded or written.
    pub answers: u32,
    /// Recordings of answers, and uploads still pending.
    pub videos: u32,
    pub shares: u32,
    pub comments: u32,
    pub transcripts: u32,
    pub evaluations: u32,
    /// Reminders still to be sent.
    pub reminders: u32,
    /// Work still queued for it (a transcription, an evaluation).
    pub followups: u32,
}

impl std::ops::AddAssign for Purged {
    fn add_assign(&mut self, other: Purged) {
        self.answers += other.answers;
        self.videos += other.videos;
        self.shares += other.shares;
        self.comments += other.comments;
        self.transcripts += other.transcripts;
        self.evaluations += other.evaluations;
        self.reminders += other.reminders;
        self.followups += other.followups;
    }
}

/// Removes one interview and everything it holds: videos, pending uploads, share links,
/// comments, transcripts, evaluations, queued work, then the interview with its link,
/// guards and pending reminders. Each step can run again after a crash.
pub(crate) async fn purge_interview(app: &App, interview: &Interview) -> Result<Purged> {
    let mut purged = Purged {
        answers: interview
            .progress
            .values()
            .filter(|p| p.is_answered())
            .count() as u32,
        reminders: interview.pending_reminders().len() as u32,
        ..Purged::default()
    };
    let videos = app.videos()?;
    for progress in interview.progress.values() {
        if let Some(answer) = &progress.answer {
            videos.delete(&answer.object_key).await?;
            purged.videos += 1;
        }
    }
    for upload in &interview.uploads {
        super::upload::release(videos, upload).await?;
        // A completed attempt is the answer's recording, counted above.
        if upload.state == crate::domain::UploadState::Pending {
            purged.videos += 1;
        }
    }
    let (tenant, id) = (interview.tenant_id, interview.id);
    for share in app.shares.shares_of(tenant, id).await? {
        app.shares.revoke_share(tenant, id, share.id).await?;
        purged.shares += 1;
    }
    for comment in app.comments.comments_of(tenant, id).await? {
        app.comments.delete_comment(tenant, id, comment.id).await?;
        purged.comments += 1;
    }
    let forgotten = super::insights::forget_interview(app, interview).await?;
    purged.transcripts = forgotten.transcripts;
    purged.evaluations = forgotten.evaluations;
    purged.followups = app.insights.drop_followups(tenant, id).await?;
    // Webhooks are told in the same write that deletes it.
    let mut deleted = interview.clone();
    deleted.announce_deleted(app.clock.now());
    app.interviews.delete_interview(&deleted).await?;
    Ok(purged)
}

/// Purges up to `batches` batches of a deleted position. Returns whether it is gone for good.
pub async fn purge(
    app: &App,
    tenant: TenantId,
    position: PositionId,
    batches: u32,
) -> Result<bool> {
    for _ in 0..batches {
        let query = InterviewQuery {
            limit: BATCH,
            now: app.clock.now(),
            ..InterviewQuery::default()
        };
        let page = app
            .interviews
            .list_interviews(tenant, position, &query)
            .await
            .map_err(|e| super::Error::Internal(format!("{e:?}")))?;
        if page.items.is_empty() {
            app.positions.forget_position(tenant, position).await?;
            return Ok(true);
        }
        for interview in &page.items {
            purge_interview(app, interview).await?;
        }
    }
    Ok(false)
}

/// Works on every position waiting to be purged, `batches` batches each. Returns how many
/// are still waiting.
pub async fn sweep(app: &App, batches: u32) -> Result<usize> {
    let mut waiting = 0;
    for (tenant, position) in app.positions.purges_pending().await? {
        match purge(app, tenant, position, batches).await {
            Ok(true) => {}
            Ok(false) => waiting += 1,
            Err(e) => {
                tracing::error!(%position, error = %e, "purging a deleted position failed; retried on the next sweep");
                waiting += 1;
            }
        }
    }
    Ok(waiting)
}
