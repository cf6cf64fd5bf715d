//! The release binaries of the deployed functions, against the floor (`reelview-floor`, a
//! hello-world `lambda_http` function built with the same profile in the same run):
//! binary and zip sizes, init time (exec → first `GET /runtime/invocation/next` on a Runtime
//! API stub, median of 20 starts, the functions taking turns), the first invocation after a
//! cold start on the emulator, and the peak resident memory over init and 100 invocations.
//!
//! Reads the binaries `make bench` built: x86_64 in `REELVIEW_BENCH_RELEASE_DIR` (default:
//! the release directory this bench runs from), arm64 in `REELVIEW_BENCH_LAMBDA_DIR/<name>/
//! bootstrap` (default: `<target>/lambda`, where cargo-lambda puts them), if present.

use crate::report::{mb, mib_of_kib, ms, quantile, ratio, Report, Table, Target};
use reelview::functions::ALL;
use reelview_tests::apigw::{self, Api, Authorization, Gateway, Request, Response};
use reelview_tests::deployment::environment;
use reelview_tests::emulator::Resources;
use reelview_tests::runtime_api::LambdaProcess;
use reelview_tests::template::{self, Event, RouteAuth};
use serde_json::{json, Value};
use std::collections::{BTreeMap, HashMap};
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

pub const FLOOR: &str = "reelview-floor";
/// Starts of each function for its init time.
const STARTS: usize = 20;
/// Invocations of each function after its cold start, for the peak memory.
const INVOCATIONS: usize = 100;
const ZIP_LIMIT: u64 = 3_000_000;
const PAGE_ZIP_LIMIT: u64 = 1_500_000;
const RSS_LIMIT_KIB: u64 = 32 * 1024;
const COMMAND: &str = "make bench";

/// Where the x86_64 release binaries are.
fn release_dir() -> PathBuf {
    if let Some(dir) = std::env::var_os("REELVIEW_BENCH_RELEASE_DIR") {
        return PathBuf::from(dir);
    }
    // This bench runs as <target>/release/deps/benchmarks-…
    let exe = std::env::current_exe().expect("the bench's own path");
    exe.parent()
        .and_then(Path::parent)
        .expect("<target>/release")
        .to_path_buf()
}

/// Where cargo-lambda put the arm64 builds.
fn lambda_dir() -> PathBuf {
    match std::env::var_os("REELVIEW_BENCH_LAMBDA_DIR") {
        Some(dir) => PathBuf::from(dir),
        None => release_dir().parent().expect("<target>").join("lambda"),
    }
}

/// The ELF machine of a binary: 62 is x86_64, 183 is aarch64.
fn elf_machine(path: &Path) -> Option<u16> {
    let bytes = std::fs::read(path).ok()?;
    (bytes.len() > 20 && &bytes[..4] == b"\x7fELF")
        .then(|| u16::from_le_bytes([bytes[18], bytes[19]]))
}

/// The size of `bootstrap` zipped as SAM packages it (Python's zipfile, deflate).
fn zip_size(binary: &Path) -> u64 {
    let dir = tempfile::tempdir().expect("temp dir");
    let zip = dir.path().join("function.zip");
    let status = std::process::Command::new("python3")
        .args([
            "-c",
            "import sys, zipfile\n\
             with zipfile.ZipFile(sys.argv[2], 'w', zipfile.ZIP_DEFLATED) as z:\n\
             \x20   z.write(sys.argv[1], 'bootstrap')",
        ])
        .arg(binary)
        .arg(&zip)
        .status()
        .expect("python3 zips the binary");
    assert!(status.success(), "zipping {}", binary.display());
    std::fs::metadata(&zip).expect("the zip").len()
}

#[derive(Clone, Copy)]
struct Size {
    binary: u64,
    zip: u64,
}

fn size(path: &Path, machine: u16) -> Option<Size> {
    (elf_machine(path) == Some(machine)).then(|| Size {
        binary: std::fs::metadata(path).map(|m| m.len()).unwrap_or(0),
        zip: zip_size(path),
    })
}

/// One binary to start: a deployed function (its template entry) or the floor.
struct Subject {
    binary: String,
    path: PathBuf,
    memory_size: u64,
    timeout: std::time::Duration,
    env: Vec<(String, String)>,
}

impl Subject {
    async fn start(&self) -> LambdaProcess {
        let name = format!("{}-B3NCH", self.binary);
        LambdaProcess::start_at(&self.path, &name, self.memory_size, self.timeout, &self.env).await
    }
}

