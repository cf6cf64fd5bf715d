//! Reminders: a position's policy, and when each reminder of an interview falls due. The
//! scheduled job claims a due reminder (a version-checked write) before sending it, so
//! overlapping or retried runs never send one twice; a claim that is never settled (the job
//! died between claim and send) lapses and a later run sends it: at least once, deduplicated.

use super::{Interview, InterviewStatus, TimelineKind};
use chrono::{DateTime, Duration, Utc};
use serde::{Deserialize, Serialize};

/// Reminders per list, and the longest offset (30 days).
pub const MAX_REMINDERS: usize = 5;
pub const MAX_REMINDER_HOURS: u32 = 720;

/// When a position's candidates are reminded. Empty lists: no reminders.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ReminderPolicy {
    /// Hours after the invitation, while the candidate has not started.
    pub after_invite_hours: Vec<u32>,
    /// Hours before the deadline, while the interview is not completed.
    pub before_deadline_hours: Vec<u32>,
}

impl Default for ReminderPolicy {
    /// One reminder 48 hours after the invitation if not started, one 24 hours before the
    /// deadline if not completed.
    fn default() -> Self {
        Self {
            after_invite_hours: vec![48],
            before_deadline_hours: vec![24],
        }
    }
}

/// One reminder of a policy.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", tag = "kind", content = "hours")]
pub enum Reminder {
    AfterInvite(u32),
    BeforeDeadline(u32),
}

/// A reminder taken by a run of the job, until `until`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ReminderClaim {
    pub reminder: Reminder,
    pub until: DateTime<Utc>,
}

/// A reminder that was sent (or failed: it is not tried again either way).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct SentReminder {
    pub reminder: Reminder,
    pub at: DateTime<Utc>,
    /// The deadline a before-deadline reminder was for: a moved deadline gets its own.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub deadline: Option<DateTime<Utc>>,
}

/// No reminder falls due within this long after the invitation: a deadline set close to it
/// is announced by the invitation itself.
const QUIET_AFTER_INVITE_HOURS: i64 = 1;

impl Interview {
    fn reminder_sent(&self, reminder: Reminder) -> bool {
        self.reminders_sent.iter().any(|sent| {
            sent.reminder == reminder
                && match reminder {
                    Reminder::AfterInvite(_) => true,
                    Reminder::BeforeDeadline(_) => sent.deadline == self.deadline,
                }
        })
    }

    /// The reminders that still apply, each with when it falls due.
    pub fn pending_reminders(&self) -> Vec<(Reminder, DateTime<Utc>)> {
        let Some(policy) = &self.reminder_policy else {
            return Vec::new();
        };
        if matches!(
            self.status,
            InterviewStatus::Completed | InterviewStatus::Expired
        ) {
            return Vec::new();
        }
        let quiet_until = self.created_at + Duration::hours(QUIET_AFTER_INVITE_HOURS);
        let mut pending = Vec::new();
        if self.status == InterviewStatus::Invited {
            for hours in &policy.after_invite_hours {
                let due = self.created_at + Duration::hours((*hours).into());
                pending.push((Reminder::AfterInvite(*hours), due));
            }
        }
        if let Some(deadline) = self.deadline {
            for hours in &policy.before_deadline_hours {
                let due = deadline - Duration::hours((*hours).into());
                pending.push((Reminder::BeforeDeadline(*hours), due));
            }
        }
        pending.retain(|(reminder, due)| {
            *due >= quiet_until
                && self.deadline.is_none_or(|d| *due < d)
                && !self.reminder_sent(*reminder)
        });
        pending
    }

    /// When something is next due for this interview: a reminder (or the end of a claim on
    /// it), or its deadline (to store it as expired). The store keeps interviews in the due
    /// index under this time; `None` keeps them out of it.
    pub fn next_due(&self) -> Option<DateTime<Utc>> {
        let claim = self.reminder_claim.as_ref();
        let reminders = self
            .pending_reminders()
            .into_iter()
            .map(|(reminder, due)| match claim {
                Some(c) if c.reminder == reminder => due.max(c.until),
                _ => due,
            });
        let expiry = match self.status {
            InterviewStatus::Completed | InterviewStatus::Expired => None,
            _ => self.deadline,
        };
        reminders.chain(expiry).min()
    }

