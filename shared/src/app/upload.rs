//! Answer uploads: starting an attempt, resuming it, abandoning it. The browser sends video
//! straight to storage through presigned URLs; the server only signs and records. Every
//! attempt has its own object key under `pending/`, so a retry or a retake never overwrites a
//! recording, and storage expires what is never completed. Confirming an upload as the answer
//! (copying it out of `pending/`) is `complete`.

use super::session::{load_open, LoadedOnce, Session};
use super::{retry_on_conflict, App, Error, FieldError, Result};
use crate::domain::{pending_object_key, QuestionId, Upload, UploadId, UploadMethod, UploadState};
use crate::ports::{SignedRequest, UploadedPart, VideoStorage};
use chrono::Duration;
use serde::Deserialize;

/// Presigned URLs live this long: enough for a slow connection, short enough to be useless
/// if leaked.
pub const URL_TTL_MINUTES: i64 = 15;
/// Multipart uploads can be resumed (with fresh part URLs) for this long.
pub const RESUMABLE_HOURS: i64 = 24;
/// At or above this size an upload is multipart, so a dropped connection loses one part.
pub const MULTIPART_THRESHOLD_BYTES: u64 = 32 * 1024 * 1024;
/// No answer is longer than an hour (a question allows at most ten minutes).
const MAX_DURATION_SECONDS: f64 = 3600.0;
/// S3 parts must be at least 5 MiB (but the last).
pub const PART_SIZE_BYTES: u64 = 8 * 1024 * 1024;

#[derive(Debug, Default, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct NewUpload {
    pub content_type: Option<String>,
    #[serde(default, deserialize_with = "super::input::whole_number")]
    pub size: Option<u64>,
    pub multipart: Option<bool>,
    /// How long the recording is, in seconds, as the browser measured it (optional).
    pub duration_seconds: Option<f64>,
}

/// One part of a multipart upload and where to send it.
#[derive(Debug, Clone)]
pub struct PartTarget {
    pub part_number: u32,
    pub size: u64,
    pub request: SignedRequest,
}

#[derive(Debug, Clone)]
pub struct UploadTicket {
    pub upload: Upload,
    /// For a single PUT.
    pub put: Option<SignedRequest>,
    /// For multipart: the parts still to send.
    pub parts: Vec<PartTarget>,
    pub uploaded_parts: Vec<UploadedPart>,
    pub expires_at: chrono::DateTime<chrono::Utc>,
}

fn ttl() -> std::time::Duration {
    std::time::Duration::from_secs(URL_TTL_MINUTES as u64 * 60)
}

/// The size of part `part` (1-based) of an upload cut into `part_size` pieces.
pub(crate) fn size_of_part(upload_size: u64, part_size: u64, part: u32) -> u64 {
    let start = (part as u64 - 1) * part_size;
    part_size.min(upload_size - start)
}

/// The media type without parameters, lower-cased: `video/webm;codecs=vp8` → `video/webm`.
pub(crate) fn base_type(raw: &str) -> String {
    raw.split(';')
        .next()
        .unwrap_or("")
        .trim()
        .to_ascii_lowercase()
}

pub(crate) fn find_question(session: &Session, question_id: &str) -> Result<QuestionId> {
    let id = QuestionId::parse(question_id).ok_or(Error::QuestionNotFound)?;
    session
        .question(id)
        .map(|q| q.id)
        .ok_or(Error::QuestionNotFound)
}

/// An open session's pending upload, with its question.
pub(crate) async fn pending_upload(
    app: &App,
    token: &str,
    question_id: &str,
    upload_id: &str,
) -> Result<(Session, QuestionId, Upload)> {
    let session = load_open(app, token).await?;
    let question = find_question(&session, question_id)?;
    let id = UploadId::parse(upload_id).ok_or(Error::UploadNotFound)?;
    let upload = session.interview.pending_upload(question, id)?.clone();
    Ok((session, question, upload))
}

