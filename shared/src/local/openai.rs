//! Transcripts and the advisory evaluation from an OpenAI-compatible HTTP API, for running
//! Reelview with no AWS account: OpenAI itself, or a server the developer runs (a Whisper
//! server for speech, Ollama, llama.cpp or vLLM for chat). Only the two endpoints used here
//! are assumed: `/v1/audio/transcriptions` and `/v1/chat/completions`.

use crate::domain::{EvaluationPrompt, Segment, Transcript};
use crate::ports::{
    Evaluator, ModelReply, PortResult, Transcriber, TranscriptionOutcome, TranscriptionRequest,
    Unavailable,
};
use async_trait::async_trait;
use reqwest::multipart::{Form, Part};
use serde::Deserialize;
use serde_json::json;
use std::time::Duration;

/// How long one transcription may take, the recording's download included: a long answer
/// on a CPU-only local Whisper server takes minutes.
const TRANSCRIPTION_TIMEOUT: Duration = Duration::from_secs(10 * 60);
/// How long one chat reply may take.
const CHAT_TIMEOUT: Duration = Duration::from_secs(2 * 60);
/// How much of an error reply goes into an error message.
const ERROR_EXCERPT_CHARS: usize = 300;

/// Where an OpenAI-compatible API answers and how to reach it.
#[derive(Clone)]
struct Endpoint {
    http: reqwest::Client,
    /// Without a trailing `/` or `/v1`: paths are appended to it.
    base_url: String,
    /// Sent as a bearer token when set; local servers need none.
    api_key: Option<String>,
}

impl Endpoint {
    fn new(base_url: &str) -> Self {
        let base_url = base_url.trim_end_matches('/');
        // Clients of these APIs are often configured with the `/v1` root; take either form.
        let base_url = base_url.strip_suffix("/v1").unwrap_or(base_url);
        Self {
            http: reqwest::Client::new(),
            base_url: base_url.to_string(),
            api_key: None,
        }
    }

    fn post(&self, path: &str, timeout: Duration) -> reqwest::RequestBuilder {
        let request = self
            .http
            .post(format!("{}{path}", self.base_url))
            .timeout(timeout);
        match &self.api_key {
            Some(key) => request.bearer_auth(key),
            None => request,
        }
    }
}

/// What an error reply says: OpenAI's `{"error": {"message": …}}`, or the start of the body.
async fn error_reason(response: reqwest::Response) -> String {
    let status = response.status();
    let body = response.text().await.unwrap_or_default();
    let message = serde_json::from_str::<serde_json::Value>(&body)
        .ok()
        .and_then(|v| {
            let error = &v["error"];
            error["message"]
                .as_str()
                .or_else(|| error.as_str())
                .map(str::to_string)
        })
        .unwrap_or_else(|| body.chars().take(ERROR_EXCERPT_CHARS).collect());
    format!("{status}: {message}")
}

// ---------------------------------------------------------------------------------------------
// Speech to text.

/// Transcripts from `/v1/audio/transcriptions`. The model must offer `verbose_json` replies
/// with timestamps (OpenAI's `whisper-1`, or a Whisper server): the captions need them.
#[derive(Clone)]
pub struct OpenAiTranscriber {
    endpoint: Endpoint,
    model: String,
}

impl OpenAiTranscriber {
    /// `base_url` is the API's root, e.g. `http://127.0.0.1:8000` (a trailing `/v1` is taken
    /// off); `model` e.g. `whisper-1`.
    pub fn new(base_url: &str, model: &str) -> Self {
        Self {
            endpoint: Endpoint::new(base_url),
            model: model.to_string(),
        }
    }

    /// Sends `key` as the bearer token (OpenAI needs one; local servers do not).
    pub fn with_api_key(mut self, key: Option<String>) -> Self {
        self.endpoint.api_key = key;
        self
    }

