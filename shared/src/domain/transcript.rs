//! What was said in an answer: its transcript, how far along it is, and the WebVTT captions
//! made from it.

use super::{InterviewId, TenantId, UploadId};
use serde::{Deserialize, Serialize};

/// Where an answer's transcript stands.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum TranscriptStatus {
    /// Not transcribed: transcription is switched off, or the answer is written.
    #[default]
    Off,
    /// Requested; the text follows when the transcription service is done.
    Pending,
    Ready,
    Failed,
}

impl TranscriptStatus {
    /// Whether nothing more will come (so an evaluation need not wait for it).
    pub fn is_settled(self) -> bool {
        self != Self::Pending
    }
}

/// A stretch of speech with its time in the recording, in seconds.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Segment {
    pub start: f64,
    pub end: f64,
    pub text: String,
}

/// The transcript of one answer.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Transcript {
    pub text: String,
    /// Caption-sized stretches (a sentence, or a few seconds of speech).
    pub segments: Vec<Segment>,
    /// Each word with its timing, where the service gives them.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub words: Vec<Segment>,
    /// The language the service heard (or was told), e.g. `en-US`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub language: Option<String>,
}

/// Longest caption a segment built from words may hold.
const MAX_SEGMENT_WORDS: usize = 14;
const MAX_SEGMENT_SECONDS: f64 = 7.0;

impl Transcript {
    /// A transcript from timed words (punctuation comes as words without timing of its own,
    /// `start == end`, and is joined to the word before it). Segments end at a sentence's
    /// end or when a caption would grow too long to read.
    pub fn from_words(words: Vec<Segment>, language: Option<String>) -> Self {
        let mut segments: Vec<Segment> = Vec::new();
        let mut current: Option<(Segment, usize)> = None;
        let mut text = String::new();
        for word in &words {
            let punctuation = is_punctuation(&word.text);
            if !punctuation && !text.is_empty() {
                text.push(' ');
            }
            text.push_str(&word.text);
            match current.as_mut() {
                Some((segment, count)) => {
                    if !punctuation {
                        segment.text.push(' ');
                        *count += 1;
                        segment.end = segment.end.max(word.end);
                    }
                    segment.text.push_str(&word.text);
                }
                None if punctuation => {}
                None => current = Some((word.clone(), 1)),
            }
            let full = current.as_ref().is_some_and(|(segment, count)| {
                *count >= MAX_SEGMENT_WORDS || segment.end - segment.start >= MAX_SEGMENT_SECONDS
            });
            let sentence_end = punctuation && matches!(word.text.as_str(), "." | "?" | "!");
            if full || sentence_end {
                if let Some((segment, _)) = current.take() {
                    segments.push(segment);
                }
            }
        }
        if let Some((segment, _)) = current {
            segments.push(segment);
        }
        Self {
            text,
            segments,
            words: words
                .into_iter()
                .filter(|w| !is_punctuation(&w.text))
                .collect(),
            language,
        }
    }

    /// The transcript as WebVTT captions, one cue per segment.
    pub fn to_webvtt(&self) -> String {
        let mut vtt = String::from("WEBVTT\n");
        for (n, segment) in self.segments.iter().enumerate() {
            // A cue's text may not hold a blank line or "-->"; `<` and `&` start markup.
            let text = segment
                .text
                .split_whitespace()
                .collect::<Vec<_>>()
                .join(" ")
                .replace('&', "&amp;")
                .replace('<', "&lt;")
                .replace('>', "&gt;");
            let end = segment.end.max(segment.start + 0.001);
            vtt.push_str(&format!(
                "\n{}\n{} --> {}\n{}\n",
                n + 1,
                vtt_time(segment.start),
                vtt_time(end),
                text
            ));
        }
        vtt
    }
}

fn is_punctuation(word: &str) -> bool {
    !word.is_empty() && word.chars().all(|c| c.is_ascii_punctuation())
}

