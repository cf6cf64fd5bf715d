//! Speech to text and the advisory evaluation's language model: services that run in the
//! team's own account (Amazon Transcribe, Amazon Bedrock) or, locally, behind an
//! OpenAI-compatible endpoint the developer runs.

use super::PortResult;
use crate::domain::{EvaluationPrompt, Transcript};
use async_trait::async_trait;

/// One answer recording to transcribe.
#[derive(Debug, Clone, PartialEq)]
pub struct TranscriptionRequest {
    /// Unique per recording (see `domain::transcription_job_name`): asking twice never
    /// starts a second job.
    pub job_name: String,
    /// Where the recording is in video storage.
    pub object_key: String,
    pub content_type: String,
    /// A short-lived GET URL of the recording, for services that fetch it over HTTP.
    pub media_url: String,
    /// Where a service that writes its result to storage puts it.
    pub output_key: String,
    /// e.g. `en-US`; `None` lets the service identify the language.
    pub language: Option<String>,
}

#[derive(Debug, Clone, PartialEq)]
pub enum TranscriptionOutcome {
    /// Running; its completion is reported later (Amazon Transcribe's job state event).
    Started,
    Finished(Transcript),
    /// The service could not transcribe it (e.g. no speech, an unsupported format).
    Failed(String),
}

#[async_trait]
pub trait Transcriber: Send + Sync {
    /// Starts transcribing `request`; a service that answers at once returns the transcript.
    /// Starting a job that already exists is not an error: it reports that job's state.
    async fn start(&self, request: &TranscriptionRequest) -> PortResult<TranscriptionOutcome>;
    /// The outcome of the job `job_name` whose result was written to `output_key`.
    async fn outcome(&self, job_name: &str, output_key: &str) -> PortResult<TranscriptionOutcome>;
}

/// A model's reply and what it cost.
#[derive(Debug, Clone, PartialEq)]
pub struct ModelReply {
    pub text: String,
    pub input_tokens: u64,
    pub output_tokens: u64,
}

#[async_trait]
pub trait Evaluator: Send + Sync {
    /// The model's id, recorded with every evaluation.
    fn model(&self) -> &str;
    /// One reply to `prompt` (the system part as the system prompt, the user part as the
    /// one user message), at a low temperature.
    async fn reply(&self, prompt: &EvaluationPrompt) -> PortResult<ModelReply>;
}
