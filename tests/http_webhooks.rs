//! Black-box tests of webhooks on both backends: a receiver on loopback checks the signature
//! of every delivery with its own HMAC; each change is told once it is stored; failures are
//! retried on schedule and logged; a rotated secret signs with both; a hanging receiver holds
//! up no API call; internal addresses are refused.

use axum::body::Bytes;
use axum::http::{HeaderMap, StatusCode};
use base64::Engine;
use hmac::{Hmac, Mac};
use reelview_tests::{both, candidate, token_of, video, Backend, Server};
use reqwest::Method;
use serde_json::{json, Value};
use sha2::Sha256;
use std::collections::VecDeque;
use std::sync::{Arc, Mutex};
use std::time::Duration;
use tokio::sync::Notify;

/// One POST the receiver got.
#[derive(Debug, Clone)]
struct Received {
    id: String,
    timestamp: String,
    signatures: Vec<String>,
    body: String,
}

impl Received {
    fn json(&self) -> Value {
        serde_json::from_str(&self.body).expect("a JSON body")
    }

    /// Whether `secret` made one of the signatures (checked with this test's own HMAC).
    fn signed_with(&self, secret: &str) -> bool {
        let mut mac = Hmac::<Sha256>::new_from_slice(secret.as_bytes()).unwrap();
        mac.update(format!("{}.{}.{}", self.id, self.timestamp, self.body).as_bytes());
        let expected =
            base64::engine::general_purpose::STANDARD.encode(mac.finalize().into_bytes());
        self.signatures.contains(&expected)
    }
}

#[derive(Default)]
struct State {
    received: Mutex<Vec<Received>>,
    /// Statuses to answer, in order (then 200).
    statuses: Mutex<VecDeque<u16>>,
    /// Requests to hold until released.
    hold_next: Mutex<bool>,
    holding: Mutex<usize>,
    release: Notify,
}

/// An ATS stand-in on loopback.
struct Receiver {
    url: String,
    state: Arc<State>,
}

impl Receiver {
    async fn start() -> Receiver {
        let state = Arc::new(State::default());
        let shared = state.clone();
        let app = axum::Router::new().fallback(move |headers: HeaderMap, body: Bytes| {
            let state = shared.clone();
            async move {
                let header = |name: &str| {
                    headers
                        .get(name)
                        .and_then(|v| v.to_str().ok())
                        .unwrap_or_default()
                        .to_string()
                };
                let signatures = header("reelview-webhook-signature")
                    .split(' ')
                    .filter_map(|v| v.strip_prefix("v1=").map(str::to_string))
                    .collect();
                state.received.lock().unwrap().push(Received {
                    id: header("reelview-webhook-id"),
                    timestamp: header("reelview-webhook-timestamp"),
                    signatures,
                    body: String::from_utf8_lossy(&body).into_owned(),
                });
                let hold = std::mem::take(&mut *state.hold_next.lock().unwrap());
                if hold {
                    *state.holding.lock().unwrap() += 1;
                    state.release.notified().await;
                }
                let status = state.statuses.lock().unwrap().pop_front().unwrap_or(200);
                (StatusCode::from_u16(status).unwrap(), "ok from the ATS")
            }
        });
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let url = format!("http://{}/hooks/reelview", listener.local_addr().unwrap());
        tokio::spawn(async move { axum::serve(listener, app).await.unwrap() });
        Receiver { url, state }
    }

    fn received(&self) -> Vec<Received> {
        self.state.received.lock().unwrap().clone()
    }

