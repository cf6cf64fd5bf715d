//! What happens to an invitation after the mail service accepted it: delivered, bounced,
//! reported as spam, opened. And the addresses a team no longer emails: one that bounced hard
//! or whose owner complained is never emailed again by that team.
//!
//! The transitions are methods of [`Interview`], kept here beside the types they take.

use super::{EmailStatus, Interview, InterviewId, TenantId, TimelineEvent, TimelineKind};
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

/// How a bounce ends: a hard bounce will never be delivered (the address does not exist or
/// refuses mail for good); a soft one might be, later.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum BounceKind {
    Hard,
    Soft,
}

/// What the mail service reports about one message.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum MailEvent {
    /// The recipient's mail server accepted the message.
    Delivered,
    /// The message could not be delivered; `reason` says why in words a recruiter can act on.
    Bounced { kind: BounceKind, reason: String },
    /// The recipient reported the message as spam.
    Complained,
    /// The recipient opened the message (its HTML part loaded the tracking image).
    Opened,
}

impl MailEvent {
    fn name(&self) -> &'static str {
        match self {
            MailEvent::Delivered => "delivered",
            MailEvent::Bounced { .. } => "bounced",
            MailEvent::Complained => "complained",
            MailEvent::Opened => "opened",
        }
    }
}

/// A report of the mail service about one message sent for an interview.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MailReport {
    pub tenant_id: TenantId,
    pub interview_id: InterviewId,
    /// The mail service's id of the message (what sending it returned).
    pub message_id: String,
    /// The addresses the report is about, as the mail service wrote them.
    pub recipients: Vec<String>,
    /// When it happened, by the mail service's clock.
    pub at: DateTime<Utc>,
    pub event: MailEvent,
}

impl MailReport {
    /// Why the report stops all further email to its addresses: a hard bounce or a complaint.
    pub fn suppresses(&self) -> Option<SuppressionReason> {
        match &self.event {
            MailEvent::Bounced {
                kind: BounceKind::Hard,
                ..
            } => Some(SuppressionReason::HardBounce),
            MailEvent::Complained => Some(SuppressionReason::Complaint),
            _ => None,
        }
    }

    /// In words, for the suppression record.
    pub fn detail(&self) -> String {
        match &self.event {
            MailEvent::Bounced { reason, .. } => reason.clone(),
            MailEvent::Complained => COMPLAINED.to_string(),
            MailEvent::Delivered | MailEvent::Opened => String::new(),
        }
    }
}

const COMPLAINED: &str = "The candidate reported the invitation as spam.";

/// Reports already recorded that an interview remembers, so a notification delivered again
/// changes nothing.
pub const REMEMBERED_REPORTS: usize = 32;

/// What the mail service reported about the latest invitation sent, and the first time the
/// candidate opened any invitation.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", default)]
pub struct EmailTracking {
    pub delivered_at: Option<DateTime<Utc>>,
    pub bounced_at: Option<DateTime<Utc>>,
    pub bounce: Option<BounceKind>,
    pub complained_at: Option<DateTime<Utc>>,
    /// The first open of any invitation of this interview.
    pub opened_at: Option<DateTime<Utc>>,
    /// The reports recorded, as `<message id>/<event>`, the newest last (at most
    /// [`REMEMBERED_REPORTS`]).
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub recorded: Vec<String>,
}

impl EmailTracking {
    /// Another message was handed to the mail service: what was reported about the previous
    /// one no longer describes the invitation (the first open stays).
    pub fn new_message(&mut self) {
        self.delivered_at = None;
        self.bounced_at = None;
        self.bounce = None;
        self.complained_at = None;
    }

    fn remember(&mut self, key: String) {
        self.recorded.push(key);
        let excess = self.recorded.len().saturating_sub(REMEMBERED_REPORTS);
        self.recorded.drain(..excess);
    }
}

/// Why a team no longer emails an address.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum SuppressionReason {
    HardBounce,
    Complaint,
}