fn subjects(template: &serde_yaml::Value, aws: &Resources) -> Vec<Subject> {
    let dir = release_dir();
    let mut subjects: Vec<Subject> = template::functions(template)
        .into_iter()
        .map(|f| Subject {
            binary: f.binary.clone(),
            path: dir.join(&f.binary),
            memory_size: f.memory_size,
            timeout: std::time::Duration::from_secs(f.timeout_seconds),
            env: quiet(environment(&f, aws)),
        })
        .collect();
    subjects.push(Subject {
        binary: FLOOR.into(),
        path: dir.join(FLOOR),
        memory_size: 256,
        timeout: std::time::Duration::from_secs(15),
        env: quiet(vec![]),
    });
    // The floor must be there; a function not built (a partial build) is left out, and the
    // report says so.
    assert!(
        dir.join(FLOOR).is_file(),
        "{} is missing: `make bench` builds it (cargo build --release)",
        dir.join(FLOOR).display()
    );
    subjects.retain(|s| s.path.is_file());
    subjects
}

/// Warnings only: the stub echoes what a process prints.
fn quiet(mut env: Vec<(String, String)>) -> Vec<(String, String)> {
    env.retain(|(k, _)| k != "RUST_LOG");
    env.push(("RUST_LOG".into(), "warn".into()));
    env
}

pub async fn run(report: &mut Report) {
    sizes(report);
    let aws = Resources::create(true).await;
    let template = template::template();
    let subjects = subjects(&template, &aws);
    let missing: Vec<&str> = ALL
        .iter()
        .map(|f| f.name)
        .filter(|name| !subjects.iter().any(|s| s.binary == *name))
        .collect();
    if !missing.is_empty() {
        report.section(
            "Functions not measured",
            format!(
                "Not built in this run, so left out of the tables below: {}.",
                missing.join(", ")
            ),
        );
    }
    init_times(report, &subjects).await;
    invocations(report, &template, &subjects, &aws).await;
}

fn sizes(report: &mut Report) {
    let release = release_dir();
    let lambda = lambda_dir();
    let names: Vec<&str> = ALL
        .iter()
        .map(|f| f.name)
        .chain(std::iter::once(FLOOR))
        .collect();
    let mut native = HashMap::new();
    let mut arm = HashMap::new();
    for name in &names {
        if let Some(s) = size(&release.join(name), 62) {
            native.insert(*name, s);
        }
        if let Some(s) = size(&lambda.join(name).join("bootstrap"), 183) {
            arm.insert(*name, s);
        }
    }
    let arm64_built = names.iter().all(|n| arm.contains_key(n));
    // The targets hold for what is deployed: arm64 where it built, else x86_64.
    let (deployed, arch) = if arm64_built {
        (&arm, "arm64")
    } else {
        (&native, "x86_64")
    };
    let floor = deployed.get(FLOOR).copied();
    let mut table = Table::new(&[
        "function",
        "arm64 binary",
        "arm64 zip",
        "x86_64 binary",
        "x86_64 zip",
        "zip ÷ floor",
        "zip target",
        "met",
    ]);
    // The largest zip of the functions, and of the page functions: (name, bytes).
    let mut largest: Option<(&str, u64)> = None;
    let mut largest_page: Option<(&str, u64)> = None;
    for name in &names {
        let page = ALL
            .iter()
            .find(|f| f.name == *name)
            .is_some_and(|f| !f.needs.store);
        let limit = if page { PAGE_ZIP_LIMIT } else { ZIP_LIMIT };
        let cell = |s: Option<&Size>, zip: bool| {
            s.map(|s| mb(if zip { s.zip } else { s.binary }))
                .unwrap_or_else(|| "–".into())
        };
        let zip = deployed.get(name).map(|s| s.zip);
        if *name != FLOOR {
            if let Some(zip) = zip {
                let slot = if page {
                    &mut largest_page
                } else {
                    &mut largest
                };
                if slot.is_none_or(|(_, z)| zip > z) {
                    *slot = Some((name, zip));
                }
            }
        }
        table.row(vec![
            if *name == FLOOR {
                format!("*{name} (floor)*")
            } else {
                name.to_string()
            },
            cell(arm.get(name), false),
            cell(arm.get(name), true),
            cell(native.get(name), false),
            cell(native.get(name), true),
            match (zip, floor) {
                (Some(z), Some(f)) => ratio(z as f64, f.zip as f64),
                _ => "–".into(),
            },
            if *name == FLOOR {
                "–".into()
            } else {
                format!("≤ {}{}", mb(limit), if page { " (page)" } else { "" })
            },
            match zip {
                Some(z) if *name != FLOOR => yes_no(z <= limit),
                _ => "–".into(),
            },
        ]);
    }
    let floor_zip = floor.map(|f| f.zip as f64).unwrap_or(0.0);
    for (what, largest, limit) in [
        ("largest function zip", largest, ZIP_LIMIT),
        ("largest page-function zip", largest_page, PAGE_ZIP_LIMIT),
    ] {
        if let Some((name, zip)) = largest {
            report.target(Target {
                what: format!("{what} ({arch}): {name}"),
                figure: mb(zip),
                floor: mb(floor_zip as u64),
                ratio: ratio(zip as f64, floor_zip),
                target: format!("≤ {}", mb(limit)),
                met: zip <= limit,
                command: COMMAND,
            });
        }
    }
    const HOW: &str = "Each function built on its own, as `sam build` does; release profile \
         of the workspace, stripped; zipped with deflate as SAM packages them. MB = 10⁶ bytes.";
    let arm64_count = names.iter().filter(|n| arm.contains_key(*n)).count();
    let note = if arm64_built {
        format!(
            "arm64: `cargo lambda build --release --arm64` in the function's directory (what \
             `sam build` deploys); x86_64: `cargo build --release -p` (the binaries timed \
             below). {HOW}"
        )
    } else {
        format!(
            "arm64 built for {arm64_count} of {} binaries in this run, so the targets are \
             checked on x86_64 (`cargo build --release -p`). {HOW}",
            names.len()
        )
    };
    report.section(
        "Binary and zip size",
        format!("{note}\n\n{}", table.markdown()),
    );
}

