//! What the mail service reports about sent invitations: recorded on their interview, and a
//! hard bounce or a complaint stops all further email to the address for the team.

use super::{retry_on_conflict, App, Result};
use crate::domain::{Email, MailReport, Suppression};

/// What became of a report.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Recorded {
    /// On the interview (and, for a hard bounce or a complaint, its address suppressed).
    Recorded,
    /// Recorded before: the same notification delivered again.
    AlreadyRecorded,
    /// No such interview (deleted since): only the suppression, if any, was kept.
    NoInterview,
}

/// Records a report of the mail service. Safe to repeat: a report recorded before changes
/// nothing, so notifications delivered more than once are harmless.
pub async fn record(app: &App, report: &MailReport) -> Result<Recorded> {
    let found = app
        .interviews
        .get_interview(report.tenant_id, report.interview_id)
        .await?;
    if let Some(reason) = report.suppresses() {
        // The addresses the report names; the interview's, if it names none we can read.
        let mut addresses: Vec<String> = report
            .recipients
            .iter()
            .filter_map(|r| Email::parse(r).ok())
            .map(|e| e.normalized())
            .collect();
        if addresses.is_empty() {
            addresses.extend(found.as_ref().map(|i| i.candidate.email.normalized()));
        }
        addresses.dedup();
        for email in addresses {
            let suppression = Suppression {
                tenant_id: report.tenant_id,
                email,
                reason,
                detail: report.detail(),
                at: report.at,
                interview_id: Some(report.interview_id),
            };
            if app.suppressions.suppress(&suppression).await? {
                tracing::info!(interview = %report.interview_id, reason = ?reason, "address suppressed for the team");
            }
        }
    }
    if found.is_none() {
        return Ok(Recorded::NoInterview);
    }
    retry_on_conflict(|| async {
        let Some(mut interview) = app
            .interviews
            .get_interview(report.tenant_id, report.interview_id)
            .await?
        else {
            return Ok(Recorded::NoInterview);
        };
        if !interview.record_report(report) {
            return Ok(Recorded::AlreadyRecorded);
        }
        app.interviews.update_interview(&interview).await?;
        Ok(Recorded::Recorded)
    })
    .await
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::app::{invite, positions, resend, testing};
    use crate::domain::{
        BounceKind, EmailStatus, InterviewId, MailEvent, SuppressionReason, TimelineKind,
    };
    use serde_json::json;

    /// A position and one invited candidate, emailed through the test outbox.
    async fn invited(app: &App, caller: &crate::app::Caller, email: &str) -> crate::app::Invited {
        let position: positions::NewPosition = serde_json::from_value(
            json!({ "name": "Engineer", "questions": [{ "text": "Why?" }] }),
        )
        .unwrap();
        let position = positions::create_position(app, caller, position)
            .await
            .unwrap();
        let input: invite::InviteInput = serde_json::from_value(json!({
            "candidate": { "email": email, "firstName": "Ana", "lastName": "Silva" },
        }))
        .unwrap();
        invite::invite(
            app,
            app.links().unwrap(),
            caller,
            &position.id.to_string(),
            input,
        )
        .await
        .unwrap()
    }

    fn outbox(dir: &std::path::Path) -> usize {
        std::fs::read_dir(dir.join("outbox"))
            .map(|d| d.count())
            .unwrap_or(0)
    }

    #[tokio::test]
    async fn a_hard_bounce_is_recorded_once_and_stops_email_to_the_address_for_the_team() {
        let dir = tempfile::tempdir().unwrap();
        let (app, _clock) = testing::app(dir.path());
        let caller = testing::caller();
        let first = invited(&app, &caller, "Ana@Example.com").await;
        assert_eq!(first.interview.email.status, EmailStatus::Sent);
        assert_eq!(outbox(dir.path()), 1);
        let bounce = MailReport {
            tenant_id: caller.tenant_id,
            interview_id: first.interview.id,
            message_id: first.interview.email.message_id.clone().unwrap(),
            recipients: vec!["ana@example.com".into()],
            at: app.clock.now(),
            event: MailEvent::Bounced {
                kind: BounceKind::Hard,
                reason: "The address does not exist.".into(),
            },
        };
        assert_eq!(record(&app, &bounce).await, Ok(Recorded::Recorded));
        assert_eq!(record(&app, &bounce).await, Ok(Recorded::AlreadyRecorded));
        let stored = app
            .interviews
            .get_interview(caller.tenant_id, first.interview.id)
            .await
            .unwrap()
            .unwrap();
        assert_eq!(stored.email.status, EmailStatus::Bounced);
        let bounced = stored
            .timeline
            .iter()
            .filter(|e| e.kind == TimelineKind::EmailBounced)
            .count();
        assert_eq!(bounced, 1, "recorded once: {:?}", stored.timeline);
        let suppression = app
            .suppressions
            .suppression(caller.tenant_id, "ana@example.com")
            .await
            .unwrap()
            .expect("suppressed");
        assert_eq!(suppression.reason, SuppressionReason::HardBounce);

        // A resend is answered, not emailed, and says why.
        let resent = resend::resend(
            &app,
            app.links().unwrap(),
            &caller,
            &first.interview.id.to_string(),
        )
        .await
        .unwrap();
        assert_eq!(resent.interview.email.status, EmailStatus::Suppressed);
        assert!(resent
            .interview
            .email
            .reason
            .as_deref()
            .is_some_and(|r| r.contains("bounced")));
        assert_eq!(outbox(dir.path()), 1, "no second email");

        // The same address in another position of the team: not emailed either.
        let second = invited(&app, &caller, "ana@example.com").await;
        assert_eq!(second.interview.email.status, EmailStatus::Suppressed);
        assert_eq!(outbox(dir.path()), 1);
        // Another team may still email it.
        let other = testing::caller();
        let theirs = invited(&app, &other, "ana@example.com").await;
        assert_eq!(theirs.interview.email.status, EmailStatus::Sent);
        assert_eq!(outbox(dir.path()), 2);
    }

    #[tokio::test]
    async fn a_report_about_a_deleted_interview_still_suppresses_a_complaint() {
        let dir = tempfile::tempdir().unwrap();
        let (app, _clock) = testing::app(dir.path());
        let caller = testing::caller();
        let complaint = MailReport {
            tenant_id: caller.tenant_id,
            interview_id: InterviewId::new(),
            message_id: "m-1".into(),
            recipients: vec!["ana@example.com".into()],
            at: app.clock.now(),
            event: MailEvent::Complained,
        };
        assert_eq!(record(&app, &complaint).await, Ok(Recorded::NoInterview));
        let suppression = app
            .suppressions
            .suppression(caller.tenant_id, "ana@example.com")
            .await
            .unwrap()
            .expect("suppressed");
        assert_eq!(suppression.reason, SuppressionReason::Complaint);
        // A delivery or an open of an unknown interview is simply dropped.
        let delivered = MailReport {
            event: MailEvent::Delivered,
            recipients: vec!["bea@example.com".into()],
            ..complaint
        };
        assert_eq!(record(&app, &delivered).await, Ok(Recorded::NoInterview));
        assert!(app
            .suppressions
            .suppression(caller.tenant_id, "bea@example.com")
            .await
            .unwrap()
            .is_none());
    }
}
