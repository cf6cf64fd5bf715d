//! How much each use case costs on AWS: the DynamoDB, S3 and SES calls one request makes
//! (counted by the emulator, `tests/emulator/moto_server.py`), through the handlers every
//! function runs, on the AWS adapters, in this process. The milliseconds are the emulator's
//! (relative only). A Lambda's own cold-start work (the link key) is in `functions`.
//!
//! Run alone: `cargo bench -p reelview-local --bench benchmarks -- calls` (uses
//! MOTO_ENDPOINT, or starts moto).

use crate::report::{Report, Table, Target};
use crate::world::{aws_router, send_with, ADMIN_KEY};
use reelview_tests::emulator::{self, Resources};
use reelview_tests::token_of;
use reqwest::Method;
use serde_json::{json, Value};
use std::collections::BTreeMap;
use std::time::{Duration, Instant};

const COMMAND: &str = "cargo bench -p reelview-local --bench benchmarks -- calls";

async fn calls(method: Method) -> BTreeMap<String, u64> {
    let response = reqwest::Client::new()
        .request(method, format!("{}/_reelview/calls", emulator::endpoint()))
        .send()
        .await
        .expect("emulator answers");
    response.json().await.expect("counts")
}

struct Reply {
    status: u16,
    body: Value,
}

struct Row {
    name: String,
    status: u16,
    calls: BTreeMap<String, u64>,
    elapsed: Duration,
}

impl Row {
    fn total(&self) -> u64 {
        self.calls.values().sum()
    }

    fn of(&self, prefix: &str) -> u64 {
        self.calls
            .iter()
            .filter(|(k, _)| k.starts_with(prefix))
            .map(|(_, v)| v)
            .sum()
    }

    /// DynamoDB reads: GetItem, BatchGetItem, Query, Scan.
    fn dynamodb_reads(&self) -> u64 {
        ["GetItem", "BatchGetItem", "Query", "Scan"]
            .iter()
            .map(|a| {
                self.calls
                    .get(&format!("dynamodb:{a}"))
                    .copied()
                    .unwrap_or(0)
            })
            .sum()
    }
}

/// Collects one row per step.
struct Steps {
    rows: Vec<Row>,
}

impl Steps {
    /// Runs `op` with the counter reset: one row with the AWS calls it made.
    async fn step<F: std::future::Future<Output = u16>>(&mut self, name: &str, op: F) {
        calls(Method::DELETE).await;
        let started = Instant::now();
        let status = op.await;
        let elapsed = started.elapsed();
        let calls = calls(Method::GET).await;
        self.rows.push(Row {
            name: name.to_string(),
            status,
            calls,
            elapsed,
        });
    }
}

