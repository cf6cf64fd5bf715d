//! Runs a function binary the way Lambda does: a stub of the Lambda Runtime API (one per
//! process, on 127.0.0.1:0) hands it events through `GET /runtime/invocation/next` and takes
//! its answers, and the process gets only the environment Lambda would give it.

use axum::body::Bytes;
use axum::extract::{Path, State};
use axum::http::{HeaderMap, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum::Router;
use serde_json::Value;
use std::collections::HashMap;
use std::io::{BufRead, BufReader, Read};
use std::path::PathBuf;
use std::process::{Child, Command, Stdio};
use std::sync::{Arc, Mutex, OnceLock};
use std::time::{Duration, Instant};
use tokio::sync::{mpsc, oneshot, watch};

/// How long one invocation may take before the test gives up (the template's timeouts are
/// 15 and 60 seconds; debug builds against moto are slower than Lambda, never that slow).
const INVOKE_TIMEOUT: Duration = Duration::from_secs(60);

/// What the function answered for one event.
#[derive(Debug)]
enum Outcome {
    /// `POST /runtime/invocation/{id}/response`: the function's result.
    Response(Bytes),
    /// `POST /runtime/invocation/{id}/error`: the handler failed.
    Error(String),
}

struct Pending {
    request_id: String,
    trace_id: String,
    event: Bytes,
    reply: oneshot::Sender<Outcome>,
}

struct Shared {
    function_arn: String,
    /// How long an invocation may run: its deadline is this long after it is handed out.
    timeout: std::time::Duration,
    queue: tokio::sync::Mutex<mpsc::UnboundedReceiver<Pending>>,
    in_flight: Mutex<HashMap<String, oneshot::Sender<Outcome>>>,
    /// Set once the process asked for its first event: its init phase succeeded.
    polled: watch::Sender<bool>,
    /// When that first request arrived (the end of init, for the benchmarks).
    first_poll: OnceLock<Instant>,
    /// The body of `POST /runtime/init/error`, if the process reported one.
    init_error: watch::Sender<Option<String>>,
}

/// A Lambda Runtime API stub for one function process.
pub struct RuntimeApi {
    /// `host:port`, the value of `AWS_LAMBDA_RUNTIME_API`.
    pub address: String,
    shared: Arc<Shared>,
    events: mpsc::UnboundedSender<Pending>,
    server: tokio::task::JoinHandle<()>,
}

impl RuntimeApi {
    pub async fn start(function_arn: &str, timeout: std::time::Duration) -> RuntimeApi {
        let (events, queue) = mpsc::unbounded_channel();
        let shared = Arc::new(Shared {
            function_arn: function_arn.to_string(),
            timeout,
            queue: tokio::sync::Mutex::new(queue),
            in_flight: Mutex::new(HashMap::new()),
            polled: watch::channel(false).0,
            first_poll: OnceLock::new(),
            init_error: watch::channel(None).0,
        });
        let app = Router::new()
            .route("/2018-06-01/runtime/invocation/next", get(next))
            .route(
                "/2018-06-01/runtime/invocation/{id}/response",
                post(response),
            )
            .route("/2018-06-01/runtime/invocation/{id}/error", post(error))
            .route("/2018-06-01/runtime/init/error", post(init_error))
            .with_state(shared.clone());
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
            .await
            .expect("bind the Runtime API stub");
        let address = listener.local_addr().expect("stub address").to_string();
        let server = tokio::spawn(async move {
            axum::serve(listener, app).await.expect("Runtime API stub");
        });
        RuntimeApi {
            address,
            shared,
            events,
            server,
        }
    }

    /// Queues one event and waits for the function's answer: `Ok(response JSON)`, or
    /// `Err(why)` for a function error, an init error or a timeout.
    pub async fn invoke(&self, event: &Value) -> Result<Value, String> {
        let (reply, answer) = oneshot::channel();
        let request_id = uuid::Uuid::new_v4().to_string();
        self.events
            .send(Pending {
                request_id: request_id.clone(),
                trace_id: trace_id(),
                event: Bytes::from(serde_json::to_vec(event).expect("event JSON")),
                reply,
            })
            .map_err(|_| "the Runtime API stub stopped".to_string())?;
        tokio::select! {
            outcome = answer => match outcome {
                Ok(Outcome::Response(body)) => serde_json::from_slice(&body).map_err(|e| {
                    format!(
                        "invocation {request_id}: the response is not JSON ({e}): {}",
                        String::from_utf8_lossy(&body)
                    )
                }),
                Ok(Outcome::Error(body)) => Err(format!("invocation {request_id} failed: {body}")),
                Err(_) => Err(format!("invocation {request_id} was dropped")),
            },
            body = self.init_error() => Err(format!("the function reported an init error: {body}")),
            _ = tokio::time::sleep(INVOKE_TIMEOUT) => {
                Err(format!("no answer to invocation {request_id} within {INVOKE_TIMEOUT:?}"))
            }
        }
    }

    /// Waits until the process asks for its first event (init done) or reports an init error.
    pub async fn ready(&self) -> Result<(), String> {
        let mut polled = self.shared.polled.subscribe();
        tokio::select! {
            _ = polled.wait_for(|p| *p) => Ok(()),
            body = self.init_error() => Err(format!("the function reported an init error: {body}")),
        }
    }

    /// Resolves with the body of `POST /runtime/init/error` once the process sends one.
    async fn init_error(&self) -> String {
        let mut init_error = self.shared.init_error.subscribe();
        let body = match init_error.wait_for(Option::is_some).await {
            Ok(body) => body.clone().unwrap_or_default(),
            Err(_) => std::future::pending().await,
        };
        body
    }
}

impl Drop for RuntimeApi {
    fn drop(&mut self) {
        self.server.abort();
    }
}

/// A fresh X-Ray trace header, as Lambda passes in `Lambda-Runtime-Trace-Id`.
fn trace_id() -> String {
    let random = uuid::Uuid::new_v4().simple().to_string();
    format!(
        "Root=1-{:08x}-{};Parent={};Sampled=1",
        chrono::Utc::now().timestamp(),
        &random[..24],
        &uuid::Uuid::new_v4().simple().to_string()[..16]
    )
}

async fn next(State(shared): State<Arc<Shared>>) -> Response {
    let _ = shared.first_poll.set(Instant::now());
    shared.polled.send_replace(true);
    let pending = {
        let mut queue = shared.queue.lock().await;
        queue.recv().await
    };
    let Some(pending) = pending else {
        return StatusCode::SERVICE_UNAVAILABLE.into_response();
    };
    shared
        .in_flight
        .lock()
        .expect("in-flight lock")
        .insert(pending.request_id.clone(), pending.reply);
    let deadline = chrono::Utc::now().timestamp_millis() + shared.timeout.as_millis() as i64;
    let mut headers = HeaderMap::new();
    let mut set = |name: &'static str, value: &str| {
        headers.insert(name, HeaderValue::from_str(value).expect("header value"));
    };
    set("lambda-runtime-aws-request-id", &pending.request_id);
    set("lambda-runtime-deadline-ms", &deadline.to_string());
    set("lambda-runtime-invoked-function-arn", &shared.function_arn);
    set("lambda-runtime-trace-id", &pending.trace_id);
    set("content-type", "application/json");
    (StatusCode::OK, headers, pending.event).into_response()
}

