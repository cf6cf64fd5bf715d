//! Answer transcripts by Amazon Transcribe batch jobs. The recording never leaves the team's
//! account: Transcribe reads it from the video bucket and writes its result document back
//! into the same bucket, where `outcome` reads it once the job is done.

use crate::domain::{Segment, Transcript};
use crate::ports::{
    PortResult, Transcriber, TranscriptionOutcome, TranscriptionRequest, Unavailable,
};
use async_trait::async_trait;
use aws_sdk_transcribe::error::DisplayErrorContext;
use aws_sdk_transcribe::operation::get_transcription_job::GetTranscriptionJobError;
use aws_sdk_transcribe::operation::start_transcription_job::StartTranscriptionJobError;
use aws_sdk_transcribe::types::{LanguageCode, Media, MediaFormat, TranscriptionJobStatus};
use serde::Deserialize;

/// Transcription jobs over the recordings of one video bucket.
pub struct TranscribeJobs {
    transcribe: aws_sdk_transcribe::Client,
    s3: aws_sdk_s3::Client,
    /// The video bucket: where recordings are read from and result documents written to.
    bucket: String,
}

impl TranscribeJobs {
    pub fn new(
        transcribe: aws_sdk_transcribe::Client,
        s3: aws_sdk_s3::Client,
        bucket: String,
    ) -> Self {
        Self {
            transcribe,
            s3,
            bucket,
        }
    }

    /// Reads the finished job's result document and makes the transcript of it; `job_language`
    /// is the language the job was told or identified, used when the document names none.
    async fn read_result(
        &self,
        job_name: &str,
        output_key: &str,
        job_language: Option<String>,
    ) -> PortResult<TranscriptionOutcome> {
        let key = result_object_key(job_name, output_key);
        let object = self
            .s3
            .get_object()
            .bucket(&self.bucket)
            .key(&key)
            .send()
            .await
            .map_err(|e| {
                Unavailable::from_err(
                    &format!("reading the transcript {key} of job {job_name}"),
                    DisplayErrorContext(e),
                )
            })?;
        let bytes = object
            .body
            .collect()
            .await
            .map_err(|e| Unavailable::from_err(&format!("reading the transcript {key}"), e))?
            .into_bytes();
        // A document we cannot read is our parser's fault, not the recording's: it is an
        // outage to look into (and retry once fixed), never a failed transcript.
        let mut transcript = parse_transcribe_output(&bytes)
            .map_err(|e| Unavailable::from_err(&format!("parsing the transcript {key}"), e))?;
        if transcript.language.is_none() {
            transcript.language = job_language;
        }
        Ok(TranscriptionOutcome::Finished(transcript))
    }
}

/// Transcribe's media format for a recording's content type (parameters such as `codecs=`
/// ignored), or `None` for a type it cannot read.
fn media_format(content_type: &str) -> Option<MediaFormat> {
    let essence = content_type
        .split(';')
        .next()
        .unwrap_or_default()
        .trim()
        .to_ascii_lowercase();
    Some(match essence.as_str() {
        "video/webm" | "audio/webm" => MediaFormat::Webm,
        // A QuickTime movie (what iPhones save) is the ISO base media file format MP4 grew
        // out of: the same boxes and the same AAC audio track, which Transcribe's MP4 reader
        // takes as it is.
        "video/mp4" | "audio/mp4" | "video/quicktime" => MediaFormat::Mp4,
        "audio/ogg" => MediaFormat::Ogg,
        "audio/mpeg" => MediaFormat::Mp3,
        "audio/wav" => MediaFormat::Wav,
        "audio/flac" => MediaFormat::Flac,
        _ => return None,
    })
}

/// Where Transcribe writes a job's result for the `OutputKey` it was given: a key ending in
/// `.json` is the document's own key; any other key is a folder holding `<job name>.json`.
fn result_object_key(job_name: &str, output_key: &str) -> String {
    if output_key.ends_with(".json") {
        output_key.to_string()
    } else {
        format!("{}/{job_name}.json", output_key.trim_end_matches('/'))
    }
}

