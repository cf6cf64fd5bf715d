//! The reminder job: every interview with something due is handled once per run. A due
//! reminder is claimed with a version-checked write before it is sent, so overlapping,
//! retried or concurrent runs never send it twice; a run that dies between claim and send
//! leaves a claim that lapses, and a later run sends it (at least once, deduplicated). An
//! interview past its deadline is stored as expired. A run reads only the due index, pages
//! through it, and stops before its time is up, leaving the rest to the next run.

use super::{email, App, Links, Result};
use crate::domain::{Interview, Position, PositionId, Reminder, TenantId};
use crate::ports::UpdateError;
use chrono::{DateTime, Duration, Utc};
use std::collections::HashMap;
use std::time::Instant;

/// How long a claimed reminder is held before another run may send it.
pub const CLAIM_LEASE_MINUTES: i64 = 15;
/// Interviews read per page of the due index.
const PAGE: usize = 25;

/// What one run did.
#[derive(Debug, Clone, Default, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "camelCase")]
pub struct RunSummary {
    /// Interviews read from the due index.
    pub due: u32,
    pub sent: u32,
    /// Interviews another run or a change got to first (or whose position is gone).
    pub skipped: u32,
    /// Reminders the mail service refused (recorded on the interview, not retried).
    pub failed: u32,
    pub expired: u32,
    /// Whether the run reached the end of what is due (else it ran out of time).
    pub finished: bool,
}

enum Handled {
    Sent,
    Failed,
    Expired,
    Skipped,
}

/// Handles everything due at `now`, stopping once `stop_by` has passed (if given).
pub async fn run(
    app: &App,
    links: &Links,
    now: DateTime<Utc>,
    stop_by: Option<Instant>,
) -> Result<RunSummary> {
    let mut summary = RunSummary::default();
    let mut cursor: Option<String> = None;
    // Positions read once per run: many due interviews share one.
    let mut positions = Positions::default();
    loop {
        let page = app
            .interviews
            .due_interviews(now, cursor.as_deref(), PAGE)
            .await?;
        for listed in page.items {
            if stop_by.is_some_and(|t| Instant::now() >= t) {
                return Ok(summary);
            }
            summary.due += 1;
            match handle(app, links, &mut positions, &listed, now).await {
                Ok(Handled::Sent) => summary.sent += 1,
                Ok(Handled::Failed) => summary.failed += 1,
                Ok(Handled::Expired) => summary.expired += 1,
                Ok(Handled::Skipped) => summary.skipped += 1,
                Err(e) => {
                    // One interview's trouble does not stop the others; a later run retries.
                    tracing::warn!(interview = %listed.id, error = %e, "reminder job: could not handle an interview");
                    summary.skipped += 1;
                }
            }
        }
        match page.next_cursor {
            Some(next) => cursor = Some(next),
            None => break,
        }
    }
    summary.finished = true;
    Ok(summary)
}

type Positions = HashMap<(TenantId, PositionId), Option<Position>>;

async fn handle(
    app: &App,
    links: &Links,
    positions: &mut Positions,
    listed: &Interview,
    now: DateTime<Utc>,
) -> Result<Handled> {
    // The index may lag the table: decide on the interview as it is now.
    let Some(mut interview) = app
        .interviews
        .get_interview(listed.tenant_id, listed.id)
        .await?
    else {
        return Ok(Handled::Skipped);
    };
    let expired = interview.mark_expired(now);
    let claimed = if expired {
        None
    } else {
        interview.claim_reminder(now, Duration::minutes(CLAIM_LEASE_MINUTES))
    };
    if !expired && claimed.is_none() {
        return Ok(Handled::Skipped);
    }
    let interview = match app.interviews.update_interview(&interview).await {
        Ok(stored) => stored,
        // Another run (or a reviewer, or the candidate) wrote first: it is theirs this time.
        Err(UpdateError::Conflict) => return Ok(Handled::Skipped),
        Err(UpdateError::Unavailable(why)) => return Err(super::Error::Internal(why)),
    };
    let Some(reminder) = claimed else {
        return Ok(Handled::Expired);
    };
    let at = (interview.tenant_id, interview.position_id);
    let position = match positions.get(&at) {
        Some(known) => known.clone(),
        None => {
            let read = app.positions.get_position(at.0, at.1).await?;
            positions.insert(at, read.clone());
            read
        }
    };
    let Some(position) = position else {
        return Ok(Handled::Skipped);
    };
    // Never to an address that bounced hard or complained: settled as not sent.
    if let Some(suppression) =
        super::suppression::suppression_of(app, interview.tenant_id, &interview.candidate.email)
            .await?
    {
        let why = format!("not sent: {}", suppression.explanation());
        settle(app, interview, reminder, Err(&why), now).await?;
        return Ok(Handled::Skipped);
    }
    let url = links.candidate(&interview)?;
    let closing = matches!(reminder, Reminder::BeforeDeadline(_));
    let message = email::reminder(position.employer(), &position, &interview, closing, &url);
    let outcome = app.mailer()?.send(&message).await;
    let handled = if outcome.is_ok() {
        Handled::Sent
    } else {
        Handled::Failed
    };
    let outcome = outcome
        .as_ref()
        .map(String::as_str)
        .map_err(|e| e.0.as_str());
    settle(app, interview, reminder, outcome, now).await?;
    Ok(handled)
}

/// Records the reminder's outcome, on a fresh read if the interview changed meanwhile.
async fn settle(
    app: &App,
    mut interview: Interview,
    reminder: Reminder,
    outcome: std::result::Result<&str, &str>,
    now: DateTime<Utc>,
) -> Result<()> {
    for _ in 0..5 {
        let mut next = interview.clone();
        next.record_reminder(reminder, outcome, now);
        match app.interviews.update_interview(&next).await {
            Ok(_) => return Ok(()),
            Err(UpdateError::Conflict) => {
                match app
                    .interviews
                    .get_interview(interview.tenant_id, interview.id)
                    .await?
                {
                    Some(fresh) => interview = fresh,
                    None => return Ok(()),
                }
            }
            Err(UpdateError::Unavailable(why)) => return Err(super::Error::Internal(why)),
        }
    }
    // Unrecorded, the claim lapses and a later run sends the reminder again: at least once.
    tracing::warn!(interview = %interview.id, "reminder sent but not recorded");
    Ok(())
}