fn finish(shared: &Shared, id: &str, outcome: Outcome) -> StatusCode {
    match shared.in_flight.lock().expect("in-flight lock").remove(id) {
        Some(reply) => {
            let _ = reply.send(outcome);
            StatusCode::ACCEPTED
        }
        None => {
            eprintln!("Runtime API stub: an answer for unknown invocation {id}: {outcome:?}");
            StatusCode::BAD_REQUEST
        }
    }
}

async fn response(
    State(shared): State<Arc<Shared>>,
    Path(id): Path<String>,
    body: Bytes,
) -> StatusCode {
    finish(&shared, &id, Outcome::Response(body))
}

async fn error(
    State(shared): State<Arc<Shared>>,
    Path(id): Path<String>,
    headers: HeaderMap,
    body: Bytes,
) -> StatusCode {
    let kind = headers
        .get("lambda-runtime-function-error-type")
        .and_then(|v| v.to_str().ok())
        .unwrap_or("unknown");
    let why = format!("{kind}: {}", String::from_utf8_lossy(&body));
    finish(&shared, &id, Outcome::Error(why))
}

async fn init_error(State(shared): State<Arc<Shared>>, body: Bytes) -> StatusCode {
    let body = String::from_utf8_lossy(&body).to_string();
    eprintln!("Runtime API stub: init error: {body}");
    shared.init_error.send_replace(Some(body));
    StatusCode::ACCEPTED
}

