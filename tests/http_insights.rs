//! Black-box tests of what happens after the candidate's requests: answers are transcribed
//! and completed interviews evaluated off the request path, through OpenAI-compatible
//! stand-ins (as a local run talks to faster-whisper-server or Ollama), on both backends.
//! Also the answer kinds: audio recordings and written answers.

use reelview_tests::ai_servers::{chat_reply, AiServer, Operation, Scripted};
use reelview_tests::{both, candidate, token_of, video, Backend, Options, Reply, Server};
use reqwest::Method;
use serde_json::{json, Value};
use std::time::Duration;

const MODEL: &str = "llama3.1:8b";

/// A reelview-local transcribing and evaluating through `ai`.
async fn server_with(backend: Backend, ai: &AiServer) -> Server {
    let env = vec![
        ("REELVIEW_TRANSCRIBE_URL".to_string(), ai.base_url.clone()),
        ("REELVIEW_EVALUATION_URL".to_string(), ai.base_url.clone()),
        ("REELVIEW_EVALUATION_MODEL".to_string(), MODEL.to_string()),
    ];
    Server::start_with(
        backend,
        Options {
            env,
            ..Options::default()
        },
    )
    .await
}

/// A position with one question of each kind (rubrics on `rubrics`) and one invited
/// candidate: (key, position, interview id, candidate token).
async fn invited(
    server: &Server,
    rubrics: bool,
    evaluation: bool,
) -> (String, Value, String, String) {
    let key = server.tenant("Acme", None).await;
    let rubric = |text: &str| if rubrics { json!(text) } else { Value::Null };
    let position = server
        .position(
            &key,
            json!({
                "language": "en-US",
                "evaluation": evaluation,
                "questions": [
                    { "text": "Tell us how you ship.", "rubric": rubric("small changes; daily") },
                    { "text": "Say hello.", "kind": "audio", "rubric": rubric("greets") },
                    { "text": "Why us?", "kind": "text", "maxCharacters": 200, "rubric": rubric("names the product") },
                ],
            }),
        )
        .await;
    let invited = server
        .invite(&key, &position, &candidate("ana@example.com"))
        .await;
    assert_eq!(invited.status, 201, "{:?}", invited.body);
    (
        key,
        position.clone(),
        invited.body["id"].as_str().unwrap().to_string(),
        token_of(invited.body["url"].as_str().unwrap()),
    )
}

fn question(position: &Value, i: usize) -> String {
    position["questions"][i]["id"].as_str().unwrap().to_string()
}

/// Records a voice answer (`audio/webm`) the way the candidate page does.
async fn answer_audio(server: &Server, token: &str, question: &str, bytes: &[u8]) {
    let base = format!("/v1/candidate/{token}/answers/{question}/uploads");
    let ticket = server
        .call(
            Method::POST,
            &base,
            None,
            Some(&json!({ "contentType": "audio/webm;codecs=opus", "size": bytes.len() })),
        )
        .await;
    assert_eq!(ticket.status, 201, "{:?}", ticket.body);
    let status = server
        .put_signed(
            ticket.body["url"].as_str().unwrap(),
            &ticket.body["headers"],
            bytes.to_vec(),
        )
        .await;
    assert_eq!(status, 200);
    let upload = ticket.body["uploadId"].as_str().unwrap();
    let done = server
        .call(
            Method::POST,
            &format!("{base}/{upload}/complete"),
            None,
            None,
        )
        .await;
    assert_eq!(done.status, 200, "{:?}", done.body);
}

async fn write(server: &Server, token: &str, question: &str, text: &str) -> Reply {
    server
        .call(
            Method::PUT,
            &format!("/v1/candidate/{token}/answers/{question}/text"),
            None,
            Some(&json!({ "text": text })),
        )
        .await
}

async fn submit(server: &Server, token: &str) -> Reply {
    server
        .call(
            Method::POST,
            &format!("/v1/candidate/{token}/submit"),
            None,
            None,
        )
        .await
}

