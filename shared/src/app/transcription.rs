//! Transcribing an answer recording, off the request path: started by its followup, finished
//! at once (a local transcription server) or when the transcription service reports the
//! job's end (Amazon Transcribe, through EventBridge).

use super::{retry_on_conflict, App, Error, Result};
use crate::domain::{
    parse_transcription_job_name, transcript_object_key, transcription_job_name, InterviewId,
    QuestionId, TenantId, TranscriptStatus, UploadId,
};
use crate::ports::{TranscriptionOutcome, TranscriptionRequest};

/// The transcription service fetches the recording within this time (a local server reads
/// it at once; Amazon Transcribe reads it from the bucket and needs no URL).
const MEDIA_URL_MINUTES: u64 = 30;

/// Starts transcribing the answer recording `upload` of `question`. Nothing happens if the
/// answer is gone (redone or deleted) by now.
pub async fn start(
    app: &App,
    tenant: TenantId,
    interview_id: InterviewId,
    question: QuestionId,
    upload: UploadId,
) -> Result<()> {
    let transcriber = app
        .transcriber
        .as_deref()
        .ok_or_else(|| Error::Internal("this function transcribes nothing".into()))?;
    let Some(interview) = app.interviews.get_interview(tenant, interview_id).await? else {
        return Ok(());
    };
    let Some((_, answer)) = interview.answer_by_upload(upload) else {
        return Ok(());
    };
    if answer.transcript != TranscriptStatus::Pending {
        return Ok(());
    }
    let position = app
        .positions
        .get_position(tenant, interview.position_id)
        .await?;
    let request = TranscriptionRequest {
        job_name: transcription_job_name(tenant, interview_id, upload),
        object_key: answer.object_key.clone(),
        content_type: answer.content_type.clone(),
        media_url: app
            .videos()?
            .presign_get(
                &answer.object_key,
                &answer.content_type,
                std::time::Duration::from_secs(MEDIA_URL_MINUTES * 60),
            )
            .await?,
        output_key: transcript_object_key(tenant, interview_id, upload),
        language: position.and_then(|p| p.language),
    };
    tracing::info!(%question, job = %request.job_name, "transcribing an answer");
    let outcome = transcriber.start(&request).await?;
    record(app, tenant, interview_id, upload, outcome).await
}

/// The transcription job `job_name` ended: its outcome is stored with its answer. Jobs that
/// are not ours, or whose answer is gone, are ignored.
pub async fn finished(app: &App, job_name: &str) -> Result<()> {
    let Some((tenant, interview, upload)) = parse_transcription_job_name(job_name) else {
        tracing::info!(job = job_name, "not a transcription job of ours");
        return Ok(());
    };
    let transcriber = app
        .transcriber
        .as_deref()
        .ok_or_else(|| Error::Internal("this function transcribes nothing".into()))?;
    let outcome = transcriber
        .outcome(job_name, &transcript_object_key(tenant, interview, upload))
        .await?;
    record(app, tenant, interview, upload, outcome).await
}

/// Stores a transcription's outcome on its answer (the text beside it) in one write, which
/// also queues the evaluation once the last transcript of a completed interview is in.
async fn record(
    app: &App,
    tenant: TenantId,
    interview_id: InterviewId,
    upload: UploadId,
    outcome: TranscriptionOutcome,
) -> Result<()> {
    let (status, transcript) = match outcome {
        TranscriptionOutcome::Started => return Ok(()),
        TranscriptionOutcome::Finished(transcript) => (TranscriptStatus::Ready, Some(transcript)),
        TranscriptionOutcome::Failed(reason) => {
            tracing::warn!(%interview_id, %upload, %reason, "transcription failed");
            (TranscriptStatus::Failed, None)
        }
    };
    let transcript = transcript.as_ref();
    retry_on_conflict(|| async move {
        let Some(mut interview) = app.interviews.get_interview(tenant, interview_id).await? else {
            return Ok(());
        };
        if interview.record_transcript(upload, status).is_none() {
            return Ok(());
        }
        match transcript {
            Some(transcript) => {
                app.insights
                    .save_transcript(&interview, upload, transcript)
                    .await?
            }
            None => app.interviews.update_interview(&interview).await?,
        };
        Ok(())
    })
    .await
}