pub async fn run(report: &mut Report) {
    let aws = Resources::create(true).await;
    let router = aws_router(&aws).await;
    let http = reqwest::Client::new();
    let mut s = Steps { rows: Vec::new() };
    let admin = ADMIN_KEY.to_string();
    let call = |method: Method, path: String, key: Option<String>, body: Option<Value>| {
        let router = &router;
        async move {
            let method =
                axum::http::Method::from_bytes(method.as_str().as_bytes()).expect("method");
            let (status, bytes) =
                send_with(router, method, &path, key.as_deref(), &[], body.as_ref()).await;
            Reply {
                status,
                body: serde_json::from_slice(&bytes).unwrap_or(Value::Null),
            }
        }
    };

    // A team and its keys.
    let mut tenant = Value::Null;
    s.step("create tenant (admin)", async {
        let r = call(
            Method::POST,
            "/admin/v1/tenants".into(),
            Some(admin.clone()),
            Some(json!({ "name": "Acme" })),
        )
        .await;
        tenant = r.body;
        r.status
    })
    .await;
    let key = tenant["apiKey"].as_str().expect("apiKey").to_string();
    let k = || Some(key.clone());
    s.step("create API key", async {
        call(
            Method::POST,
            "/v1/api-keys".into(),
            k(),
            Some(json!({ "label": "Bo" })),
        )
        .await
        .status
    })
    .await;
    s.step("list API keys", async {
        call(Method::GET, "/v1/api-keys".into(), k(), None)
            .await
            .status
    })
    .await;
    s.step("GET /v1/me", async {
        call(Method::GET, "/v1/me".into(), k(), None).await.status
    })
    .await;

    // A position with a recorded and a written question, open to applications.
    let mut position = Value::Null;
    s.step("create position", async {
        let r = call(
            Method::POST,
            "/v1/positions".into(),
            k(),
            Some(json!({
                "name": "Engineer",
                "publicApply": true,
                "slug": "engineer",
                "questions": [
                    { "text": "Why?", "retakes": 3 },
                    { "text": "Tell us more.", "kind": "text", "maxCharacters": 500 },
                ],
            })),
        )
        .await;
        position = r.body;
        r.status
    })
    .await;
    let position_id = position["id"].as_str().expect("position id").to_string();
    let question = position["questions"][0]["id"]
        .as_str()
        .expect("q")
        .to_string();
    let written = position["questions"][1]["id"]
        .as_str()
        .expect("q")
        .to_string();
    let slug = position["publicSlug"]
        .as_str()
        .unwrap_or("engineer")
        .to_string();
    let p = |rest: &str| format!("/v1/positions/{position_id}{rest}");
    s.step("list positions", async {
        call(Method::GET, "/v1/positions".into(), k(), None)
            .await
            .status
    })
    .await;
    s.step("get position", async {
        call(Method::GET, p(""), k(), None).await.status
    })
    .await;
    s.step("edit position", async {
        call(
            Method::PATCH,
            p(""),
            k(),
            Some(json!({ "name": "Engineer II" })),
        )
        .await
        .status
    })
    .await;

    // Invitations.
    let mut invited = Value::Null;
    s.step("invite (with email)", async {
        let r = call(
            Method::POST,
            p("/interviews"),
            k(),
            Some(reelview_tests::candidate("ana@example.com")),
        )
        .await;
        invited = r.body;
        r.status
    })
    .await;
    s.step("invite, duplicate email", async {
        call(
            Method::POST,
            p("/interviews"),
            k(),
            Some(reelview_tests::candidate("ana@example.com")),
        )
        .await
        .status
    })
    .await;
    s.step("invite with Idempotency-Key", async {
        send_with(
            &router,
            axum::http::Method::POST,
            &p("/interviews"),
            Some(&key),
            &[("Idempotency-Key", "k1")],
            Some(&reelview_tests::candidate("bo@example.com")),
        )
        .await
        .0
    })
    .await;
    let mut other = Value::Null;
    s.step("invite batch of 3", async {
        let r = call(
            Method::POST,
            p("/interviews/batch"),
            k(),
            Some(json!({ "candidates": [
                reelview_tests::candidate("cy@example.com"),
                reelview_tests::candidate("di@example.com"),
                reelview_tests::candidate("ed@example.com"),
            ] })),
        )
        .await;
        other = r.body;
        r.status
    })
    .await;
    let other_id = other["results"][0]["interview"]["id"]
        .as_str()
        .or_else(|| other["results"][0]["id"].as_str())
        .unwrap_or_default()
        .to_string();
    s.step("apply page", async {
        call(Method::GET, format!("/apply/{slug}"), None, None)
            .await
            .status
    })
    .await;

    // The candidate.
    let token = token_of(invited["url"].as_str().expect("url"));
    let interview_id = invited["id"].as_str().expect("id").to_string();
    let session = format!("/v1/candidate/{token}");
    s.step("candidate page (static)", async {
        call(Method::GET, format!("/i/{token}"), None, None)
            .await
            .status
    })
    .await;
    s.step("candidate session, first open", async {
        call(Method::GET, session.clone(), None, None).await.status
    })
    .await;
    s.step("candidate session, later opens", async {
        call(Method::GET, session.clone(), None, None).await.status
    })
    .await;
    let mut ticket = Value::Null;
    s.step("request upload (presigned PUT)", async {
        let r = call(
            Method::POST,
            format!("{session}/answers/{question}/uploads"),
            None,
            Some(json!({ "contentType": "video/webm", "size": 1024 })),
        )
        .await;
        ticket = r.body;
        r.status
    })
    .await;
    let mut request = http
        .put(ticket["url"].as_str().expect("upload url"))
        .body(vec![1u8; 1024]);
    for (name, value) in ticket["headers"].as_object().expect("headers") {
        request = request.header(name, value.as_str().expect("header"));
    }
    s.step("browser PUT to S3 (no Lambda)", async {
        request.send().await.expect("answer").status().as_u16()
    })
    .await;
    let upload = ticket["uploadId"].as_str().expect("uploadId").to_string();
    let uploads = format!("{session}/answers/{question}/uploads");
    s.step("upload status (resume)", async {
        call(Method::GET, format!("{uploads}/{upload}"), None, None)
            .await
            .status
    })
    .await;
    s.step("complete upload", async {
        call(
            Method::POST,
            format!("{uploads}/{upload}/complete"),
            None,
            None,
        )
        .await
        .status
    })
    .await;
    let mut multipart = Value::Null;
    s.step("request upload (multipart)", async {
        let r = call(
            Method::POST,
            uploads.clone(),
            None,
            Some(json!({ "contentType": "video/webm", "size": 12_000_000, "multipart": true })),
        )
        .await;
        multipart = r.body;
        r.status
    })
    .await;
    let multipart_id = multipart["uploadId"]
        .as_str()
        .unwrap_or_default()
        .to_string();
    s.step("abort upload (multipart)", async {
        call(
            Method::DELETE,
            format!("{uploads}/{multipart_id}"),
            None,
            None,
        )
        .await
        .status
    })
    .await;
    s.step("save written answer", async {
        call(
            Method::PUT,
            format!("{session}/answers/{written}/text"),
            None,
            Some(json!({ "text": "Because." })),
        )
        .await
        .status
    })
    .await;
    s.step("submit", async {
        call(Method::POST, format!("{session}/submit"), None, None)
            .await
            .status
    })
    .await;

    // Review.
    let i = |rest: &str| format!("/v1/interviews/{interview_id}{rest}");
    s.step("list interviews", async {
        call(Method::GET, p("/interviews"), k(), None).await.status
    })
    .await;
    s.step("interview results", async {
        call(Method::GET, i(""), k(), None).await.status
    })
    .await;
    s.step("score", async {
        call(Method::PUT, i("/score"), k(), Some(json!({ "score": 4 })))
            .await
            .status
    })
    .await;
    s.step("stage", async {
        call(
            Method::POST,
            i("/stage"),
            k(),
            Some(json!({ "stage": "shortlisted" })),
        )
        .await
        .status
    })
    .await;
    s.step("comment", async {
        call(
            Method::POST,
            i("/comments"),
            k(),
            Some(json!({ "text": "Clear." })),
        )
        .await
        .status
    })
    .await;
    s.step("list comments", async {
        call(Method::GET, i("/comments"), k(), None).await.status
    })
    .await;
    let mut share = Value::Null;
    s.step("create share link", async {
        let r = call(
            Method::POST,
            i("/shares"),
            k(),
            Some(json!({ "expiresInDays": 7 })),
        )
        .await;
        share = r.body;
        r.status
    })
    .await;
    s.step("list share links", async {
        call(Method::GET, i("/shares"), k(), None).await.status
    })
    .await;
    let share_token = share["url"]
        .as_str()
        .map(token_of)
        .or_else(|| share["token"].as_str().map(str::to_string))
        .unwrap_or_default();
    s.step("open share link (JSON)", async {
        call(Method::GET, format!("/v1/shares/{share_token}"), None, None)
            .await
            .status
    })
    .await;
    s.step("redo an answer", async {
        call(
            Method::DELETE,
            i(&format!("/answers/{question}")),
            k(),
            None,
        )
        .await
        .status
    })
    .await;
    s.step("set deadline", async {
        call(
            Method::PUT,
            i("/deadline"),
            k(),
            Some(json!({ "deadline": "2999-01-01T00:00:00Z" })),
        )
        .await
        .status
    })
    .await;
    let o = |rest: &str| format!("/v1/interviews/{other_id}{rest}");
    s.step("resend invitation", async {
        call(Method::POST, o("/resend"), k(), None).await.status
    })
    .await;
    s.step("re-invite (new link)", async {
        call(Method::POST, o("/reinvite"), k(), None).await.status
    })
    .await;
    s.step("create webhook", async {
        call(
            Method::POST,
            "/v1/webhooks".into(),
            k(),
            Some(json!({ "url": "http://127.0.0.1:9/hook", "events": ["interview.completed"], "enabled": false })),
        )
        .await
        .status
    })
    .await;
    s.step("list webhooks", async {
        call(Method::GET, "/v1/webhooks".into(), k(), None)
            .await
            .status
    })
    .await;

    // The reminder job: five more invitations, all due three days on.
    for n in 0..5 {
        call(
            Method::POST,
            p("/interviews"),
            k(),
            Some(reelview_tests::candidate(&format!("due{n}@example.com"))),
        )
        .await;
    }
    let later = (chrono::Utc::now() + chrono::Duration::days(3)).to_rfc3339();
    s.step("reminder job (9 interviews due)", async {
        call(
            Method::POST,
            "/admin/v1/jobs/reminders".into(),
            Some(admin.clone()),
            Some(json!({ "now": later })),
        )
        .await
        .status
    })
    .await;

    s.step("delete interview", async {
        call(Method::DELETE, o(""), k(), None).await.status
    })
    .await;
    s.step("archive position", async {
        call(Method::POST, p("/archive"), k(), None).await.status
    })
    .await;
    s.step("delete position", async {
        call(Method::DELETE, p(""), k(), None).await.status
    })
    .await;

    let mut table = Table::new(&[
        "request",
        "status",
        "AWS calls",
        "DynamoDB reads",
        "S3",
        "by action",
        "ms (emulator)",
    ]);
    for row in &s.rows {
        let detail: Vec<String> = row.calls.iter().map(|(k, v)| format!("{k}×{v}")).collect();
        table.row(vec![
            row.name.clone(),
            row.status.to_string(),
            row.total().to_string(),
            row.dynamodb_reads().to_string(),
            row.of("s3:").to_string(),
            detail.join(", "),
            format!("{:.1}", row.elapsed.as_secs_f64() * 1000.0),
        ]);
    }
    let upload = s
        .rows
        .iter()
        .find(|r| r.name == "request upload (presigned PUT)")
        .expect("the upload row");
    report.target(Target {
        what: "request upload: DynamoDB reads, S3 calls".into(),
        figure: format!("{} reads, {} S3", upload.dynamodb_reads(), upload.of("s3:")),
        floor: "–".into(),
        ratio: "–".into(),
        target: "≤ 1 read, 0 S3".into(),
        met: upload.dynamodb_reads() <= 1 && upload.of("s3:") == 0,
        command: COMMAND,
    });
    let scans: u64 = s
        .rows
        .iter()
        .map(|r| r.calls.get("dynamodb:Scan").copied().unwrap_or(0))
        .sum();
    report.target(Target {
        what: format!("Scans over {} use cases", s.rows.len()),
        figure: scans.to_string(),
        floor: "–".into(),
        ratio: "–".into(),
        target: "0".into(),
        met: scans == 0,
        command: COMMAND,
    });
    report.section(
        "AWS calls per use case",
        format!(
            "One request each through the router every function serves, in process, on the \
             AWS adapters pointed at the emulator, which counts the calls it serves. The \
             recruiter routes resolve the API key here (one DynamoDB GetItem); deployed, the \
             authorizer does that, once a minute per key (API Gateway caches its answer).\n\n{}",
            table.markdown()
        ),
    );
}
