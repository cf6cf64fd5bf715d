//! The retention job: interviews that ended (completed, or expired at their deadline) longer
//! ago than their team keeps them are deleted with everything they hold, by the same deletion
//! as `DELETE /v1/interviews/{id}`. A run reads only the list of teams with a retention
//! period and, for each, the part of the ended index its cutoff reaches: what is due, nothing
//! else. Deleted interviews leave the index, so a run that stops (its time is up, a deletion
//! failed) leaves the rest where the next run starts.

use super::delete_interview::delete_stored;
use super::{App, Result};
use crate::domain::{InterviewId, TenantId};
use chrono::{DateTime, Utc};
use std::time::Instant;

/// Interviews read per page of a team's ended index. Teams take turns a page at a time, so
/// one team's backlog does not hold up the others.
const PAGE: usize = 25;

/// What one run did.
#[derive(Debug, Clone, Default, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "camelCase")]
pub struct RunSummary {
    /// Teams with a retention period.
    pub tenants: u32,
    pub deleted: u32,
    /// Interviews whose deletion failed; they stay in the index for the next run.
    pub failed: u32,
    /// Whether the run reached the end of what is due (else it ran out of time).
    pub finished: bool,
}

/// Where a team's reading of its ended index stands within a run.
struct Team {
    tenant: TenantId,
    cutoff: DateTime<Utc>,
    cursor: Option<String>,
    done: bool,
}

/// Deletes every interview due for deletion at `now`, stopping once `stop_by` has passed
/// (if given).
pub async fn run(app: &App, now: DateTime<Utc>, stop_by: Option<Instant>) -> Result<RunSummary> {
    let mut teams: Vec<Team> = app
        .tenants
        .tenants_with_retention()
        .await?
        .into_iter()
        .map(|(tenant, days)| Team {
            tenant,
            cutoff: days.cutoff(now),
            cursor: None,
            done: false,
        })
        .collect();
    let mut summary = RunSummary {
        tenants: teams.len() as u32,
        ..RunSummary::default()
    };
    let out_of_time = || stop_by.is_some_and(|t| Instant::now() >= t);
    while teams.iter().any(|team| !team.done) {
        for team in teams.iter_mut().filter(|team| !team.done) {
            if out_of_time() {
                return Ok(summary);
            }
            let page = app
                .interviews
                .ended_interviews(team.tenant, team.cutoff, team.cursor.as_deref(), PAGE)
                .await?;
            for id in page.items {
                if out_of_time() {
                    return Ok(summary);
                }
                match expire(app, team.tenant, id, team.cutoff).await {
                    Ok(true) => summary.deleted += 1,
                    Ok(false) => {}
                    Err(e) => {
                        // One interview's trouble does not stop the others; a later run retries.
                        tracing::warn!(interview = %id, error = %e, "retention job: could not delete an interview");
                        summary.failed += 1;
                    }
                }
            }
            team.cursor = page.next_cursor;
            team.done = team.cursor.is_none();
        }
    }
    summary.finished = true;
    Ok(summary)
}

/// Deletes the interview if, as stored now, it ended by `cutoff`. Returns whether it did.
async fn expire(
    app: &App,
    tenant: TenantId,
    id: InterviewId,
    cutoff: DateTime<Utc>,
) -> Result<bool> {
    let deleted = delete_stored(app, tenant, id, |interview| interview.ended_by(cutoff)).await?;
    Ok(deleted.is_some())
}