    /// Fetches the recording from its short-lived URL. The recording is held in memory:
    /// these endpoints take one upload of the whole file (OpenAI at most 25 MB).
    async fn download(&self, url: &str) -> PortResult<Vec<u8>> {
        let response = self
            .endpoint
            .http
            .get(url)
            .timeout(TRANSCRIPTION_TIMEOUT)
            .send()
            .await
            .map_err(|e| Unavailable::from_err("downloading the recording to transcribe", e))?;
        if !response.status().is_success() {
            return Err(Unavailable(format!(
                "downloading the recording to transcribe: {}",
                error_reason(response).await
            )));
        }
        let bytes = response
            .bytes()
            .await
            .map_err(|e| Unavailable::from_err("downloading the recording to transcribe", e))?;
        Ok(bytes.to_vec())
    }
}

/// A content type without its parameters, lower-cased: `video/webm` of a browser's
/// `video/webm;codecs=vp8,opus` (whose unquoted comma is no valid MIME parameter anyway).
fn essence(content_type: &str) -> String {
    content_type
        .split(';')
        .next()
        .unwrap_or_default()
        .trim()
        .to_ascii_lowercase()
}

/// The file name the recording is uploaded under: these servers tell the format by the
/// name's extension. `None` for a type they cannot read.
fn upload_file_name(content_type: &str) -> Option<&'static str> {
    Some(match essence(content_type).as_str() {
        "video/webm" | "audio/webm" => "recording.webm",
        // A QuickTime movie is the ISO base media format MP4 grew out of; decoders that
        // read MP4 (ffmpeg behind Whisper servers) read it as one.
        "video/mp4" | "video/quicktime" => "recording.mp4",
        "audio/mp4" => "recording.m4a",
        "audio/ogg" => "recording.ogg",
        "audio/mpeg" => "recording.mp3",
        "audio/wav" => "recording.wav",
        "audio/flac" => "recording.flac",
        _ => return None,
    })
}

/// A `verbose_json` transcription reply.
#[derive(Deserialize)]
struct VerboseTranscription {
    #[serde(default)]
    text: String,
    /// The language heard, as the service names it (OpenAI: `english`).
    #[serde(default)]
    language: Option<String>,
    /// Seconds of audio.
    #[serde(default)]
    duration: Option<f64>,
    #[serde(default)]
    segments: Vec<TimedText>,
    #[serde(default)]
    words: Vec<TimedWord>,
}

#[derive(Deserialize)]
struct TimedText {
    start: f64,
    end: f64,
    text: String,
}

#[derive(Deserialize)]
struct TimedWord {
    word: String,
    start: f64,
    end: f64,
}

/// The transcript in a `verbose_json` reply. Its segments are the service's own (Whisper's
/// are sentence-sized); a reply with text but no segments becomes one segment over the
/// whole recording. `asked_language` (what the request named) wins over the service's name
/// for what it heard.
fn transcript_from_reply(reply: VerboseTranscription, asked_language: Option<&str>) -> Transcript {
    let text = reply.text.trim().to_string();
    let words: Vec<Segment> = reply
        .words
        .into_iter()
        .map(|w| Segment {
            start: w.start,
            end: w.end,
            text: w.word.trim().to_string(),
        })
        .filter(|w| !w.text.is_empty())
        .collect();
    let mut segments: Vec<Segment> = reply
        .segments
        .into_iter()
        .map(|s| Segment {
            start: s.start,
            end: s.end,
            text: s.text.trim().to_string(),
        })
        .filter(|s| !s.text.is_empty())
        .collect();
    if segments.is_empty() && !text.is_empty() {
        let end = reply
            .duration
            .or_else(|| words.last().map(|w| w.end))
            .unwrap_or(0.0);
        segments.push(Segment {
            start: 0.0,
            end,
            text: text.clone(),
        });
    }
    Transcript {
        text,
        segments,
        words,
        language: asked_language
            .map(str::to_string)
            .or(reply.language.filter(|l| !l.is_empty())),
    }
}