fn yes_no(met: bool) -> String {
    if met { "yes" } else { "**no**" }.to_string()
}

async fn init_times(report: &mut Report, subjects: &[Subject]) {
    let mut times: BTreeMap<&str, Vec<Duration>> = BTreeMap::new();
    let mut failures: Vec<String> = Vec::new();
    let n = subjects.len();
    for round in 0..STARTS {
        // Each round starts every binary once, from a different first one, so slow moments
        // of the machine fall on all of them alike.
        for i in 0..n {
            let subject = &subjects[(i + round) % n];
            let process = subject.start().await;
            match process.ready().await {
                Ok(()) => times
                    .entry(subject.binary.as_str())
                    .or_default()
                    .push(process.init_time().expect("polled")),
                Err(why) if failures.len() < 5 => failures.push(why),
                Err(_) => {}
            }
        }
    }
    assert!(failures.is_empty(), "init failed:\n{}", failures.join("\n"));
    let median = |name: &str| {
        let mut samples = times.get(name).cloned().unwrap_or_default();
        samples.sort();
        (
            quantile(&samples, 0.5),
            quantile(&samples, 0.0),
            quantile(&samples, 1.0),
        )
    };
    let (floor, _, _) = median(FLOOR);
    let mut table = Table::new(&[
        "function",
        "median",
        "min",
        "max",
        "÷ floor median",
        "target",
        "met",
    ]);
    let mut slowest: Option<(&str, Duration)> = None;
    for subject in subjects {
        let name = subject.binary.as_str();
        let (med, min, max) = median(name);
        let is_floor = name == FLOOR;
        if !is_floor && slowest.is_none_or(|(_, s)| med > s) {
            slowest = Some((name, med));
        }
        table.row(vec![
            if is_floor {
                format!("*{name} (floor)*")
            } else {
                name.to_string()
            },
            ms(med),
            ms(min),
            ms(max),
            ratio(med.as_secs_f64(), floor.as_secs_f64()),
            if is_floor {
                "–".into()
            } else {
                "≤ 2×".into()
            },
            if is_floor {
                "–".into()
            } else {
                yes_no(med <= floor * 2)
            },
        ]);
    }
    if let Some((name, med)) = slowest {
        report.target(Target {
            what: format!("slowest init (median of {STARTS}): {name}"),
            figure: ms(med),
            floor: ms(floor),
            ratio: ratio(med.as_secs_f64(), floor.as_secs_f64()),
            target: "≤ 2× floor".into(),
            met: med <= floor * 2,
            command: COMMAND,
        });
    }
    report.section(
        "Init time",
        format!(
            "From exec to the function's first `GET /2018-06-01/runtime/invocation/next` on a \
             Runtime API stub (`tests/support/runtime_api.rs`), x86_64 release binaries, \
             {STARTS} starts each, every round starting each binary once in turn. Each \
             function gets exactly its template environment, the SDK pointed at the emulator; \
             the functions that make links read their key from Secrets Manager during init, \
             a call to the emulator included here.\n\n{}",
            table.markdown()
        ),
    );
}