/// Where `cargo build --workspace --bins` puts a binary:
/// `${CARGO_TARGET_DIR:-<workspace>/target}/debug/<name>`.
pub fn binary_path(name: &str) -> PathBuf {
    let target = std::env::var_os("CARGO_TARGET_DIR")
        .map(PathBuf::from)
        .map(|dir| {
            if dir.is_absolute() {
                dir
            } else {
                super::workspace_root().join(dir)
            }
        })
        .unwrap_or_else(|| super::workspace_root().join("target"));
    target.join("debug").join(name)
}

/// One function binary running under its Runtime API stub.
pub struct LambdaProcess {
    pub binary: String,
    api: RuntimeApi,
    child: Mutex<Child>,
    pid: u32,
    /// Just before the exec.
    started: Instant,
    output: Arc<Mutex<String>>,
}

impl LambdaProcess {
    /// Starts `binary` with an empty environment but `PATH`, `HOME`, what lambda_runtime
    /// reads at start, and `env`.
    pub async fn start(
        binary: &str,
        function_name: &str,
        memory_size: u64,
        timeout: std::time::Duration,
        env: &[(String, String)],
    ) -> LambdaProcess {
        let path = binary_path(binary);
        assert!(
            path.is_file(),
            "{} is missing: run `cargo build --workspace --bins` before these tests",
            path.display()
        );
        Self::start_at(&path, function_name, memory_size, timeout, env).await
    }

