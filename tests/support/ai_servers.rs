//! Stand-ins for the AI services, speaking their real wire formats: Amazon Bedrock's Converse
//! API and an OpenAI-compatible API (transcriptions and chat completions). Each runs on a
//! free port of 127.0.0.1, answers from a queue of scripted replies (a good default reply
//! when the queue is empty) and records every request it gets, so a test can check what an
//! adapter sent.

use axum::body::Bytes;
use axum::http::{HeaderMap, Method, StatusCode, Uri};
use axum::response::{IntoResponse, Response};
use serde_json::{json, Value};
use std::collections::{HashMap, VecDeque};
use std::sync::{Arc, Mutex};

/// The operations the stand-ins serve.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Operation {
    /// Bedrock `POST /model/{modelId}/converse`.
    Converse,
    /// OpenAI `POST /v1/audio/transcriptions`.
    Transcription,
    /// OpenAI `POST /v1/chat/completions`.
    ChatCompletion,
    /// `GET /media/{name}`: a recording served for a transcriber to download.
    Media,
}

/// A reply to give: a status and a body, JSON or not.
#[derive(Debug, Clone)]
pub struct Scripted {
    pub status: u16,
    pub content_type: &'static str,
    /// Further headers, e.g. the error type of an AWS error.
    pub headers: Vec<(&'static str, String)>,
    pub body: String,
}

impl Scripted {
    pub fn json(status: u16, body: Value) -> Self {
        Self {
            status,
            content_type: "application/json",
            headers: Vec::new(),
            body: body.to_string(),
        }
    }

    /// An AWS service error as REST-JSON services send it: the type in `x-amzn-ErrorType`.
    pub fn aws_error(status: u16, error_type: &str, message: &str) -> Self {
        Self {
            headers: vec![(
                "x-amzn-errortype",
                format!("{error_type}:http://internal.amazon.com/coral/com.amazon.bedrock/"),
            )],
            ..Self::json(status, json!({ "message": message }))
        }
    }

    /// A body that is not what the API promises (e.g. cut off).
    pub fn raw(status: u16, body: &str) -> Self {
        Self {
            status,
            content_type: "application/json",
            headers: Vec::new(),
            body: body.to_string(),
        }
    }
}

/// A request as the stand-in got it.
#[derive(Debug, Clone)]
pub struct Recorded {
    pub method: String,
    /// The path with its percent-escapes decoded (the SDK escapes the `:` of a model id).
    pub path: String,
    pub headers: HashMap<String, String>,
    pub body: Vec<u8>,
}

/// One part of a `multipart/form-data` body.
#[derive(Debug, Clone)]
pub struct FormPart {
    pub name: String,
    pub file_name: Option<String>,
    pub content_type: Option<String>,
    pub data: Vec<u8>,
}

impl Recorded {
    pub fn json(&self) -> Value {
        serde_json::from_slice(&self.body).expect("the request body is JSON")
    }

    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .get(&name.to_ascii_lowercase())
            .map(String::as_str)
    }

    /// The parts of a `multipart/form-data` body, in order.
    pub fn form(&self) -> Vec<FormPart> {
        let content_type = self.header("content-type").expect("a content type");
        let boundary = content_type
            .split(';')
            .find_map(|p| p.trim().strip_prefix("boundary="))
            .expect("a multipart boundary")
            .trim_matches('"');
        parse_multipart(&self.body, boundary)
    }

    /// The text of every form field named `name`.
    pub fn fields(&self, name: &str) -> Vec<String> {
        self.form()
            .into_iter()
            .filter(|p| p.name == name)
            .map(|p| String::from_utf8(p.data).expect("a text field"))
            .collect()
    }
}

fn find(haystack: &[u8], needle: &[u8]) -> Option<usize> {
    haystack.windows(needle.len()).position(|w| w == needle)
}