/// Starts an upload attempt for a question.
pub async fn create(
    app: &App,
    token: &str,
    question_id: &str,
    input: NewUpload,
) -> Result<UploadTicket> {
    let mut fields = Vec::new();
    let content_type = match input.content_type.as_deref().map(base_type) {
        None => {
            fields.push(FieldError::new("contentType", "is required"));
            String::new()
        }
        Some(t) => t,
    };
    let size = match input.size {
        None | Some(0) => {
            fields.push(FieldError::new(
                "size",
                "must be a positive number of bytes",
            ));
            0
        }
        Some(size) => size,
    };
    let duration_seconds = match input.duration_seconds {
        Some(d) if !(d.is_finite() && d > 0.0 && d <= MAX_DURATION_SECONDS) => {
            fields.push(FieldError::new(
                "durationSeconds",
                format!("must be a number of seconds above 0 and at most {MAX_DURATION_SECONDS}"),
            ));
            None
        }
        d => d,
    };
    let session = load_open(app, token).await?;
    let question_id = find_question(&session, question_id)?;
    if !fields.is_empty() {
        return Err(Error::Validation(fields));
    }
    let kind = session
        .question(question_id)
        .ok_or(Error::QuestionNotFound)?
        .kind;
    if !kind.is_recording() {
        return Err(Error::AnswerKindMismatch {
            expected: kind.as_str(),
        });
    }
    if !kind.allowed_types().contains(&content_type.as_str()) {
        return Err(Error::UnsupportedContentType);
    }
    if size > session.position.max_upload_bytes {
        return Err(Error::UploadTooLarge {
            max: session.position.max_upload_bytes,
        });
    }
    let multipart = input.multipart.unwrap_or(false) || size >= MULTIPART_THRESHOLD_BYTES;

    let upload_id = UploadId::new();
    let key = pending_object_key(
        session.interview.tenant_id,
        session.interview.id,
        question_id,
        upload_id,
    );
    let method = if multipart {
        let part_count = size.div_ceil(PART_SIZE_BYTES) as u32;
        UploadMethod::Multipart {
            storage_upload_id: app.videos()?.start_multipart(&key, &content_type).await?,
            part_size: PART_SIZE_BYTES,
            part_count,
        }
    } else {
        UploadMethod::Put
    };

    let videos = app.videos()?;
    let loaded = LoadedOnce::new(session);
    let recorded = retry_on_conflict(|| async {
        let mut session = loaded.open_session(app, token).await?;
        let max_attempts = session
            .question(question_id)
            .ok_or(Error::QuestionNotFound)?
            .max_attempts();
        // Pending bytes stay within one full-size recording per question.
        let pending_byte_cap = (session.questions().len() as u64)
            .max(1)
            .saturating_mul(session.position.max_upload_bytes);
        let now = app.clock.now();
        let upload = Upload {
            id: upload_id,
            question_id,
            object_key: key.clone(),
            content_type: content_type.clone(),
            size,
            duration_seconds,
            method: method.clone(),
            state: UploadState::Pending,
            created_at: now,
            expires_at: now + Duration::minutes(URL_TTL_MINUTES),
            resumable_until: if multipart {
                now + Duration::hours(RESUMABLE_HOURS)
            } else {
                now + Duration::minutes(URL_TTL_MINUTES)
            },
        };
        let released =
            session
                .interview
                .add_upload(upload.clone(), max_attempts, pending_byte_cap, now)?;
        app.interviews.update_interview(&session.interview).await?;
        Ok((upload, released))
    })
    .await;
    let upload = match recorded {
        Ok((upload, released)) => {
            for old in &released {
                if let Err(e) = release(videos, old).await {
                    // Storage expires it anyway; the new attempt must not fail for it.
                    tracing::warn!(error = %e, "could not release a pending upload");
                }
            }
            upload
        }
        Err(e) => {
            if let UploadMethod::Multipart {
                storage_upload_id, ..
            } = &method
            {
                let _ = videos.abort_multipart(&key, storage_upload_id).await;
            }
            return Err(e);
        }
    };
    ticket(app, upload, Vec::new()).await
}

