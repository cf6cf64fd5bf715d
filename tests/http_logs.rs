//! Black-box test of the logs, on both backends: a whole run with JSON logs (keys, an invite
//! by email, a candidate's upload and submission, a share, a comment, a webhook) leaves in the
//! server's log one line per request with its id, function, route template, tenant, status
//! and latency, and not one of the secrets the run made.

use reelview_tests::{both, candidate, token_of, video, Backend, Options, Server};
use reqwest::Method;
use serde_json::{json, Value};
use std::sync::{Arc, Mutex};
use std::time::Duration;

/// A webhook receiver on loopback that keeps the bodies it gets.
async fn receiver() -> (String, Arc<Mutex<Vec<String>>>) {
    let bodies = Arc::new(Mutex::new(Vec::new()));
    let kept = bodies.clone();
    let app = axum::Router::new().fallback(move |body: String| {
        let kept = kept.clone();
        async move {
            kept.lock().unwrap().push(body);
            "ok"
        }
    });
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let url = format!("http://{}/hooks", listener.local_addr().unwrap());
    tokio::spawn(async move { axum::serve(listener, app).await.unwrap() });
    (url, bodies)
}

/// The secret parts of every URL in a response: a URL's query (presigned signatures) and,
/// for candidate and share links, the token at its end.
fn url_secrets(value: &Value, found: &mut Vec<String>) {
    match value {
        Value::String(s) if s.starts_with("http://") || s.starts_with("https://") => {
            if let Some((_, query)) = s.split_once('?') {
                found.push(query.to_string());
            }
            if s.contains("/i/") || s.contains("/s/") {
                found.push(s.clone());
                found.push(token_of(s));
            }
        }
        Value::Array(items) => items.iter().for_each(|v| url_secrets(v, found)),
        Value::Object(map) => map.values().for_each(|v| url_secrets(v, found)),
        _ => {}
    }
}

/// The per-request lines of the log, parsed.
fn request_lines(log: &[String]) -> Vec<Value> {
    log.iter()
        .filter_map(|line| serde_json::from_str::<Value>(line).ok())
        .filter(|line| line["message"] == "request")
        .collect()
}