fn parse_multipart(body: &[u8], boundary: &str) -> Vec<FormPart> {
    let delimiter = format!("--{boundary}").into_bytes();
    let mut parts = Vec::new();
    let mut rest = &body[find(body, &delimiter).expect("a first boundary") + delimiter.len()..];
    // After each boundary: `--` ends the body, CRLF starts a part.
    while let Some(after) = rest.strip_prefix(b"\r\n") {
        let header_end = find(after, b"\r\n\r\n").expect("the part's headers end");
        let headers = String::from_utf8_lossy(&after[..header_end]).to_string();
        let content = &after[header_end + 4..];
        let end = find(content, &[b"\r\n".as_slice(), &delimiter].concat()).expect("a boundary");
        let mut part = FormPart {
            name: String::new(),
            file_name: None,
            content_type: None,
            data: content[..end].to_vec(),
        };
        for line in headers.split("\r\n") {
            let Some((name, value)) = line.split_once(':') else {
                continue;
            };
            match name.trim().to_ascii_lowercase().as_str() {
                "content-disposition" => {
                    for param in value.split(';').map(str::trim) {
                        if let Some(v) = param.strip_prefix("name=") {
                            part.name = v.trim_matches('"').to_string();
                        } else if let Some(v) = param.strip_prefix("filename=") {
                            part.file_name = Some(v.trim_matches('"').to_string());
                        }
                    }
                }
                "content-type" => part.content_type = Some(value.trim().to_string()),
                _ => {}
            }
        }
        parts.push(part);
        rest = &content[end + 2 + delimiter.len()..];
    }
    parts
}

fn percent_decode(path: &str) -> String {
    let bytes = path.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        let escaped = (bytes[i] == b'%')
            .then(|| path.get(i + 1..i + 3))
            .flatten()
            .and_then(|hex| u8::from_str_radix(hex, 16).ok());
        match escaped {
            Some(byte) => {
                out.push(byte);
                i += 3;
            }
            None => {
                out.push(bytes[i]);
                i += 1;
            }
        }
    }
    String::from_utf8_lossy(&out).to_string()
}

#[derive(Default)]
struct State {
    replies: Mutex<HashMap<Operation, VecDeque<Scripted>>>,
    requests: Mutex<Vec<(Operation, Recorded)>>,
    media: Mutex<HashMap<String, (String, Vec<u8>)>>,
}

/// A running stand-in; it stops when the test's runtime ends.
pub struct AiServer {
    /// `http://127.0.0.1:PORT`, without a trailing `/`.
    pub base_url: String,
    state: Arc<State>,
}

/// Which API a stand-in speaks.
#[derive(Clone, Copy)]
enum Api {
    Bedrock,
    OpenAi,
}

impl AiServer {
    /// Speaks Bedrock's Converse API.
    pub async fn bedrock() -> AiServer {
        Self::start(Api::Bedrock).await
    }

    /// Speaks the OpenAI API (transcriptions, chat completions) and serves recordings.
    pub async fn openai() -> AiServer {
        Self::start(Api::OpenAi).await
    }

    async fn start(api: Api) -> AiServer {
        let state = Arc::new(State::default());
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
            .await
            .expect("bind a free port");
        let base_url = format!("http://{}", listener.local_addr().expect("local address"));
        let served = state.clone();
        let app = axum::Router::new().fallback(
            move |method: Method, uri: Uri, headers: HeaderMap, body: Bytes| {
                let state = served.clone();
                async move { answer(api, &state, method, uri, headers, body) }
            },
        );
        tokio::spawn(async move {
            axum::serve(listener, app)
                .await
                .expect("AI stand-in serves");
        });
        AiServer { base_url, state }
    }

    /// Queues `reply` as the next answer to `operation`.
    pub fn then_reply(&self, operation: Operation, reply: Scripted) {
        self.state
            .replies
            .lock()
            .expect("replies")
            .entry(operation)
            .or_default()
            .push_back(reply);
    }

    /// The requests for `operation` so far, oldest first.
    pub fn requests(&self, operation: Operation) -> Vec<Recorded> {
        self.state
            .requests
            .lock()
            .expect("requests")
            .iter()
            .filter(|(op, _)| *op == operation)
            .map(|(_, request)| request.clone())
            .collect()
    }

    /// Serves `bytes` as `content_type` and returns the URL to download them from.
    pub fn serve_media(&self, name: &str, content_type: &str, bytes: Vec<u8>) -> String {
        self.state
            .media
            .lock()
            .expect("media")
            .insert(name.to_string(), (content_type.to_string(), bytes));
        format!("{}/media/{name}", self.base_url)
    }
}

