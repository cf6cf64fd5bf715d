use super::{Email, InterviewId, Line, PositionId, QuestionId, SecretHash, TenantId, UploadId};
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Candidate {
    pub email: Email,
    pub first_name: Line,
    pub last_name: Line,
    pub phone: Option<Line>,
}

/// invited → in_progress (first open of the link) → completed (submit). No way back.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum InterviewStatus {
    Invited,
    InProgress,
    Completed,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum EmailStatus {
    /// The recruiter asked us not to send (`sendEmail: false`); they share the link themselves.
    NotRequested,
    /// Stored, not yet handed to the mail service. A crash here leaves it visibly pending.
    Pending,
    Sent,
    Failed,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct EmailDelivery {
    pub status: EmailStatus,
    /// Why the last attempt failed, in words a recruiter can act on.
    pub reason: Option<String>,
    pub message_id: Option<String>,
    pub attempts: u32,
    pub last_attempt_at: Option<DateTime<Utc>>,
}

impl EmailDelivery {
    pub fn new(send: bool) -> Self {
        Self {
            status: if send {
                EmailStatus::Pending
            } else {
                EmailStatus::NotRequested
            },
            reason: None,
            message_id: None,
            attempts: 0,
            last_attempt_at: None,
        }
    }
}

/// A confirmed recording: the object exists with the size and type we signed for.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Answer {
    pub upload_id: UploadId,
    pub object_key: String,
    pub content_type: String,
    pub size: u64,
    pub confirmed_at: DateTime<Utc>,
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct QuestionProgress {
    /// Confirmed recordings so far; retakes used is this minus one.
    pub confirmed_attempts: u32,
    pub answer: Option<Answer>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", tag = "method")]
pub enum UploadMethod {
    /// One presigned PUT.
    Put,
    /// S3 multipart: the browser PUTs parts to presigned part URLs and can resume.
    Multipart {
        /// The storage service's id of the multipart upload.
        storage_upload_id: String,
        part_size: u64,
        part_count: u32,
    },
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum UploadState {
    Pending,
    Completed,
    Aborted,
}

/// One attempt at uploading a question's answer. Every attempt has its own object key, so a
/// retry or a retake never overwrites a recording that is already confirmed.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Upload {
    pub id: UploadId,
    pub question_id: QuestionId,
    pub object_key: String,
    pub content_type: String,
    pub size: u64,
    pub method: UploadMethod,
    pub state: UploadState,
    pub created_at: DateTime<Utc>,
    /// After this the upload's URLs no longer work; a multipart upload can be resumed with
    /// fresh part URLs until `resumable_until`.
    pub expires_at: DateTime<Utc>,
    pub resumable_until: DateTime<Utc>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Interview {
    pub tenant_id: TenantId,
    pub id: InterviewId,
    pub position_id: PositionId,
    pub candidate: Candidate,
    pub external_id: Option<String>,
    pub status: InterviewStatus,
    /// SHA-256 of the candidate's link token; the token itself is never stored.
    pub token_hash: SecretHash,
    /// Which link token is current (see `LinkKey`); a re-invite increments it.
    pub link_generation: u32,
    pub created_at: DateTime<Utc>,
    pub deadline: Option<DateTime<Utc>>,
    pub started_at: Option<DateTime<Utc>>,
    pub completed_at: Option<DateTime<Utc>>,
    pub email: EmailDelivery,
    #[serde(default)]
    pub progress: BTreeMap<QuestionId, QuestionProgress>,
    #[serde(default)]
    pub uploads: Vec<Upload>,
    /// Optimistic-concurrency counter: every stored change increments it and is written only
    /// if nobody else wrote in between.
    pub version: u64,
}

impl Interview {
    pub fn is_expired(&self, now: DateTime<Utc>) -> bool {
        self.status != InterviewStatus::Completed && self.deadline.is_some_and(|d| now >= d)
    }

    /// The first open of the link starts the interview; later opens change nothing.
    /// Returns whether anything changed.
    pub fn open(&mut self, now: DateTime<Utc>) -> bool {
        if self.status == InterviewStatus::Invited {
            self.status = InterviewStatus::InProgress;
            self.started_at = Some(now);
            true
        } else {
            false
        }
    }

    pub fn progress_of(&self, question: QuestionId) -> QuestionProgress {
        self.progress.get(&question).cloned().unwrap_or_default()
    }

    pub fn upload(&self, id: UploadId) -> Option<&Upload> {
        self.uploads.iter().find(|u| u.id == id)
    }

    /// Questions (of `all`) that have no confirmed answer yet, in order.
    pub fn missing_answers(&self, all: &[QuestionId]) -> Vec<QuestionId> {
        all.iter()
            .copied()
            .filter(|q| {
                self.progress
                    .get(q)
                    .and_then(|p| p.answer.as_ref())
                    .is_none()
            })
            .collect()
    }

    /// Drops upload records nobody can use any more (expired and never completed), so the
    /// item stays small however often a flaky connection retries.
    pub fn prune_uploads(&mut self, now: DateTime<Utc>) {
        self.uploads.retain(|u| match u.state {
            UploadState::Pending => u.resumable_until > now,
            UploadState::Completed => true,
            UploadState::Aborted => false,
        });
    }
}

/// The object key of an upload attempt: `tenant/interview/question/attempt`. The tenant prefix
/// keeps every tenant's videos under its own prefix in the bucket.
pub fn object_key(
    tenant: TenantId,
    interview: InterviewId,
    question: QuestionId,
    attempt: UploadId,
) -> String {
    format!("{tenant}/{interview}/{question}/{attempt}")
}