/// URLs for what is still to be sent.
async fn ticket(
    app: &App,
    upload: Upload,
    uploaded_parts: Vec<UploadedPart>,
) -> Result<UploadTicket> {
    let expires_at = app.clock.now() + Duration::minutes(URL_TTL_MINUTES);
    let videos = app.videos()?;
    match &upload.method {
        UploadMethod::Put => {
            let put = videos
                .presign_put(&upload.object_key, &upload.content_type, upload.size, ttl())
                .await?;
            Ok(UploadTicket {
                expires_at: upload.expires_at,
                upload,
                put: Some(put),
                parts: vec![],
                uploaded_parts,
            })
        }
        UploadMethod::Multipart {
            storage_upload_id,
            part_size,
            part_count,
        } => {
            let mut parts = Vec::new();
            for number in 1..=*part_count {
                let size = size_of_part(upload.size, *part_size, number);
                let done = uploaded_parts
                    .iter()
                    .any(|p| p.part_number == number && p.size == size);
                if !done {
                    let request = videos
                        .presign_part(&upload.object_key, storage_upload_id, number, size, ttl())
                        .await?;
                    parts.push(PartTarget {
                        part_number: number,
                        size,
                        request,
                    });
                }
            }
            Ok(UploadTicket {
                upload,
                put: None,
                parts,
                uploaded_parts,
                expires_at,
            })
        }
    }
}

/// Where an upload stands, with fresh URLs for the parts still missing: how a browser resumes
/// after a dropped connection or a reload.
pub async fn status(
    app: &App,
    token: &str,
    question_id: &str,
    upload_id: &str,
) -> Result<UploadTicket> {
    let (_, _, upload) = pending_upload(app, token, question_id, upload_id).await?;
    if app.clock.now() >= upload.resumable_until {
        return Err(Error::UploadExpired);
    }
    let uploaded = match &upload.method {
        UploadMethod::Put => Vec::new(),
        UploadMethod::Multipart {
            storage_upload_id, ..
        } => {
            app.videos()?
                .list_parts(&upload.object_key, storage_upload_id)
                .await?
        }
    };
    ticket(app, upload, uploaded).await
}

/// Abandons a pending upload: its URLs stop mattering and its storage is released.
pub async fn abort(app: &App, token: &str, question_id: &str, upload_id: &str) -> Result<()> {
    let videos = app.videos()?;
    let upload = retry_on_conflict(|| async {
        let mut session = load_open(app, token).await?;
        let question = find_question(&session, question_id)?;
        let id = UploadId::parse(upload_id).ok_or(Error::UploadNotFound)?;
        let upload = session
            .interview
            .drop_upload(question, id, app.clock.now())?;
        app.interviews.update_interview(&session.interview).await?;
        Ok(upload)
    })
    .await?;
    release(videos, &upload).await?;
    Ok(())
}

/// Frees a pending attempt's storage: its multipart upload (with the parts sent so far) and
/// its object.
pub(crate) async fn release(videos: &dyn VideoStorage, upload: &Upload) -> Result<()> {
    if let UploadMethod::Multipart {
        storage_upload_id, ..
    } = &upload.method
    {
        videos
            .abort_multipart(&upload.object_key, storage_upload_id)
            .await?;
    }
    videos.delete(&upload.object_key).await?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parts_cover_the_upload_exactly() {
        let size = 2 * PART_SIZE_BYTES + 123;
        let count = size.div_ceil(PART_SIZE_BYTES) as u32;
        assert_eq!(count, 3);
        let total: u64 = (1..=count)
            .map(|n| size_of_part(size, PART_SIZE_BYTES, n))
            .sum();
        assert_eq!(total, size);
        assert_eq!(size_of_part(size, PART_SIZE_BYTES, 3), 123);
    }

    #[test]
    fn content_type_parameters_are_ignored() {
        assert_eq!(base_type("Video/WebM;codecs=vp8,opus"), "video/webm");
    }
}
