//! Inviting candidates: one, or a batch whose rows succeed or fail independently.

use super::{email, App, Caller, Error, FieldError, Result};
use crate::domain::{
    Candidate, Email, EmailDelivery, EmailStatus, Interview, InterviewId, InterviewStatus, Line,
    Position,
};
use crate::ports::{CreateInterviewError, ListError, Page, QuotaCharge, UpdateError};
use chrono::{DateTime, Utc};
use serde::Deserialize;
use std::collections::BTreeMap;

pub const MAX_BATCH_ROWS: usize = 100;
/// How many rows of a batch are written and mailed at once.
const BATCH_CONCURRENCY: usize = 8;

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
    pub candidate: Option<CandidateInput>,
    pub external_id: Option<String>,
    pub send_email: Option<bool>,
    /// RFC 3339, in the future.
    pub deadline: Option<String>,
}

struct ValidInvite {
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

fn parse_invite(input: InviteInput, now: DateTime<Utc>) -> Result<ValidInvite> {
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
    let deadline =
        input
            .deadline
            .as_deref()
            .and_then(|raw| match DateTime::parse_from_rfc3339(raw) {
                Ok(d) if d.with_timezone(&Utc) > now => Some(d.with_timezone(&Utc)),
                Ok(_) => {
                    errors.push(FieldError::new("deadline", "must be in the future"));
                    None
                }
                Err(_) => {
                    errors.push(FieldError::new("deadline", "must be an RFC 3339 date-time"));
                    None
                }
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

/// A stored interview and its link, as the recruiter receives it.
#[derive(Debug, Clone)]
pub struct Invited {
    pub interview: Interview,
    pub url: String,
    /// The employer name candidates see (the position's company, else the tenant's name).
    pub company: String,
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
    caller: &Caller,
    position_id: &str,
    input: InviteInput,
) -> Result<Invited> {
    let position = open_position(app, caller, position_id).await?;
    invite_to(app, caller, &position, input).await
}

/// Invites every row independently; the outcomes come back in the rows' order.
pub async fn invite_batch(
    app: &App,
    caller: &Caller,
    position_id: &str,
    rows: Vec<serde_json::Value>,
) -> Result<Vec<Result<Invited>>> {
    if rows.is_empty() || rows.len() > MAX_BATCH_ROWS {
        return Err(Error::Validation(vec![FieldError::new(
            "candidates",
            format!("must contain 1 to {MAX_BATCH_ROWS} rows"),
        )]));
    }
    let position = open_position(app, caller, position_id).await?;

    // Rows run concurrently, except that a row repeating an earlier row's email or externalId
    // waits for the first round: the earlier row always wins, whatever the timing.
    let mut seen = std::collections::HashSet::new();
    let mut rows: Vec<(usize, Result<InviteInput>, bool)> = rows
        .into_iter()
        .enumerate()
        .map(|(index, row)| {
            let input: Result<InviteInput> = serde_json::from_value(row)
                .map_err(|e| Error::Malformed(format!("invalid row: {e}")));
            let mut repeat = false;
            if let Ok(input) = &input {
                let email = input.candidate.as_ref().and_then(|c| c.email.as_deref());
                if let Some(email) = email.and_then(|e| Email::parse(e).ok()) {
                    repeat |= !seen.insert(format!("email:{}", email.normalized()));
                }
                if let Some(external_id) = &input.external_id {
                    repeat |= !seen.insert(format!("external:{}", external_id.trim()));
                }
            }
            (index, input, repeat)
        })
        .collect();
    let mut outcomes: Vec<Option<Result<Invited>>> = (0..rows.len()).map(|_| None).collect();
    let later: Vec<(usize, Result<InviteInput>, bool)> = {
        let (later, first): (Vec<_>, Vec<_>) = rows.drain(..).partition(|(_, _, repeat)| *repeat);
        use futures::stream::{self, StreamExt};
        let done: Vec<(usize, Result<Invited>)> = stream::iter(first)
            .map(|(index, input, _)| {
                let position = &position;
                async move {
                    match input {
                        Ok(input) => (index, invite_to(app, caller, position, input).await),
                        Err(e) => (index, Err(e)),
                    }
                }
            })
            .buffer_unordered(BATCH_CONCURRENCY)
            .collect()
            .await;
        for (index, outcome) in done {
            outcomes[index] = Some(outcome);
        }
        later
    };
    for (index, input, _) in later {
        outcomes[index] = Some(match input {
            Ok(input) => invite_to(app, caller, &position, input).await,
            Err(e) => Err(e),
        });
    }
    Ok(outcomes
        .into_iter()
        .map(|o| o.expect("every row ran"))
        .collect())
}

pub(crate) async fn invite_to(
    app: &App,
    caller: &Caller,
    position: &Position,
    input: InviteInput,
) -> Result<Invited> {
    let now = app.clock.now();
    let valid = parse_invite(input, now)?;
    let id = InterviewId::new();
    let token = app.config.link_key.candidate_token(id, 0);
    let interview = Interview {
        tenant_id: caller.tenant_id,
        id,
        position_id: position.id,
        candidate: valid.candidate,
        external_id: valid.external_id,
        status: InterviewStatus::Invited,
        token_hash: token.hash(),
        link_generation: 0,
        created_at: now,
        deadline: valid.deadline,
        started_at: None,
        completed_at: None,
        email: EmailDelivery::new(valid.send_email),
        progress: BTreeMap::new(),
        uploads: Vec::new(),
        version: 0,
    };
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
    let url = app.config.candidate_url(token.expose());
    let interview = if valid.send_email {
        deliver_invitation(app, position, interview, &url).await
    } else {
        interview
    };
    let company = position.employer().to_string();
    Ok(Invited {
        interview,
        url,
        company,
    })
}

/// Sends the invitation and records the outcome on the interview. A mail failure is not an
/// error of the request: the interview stays, its email status says `failed` and why, and a
/// resend can deliver it later.
pub async fn deliver_invitation(
    app: &App,
    position: &Position,
    interview: Interview,
    url: &str,
) -> Interview {
    let message = email::invitation(position.employer(), position, &interview, url);
    let outcome = app.mailer.send(&message).await;
    if let Err(e) = &outcome {
        tracing::warn!(interview = %interview.id, error = %e, "invitation email failed");
    }
    let now = app.clock.now();
    let apply = |target: &mut Interview| {
        target.email.attempts += 1;
        target.email.last_attempt_at = Some(now);
        match &outcome {
            Ok(message_id) => {
                target.email.status = EmailStatus::Sent;
                target.email.reason = None;
                target.email.message_id = Some(message_id.clone());
            }
            Err(e) => {
                target.email.status = EmailStatus::Failed;
                target.email.reason = Some(e.0.clone());
            }
        }
        target.version += 1;
    };
    let mut current = interview;
    for _ in 0..5 {
        let mut next = current.clone();
        apply(&mut next);
        match app.interviews.update_interview(&next).await {
            Ok(()) => return next,
            Err(UpdateError::Conflict) => {
                match app
                    .interviews
                    .get_interview(current.tenant_id, current.id)
                    .await
                {
                    Ok(Some(fresh)) => current = fresh,
                    _ => break,
                }
            }
            Err(UpdateError::Unavailable(why)) => {
                tracing::error!(interview = %current.id, error = %why, "could not record email outcome");
                break;
            }
        }
    }
    // The outcome could not be stored; report it anyway. The stored status stays `pending`,
    // which a resend treats like a failure.
    apply(&mut current);
    current
}

/// Looks up an interview of the caller's tenant by id.
pub async fn get_interview(app: &App, caller: &Caller, id: &str) -> Result<Interview> {
    let id = InterviewId::parse(id).ok_or(Error::InterviewNotFound)?;
    app.interviews
        .get_interview(caller.tenant_id, id)
        .await?
        .ok_or(Error::InterviewNotFound)
}

/// A page of a position's interviews, oldest first.
pub async fn list_interviews(
    app: &App,
    caller: &Caller,
    position_id: &str,
    cursor: Option<&str>,
    limit: u32,
) -> Result<(Position, Page<Interview>)> {
    let position = super::positions::get_position(app, caller, position_id).await?;
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

/// Sends the invitation again with the same link. Works whatever happened to earlier
/// attempts, so a failed or lost email is never final.
pub async fn resend(app: &App, caller: &Caller, interview_id: &str) -> Result<Invited> {
    let interview = get_interview(app, caller, interview_id).await?;
    if interview.status == InterviewStatus::Completed {
        return Err(Error::InterviewCompleted);
    }
    let position = app
        .positions
        .get_position(caller.tenant_id, interview.position_id)
        .await?
        .ok_or(Error::PositionNotFound)?;
    let token = app
        .config
        .link_key
        .candidate_token(interview.id, interview.link_generation);
    if token.hash() != interview.token_hash {
        return Err(Error::Internal(
            "the link key does not derive this interview's token".into(),
        ));
    }
    let url = app.config.candidate_url(token.expose());
    let interview = deliver_invitation(app, &position, interview, &url).await;
    let company = position.employer().to_string();
    Ok(Invited {
        interview,
        url,
        company,
    })
}

/// Issues a new link and retires the old one (a leaked or forwarded link stops working at
/// once). Progress and answers stay; the new link is emailed unless `send_email` is false.
pub async fn reinvite(
    app: &App,
    caller: &Caller,
    interview_id: &str,
    send_email: bool,
) -> Result<Invited> {
    let (interview, position, token) = super::retry_on_conflict(|| async {
        let mut interview = get_interview(app, caller, interview_id).await?;
        if interview.status == InterviewStatus::Completed {
            return Err(Error::InterviewCompleted);
        }
        let position = app
            .positions
            .get_position(caller.tenant_id, interview.position_id)
            .await?
            .ok_or(Error::PositionNotFound)?;
        let retired = interview.token_hash.clone();
        interview.link_generation += 1;
        let token = app
            .config
            .link_key
            .candidate_token(interview.id, interview.link_generation);
        interview.token_hash = token.hash();
        interview.version += 1;
        app.interviews.rotate_link(&interview, &retired).await?;
        Ok((interview, position, token))
    })
    .await?;
    let url = app.config.candidate_url(token.expose());
    let interview = if send_email {
        deliver_invitation(app, &position, interview, &url).await
    } else {
        interview
    };
    Ok(Invited {
        interview,
        url,
        company: position.employer().to_string(),
    })
}

/// The current link of an interview, derived again from the link key.
pub fn link_of(app: &App, interview: &Interview) -> Option<String> {
    let token = app
        .config
        .link_key
        .candidate_token(interview.id, interview.link_generation);
    (token.hash() == interview.token_hash).then(|| app.config.candidate_url(token.expose()))
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