#[async_trait]
impl Transcriber for TranscribeJobs {
    async fn start(&self, request: &TranscriptionRequest) -> PortResult<TranscriptionOutcome> {
        let Some(format) = media_format(&request.content_type) else {
            return Ok(TranscriptionOutcome::Failed(format!(
                "unsupported format: {}",
                request.content_type
            )));
        };
        let media = Media::builder()
            .media_file_uri(format!("s3://{}/{}", self.bucket, request.object_key))
            .build();
        let mut job = self
            .transcribe
            .start_transcription_job()
            .transcription_job_name(&request.job_name)
            .media(media)
            .media_format(format)
            .output_bucket_name(&self.bucket)
            .output_key(&request.output_key);
        job = match &request.language {
            Some(language) => job.language_code(LanguageCode::from(language.as_str())),
            None => job.identify_language(true),
        };
        match job.send().await {
            Ok(_) => Ok(TranscriptionOutcome::Started),
            Err(e) => match e.into_service_error() {
                // The job was started before (a retried request): report how it stands
                // rather than start, and pay for, a second one.
                StartTranscriptionJobError::ConflictException(_) => {
                    self.outcome(&request.job_name, &request.output_key).await
                }
                // Transcribe refused this request as it is (an unknown language code, a
                // recording it cannot reach): asking again would be refused again.
                StartTranscriptionJobError::BadRequestException(refused) => {
                    Ok(TranscriptionOutcome::Failed(
                        refused
                            .message()
                            .unwrap_or("Amazon Transcribe refused the job")
                            .to_string(),
                    ))
                }
                other => Err(Unavailable::from_err(
                    &format!("starting transcription job {}", request.job_name),
                    DisplayErrorContext(other),
                )),
            },
        }
    }

    async fn outcome(&self, job_name: &str, output_key: &str) -> PortResult<TranscriptionOutcome> {
        let reply = self
            .transcribe
            .get_transcription_job()
            .transcription_job_name(job_name)
            .send()
            .await;
        let reply = match reply {
            Ok(reply) => reply,
            Err(e) => {
                return match e.into_service_error() {
                    // No such job (Transcribe answers BadRequest or NotFound): nothing will
                    // ever come of it.
                    GetTranscriptionJobError::BadRequestException(_)
                    | GetTranscriptionJobError::NotFoundException(_) => Ok(
                        TranscriptionOutcome::Failed(format!("no transcription job {job_name}")),
                    ),
                    other => Err(Unavailable::from_err(
                        &format!("reading transcription job {job_name}"),
                        DisplayErrorContext(other),
                    )),
                };
            }
        };
        let Some(job) = reply.transcription_job() else {
            return Err(Unavailable(format!(
                "transcription job {job_name}: the reply holds no job"
            )));
        };
        match job.transcription_job_status() {
            Some(TranscriptionJobStatus::Queued | TranscriptionJobStatus::InProgress) => {
                Ok(TranscriptionOutcome::Started)
            }
            Some(TranscriptionJobStatus::Failed) => Ok(TranscriptionOutcome::Failed(
                job.failure_reason()
                    .unwrap_or("Amazon Transcribe gave no reason")
                    .to_string(),
            )),
            Some(TranscriptionJobStatus::Completed) => {
                let language = job.language_code().map(|code| code.as_str().to_string());
                self.read_result(job_name, output_key, language).await
            }
            other => Err(Unavailable(format!(
                "transcription job {job_name}: unknown status {other:?}"
            ))),
        }
    }
}

// ---------------------------------------------------------------------------------------------
// Amazon Transcribe's result document.

#[derive(Deserialize)]
struct OutputDocument {
    results: OutputResults,
}

#[derive(Deserialize)]
struct OutputResults {
    /// Present when the job identified the language itself.
    #[serde(default)]
    language_code: Option<String>,
    #[serde(default)]
    items: Vec<OutputItem>,
}

#[derive(Deserialize)]
struct OutputItem {
    #[serde(rename = "type")]
    kind: ItemKind,
    /// The most likely reading first.
    alternatives: Vec<Alternative>,
    /// Seconds as decimal text; punctuation has no time of its own.
    #[serde(default)]
    start_time: Option<Seconds>,
    #[serde(default)]
    end_time: Option<Seconds>,
}

#[derive(Deserialize, PartialEq)]
#[serde(rename_all = "snake_case")]
enum ItemKind {
    Pronunciation,
    Punctuation,
}

#[derive(Deserialize)]
struct Alternative {
    content: String,
}

/// A time in seconds: Transcribe writes `"1.23"`; a number is taken too.
#[derive(Deserialize)]
#[serde(untagged)]
enum Seconds {
    Text(String),
    Number(f64),
}

impl Seconds {
    fn value(&self) -> Result<f64, String> {
        match self {
            Seconds::Number(n) => Ok(*n),
            Seconds::Text(text) => text
                .trim()
                .parse()
                .map_err(|_| format!("{text:?} is not a time in seconds")),
        }
    }
}

