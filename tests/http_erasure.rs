//! A candidate's erasure request (`POST /v1/erasure`) through `reelview-local`: every interview
//! of the address in the team's positions goes with everything it holds, and the answer says
//! what went; asking again removes nothing; another candidate of the team and the same address
//! in another team are untouched. On moto the test reads the whole table and bucket afterwards
//! (the product never scans) and finds nothing of the candidate.

use reelview_tests::{both, token_of, video, Backend, Server};
use reqwest::Method;
use serde_json::{json, Value};

fn person(email: &str, first: &str, last: &str, phone: &str) -> Value {
    json!({ "candidate": { "email": email, "firstName": first, "lastName": last, "phone": phone }, "sendEmail": false })
}

/// Invites, answers the position's one question with a recording and submits; returns the
/// interview id and link token.
async fn interview_answered(
    server: &Server,
    key: &str,
    position: &Value,
    who: Value,
    seed: u8,
) -> (String, String) {
    let invited = server.invite(key, position, &who).await;
    let token = token_of(invited.body["url"].as_str().unwrap());
    let question = position["questions"][0]["id"].as_str().unwrap();
    server
        .answer(&token, question, &video(1200, seed), None)
        .await;
    server.submit(&token).await;
    (invited.body["id"].as_str().unwrap().to_string(), token)
}

