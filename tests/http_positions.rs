//! Black-box tests of a position's life through `reelview-local`, on both backends: an edit
//! changes the position but never the questions an interview was invited with, and the
//! positions listing counts interviews by status and stage.

use reelview_tests::{both, candidate, token_of, video, Backend, Server};
use reqwest::Method;
use serde_json::{json, Value};

both!(an_edit_changes_the_position_but_not_the_interviews_already_invited);
async fn an_edit_changes_the_position_but_not_the_interviews_already_invited(backend: Backend) {
    let server = Server::start(backend).await;
    let key = server.tenant("Acme", None).await;
    let position = server
        .position(&key, json!({ "companyName": "Acme Labs" }))
        .await;
    let id = position["id"].as_str().unwrap();
    let path = format!("/v1/positions/{id}");
    let original: Vec<String> = position["questions"]
        .as_array()
        .unwrap()
        .iter()
        .map(|q| q["text"].as_str().unwrap().to_string())
        .collect();
    let invited = server
        .post(
            &format!("{path}/interviews"),
            &key,
            &candidate("ana@example.com"),
        )
        .await;
    let token = token_of(invited.body["url"].as_str().unwrap());

    let kept = position["questions"][1]["id"].clone();
    let patch = json!({
        "name": "Staff Engineer",
        "companyName": null,
        "questions": [
            { "id": kept, "text": "Why this role, now?", "maxAnswerSeconds": 90 },
            { "text": "What would you change first?" },
        ],
    });
    let edited = server
        .call(Method::PATCH, &path, Some(&key), Some(&patch))
        .await;
    assert_eq!(edited.status, 200, "{:?}", edited.body);
    assert_eq!(edited.body["name"], "Staff Engineer");
    assert_eq!(edited.body["companyName"], Value::Null, "null clears it");
    assert_eq!(
        edited.body["questions"][0]["id"], kept,
        "a question keeps its id"
    );
    assert_eq!(edited.body["questions"][0]["maxAnswerSeconds"], 90);
    assert_ne!(
        edited.body["questions"][1]["id"],
        position["questions"][0]["id"]
    );
    assert_eq!(server.get(&path, &key).await.body, edited.body);

    // The candidate invited before the edit still sees the questions of the invitation.
    let session = server
        .call(Method::GET, &format!("/v1/candidate/{token}"), None, None)
        .await;
    let seen: Vec<&str> = session.body["questions"]
        .as_array()
        .unwrap()
        .iter()
        .map(|q| q["text"].as_str().unwrap())
        .collect();
    assert_eq!(seen, original);
    let interview = server
        .get(
            &format!("/v1/interviews/{}", invited.body["id"].as_str().unwrap()),
            &key,
        )
        .await;
    let questions: Vec<&str> = interview.body["questions"]
        .as_array()
        .unwrap()
        .iter()
        .map(|q| q["text"].as_str().unwrap())
        .collect();
    assert_eq!(questions, original);
    // A candidate invited after the edit gets the new questions.
    let later = server
        .post(
            &format!("{path}/interviews"),
            &key,
            &candidate("ben@example.com"),
        )
        .await;
    assert_eq!(later.body["questions"][0]["text"], "Why this role, now?");

    // Invalid edits are refused whole and change nothing.
    for bad in [
        json!({ "name": "" }),
        json!({ "questions": [] }),
        json!({ "questions": [{ "text": "ok", "retakes": 99 }] }),
        json!({ "slug": "Not A Slug" }),
    ] {
        server
            .call(Method::PATCH, &path, Some(&key), Some(&bad))
            .await
            .assert_problem(422, "validation_failed");
    }
    assert_eq!(server.get(&path, &key).await.body, edited.body);
    server
        .call(
            Method::PATCH,
            "/v1/positions/0190a7a4-8b0e-7c3d-9a7e-1f2a3b4c5d6e",
            Some(&key),
            Some(&json!({ "name": "x" })),
        )
        .await
        .assert_problem(404, "position_not_found");
}

both!(positions_count_their_interviews_by_status_and_stage);
async fn positions_count_their_interviews_by_status_and_stage(backend: Backend) {
    let server = Server::start(backend).await;
    let key = server.tenant("Acme", None).await;
    let position = server
        .position(
            &key,
            json!({ "questions": [{ "text": "Why us?", "maxAnswerSeconds": 60, "thinkingSeconds": 10, "retakes": 0 }] }),
        )
        .await;
    let id = position["id"].as_str().unwrap();
    let question = position["questions"][0]["id"].as_str().unwrap();
    let empty = server.position(&key, json!({ "name": "No one yet" })).await;
    let mut interviews = Vec::new();
    for i in 0..4 {
        let invited = server
            .post(
                &format!("/v1/positions/{id}/interviews"),
                &key,
                &candidate(&format!("c{i}@example.com")),
            )
            .await;
        interviews.push(invited.body.clone());
    }
    // One opens the link; one answers and submits; one is shortlisted, one discarded.
    let token = |i: usize| token_of(interviews[i]["url"].as_str().unwrap());
    server
        .call(
            Method::GET,
            &format!("/v1/candidate/{}", token(0)),
            None,
            None,
        )
        .await;
    server
        .answer(&token(1), question, &video(500, 1), Some(3.0))
        .await;
    let submitted = server
        .call(
            Method::POST,
            &format!("/v1/candidate/{}/submit", token(1)),
            None,
            None,
        )
        .await;
    assert_eq!(submitted.status, 200, "{:?}", submitted.body);
    let stage = |i: usize, stage: &str| {
        let server = &server;
        let key = key.clone();
        let path = format!(
            "/v1/interviews/{}/stage",
            interviews[i]["id"].as_str().unwrap()
        );
        let body = json!({ "stage": stage });
        async move {
            let reply = server
                .call(Method::POST, &path, Some(&key), Some(&body))
                .await;
            assert_eq!(reply.status, 200, "{:?}", reply.body);
        }
    };
    stage(1, "shortlisted").await;
    stage(2, "discarded").await;
    stage(2, "shortlisted").await;
    stage(2, "discarded").await;

    let listed = server.get("/v1/positions", &key).await;
    let counts = |position: &str| {
        listed.body["items"]
            .as_array()
            .unwrap()
            .iter()
            .find(|p| p["id"] == position)
            .map(|p| p["counts"].clone())
            .unwrap()
    };
    assert_eq!(
        counts(id),
        json!({
            "invited": 2, "inProgress": 1, "completed": 1, "expired": 0,
            "toEvaluate": 2, "shortlisted": 1, "discarded": 1,
        })
    );
    assert_eq!(
        counts(empty["id"].as_str().unwrap()),
        json!({
            "invited": 0, "inProgress": 0, "completed": 0, "expired": 0,
            "toEvaluate": 0, "shortlisted": 0, "discarded": 0,
        })
    );
}
