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

/// A position that takes public applications, by slug or id.
pub async fn public_position(app: &App, slug_or_id: &str) -> Result<Position> {
    let position = match PositionId::parse(slug_or_id) {
        Some(id) => app.positions.position_by_id(id).await?,
        None if crate::domain::valid_slug(slug_or_id) => {
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
/// answer is the same either way, so the form reveals nothing about who applied.
// Deadlines: an applied interview gets none today; when positions carry a default deadline,
// it applies here as it does to invites.
pub async fn apply(
    app: &App,
    links: &Links,
    slug_or_id: &str,
    application: Application,
) -> Result<()> {
    let position = public_position(app, slug_or_id).await?;
    if position.is_archived() {
        return Err(Error::PositionArchived);
    }
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
            if existing.status != InterviewStatus::Completed {
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
