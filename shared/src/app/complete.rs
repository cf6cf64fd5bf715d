//! Completing an upload: the server checks that the object exists with the size and type it
//! signed for (assembling a multipart upload first), then records it as the question's
//! answer. A superseded answer is deleted only after the new one is stored, so no confirmed
//! recording is ever lost.

use super::session::LoadedOnce;
use super::upload::{base_type, pending_upload, size_of_part};
use super::{retry_on_conflict, App, Error, Result};
use crate::domain::{Answer, QuestionId, UploadMethod};
use crate::ports::UploadedPart;

/// The confirmed answer after `complete`.
#[derive(Debug, Clone)]
pub struct Confirmed {
    pub question_id: QuestionId,
    pub answer: Answer,
    pub confirmed_attempts: u32,
    pub max_attempts: u32,
}

/// Checks the uploaded object and records it as the question's answer.
pub async fn complete(
    app: &App,
    token: &str,
    question_id: &str,
    upload_id: &str,
) -> Result<Confirmed> {
    let videos = app.videos()?;
    let (session, question, upload) = pending_upload(app, token, question_id, upload_id).await?;
    let progress = session.interview.progress_of(question);
    let max_attempts = session.question(question).map_or(1, |q| q.max_attempts());
    if progress.confirmed_attempts >= max_attempts {
        return Err(Error::RetakesExhausted);
    }

    // The object must exist with the size and type we signed for. A multipart upload is
    // assembled first (unless an earlier, interrupted completion already did).
    let mut object = videos.head(&upload.object_key).await?;
    if object.is_none() {
        if app.clock.now() >= upload.resumable_until {
            return Err(Error::UploadExpired);
        }
        if let UploadMethod::Multipart {
            storage_upload_id,
            part_size,
            part_count,
        } = &upload.method
        {
            let parts = videos
                .list_parts(&upload.object_key, storage_upload_id)
                .await?;
            let complete = (1..=*part_count).all(|n| {
                parts.iter().any(|p| {
                    p.part_number == n && p.size == size_of_part(upload.size, *part_size, n)
                })
            });
            if !complete {
                let have = parts
                    .iter()
                    .filter(|p| p.part_number <= *part_count)
                    .count();
                return Err(Error::UploadIncomplete(format!(
                    "{have} of {part_count} parts are uploaded; send the missing parts and complete again"
                )));
            }
            let parts: Vec<UploadedPart> = parts
                .into_iter()
                .filter(|p| p.part_number <= *part_count)
                .collect();
            videos
                .complete_multipart(&upload.object_key, storage_upload_id, &parts)
                .await?;
            object = videos.head(&upload.object_key).await?;
        }
    }
    let Some(object) = object else {
        return Err(Error::UploadIncomplete(
            "the video has not arrived yet; upload it, then complete".into(),
        ));
    };
    let type_matches = object
        .content_type
        .as_deref()
        .map(base_type)
        .is_none_or(|t| t == upload.content_type);
    if object.size != upload.size || !type_matches {
        return Err(Error::UploadIncomplete(format!(
            "the stored video has {} bytes, not the {} signed for",
            object.size, upload.size
        )));
    }

    let now = app.clock.now();
    let loaded = LoadedOnce::new(session);
    let confirmation = retry_on_conflict(|| async {
        let mut session = loaded.open_session(app, token).await?;
        let confirmation =
            session
                .interview
                .confirm_answer(question, upload.id, max_attempts, now)?;
        app.interviews.update_interview(&session.interview).await?;
        Ok(confirmation)
    })
    .await?;
    // Only now, with the new answer stored, is the old recording safe to delete.
    if let Some(old) = &confirmation.superseded {
        if let Err(e) = videos.delete(&old.object_key).await {
            tracing::warn!(error = %e, "could not delete a superseded answer; it stays in storage");
        }
    }
    Ok(Confirmed {
        question_id: question,
        answer: confirmation.answer,
        confirmed_attempts: confirmation.confirmed_attempts,
        max_attempts,
    })
}
