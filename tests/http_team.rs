//! Black-box tests of the team side through `reelview-local`, on both backends: API keys per
//! person (shown once, listed without the secret, revoked at once), comments signed by the
//! key that wrote them, and the interview listing (newest first, filters, and pagination
//! that neither skips nor repeats while new invites arrive).

use reelview_tests::{both, candidate, Backend, Server};
use reqwest::Method;
use serde_json::{json, Value};
use std::collections::HashSet;

both!(each_person_has_a_key_that_can_be_revoked);
async fn each_person_has_a_key_that_can_be_revoked(backend: Backend) {
    let server = Server::start(backend).await;
    let first = server.tenant("Acme", None).await;

    let created = server
        .post(
            "/v1/api-keys",
            &first,
            &json!({ "label": "Ana (recruiter)" }),
        )
        .await;
    assert_eq!(created.status, 201, "{:?}", created.body);
    let ana = created.body["apiKey"].as_str().unwrap().to_string();
    assert!(ana.starts_with("rv_live_"));
    assert!(ana.starts_with(created.body["prefix"].as_str().unwrap()));
    assert_eq!(created.body["label"], "Ana (recruiter)");
    let ana_id = created.body["keyId"].as_str().unwrap().to_string();

    // Ana's key works; the list shows both keys, labelled, and never a secret.
    assert_eq!(server.get("/v1/positions", &ana).await.status, 200);
    let listed = server.get("/v1/api-keys", &first).await;
    assert_eq!(listed.status, 200);
    let items = listed.body["items"].as_array().unwrap();
    assert_eq!(items.len(), 2);
    assert_eq!(items[1]["label"], "Ana (recruiter)");
    let text = listed.body.to_string();
    for secret in [&first, &ana] {
        assert!(!text.contains(secret.as_str()), "a secret is listed");
    }
    assert!(
        items
            .iter()
            .all(|k| k.get("apiKey").is_none() && k.get("keyHash").is_none()),
        "{items:?}"
    );
    assert!(items[1]["lastUsedAt"].is_string(), "use is recorded");

    // Each key says whom it stands for, and for which team.
    let me = server.get("/v1/me", &ana).await;
    assert_eq!(me.status, 200, "{:?}", me.body);
    assert_eq!(me.body["key"]["label"], "Ana (recruiter)");
    assert_eq!(me.body["key"]["keyId"], ana_id.as_str());
    assert_eq!(me.body["tenant"]["name"], "Acme");
    let first_me = server.get("/v1/me", &first).await;
    assert_eq!(first_me.body["tenant"], me.body["tenant"]);
    assert_ne!(first_me.body["key"]["keyId"], me.body["key"]["keyId"]);

    for bad in [
        json!({}),
        json!({ "label": "" }),
        json!({ "label": "x".repeat(101) }),
    ] {
        server
            .post("/v1/api-keys", &first, &bad)
            .await
            .assert_problem(422, "validation_failed");
    }

    // Revoked: refused at once (locally there is no authorizer cache).
    let revoked = server
        .call(
            Method::DELETE,
            &format!("/v1/api-keys/{ana_id}"),
            Some(&first),
            None,
        )
        .await;
    assert_eq!(revoked.status, 204);
    server
        .get("/v1/positions", &ana)
        .await
        .assert_problem(401, "unauthorized");
    server
        .get("/v1/me", &ana)
        .await
        .assert_problem(401, "unauthorized");
    server
        .call(
            Method::DELETE,
            &format!("/v1/api-keys/{ana_id}"),
            Some(&first),
            None,
        )
        .await
        .assert_problem(404, "api_key_not_found");
    assert_eq!(
        server.get("/v1/api-keys", &first).await.body["items"]
            .as_array()
            .unwrap()
            .len(),
        1
    );
}