/// The transcript in an Amazon Transcribe result document: its items become timed words,
/// each punctuation mark placed at the end of the word before it.
pub(crate) fn parse_transcribe_output(document: &[u8]) -> Result<Transcript, String> {
    let document: OutputDocument =
        serde_json::from_slice(document).map_err(|e| format!("not a Transcribe result: {e}"))?;
    let mut words = Vec::with_capacity(document.results.items.len());
    let mut last_end = 0.0;
    for (n, item) in document.results.items.iter().enumerate() {
        let Some(best) = item.alternatives.first() else {
            return Err(format!("item {n} has no alternatives"));
        };
        let (start, end) = match item.kind {
            ItemKind::Punctuation => (last_end, last_end),
            ItemKind::Pronunciation => {
                let time = |t: &Option<Seconds>, which: &str| match t {
                    Some(t) => t.value().map_err(|e| format!("item {n}: {e}")),
                    None => Err(format!("item {n} ({}) has no {which}", best.content)),
                };
                (
                    time(&item.start_time, "start_time")?,
                    time(&item.end_time, "end_time")?,
                )
            }
        };
        last_end = end;
        words.push(Segment {
            start,
            end,
            text: best.content.clone(),
        });
    }
    Ok(Transcript::from_words(
        words,
        document.results.language_code,
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    const ANSWER: &str = include_str!("fixtures/transcribe/answer.json");

    #[test]
    fn a_result_document_becomes_a_transcript() {
        let transcript = parse_transcribe_output(ANSWER.as_bytes()).unwrap();
        assert_eq!(
            transcript.text,
            "Hi, I'm Ana. I led the move of our billing system to Rust, \
             and it cut our costs in half. Thank you!"
        );
        assert_eq!(transcript.language.as_deref(), Some("en-US"));
        let segments: Vec<_> = transcript
            .segments
            .iter()
            .map(|s| s.text.as_str())
            .collect();
        assert_eq!(
            segments,
            [
                "Hi, I'm Ana.",
                // A caption holds at most 14 words.
                "I led the move of our billing system to Rust, and it cut our",
                "costs in half.",
                "Thank you!"
            ]
        );
        assert_eq!(
            (transcript.segments[0].start, transcript.segments[0].end),
            (0.54, 1.37)
        );
        assert_eq!(transcript.segments[3].end, 7.61);
        // Words carry their own times; punctuation is no word.
        assert_eq!(transcript.words.len(), 22);
        assert_eq!(transcript.words[1].text, "I'm");
        assert_eq!(
            (transcript.words[1].start, transcript.words[1].end),
            (0.87, 1.05)
        );
    }

    #[test]
    fn silence_is_an_empty_transcript() {
        let document = br#"{"jobName":"j","accountId":"1","status":"COMPLETED",
            "results":{"transcripts":[{"transcript":""}],"items":[],"audio_segments":[]}}"#;
        let transcript = parse_transcribe_output(document).unwrap();
        assert_eq!(transcript.text, "");
        assert!(transcript.segments.is_empty());
        assert_eq!(transcript.language, None);
    }

    #[test]
    fn a_word_without_its_time_is_refused() {
        let document = br#"{"results":{"items":[
            {"type":"pronunciation","alternatives":[{"confidence":"0.9","content":"Hi"}]}]}}"#;
        assert!(parse_transcribe_output(document)
            .unwrap_err()
            .contains("start_time"));
        let document = br#"{"results":{"items":[{"type":"pronunciation",
            "alternatives":[{"content":"Hi"}],"start_time":"soon","end_time":"1"}]}}"#;
        assert!(parse_transcribe_output(document)
            .unwrap_err()
            .contains("soon"));
        assert!(parse_transcribe_output(b"<html>").is_err());
    }

    #[test]
    fn content_types_map_to_media_formats() {
        assert_eq!(
            media_format("video/webm;codecs=vp9,opus"),
            Some(MediaFormat::Webm)
        );
        assert_eq!(media_format("Video/QuickTime"), Some(MediaFormat::Mp4));
        assert_eq!(media_format("audio/mpeg"), Some(MediaFormat::Mp3));
        assert_eq!(media_format("video/x-matroska"), None);
    }

    #[test]
    fn results_are_read_where_transcribe_writes_them() {
        assert_eq!(result_object_key("job", "t/a.json"), "t/a.json");
        assert_eq!(result_object_key("job", "t/a"), "t/a/job.json");
        assert_eq!(result_object_key("job", "t/"), "t/job.json");
    }
}
