//! How much each API request costs on AWS: the DynamoDB, S3 and SES calls it makes (counted by
//! the emulator), its latency through `reelview-local` on the AWS adapters (relative numbers:
//! the emulator is not AWS), and the start-up work a cold Lambda does before its first request.
//!
//! Run: `cargo bench -p reelview-local --bench calls` (uses MOTO_ENDPOINT, or starts moto).

use reelview_tests::{emulator, token_of, Backend, Server};
use reqwest::Method;
use serde_json::{json, Value};
use std::collections::BTreeMap;
use std::time::{Duration, Instant};

async fn calls(method: Method) -> BTreeMap<String, u64> {
    let response = reqwest::Client::new()
        .request(method, format!("{}/_reelview/calls", emulator::endpoint()))
        .send()
        .await
        .expect("emulator answers");
    response.json().await.expect("counts")
}

/// Runs `op` once, returning the AWS calls it made and how long it took.
async fn measure<F: std::future::Future<Output = u16>>(
    op: F,
) -> (BTreeMap<String, u64>, Duration, u16) {
    calls(Method::DELETE).await;
    let started = Instant::now();
    let status = op.await;
    let elapsed = started.elapsed();
    (calls(Method::GET).await, elapsed, status)
}

fn row(name: &str, (calls, elapsed, status): (BTreeMap<String, u64>, Duration, u16)) {
    let total: u64 = calls.values().sum();
    let detail: Vec<String> = calls.iter().map(|(k, v)| format!("{k}×{v}")).collect();
    println!(
        "| {name} | {status} | {total} | {} | {:.1} |",
        detail.join(", "),
        elapsed.as_secs_f64() * 1000.0
    );
}

#[tokio::main]
async fn main() {
    reelview_tests::use_binary(env!("CARGO_BIN_EXE_reelview-local"));

    // Cold start: configuration and SDK clients, built once per Lambda instance.
    for (k, v) in emulator::sdk_env() {
        std::env::set_var(k, v);
    }
    let mut inits = Vec::new();
    for _ in 0..5 {
        let started = Instant::now();
        let settings = reelview::runtime::AwsSettings {
            table: "t".into(),
            video_bucket: "b".into(),
            mail_from: "m@example.com".into(),
            mail_configuration_set: None,
            links: reelview::app::Links::new(None, reelview::domain::LinkKey::new([1; 32])),
        };
        let _app = reelview::runtime::aws_app(settings).await;
        inits.push(started.elapsed());
    }
    inits.sort();
    println!(
        "Lambda init (config + DynamoDB, S3, SESv2 clients): median {:.2} ms of 5",
        inits[2].as_secs_f64() * 1000.0
    );

    let started = Instant::now();
    let server = Server::start(Backend::Aws).await;
    println!(
        "reelview-local start to listening (AWS adapters): {:.0} ms",
        started.elapsed().as_secs_f64() * 1000.0
    );

    println!();
    println!("| request | status | AWS calls | by action | ms (emulator) |");
    println!("| --- | --- | --- | --- | --- |");
    let admin = server.admin_key.clone();
    let post = |path: String, key: String, body: Value| {
        let server = &server;
        async move { server.post(&path, &key, &body).await }
    };
    let mut tenant = Value::Null;
    row(
        "create tenant",
        measure(async {
            tenant = post(
                "/admin/v1/tenants".into(),
                admin.clone(),
                json!({ "name": "Acme" }),
            )
            .await
            .body;
            201
        })
        .await,
    );
    let key = tenant["apiKey"].as_str().unwrap().to_string();
    let mut position = Value::Null;
    row(
        "create position",
        measure(async {
            let reply = post(
                "/v1/positions".into(),
                key.clone(),
                json!({ "name": "Engineer", "questions": [{ "text": "Why?" }] }),
            )
            .await;
            position = reply.body;
            reply.status
        })
        .await,
    );
    let position_id = position["id"].as_str().unwrap().to_string();
    let question = position["questions"][0]["id"].as_str().unwrap().to_string();
    let invite_path = format!("/v1/positions/{position_id}/interviews");
    let mut invited = Value::Null;
    row(
        "invite (with email)",
        measure(async {
            let reply = post(
                invite_path.clone(),
                key.clone(),
                reelview_tests::candidate("ana@example.com"),
            )
            .await;
            invited = reply.body;
            reply.status
        })
        .await,
    );
    row(
        "invite, duplicate email",
        measure(async {
            post(
                invite_path.clone(),
                key.clone(),
                reelview_tests::candidate("ana@example.com"),
            )
            .await
            .status
        })
        .await,
    );
    row(
        "invite with Idempotency-Key",
        measure(async {
            let request = server
                .http
                .post(server.url(&invite_path))
                .bearer_auth(&key)
                .header("Idempotency-Key", "k1")
                .json(&reelview_tests::candidate("bo@example.com"));
            request.send().await.unwrap().status().as_u16()
        })
        .await,
    );
    let token = token_of(invited["url"].as_str().unwrap());
    let session = format!("/v1/candidate/{token}");
    row(
        "candidate session, first open",
        measure(async { server.call(Method::GET, &session, None, None).await.status }).await,
    );
    row(
        "candidate session, later opens",
        measure(async { server.call(Method::GET, &session, None, None).await.status }).await,
    );
    let mut ticket = Value::Null;
    row(
        "start upload (presigned PUT)",
        measure(async {
            let reply = server
                .call(
                    Method::POST,
                    &format!("{session}/answers/{question}/uploads"),
                    None,
                    Some(&json!({ "contentType": "video/webm", "size": 1024 })),
                )
                .await;
            ticket = reply.body;
            reply.status
        })
        .await,
    );
    let mut request = server
        .http
        .put(ticket["url"].as_str().unwrap())
        .body(vec![1u8; 1024]);
    for (name, value) in ticket["headers"].as_object().unwrap() {
        request = request.header(name, value.as_str().unwrap());
    }
    row(
        "browser PUT to S3 (no Lambda)",
        measure(async { request.send().await.unwrap().status().as_u16() }).await,
    );
    let upload = ticket["uploadId"].as_str().unwrap().to_string();
    row(
        "complete upload",
        measure(async {
            server
                .call(
                    Method::POST,
                    &format!("{session}/answers/{question}/uploads/{upload}/complete"),
                    None,
                    None,
                )
                .await
                .status
        })
        .await,
    );
    row(
        "submit",
        measure(async {
            server
                .call(Method::POST, &format!("{session}/submit"), None, None)
                .await
                .status
        })
        .await,
    );
    row(
        "list interviews",
        measure(async {
            server
                .get(&format!("/v1/positions/{position_id}/interviews"), &key)
                .await
                .status
        })
        .await,
    );

    // Latency of a read-heavy request over repetitions, to compare changes (not AWS timings).
    let mut samples = Vec::new();
    for _ in 0..50 {
        let started = Instant::now();
        server.call(Method::GET, &session, None, None).await;
        samples.push(started.elapsed());
    }
    samples.sort();
    println!();
    println!(
        "candidate session over 50 requests on the emulator: p50 {:.1} ms, p90 {:.1} ms",
        samples[25].as_secs_f64() * 1000.0,
        samples[45].as_secs_f64() * 1000.0
    );
}