both!(json_logs_have_a_line_per_request_and_no_secret);
async fn json_logs_have_a_line_per_request_and_no_secret(backend: Backend) {
    let server = Server::start_with(
        backend,
        Options {
            env: vec![
                ("REELVIEW_LOG_FORMAT".into(), "json".into()),
                ("RUST_LOG".into(), "info".into()),
            ],
            capture_log: true,
            ..Options::default()
        },
    )
    .await;
    let (hook_url, deliveries) = receiver().await;
    let mut secrets: Vec<String> = Vec::new();

    let created = server
        .post(
            "/admin/v1/tenants",
            &server.admin_key.clone(),
            &json!({ "name": "Acme" }),
        )
        .await;
    assert_eq!(created.status, 201, "{:?}", created.body);
    let tenant = created.body["tenantId"].as_str().unwrap().to_string();
    let key = created.body["apiKey"].as_str().unwrap().to_string();
    secrets.push(key.clone());
    let second = server
        .post("/v1/api-keys", &key, &json!({ "label": "Ana's ATS" }))
        .await;
    assert_eq!(second.status, 201, "{:?}", second.body);
    secrets.push(second.body["apiKey"].as_str().unwrap().to_string());

    let hook = server
        .post(
            "/v1/webhooks",
            &key,
            &json!({ "url": hook_url, "events": ["interview.completed"] }),
        )
        .await;
    assert_eq!(hook.status, 201, "{:?}", hook.body);
    secrets.push(hook.body["secret"].as_str().unwrap().to_string());
    let hook_id = hook.body["id"].as_str().unwrap();
    let rotated = server
        .call(
            Method::POST,
            &format!("/v1/webhooks/{hook_id}/rotate-secret"),
            Some(&key),
            None,
        )
        .await;
    assert_eq!(rotated.status, 200, "{:?}", rotated.body);
    secrets.push(rotated.body["secret"].as_str().unwrap().to_string());

    // An invitation by email: its link, its token, the address and the message itself.
    let position = server.position(&key, json!({})).await;
    let address = "ana.logs@example.com";
    secrets.push(address.to_string());
    let invited = server.invite(&key, &position, &candidate(address)).await;
    url_secrets(&invited.body, &mut secrets);
    let interview = invited.body["id"].as_str().unwrap().to_string();
    let token = token_of(invited.body["url"].as_str().unwrap());
    let mail = server.sent_mail().await;
    assert_eq!(mail.len(), 1, "one invitation");
    secrets.extend(
        mail[0]
            .text
            .lines()
            .map(str::trim)
            .filter(|line| line.len() >= 20)
            .map(str::to_string),
    );

    // The candidate opens the link, uploads both answers through presigned URLs, submits.
    let opened = server
        .call(Method::GET, &format!("/v1/candidate/{token}"), None, None)
        .await;
    assert_eq!(opened.status, 200, "{:?}", opened.body);
    for i in 0..2 {
        let question = position["questions"][i]["id"].as_str().unwrap();
        let bytes = video(400, i as u8);
        let base = format!("/v1/candidate/{token}/answers/{question}/uploads");
        let ticket = server
            .call(
                Method::POST,
                &base,
                None,
                Some(&json!({ "contentType": "video/webm", "size": bytes.len() })),
            )
            .await;
        assert_eq!(ticket.status, 201, "{:?}", ticket.body);
        url_secrets(&ticket.body, &mut secrets);
        let url = ticket.body["url"].as_str().unwrap();
        assert_eq!(
            server.put_signed(url, &ticket.body["headers"], bytes).await,
            200
        );
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
    server.submit(&token).await;

    // The team reviews (presigned playback URLs), comments and shares.
    let read = server
        .get(&format!("/v1/interviews/{interview}"), &key)
        .await;
    assert_eq!(read.status, 200, "{:?}", read.body);
    url_secrets(&read.body, &mut secrets);
    let comment = server
        .post(
            &format!("/v1/interviews/{interview}/comments"),
            &key,
            &json!({ "text": "A confidential remark about the candidate." }),
        )
        .await;
    assert_eq!(comment.status, 201, "{:?}", comment.body);
    secrets.push("A confidential remark about the candidate.".into());
    let share = server
        .post(
            &format!("/v1/interviews/{interview}/shares"),
            &key,
            &json!({ "expiresInDays": 7 }),
        )
        .await;
    assert_eq!(share.status, 201, "{:?}", share.body);
    url_secrets(&share.body, &mut secrets);
    let share_token = token_of(share.body["url"].as_str().unwrap());
    let shared = server
        .call(
            Method::GET,
            &format!("/v1/shares/{share_token}"),
            None,
            None,
        )
        .await;
    assert_eq!(shared.status, 200, "{:?}", shared.body);
    url_secrets(&shared.body, &mut secrets);
    // A token that opens nothing is still a token.
    let unknown = "Zm9yZ2VkLXRva2VuLXRoYXQtb3BlbnMtbm90aGluZw";
    secrets.push(unknown.into());
    server
        .call(Method::GET, &format!("/v1/candidate/{unknown}"), None, None)
        .await
        .assert_problem(404, "link_not_found");

    // The webhook is delivered (signed with the secrets above) before the log is read.
    for _ in 0..200 {
        if !deliveries.lock().unwrap().is_empty() {
            break;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    assert!(
        !deliveries.lock().unwrap().is_empty(),
        "the completion reached the webhook"
    );
    // Every response above is logged before it is sent; the pipe may still be in flight.
    let mut log = server.log();
    for _ in 0..100 {
        if request_lines(&log)
            .iter()
            .any(|l| l["route"] == "/v1/candidate/{token}" && l["status"] == 404)
        {
            break;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
        log = server.log();
    }

    let text = log.join("\n");
    secrets.retain(|s| !s.is_empty());
    assert!(secrets.len() > 15, "the run made its secrets: {secrets:?}");
    for secret in &secrets {
        assert!(
            !text.contains(secret.as_str()),
            "the log holds a secret: {secret}\n{text}"
        );
    }

    let lines = request_lines(&log);
    let line = |method: &str, route: &str, status: u16| -> Value {
        lines
            .iter()
            .find(|l| l["method"] == method && l["route"] == route && l["status"] == status)
            .unwrap_or_else(|| panic!("no line for {method} {route} {status}:\n{text}"))
            .clone()
    };
    let invite = line("POST", "/v1/positions/{positionId}/interviews", 201);
    assert_eq!(invite["tenant_id"], tenant.as_str(), "{invite}");
    assert_eq!(invite["function"], "reelview-local");
    assert!(invite["request_id"]
        .as_str()
        .is_some_and(|id| !id.is_empty()));
    assert!(
        invite["latency_ms"].as_f64().is_some_and(|ms| ms >= 0.0),
        "{invite}"
    );
    for (method, route, status) in [
        ("GET", "/v1/candidate/{token}", 200),
        ("GET", "/v1/candidate/{token}", 404),
        ("POST", "/v1/candidate/{token}/submit", 200),
        ("GET", "/v1/shares/{token}", 200),
        ("POST", "/v1/interviews/{interviewId}/comments", 201),
        ("POST", "/v1/webhooks/{webhookId}/rotate-secret", 200),
    ] {
        line(method, route, status);
    }
    // Recruiter routes name their tenant; the operator's and the candidate's do not.
    assert_eq!(
        line("POST", "/v1/interviews/{interviewId}/comments", 201)["tenant_id"],
        tenant.as_str()
    );
    assert!(line("POST", "/admin/v1/tenants", 201)
        .get("tenant_id")
        .is_none());
    // One line per request, each with its own id.
    let mut ids: Vec<&str> = lines
        .iter()
        .map(|l| l["request_id"].as_str().expect("a request id"))
        .collect();
    let count = ids.len();
    ids.sort_unstable();
    ids.dedup();
    assert_eq!(ids.len(), count, "request ids are unique");
    // The requests above, each once: the local video store's own routes (the stand-in for
    // S3) and moto are not the API.
    assert_eq!(count, 17, "one line per API request:\n{text}");
}
