//! Tenant isolation, route by route: tenant B calls every tenant-scoped route of the manifest
//! (`reelview::functions::ALL`) with tenant A's ids, is told they do not exist, and changes
//! nothing of A's. The route list comes from the manifest, so a new tenant-scoped route without
//! a row in [`REQUESTS`] fails this test (and the build) until its isolation is covered.

use reelview::functions;
use reelview_tests::{both, token_of, video, Backend, Reply, Server};
use reqwest::Method;
use serde_json::{json, Value};
use std::collections::{BTreeMap, BTreeSet};

/// What tenant B sends to each tenant-scoped route: a body that A could send successfully
/// (`None`: no body). One row per `(method, path)` of the manifest whose path names a
/// `{positionId}` or an `{interviewId}`.
const REQUESTS: &[((&str, &str), Option<&str>)] = &[
    (("GET", "/v1/positions/{positionId}"), None),
    (("DELETE", "/v1/positions/{positionId}"), None),
    (
        ("PATCH", "/v1/positions/{positionId}"),
        Some(r#"{"name":"Taken over","questions":[{"text":"Send us your passwords"}]}"#),
    ),
    (("POST", "/v1/positions/{positionId}/archive"), Some("{}")),
    (("POST", "/v1/positions/{positionId}/unarchive"), Some("{}")),
    (
        ("POST", "/v1/positions/{positionId}/interviews"),
        Some(
            r#"{"candidate":{"email":"mallory@example.com","firstName":"Mal","lastName":"Lory"}}"#,
        ),
    ),
    (
        ("POST", "/v1/positions/{positionId}/interviews/batch"),
        Some(
            r#"{"candidates":[{"candidate":{"email":"eve@example.com","firstName":"Eve","lastName":"Dropper"}}]}"#,
        ),
    ),
    (("GET", "/v1/positions/{positionId}/interviews"), None),
    (("GET", "/v1/interviews/{interviewId}"), None),
    (
        ("PUT", "/v1/interviews/{interviewId}/score"),
        Some(r#"{"score":1.5}"#),
    ),
    (
        ("POST", "/v1/interviews/{interviewId}/stage"),
        Some(r#"{"stage":"discarded"}"#),
    ),
    (("POST", "/v1/interviews/{interviewId}/resend"), None),
    (("POST", "/v1/interviews/{interviewId}/reinvite"), None),
    (
        ("PUT", "/v1/interviews/{interviewId}/deadline"),
        Some(r#"{"deadline":"2999-01-01T00:00:00Z"}"#),
    ),
    (
        (
            "DELETE",
            "/v1/interviews/{interviewId}/answers/{questionId}",
        ),
        None,
    ),
    (("DELETE", "/v1/interviews/{interviewId}"), None),
    (
        ("POST", "/v1/interviews/{interviewId}/shares"),
        Some(r#"{"expiresInDays":365,"hideContact":false}"#),
    ),
    (("GET", "/v1/interviews/{interviewId}/shares"), None),
    (
        ("DELETE", "/v1/interviews/{interviewId}/shares/{shareId}"),
        None,
    ),
    (
        ("POST", "/v1/interviews/{interviewId}/comments"),
        Some(r#"{"text":"Strong answer."}"#),
    ),
    (("GET", "/v1/interviews/{interviewId}/comments"), None),
    (
        (
            "DELETE",
            "/v1/interviews/{interviewId}/comments/{commentId}",
        ),
        None,
    ),
    (("DELETE", "/v1/api-keys/{keyId}"), None),
    (
        (
            "GET",
            "/v1/interviews/{interviewId}/answers/{questionId}/captions.vtt",
        ),
        None,
    ),
    (("GET", "/v1/webhooks/{webhookId}"), None),
    (
        ("PATCH", "/v1/webhooks/{webhookId}"),
        Some(r#"{"url":"http://127.0.0.1:9/taken-over","enabled":true}"#),
    ),
    (("DELETE", "/v1/webhooks/{webhookId}"), None),
    (("POST", "/v1/webhooks/{webhookId}/rotate-secret"), None),
    (("POST", "/v1/webhooks/{webhookId}/test"), None),
    (("GET", "/v1/webhooks/{webhookId}/deliveries"), None),
    (
        (
            "POST",
            "/v1/webhooks/{webhookId}/deliveries/{deliveryId}/retry",
        ),
        None,
    ),
];

/// Routes that name no id but act on the caller's own team as a whole: tenant B calls each
/// (with a body naming A's candidate where there is one), which must succeed for B and change
/// nothing of A's.
const TEAM_WIDE: &[((&str, &str), Option<&str>)] = &[
    (("GET", "/v1/tenant"), None),
    (("PATCH", "/v1/tenant"), Some(r#"{"retentionDays":1}"#)),
    (
        ("POST", "/v1/erasure"),
        Some(r#"{"email":"ana@example.com"}"#),
    ),
];

fn tenant_scoped(path: &str) -> bool {
    ["{positionId}", "{interviewId}", "{keyId}", "{webhookId}"]
        .iter()
        .any(|id| path.contains(id))
}

/// Every tenant-scoped route of the manifest, with its row of [`REQUESTS`]. Panics naming
/// each route that has no row, and each row that names no route of the manifest.
fn covered_routes() -> Vec<((&'static str, &'static str), Option<&'static str>)> {
    let table: BTreeMap<(&str, &str), Option<&str>> = REQUESTS.iter().copied().collect();
    assert_eq!(
        table.len(),
        REQUESTS.len(),
        "a route has two rows in REQUESTS"
    );
    let scoped: Vec<(&str, &str)> = functions::ALL
        .iter()
        .flat_map(|f| f.routes.iter().copied())
        .filter(|(_, path)| tenant_scoped(path))
        .collect();
    let missing: Vec<String> = scoped
        .iter()
        .filter(|route| !table.contains_key(*route))
        .map(|(method, path)| format!("{method} {path}"))
        .collect();
    assert!(
        missing.is_empty(),
        "tenant-scoped routes of the manifest with no isolation row in REQUESTS \
         (tests/http_isolation.rs): {missing:?}; add a row with a body that would succeed \
         for the owning tenant"
    );
    let in_manifest: BTreeSet<&(&str, &str)> = scoped.iter().collect();
    let stale: Vec<String> = table
        .keys()
        .filter(|route| !in_manifest.contains(route))
        .map(|(method, path)| format!("{method} {path}"))
        .collect();
    assert!(
        stale.is_empty(),
        "rows of REQUESTS that are not tenant-scoped routes of the manifest: {stale:?}"
    );
    scoped
        .into_iter()
        .map(|route| (route, table[&route]))
        .collect()
}

#[test]
fn every_tenant_scoped_route_has_an_isolation_row() {
    let routes = covered_routes();
    assert!(routes.len() >= REQUESTS.len());
}

/// The codes an outsider may get for a route: the innermost resource its path names that
/// the tenant owns (a share is looked up through its interview, so either is fine there).
fn not_found_codes(path: &str) -> &'static [&'static str] {
    if path.contains("{shareId}") {
        &["interview_not_found", "share_not_found"]
    } else if path.contains("{commentId}") {
        &["interview_not_found", "comment_not_found"]
    } else if path.contains("{keyId}") {
        &["api_key_not_found"]
    } else if path.contains("{webhookId}") {
        &["webhook_not_found"]
    } else if path.contains("{interviewId}") {
        &["interview_not_found"]
    } else {
        &["position_not_found"]
    }
}

/// Tenant A's ids, by the name of their path parameter.
struct Ids {
    position: String,
    interview: String,
    question: String,
    share: String,
    comment: String,
    key: String,
    webhook: String,
    delivery: String,
}

impl Ids {
    fn concrete(&self, path: &str) -> String {
        path.replace("{positionId}", &self.position)
            .replace("{interviewId}", &self.interview)
            .replace("{questionId}", &self.question)
            .replace("{shareId}", &self.share)
            .replace("{commentId}", &self.comment)
            .replace("{keyId}", &self.key)
            .replace("{webhookId}", &self.webhook)
            .replace("{deliveryId}", &self.delivery)
    }
}

/// Playback URLs are minted per read (their signature and expiry change); everything else
/// of a read must be equal.
fn without_playback(mut value: Value) -> Value {
    match &mut value {
        Value::Object(map) => {
            map.remove("playbackUrl");
            for v in map.values_mut() {
                *v = without_playback(v.take());
            }
        }
        Value::Array(items) => {
            for v in items.iter_mut() {
                *v = without_playback(v.take());
            }
        }
        _ => {}
    }
    value
}

/// Everything of tenant A's that a route could change, as A reads it.
async fn snapshot(
    server: &Server,
    key: &str,
    ids: &Ids,
    share_token: &str,
) -> Vec<(String, Value)> {
    let mut reads = Vec::new();
    for path in [
        format!("/v1/positions/{}", ids.position),
        format!("/v1/positions/{}/interviews", ids.position),
        format!("/v1/interviews/{}", ids.interview),
        format!("/v1/interviews/{}/shares", ids.interview),
        format!("/v1/interviews/{}/comments", ids.interview),
        "/v1/api-keys".to_string(),
        "/v1/webhooks".to_string(),
        "/v1/tenant".to_string(),
    ] {
        let reply = server.get(&path, key).await;
        assert_eq!(reply.status, 200, "A reads {path}: {:?}", reply.body);
        reads.push((path, without_playback(reply.body)));
    }
    let path = format!("/v1/shares/{share_token}");
    let shared = server.call(Method::GET, &path, None, None).await;
    assert_eq!(shared.status, 200, "A's share link: {:?}", shared.body);
    reads.push((path, without_playback(shared.body)));
    reads
}

both!(another_tenant_can_neither_see_nor_change_anything);
async fn another_tenant_can_neither_see_nor_change_anything(backend: Backend) {
    let routes = covered_routes();
    let server = Server::start(backend).await;
    let key_a = server.tenant("Acme", None).await;
    let key_b = server.tenant("Globex", None).await;

    // A: a one-question position, a candidate who answered and submitted, a share link.
    let position = server
        .position(
            &key_a,
            json!({ "questions": [{ "text": "Why us?", "maxAnswerSeconds": 60, "thinkingSeconds": 10, "retakes": 0 }] }),
        )
        .await;
    let position_id = position["id"].as_str().unwrap().to_string();
    let invited = server
        .post(
            &format!("/v1/positions/{position_id}/interviews"),
            &key_a,
            &json!({ "candidate": { "email": "ana@example.com", "firstName": "Ana", "lastName": "Silva" } }),
        )
        .await;
    assert_eq!(invited.status, 201, "{:?}", invited.body);
    let candidate_token = token_of(invited.body["url"].as_str().unwrap());
    let question = position["questions"][0]["id"].as_str().unwrap();
    server
        .answer(&candidate_token, question, &video(777, 3), Some(4.0))
        .await;
    let submitted = server
        .call(
            Method::POST,
            &format!("/v1/candidate/{candidate_token}/submit"),
            None,
            None,
        )
        .await;
    assert_eq!(submitted.status, 200, "{:?}", submitted.body);
    let interview_id = invited.body["id"].as_str().unwrap().to_string();
    let share = server
        .post(
            &format!("/v1/interviews/{interview_id}/shares"),
            &key_a,
            &json!({}),
        )
        .await;
    assert_eq!(share.status, 201, "{:?}", share.body);
    let share_token = token_of(share.body["url"].as_str().unwrap());
    let comment = server
        .post(
            &format!("/v1/interviews/{interview_id}/comments"),
            &key_a,
            &json!({ "text": "Clear and concise." }),
        )
        .await;
    assert_eq!(comment.status, 201, "{:?}", comment.body);
    let keys = server.get("/v1/api-keys", &key_a).await;
    assert_eq!(keys.status, 200, "{:?}", keys.body);
    // A disabled webhook: nothing is delivered during the test, so its reads stay the same.
    let webhook = server
        .post(
            "/v1/webhooks",
            &key_a,
            &json!({ "url": "http://127.0.0.1:9/ats", "events": ["interview.completed"], "enabled": false }),
        )
        .await;
    assert_eq!(webhook.status, 201, "{:?}", webhook.body);
    let ids = Ids {
        webhook: webhook.body["id"].as_str().unwrap().to_string(),
        delivery: uuid::Uuid::now_v7().to_string(),
        position: position_id.clone(),
        interview: interview_id,
        question: question.to_string(),
        share: share.body["shareId"].as_str().unwrap().to_string(),
        comment: comment.body["id"].as_str().unwrap().to_string(),
        key: keys.body["items"][0]["keyId"].as_str().unwrap().to_string(),
    };
    // B has a position of its own, so its listing is not trivially empty.
    let own = server.position(&key_b, json!({ "name": "B's role" })).await;

    let before = snapshot(&server, &key_a, &ids, &share_token).await;
    let mail_before = server.sent_mail().await.len();
    let unknown = Ids {
        position: uuid::Uuid::now_v7().to_string(),
        interview: uuid::Uuid::now_v7().to_string(),
        question: uuid::Uuid::now_v7().to_string(),
        share: uuid::Uuid::now_v7().to_string(),
        comment: uuid::Uuid::now_v7().to_string(),
        key: uuid::Uuid::now_v7().to_string(),
        webhook: uuid::Uuid::now_v7().to_string(),
        delivery: uuid::Uuid::now_v7().to_string(),
    };

    let mut leaks = Vec::new();
    for ((method, path), body) in &routes {
        let body: Option<Value> = body.map(|b| serde_json::from_str(b).expect("REQUESTS body"));
        let call = |path: String| {
            let body = body.clone();
            let method = Method::from_bytes(method.as_bytes()).unwrap();
            let (server, key) = (&server, &key_b);
            async move { server.call(method, &path, Some(key), body.as_ref()).await }
        };
        let reply: Reply = call(ids.concrete(path)).await;
        let codes = not_found_codes(path);
        if reply.status != 404 || !codes.contains(&reply.code()) {
            leaks.push(format!(
                "{method} {path} as another tenant: {} {:?} (want 404 {codes:?})",
                reply.status, reply.body
            ));
            continue;
        }
        reply.assert_problem(404, reply.code());
        // An outsider cannot tell A's ids from ids that do not exist.
        let absent = call(unknown.concrete(path)).await;
        assert_eq!(
            (absent.status, absent.code()),
            (reply.status, reply.code()),
            "{method} {path}: A's ids and unknown ids answer alike"
        );
    }
    assert!(
        leaks.is_empty(),
        "tenant-scoped routes that let another tenant in:\n{}",
        leaks.join("\n")
    );
    // The team-wide routes act on B's team only: B erasing A's candidate's address finds
    // nothing, B's settings are B's.
    for ((method, path), body) in TEAM_WIDE {
        assert!(
            functions::ALL
                .iter()
                .any(|f| f.routes.contains(&(*method, *path))),
            "{method} {path} is a route of the manifest"
        );
        let body: Option<Value> = body.map(|b| serde_json::from_str(b).expect("TEAM_WIDE body"));
        let method = Method::from_bytes(method.as_bytes()).unwrap();
        let reply = server.call(method, path, Some(&key_b), body.as_ref()).await;
        assert_eq!(reply.status, 200, "{path} as B: {:?}", reply.body);
        if *path == "/v1/erasure" {
            assert_eq!(reply.body["interviewIds"], json!([]), "{:?}", reply.body);
        }
    }

    // Nothing of A's changed, and no email went out.
    let after = snapshot(&server, &key_a, &ids, &share_token).await;
    for ((path, was), (_, now)) in before.iter().zip(&after) {
        assert_eq!(was, now, "A's {path} changed after B's calls");
    }
    assert_eq!(
        server.sent_mail().await.len(),
        mail_before,
        "B's calls sent email about A's candidate"
    );
    let session = server
        .call(
            Method::GET,
            &format!("/v1/candidate/{candidate_token}"),
            None,
            None,
        )
        .await;
    assert_eq!(session.status, 200, "A's candidate link still works");

    // B's listing holds its own position and none of A's.
    let listed = server.get("/v1/positions", &key_b).await;
    assert_eq!(listed.status, 200, "{:?}", listed.body);
    let listed_ids: Vec<&str> = listed.body["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| p["id"].as_str().unwrap())
        .collect();
    assert_eq!(listed_ids, [own["id"].as_str().unwrap()]);
    assert!(!listed.body.to_string().contains(&position_id));
}