both!(comments_are_signed_and_only_their_author_deletes_them);
async fn comments_are_signed_and_only_their_author_deletes_them(backend: Backend) {
    let server = Server::start(backend).await;
    let first = server.tenant("Acme", None).await;
    let key = |label: &'static str| {
        let server = &server;
        let first = first.clone();
        async move {
            let reply = server
                .post("/v1/api-keys", &first, &json!({ "label": label }))
                .await;
            reply.body["apiKey"].as_str().unwrap().to_string()
        }
    };
    let (ana, ben) = (key("Ana").await, key("Ben").await);
    let position = server.position(&first, json!({})).await;
    let invited = server
        .post(
            &format!(
                "/v1/positions/{}/interviews",
                position["id"].as_str().unwrap()
            ),
            &first,
            &with_no_email(candidate("zoe@example.com")),
        )
        .await;
    let comments = format!(
        "/v1/interviews/{}/comments",
        invited.body["id"].as_str().unwrap()
    );

    let written = server
        .post(
            &comments,
            &ana,
            &json!({ "text": "  Clear <b>structure</b>.\nGood examples.  " }),
        )
        .await;
    assert_eq!(written.status, 201, "{:?}", written.body);
    assert_eq!(written.body["author"], "Ana");
    assert_eq!(
        written.body["text"],
        "Clear <b>structure</b>.\nGood examples."
    );
    let second = server
        .post(&comments, &ben, &json!({ "text": "Agree." }))
        .await;
    assert_eq!(second.body["author"], "Ben");
    for bad in [
        json!({}),
        json!({ "text": "   " }),
        json!({ "text": "x".repeat(5001) }),
    ] {
        server
            .post(&comments, &ana, &bad)
            .await
            .assert_problem(422, "validation_failed");
    }
    let listed = server.get(&comments, &first).await;
    let texts: Vec<&str> = listed.body["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c["text"].as_str().unwrap())
        .collect();
    assert_eq!(
        texts,
        ["Clear <b>structure</b>.\nGood examples.", "Agree."],
        "oldest first"
    );

    let ana_comment = format!("{comments}/{}", written.body["id"].as_str().unwrap());
    server
        .call(Method::DELETE, &ana_comment, Some(&ben), None)
        .await
        .assert_problem(403, "comment_author_only");
    let deleted = server
        .call(Method::DELETE, &ana_comment, Some(&ana), None)
        .await;
    assert_eq!(deleted.status, 204);
    server
        .call(Method::DELETE, &ana_comment, Some(&ana), None)
        .await
        .assert_problem(404, "comment_not_found");
    assert_eq!(
        server.get(&comments, &first).await.body["items"]
            .as_array()
            .unwrap()
            .len(),
        1
    );
}

/// An invite body whose invitation is not emailed.
fn with_no_email(mut body: Value) -> Value {
    body["sendEmail"] = json!(false);
    body
}