#[async_trait]
impl Transcriber for OpenAiTranscriber {
    /// Transcribes at once: the reply is the transcript (`Finished`), or `Failed` when the
    /// service refuses the recording (a 4xx other than 401/403/404/408/429).
    async fn start(&self, request: &TranscriptionRequest) -> PortResult<TranscriptionOutcome> {
        let Some(file_name) = upload_file_name(&request.content_type) else {
            return Ok(TranscriptionOutcome::Failed(format!(
                "unsupported format: {}",
                request.content_type
            )));
        };
        let recording = self.download(&request.media_url).await?;
        let file = Part::bytes(recording)
            .file_name(file_name)
            .mime_str(&essence(&request.content_type))
            .map_err(|e| Unavailable::from_err("the recording's content type", e))?;
        let mut form = Form::new()
            .part("file", file)
            .text("model", self.model.clone())
            .text("response_format", "verbose_json")
            .text("timestamp_granularities[]", "word")
            .text("timestamp_granularities[]", "segment");
        // These services take ISO-639-1 (`en`), not a locale (`en-US`).
        if let Some(language) = request.language.as_deref() {
            let code = language.split('-').next().unwrap_or(language);
            form = form.text("language", code.to_ascii_lowercase());
        }
        let response = self
            .endpoint
            .post("/v1/audio/transcriptions", TRANSCRIPTION_TIMEOUT)
            .multipart(form)
            .send()
            .await
            .map_err(|e| Unavailable::from_err("transcription request", e))?;
        let status = response.status();
        // A wrong key or URL is the deployment's to fix, not the recording's fault: those stay
        // retryable like outages, so fixing the setting transcribes what waited.
        let settings = [
            reqwest::StatusCode::UNAUTHORIZED,
            reqwest::StatusCode::FORBIDDEN,
            reqwest::StatusCode::NOT_FOUND,
            reqwest::StatusCode::REQUEST_TIMEOUT,
            reqwest::StatusCode::TOO_MANY_REQUESTS,
        ];
        if status.is_client_error() && !settings.contains(&status) {
            // The service refused this recording (or this request, e.g. a model it does not
            // have): sending it again would be refused again.
            return Ok(TranscriptionOutcome::Failed(error_reason(response).await));
        }
        if !status.is_success() {
            return Err(Unavailable(format!(
                "transcription request: {}",
                error_reason(response).await
            )));
        }
        let reply: VerboseTranscription = response
            .json()
            .await
            .map_err(|e| Unavailable::from_err("reading the transcription reply", e))?;
        Ok(TranscriptionOutcome::Finished(transcript_from_reply(
            reply,
            request.language.as_deref(),
        )))
    }

    /// This service runs no jobs: `start` already returned the transcript, so there is
    /// never an outcome to look up later, and this answers `Failed` (not an outage, which
    /// would be retried for ever).
    async fn outcome(&self, job_name: &str, _output_key: &str) -> PortResult<TranscriptionOutcome> {
        Ok(TranscriptionOutcome::Failed(format!(
            "no job {job_name}: this transcription service answers at once and runs no jobs"
        )))
    }
}

// ---------------------------------------------------------------------------------------------
// The evaluation's model.

/// Replies from `/v1/chat/completions`, asked for a JSON object (the evaluation's reply
/// format) at temperature 0.
#[derive(Clone)]
pub struct OpenAiEvaluator {
    endpoint: Endpoint,
    model: String,
}

impl OpenAiEvaluator {
    /// `base_url` is the API's root, e.g. `http://127.0.0.1:11434` (a trailing `/v1` is
    /// taken off); `model` e.g. `gpt-4o-mini` or `llama3.1:8b`.
    pub fn new(base_url: &str, model: &str) -> Self {
        Self {
            endpoint: Endpoint::new(base_url),
            model: model.to_string(),
        }
    }

    /// Sends `key` as the bearer token (OpenAI needs one; local servers do not).
    pub fn with_api_key(mut self, key: Option<String>) -> Self {
        self.endpoint.api_key = key;
        self
    }
}

#[derive(Deserialize)]
struct ChatCompletion {
    #[serde(default)]
    choices: Vec<ChatChoice>,
    #[serde(default)]
    usage: Option<ChatUsage>,
}

#[derive(Deserialize)]
struct ChatChoice {
    message: ChatMessage,
}