    /// What arrived once `count` requests did (waits up to 20 s).
    async fn when(&self, count: usize) -> Vec<Received> {
        for _ in 0..200 {
            let got = self.received();
            if got.len() >= count {
                return got;
            }
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
        panic!("expected {count} deliveries, got {:?}", self.received());
    }
}

const ALL_EVENTS: [&str; 9] = [
    "interview.created",
    "interview.started",
    "interview.completed",
    "interview.answer_deleted",
    "interview.stage_changed",
    "interview.score_updated",
    "interview.expired",
    "interview.deleted",
    "email.bounced",
];

async fn subscribe(server: &Server, key: &str, url: &str, events: &[&str]) -> (String, String) {
    let created = server
        .post(
            "/v1/webhooks",
            key,
            &json!({ "url": url, "events": events, "description": "Our ATS" }),
        )
        .await;
    assert_eq!(created.status, 201, "{:?}", created.body);
    let secret = created.body["secret"].as_str().unwrap().to_string();
    (created.body["id"].as_str().unwrap().to_string(), secret)
}

both!(every_change_reaches_a_subscribed_receiver_signed_and_once);
async fn every_change_reaches_a_subscribed_receiver_signed_and_once(backend: Backend) {
    let receiver = Receiver::start().await;
    let server = Server::start(backend).await;
    let key = server.tenant("Acme", None).await;

    // Where a delivery may not go, and what cannot be subscribed to.
    for url in [
        "http://169.254.169.254/latest/meta-data/",
        "http://[fd00:ec2::254]/",
        "ftp://127.0.0.1/hook",
        "http://user:secret@127.0.0.1/hook",
        "not a url",
    ] {
        let refused = server
            .post(
                "/v1/webhooks",
                &key,
                &json!({ "url": url, "events": ["interview.completed"] }),
            )
            .await;
        refused.assert_problem(422, "validation_failed");
        assert_eq!(
            refused.body["errors"][0]["field"], "url",
            "{url}: {:?}",
            refused.body
        );
    }
    let unknown = server
        .post(
            "/v1/webhooks",
            &key,
            &json!({ "url": receiver.url, "events": ["interview.hired"] }),
        )
        .await;
    unknown.assert_problem(422, "validation_failed");
    assert_eq!(unknown.body["errors"][0]["field"], "events[0]");

    let (id, secret) = subscribe(&server, &key, &receiver.url, &ALL_EVENTS).await;
    assert!(
        secret.starts_with("whsec_") && secret.len() == 6 + 43,
        "{secret}"
    );
    let read = server.get(&format!("/v1/webhooks/{id}"), &key).await;
    assert_eq!(read.status, 200);
    assert!(
        read.body.get("secret").is_none(),
        "the secret is shown once: {:?}",
        read.body
    );
    assert_eq!(read.body["events"], json!(ALL_EVENTS));

    // A test ping.
    let ping = server
        .call(
            Method::POST,
            &format!("/v1/webhooks/{id}/test"),
            Some(&key),
            None,
        )
        .await;
    assert_eq!(ping.status, 202, "{:?}", ping.body);
    let got = receiver.when(1).await;
    assert!(got[0].signed_with(&secret), "{:?}", got[0]);
    assert_eq!(got[0].json()["type"], "ping");
    assert_eq!(got[0].json()["data"], Value::Null);

    // An interview's life, each step told.
    let position = server.position(&key, json!({})).await;
    let body =
        json!({ "candidate": candidate("ana@example.com")["candidate"], "externalId": "ats-42" });
    let invited = server.invite(&key, &position, &body).await;
    let interview = invited.body["id"].as_str().unwrap().to_string();
    let token = token_of(invited.body["url"].as_str().unwrap());
    for i in 0..2 {
        let question = position["questions"][i]["id"].as_str().unwrap();
        server
            .answer(&token, question, &video(300, i as u8), None)
            .await;
    }
    let submitted = server
        .call(
            Method::POST,
            &format!("/v1/candidate/{token}/submit"),
            None,
            None,
        )
        .await;
    assert_eq!(submitted.status, 200);
    let staged = server
        .post(
            &format!("/v1/interviews/{interview}/stage"),
            &key,
            &json!({ "stage": "shortlisted" }),
        )
        .await;
    assert_eq!(staged.status, 200, "{:?}", staged.body);
    let scored = server
        .call(
            Method::PUT,
            &format!("/v1/interviews/{interview}/score"),
            Some(&key),
            Some(&json!({ "score": 4.5 })),
        )
        .await;
    assert_eq!(scored.status, 200, "{:?}", scored.body);
    let question = position["questions"][1]["id"].as_str().unwrap();
    let redo = server
        .call(
            Method::DELETE,
            &format!("/v1/interviews/{interview}/answers/{question}"),
            Some(&key),
            None,
        )
        .await;
    assert_eq!(redo.status, 200, "{:?}", redo.body);
    let deleted = server
        .call(
            Method::DELETE,
            &format!("/v1/interviews/{interview}"),
            Some(&key),
            None,
        )
        .await;
    assert_eq!(deleted.status, 204);

    let told = [
        "interview.created",
        "interview.started",
        "interview.completed",
        "interview.stage_changed",
        "interview.score_updated",
        "interview.answer_deleted",
        "interview.deleted",
    ];
    let got = receiver.when(1 + told.len()).await;
    tokio::time::sleep(Duration::from_millis(1500)).await;
    let got_all = receiver.received();
    assert_eq!(got_all.len(), got.len(), "each event once: {got_all:?}");
    let tenant_ids: Vec<Value> = got_all
        .iter()
        .map(|r| r.json()["tenantId"].clone())
        .collect();
    let mut types: Vec<String> = Vec::new();
    for delivery in &got_all[1..] {
        assert!(delivery.signed_with(&secret), "{delivery:?}");
        let event = delivery.json();
        assert_eq!(
            event["id"],
            delivery.id.as_str(),
            "the id header is the event's id"
        );
        assert!(
            !delivery.body.contains("http"),
            "never a URL: {}",
            delivery.body
        );
        assert!(
            !delivery.body.contains("ana@example.com"),
            "never contact details"
        );
        assert_eq!(event["data"]["id"], interview.as_str());
        assert_eq!(event["data"]["externalId"], "ats-42");
        assert_eq!(event["data"]["positionId"], position["id"]);
        types.push(event["type"].as_str().unwrap().to_string());
        match event["type"].as_str().unwrap() {
            "interview.completed" => assert_eq!(event["data"]["status"], "completed"),
            "interview.stage_changed" => assert_eq!(event["data"]["stage"], "shortlisted"),
            "interview.score_updated" => assert_eq!(event["data"]["score"], 4.5),
            "interview.answer_deleted" => assert_eq!(event["data"]["status"], "in_progress"),
            _ => {}
        }
    }
    let mut expected: Vec<String> = told.iter().map(|t| t.to_string()).collect();
    expected.sort();
    types.sort();
    assert_eq!(types, expected);
    assert!(tenant_ids.windows(2).all(|w| w[0] == w[1]));

    // The delivery log.
    let log = server
        .get(&format!("/v1/webhooks/{id}/deliveries"), &key)
        .await;
    assert_eq!(log.status, 200);
    let items = log.body["items"].as_array().unwrap();
    assert_eq!(items.len(), 1 + told.len());
    assert!(
        items.iter().all(|d| d["status"] == "delivered"
            && d["attempts"] == 1
            && d["lastStatusCode"] == 200),
        "{items:?}"
    );
    assert_eq!(items[0]["lastResponse"], "ok from the ATS");
}

/// A subscription's delivery log, newest first.
async fn deliveries(server: &Server, key: &str, id: &str) -> Value {
    server
        .get(&format!("/v1/webhooks/{id}/deliveries"), key)
        .await
        .body["items"]
        .clone()
}

both!(failures_are_retried_on_schedule_secrets_rotate_and_receivers_never_hold_up_the_api);
async fn failures_are_retried_on_schedule_secrets_rotate_and_receivers_never_hold_up_the_api(
    backend: Backend,
) {
    let receiver = Receiver::start().await;
    let server = Server::start(backend).await;
    let key = server.tenant("Acme", None).await;
    let (id, secret) = subscribe(&server, &key, &receiver.url, &["interview.stage_changed"]).await;
    let position = server.position(&key, json!({})).await;
    let invited = server
        .invite(&key, &position, &candidate("bea@example.com"))
        .await;
    let interview = invited.body["id"].as_str().unwrap().to_string();
    let stage = |stage: &'static str| {
        let (server, key, interview) = (&server, &key, &interview);
        async move {
            let reply = server
                .post(
                    &format!("/v1/interviews/{interview}/stage"),
                    key,
                    &json!({ "stage": stage }),
                )
                .await;
            assert_eq!(reply.status, 200, "{:?}", reply.body);
        }
    };