/// The interview's results once `ready` holds for them (followups run within a second or
/// two; this waits up to 30 s).
async fn results_when(
    server: &Server,
    key: &str,
    id: &str,
    ready: impl Fn(&Value) -> bool,
) -> Value {
    for _ in 0..150 {
        let results = server.get(&format!("/v1/interviews/{id}"), key).await;
        assert_eq!(results.status, 200, "{:?}", results.body);
        if ready(&results.body) {
            return results.body;
        }
        tokio::time::sleep(Duration::from_millis(200)).await;
    }
    panic!("the followups did not finish");
}

fn answer_of<'a>(results: &'a Value, question: &str) -> &'a Value {
    results["answers"]
        .as_array()
        .unwrap()
        .iter()
        .find(|a| a["questionId"] == question)
        .unwrap_or_else(|| panic!("no answer to {question}: {results}"))
}

fn transcripts_settled(results: &Value) -> bool {
    results["answers"].as_array().is_some_and(|answers| {
        answers
            .iter()
            .all(|a| a["transcript"]["status"] != "pending")
    })
}

/// An evaluation reply for the three questions, as the model is asked to write it.
fn good_evaluation(position: &Value) -> String {
    json!({ "questions": (0..3).map(|i| json!({
        "questionId": question(position, i),
        "summary": "Ships small changes every day.",
        "covered": ["small changes"],
        "missed": [],
        "suggestedScore": 4,
    })).collect::<Vec<_>>() })
    .to_string()
}

async fn text_of(server: &Server, path: &str, key: Option<&str>) -> (u16, String, String) {
    let mut request = server.http.get(server.url(path));
    if let Some(key) = key {
        request = request.bearer_auth(key);
    }
    let response = request.send().await.unwrap();
    let status = response.status().as_u16();
    let content_type = response
        .headers()
        .get("content-type")
        .map(|v| v.to_str().unwrap().to_string())
        .unwrap_or_default();
    (status, content_type, response.text().await.unwrap())
}

