//! Sending an email to the candidate and recording the outcome on the interview.

use super::{email, suppression, App, Result};
use crate::domain::{Interview, Position};
use crate::ports::{MailError, OutgoingEmail, UpdateError};

/// A stored interview and its link, as the recruiter receives it.
#[derive(Debug, Clone)]
pub struct Invited {
    pub interview: Interview,
    pub url: String,
    /// The employer name candidates see (the position's company, else the tenant's name).
    pub company: String,
}

/// Sends the invitation and records the outcome on the interview.
pub(crate) async fn deliver_invitation(
    app: &App,
    position: &Position,
    interview: Interview,
    url: &str,
) -> Result<Interview> {
    let message = email::invitation(position.employer(), position, &interview, url);
    deliver(app, interview, message).await
}

/// Sends `message` to the interview's candidate and records the outcome on the interview. A
/// mail failure is not an error of the request: the interview stays, its email status says
/// `failed` and why, and a resend can deliver it later. An address the team no longer emails
/// (it bounced hard, or its owner complained) is not emailed: the status says `suppressed`
/// and why. Every email to a candidate goes through here.
pub(crate) async fn deliver(
    app: &App,
    interview: Interview,
    message: OutgoingEmail,
) -> Result<Interview> {
    let suppressed =
        suppression::suppression_of(app, interview.tenant_id, &interview.candidate.email).await;
    let outcome = match suppressed {
        Ok(None) => app.mailer()?.send(&message).await,
        Ok(Some(suppression)) => {
            tracing::info!(interview = %interview.id, reason = ?suppression.reason, "email not sent: the address is suppressed");
            let now = app.clock.now();
            return store_outcome(app, interview, |target| {
                target.record_suppressed(&suppression, now)
            })
            .await;
        }
        Err(e) => {
            tracing::error!(interview = %interview.id, error = %e, "could not check the address before sending");
            Err(MailError(
                "could not check whether this address may be emailed; resend later".into(),
            ))
        }
    };
    if let Err(e) = &outcome {
        tracing::warn!(interview = %interview.id, error = %e, "email to the candidate failed");
    }
    let now = app.clock.now();
    store_outcome(app, interview, |target| {
        let outcome = outcome
            .as_ref()
            .map(String::as_str)
            .map_err(|e| e.0.as_str());
        target.record_email(outcome, now);
    })
    .await
}

/// Records what became of the invitation on the interview, retrying on conflict. If it cannot
/// be stored, it is reported anyway: the stored status stays `pending`, which a resend treats
/// like a failure.
async fn store_outcome(
    app: &App,
    interview: Interview,
    record: impl Fn(&mut Interview),
) -> Result<Interview> {
    let mut current = interview;
    for _ in 0..5 {
        let mut next = current.clone();
        record(&mut next);
        match app.interviews.update_interview(&next).await {
            Ok(stored) => return Ok(stored),
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
    record(&mut current);
    Ok(current)
}

/// What the recruiter gets back for an interview and its link: the invitation is emailed
/// first when `send` (the outcome is on the interview either way).
pub(crate) async fn invited(
    app: &App,
    position: &Position,
    interview: Interview,
    url: String,
    send: bool,
) -> Result<Invited> {
    let interview = if send {
        deliver_invitation(app, position, interview, &url).await?
    } else {
        interview
    };
    Ok(Invited {
        interview,
        url,
        company: position.employer().to_string(),
    })
}