    // The receiver fails once: the delivery waits for its retry, which the schedule makes.
    receiver.state.statuses.lock().unwrap().push_back(500);
    stage("shortlisted").await;
    receiver.when(1).await;

    let mut first = Value::Null;
    for _ in 0..50 {
        first = deliveries(&server, &key, &id).await[0].clone();
        if first["attempts"] == 1 {
            break;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    assert_eq!(first["status"], "pending", "{first}");
    assert_eq!(first["lastStatusCode"], 500);
    let next: chrono::DateTime<chrono::Utc> =
        first["nextAttemptAt"].as_str().unwrap().parse().unwrap();
    let last: chrono::DateTime<chrono::Utc> =
        first["lastAttemptAt"].as_str().unwrap().parse().unwrap();
    assert_eq!(
        (next - last).num_seconds(),
        60,
        "the first retry waits a minute"
    );
    let retry_run = |at: chrono::DateTime<chrono::Utc>| {
        let server = &server;
        async move {
            let admin = server.admin_key.clone();
            let ran = server
                .post(
                    "/admin/v1/jobs/webhooks",
                    &admin,
                    &json!({ "now": at.to_rfc3339() }),
                )
                .await;
            assert_eq!(ran.status, 200, "{:?}", ran.body);
            ran.body["attempted"].as_u64().unwrap()
        }
    };
    assert_eq!(
        retry_run(next - chrono::Duration::seconds(5)).await,
        0,
        "not yet due"
    );
    assert_eq!(retry_run(next + chrono::Duration::seconds(1)).await, 1);
    let got = receiver.when(2).await;
    assert_eq!(got[0].id, got[1].id, "a retry is the same event");
    assert_eq!(got[0].body, got[1].body);
    let after = deliveries(&server, &key, &id).await[0].clone();
    assert_eq!(
        (after["status"].as_str(), after["attempts"].as_u64()),
        (Some("delivered"), Some(2)),
        "{after}"
    );

    // A retry asked for by the team.
    let delivery = after["id"].as_str().unwrap();
    let retried = server
        .call(
            Method::POST,
            &format!("/v1/webhooks/{id}/deliveries/{delivery}/retry"),
            Some(&key),
            None,
        )
        .await;
    assert_eq!(retried.status, 202, "{:?}", retried.body);
    receiver.when(3).await;

    // A rotated secret: both sign for a day.
    let rotated = server
        .call(
            Method::POST,
            &format!("/v1/webhooks/{id}/rotate-secret"),
            Some(&key),
            None,
        )
        .await;
    assert_eq!(rotated.status, 200, "{:?}", rotated.body);
    let new_secret = rotated.body["secret"].as_str().unwrap().to_string();
    assert_ne!(new_secret, secret);
    assert!(rotated.body["previousSecretExpiresAt"].is_string());
    stage("discarded").await;
    let got = receiver.when(4).await;
    assert_eq!(got[3].signatures.len(), 2, "{:?}", got[3]);
    assert!(got[3].signed_with(&secret) && got[3].signed_with(&new_secret));

    // A receiver that hangs: the API call that caused the event has answered before the
    // receiver is even released, and the delivery is still in flight meanwhile.
    *receiver.state.hold_next.lock().unwrap() = true;
    stage("to_evaluate").await;
    for _ in 0..200 {
        if *receiver.state.holding.lock().unwrap() == 1 {
            break;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    assert_eq!(
        *receiver.state.holding.lock().unwrap(),
        1,
        "the delivery reached the receiver"
    );
    let in_flight = deliveries(&server, &key, &id).await[0].clone();
    assert_eq!(in_flight["attempts"], 0, "still in flight: {in_flight}");
    receiver.state.release.notify_waiters();
    for _ in 0..100 {
        if deliveries(&server, &key, &id).await[0]["status"] == "delivered" {
            return;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    panic!(
        "the held delivery was not recorded: {}",
        deliveries(&server, &key, &id).await
    );
}
