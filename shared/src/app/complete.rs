//! Completing an upload: the server checks that the object exists with the size and type it
//! signed for (assembling a multipart upload first), copies it out of `pending/` to the
//! answer's own key (which no URL can write to), then records it as the question's answer.
//! A superseded answer is deleted only after the new one is stored, so no confirmed
//! recording is ever lost. Every step can run again: an interrupted or concurrent completion
//! of the same upload finds what the other one did and goes on from there.

use super::session::LoadedOnce;
use super::upload::{base_type, pending_upload, size_of_part};
use super::{retry_on_conflict, App, Error, Result};
use crate::domain::{Answer, InterviewError, QuestionId, Upload, UploadMethod};
use crate::ports::{StoredObject, UploadedPart, VideoStorage};

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
    let asked = session.question(question).ok_or(Error::QuestionNotFound)?;
    let max_attempts = asked.max_attempts();
    let transcribe = app.followups.transcribe && asked.kind.is_recording();
    if progress.confirmed_attempts >= max_attempts {
        return Err(Error::RetakesExhausted);
    }
    settle(app, videos, &upload).await?;

    let now = app.clock.now();
    let loaded = LoadedOnce::new(session);
    let confirmation = retry_on_conflict(|| async {
        let mut session = loaded.open_session(app, token).await?;
        let interview = &mut session.interview;
        let confirmation =
            match interview.confirm_answer(question, upload.id, max_attempts, transcribe, now) {
                Ok(confirmation) => Some(confirmation),
                // A concurrent completion of this same upload got there first: answer as it did.
                Err(InterviewError::UploadAlreadyCompleted)
                    if interview
                        .progress_of(question)
                        .answer
                        .as_ref()
                        .is_some_and(|a| a.upload_id == upload.id) =>
                {
                    None
                }
                Err(e) => return Err(e.into()),
            };
        if confirmation.is_some() {
            app.interviews.update_interview(interview).await?;
        }
        let progress = interview.progress_of(question);
        Ok((confirmation, progress))
    })
    .await?;
    let (confirmation, progress) = confirmation;
    let answer = progress
        .answer
        .clone()
        .ok_or_else(|| Error::Internal("a confirmed question has no answer".into()))?;
    if let Some(confirmation) = &confirmation {
        // Only now, with the new answer stored, are the pending copy and the old recording
        // safe to delete. Storage expires the pending copy anyway.
        let mut leftovers = vec![upload.object_key.as_str()];
        leftovers.extend(
            confirmation
                .superseded
                .as_ref()
                .map(|a| a.object_key.as_str()),
        );
        for key in leftovers.into_iter().filter(|k| *k != answer.object_key) {
            if let Err(e) = videos.delete(key).await {
                tracing::warn!(error = %e, "could not delete a replaced recording; it stays in storage");
            }
        }
    }
    Ok(Confirmed {
        question_id: question,
        answer,
        confirmed_attempts: progress.confirmed_attempts,
        max_attempts,
    })
}

/// Makes sure the upload's video sits at its answer key, checked against what was signed.
async fn settle(app: &App, videos: &dyn VideoStorage, upload: &Upload) -> Result<()> {
    match settle_once(app, videos, upload).await {
        // A concurrent completion of this upload can assemble, copy or clean up between our
        // looks (so its parts seem gone, or an assembly or a copy fails): one more pass finds
        // what it did. A pass costs a few requests, and only on this failure path.
        Err(Error::Internal(why) | Error::UploadIncomplete(why)) => {
            tracing::info!(%why, "completing again after a storage failure");
            settle_once(app, videos, upload).await
        }
        settled => settled,
    }
}

async fn settle_once(app: &App, videos: &dyn VideoStorage, upload: &Upload) -> Result<()> {
    let answer_key = upload.answer_key();
    if let Some(copied) = videos.head(answer_key).await? {
        // An earlier completion got this far (or, for an attempt recorded before uploads
        // were staged, the browser put it there).
        return check(upload, &copied);
    }
    let arrived = match videos.head(&upload.object_key).await? {
        Some(object) => object,
        None => assemble(app, videos, upload).await?,
    };
    check(upload, &arrived)?;
    if answer_key != upload.object_key {
        videos.copy(&upload.object_key, answer_key).await?;
    }
    Ok(())
}

/// Assembles a multipart upload whose parts have all arrived, and returns the object.
async fn assemble(app: &App, videos: &dyn VideoStorage, upload: &Upload) -> Result<StoredObject> {
    if app.clock.now() >= upload.resumable_until {
        return Err(Error::UploadExpired);
    }
    let UploadMethod::Multipart {
        storage_upload_id,
        part_size,
        part_count,
    } = &upload.method
    else {
        return Err(not_arrived());
    };
    let parts = videos
        .list_parts(&upload.object_key, storage_upload_id)
        .await?;
    let complete = (1..=*part_count).all(|n| {
        parts
            .iter()
            .any(|p| p.part_number == n && p.size == size_of_part(upload.size, *part_size, n))
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
    videos
        .head(&upload.object_key)
        .await?
        .ok_or_else(not_arrived)
}

fn not_arrived() -> Error {
    Error::UploadIncomplete("the video has not arrived yet; upload it, then complete".into())
}

/// The stored object is what was signed for: its size, and its type where storage keeps one.
fn check(upload: &Upload, object: &StoredObject) -> Result<()> {
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
    Ok(())
}