both!(answers_are_transcribed_and_a_completion_is_evaluated_once_off_the_request_path);
async fn answers_are_transcribed_and_a_completion_is_evaluated_once_off_the_request_path(
    backend: Backend,
) {
    let ai = AiServer::openai().await;
    let server = server_with(backend, &ai).await;
    let (key, position, id, token) = invited(&server, true, true).await;
    let (q_video, q_audio, q_text) = (
        question(&position, 0),
        question(&position, 1),
        question(&position, 2),
    );

    let recording = video(4096, 1);
    server.answer(&token, &q_video, &recording, Some(4.2)).await;
    answer_audio(&server, &token, &q_audio, b"OggS voice answer").await;
    let saved = write(&server, &token, &q_text, "  I use Reelview daily.  ").await;
    assert_eq!(saved.status, 200, "{:?}", saved.body);
    assert_eq!(saved.body["text"], "I use Reelview daily.");
    assert_eq!(saved.body["maxCharacters"], 200);

    // The first reply is not the JSON asked for: it is asked again once.
    ai.then_reply(
        Operation::ChatCompletion,
        Scripted::json(200, chat_reply("Sure! Here is my evaluation.", 900, 12)),
    );
    ai.then_reply(
        Operation::ChatCompletion,
        Scripted::json(200, chat_reply(&good_evaluation(&position), 950, 160)),
    );
    assert_eq!(submit(&server, &token).await.status, 200);

    let results = results_when(&server, &key, &id, |r| {
        transcripts_settled(r) && r["evaluation"]["status"] != "pending"
    })
    .await;
    // Each recording went to the transcription service once, with its bytes and language.
    let transcriptions = ai.requests(Operation::Transcription);
    assert_eq!(transcriptions.len(), 2);
    let sent: Vec<Vec<u8>> = transcriptions
        .iter()
        .map(|r| {
            r.form()
                .into_iter()
                .find(|p| p.name == "file")
                .unwrap()
                .data
        })
        .collect();
    assert!(sent.contains(&recording), "the video's bytes were sent");
    assert!(sent.contains(&b"OggS voice answer".to_vec()));
    assert!(transcriptions
        .iter()
        .all(|r| r.fields("language") == vec!["en".to_string()]));

    let video_answer = answer_of(&results, &q_video);
    assert_eq!(video_answer["kind"], "video");
    assert_eq!(video_answer["transcript"]["status"], "ready");
    assert_eq!(
        video_answer["transcript"]["text"],
        "I ship small changes. Every day."
    );
    assert_eq!(video_answer["transcript"]["segments"][0]["start"], 0.0);
    assert_eq!(
        video_answer["transcript"]["segments"][0]["text"],
        "I ship small changes."
    );
    assert_eq!(answer_of(&results, &q_audio)["kind"], "audio");
    let written = answer_of(&results, &q_text);
    assert_eq!(written["kind"], "text");
    assert_eq!(written["text"], "I use Reelview daily.");
    assert_eq!(written["transcript"]["status"], "off");

    // The evaluation: advisory, with the model and prompt version, after two replies.
    let evaluation = &results["evaluation"];
    assert_eq!(evaluation["advisory"], true);
    assert_eq!(evaluation["status"], "ready", "{evaluation}");
    assert_eq!(evaluation["model"], MODEL);
    assert!(evaluation["promptVersion"].as_str().is_some());
    assert_eq!(evaluation["usage"]["attempts"], 2);
    assert_eq!(evaluation["usage"]["inputTokens"], 1850);
    assert_eq!(evaluation["usage"]["outputTokens"], 172);
    assert_eq!(evaluation["questions"].as_array().unwrap().len(), 3);
    assert_eq!(evaluation["questions"][0]["suggestedScore"], 4);
    // It suggests; it does not decide.
    assert_eq!(results["score"], Value::Null);
    assert_eq!(results["stage"], "to_evaluate");
    // The model saw the rubrics, the transcripts and the written answer, as data.
    let chats = ai.requests(Operation::ChatCompletion);
    assert_eq!(chats.len(), 2);
    let prompt = chats[1].json()["messages"][1]["content"]
        .as_str()
        .unwrap()
        .to_string();
    for expected in [
        "small changes; daily",
        "names the product",
        "I ship small changes. Every day.",
        "I use Reelview daily.",
    ] {
        assert!(prompt.contains(expected), "{expected} in {prompt}");
    }
    assert_eq!(chats[1].json()["model"], MODEL);

    // Captions for the reviewer's <video>, as WebVTT.
    let captions = format!("/v1/interviews/{id}/answers/{q_video}/captions.vtt");
    let (status, content_type, vtt) = text_of(&server, &captions, Some(&key)).await;
    assert_eq!(status, 200);
    assert!(content_type.starts_with("text/vtt"), "{content_type}");
    assert!(
        vtt.starts_with("WEBVTT\n\n1\n00:00:00.000 --> 00:00:02.100\nI ship small changes.\n"),
        "{vtt}"
    );
    let (status, _, _) = text_of(
        &server,
        &format!("/v1/interviews/{id}/answers/{q_text}/captions.vtt"),
        Some(&key),
    )
    .await;
    assert_eq!(status, 404, "a written answer has no captions");

    // The share page's data carries the transcripts; its captions need only the share token.
    let share = server
        .post(
            &format!("/v1/interviews/{id}/shares"),
            &key,
            &json!({ "expiresInDays": 1 }),
        )
        .await;
    assert_eq!(share.status, 201, "{:?}", share.body);
    let share_token = token_of(share.body["url"].as_str().unwrap());
    let shared = server
        .call(
            Method::GET,
            &format!("/v1/shares/{share_token}"),
            None,
            None,
        )
        .await;
    let shared_video = shared.body["questions"]
        .as_array()
        .unwrap()
        .iter()
        .find(|q| q["id"] == q_video.as_str())
        .unwrap();
    assert_eq!(shared_video["answer"]["transcript"]["status"], "ready");
    assert!(
        shared.body.get("evaluation").is_none(),
        "the evaluation stays with the team"
    );
    let (status, _, shared_vtt) = text_of(
        &server,
        &format!("/v1/shares/{share_token}/answers/{q_video}/captions.vtt"),
        None,
    )
    .await;
    assert_eq!((status, shared_vtt), (200, vtt));

    // A redo removes the answer's transcript and the evaluation; the new completion is
    // transcribed and evaluated again, once.
    let redo = server
        .call(
            Method::DELETE,
            &format!("/v1/interviews/{id}/answers/{q_video}"),
            Some(&key),
            None,
        )
        .await;
    assert_eq!(redo.status, 200, "{:?}", redo.body);
    assert_eq!(redo.body["evaluation"], Value::Null);
    let (status, _, _) = text_of(&server, &captions, Some(&key)).await;
    assert_eq!(status, 404);
    let reopened = server.get(&format!("/v1/interviews/{id}"), &key).await;
    assert_eq!(
        reopened.body["evaluation"],
        Value::Null,
        "{:?}",
        reopened.body
    );
    ai.then_reply(
        Operation::ChatCompletion,
        Scripted::json(200, chat_reply(&good_evaluation(&position), 950, 160)),
    );
    server.answer(&token, &q_video, &video(2048, 2), None).await;
    assert_eq!(submit(&server, &token).await.status, 200);
    let again = results_when(&server, &key, &id, |r| {
        transcripts_settled(r) && r["evaluation"]["status"] == "ready"
    })
    .await;
    assert_eq!(again["evaluation"]["usage"]["attempts"], 1);
    assert_eq!(ai.requests(Operation::Transcription).len(), 3);
    // Nothing runs twice: a while later, no more calls were made.
    tokio::time::sleep(Duration::from_secs(2)).await;
    assert_eq!(ai.requests(Operation::ChatCompletion).len(), 3);
    assert_eq!(ai.requests(Operation::Transcription).len(), 3);

    // Deleting the interview takes its transcripts and evaluations with it.
    let deleted = server
        .call(
            Method::DELETE,
            &format!("/v1/interviews/{id}"),
            Some(&key),
            None,
        )
        .await;
    assert_eq!(deleted.status, 204);
    if backend == Backend::Aws {
        let (items, objects) = server.everything_stored().await;
        assert!(
            !items.iter().any(|i| i.contains("TRANSCRIPT")
                || i.contains("EVALUATION")
                || i.contains("FOLLOWUP")),
            "{items:?}"
        );
        assert!(
            !objects.iter().any(|o| o.starts_with("transcripts/")),
            "{objects:?}"
        );
    }
}