fn ids(page: &Value) -> Vec<String> {
    page["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|i| i["id"].as_str().unwrap().to_string())
        .collect()
}

both!(the_listing_is_newest_first_filters_and_pages_through_new_invites);
async fn the_listing_is_newest_first_filters_and_pages_through_new_invites(backend: Backend) {
    let server = Server::start(backend).await;
    let key = server.tenant("Acme", None).await;
    let position = server.position(&key, json!({})).await;
    let position_id = position["id"].as_str().unwrap().to_string();
    let invites = format!("/v1/positions/{position_id}/interviews");
    let invite = |email: String, external: Option<String>| {
        let server = &server;
        let (key, invites) = (key.clone(), invites.clone());
        async move {
            let mut body = with_no_email(candidate(&email));
            if let Some(external) = external {
                body["externalId"] = json!(external);
            }
            let reply = server.post(&invites, &key, &body).await;
            assert_eq!(reply.status, 201, "{:?}", reply.body);
            reply.body["id"].as_str().unwrap().to_string()
        }
    };
    let mut first = Vec::new();
    for i in 0..30 {
        first.push(invite(format!("c{i}@example.com"), Some(format!("ats-{i}"))).await);
    }

    // Newest first.
    let page = server.get(&format!("{invites}?limit=5"), &key).await;
    assert_eq!(page.status, 200);
    let newest: Vec<String> = first.iter().rev().take(5).cloned().collect();
    assert_eq!(ids(&page.body), newest);

    // Filters: stage and score set on a few, then each filter alone and combined.
    let set = |id: &str, path: &str, method: Method, body: Value| {
        let server = &server;
        let key = key.clone();
        let path = format!("/v1/interviews/{id}/{path}");
        async move {
            let reply = server.call(method, &path, Some(&key), Some(&body)).await;
            assert_eq!(reply.status, 200, "{path}: {:?}", reply.body);
        }
    };
    set(
        &first[3],
        "stage",
        Method::POST,
        json!({ "stage": "shortlisted" }),
    )
    .await;
    set(&first[3], "score", Method::PUT, json!({ "score": 4.5 })).await;
    set(
        &first[7],
        "stage",
        Method::POST,
        json!({ "stage": "shortlisted" }),
    )
    .await;
    set(&first[7], "score", Method::PUT, json!({ "score": 3 })).await;
    set(
        &first[9],
        "stage",
        Method::POST,
        json!({ "stage": "discarded" }),
    )
    .await;
    let filtered = |query: &str| {
        let server = &server;
        let key = key.clone();
        let url = format!("{invites}?{query}");
        async move {
            let reply = server.get(&url, &key).await;
            assert_eq!(reply.status, 200, "{url}: {:?}", reply.body);
            ids(&reply.body)
        }
    };
    assert_eq!(
        filtered("stage=shortlisted").await,
        [first[7].clone(), first[3].clone()]
    );
    assert_eq!(filtered("stage=discarded").await, [first[9].clone()]);
    assert_eq!(filtered("minScore=4").await, [first[3].clone()]);
    assert_eq!(filtered("minScore=3&stage=shortlisted").await.len(), 2);
    assert_eq!(
        filtered("email=C12%40Example.com").await,
        [first[12].clone()]
    );
    assert_eq!(filtered("externalId=ats-20").await, [first[20].clone()]);
    assert_eq!(filtered("status=invited&limit=100").await.len(), 30);
    assert!(filtered("status=completed").await.is_empty());
    assert!(filtered("status=expired").await.is_empty());
    for bad in ["status=done", "stage=hired", "minScore=7", "minScore=4.2"] {
        server
            .get(&format!("{invites}?{bad}"), &key)
            .await
            .assert_problem(422, "validation_failed");
    }
    // `limit` outside 1–100 is clamped, not refused.
    assert_eq!(filtered("limit=0").await.len(), 1);
    assert_eq!(filtered("limit=500").await.len(), 30);

    // Pagination while 50 invites arrive between pages: no row skipped, none repeated.
    let mut seen = Vec::new();
    let mut cursor: Option<String> = None;
    let mut arrivals = 0..50;
    loop {
        let url = match &cursor {
            None => format!("{invites}?limit=7"),
            Some(c) => format!("{invites}?limit=7&cursor={c}"),
        };
        let page = server.get(&url, &key).await;
        assert_eq!(page.status, 200, "{:?}", page.body);
        seen.extend(ids(&page.body));
        // New invites arrive concurrently before the next page is read.
        let batch: Vec<_> = arrivals.by_ref().take(10).collect();
        futures::future::join_all(
            batch
                .iter()
                .map(|i| invite(format!("late{i}@example.com"), None)),
        )
        .await;
        match page.body["nextCursor"].as_str() {
            Some(next) => cursor = Some(next.to_string()),
            None => break,
        }
    }
    let unique: HashSet<&String> = seen.iter().collect();
    assert_eq!(unique.len(), seen.len(), "no interview listed twice");
    let expected: Vec<String> = first.iter().rev().cloned().collect();
    assert_eq!(
        seen, expected,
        "every interview that existed at the first page, once, in order"
    );
}
