//! Work an interview's change leaves to be done off the request path: transcribing a new
//! answer, evaluating a completed interview. A transition of `Interview` queues it; the store
//! writes it in the same write as the change (an outbox), so it can neither be lost nor
//! happen for a change that was not stored.

use super::{Event, QuestionId, UploadId, WebhookId};
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case", tag = "kind")]
pub enum Followup {
    /// Transcribe the confirmed answer recording `upload_id` of `question_id`.
    #[serde(rename_all = "camelCase")]
    Transcribe {
        question_id: QuestionId,
        upload_id: UploadId,
    },
    /// Evaluate the completion of `completed_at` (a later completion is evaluated again).
    #[serde(rename_all = "camelCase")]
    Evaluate { completed_at: DateTime<Utc> },
    /// Tell the tenant's webhooks that want it about `event` (only the webhook `only`, for
    /// a test ping).
    #[serde(rename_all = "camelCase")]
    Announce {
        event: Event,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        only: Option<WebhookId>,
    },
}

impl Followup {
    /// The same followup always has the same id, so storing a change twice (a caller that
    /// saves the same interview again) queues it once.
    pub fn id(&self) -> String {
        match self {
            Self::Transcribe { upload_id, .. } => format!("transcribe-{upload_id}"),
            Self::Evaluate { completed_at } => {
                format!("evaluate-{}", completed_at.timestamp_millis())
            }
            Self::Announce { event, .. } => format!("event-{}", event.id),
        }
    }

    /// Whether it tells webhooks (run by the webhook delivery function) rather than doing
    /// work on the interview (the followups function).
    pub fn is_announcement(&self) -> bool {
        matches!(self, Self::Announce { .. })
    }
}

/// An advisory evaluation asked for when the interview was completed; it is queued once
/// every transcript of the interview is settled.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct EvaluationRequest {
    /// The completion to evaluate.
    pub completed_at: DateTime<Utc>,
    /// Whether the evaluation has been queued.
    pub queued: bool,
}
