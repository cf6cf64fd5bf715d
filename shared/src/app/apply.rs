//! The public application link of a position: a candidate invites themselves.

use super::invite::{self, CandidateInput, InviteInput};
use super::{App, Caller, Error, FieldError, Links, Result};
use crate::domain::{InterviewStatus, Position, PositionId};
use serde::Deserialize;

#[derive(Debug, Default, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Application {
    pub first_name: Option<String>,
    pub last_name: Option<String>,
    pub email: Option<String>,
}

const HOUR: i64 = 60 * 60;
const DAY: i64 = 24 * HOUR;
/// Applications one sender may make in an hour, across positions.
pub const APPLICATIONS_PER_IP_PER_HOUR: u32 = 10;
/// How often a known email may get its link again through the form.
const RESEND_EVERY_SECONDS: i64 = HOUR;

/// Counts one hit of `name` in the current `window` (seconds); past `limit` it is refused with
/// `RateLimited` and the seconds until the window ends.
async fn limit(app: &App, name: &str, now: i64, window: i64, limit: u32) -> Result<()> {
    let start = now - now.rem_euclid(window);
    let end = start + window;
    if app.rate_limits.hit(name, start, limit, end).await? {
        Ok(())
    } else {
        Err(Error::RateLimited {
            retry_after_seconds: (end - now).max(1) as u64,
        })
    }
}

/// A position that takes public applications, by slug or id.
pub async fn public_position(app: &App, slug_or_id: &str) -> Result<Position> {
    let position = match PositionId::parse(slug_or_id) {
        Some(id) => app.positions.position_by_id(id).await?,
        None if crate::domain::public_slug_shape(slug_or_id) => {
            app.positions.position_by_slug(slug_or_id).await?
        }
        None => None,
    };
    match position {
        Some(p) if p.public_apply => Ok(p),
        _ => Err(Error::PositionNotFound),
    }
}

/// Public application: the same rules as an invite (validation, quota, archived positions).
/// A known email gets its existing link emailed again instead of a second interview; the
/// answer is the same either way, so the form reveals nothing about who applied. The
/// interview gets the position's default deadline, as invites without one do.
pub async fn apply(
    app: &App,
    links: &Links,
    slug_or_id: &str,
    application: Application,
    source_ip: &str,
) -> Result<()> {
    let position = public_position(app, slug_or_id).await?;
    if position.is_archived() {
        return Err(Error::PositionArchived);
    }
    // Limits that hold across every instance: per sender, and per position and day (apart
    // from the tenant's monthly invites, which applications therefore never use up).
    let now = app.clock.now().timestamp();
    limit(
        app,
        &format!("apply-ip#{source_ip}"),
        now,
        HOUR,
        APPLICATIONS_PER_IP_PER_HOUR,
    )
    .await?;
    limit(
        app,
        &format!("apply-position#{}", position.id),
        now,
        DAY,
        position.max_applications_per_day,
    )
    .await?;
    let tenant = app
        .tenants
        .get_tenant(position.tenant_id)
        .await?
        .ok_or(Error::PositionNotFound)?;
    let caller = Caller::system(&tenant, "apply form");
    let input = InviteInput {
        candidate: Some(CandidateInput {
            email: application.email,
            first_name: application.first_name,
            last_name: application.last_name,
            phone: None,
        }),
        external_id: None,
        send_email: Some(true),
        deadline: None,
    };
    match invite::invite_to(app, links, &caller, &position, input).await {
        Ok(_) => Ok(()),
        Err(Error::InterviewAlreadyExists { existing: Some(id) }) => {
            let existing = app
                .interviews
                .get_interview(tenant.id, id)
                .await?
                .ok_or_else(|| {
                    Error::Internal("email guard points to a missing interview".into())
                })?;
            // The link again, at most once an hour: the form cannot be used to flood an inbox.
            let recently = existing.email.last_attempt_at.is_some_and(|at| {
                app.clock.now() - at < chrono::Duration::seconds(RESEND_EVERY_SECONDS)
            });
            if existing.status != InterviewStatus::Completed && !recently {
                super::resend::resend(app, links, &caller, &id.to_string()).await?;
            }
            Ok(())
        }
        Err(Error::Validation(fields)) => Err(Error::Validation(
            fields
                .into_iter()
                .map(|f| FieldError::new(f.field.trim_start_matches("candidate."), f.message))
                .collect(),
        )),
        Err(e) => Err(e),
    }
}