fn answer(
    api: Api,
    state: &State,
    method: Method,
    uri: Uri,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    let path = percent_decode(uri.path());
    let operation = match (api, method.as_str(), path.as_str()) {
        (Api::Bedrock, "POST", p) if p.starts_with("/model/") && p.ends_with("/converse") => {
            Operation::Converse
        }
        (Api::OpenAi, "POST", "/v1/audio/transcriptions") => Operation::Transcription,
        (Api::OpenAi, "POST", "/v1/chat/completions") => Operation::ChatCompletion,
        (Api::OpenAi, "GET", p) if p.starts_with("/media/") => Operation::Media,
        _ => {
            return (
                StatusCode::NOT_FOUND,
                axum::Json(json!({ "message": format!("no route {method} {path}") })),
            )
                .into_response()
        }
    };
    let recorded = Recorded {
        method: method.to_string(),
        path: path.clone(),
        headers: headers
            .iter()
            .map(|(name, value)| {
                (
                    name.as_str().to_string(),
                    value.to_str().unwrap_or_default().to_string(),
                )
            })
            .collect(),
        body: body.to_vec(),
    };
    state
        .requests
        .lock()
        .expect("requests")
        .push((operation, recorded));
    if operation == Operation::Media {
        let name = path.trim_start_matches("/media/");
        return match state.media.lock().expect("media").get(name) {
            Some((content_type, bytes)) => {
                ([("content-type", content_type.clone())], bytes.clone()).into_response()
            }
            None => StatusCode::NOT_FOUND.into_response(),
        };
    }
    let scripted = state
        .replies
        .lock()
        .expect("replies")
        .get_mut(&operation)
        .and_then(VecDeque::pop_front)
        .unwrap_or_else(|| match operation {
            Operation::Converse => Scripted::json(200, converse_reply(&["{}"], 10, 2)),
            Operation::Transcription => Scripted::json(200, transcription_reply()),
            _ => Scripted::json(200, chat_reply("{}", 10, 2)),
        });
    let mut response = (
        StatusCode::from_u16(scripted.status).expect("a status code"),
        [("content-type", scripted.content_type)],
        scripted.body,
    )
        .into_response();
    for (name, value) in scripted.headers {
        response
            .headers_mut()
            .insert(name, value.parse().expect("a header value"));
    }
    response
}

/// A Converse reply as Bedrock writes it: the assistant's text blocks, why it stopped, what
/// it cost.
pub fn converse_reply(text_blocks: &[&str], input_tokens: u64, output_tokens: u64) -> Value {
    json!({
        "output": {
            "message": {
                "role": "assistant",
                "content": text_blocks.iter().map(|t| json!({ "text": t })).collect::<Vec<_>>(),
            }
        },
        "stopReason": "end_turn",
        "usage": {
            "inputTokens": input_tokens,
            "outputTokens": output_tokens,
            "totalTokens": input_tokens + output_tokens,
        },
        "metrics": { "latencyMs": 812 },
    })
}

/// A chat completion as OpenAI writes it.
pub fn chat_reply(content: &str, prompt_tokens: u64, completion_tokens: u64) -> Value {
    json!({
        "id": "chatcmpl-B9MBs8CjcvOU2jLn4n570S5qMJKcT",
        "object": "chat.completion",
        "created": 1741569952,
        "model": "gpt-4o-mini-2024-07-18",
        "choices": [{
            "index": 0,
            "message": { "role": "assistant", "content": content, "refusal": null },
            "logprobs": null,
            "finish_reason": "stop",
        }],
        "usage": {
            "prompt_tokens": prompt_tokens,
            "completion_tokens": completion_tokens,
            "total_tokens": prompt_tokens + completion_tokens,
        },
        "system_fingerprint": "fp_06737a9306",
    })
}

/// A `verbose_json` transcription with word and segment timestamps, as OpenAI writes it.
pub fn transcription_reply() -> Value {
    json!({
        "task": "transcribe",
        "language": "english",
        "duration": 4.2,
        "text": "I ship small changes. Every day.",
        "segments": [
            {
                "id": 0, "seek": 0, "start": 0.0, "end": 2.1,
                "text": " I ship small changes.",
                "tokens": [50364, 286, 5374, 1359, 2962, 13], "temperature": 0.0,
                "avg_logprob": -0.21, "compression_ratio": 0.86, "no_speech_prob": 0.01
            },
            {
                "id": 1, "seek": 0, "start": 2.4, "end": 3.9,
                "text": " Every day.",
                "tokens": [50469, 2048, 786, 13], "temperature": 0.0,
                "avg_logprob": -0.3, "compression_ratio": 0.86, "no_speech_prob": 0.01
            }
        ],
        "words": [
            { "word": "I", "start": 0.0, "end": 0.32 },
            { "word": "ship", "start": 0.32, "end": 0.7 },
            { "word": "small", "start": 0.7, "end": 1.2 },
            { "word": "changes", "start": 1.2, "end": 2.1 },
            { "word": "Every", "start": 2.4, "end": 2.9 },
            { "word": "day", "start": 2.9, "end": 3.9 }
        ]
    })
}