both!(a_malformed_model_reply_twice_fails_and_positions_without_rubrics_are_not_evaluated);
async fn a_malformed_model_reply_twice_fails_and_positions_without_rubrics_are_not_evaluated(
    backend: Backend,
) {
    let ai = AiServer::openai().await;
    let server = server_with(backend, &ai).await;

    // Two malformed replies: the evaluation is marked failed, with why.
    let (key, position, id, token) = invited(&server, true, true).await;
    server
        .answer(&token, &question(&position, 0), &video(1024, 3), None)
        .await;
    // The transcription service refuses the voice answer: that transcript fails, and the
    // evaluation goes ahead without it.
    ai.then_reply(
        Operation::Transcription,
        Scripted::json(200, reelview_tests::ai_servers::transcription_reply()),
    );
    ai.then_reply(
        Operation::Transcription,
        Scripted::json(400, json!({ "error": { "message": "Audio file is too short", "type": "invalid_request_error" } })),
    );
    answer_audio(&server, &token, &question(&position, 1), b"x").await;
    assert_eq!(
        write(&server, &token, &question(&position, 2), "Because.")
            .await
            .status,
        200
    );
    for _ in 0..2 {
        ai.then_reply(
            Operation::ChatCompletion,
            Scripted::json(200, chat_reply("{\"questions\": \"none\"}", 100, 5)),
        );
    }
    assert_eq!(submit(&server, &token).await.status, 200);
    let results = results_when(&server, &key, &id, |r| {
        transcripts_settled(r) && r["evaluation"]["status"] != "pending"
    })
    .await;
    assert_eq!(
        answer_of(&results, &question(&position, 1))["transcript"]["status"],
        "failed"
    );
    assert_eq!(results["evaluation"]["status"], "failed");
    assert_eq!(results["evaluation"]["usage"]["attempts"], 2);
    assert!(results["evaluation"]["reason"]
        .as_str()
        .unwrap()
        .contains("not usable"));

    // A position that wants evaluation but has no rubric: nothing is sent to the model.
    let before = ai.requests(Operation::ChatCompletion).len();
    let (key, position, id, token) = invited(&server, false, true).await;
    server
        .answer(&token, &question(&position, 0), &video(1024, 3), None)
        .await;
    answer_audio(&server, &token, &question(&position, 1), b"voice").await;
    assert_eq!(
        write(&server, &token, &question(&position, 2), "Because.")
            .await
            .status,
        200
    );
    assert_eq!(submit(&server, &token).await.status, 200);
    let results = results_when(&server, &key, &id, transcripts_settled).await;
    tokio::time::sleep(Duration::from_secs(2)).await;
    assert_eq!(results["evaluation"], Value::Null);
    assert_eq!(ai.requests(Operation::ChatCompletion).len(), before);
}

