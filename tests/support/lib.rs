//! Test support: starts `reelview-local` (on port 0, with a fresh data directory) against the
//! embedded adapters or against AWS adapters pointed at a moto server, and reads what it sent;
//! stand-ins for the AI services (`ai_servers`).

pub mod ai_servers;
pub mod apigw;
pub mod deployment;
pub mod emulator;
pub mod mail;
pub mod runtime_api;
pub mod template;

use serde_json::{json, Value};
use std::io::{BufRead, BufReader};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::{Arc, Mutex, OnceLock};
use std::time::Duration;

pub fn workspace_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .expect("workspace root")
        .to_path_buf()
}

/// Runs one black-box scenario against both backends, as two tests named `local` and `aws`
/// in a module named after the scenario. Used from test targets of `reelview-local`, whose
/// binary cargo builds for them.
#[macro_export]
macro_rules! both {
    ($name:ident) => {
        mod $name {
            #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
            async fn local() {
                $crate::use_binary(env!("CARGO_BIN_EXE_reelview-local"));
                super::$name($crate::Backend::Local).await
            }
            #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
            async fn aws() {
                $crate::use_binary(env!("CARGO_BIN_EXE_reelview-local"));
                super::$name($crate::Backend::Aws).await
            }
        }
    };
}

static BINARY: OnceLock<PathBuf> = OnceLock::new();

/// Names the `reelview-local` binary under test; black-box tests pass
/// `env!("CARGO_BIN_EXE_reelview-local")`, which cargo builds for them.
pub fn use_binary(path: &str) {
    let _ = BINARY.set(PathBuf::from(path));
}

