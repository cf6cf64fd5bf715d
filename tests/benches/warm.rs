//! Warm, in-process latency of the three requests a deployment serves most: an invitation
//! (with its email), a candidate opening the link (the first open, which writes), and a
//! request for an upload URL — 10,000 of each through the router every function serves,
//! on the embedded store in memory. What is left is our code: routing, JSON, rules, the
//! store's records and conditions, signing. Network time to AWS comes on top, deployed.

use crate::report::{quantile, us, Report, Table};
use crate::world::World;
use axum::http::Method;
use serde_json::json;
use std::time::{Duration, Instant};

const REQUESTS: usize = 10_000;

pub async fn run(report: &mut Report) {
    let world = World::new();
    let (key, position, question) = world.tenant_and_position().await;
    let invite_path = format!("/v1/positions/{position}/interviews");

    let mut tokens = Vec::with_capacity(REQUESTS);
    let mut invite = Vec::with_capacity(REQUESTS);
    world.counts.take();
    for i in 0..REQUESTS {
        let body = reelview_tests::candidate(&format!("candidate-{i}@example.com"));
        let started = Instant::now();
        let (status, bytes) = world
            .send(Method::POST, &invite_path, Some(&key), Some(&body))
            .await;
        invite.push(started.elapsed());
        assert_eq!(
            status,
            201,
            "invite {i}: {}",
            String::from_utf8_lossy(&bytes)
        );
        let reply: serde_json::Value = serde_json::from_slice(&bytes).expect("JSON");
        tokens.push(reelview_tests::token_of(
            reply["url"].as_str().expect("url"),
        ));
    }
    let invite_calls = world.counts.take();

    let mut open = Vec::with_capacity(REQUESTS);
    for token in &tokens {
        let path = format!("/v1/candidate/{token}");
        let started = Instant::now();
        let (status, _) = world.send(Method::GET, &path, None, None).await;
        open.push(started.elapsed());
        assert_eq!(status, 200, "open");
    }
    let open_calls = world.counts.take();

    let mut upload = Vec::with_capacity(REQUESTS);
    let ticket = json!({ "contentType": "video/webm", "size": 1_048_576 });
    for token in &tokens {
        let path = format!("/v1/candidate/{token}/answers/{question}/uploads");
        let started = Instant::now();
        let (status, bytes) = world.send(Method::POST, &path, None, Some(&ticket)).await;
        upload.push(started.elapsed());
        assert_eq!(status, 201, "upload: {}", String::from_utf8_lossy(&bytes));
    }
    let upload_calls = world.counts.take();

    let mut table = Table::new(&["request", "p50", "p99", "max", "store calls per request"]);
    for (name, mut samples, calls) in [
        ("invite (with email)", invite, invite_calls),
        ("open session (first open)", open, open_calls),
        ("request upload (presigned PUT)", upload, upload_calls),
    ] {
        samples.sort();
        let per = |n: u64| n as f64 / REQUESTS as f64;
        table.row(vec![
            name.into(),
            us(quantile(&samples, 0.5)),
            us(quantile(&samples, 0.99)),
            us(*samples.last().unwrap_or(&Duration::ZERO)),
            format!(
                "{:.1} (get {:.1}, query {:.1}, write {:.1})",
                per(calls.store_calls()),
                per(calls.get + calls.batch_get),
                per(calls.query),
                per(calls.write)
            ),
        ]);
    }
    report.section(
        "Warm latency in process",
        format!(
            "{REQUESTS} requests of each kind, one after another, through the router every \
             function serves (`reelview::http::all_routes`), on the embedded store kept in \
             memory and a mailer that only counts: our code alone, release build. The \
             invitations are {REQUESTS} different candidates; each is then opened once and \
             asked for an upload URL once. Recruiter requests resolve their API key through \
             the store here (one read); deployed, the authorizer does.\n\n{}",
            table.markdown()
        ),
    );
}
