//! A candidate's erasure request: every interview of that email address in the team's
//! positions goes, with its answers, recordings, transcripts, evaluations, share links,
//! comments, pending reminders, queued work and the email delivery it records, by the same
//! deletion as `DELETE /v1/interviews/{id}`. The one-interview-per-email guard of each
//! position finds them (one read per position, no scan). Asking again removes nothing and
//! says so.
//!
//! The address stays on the team's do-not-email list if it is on it (a hard bounce or a
//! complaint): that record exists to honour the person's wish not to be emailed, and
//! forgetting it would let a later invitation email them again.

use super::delete_interview::delete_stored;
use super::purge::Purged;
use super::{App, Caller, Error, FieldError, Result};
use crate::domain::{Email, InterviewId, PositionId};
use futures::{StreamExt, TryStreamExt};
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

/// Guard reads in flight at once.
const LOOKUPS_AT_ONCE: usize = 16;

#[derive(Debug, Default, Deserialize)]
pub struct ErasureRequest {
    pub email: Option<String>,
}

/// What an erasure removed.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Erased {
    /// The interviews deleted (none when there was nothing, or nothing left, to erase).
    pub interview_ids: Vec<InterviewId>,
    /// How many of each kind went, the interviews included.
    pub removed: Removed,
    /// Whether the address stays on the team's do-not-email list.
    pub suppression_kept: bool,
}

#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Removed {
    pub interviews: u32,
    #[serde(flatten)]
    pub held: Purged,
}

/// Erases the candidate with the request's email from the caller's team.
pub async fn erase(app: &App, caller: &Caller, request: ErasureRequest) -> Result<Erased> {
    let email = match request.email.as_deref().map(Email::parse) {
        Some(Ok(email)) => email,
        Some(Err(e)) => return Err(Error::Validation(vec![FieldError::new("email", e)])),
        None => {
            return Err(Error::Validation(vec![FieldError::new(
                "email",
                "is required",
            )]))
        }
    };
    let tenant = caller.tenant_id;
    let normalized = email.normalized();
    // One guard read per position, a few at a time: a team with many positions is answered
    // in reads that overlap rather than one after another.
    let lookups = positions_of(app, caller)
        .await?
        .into_iter()
        .map(|position| {
            let normalized = &normalized;
            async move {
                app.interviews
                    .interview_by_email(tenant, position, normalized)
                    .await
            }
        });
    let found: Vec<_> = futures::stream::iter(lookups)
        .buffered(LOOKUPS_AT_ONCE)
        .try_collect::<Vec<_>>()
        .await?
        .into_iter()
        .flatten()
        .collect();
    let mut erased = Erased::default();
    for found in found {
        let same_candidate =
            |i: &crate::domain::Interview| i.candidate.email.normalized() == normalized;
        if let Some((interview, held)) =
            delete_stored(app, tenant, found.id, same_candidate).await?
        {
            erased.interview_ids.push(interview.id);
            erased.removed.interviews += 1;
            erased.removed.held += held;
        }
    }
    erased.suppression_kept = app
        .suppressions
        .suppression(tenant, &normalized)
        .await?
        .is_some();
    tracing::info!(
        candidate = %candidate_digest(caller, &normalized),
        interviews = erased.removed.interviews,
        "erasure"
    );
    Ok(erased)
}

/// Every position of the team that may hold interviews: the listed ones and those deleted
/// but not yet purged.
async fn positions_of(app: &App, caller: &Caller) -> Result<Vec<PositionId>> {
    let mut positions = Vec::new();
    let mut cursor: Option<String> = None;
    loop {
        let page = app
            .positions
            .list_positions(caller.tenant_id, cursor.as_deref(), 100)
            .await
            .map_err(|e| Error::Internal(format!("{e:?}")))?;
        positions.extend(page.items.iter().map(|p| p.id));
        match page.next_cursor {
            Some(next) => cursor = Some(next),
            None => break,
        }
    }
    for (tenant, position) in app.positions.purges_pending().await? {
        if tenant == caller.tenant_id && !positions.contains(&position) {
            positions.push(position);
        }
    }
    Ok(positions)
}

/// How the log names the candidate: a SHA-256 of the team and the address, so an operator
/// who is asked whether an address was erased can check, and the log never holds it.
fn candidate_digest(caller: &Caller, normalized_email: &str) -> String {
    let digest = Sha256::digest(format!("{}:{normalized_email}", caller.tenant_id));
    digest.iter().take(16).map(|b| format!("{b:02x}")).collect()
}