fn local_binary() -> PathBuf {
    BINARY
        .get()
        .cloned()
        .or_else(|| std::env::var("REELVIEW_LOCAL_BIN").ok().map(PathBuf::from))
        .expect("call reelview_tests::use_binary(env!(\"CARGO_BIN_EXE_reelview-local\")) first")
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Backend {
    /// Embedded store, disk videos, .eml outbox.
    Local,
    /// DynamoDB, S3 and SESv2 adapters against moto.
    Aws,
}

pub const BACKENDS: [Backend; 2] = [Backend::Local, Backend::Aws];

/// How to start a server; `Default` is the normal, healthy configuration.
#[derive(Debug, Clone, Default)]
pub struct Options {
    /// Makes mail delivery fail: an unverified SES sender, or an outbox that cannot be written.
    pub broken_mail: bool,
    /// More settings for the process (e.g. the transcription and evaluation servers).
    pub env: Vec<(String, String)>,
    /// Keeps everything the process writes (stdout and stderr) for [`Server::log`], instead
    /// of passing its stderr through to the test's.
    pub capture_log: bool,
}

pub struct Server {
    pub backend: Backend,
    pub base: String,
    pub admin_key: String,
    pub http: reqwest::Client,
    pub data_dir: tempfile::TempDir,
    pub aws: Option<emulator::Resources>,
    options: Options,
    child: Option<Child>,
    /// What the process wrote, line by line, when `Options::capture_log` is set.
    log: Arc<Mutex<Vec<String>>>,
}

pub const MAIL_FROM: &str = "hiring@reelview.test";

impl Server {
    pub async fn start(backend: Backend) -> Server {
        Self::start_with(backend, Options::default()).await
    }

    pub async fn start_with(backend: Backend, options: Options) -> Server {
        let aws = match backend {
            Backend::Local => None,
            Backend::Aws => Some(emulator::Resources::create(!options.broken_mail).await),
        };
        let mut server = Server {
            backend,
            base: String::new(),
            admin_key: format!("admin-{}", uuid::Uuid::new_v4().simple()),
            http: reqwest::Client::new(),
            data_dir: tempfile::tempdir().expect("temp dir"),
            aws,
            options,
            child: None,
            log: Arc::default(),
        };
        server.spawn();
        server
    }

    fn spawn(&mut self) {
        let mut command = Command::new(local_binary());
        command
            .env("PORT", "0")
            .env("REELVIEW_DATA_DIR", self.data_dir.path())
            .env("REELVIEW_ADMIN_KEY", &self.admin_key)
            .env("RUST_LOG", "warn")
            .env_remove("PUBLIC_BASE_URL")
            .stdout(Stdio::piped())
            .stderr(if self.options.capture_log {
                Stdio::piped()
            } else {
                Stdio::inherit()
            });
        if self.options.broken_mail && self.backend == Backend::Local {
            // A file where the outbox folder should be: every write fails.
            let blocker = self.data_dir.path().join("not-a-folder");
            std::fs::write(&blocker, b"").expect("write blocker");
            command.env("REELVIEW_OUTBOX_DIR", blocker.join("outbox"));
        }
        match &self.aws {
            None => {
                command.env("REELVIEW_BACKEND", "local");
            }
            Some(aws) => {
                command
                    .env("REELVIEW_BACKEND", "aws")
                    .env("REELVIEW_TABLE", &aws.table)
                    .env("REELVIEW_VIDEO_BUCKET", &aws.bucket)
                    .env("REELVIEW_MAIL_FROM", &aws.mail_from)
                    .env(
                        "REELVIEW_MAIL_CONFIGURATION_SET",
                        &aws.mail_configuration_set,
                    );
                for (k, v) in emulator::sdk_env() {
                    command.env(k, v);
                }
            }
        }
        for (name, value) in &self.options.env {
            command.env(name, value);
        }
        let mut child = command.spawn().expect("reelview-local starts");
        let capture = self.options.capture_log.then(|| self.log.clone());
        if let Some(stderr) = child.stderr.take() {
            let log = capture.clone();
            std::thread::spawn(move || keep_lines(BufReader::new(stderr).lines(), log));
        }
        let stdout = child.stdout.take().expect("stdout");
        let mut lines = BufReader::new(stdout).lines();
        let base = loop {
            let line = lines
                .next()
                .expect("reelview-local printed its address")
                .expect("readable stdout");
            if let Some(log) = &capture {
                log.lock().unwrap().push(line.clone());
            }
            if let Some(url) = line.strip_prefix("reelview-local listening on ") {
                break url.trim().to_string();
            }
        };
        // Keep draining stdout so the server never blocks on a full pipe.
        std::thread::spawn(move || keep_lines(lines, capture));
        self.base = base;
        self.child = Some(child);
    }

    /// Stops the process and starts it again on the same data directory (and tables).
    pub fn restart(&mut self) {
        if let Some(mut child) = self.child.take() {
            let _ = child.kill();
            let _ = child.wait();
        }
        self.spawn();
    }

    /// Every line the process has written so far (with `Options::capture_log`).
    pub fn log(&self) -> Vec<String> {
        self.log.lock().unwrap().clone()
    }

    pub fn url(&self, path: &str) -> String {
        format!("{}{path}", self.base)
    }

    /// Sends a request and returns (status, headers, JSON body or Null).
    pub async fn call(
        &self,
        method: reqwest::Method,
        path: &str,
        bearer: Option<&str>,
        body: Option<&Value>,
    ) -> Reply {
        let mut request = self.http.request(method, self.url(path));
        if let Some(key) = bearer {
            request = request.bearer_auth(key);
        }
        if let Some(body) = body {
            request = request.json(body);
        }
        Reply::from(request.send().await.expect("server answers")).await
    }

    pub async fn post(&self, path: &str, key: &str, body: &Value) -> Reply {
        self.call(reqwest::Method::POST, path, Some(key), Some(body))
            .await
    }

    pub async fn get(&self, path: &str, key: &str) -> Reply {
        self.call(reqwest::Method::GET, path, Some(key), None).await
    }

    /// Creates a tenant and returns its API key.
    pub async fn tenant(&self, name: &str, monthly_invite_limit: Option<u32>) -> String {
        let admin_key = self.admin_key.clone();
        let reply = self
            .post(
                "/admin/v1/tenants",
                &admin_key,
                &json!({ "name": name, "monthlyInviteLimit": monthly_invite_limit }),
            )
            .await;
        assert_eq!(reply.status, 201, "{:?}", reply.body);
        reply.body["apiKey"].as_str().expect("apiKey").to_string()
    }

    /// Creates a position with `questions` questions and returns its JSON.
    pub async fn position(&self, key: &str, extra: Value) -> Value {
        let mut body = json!({
            "name": "Backend Engineer",
            "questions": [
                { "text": "Tell us about a system you built.", "maxAnswerSeconds": 60, "thinkingSeconds": 10, "retakes": 1 },
                { "text": "Why this role?", "maxAnswerSeconds": 60, "thinkingSeconds": 10, "retakes": 0 },
            ],
        });
        if let (Some(target), Some(extra)) = (body.as_object_mut(), extra.as_object()) {
            for (k, v) in extra {
                target.insert(k.clone(), v.clone());
            }
        }
        let reply = self.post("/v1/positions", key, &body).await;
        assert_eq!(reply.status, 201, "{:?}", reply.body);
        reply.body
    }

    /// Every item of the table and every object of the bucket, as `pk sk` and keys (moto only).
    pub async fn everything_stored(&self) -> (Vec<String>, Vec<String>) {
        let (items, objects) = self.everything_stored_in_full().await;
        let keys = items
            .iter()
            .map(|item| format!("{} {}", item["pk"], item["sk"]))
            .collect();
        (keys, objects)
    }

    /// Every item of the table, each as its attributes' text (`pk`, `sk` and every other
    /// attribute, nested values in debug form, enough to search for a value), and every
    /// object of the bucket (moto only).
    pub async fn everything_stored_in_full(
        &self,
    ) -> (Vec<std::collections::BTreeMap<String, String>>, Vec<String>) {
        let aws = self.aws.as_ref().expect("the AWS backend");
        let config = emulator::sdk_config().await;
        let dynamodb = aws_sdk_dynamodb::Client::new(&config);
        let mut items = Vec::new();
        let mut start = None;
        loop {
            // A test may scan: it lists what is left, which no request path ever needs.
            let page = dynamodb
                .scan()
                .table_name(&aws.table)
                .set_exclusive_start_key(start.take())
                .send()
                .await
                .expect("scan");
            for item in page.items() {
                items.push(
                    item.iter()
                        .map(|(name, value)| {
                            let text = match value.as_s() {
                                Ok(s) => s.clone(),
                                Err(_) => format!("{value:?}"),
                            };
                            (name.clone(), text)
                        })
                        .collect(),
                );
            }
            match page.last_evaluated_key {
                Some(key) => start = Some(key),
                None => break,
            }
        }
        let s3 = emulator::s3_client().await;
        let objects = s3
            .list_objects_v2()
            .bucket(&aws.bucket)
            .send()
            .await
            .expect("list objects")
            .contents()
            .iter()
            .filter_map(|o| o.key().map(str::to_string))
            .collect();
        (items, objects)
    }

    /// Invites a candidate (`body`, e.g. from [`candidate`]) to `position` and returns the
    /// interview, checked to be 201.
    pub async fn invite(&self, key: &str, position: &Value, body: &Value) -> Reply {
        let id = position["id"].as_str().expect("a position id");
        let invited = self
            .post(&format!("/v1/positions/{id}/interviews"), key, body)
            .await;
        assert_eq!(invited.status, 201, "invite: {:?}", invited.body);
        invited
    }

    /// Every email sent so far, oldest first.
    pub async fn sent_mail(&self) -> Vec<mail::Mail> {
        match &self.aws {
            None => mail::read_outbox(&self.data_dir.path().join("outbox")),
            Some(aws) => emulator::sent_mail(&aws.mail_from).await,
        }
    }
}

/// Reads a pipe to its end, keeping the lines in `log` if there is one.
fn keep_lines(
    lines: impl Iterator<Item = std::io::Result<String>>,
    log: Option<Arc<Mutex<Vec<String>>>>,
) {
    for line in lines.map_while(Result::ok) {
        if let Some(log) = &log {
            log.lock().unwrap().push(line);
        }
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        if let Some(mut child) = self.child.take() {
            let _ = child.kill();
            let _ = child.wait();
        }
    }
}

#[derive(Debug, Clone)]
pub struct Reply {
    pub status: u16,
    pub headers: reqwest::header::HeaderMap,
    pub body: Value,
}

impl Reply {
    pub async fn from(response: reqwest::Response) -> Reply {
        let status = response.status().as_u16();
        let headers = response.headers().clone();
        let text = response.text().await.unwrap_or_default();
        let body = serde_json::from_str(&text).unwrap_or(Value::Null);
        Reply {
            status,
            headers,
            body,
        }
    }

    pub fn code(&self) -> &str {
        self.body["code"].as_str().unwrap_or("")
    }

    pub fn content_type(&self) -> &str {
        self.headers
            .get("content-type")
            .and_then(|v| v.to_str().ok())
            .unwrap_or("")
    }

    /// Asserts an RFC 9457 problem with this status and code.
    pub fn assert_problem(&self, status: u16, code: &str) {
        assert_eq!(
            self.status, status,
            "unexpected status, body {:?}",
            self.body
        );
        assert_eq!(self.code(), code, "unexpected code, body {:?}", self.body);
        assert_eq!(self.content_type(), "application/problem+json");
        assert_eq!(self.body["status"], status);
        assert!(
            self.body["title"].is_string()
                && self.body["detail"].is_string()
                && self.body["type"].is_string()
        );
    }
}

pub fn candidate(email: &str) -> Value {
    json!({ "candidate": { "email": email, "firstName": "Ana", "lastName": "Silva" } })
}

/// The token at the end of a candidate URL.
pub fn token_of(url: &str) -> String {
    url.rsplit('/').next().expect("token").to_string()
}

/// Waits briefly; used only to let a spawned process settle, never to time assertions.
pub async fn settle() {
    tokio::time::sleep(Duration::from_millis(50)).await;
}

/// Deterministic bytes standing in for a recording.
pub fn video(size: usize, seed: u8) -> Vec<u8> {
    (0..size)
        .map(|i| (i as u8).wrapping_mul(31).wrapping_add(seed))
        .collect()
}

impl Server {
    /// PUTs bytes to a presigned URL with the headers it was signed with; returns the status.
    pub async fn put_signed(&self, url: &str, headers: &Value, bytes: Vec<u8>) -> u16 {
        let mut request = self.http.put(url).body(bytes);
        for (name, value) in headers.as_object().into_iter().flatten() {
            request = request.header(name, value.as_str().expect("header value"));
        }
        request
            .send()
            .await
            .expect("upload answers")
            .status()
            .as_u16()
    }

    /// Records one answer as the candidate holding `token`: asks for an upload URL (a single
    /// `video/webm` PUT, with `durationSeconds` when given), PUTs the bytes, confirms it.
    /// Returns the confirmation, already checked to be 200.
    pub async fn answer(
        &self,
        token: &str,
        question: &str,
        bytes: &[u8],
        duration_seconds: Option<f64>,
    ) -> Reply {
        let mut body = json!({ "contentType": "video/webm", "size": bytes.len() });
        if let Some(seconds) = duration_seconds {
            body["durationSeconds"] = json!(seconds);
        }
        let base = format!("/v1/candidate/{token}/answers/{question}/uploads");
        let ticket = self
            .call(reqwest::Method::POST, &base, None, Some(&body))
            .await;
        assert_eq!(ticket.status, 201, "upload ticket: {:?}", ticket.body);
        let url = ticket.body["url"].as_str().expect("upload url");
        let status = self
            .put_signed(url, &ticket.body["headers"], bytes.to_vec())
            .await;
        assert_eq!(status, 200, "PUT of the recording");
        let upload = ticket.body["uploadId"].as_str().expect("uploadId");
        let done = self
            .call(
                reqwest::Method::POST,
                &format!("{base}/{upload}/complete"),
                None,
                None,
            )
            .await;
        assert_eq!(done.status, 200, "upload confirmation: {:?}", done.body);
        done
    }

    /// Submits the interview as the candidate holding `token`, checked to be 200.
    pub async fn submit(&self, token: &str) -> Reply {
        let submitted = self
            .call(
                reqwest::Method::POST,
                &format!("/v1/candidate/{token}/submit"),
                None,
                None,
            )
            .await;
        assert_eq!(submitted.status, 200, "submit: {:?}", submitted.body);
        submitted
    }
}
