//! Reading a tenant's interviews: one by id, or a position's page by page.

use super::{positions, App, Caller, Error, Result};
use crate::domain::{Interview, InterviewId, Position};
use crate::ports::{ListError, Page};

/// Looks up an interview of the caller's tenant by id.
pub async fn get_interview(app: &App, caller: &Caller, id: &str) -> Result<Interview> {
    let id = InterviewId::parse(id).ok_or(Error::InterviewNotFound)?;
    app.interviews
        .get_interview(caller.tenant_id, id)
        .await?
        .ok_or(Error::InterviewNotFound)
}

/// A page of a position's interviews, oldest first. `limit` is clamped to 1–100.
pub async fn list_interviews(
    app: &App,
    caller: &Caller,
    position_id: &str,
    cursor: Option<&str>,
    limit: u32,
) -> Result<(Position, Page<Interview>)> {
    let position = positions::get_position(app, caller, position_id).await?;
    let page = app
        .interviews
        .list_interviews(caller.tenant_id, position.id, cursor, limit.clamp(1, 100))
        .await
        .map_err(|e| match e {
            ListError::InvalidCursor => Error::Malformed("invalid cursor".into()),
            ListError::Unavailable(why) => Error::Internal(why),
        })?;
    Ok((position, page))
}
