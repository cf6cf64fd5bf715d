//! Deadlines: reading one from a request, and setting or moving an interview's (which
//! reopens an expired interview).

use super::interviews::get_interview;
use super::{retry_on_conflict, App, Caller, Error, FieldError, Result};
use crate::domain::Interview;
use chrono::{DateTime, Utc};
use serde::Deserialize;

/// A deadline as a request gives it: RFC 3339, in the future.
pub(crate) fn parse_deadline(
    raw: &str,
    now: DateTime<Utc>,
) -> std::result::Result<DateTime<Utc>, FieldError> {
    match DateTime::parse_from_rfc3339(raw) {
        Ok(d) if d.with_timezone(&Utc) > now => Ok(d.with_timezone(&Utc)),
        Ok(_) => Err(FieldError::new("deadline", "must be in the future")),
        Err(_) => Err(FieldError::new("deadline", "must be an RFC 3339 date-time")),
    }
}

#[derive(Debug, Default, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct DeadlineInput {
    pub deadline: Option<String>,
}

/// Sets or extends an interview's deadline; an expired interview opens again.
pub async fn set_deadline(
    app: &App,
    caller: &Caller,
    interview_id: &str,
    input: DeadlineInput,
) -> Result<Interview> {
    let now = app.clock.now();
    let deadline = match input.deadline.as_deref() {
        None => Err(FieldError::new("deadline", "is required")),
        Some(raw) => parse_deadline(raw, now),
    }
    .map_err(|e| Error::Validation(vec![e]))?;
    retry_on_conflict(|| async {
        let mut interview = get_interview(app, caller, interview_id).await?;
        interview.set_deadline(deadline, now)?;
        Ok(app.interviews.update_interview(&interview).await?)
    })
    .await
}