#[derive(Deserialize)]
struct ChatMessage {
    /// `null` when the model refused or called a tool instead.
    #[serde(default)]
    content: Option<String>,
}

#[derive(Deserialize)]
struct ChatUsage {
    #[serde(default)]
    prompt_tokens: u64,
    #[serde(default)]
    completion_tokens: u64,
}

#[async_trait]
impl Evaluator for OpenAiEvaluator {
    fn model(&self) -> &str {
        &self.model
    }

    async fn reply(&self, prompt: &EvaluationPrompt) -> PortResult<ModelReply> {
        let body = json!({
            "model": self.model,
            "messages": [
                { "role": "system", "content": prompt.system },
                { "role": "user", "content": prompt.user },
            ],
            // The same answers should get the same advice.
            "temperature": 0,
            "response_format": { "type": "json_object" },
        });
        let response = self
            .endpoint
            .post("/v1/chat/completions", CHAT_TIMEOUT)
            .json(&body)
            .send()
            .await
            .map_err(|e| Unavailable::from_err("chat completion request", e))?;
        if !response.status().is_success() {
            return Err(Unavailable(format!(
                "chat completion with {}: {}",
                self.model,
                error_reason(response).await
            )));
        }
        let completion: ChatCompletion = response
            .json()
            .await
            .map_err(|e| Unavailable::from_err("reading the chat completion", e))?;
        let Some(text) = completion
            .choices
            .into_iter()
            .next()
            .and_then(|choice| choice.message.content)
        else {
            return Err(Unavailable(format!(
                "chat completion with {}: the reply holds no message text",
                self.model
            )));
        };
        let usage = completion.usage;
        Ok(ModelReply {
            text,
            input_tokens: usage.as_ref().map_or(0, |u| u.prompt_tokens),
            output_tokens: usage.as_ref().map_or(0, |u| u.completion_tokens),
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn reply(json: &str) -> VerboseTranscription {
        serde_json::from_str(json).unwrap()
    }

    #[test]
    fn a_verbose_reply_becomes_a_transcript() {
        let transcript = transcript_from_reply(
            reply(
                r#"{"task":"transcribe","language":"english","duration":3.2,
                "text":" Hello there. Bye.",
                "segments":[{"id":0,"start":0.0,"end":1.5,"text":" Hello there."},
                            {"id":1,"start":2.0,"end":3.1,"text":" Bye."}],
                "words":[{"word":"Hello","start":0.1,"end":0.6},
                         {"word":"there","start":0.6,"end":1.4},
                         {"word":"Bye","start":2.1,"end":3.0}]}"#,
            ),
            Some("en-US"),
        );
        assert_eq!(transcript.text, "Hello there. Bye.");
        assert_eq!(transcript.segments.len(), 2);
        assert_eq!(transcript.segments[1].text, "Bye.");
        assert_eq!(transcript.words.len(), 3);
        assert_eq!(transcript.language.as_deref(), Some("en-US"));
    }

    #[test]
    fn text_without_segments_is_one_segment_over_the_recording() {
        let transcript = transcript_from_reply(
            reply(r#"{"text":"Hello.","language":"english","duration":4.5}"#),
            None,
        );
        assert_eq!(transcript.segments.len(), 1);
        assert_eq!(transcript.segments[0].end, 4.5);
        assert_eq!(transcript.language.as_deref(), Some("english"));
        let silent = transcript_from_reply(reply(r#"{"text":""}"#), None);
        assert!(silent.segments.is_empty());
    }

    #[test]
    fn uploads_are_named_by_their_format() {
        assert_eq!(
            upload_file_name("video/webm;codecs=vp8,opus"),
            Some("recording.webm")
        );
        assert_eq!(upload_file_name("video/quicktime"), Some("recording.mp4"));
        assert_eq!(upload_file_name("application/pdf"), None);
    }

    #[test]
    fn the_base_url_may_name_the_v1_root() {
        assert_eq!(Endpoint::new("http://h:1/v1/").base_url, "http://h:1");
        assert_eq!(Endpoint::new("http://h:1").base_url, "http://h:1");
    }
}
