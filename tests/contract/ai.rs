//! The transcription and evaluation adapters: Amazon Transcribe against moto, Bedrock and the
//! OpenAI-compatible adapters against stand-ins speaking those APIs (`ai_servers`).

use reelview::aws::{BedrockEvaluator, TranscribeJobs};
use reelview::domain::EvaluationPrompt;
use reelview::local::{OpenAiEvaluator, OpenAiTranscriber};
use reelview::ports::{
    Evaluator, ModelReply, Transcriber, TranscriptionOutcome, TranscriptionRequest,
};
use reelview_tests::ai_servers::{
    chat_reply, converse_reply, AiServer, Operation, Recorded, Scripted,
};
use reelview_tests::emulator;
use serde_json::json;

fn prompt() -> EvaluationPrompt {
    EvaluationPrompt {
        system: "You advise a hiring team. Reply with one JSON object.".into(),
        user: "Question: Tell us about a hard bug.\nAnswer: I bisected it.".into(),
    }
}

fn unique(prefix: &str) -> String {
    format!("{prefix}-{}", uuid::Uuid::new_v4().simple())
}

// ---------------------------------------------------------------------------------------------
// Amazon Transcribe (moto).

/// A video bucket holding one recording, and a transcriber over it.
struct TranscribeFixture {
    jobs: TranscribeJobs,
    s3: aws_sdk_s3::Client,
    transcribe: aws_sdk_transcribe::Client,
    bucket: String,
    request: TranscriptionRequest,
}