both!(without_transcription_answers_say_off_and_written_answers_keep_their_rules);
async fn without_transcription_answers_say_off_and_written_answers_keep_their_rules(
    backend: Backend,
) {
    let server = Server::start(backend).await;
    let (key, position, id, token) = invited(&server, true, true).await;
    let (q_video, q_audio, q_text) = (
        question(&position, 0),
        question(&position, 1),
        question(&position, 2),
    );

    let session = server
        .call(Method::GET, &format!("/v1/candidate/{token}"), None, None)
        .await;
    let kinds: Vec<&str> = session.body["questions"]
        .as_array()
        .unwrap()
        .iter()
        .map(|q| q["kind"].as_str().unwrap())
        .collect();
    assert_eq!(kinds, ["video", "audio", "text"]);
    assert_eq!(session.body["questions"][2]["maxCharacters"], 200);
    assert_eq!(
        session.body["questions"][2]["allowedContentTypes"],
        json!([])
    );

    // Each kind takes only its own answers.
    let upload = |question: &str, content_type: &str| {
        let path = format!("/v1/candidate/{token}/answers/{question}/uploads");
        let body = json!({ "contentType": content_type, "size": 1000 });
        let server = &server;
        async move { server.call(Method::POST, &path, None, Some(&body)).await }
    };
    let refused = upload(&q_text, "video/webm").await;
    assert_eq!(
        (refused.status, refused.body["code"].as_str()),
        (409, Some("answer_kind_mismatch"))
    );
    assert_eq!(refused.body["expectedKind"], "text");
    let refused = upload(&q_video, "audio/webm").await;
    assert_eq!(
        (refused.status, refused.body["code"].as_str()),
        (422, Some("unsupported_content_type"))
    );
    let refused = upload(&q_audio, "video/webm").await;
    assert_eq!(refused.status, 422);
    let refused = write(&server, &token, &q_video, "typed").await;
    assert_eq!(
        (refused.status, refused.body["code"].as_str()),
        (409, Some("answer_kind_mismatch"))
    );
    let too_long = write(&server, &token, &q_text, &"é".repeat(201)).await;
    assert_eq!(
        (
            too_long.status,
            too_long.body["errors"][0]["field"].as_str()
        ),
        (422, Some("text"))
    );

    // A cleared written answer is no answer.
    server.answer(&token, &q_video, &video(512, 4), None).await;
    answer_audio(&server, &token, &q_audio, b"voice").await;
    assert_eq!(write(&server, &token, &q_text, "draft").await.status, 200);
    assert_eq!(write(&server, &token, &q_text, "   ").await.status, 200);
    let missing = submit(&server, &token).await;
    assert_eq!(missing.status, 409);
    assert_eq!(missing.body["missingQuestionIds"], json!([q_text]));
    // Drafts are not shown to reviewers before the candidate submits.
    assert_eq!(
        write(&server, &token, &q_text, &"é".repeat(200))
            .await
            .status,
        200
    );
    let before = server.get(&format!("/v1/interviews/{id}"), &key).await;
    assert_eq!(before.body["answers"].as_array().unwrap().len(), 2);
    assert_eq!(submit(&server, &token).await.status, 200);

    let results = server.get(&format!("/v1/interviews/{id}"), &key).await;
    assert_eq!(
        answer_of(&results.body, &q_video)["transcript"]["status"],
        "off"
    );
    assert_eq!(answer_of(&results.body, &q_text)["characters"], 200);
    // This run evaluates nothing: none is asked for or shown as pending.
    assert_eq!(results.body["evaluation"], Value::Null);
    let (status, _, _) = text_of(
        &server,
        &format!("/v1/interviews/{id}/answers/{q_video}/captions.vtt"),
        Some(&key),
    )
    .await;
    assert_eq!(status, 404);
    let locked = write(&server, &token, &q_text, "changed").await;
    assert_eq!(locked.status, 409);
}