/// What a function is asked in the invocation benchmark.
enum Input {
    /// A request through the API: the function gets its payload format 2.0 event.
    Http(Request),
    /// The authorizer's event for this request.
    Authorize(Request),
    /// An event of another source (a schedule, a stream, SNS, EventBridge).
    Event(Value),
}

/// What the deployment holds before the measured invocations.
struct Fixture {
    key: String,
    position: String,
    question: String,
    interview: String,
    token: String,
    slug: String,
}

/// A representative request of each function; `i` counts the invocations, so writes that
/// must be unique (tenants, invitations) stay unique.
fn representative(binary: &str, i: usize, f: &Fixture) -> Option<(&'static str, Input)> {
    let get = |path: String| Request::new("GET", &path).bearer(&f.key);
    let scheduled = || {
        json!({
            "version": "0", "id": uuid::Uuid::new_v4().to_string(),
            "detail-type": "Scheduled Event", "source": "aws.scheduler",
            "account": "123456789012", "time": chrono::Utc::now().to_rfc3339(),
            "region": "eu-west-1", "resources": [], "detail": {}
        })
    };
    Some(match binary {
        "reelview-admin" => (
            "POST /admin/v1/tenants",
            Input::Http(
                Request::new("POST", "/admin/v1/tenants")
                    .json(&json!({ "name": format!("Bench {i}") })),
            ),
        ),
        "reelview-authorizer" => (
            "authorize an API key",
            Input::Authorize(get("/v1/positions".into())),
        ),
        "reelview-positions" => (
            "GET /v1/positions",
            Input::Http(get("/v1/positions".into())),
        ),
        "reelview-invite" => (
            "POST …/interviews (invite, email)",
            Input::Http(
                Request::new("POST", &format!("/v1/positions/{}/interviews", f.position))
                    .bearer(&f.key)
                    .json(&reelview_tests::candidate(&format!(
                        "bench-{i}@example.com"
                    ))),
            ),
        ),
        "reelview-interviews" => (
            "GET /v1/interviews/{id}",
            Input::Http(get(format!("/v1/interviews/{}", f.interview))),
        ),
        "reelview-resend" => (
            "POST …/resend (then 429s)",
            Input::Http(
                Request::new("POST", &format!("/v1/interviews/{}/resend", f.interview))
                    .bearer(&f.key),
            ),
        ),
        "reelview-candidate-session" => (
            "GET /v1/candidate/{token}",
            Input::Http(Request::new("GET", &format!("/v1/candidate/{}", f.token))),
        ),
        "reelview-answer-upload" => (
            "POST …/uploads (presigned PUT)",
            Input::Http(
                Request::new(
                    "POST",
                    &format!("/v1/candidate/{}/answers/{}/uploads", f.token, f.question),
                )
                .json(&json!({ "contentType": "video/webm", "size": 1024 })),
            ),
        ),
        "reelview-candidate-page" => (
            "GET /i/{token}",
            Input::Http(Request::new("GET", &format!("/i/{}", f.token))),
        ),
        "reelview-console" => ("GET /app", Input::Http(Request::new("GET", "/app"))),
        "reelview-apply" => (
            "GET /apply/{slug}",
            Input::Http(Request::new("GET", &format!("/apply/{}", f.slug))),
        ),
        "reelview-share" => (
            "GET …/shares",
            Input::Http(get(format!("/v1/interviews/{}/shares", f.interview))),
        ),
        "reelview-comments" => (
            "GET …/comments",
            Input::Http(get(format!("/v1/interviews/{}/comments", f.interview))),
        ),
        "reelview-api-keys" => ("GET /v1/api-keys", Input::Http(get("/v1/api-keys".into()))),
        "reelview-webhooks" => ("GET /v1/webhooks", Input::Http(get("/v1/webhooks".into()))),
        "reelview-purge" => ("scheduled run", Input::Event(scheduled())),
        "reelview-retention" => ("scheduled run", Input::Event(scheduled())),
        "reelview-reminders" => ("scheduled run (nothing due)", Input::Event(scheduled())),
        "reelview-webhook-delivery" => ("scheduled run", Input::Event(scheduled())),
        "reelview-email-events" => ("empty SNS batch", Input::Event(json!({ "Records": [] }))),
        "reelview-followups" => ("empty stream batch", Input::Event(json!({ "Records": [] }))),
        "reelview-transcripts" => ("another source's event", Input::Event(scheduled())),
        _ => return None,
    })
}

