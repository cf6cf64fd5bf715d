//! Re-inviting: a new link for the same interview.

use super::delivery::invited;
use super::interviews::get_interview;
use super::Invited;
use super::{retry_on_conflict, App, Caller, Error, Links, Result};

/// Issues a new link and retires the old one (a leaked or forwarded link stops working at
/// once). Progress and answers stay; the new link is emailed unless `send_email` is false.
pub async fn reinvite(
    app: &App,
    links: &Links,
    caller: &Caller,
    interview_id: &str,
    send_email: bool,
) -> Result<Invited> {
    let (interview, position, token) = retry_on_conflict(|| async {
        let mut interview = get_interview(app, caller, interview_id).await?;
        let position = app
            .positions
            .get_position(caller.tenant_id, interview.position_id)
            .await?
            .ok_or(Error::PositionNotFound)?;
        let (token, retired) = interview.rotate_link(links.key(), app.clock.now())?;
        let interview = app.interviews.rotate_link(&interview, &retired).await?;
        Ok((interview, position, token))
    })
    .await?;
    let url = links.candidate_url(&token)?;
    invited(app, &position, interview, url, send_email).await
}
