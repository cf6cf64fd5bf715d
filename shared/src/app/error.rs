//! The one error type of every use case. `http::problem` maps it to a status and a stable
//! `code`, in one place.

use crate::domain::{InterviewError, InterviewId, QuestionId};
use crate::ports::{CreateInterviewError, ListError, PositionWriteError, Unavailable, UpdateError};
use serde::Serialize;

/// One invalid field of a request: `field` is a JSON path such as `candidate.email`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct FieldError {
    pub field: String,
    pub message: String,
}

impl FieldError {
    pub fn new(field: impl Into<String>, message: impl ToString) -> Self {
        Self {
            field: field.into(),
            message: message.to_string(),
        }
    }
}

#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum Error {
    #[error("the request has invalid fields")]
    Validation(Vec<FieldError>),
    #[error("{0}")]
    Malformed(String),
    #[error("the request body is larger than {limit} bytes")]
    PayloadTooLarge { limit: usize },
    #[error("missing or invalid credentials")]
    Unauthorized,
    #[error("no such position")]
    PositionNotFound,
    #[error("the position is archived and takes no new candidates")]
    PositionArchived,
    #[error("another position already uses this slug")]
    SlugTaken,
    #[error("no such interview")]
    InterviewNotFound,
    #[error("this candidate already has an interview for this position")]
    InterviewAlreadyExists { existing: Option<InterviewId> },
    #[error("this externalId is already used in this position")]
    ExternalIdAlreadyExists,
    #[error("the monthly invite limit of {limit} is reached")]
    InviteQuotaExceeded { limit: u32 },
    #[error("this Idempotency-Key was used with a different request")]
    IdempotencyKeyReused,
    #[error("a request with this Idempotency-Key is still being processed")]
    IdempotencyInProgress,
    /// Unknown, rotated and deleted candidate links all answer the same.
    #[error("this interview link is not valid")]
    LinkNotFound,
    #[error("the deadline for this interview has passed")]
    InterviewExpired,
    #[error("this interview is already submitted")]
    InterviewCompleted,
    #[error("some questions have no answer yet")]
    AnswersMissing(Vec<QuestionId>),
    #[error("no such question in this interview")]
    QuestionNotFound,
    #[error("recording type not accepted for this question; the session lists the accepted types")]
    UnsupportedContentType,
    #[error("this question takes a {expected} answer")]
    AnswerKindMismatch { expected: &'static str },
    #[error("this answer has no transcript")]
    TranscriptNotFound,
    #[error("no such webhook")]
    WebhookNotFound,
    #[error("no such delivery of this webhook")]
    DeliveryNotFound,
    #[error("the recording is larger than the {max} bytes this position accepts")]
    UploadTooLarge { max: u64 },
    #[error("no retakes left for this question")]
    RetakesExhausted,
    #[error("no such upload for this question")]
    UploadNotFound,
    #[error("this upload is already completed")]
    UploadAlreadyCompleted,
    #[error("the upload expired; start a new one")]
    UploadExpired,
    #[error("{0}")]
    UploadIncomplete(String),
    #[error("no such API key")]
    ApiKeyNotFound,
    #[error("no such comment")]
    CommentNotFound,
    #[error("only the API key that wrote a comment may delete it")]
    CommentAuthorOnly,
    /// Unknown and revoked share links read the same.
    #[error("this share link is not valid")]
    ShareNotFound,
    #[error("this share link has expired")]
    ShareExpired,
    #[error("send the body as application/json (the apply form also takes application/x-www-form-urlencoded)")]
    UnsupportedMediaType,
    #[error("too many requests; try again in {retry_after_seconds} seconds")]
    RateLimited { retry_after_seconds: u64 },
    #[error("{}", match retry_after_seconds {
        Some(s) => format!("this interview was just resent; resend again in {s} seconds"),
        None => "this link was resent as often as it may be; re-invite to send a new link".into(),
    })]
    ResendRateLimited { retry_after_seconds: Option<u64> },
    #[error("this question has no answer")]
    AnswerNotFound,
    #[error("no such route")]
    RouteNotFound,
    #[error("this route does not take this method")]
    MethodNotAllowed,
    #[error("the item changed while we were writing it; retry the request")]
    ConcurrentModification,
    /// Details go to the log, never to the client.
    #[error("internal error")]
    Internal(String),
}

pub type Result<T, E = Error> = std::result::Result<T, E>;

impl From<Unavailable> for Error {
    fn from(value: Unavailable) -> Self {
        Self::Internal(value.0)
    }
}

impl From<UpdateError> for Error {
    fn from(value: UpdateError) -> Self {
        match value {
            UpdateError::Conflict => Self::ConcurrentModification,
            UpdateError::Unavailable(why) => Self::Internal(why),
        }
    }
}

impl From<PositionWriteError> for Error {
    fn from(value: PositionWriteError) -> Self {
        match value {
            PositionWriteError::SlugTaken => Self::SlugTaken,
            PositionWriteError::Conflict => Self::ConcurrentModification,
            PositionWriteError::Unavailable(why) => Self::Internal(why),
        }
    }
}

impl From<CreateInterviewError> for Error {
    fn from(value: CreateInterviewError) -> Self {
        match value {
            CreateInterviewError::EmailTaken => Self::InterviewAlreadyExists { existing: None },
            CreateInterviewError::ExternalIdTaken => Self::ExternalIdAlreadyExists,
            // The limit is filled in by the caller, who knows it.
            CreateInterviewError::QuotaExceeded => Self::InviteQuotaExceeded { limit: 0 },
            CreateInterviewError::Unavailable(why) => Self::Internal(why),
        }
    }
}

impl From<InterviewError> for Error {
    fn from(value: InterviewError) -> Self {
        match value {
            InterviewError::Completed => Self::InterviewCompleted,
            InterviewError::Expired => Self::InterviewExpired,
            InterviewError::AnswersMissing(questions) => Self::AnswersMissing(questions),
            InterviewError::RetakesExhausted => Self::RetakesExhausted,
            InterviewError::UploadNotFound => Self::UploadNotFound,
            InterviewError::UploadAlreadyCompleted => Self::UploadAlreadyCompleted,
            InterviewError::ResendLimited {
                retry_after_seconds,
            } => Self::ResendRateLimited {
                retry_after_seconds,
            },
            InterviewError::AnswerNotFound => Self::AnswerNotFound,
        }
    }
}

impl From<ListError> for Error {
    fn from(value: ListError) -> Self {
        match value {
            ListError::InvalidCursor => Self::Malformed("invalid cursor".into()),
            ListError::Unavailable(why) => Self::Internal(why),
        }
    }
}