async fn start_all(template: &serde_yaml::Value, subjects: &[Subject]) -> Gateway {
    let mut processes = HashMap::new();
    for s in subjects.iter().filter(|s| s.binary != FLOOR) {
        let process = s.start().await;
        process.ready().await.unwrap_or_else(|why| panic!("{why}"));
        processes.insert(s.binary.clone(), process);
    }
    Gateway::new(Api::default(), template, processes)
}

/// The deployment's data, written through the same handlers in this process (AWS adapters
/// on the emulator), so the measured processes start cold.
async fn fixture(aws: &Resources) -> Fixture {
    let router = crate::world::aws_router(aws).await;
    let call = |method: axum::http::Method, path: String, bearer: Option<String>, body: Value| {
        let router = &router;
        async move {
            let (status, bytes) =
                crate::world::send(router, method, &path, bearer.as_deref(), Some(&body)).await;
            let json: Value = serde_json::from_slice(&bytes).unwrap_or(Value::Null);
            assert!(status < 300, "{path}: {status} {json}");
            json
        }
    };
    let tenant = call(
        axum::http::Method::POST,
        "/admin/v1/tenants".into(),
        Some(crate::world::ADMIN_KEY.into()),
        json!({ "name": "Bench" }),
    )
    .await;
    let key = tenant["apiKey"].as_str().expect("apiKey").to_string();
    let position = call(
        axum::http::Method::POST,
        "/v1/positions".into(),
        Some(key.clone()),
        json!({
            "name": "Backend Engineer",
            "publicApply": true,
            "slug": "backend",
            "questions": [{ "text": "Why this role?", "maxAnswerSeconds": 60, "thinkingSeconds": 10, "retakes": 3 }],
        }),
    )
    .await;
    let position_id = position["id"].as_str().expect("id").to_string();
    let invited = call(
        axum::http::Method::POST,
        format!("/v1/positions/{position_id}/interviews"),
        Some(key.clone()),
        reelview_tests::candidate("ana@example.com"),
    )
    .await;
    Fixture {
        key,
        question: position["questions"][0]["id"]
            .as_str()
            .expect("question")
            .to_string(),
        slug: position["publicSlug"].as_str().expect("slug").to_string(),
        position: position_id,
        interview: invited["id"].as_str().expect("id").to_string(),
        token: reelview_tests::token_of(invited["url"].as_str().expect("url")),
    }
}

/// Invokes one function with `input`: the time the function took (event in, answer out) and
/// the status it answered (HTTP status, or 200 for an event's result).
async fn invoke(gateway: &Gateway, binary: &str, input: &Input) -> (Duration, u16) {
    let event = match input {
        Input::Http(request) => match gateway.event_for(request).await {
            Ok((function, event)) => {
                assert_eq!(
                    function, binary,
                    "the template routes {request:?} elsewhere"
                );
                event
            }
            Err(gateway_answer) => return (Duration::ZERO, gateway_answer.status),
        },
        Input::Authorize(request) => {
            let (route, parameters) = gateway.route(request).expect("a route");
            let identity = format!("Bearer {}", request_key(request));
            apigw::authorizer_event(&gateway.api, route, &parameters, request, &identity)
        }
        Input::Event(event) => event.clone(),
    };
    let process = gateway.function(binary);
    let started = Instant::now();
    let answer = process
        .try_invoke(&event)
        .await
        .unwrap_or_else(|why| panic!("{why}"));
    let took = started.elapsed();
    let status = match input {
        Input::Http(_) => Response::from_function(&answer).status,
        _ => 200,
    };
    (took, status)
}

fn request_key(request: &Request) -> String {
    request
        .headers
        .iter()
        .find(|(k, _)| k.eq_ignore_ascii_case("authorization"))
        .map(|(_, v)| v.trim_start_matches("Bearer ").to_string())
        .unwrap_or_default()
}