/// An address a team does not email any more, and why.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Suppression {
    pub tenant_id: TenantId,
    /// The address as [`super::Email::normalized`] gives it.
    pub email: String,
    pub reason: SuppressionReason,
    /// What the mail service said, in words a recruiter can act on.
    pub detail: String,
    pub at: DateTime<Utc>,
    /// The interview whose email bounced or was complained about.
    pub interview_id: Option<InterviewId>,
}

impl Suppression {
    /// Why an email to this address is not sent, for the recruiter.
    pub fn explanation(&self) -> String {
        let when = self.at.format("%Y-%m-%d");
        let what = match self.reason {
            SuppressionReason::HardBounce => {
                format!("an earlier email to this address bounced on {when}")
            }
            SuppressionReason::Complaint => {
                format!("the candidate reported an earlier email as spam on {when}")
            }
        };
        let detail = self.detail.trim();
        if detail.is_empty() || self.reason == SuppressionReason::Complaint {
            format!("Not sent: {what}.")
        } else {
            format!("Not sent: {what} ({detail}).")
        }
    }
}

/// The order of what a report can say about the current message: a later report never
/// takes back a worse one (a delivery notified after the bounce of the same message).
fn rank(status: EmailStatus) -> Option<u8> {
    match status {
        EmailStatus::Sent => Some(0),
        EmailStatus::Delivered => Some(1),
        EmailStatus::Bounced => Some(2),
        EmailStatus::Complained => Some(3),
        // Not about a message the mail service has: the report changes no status.
        EmailStatus::NotRequested
        | EmailStatus::Pending
        | EmailStatus::Failed
        | EmailStatus::Suppressed => None,
    }
}

impl Interview {
    /// Adds an event to the timeline in time order (reports arrive late and out of order).
    fn record_at(&mut self, at: DateTime<Utc>, kind: TimelineKind, detail: Option<String>) {
        self.tell(kind, at);
        let position = self.timeline.partition_point(|e| e.at <= at);
        self.timeline
            .insert(position, TimelineEvent { at, kind, detail });
    }

    /// Records what the mail service reported about one of this interview's messages: on the
    /// timeline, and on the email's status when it is about the latest message sent. Only the
    /// first open is recorded. Returns whether anything changed: a report recorded before (the
    /// same notification delivered again) changes nothing.
    pub fn record_report(&mut self, report: &MailReport) -> bool {
        let key = format!("{}/{}", report.message_id, report.event.name());
        if self.email.tracking.recorded.contains(&key) {
            return false;
        }
        let at = report.at;
        let latest = self.email.message_id.as_deref() == Some(report.message_id.as_str());
        let set_status = |email: &mut super::EmailDelivery, status: EmailStatus| {
            let outranks = match (rank(email.status), rank(status)) {
                (Some(now), Some(new)) => new >= now,
                _ => false,
            };
            if latest && outranks {
                email.status = status;
                true
            } else {
                false
            }
        };
        match &report.event {
            MailEvent::Delivered => {
                if latest {
                    self.email.tracking.delivered_at.get_or_insert(at);
                }
                set_status(&mut self.email, EmailStatus::Delivered);
                self.record_at(at, TimelineKind::EmailDelivered, None);
            }
            MailEvent::Bounced { kind, reason } => {
                if latest {
                    self.email.tracking.bounced_at = Some(at);
                    self.email.tracking.bounce = Some(*kind);
                }
                if set_status(&mut self.email, EmailStatus::Bounced) {
                    self.email.reason = Some(reason.clone());
                }
                self.record_at(at, TimelineKind::EmailBounced, Some(reason.clone()));
            }
            MailEvent::Complained => {
                if latest {
                    self.email.tracking.complained_at = Some(at);
                }
                if set_status(&mut self.email, EmailStatus::Complained) {
                    self.email.reason = Some(COMPLAINED.to_string());
                }
                self.record_at(at, TimelineKind::EmailComplained, None);
            }
            MailEvent::Opened => {
                if self.email.tracking.opened_at.is_some() {
                    // Opened before: nothing new to say.
                    return false;
                }
                self.email.tracking.opened_at = Some(at);
                self.record_at(at, TimelineKind::EmailOpened, None);
            }
        }
        self.email.tracking.remember(key);
        true
    }

