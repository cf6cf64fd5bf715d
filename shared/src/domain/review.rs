//! What reviewers add to an interview: a stage, a score, and the timeline they read.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

/// Where a candidate stands with the team. New interviews start at `to_evaluate`.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Stage {
    #[default]
    ToEvaluate,
    Shortlisted,
    Discarded,
}

impl Stage {
    pub fn parse(raw: &str) -> Option<Self> {
        match raw {
            "to_evaluate" => Some(Stage::ToEvaluate),
            "shortlisted" => Some(Stage::Shortlisted),
            "discarded" => Some(Stage::Discarded),
            _ => None,
        }
    }
}

/// A reviewer's score: 1 to 5 in steps of 0.5. Stored and shown as that number.
#[derive(Debug, Clone, Copy, PartialEq, PartialOrd, Serialize, Deserialize)]
#[serde(try_from = "f64", into = "f64")]
pub struct Score(f64);

impl Score {
    pub const MIN: f64 = 1.0;
    pub const MAX: f64 = 5.0;

    pub fn parse(value: f64) -> Option<Self> {
        let halves = value * 2.0;
        ((Self::MIN..=Self::MAX).contains(&value) && halves.fract() == 0.0).then_some(Self(value))
    }

    pub fn value(self) -> f64 {
        self.0
    }
}

impl TryFrom<f64> for Score {
    type Error = String;
    fn try_from(value: f64) -> Result<Self, Self::Error> {
        Score::parse(value).ok_or_else(|| format!("{value} is not a score from 1 to 5 in halves"))
    }
}

impl From<Score> for f64 {
    fn from(score: Score) -> f64 {
        score.0
    }
}

/// How many of a position's interviews are in each status and each stage.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", default)]
pub struct InterviewCounts {
    pub invited: u64,
    pub in_progress: u64,
    pub completed: u64,
    pub expired: u64,
    pub to_evaluate: u64,
    pub shortlisted: u64,
    pub discarded: u64,
}

/// The status and stage a position's counts hold an interview under.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct Tally {
    pub status: super::InterviewStatus,
    pub stage: Stage,
}

/// Something that happened to an interview, for the reviewers' timeline.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum TimelineKind {
    Invited,
    EmailSent,
    EmailFailed,
    LinkReissued,
    Started,
    Completed,
    /// A reviewer removed an answer for the candidate to record again (detail: the question).
    AnswerReopened,
    /// The deadline was set or moved (detail: the new deadline).
    DeadlineSet,
    Expired,
    /// The scheduled job reminded the candidate.
    ReminderSent,
    /// What the mail service reported about a sent invitation.
    EmailDelivered,
    EmailBounced,
    EmailComplained,
    /// The first time the candidate opened an invitation.
    EmailOpened,
    /// An invitation was not sent: the team no longer emails the address.
    EmailSuppressed,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct TimelineEvent {
    pub at: DateTime<Utc>,
    pub kind: TimelineKind,
    /// Why an email failed, bounced or was not sent, in words a recruiter can act on.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub detail: Option<String>,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn scores_are_halves_from_one_to_five() {
        for ok in [1.0, 1.5, 3.0, 4.5, 5.0] {
            assert_eq!(Score::parse(ok).map(Score::value), Some(ok));
        }
        for bad in [0.0, 0.5, 5.5, 2.25, -1.0, f64::NAN, f64::INFINITY] {
            assert!(Score::parse(bad).is_none(), "{bad}");
        }
        assert!(serde_json::from_str::<Score>("4.5").is_ok());
        assert!(serde_json::from_str::<Score>("4.2").is_err());
    }

    #[test]
    fn stages_parse_by_their_wire_names() {
        assert_eq!(Stage::parse("shortlisted"), Some(Stage::Shortlisted));
        assert_eq!(Stage::parse("Shortlisted"), None);
        assert_eq!(Stage::default(), Stage::ToEvaluate);
    }
}