    /// Like [`LambdaProcess::start`], for the executable at `path` (e.g. a release build).
    pub async fn start_at(
        path: &std::path::Path,
        function_name: &str,
        memory_size: u64,
        timeout: std::time::Duration,
        env: &[(String, String)],
    ) -> LambdaProcess {
        let binary = path
            .file_name()
            .map(|n| n.to_string_lossy().to_string())
            .unwrap_or_default();
        let binary = binary.as_str();
        let arn = format!("arn:aws:lambda:eu-west-1:123456789012:function:{function_name}");
        let api = RuntimeApi::start(&arn, timeout).await;
        let mut command = Command::new(path);
        command.env_clear();
        for kept in ["PATH", "HOME"] {
            if let Some(value) = std::env::var_os(kept) {
                command.env(kept, value);
            }
        }
        command
            .env("AWS_LAMBDA_RUNTIME_API", &api.address)
            .env("AWS_LAMBDA_FUNCTION_NAME", function_name)
            .env("AWS_LAMBDA_FUNCTION_MEMORY_SIZE", memory_size.to_string())
            .env("AWS_LAMBDA_FUNCTION_VERSION", "$LATEST")
            .env(
                "AWS_LAMBDA_LOG_STREAM_NAME",
                format!(
                    "{}/[$LATEST]{}",
                    chrono::Utc::now().format("%Y/%m/%d"),
                    uuid::Uuid::new_v4().simple()
                ),
            )
            .env(
                "AWS_LAMBDA_LOG_GROUP_NAME",
                format!("/aws/lambda/{function_name}"),
            )
            .envs(env.iter().map(|(k, v)| (k, v)))
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped());
        let started = Instant::now();
        let mut child = command
            .spawn()
            .unwrap_or_else(|e| panic!("starting {}: {e}", path.display()));
        let pid = child.id();
        let output = Arc::new(Mutex::new(String::new()));
        let stdout = child.stdout.take().expect("stdout");
        let stderr = child.stderr.take().expect("stderr");
        capture(binary, stdout, output.clone());
        capture(binary, stderr, output.clone());
        LambdaProcess {
            binary: binary.to_string(),
            api,
            child: Mutex::new(child),
            pid,
            started,
            output,
        }
    }

    /// From the exec to the first request for an event: the init phase. `None` until then.
    pub fn init_time(&self) -> Option<Duration> {
        let polled = self.api.shared.first_poll.get()?;
        Some(polled.duration_since(self.started))
    }

    /// The most memory the process has held so far (`VmHWM`, peak resident set), in KiB.
    pub fn peak_rss_kib(&self) -> Option<u64> {
        let status = std::fs::read_to_string(format!("/proc/{}/status", self.pid)).ok()?;
        status
            .lines()
            .find_map(|line| line.strip_prefix("VmHWM:"))
            .and_then(|rest| rest.trim().trim_end_matches("kB").trim().parse().ok())
    }

    /// What the process printed so far (stdout and stderr).
    pub fn output(&self) -> String {
        self.output.lock().expect("output lock").clone()
    }

    fn exited(&self) -> Option<std::process::ExitStatus> {
        self.child
            .lock()
            .expect("child lock")
            .try_wait()
            .ok()
            .flatten()
    }

    /// Resolves when the process has exited.
    async fn exit(&self) -> std::process::ExitStatus {
        loop {
            if let Some(status) = self.exited() {
                return status;
            }
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
    }

    async fn failure(&self, why: String) -> String {
        // Give the output threads a moment to collect the last lines.
        tokio::time::sleep(Duration::from_millis(200)).await;
        format!(
            "{}: {why}\n--- its output ---\n{}",
            self.binary,
            self.output()
        )
    }

    /// Waits until the function finished its init phase and asks for events.
    pub async fn ready(&self) -> Result<(), String> {
        let outcome = tokio::select! {
            ready = self.api.ready() => ready,
            status = self.exit() => Err(format!("exited during init ({status})")),
            _ = tokio::time::sleep(INVOKE_TIMEOUT) => {
                Err(format!("did not ask for an event within {INVOKE_TIMEOUT:?}"))
            }
        };
        match outcome {
            Ok(()) => Ok(()),
            Err(why) => Err(self.failure(why).await),
        }
    }

    /// Invokes the function with one event: its response, or why there is none.
    pub async fn try_invoke(&self, event: &Value) -> Result<Value, String> {
        let outcome = tokio::select! {
            outcome = self.api.invoke(event) => outcome,
            status = self.exit() => Err(format!("the process exited ({status})")),
        };
        match outcome {
            Ok(response) => Ok(response),
            Err(why) => Err(self.failure(why).await),
        }
    }

    pub async fn invoke(&self, event: &Value) -> Value {
        self.try_invoke(event)
            .await
            .unwrap_or_else(|why| panic!("{why}"))
    }
}

impl Drop for LambdaProcess {
    fn drop(&mut self) {
        if let Ok(child) = self.child.get_mut() {
            let _ = child.kill();
            let _ = child.wait();
        }
    }
}

/// Echoes a stream of the process to the test's stderr, prefixed, and keeps a copy.
fn capture(name: &str, stream: impl Read + Send + 'static, into: Arc<Mutex<String>>) {
    let name = name.to_string();
    std::thread::spawn(move || {
        for line in BufReader::new(stream).lines() {
            let Ok(line) = line else { break };
            eprintln!("[{name}] {line}");
            let mut output = into.lock().expect("output lock");
            output.push_str(&line);
            output.push('\n');
        }
    });
}
