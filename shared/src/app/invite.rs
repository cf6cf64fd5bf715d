//! Inviting one candidate: validation, the interview written all or nothing with its guards
//! and the monthly quota, then the invitation email.

use super::delivery::{invited, Invited};
use super::{App, Caller, Error, FieldError, Links, Result};
use crate::domain::{Candidate, Email, Interview, InterviewId, Line, NewInterview, Position};
use crate::ports::{CreateInterviewError, QuotaCharge};
use chrono::{DateTime, Utc};
use serde::Deserialize;

#[derive(Debug, Default, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct CandidateInput {
    pub email: Option<String>,
    pub first_name: Option<String>,
    pub last_name: Option<String>,
    pub phone: Option<String>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct InviteInput {
    #[serde(default, deserialize_with = "super::input::object")]
    pub candidate: Option<CandidateInput>,
    pub external_id: Option<String>,
    pub send_email: Option<bool>,
    /// RFC 3339, in the future.
    pub deadline: Option<String>,
}

pub(crate) struct ValidInvite {
    candidate: Candidate,
    external_id: Option<String>,
    send_email: bool,
    deadline: Option<DateTime<Utc>>,
}

fn parse_line(
    errors: &mut Vec<FieldError>,
    field: &str,
    raw: Option<&str>,
    max: usize,
) -> Option<Line> {
    match raw {
        None => {
            errors.push(FieldError::new(field, "is required"));
            None
        }
        Some(raw) => Line::parse(raw, max)
            .map_err(|e| errors.push(FieldError::new(field, e)))
            .ok(),
    }
}

pub(crate) fn parse_invite(input: InviteInput, now: DateTime<Utc>) -> Result<ValidInvite> {
    let mut errors = Vec::new();
    let candidate = input.candidate.unwrap_or_default();
    let email = match candidate.email.as_deref() {
        None => {
            errors.push(FieldError::new("candidate.email", "is required"));
            None
        }
        Some(raw) => Email::parse(raw)
            .map_err(|e| errors.push(FieldError::new("candidate.email", e)))
            .ok(),
    };
    let first_name = parse_line(
        &mut errors,
        "candidate.firstName",
        candidate.first_name.as_deref(),
        100,
    );
    let last_name = parse_line(
        &mut errors,
        "candidate.lastName",
        candidate.last_name.as_deref(),
        100,
    );
    let phone = candidate.phone.as_deref().and_then(|raw| {
        let phone = Line::parse(raw, 32)
            .map_err(|e| errors.push(FieldError::new("candidate.phone", e)))
            .ok()?;
        let plausible = phone
            .as_str()
            .chars()
            .all(|c| c.is_ascii_digit() || " +-().".contains(c))
            && phone.as_str().chars().filter(char::is_ascii_digit).count() >= 6;
        if !plausible {
            errors.push(FieldError::new("candidate.phone", "must be a phone number"));
        }
        Some(phone)
    });
    let external_id = input.external_id.as_deref().and_then(|raw| {
        Line::parse(raw, 200)
            .map(|l| l.to_string())
            .map_err(|e| errors.push(FieldError::new("externalId", e)))
            .ok()
    });
    let deadline = input.deadline.as_deref().and_then(|raw| {
        super::deadlines::parse_deadline(raw, now)
            .map_err(|e| errors.push(e))
            .ok()
    });
    match (email, first_name, last_name) {
        (Some(email), Some(first_name), Some(last_name)) if errors.is_empty() => Ok(ValidInvite {
            candidate: Candidate {
                email,
                first_name,
                last_name,
                phone,
            },
            external_id,
            send_email: input.send_email.unwrap_or(true),
            deadline,
        }),
        _ => Err(Error::Validation(errors)),
    }
}

/// A position of the caller that accepts new candidates.
pub async fn open_position(app: &App, caller: &Caller, position_id: &str) -> Result<Position> {
    let position = super::positions::get_position(app, caller, position_id).await?;
    if position.is_archived() {
        return Err(Error::PositionArchived);
    }
    Ok(position)
}

pub async fn invite(
    app: &App,
    links: &Links,
    caller: &Caller,
    position_id: &str,
    input: InviteInput,
) -> Result<Invited> {
    let position = open_position(app, caller, position_id).await?;
    invite_to(app, links, caller, &position, input).await
}

/// Invites a candidate to `position` (already checked to belong to `caller` and be open).
pub(crate) async fn invite_to(
    app: &App,
    links: &Links,
    caller: &Caller,
    position: &Position,
    input: InviteInput,
) -> Result<Invited> {
    let now = app.clock.now();
    let valid = parse_invite(input, now)?;
    let id = InterviewId::new();
    let token = links.key().candidate_token(id, 0);
    let interview = Interview::invited(NewInterview {
        tenant_id: caller.tenant_id,
        id,
        position_id: position.id,
        candidate: valid.candidate,
        external_id: valid.external_id,
        token_hash: token.hash(),
        // Applications get the position's default deadline the same way.
        deadline: valid.deadline.or(position.default_deadline(now)),
        send_email: valid.send_email,
        questions: position.questions.clone(),
        reminder_policy: Some(position.reminders.clone()),
        now,
    });
    let quota = caller.monthly_invite_limit.map(|limit| QuotaCharge {
        month: crate::domain::quota_month(now),
        limit,
    });
    match app
        .interviews
        .create_interview(&interview, quota.as_ref())
        .await
    {
        Ok(()) => {}
        Err(CreateInterviewError::QuotaExceeded) => {
            return Err(Error::InviteQuotaExceeded {
                limit: caller.monthly_invite_limit.unwrap_or(0),
            })
        }
        Err(CreateInterviewError::EmailTaken) => {
            let existing = app
                .interviews
                .interview_by_email(
                    caller.tenant_id,
                    position.id,
                    &interview.candidate.email.normalized(),
                )
                .await?
                .map(|i| i.id);
            return Err(Error::InterviewAlreadyExists { existing });
        }
        Err(other) => return Err(other.into()),
    }
    // Stored with the interview; later changes queue their own.
    let mut interview = interview;
    interview.take_followups();
    let url = links.candidate_url(&token)?;
    invited(app, position, interview, url, valid.send_email).await
}

#[cfg(test)]
mod tests {
    use super::*;

    fn input(email: &str, first: &str) -> InviteInput {
        InviteInput {
            candidate: Some(CandidateInput {
                email: Some(email.into()),
                first_name: Some(first.into()),
                last_name: Some("Silva".into()),
                phone: None,
            }),
            ..Default::default()
        }
    }

    #[test]
    fn reports_every_invalid_field() {
        let err = parse_invite(input("nope", "Ana\r\nBcc: x"), Utc::now())
            .err()
            .unwrap();
        let Error::Validation(fields) = err else {
            panic!("{err:?}")
        };
        let names: Vec<_> = fields.iter().map(|f| f.field.as_str()).collect();
        assert_eq!(names, ["candidate.email", "candidate.firstName"]);
    }

    #[test]
    fn deadline_must_be_future_rfc3339() {
        let mut past = input("a@b.co", "Ana");
        past.deadline = Some("2000-01-01T00:00:00Z".into());
        assert!(parse_invite(past, Utc::now()).is_err());
        let mut ok = input("a@b.co", "Ana");
        ok.deadline = Some("2999-01-01T00:00:00+02:00".into());
        assert!(parse_invite(ok, Utc::now()).unwrap().deadline.is_some());
    }
}
