//! RFC 9457 problem details. The error → status and `code` map lives here and nowhere else.

use crate::app::Error;
use axum::http::{header, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use serde_json::{json, Value};

impl Error {
    /// The HTTP status and the stable machine-readable `code` of an error.
    pub fn status_and_code(&self) -> (StatusCode, &'static str) {
        use Error::*;
        match self {
            Validation(_) => (StatusCode::UNPROCESSABLE_ENTITY, "validation_failed"),
            Malformed(_) => (StatusCode::BAD_REQUEST, "malformed_request"),
            PayloadTooLarge { .. } => (StatusCode::PAYLOAD_TOO_LARGE, "payload_too_large"),
            Unauthorized => (StatusCode::UNAUTHORIZED, "unauthorized"),
            PositionNotFound => (StatusCode::NOT_FOUND, "position_not_found"),
            PositionArchived => (StatusCode::CONFLICT, "position_archived"),
            SlugTaken => (StatusCode::CONFLICT, "slug_taken"),
            InterviewNotFound => (StatusCode::NOT_FOUND, "interview_not_found"),
            InterviewAlreadyExists { .. } => {
                (StatusCode::CONFLICT, "interview_already_exists_in_position")
            }
            ExternalIdAlreadyExists => (
                StatusCode::CONFLICT,
                "external_id_already_exists_in_position",
            ),
            InviteQuotaExceeded { .. } => (StatusCode::FORBIDDEN, "invite_quota_exceeded"),
            IdempotencyKeyReused => (StatusCode::UNPROCESSABLE_ENTITY, "idempotency_key_reused"),
            IdempotencyInProgress => (StatusCode::CONFLICT, "idempotency_request_in_progress"),
            LinkNotFound => (StatusCode::NOT_FOUND, "link_not_found"),
            InterviewExpired => (StatusCode::GONE, "interview_expired"),
            InterviewCompleted => (StatusCode::CONFLICT, "interview_completed"),
            AnswersMissing(_) => (StatusCode::CONFLICT, "answers_missing"),
            QuestionNotFound => (StatusCode::NOT_FOUND, "question_not_found"),
            UnsupportedContentType => {
                (StatusCode::UNPROCESSABLE_ENTITY, "unsupported_content_type")
            }
            AnswerKindMismatch { .. } => (StatusCode::CONFLICT, "answer_kind_mismatch"),
            TranscriptNotFound => (StatusCode::NOT_FOUND, "transcript_not_found"),
            WebhookNotFound => (StatusCode::NOT_FOUND, "webhook_not_found"),
            DeliveryNotFound => (StatusCode::NOT_FOUND, "delivery_not_found"),
            UploadTooLarge { .. } => (StatusCode::UNPROCESSABLE_ENTITY, "upload_too_large"),
            RetakesExhausted => (StatusCode::CONFLICT, "retakes_exhausted"),
            UploadNotFound => (StatusCode::NOT_FOUND, "upload_not_found"),
            UploadAlreadyCompleted => (StatusCode::CONFLICT, "upload_already_completed"),
            UploadExpired => (StatusCode::GONE, "upload_expired"),
            UploadIncomplete(_) => (StatusCode::CONFLICT, "upload_incomplete"),
            ApiKeyNotFound => (StatusCode::NOT_FOUND, "api_key_not_found"),
            CommentNotFound => (StatusCode::NOT_FOUND, "comment_not_found"),
            CommentAuthorOnly => (StatusCode::FORBIDDEN, "comment_author_only"),
            ShareNotFound => (StatusCode::NOT_FOUND, "share_not_found"),
            ShareExpired => (StatusCode::GONE, "share_expired"),
            UnsupportedMediaType => (StatusCode::UNSUPPORTED_MEDIA_TYPE, "unsupported_media_type"),
            RateLimited { .. } => (StatusCode::TOO_MANY_REQUESTS, "rate_limited"),
            ResendRateLimited { .. } => (StatusCode::TOO_MANY_REQUESTS, "resend_rate_limited"),
            AnswerNotFound => (StatusCode::NOT_FOUND, "answer_not_found"),
            RouteNotFound => (StatusCode::NOT_FOUND, "not_found"),
            MethodNotAllowed => (StatusCode::METHOD_NOT_ALLOWED, "method_not_allowed"),
            ConcurrentModification => (StatusCode::CONFLICT, "concurrent_modification"),
            Internal(_) => (StatusCode::INTERNAL_SERVER_ERROR, "internal_error"),
        }
    }

    /// The problem+json body of an error.
    pub fn problem(&self) -> Value {
        let (status, code) = self.status_and_code();
        let mut body = json!({
            "type": format!("https://reelview.dev/problems/{}", code.replace('_', "-")),
            "title": status.canonical_reason().unwrap_or("Error"),
            "status": status.as_u16(),
            "detail": self.to_string(),
            "code": code,
        });
        match self {
            Error::Validation(errors) => body["errors"] = json!(errors),
            Error::InterviewAlreadyExists { existing: Some(id) } => body["interviewId"] = json!(id),
            Error::InviteQuotaExceeded { limit } => body["limit"] = json!(limit),
            Error::UploadTooLarge { max } => body["maxBytes"] = json!(max),
            Error::AnswerKindMismatch { expected } => body["expectedKind"] = json!(expected),
            Error::AnswersMissing(questions) => body["missingQuestionIds"] = json!(questions),
            Error::PayloadTooLarge { limit } => body["limitBytes"] = json!(limit),
            Error::RateLimited {
                retry_after_seconds,
            } => body["retryAfterSeconds"] = json!(retry_after_seconds),
            Error::ResendRateLimited {
                retry_after_seconds: Some(seconds),
            } => body["retryAfterSeconds"] = json!(seconds),
            Error::Internal(why) => tracing::error!(error = %why, "internal error"),
            _ => {}
        }
        body
    }
}

impl IntoResponse for Error {
    fn into_response(self) -> Response {
        let (status, _) = self.status_and_code();
        let mut response = problem_response(status, &self.problem());
        let retry_after = match self {
            Error::RateLimited {
                retry_after_seconds,
            } => Some(retry_after_seconds),
            Error::ResendRateLimited {
                retry_after_seconds,
            } => retry_after_seconds,
            _ => None,
        };
        if let Some(seconds) = retry_after {
            response
                .headers_mut()
                .insert(header::RETRY_AFTER, HeaderValue::from(seconds));
        }
        response
    }
}

pub fn problem_response(status: StatusCode, body: &Value) -> Response {
    let mut response = (status, body.to_string()).into_response();
    response.headers_mut().insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("application/problem+json"),
    );
    response
}
