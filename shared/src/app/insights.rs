//! What followups produce, as reviewers read it (transcripts, the advisory evaluation, an
//! answer's captions) and as deletions forget it: a deleted answer, interview or position
//! takes its transcripts and evaluations with it.

use super::interviews::get_interview;
use super::{App, Caller, Error, Result};
use crate::domain::{
    transcript_object_key, Answer, Evaluation, Interview, QuestionId, Transcript, UploadId,
};

/// An interview's transcripts and latest evaluation.
#[derive(Debug, Clone, Default)]
pub struct Insights {
    pub transcripts: Vec<(UploadId, Transcript)>,
    pub evaluation: Option<Evaluation>,
}

impl Insights {
    pub fn transcript(&self, answer: &Answer) -> Option<&Transcript> {
        self.transcripts
            .iter()
            .find(|(upload, _)| *upload == answer.upload_id)
            .map(|(_, t)| t)
    }

    /// The evaluation of the interview's current completion (an older one describes
    /// answers that may have been redone since).
    pub fn current_evaluation(&self, interview: &Interview) -> Option<&Evaluation> {
        self.evaluation
            .as_ref()
            .filter(|e| Some(e.completed_at) == interview.completed_at)
    }
}

/// Reads an interview's transcripts and evaluation (two queries of its partition).
pub async fn of(app: &App, interview: &Interview) -> Result<Insights> {
    let (tenant, id) = (interview.tenant_id, interview.id);
    let (transcripts, evaluation) = futures::try_join!(
        app.insights.transcripts_of(tenant, id),
        app.insights.evaluation_of(tenant, id)
    )?;
    Ok(Insights {
        transcripts,
        evaluation,
    })
}

/// WebVTT captions of the answer to `question_id`, built from its transcript.
pub async fn captions(
    app: &App,
    caller: &Caller,
    interview_id: &str,
    question_id: &str,
) -> Result<String> {
    let interview = get_interview(app, caller, interview_id).await?;
    captions_of(app, &interview, question_id).await
}

/// WebVTT captions of an answer of the interview a valid share link `token` shows.
pub async fn shared_captions(app: &App, token: &str, question_id: &str) -> Result<String> {
    let shared = super::shares::view_interview(app, token).await?;
    captions_of(app, &shared, question_id).await
}

async fn captions_of(app: &App, interview: &Interview, question_id: &str) -> Result<String> {
    let question = QuestionId::parse(question_id).ok_or(Error::AnswerNotFound)?;
    let answer = interview
        .progress
        .get(&question)
        .and_then(|p| p.answer.as_ref())
        .ok_or(Error::AnswerNotFound)?;
    let transcript = app
        .insights
        .transcripts_of(interview.tenant_id, interview.id)
        .await?
        .into_iter()
        .find(|(upload, _)| *upload == answer.upload_id)
        .ok_or(Error::TranscriptNotFound)?;
    Ok(transcript.1.to_webvtt())
}

/// Forgets what was derived from an answer that is removed (`None`: a written one): its
/// transcript, with the service's output in storage, and the interview's evaluations.
pub(crate) async fn forget_answer(
    app: &App,
    interview: &Interview,
    removed: Option<&Answer>,
) -> Result<()> {
    let (tenant, id) = (interview.tenant_id, interview.id);
    if let Some(answer) = removed {
        app.insights
            .delete_transcript(tenant, id, answer.upload_id)
            .await?;
        app.videos()?
            .delete(&transcript_object_key(tenant, id, answer.upload_id))
            .await?;
    }
    app.insights.delete_evaluation(tenant, id).await?;
    Ok(())
}

/// What forgetting an interview's insights removed.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub(crate) struct Forgotten {
    pub transcripts: u32,
    pub evaluations: u32,
}

/// Forgets every transcript and evaluation of an interview that is being deleted, including
/// those of recordings replaced earlier.
pub(crate) async fn forget_interview(app: &App, interview: &Interview) -> Result<Forgotten> {
    let (tenant, id) = (interview.tenant_id, interview.id);
    let videos = app.videos()?;
    let mut forgotten = Forgotten::default();
    for (upload, _) in app.insights.transcripts_of(tenant, id).await? {
        app.insights.delete_transcript(tenant, id, upload).await?;
        videos
            .delete(&transcript_object_key(tenant, id, upload))
            .await?;
        forgotten.transcripts += 1;
    }
    for progress in interview.progress.values() {
        if let Some(answer) = &progress.answer {
            videos
                .delete(&transcript_object_key(tenant, id, answer.upload_id))
                .await?;
        }
    }
    forgotten.evaluations = app.insights.delete_evaluation(tenant, id).await?;
    Ok(forgotten)
}
