//! Answer recordings: upload attempts and confirmed answers.

use super::{InterviewId, QuestionId, TenantId, TranscriptStatus, UploadId};
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

/// A confirmed recording: the object exists with the size and type we signed for.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Answer {
    pub upload_id: UploadId,
    pub object_key: String,
    pub content_type: String,
    pub size: u64,
    /// How long the recording is, as the candidate's browser measured it.
    #[serde(default)]
    pub duration_seconds: Option<f64>,
    pub confirmed_at: DateTime<Utc>,
    /// Where its transcript stands (answers stored before transcripts were made: `off`).
    #[serde(default)]
    pub transcript: TranscriptStatus,
}

/// A written answer, as last saved.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct WrittenAnswer {
    pub text: String,
    pub saved_at: DateTime<Utc>,
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
    /// As the candidate's browser measured it, if it said.
    #[serde(default)]
    pub duration_seconds: Option<f64>,
    pub method: UploadMethod,
    pub state: UploadState,
    pub created_at: DateTime<Utc>,
    /// After this the upload's URLs no longer work; a multipart upload can be resumed with
    /// fresh part URLs until `resumable_until`.
    pub expires_at: DateTime<Utc>,
    pub resumable_until: DateTime<Utc>,
}

/// Where uploads arrive. Storage expires what lies here after two days (the bucket's lifecycle
/// rule), so an attempt that is never completed disappears by itself.
pub const PENDING_PREFIX: &str = "pending/";

/// Where an upload attempt's bytes arrive: `pending/tenant/interview/question/attempt`. Only
/// this key is ever presigned for writing.
pub fn pending_object_key(
    tenant: TenantId,
    interview: InterviewId,
    question: QuestionId,
    attempt: UploadId,
) -> String {
    format!(
        "{PENDING_PREFIX}{}",
        object_key(tenant, interview, question, attempt)
    )
}

/// The object key of a confirmed answer: `tenant/interview/question/attempt`. The tenant
/// prefix keeps every tenant's videos under its own prefix in the bucket.
pub fn object_key(
    tenant: TenantId,
    interview: InterviewId,
    question: QuestionId,
    attempt: UploadId,
) -> String {
    format!("{tenant}/{interview}/{question}/{attempt}")
}

impl Upload {
    /// Where this attempt's video lives once it is the answer: completing copies it there
    /// from its pending key, so a presigned PUT that is still valid can never overwrite a
    /// confirmed answer. (Attempts recorded before uploads were staged already sit there.)
    pub fn answer_key(&self) -> &str {
        self.object_key
            .strip_prefix(PENDING_PREFIX)
            .unwrap_or(&self.object_key)
    }
}