async fn invocations(
    report: &mut Report,
    template: &serde_yaml::Value,
    subjects: &[Subject],
    aws: &Resources,
) {
    let fixture = fixture(aws).await;
    let gateway = start_all(template, subjects).await;
    let mut table = Table::new(&[
        "function",
        "request",
        "first invocation",
        "status",
        "warm median (next 99)",
        "max RSS",
        "÷ floor",
        "target",
        "met",
    ]);
    // The floor: its own process, a GET of its only route.
    let floor_subject = subjects.iter().find(|s| s.binary == FLOOR).expect("floor");
    let floor = floor_subject.start().await;
    floor.ready().await.unwrap_or_else(|why| panic!("{why}"));
    let route = Event {
        function: FLOOR.into(),
        method: "GET".into(),
        path: "/".into(),
        auth: RouteAuth::None,
    };
    let floor_event = apigw::http_event(
        &gateway.api,
        &route,
        &BTreeMap::new(),
        &Request::new("GET", "/"),
        &Authorization::None,
    );
    let mut floor_times = Vec::new();
    for _ in 0..INVOCATIONS {
        let started = Instant::now();
        floor.invoke(&floor_event).await;
        floor_times.push(started.elapsed());
    }
    let floor_rss = floor.peak_rss_kib().unwrap_or(0);
    let (floor_first, floor_warm) = first_and_median(&floor_times);
    drop(floor);

    // The authorizer first: every other request passes it, and must find it warm.
    let order: Vec<&Subject> = subjects
        .iter()
        .filter(|s| s.binary == "reelview-authorizer")
        .chain(
            subjects
                .iter()
                .filter(|s| s.binary != "reelview-authorizer" && s.binary != FLOOR),
        )
        .collect();
    let mut largest: Option<(&str, u64)> = None;
    for subject in order {
        let binary = subject.binary.as_str();
        let Some((what, _)) = representative(binary, 0, &fixture) else {
            table.row(vec![
                binary.into(),
                "(no representative request yet)".into(),
            ]);
            continue;
        };
        let mut times = Vec::new();
        let mut first_status = 0;
        for i in 0..INVOCATIONS {
            let (_, input) = representative(binary, i, &fixture).expect("input");
            let (took, status) = invoke(&gateway, binary, &input).await;
            if i == 0 {
                first_status = status;
            }
            times.push(took);
        }
        let rss = gateway.function(binary).peak_rss_kib().unwrap_or(0);
        if largest.is_none_or(|(_, r)| rss > r) {
            largest = Some((binary, rss));
        }
        let (first, warm) = first_and_median(&times);
        table.row(vec![
            binary.into(),
            what.into(),
            ms(first),
            first_status.to_string(),
            ms(warm),
            mib_of_kib(rss),
            ratio(rss as f64, floor_rss as f64),
            "≤ 32 MiB".into(),
            yes_no(rss <= RSS_LIMIT_KIB),
        ]);
    }
    table.row(vec![
        format!("*{FLOOR} (floor)*"),
        "GET /".into(),
        ms(floor_first),
        "200".into(),
        ms(floor_warm),
        mib_of_kib(floor_rss),
        "1.00×".into(),
        "–".into(),
        "–".into(),
    ]);
    if let Some((name, rss)) = largest {
        report.target(Target {
            what: format!("largest max RSS (init + {INVOCATIONS} invocations): {name}"),
            figure: mib_of_kib(rss),
            floor: mib_of_kib(floor_rss),
            ratio: ratio(rss as f64, floor_rss as f64),
            target: "≤ 32 MiB".into(),
            met: rss <= RSS_LIMIT_KIB,
            command: COMMAND,
        });
    }
    report.section(
        "First invocation and memory",
        format!(
            "Every function of the template started afresh (x86_64 release, its template \
             environment, AWS adapters on the emulator: moto on this machine, so the times \
             are the emulator's plus ours, and show what a cold instance does on its first \
             request — connections, credentials, TLS where there is TLS). Then {} more \
             invocations of the same request; max RSS is the process's `VmHWM` after them. \
             A request's status is what the function answered (a resend is rate limited \
             after the first).\n\n{}",
            INVOCATIONS - 1,
            table.markdown()
        ),
    );
}

fn first_and_median(times: &[Duration]) -> (Duration, Duration) {
    let first = times.first().copied().unwrap_or_default();
    let mut rest: Vec<Duration> = times.iter().skip(1).copied().collect();
    rest.sort();
    (first, quantile(&rest, 0.5))
}