    /// The invitation was not sent because the team no longer emails the address. Not an
    /// attempt of the mail service, but the time is kept as the last attempt's, so a public
    /// form cannot ask again and again.
    pub fn record_suppressed(&mut self, suppression: &Suppression, now: DateTime<Utc>) {
        let explanation = suppression.explanation();
        let again = self.email.status == EmailStatus::Suppressed
            && self.email.reason.as_deref() == Some(explanation.as_str());
        self.email.status = EmailStatus::Suppressed;
        self.email.reason = Some(explanation.clone());
        self.email.last_attempt_at = Some(now);
        if !again {
            self.record_at(now, TimelineKind::EmailSuppressed, Some(explanation));
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::Email;
    use chrono::Duration;

    fn interview(now: DateTime<Utc>) -> Interview {
        let mut invited = crate::domain::interview::testing::invited_at(now, None, None);
        invited.candidate.email = Email::parse("Ana@Example.com").unwrap();
        invited
    }

    fn report(i: &Interview, message: &str, at: DateTime<Utc>, event: MailEvent) -> MailReport {
        MailReport {
            tenant_id: i.tenant_id,
            interview_id: i.id,
            message_id: message.into(),
            recipients: vec!["ana@example.com".into()],
            at,
            event,
        }
    }

    fn hard(reason: &str) -> MailEvent {
        MailEvent::Bounced {
            kind: BounceKind::Hard,
            reason: reason.into(),
        }
    }

    fn kinds(i: &Interview) -> Vec<TimelineKind> {
        i.timeline.iter().map(|e| e.kind).collect()
    }

    #[test]
    fn delivery_then_open_then_the_same_reports_again_change_nothing() {
        let now = Utc::now();
        let mut i = interview(now);
        i.record_email(Ok("m-1"), now);
        let delivered = report(&i, "m-1", now + Duration::seconds(3), MailEvent::Delivered);
        assert!(i.record_report(&delivered));
        assert_eq!(i.email.status, EmailStatus::Delivered);
        assert_eq!(i.email.tracking.delivered_at, Some(delivered.at));
        let opened = report(&i, "m-1", now + Duration::minutes(5), MailEvent::Opened);
        assert!(i.record_report(&opened));
        assert_eq!(i.email.tracking.opened_at, Some(opened.at));
        assert_eq!(
            i.email.status,
            EmailStatus::Delivered,
            "an open is no status"
        );

        let before = i.clone();
        assert!(!i.record_report(&delivered), "delivered twice");
        assert!(!i.record_report(&opened), "opened twice");
        let later = report(&i, "m-1", now + Duration::hours(1), MailEvent::Opened);
        assert!(!i.record_report(&later), "only the first open counts");
        assert_eq!(i, before);
        assert_eq!(
            kinds(&i),
            [
                TimelineKind::Invited,
                TimelineKind::EmailSent,
                TimelineKind::EmailDelivered,
                TimelineKind::EmailOpened,
            ]
        );
    }

    #[test]
    fn a_hard_bounce_outranks_a_late_delivery_and_suppresses() {
        let now = Utc::now();
        let mut i = interview(now);
        i.record_email(Ok("m-1"), now);
        let bounce = report(
            &i,
            "m-1",
            now + Duration::seconds(2),
            hard("No such mailbox"),
        );
        assert_eq!(bounce.suppresses(), Some(SuppressionReason::HardBounce));
        assert!(i.record_report(&bounce));
        assert_eq!(i.email.status, EmailStatus::Bounced);
        assert_eq!(i.email.reason.as_deref(), Some("No such mailbox"));
        assert_eq!(i.email.tracking.bounce, Some(BounceKind::Hard));
        // Notified later, though it happened earlier: recorded, in time order, no status.
        let delivered = report(&i, "m-1", now + Duration::seconds(1), MailEvent::Delivered);
        assert!(i.record_report(&delivered));
        assert_eq!(i.email.status, EmailStatus::Bounced);
        assert_eq!(
            kinds(&i)[2..],
            [TimelineKind::EmailDelivered, TimelineKind::EmailBounced]
        );
        assert_eq!(i.timeline[3].detail.as_deref(), Some("No such mailbox"));
    }

    #[test]
    fn a_soft_bounce_does_not_suppress_and_a_resend_starts_afresh() {
        let now = Utc::now();
        let mut i = interview(now);
        i.record_email(Ok("m-1"), now);
        let soft = report(
            &i,
            "m-1",
            now,
            MailEvent::Bounced {
                kind: BounceKind::Soft,
                reason: "Mailbox full".into(),
            },
        );
        assert_eq!(soft.suppresses(), None);
        assert!(i.record_report(&soft));
        assert_eq!(i.email.status, EmailStatus::Bounced);
        assert_eq!(i.email.tracking.bounce, Some(BounceKind::Soft));

        i.record_email(Ok("m-2"), now + Duration::hours(1));
        assert_eq!(i.email.status, EmailStatus::Sent);
        assert_eq!(i.email.tracking.bounced_at, None);
        assert_eq!(i.email.tracking.bounce, None);
        // A report about the earlier message goes on the timeline only.
        let complaint = report(&i, "m-1", now + Duration::hours(2), MailEvent::Complained);
        assert_eq!(complaint.suppresses(), Some(SuppressionReason::Complaint));
        assert!(i.record_report(&complaint));
        assert_eq!(i.email.status, EmailStatus::Sent);
        assert_eq!(i.email.tracking.complained_at, None);
        assert_eq!(
            i.timeline.last().map(|e| e.kind),
            Some(TimelineKind::EmailComplained)
        );
        let complaint = report(&i, "m-2", now + Duration::hours(3), MailEvent::Complained);
        assert!(i.record_report(&complaint));
        assert_eq!(i.email.status, EmailStatus::Complained);
        assert_eq!(i.email.tracking.complained_at, Some(complaint.at));
    }

    #[test]
    fn a_suppressed_invitation_says_why_once() {
        let now = Utc::now();
        let mut i = interview(now);
        let suppression = Suppression {
            tenant_id: i.tenant_id,
            email: i.candidate.email.normalized(),
            reason: SuppressionReason::HardBounce,
            detail: "The address does not exist".into(),
            at: now - Duration::days(1),
            interview_id: None,
        };
        i.record_suppressed(&suppression, now);
        i.record_suppressed(&suppression, now + Duration::minutes(1));
        assert_eq!(i.email.status, EmailStatus::Suppressed);
        assert_eq!(
            i.email.attempts, 0,
            "nothing was handed to the mail service"
        );
        let reason = i.email.reason.clone().unwrap();
        assert!(reason.starts_with("Not sent: an earlier email"), "{reason}");
        assert!(reason.contains("The address does not exist"), "{reason}");
        assert_eq!(
            kinds(&i),
            [TimelineKind::Invited, TimelineKind::EmailSuppressed]
        );
        // A report about a message is no news about a suppressed invitation's status.
        let late = report(&i, "m-0", now, MailEvent::Delivered);
        i.record_report(&late);
        assert_eq!(i.email.status, EmailStatus::Suppressed);
    }

    #[test]
    fn only_the_latest_reports_are_remembered() {
        let now = Utc::now();
        let mut i = interview(now);
        for n in 0..REMEMBERED_REPORTS + 5 {
            let r = report(&i, &format!("m-{n}"), now, MailEvent::Delivered);
            assert!(i.record_report(&r));
        }
        assert_eq!(i.email.tracking.recorded.len(), REMEMBERED_REPORTS);
        assert_eq!(
            i.email.tracking.recorded.last().map(String::as_str),
            Some(format!("m-{}/delivered", REMEMBERED_REPORTS + 4).as_str())
        );
    }

    #[test]
    fn tracking_is_optional_in_stored_interviews() {
        let now = Utc::now();
        let i = interview(now);
        let mut stored = serde_json::to_value(&i).unwrap();
        stored["email"].as_object_mut().unwrap().remove("tracking");
        let read: Interview = serde_json::from_value(stored).unwrap();
        assert_eq!(read.email.tracking, EmailTracking::default());
    }
}
