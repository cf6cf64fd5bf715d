//! Resending the invitation with the same link, within limits.

use super::delivery::invited;
use super::interviews::get_interview;
use super::Invited;
use super::{retry_on_conflict, App, Caller, Error, Links, Result};

/// Sends the invitation again with the same link. Works whatever happened to earlier
/// attempts, so a failed or lost email is never final; the first resend is always allowed,
/// later ones are limited (see `Interview::claim_resend`). The resend is taken by a
/// version-checked write before anything is sent, so concurrent resends cannot both pass.
pub async fn resend(
    app: &App,
    links: &Links,
    caller: &Caller,
    interview_id: &str,
) -> Result<Invited> {
    let now = app.clock.now();
    let interview = retry_on_conflict(|| async {
        let mut interview = get_interview(app, caller, interview_id).await?;
        interview.claim_resend(now)?;
        Ok(app.interviews.update_interview(&interview).await?)
    })
    .await?;
    let position = app
        .positions
        .get_position(caller.tenant_id, interview.position_id)
        .await?
        .ok_or(Error::PositionNotFound)?;
    let url = links.candidate(&interview)?;
    invited(app, &position, interview, url, true).await
}