both!(an_erased_candidate_leaves_nothing_behind);
async fn an_erased_candidate_leaves_nothing_behind(backend: Backend) {
    let server = Server::start(backend).await;
    let key = server.tenant("Acme", None).await;
    let other_key = server.tenant("Globex", None).await;
    let one_question =
        json!({ "questions": [{ "text": "Why us?", "maxAnswerSeconds": 60, "retakes": 0 }] });
    let first = server.position(&key, one_question.clone()).await;
    let second = server
        .position(
            &key,
            json!({ "name": "Designer", "questions": [{ "text": "Show us" }] }),
        )
        .await;
    let other_position = server.position(&other_key, one_question).await;

    // Zoë: answered and submitted in the first position, with a share link and a comment;
    // invited (not started) in the second. Bob: answered in the first. Zoë again, in another
    // team.
    let zoe = || {
        person(
            "zoe.quintana@example.com",
            "Zoë",
            "Quintana",
            "+34 600 111 222",
        )
    };
    let (answered, token) = interview_answered(&server, &key, &first, zoe(), 1).await;
    let share = server
        .post(
            &format!("/v1/interviews/{answered}/shares"),
            &key,
            &json!({}),
        )
        .await;
    assert_eq!(share.status, 201, "{:?}", share.body);
    let share_token = token_of(share.body["url"].as_str().unwrap());
    let comment = server
        .post(
            &format!("/v1/interviews/{answered}/comments"),
            &key,
            &json!({ "text": "Strong answer." }),
        )
        .await;
    assert_eq!(comment.status, 201, "{:?}", comment.body);
    let invited = server.invite(&key, &second, &zoe()).await;
    let waiting = invited.body["id"].as_str().unwrap().to_string();
    let waiting_token = token_of(invited.body["url"].as_str().unwrap());
    let bob = person(
        "bob.okafor@example.com",
        "Bob",
        "Okafor",
        "+44 20 7946 0000",
    );
    let (bobs, bobs_token) = interview_answered(&server, &key, &first, bob, 2).await;
    let (elsewhere, _) = interview_answered(&server, &other_key, &other_position, zoe(), 3).await;

    // A bad or missing address is refused and erases nothing.
    for body in [json!({ "email": "not-an-email" }), json!({})] {
        let refused = server.post("/v1/erasure", &key, &body).await;
        refused.assert_problem(422, "validation_failed");
        assert_eq!(refused.body["errors"][0]["field"], "email");
    }
    assert_eq!(
        server
            .get(&format!("/v1/interviews/{answered}"), &key)
            .await
            .status,
        200
    );

    // The address as the team typed it, in another case and with spaces.
    let erased = server
        .post(
            "/v1/erasure",
            &key,
            &json!({ "email": "  Zoe.Quintana@EXAMPLE.com " }),
        )
        .await;
    assert_eq!(erased.status, 200, "{:?}", erased.body);
    let mut ids: Vec<&str> = erased.body["interviewIds"]
        .as_array()
        .unwrap()
        .iter()
        .map(|v| v.as_str().unwrap())
        .collect();
    ids.sort();
    let mut expected = vec![answered.as_str(), waiting.as_str()];
    expected.sort();
    assert_eq!(ids, expected);
    let removed = &erased.body["removed"];
    assert_eq!(removed["interviews"], 2, "{removed}");
    assert_eq!(removed["answers"], 1, "{removed}");
    assert_eq!(removed["videos"], 1, "{removed}");
    assert_eq!(removed["shares"], 1, "{removed}");
    assert_eq!(removed["comments"], 1, "{removed}");
    assert_eq!(erased.body["suppressionKept"], false);

    // Gone for every reader: the team, the candidate's links, the share link.
    for id in [&answered, &waiting] {
        let read = server.get(&format!("/v1/interviews/{id}"), &key).await;
        read.assert_problem(404, "interview_not_found");
    }
    for link in [&token, &waiting_token] {
        let session = server
            .call(Method::GET, &format!("/v1/candidate/{link}"), None, None)
            .await;
        session.assert_problem(404, "link_not_found");
    }
    let shared = server
        .call(
            Method::GET,
            &format!("/v1/shares/{share_token}"),
            None,
            None,
        )
        .await;
    assert_eq!(shared.status, 404, "{:?}", shared.body);

    // Bob, and Zoë in the other team, are untouched.
    let bob_read = server.get(&format!("/v1/interviews/{bobs}"), &key).await;
    assert_eq!(bob_read.status, 200, "{:?}", bob_read.body);
    assert_eq!(bob_read.body["status"], "completed");
    let bob_session = server
        .call(
            Method::GET,
            &format!("/v1/candidate/{bobs_token}"),
            None,
            None,
        )
        .await;
    assert_eq!(bob_session.status, 200);
    let theirs = server
        .get(&format!("/v1/interviews/{elsewhere}"), &other_key)
        .await;
    assert_eq!(theirs.status, 200, "{:?}", theirs.body);
    assert_eq!(
        theirs.body["candidate"]["email"],
        "zoe.quintana@example.com"
    );

    // Asking again removes nothing and says so.
    let again = server
        .post(
            "/v1/erasure",
            &key,
            &json!({ "email": "zoe.quintana@example.com" }),
        )
        .await;
    assert_eq!(again.status, 200, "{:?}", again.body);
    assert_eq!(again.body["interviewIds"], json!([]));
    assert_eq!(again.body["removed"]["interviews"], 0);
    assert_eq!(again.body["removed"]["videos"], 0);

    // The address can be invited again, as a new candidate.
    server.invite(&key, &first, &zoe()).await;
    let erased_again = server
        .post(
            "/v1/erasure",
            &key,
            &json!({ "email": "zoe.quintana@example.com" }),
        )
        .await;
    assert_eq!(erased_again.body["removed"]["interviews"], 1);

    if server.aws.is_some() {
        let other_tenant = server.get("/v1/tenant", &other_key).await.body["id"]
            .as_str()
            .unwrap()
            .to_string();
        let (items, objects) = server.everything_stored_in_full().await;
        let ours =
            |item: &std::collections::BTreeMap<String, String>| !item["pk"].contains(&other_tenant);
        let mut left = Vec::new();
        for item in items.iter().filter(|item| ours(item)) {
            let text = format!("{item:?}");
            // Her address, name and phone number appear nowhere.
            for personal in ["zoe.quintana", "Zoë", "Quintana", "600 111 222"] {
                if text.contains(personal) {
                    left.push(format!("{personal} in {} {}", item["pk"], item["sk"]));
                }
            }
            // Nothing refers to her interviews but the deletion's own announcement to the
            // team's webhooks (ids and status only), until it is delivered.
            for id in [&answered, &waiting] {
                if text.contains(id.as_str()) && !item["sk"].starts_with("EVENT#") {
                    left.push(format!("interview {id} in {} {}", item["pk"], item["sk"]));
                }
            }
        }
        assert!(left.is_empty(), "left of the erased candidate: {left:#?}");
        assert!(
            !objects
                .iter()
                .any(|o| o.contains(&answered) || o.contains(&waiting)),
            "her recordings are gone: {objects:?}"
        );
        assert!(objects.iter().any(|o| o.contains(&bobs)), "Bob's stays");
        assert!(
            objects.iter().any(|o| o.contains(&elsewhere)),
            "the other team's stays"
        );
        assert!(
            items
                .iter()
                .any(|item| !ours(item) && format!("{item:?}").contains("zoe.quintana")),
            "the other team still has her interview"
        );
    }
}
