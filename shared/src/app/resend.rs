//! Resending the invitation with the same link.

use super::delivery::invited;
use super::interviews::get_interview;
use super::Invited;
use super::{App, Caller, Error, Links, Result};
use crate::domain::InterviewStatus;

/// Sends the invitation again with the same link. Works whatever happened to earlier
/// attempts, so a failed or lost email is never final.
pub async fn resend(
    app: &App,
    links: &Links,
    caller: &Caller,
    interview_id: &str,
) -> Result<Invited> {
    let interview = get_interview(app, caller, interview_id).await?;
    if interview.status == InterviewStatus::Completed {
        return Err(Error::InterviewCompleted);
    }
    let position = app
        .positions
        .get_position(caller.tenant_id, interview.position_id)
        .await?
        .ok_or(Error::PositionNotFound)?;
    let url = links.candidate(&interview)?;
    invited(app, &position, interview, url, true).await
}