async fn transcribe_fixture(content_type: &str) -> TranscribeFixture {
    let config = emulator::sdk_config().await;
    let s3 = emulator::s3_client().await;
    let bucket = unique("reelview-ai")[..28].to_string();
    s3.create_bucket()
        .bucket(&bucket)
        .send()
        .await
        .expect("create bucket");
    let object_key = format!("{}/answer/1", unique("tenant"));
    s3.put_object()
        .bucket(&bucket)
        .key(&object_key)
        .content_type(content_type)
        .body(reelview_tests::video(2048, 7).into())
        .send()
        .await
        .expect("put the recording");
    let transcribe = reelview::aws::transcribe(&config);
    TranscribeFixture {
        jobs: TranscribeJobs::new(transcribe.clone(), s3.clone(), bucket.clone()),
        s3,
        transcribe,
        request: TranscriptionRequest {
            job_name: unique("reelview-test"),
            output_key: format!("transcripts/{object_key}.json"),
            object_key,
            content_type: content_type.into(),
            media_url: String::new(),
            language: None,
        },
        bucket,
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn transcribe_starts_one_job_and_reads_its_result() {
    let f = transcribe_fixture("video/webm;codecs=vp8,opus").await;
    let started = f.jobs.start(&f.request).await.expect("start");
    assert_eq!(started, TranscriptionOutcome::Started);
    // A retried request finds the job it started: no error, no second job.
    let again = f.jobs.start(&f.request).await.expect("start again");
    assert_eq!(again, TranscriptionOutcome::Started);

    let job = f
        .transcribe
        .get_transcription_job()
        .transcription_job_name(&f.request.job_name)
        .send()
        .await
        .expect("the job exists");
    let job = job.transcription_job().expect("a job");
    assert_eq!(
        job.media().and_then(|m| m.media_file_uri()),
        Some(format!("s3://{}/{}", f.bucket, f.request.object_key).as_str())
    );
    assert_eq!(job.media_format().map(|m| m.as_str()), Some("webm"));
    assert_eq!(job.identify_language(), Some(true));

    // What Transcribe writes at the output key when it is done (moto writes nothing). No
    // `language_code`: the job's own language is taken.
    let document = json!({
        "jobName": f.request.job_name,
        "accountId": "123456789012",
        "status": "COMPLETED",
        "results": {
            "transcripts": [{ "transcript": "Yes, twice. Then never." }],
            "items": [
                { "id": 0, "type": "pronunciation", "start_time": "0.3", "end_time": "0.62",
                  "alternatives": [{ "confidence": "0.998", "content": "Yes" }] },
                { "id": 1, "type": "punctuation",
                  "alternatives": [{ "confidence": "0.0", "content": "," }] },
                { "id": 2, "type": "pronunciation", "start_time": "0.7", "end_time": "1.2",
                  "alternatives": [{ "confidence": "0.97", "content": "twice" }] },
                { "id": 3, "type": "punctuation",
                  "alternatives": [{ "confidence": "0.0", "content": "." }] },
                { "id": 4, "type": "pronunciation", "start_time": "1.9", "end_time": "2.2",
                  "alternatives": [{ "confidence": "0.99", "content": "Then" }] },
                { "id": 5, "type": "pronunciation", "start_time": "2.2", "end_time": "2.71",
                  "alternatives": [{ "confidence": "0.99", "content": "never" }] },
                { "id": 6, "type": "punctuation",
                  "alternatives": [{ "confidence": "0.0", "content": "." }] }
            ],
            "audio_segments": [
                { "id": 0, "transcript": "Yes, twice. Then never.", "start_time": "0.3",
                  "end_time": "2.71", "items": [0, 1, 2, 3, 4, 5, 6] }
            ]
        }
    });
    f.s3.put_object()
        .bucket(&f.bucket)
        .key(&f.request.output_key)
        .body(document.to_string().into_bytes().into())
        .send()
        .await
        .expect("put the result document");

    // moto moves a job one state on (QUEUED, IN_PROGRESS, COMPLETED) at each look.
    let mut transcript = None;
    for _ in 0..5 {
        match f
            .jobs
            .outcome(&f.request.job_name, &f.request.output_key)
            .await
            .expect("outcome")
        {
            TranscriptionOutcome::Started => continue,
            TranscriptionOutcome::Finished(t) => {
                transcript = Some(t);
                break;
            }
            TranscriptionOutcome::Failed(reason) => panic!("the job failed: {reason}"),
        }
    }
    let transcript = transcript.expect("the job completes");
    assert_eq!(transcript.text, "Yes, twice. Then never.");
    let segments: Vec<_> = transcript
        .segments
        .iter()
        .map(|s| (s.start, s.end, s.text.as_str()))
        .collect();
    assert_eq!(
        segments,
        [(0.3, 1.2, "Yes, twice."), (1.9, 2.71, "Then never.")]
    );
    let words: Vec<_> = transcript.words.iter().map(|w| w.text.as_str()).collect();
    assert_eq!(words, ["Yes", "twice", "Then", "never"]);
    // moto "identifies" every language as en-US.
    assert_eq!(transcript.language.as_deref(), Some("en-US"));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn transcribe_is_told_the_language_when_known() {
    let mut f = transcribe_fixture("video/quicktime").await;
    f.request.language = Some("pt-BR".into());
    assert_eq!(
        f.jobs.start(&f.request).await.expect("start"),
        TranscriptionOutcome::Started
    );
    let job = f
        .transcribe
        .get_transcription_job()
        .transcription_job_name(&f.request.job_name)
        .send()
        .await
        .expect("the job exists");
    let job = job.transcription_job().expect("a job");
    assert_eq!(job.language_code().map(|l| l.as_str()), Some("pt-BR"));
    assert_eq!(job.identify_language(), None);
    assert_eq!(job.media_format().map(|m| m.as_str()), Some("mp4"));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn transcribe_refuses_what_it_cannot_read_and_jobs_that_do_not_exist() {
    let f = transcribe_fixture("video/x-matroska").await;
    match f.jobs.start(&f.request).await.expect("start") {
        TranscriptionOutcome::Failed(reason) => assert!(reason.contains("unsupported format")),
        other => panic!("{other:?}"),
    }
    match f
        .jobs
        .outcome(&f.request.job_name, &f.request.output_key)
        .await
        .expect("outcome")
    {
        TranscriptionOutcome::Failed(reason) => assert!(reason.contains(&f.request.job_name)),
        other => panic!("no job was started, yet: {other:?}"),
    }
}

// ---------------------------------------------------------------------------------------------
// Amazon Bedrock (a stand-in speaking Converse).

const BEDROCK_MODEL: &str = "anthropic.claude-3-5-haiku-20241022-v1:0";

async fn bedrock_evaluator(server: &AiServer) -> BedrockEvaluator {
    let config = aws_config::defaults(aws_config::BehaviorVersion::latest())
        .http_client(reelview::aws::http_client())
        .endpoint_url(&server.base_url)
        .region(aws_config::Region::new("eu-west-1"))
        .credentials_provider(aws_sdk_dynamodb::config::Credentials::new(
            "testing", "testing", None, None, "tests",
        ))
        .load()
        .await;
    BedrockEvaluator::new(reelview::aws::bedrock(&config), BEDROCK_MODEL.into())
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn bedrock_sends_the_prompt_and_returns_the_reply_and_its_cost() {
    let server = AiServer::bedrock().await;
    server.then_reply(
        Operation::Converse,
        Scripted::json(
            200,
            converse_reply(&["{\"answers\": [", "{\"score\": 4}]}"], 1234, 56),
        ),
    );
    let evaluator = bedrock_evaluator(&server).await;
    assert_eq!(evaluator.model(), BEDROCK_MODEL);

    let reply = evaluator.reply(&prompt()).await.expect("a reply");
    assert_eq!(
        reply,
        ModelReply {
            text: "{\"answers\": [{\"score\": 4}]}".into(),
            input_tokens: 1234,
            output_tokens: 56,
        }
    );

    let sent = server.requests(Operation::Converse);
    assert_eq!(sent.len(), 1);
    assert_eq!(sent[0].path, format!("/model/{BEDROCK_MODEL}/converse"));
    assert!(sent[0]
        .header("authorization")
        .is_some_and(|a| a.starts_with("AWS4-HMAC-SHA256") && a.contains("/bedrock/")));
    let body = sent[0].json();
    assert_eq!(body["system"], json!([{ "text": prompt().system }]));
    assert_eq!(
        body["messages"],
        json!([{ "role": "user", "content": [{ "text": prompt().user }] }])
    );
    assert_eq!(body["inferenceConfig"]["temperature"], json!(0.0));
    assert_eq!(body["inferenceConfig"]["maxTokens"], json!(2000));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn bedrock_reports_a_reply_it_cannot_read_and_recovers() {
    let server = AiServer::bedrock().await;
    server.then_reply(
        Operation::Converse,
        Scripted::raw(200, r#"{"output": {"message": {"role": "assis"#),
    );
    server.then_reply(
        Operation::Converse,
        Scripted::json(200, converse_reply(&["{}"], 7, 1)),
    );
    server.then_reply(
        Operation::Converse,
        Scripted::aws_error(
            400,
            "ValidationException",
            "The provided model identifier is invalid.",
        ),
    );
    let evaluator = bedrock_evaluator(&server).await;

    let broken = evaluator
        .reply(&prompt())
        .await
        .expect_err("a broken reply");
    assert!(broken.0.contains(BEDROCK_MODEL), "{broken}");
    let reply = evaluator.reply(&prompt()).await.expect("the next reply");
    assert_eq!((reply.text.as_str(), reply.input_tokens), ("{}", 7));
    let refused = evaluator.reply(&prompt()).await.expect_err("refused");
    assert!(
        refused.0.contains("model identifier is invalid"),
        "{refused}"
    );
    assert_eq!(server.requests(Operation::Converse).len(), 3);
}

// ---------------------------------------------------------------------------------------------
// An OpenAI-compatible API (a stand-in).

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn openai_chat_sends_the_prompt_and_returns_the_reply_and_its_cost() {
    let server = AiServer::openai().await;
    server.then_reply(
        Operation::ChatCompletion,
        Scripted::json(200, json!({ "id": "x", "choices": [] })),
    );
    server.then_reply(
        Operation::ChatCompletion,
        Scripted::json(200, chat_reply("{\"score\": 3}", 321, 9)),
    );
    server.then_reply(
        Operation::ChatCompletion,
        Scripted::json(
            200,
            json!({ "choices": [{ "message": { "role": "assistant", "content": "{}" } }] }),
        ),
    );
    server.then_reply(
        Operation::ChatCompletion,
        Scripted::json(
            429,
            json!({ "error": { "message": "Rate limit reached", "type": "requests" } }),
        ),
    );
    let evaluator = OpenAiEvaluator::new(&format!("{}/v1/", server.base_url), "gpt-4o-mini")
        .with_api_key(Some("sk-test".into()));
    assert_eq!(evaluator.model(), "gpt-4o-mini");

    let empty = evaluator.reply(&prompt()).await.expect_err("no choices");
    assert!(empty.0.contains("no message"), "{empty}");
    let reply = evaluator.reply(&prompt()).await.expect("a reply");
    assert_eq!(
        reply,
        ModelReply {
            text: "{\"score\": 3}".into(),
            input_tokens: 321,
            output_tokens: 9,
        }
    );
    // A server that counts no tokens.
    let uncounted = evaluator.reply(&prompt()).await.expect("a reply");
    assert_eq!((uncounted.input_tokens, uncounted.output_tokens), (0, 0));
    let limited = evaluator.reply(&prompt()).await.expect_err("rate limited");
    assert!(limited.0.contains("429") && limited.0.contains("Rate limit reached"));

    let sent = server.requests(Operation::ChatCompletion);
    assert_eq!(sent.len(), 4);
    assert_eq!(sent[1].header("authorization"), Some("Bearer sk-test"));
    assert_eq!(
        sent[1].json(),
        json!({
            "model": "gpt-4o-mini",
            "messages": [
                { "role": "system", "content": prompt().system },
                { "role": "user", "content": prompt().user },
            ],
            "temperature": 0,
            "response_format": { "type": "json_object" },
        })
    );
}

fn openai_request(server: &AiServer, recording: &[u8]) -> TranscriptionRequest {
    TranscriptionRequest {
        job_name: unique("reelview-test"),
        object_key: "tenant/interview/question/1".into(),
        content_type: "video/webm;codecs=vp9,opus".into(),
        media_url: server.serve_media("answer.webm", "video/webm", recording.to_vec()),
        output_key: "unused".into(),
        language: Some("en-US".into()),
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn openai_transcribes_the_recording_at_once() {
    let server = AiServer::openai().await;
    let recording = reelview_tests::video(50_000, 3);
    let request = openai_request(&server, &recording);
    let transcriber = OpenAiTranscriber::new(&server.base_url, "whisper-1");

    let transcript = match transcriber.start(&request).await.expect("start") {
        TranscriptionOutcome::Finished(transcript) => transcript,
        other => panic!("{other:?}"),
    };
    assert_eq!(transcript.text, "I ship small changes. Every day.");
    let segments: Vec<_> = transcript
        .segments
        .iter()
        .map(|s| (s.start, s.end, s.text.as_str()))
        .collect();
    assert_eq!(
        segments,
        [
            (0.0, 2.1, "I ship small changes."),
            (2.4, 3.9, "Every day.")
        ]
    );
    assert_eq!(transcript.words.len(), 6);
    assert_eq!(
        (transcript.words[5].start, transcript.words[5].text.as_str()),
        (2.9, "day")
    );
    assert_eq!(transcript.language.as_deref(), Some("en-US"));

    assert_eq!(server.requests(Operation::Media).len(), 1);
    let sent = server.requests(Operation::Transcription);
    assert_eq!(sent.len(), 1);
    let upload: &Recorded = &sent[0];
    assert_eq!(upload.header("authorization"), None);
    let form = upload.form();
    let file = form.iter().find(|p| p.name == "file").expect("a file part");
    assert_eq!(file.data, recording);
    assert_eq!(file.file_name.as_deref(), Some("recording.webm"));
    assert_eq!(file.content_type.as_deref(), Some("video/webm"));
    assert_eq!(upload.fields("model"), ["whisper-1"]);
    assert_eq!(upload.fields("response_format"), ["verbose_json"]);
    assert_eq!(
        upload.fields("timestamp_granularities[]"),
        ["word", "segment"]
    );
    assert_eq!(upload.fields("language"), ["en"]);

    // Nothing runs on after the reply.
    assert!(matches!(
        transcriber
            .outcome(&request.job_name, &request.output_key)
            .await,
        Ok(TranscriptionOutcome::Failed(_))
    ));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn openai_refusals_fail_the_transcript_and_outages_do_not() {
    let server = AiServer::openai().await;
    server.then_reply(
        Operation::Transcription,
        Scripted::json(
            400,
            json!({ "error": {
                "message": "Audio file might be corrupted or unsupported",
                "type": "invalid_request_error", "param": "file", "code": "invalid_value"
            } }),
        ),
    );
    server.then_reply(
        Operation::Transcription,
        Scripted::raw(502, "<html>Bad Gateway</html>"),
    );
    server.then_reply(
        Operation::Transcription,
        Scripted::raw(200, r#"{"text": "cut o"#),
    );
    let request = openai_request(&server, b"not really a recording");
    let transcriber = OpenAiTranscriber::new(&server.base_url, "whisper-1");

    match transcriber.start(&request).await.expect("a refusal") {
        TranscriptionOutcome::Failed(reason) => {
            assert!(reason.contains("might be corrupted"), "{reason}")
        }
        other => panic!("{other:?}"),
    }
    let outage = transcriber.start(&request).await.expect_err("an outage");
    assert!(outage.0.contains("502"), "{outage}");
    let broken = transcriber
        .start(&request)
        .await
        .expect_err("a cut-off reply");
    assert!(broken.0.contains("transcription reply"), "{broken}");
    // A wrong key is the deployment's to fix: retried later, not a failed transcript.
    server.then_reply(
        Operation::Transcription,
        Scripted::json(
            401,
            json!({ "error": { "message": "Incorrect API key provided" } }),
        ),
    );
    let refused = transcriber.start(&request).await.expect_err("a wrong key");
    assert!(refused.0.contains("Incorrect API key"), "{refused}");

    // A recording that cannot be fetched is an outage too, and nothing is sent.
    let gone = TranscriptionRequest {
        media_url: format!("{}/media/gone.webm", server.base_url),
        ..request
    };
    let missing = transcriber.start(&gone).await.expect_err("no recording");
    assert!(missing.0.contains("404"), "{missing}");
    assert_eq!(server.requests(Operation::Transcription).len(), 4);
}