/// `hh:mm:ss.ttt`, as WebVTT wants it.
fn vtt_time(seconds: f64) -> String {
    let millis = (seconds.max(0.0) * 1000.0).round() as u64;
    format!(
        "{:02}:{:02}:{:02}.{:03}",
        millis / 3_600_000,
        millis / 60_000 % 60,
        millis / 1000 % 60,
        millis % 1000
    )
}

/// The name of the transcription job of one answer recording. The same recording always
/// gets the same name, so a retried request can never start (and pay for) a second job,
/// and the job's completion tells which answer it belongs to.
pub fn transcription_job_name(
    tenant: TenantId,
    interview: InterviewId,
    upload: UploadId,
) -> String {
    format!("reelview-{tenant}-{interview}-{upload}")
}

/// Where a transcription service that writes its result to storage puts it, beside the
/// recordings: `transcripts/tenant/interview/attempt.json` (the prefix the transcription
/// service may write to, and nothing else).
pub fn transcript_object_key(tenant: TenantId, interview: InterviewId, upload: UploadId) -> String {
    format!("{TRANSCRIPTS_PREFIX}{tenant}/{interview}/{upload}.json")
}

pub const TRANSCRIPTS_PREFIX: &str = "transcripts/";

/// The answer a transcription job belongs to (the inverse of [`transcription_job_name`]).
pub fn parse_transcription_job_name(name: &str) -> Option<(TenantId, InterviewId, UploadId)> {
    let rest = name.strip_prefix("reelview-")?;
    // Each id is a hyphenated UUID of 36 characters.
    let (tenant, rest) = (rest.get(..36)?, rest.get(37..)?);
    let (interview, upload) = (rest.get(..36)?, rest.get(37..)?);
    Some((
        TenantId::parse(tenant)?,
        InterviewId::parse(interview)?,
        UploadId::parse(upload)?,
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn word(start: f64, end: f64, text: &str) -> Segment {
        Segment {
            start,
            end,
            text: text.into(),
        }
    }

    #[test]
    fn words_become_sentences_and_captions() {
        let transcript = Transcript::from_words(
            vec![
                word(0.5, 0.9, "Hello"),
                word(0.9, 0.9, ","),
                word(1.0, 1.4, "I"),
                word(1.4, 1.9, "build"),
                word(1.9, 2.5, "<things>"),
                word(2.5, 2.5, "."),
                word(3.0, 3.5, "Thanks"),
            ],
            Some("en-US".into()),
        );
        assert_eq!(transcript.text, "Hello, I build <things>. Thanks");
        assert_eq!(transcript.segments.len(), 2);
        assert_eq!(transcript.segments[0].text, "Hello, I build <things>.");
        assert_eq!(transcript.segments[0].end, 2.5);
        assert_eq!(transcript.words.len(), 5);
        let vtt = transcript.to_webvtt();
        assert!(vtt.starts_with(
            "WEBVTT\n\n1\n00:00:00.500 --> 00:00:02.500\nHello, I build &lt;things&gt;.\n"
        ));
        assert!(vtt.contains("\n2\n00:00:03.000 --> 00:00:03.500\nThanks\n"));
    }

    #[test]
    fn long_speech_is_cut_into_readable_captions() {
        let words = (0..40)
            .map(|i| word(i as f64 * 0.4, i as f64 * 0.4 + 0.3, "word"))
            .collect();
        let transcript = Transcript::from_words(words, None);
        assert!(transcript.segments.len() >= 3);
        assert!(transcript
            .segments
            .iter()
            .all(|s| s.text.split(' ').count() <= MAX_SEGMENT_WORDS));
    }

    #[test]
    fn job_names_lead_back_to_their_answer() {
        let (t, i, u) = (TenantId::new(), InterviewId::new(), UploadId::new());
        let name = transcription_job_name(t, i, u);
        assert!(name.len() <= 200);
        assert!(name.chars().all(|c| c.is_ascii_alphanumeric() || c == '-'));
        assert_eq!(parse_transcription_job_name(&name), Some((t, i, u)));
        assert_eq!(parse_transcription_job_name("reelview-x"), None);
        assert_eq!(parse_transcription_job_name("other-job"), None);
    }
}