    /// Takes the earliest reminder due at `now` that no live claim holds, for `lease`.
    pub fn claim_reminder(&mut self, now: DateTime<Utc>, lease: Duration) -> Option<Reminder> {
        let claim = self.reminder_claim.as_ref();
        let (reminder, _) = self
            .pending_reminders()
            .into_iter()
            .filter(|(_, due)| *due <= now)
            .filter(|(r, _)| !claim.is_some_and(|c| c.reminder == *r && c.until > now))
            .min_by_key(|(_, due)| *due)?;
        self.reminder_claim = Some(ReminderClaim {
            reminder,
            until: now + lease,
        });
        Some(reminder)
    }

    /// Settles a claimed reminder with the mail service's answer: the message id, or why it
    /// failed. Either way it is not sent again.
    pub fn record_reminder(
        &mut self,
        reminder: Reminder,
        outcome: Result<&str, &str>,
        now: DateTime<Utc>,
    ) {
        if self
            .reminder_claim
            .as_ref()
            .is_some_and(|c| c.reminder == reminder)
        {
            self.reminder_claim = None;
        }
        self.reminders_sent.push(SentReminder {
            reminder,
            at: now,
            deadline: self.deadline,
        });
        match outcome {
            Ok(_) => self.record(now, TimelineKind::ReminderSent, None),
            Err(why) => self.record(
                now,
                TimelineKind::EmailFailed,
                Some(format!("reminder: {why}")),
            ),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::interview::testing::invited_at;

    #[test]
    fn the_default_policy_reminds_once_after_the_invite_and_once_before_the_deadline() {
        let t0 = Utc::now();
        let deadline = t0 + Duration::days(7);
        let mut i = invited_at(t0, Some(deadline), Some(ReminderPolicy::default()));
        assert_eq!(i.next_due(), Some(t0 + Duration::hours(48)));
        let lease = Duration::minutes(15);
        assert_eq!(
            i.claim_reminder(t0 + Duration::hours(47), lease),
            None,
            "not yet"
        );
        let at = t0 + Duration::hours(48);
        assert_eq!(i.claim_reminder(at, lease), Some(Reminder::AfterInvite(48)));
        assert_eq!(i.claim_reminder(at, lease), None, "claimed");
        assert_eq!(
            i.next_due(),
            Some(at + lease),
            "a lapsed claim is due again"
        );
        i.record_reminder(Reminder::AfterInvite(48), Ok("m-1"), at);
        assert_eq!(i.next_due(), Some(deadline - Duration::hours(24)));
        // Extending the deadline brings a reminder for the new one.
        let before = deadline - Duration::hours(24);
        assert_eq!(
            i.claim_reminder(before, lease),
            Some(Reminder::BeforeDeadline(24))
        );
        i.record_reminder(Reminder::BeforeDeadline(24), Ok("m-2"), before);
        assert_eq!(i.next_due(), Some(deadline), "then only the expiry");
        let later = deadline + Duration::days(2);
        i.set_deadline(later, before).unwrap();
        assert_eq!(i.next_due(), Some(later - Duration::hours(24)));
    }

    #[test]
    fn nothing_is_due_once_completed_expired_or_off() {
        let t0 = Utc::now();
        let mut started = invited_at(t0, None, Some(ReminderPolicy::default()));
        started.status = InterviewStatus::InProgress;
        assert_eq!(
            started.next_due(),
            None,
            "after-invite reminders stop once started"
        );
        let off = ReminderPolicy {
            after_invite_hours: vec![],
            before_deadline_hours: vec![],
        };
        let deadline = t0 + Duration::days(3);
        let quiet = invited_at(t0, Some(deadline), Some(off));
        assert_eq!(quiet.next_due(), Some(deadline), "only the expiry");
        let mut done = invited_at(t0, Some(deadline), Some(ReminderPolicy::default()));
        done.status = InterviewStatus::Completed;
        assert_eq!(done.next_due(), None);
        let mut expired = invited_at(t0, Some(deadline), Some(ReminderPolicy::default()));
        assert!(expired.mark_expired(deadline));
        assert_eq!(expired.next_due(), None);
        // A deadline too close to the invitation gets no before-deadline reminder.
        let soon = invited_at(
            t0,
            Some(t0 + Duration::hours(12)),
            Some(ReminderPolicy::default()),
        );
        assert_eq!(soon.next_due(), Some(t0 + Duration::hours(12)));
    }
}
