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

both!(a_deleted_position_is_gone_at_once_and_leaves_nothing_behind);
async fn a_deleted_position_is_gone_at_once_and_leaves_nothing_behind(backend: Backend) {
    let server = Server::start(backend).await;
    let admin = server.admin_key.clone();
    let tenant = server
        .post("/admin/v1/tenants", &admin, &json!({ "name": "Acme" }))
        .await;
    let key = tenant.body["apiKey"].as_str().unwrap().to_string();
    let tenant_id = tenant.body["tenantId"].as_str().unwrap().to_string();
    let position = server
        .position(
            &key,
            json!({
                "slug": "doomed-role",
                "publicApply": true,
                "questions": [{ "text": "Why us?", "maxAnswerSeconds": 60, "thinkingSeconds": 10, "retakes": 1 }],
            }),
        )
        .await;
    let id = position["id"].as_str().unwrap().to_string();
    let question = position["questions"][0]["id"].as_str().unwrap().to_string();
    let apply_path = format!("/apply/{}", position["publicSlug"].as_str().unwrap());
    assert_eq!(
        server
            .call(Method::GET, &apply_path, None, None)
            .await
            .status,
        200
    );
    let kept = server.position(&key, json!({ "name": "Kept role" })).await;
    let kept_id = kept["id"].as_str().unwrap().to_string();
    let kept_invite = server
        .post(
            &format!("/v1/positions/{kept_id}/interviews"),
            &key,
            &candidate("stays@example.com"),
        )
        .await;
    assert_eq!(kept_invite.status, 201);

    // More interviews than one purge batch; some answered (a retake leaves a second object
    // behind it), one shared, one commented, one with an upload never completed.
    let mut tokens = Vec::new();
    let mut first_interview = String::new();
    for i in 0..60 {
        let invited = server
            .post(
                &format!("/v1/positions/{id}/interviews"),
                &key,
                &json!({
                    "candidate": { "email": format!("c{i}@example.com"), "firstName": "C", "lastName": "D" },
                    "externalId": format!("ats-{i}"),
                    "sendEmail": false,
                }),
            )
            .await;
        assert_eq!(invited.status, 201, "{:?}", invited.body);
        if i == 0 {
            first_interview = invited.body["id"].as_str().unwrap().to_string();
        }
        tokens.push(token_of(invited.body["url"].as_str().unwrap()));
    }
    for token in &tokens[..3] {
        server
            .answer(token, &question, &video(400, 2), Some(2.0))
            .await;
    }
    server
        .answer(&tokens[0], &question, &video(300, 3), Some(1.5))
        .await;
    let pending = server
        .call(
            Method::POST,
            &format!("/v1/candidate/{}/answers/{question}/uploads", tokens[5]),
            None,
            Some(&json!({ "contentType": "video/webm", "size": 1000 })),
        )
        .await;
    assert_eq!(pending.status, 201, "{:?}", pending.body);
    let share = server
        .post(
            &format!("/v1/interviews/{first_interview}/shares"),
            &key,
            &json!({}),
        )
        .await;
    let share_token = token_of(share.body["url"].as_str().unwrap());
    let comment = server
        .post(
            &format!("/v1/interviews/{first_interview}/comments"),
            &key,
            &json!({ "text": "Strong." }),
        )
        .await;
    assert_eq!(comment.status, 201);

    let deleted = server
        .call(
            Method::DELETE,
            &format!("/v1/positions/{id}"),
            Some(&key),
            None,
        )
        .await;
    assert_eq!(deleted.status, 202, "{:?}", deleted.body);

    // Gone at once, for every reader.
    server
        .get(&format!("/v1/positions/{id}"), &key)
        .await
        .assert_problem(404, "position_not_found");
    server
        .get(&format!("/v1/positions/{id}/interviews"), &key)
        .await
        .assert_problem(404, "position_not_found");
    let listed = server.get("/v1/positions", &key).await;
    assert_eq!(ids_of(&listed.body), vec![kept_id.clone()]);
    server
        .call(
            Method::GET,
            &format!("/v1/candidate/{}", tokens[0]),
            None,
            None,
        )
        .await
        .assert_problem(404, "link_not_found");
    server
        .call(
            Method::GET,
            &format!("/v1/shares/{share_token}"),
            None,
            None,
        )
        .await
        .assert_problem(404, "share_not_found");
    let apply = server.call(Method::GET, &apply_path, None, None).await;
    assert_eq!(apply.status, 404);
    server
        .call(
            Method::DELETE,
            &format!("/v1/positions/{id}"),
            Some(&key),
            None,
        )
        .await
        .assert_problem(404, "position_not_found");

    // The purge finishes in the background; afterwards nothing of the position is left.
    let mut waited = 0;
    loop {
        let gone = server
            .get(&format!("/v1/interviews/{first_interview}"), &key)
            .await
            .status
            == 404;
        let remaining = match backend {
            Backend::Aws => {
                let (items, _) = server.everything_stored().await;
                items.iter().any(|i| i.contains(&id))
            }
            Backend::Local => !gone,
        };
        if gone && !remaining {
            break;
        }
        waited += 1;
        assert!(waited < 120, "the purge did not finish");
        tokio::time::sleep(std::time::Duration::from_millis(250)).await;
    }
    if backend == Backend::Aws {
        let (items, objects) = server.everything_stored().await;
        let count = |what: &str| items.iter().filter(|i| i.contains(what)).count();
        let about_it: Vec<&String> = items
            .iter()
            .filter(|i| {
                i.contains(&id)
                    || i.contains("SHARE")
                    || i.contains("#COMMENT#")
                    || i.contains("doomed-role")
            })
            .collect();
        assert!(about_it.is_empty(), "items left behind: {about_it:#?}");
        // What is left is the kept position's: one interview, its link, its email guard.
        assert_eq!(count(" INTERVIEW#"), 1, "{items:#?}");
        assert_eq!(count("TOKEN#"), 1, "{items:#?}");
        assert_eq!(
            count("GUARD#"),
            count(&format!("GUARD#EMAIL#{kept_id}")),
            "{items:#?}"
        );
        let own_objects: Vec<&String> = objects
            .iter()
            .filter(|o| o.starts_with(&tenant_id))
            .collect();
        assert!(
            own_objects.is_empty(),
            "objects left behind: {own_objects:#?}"
        );
    }
    // Its email and externalId are free in another position; the kept one is untouched.
    let kept_listing = server
        .get(&format!("/v1/positions/{kept_id}/interviews"), &key)
        .await;
    assert_eq!(kept_listing.body["items"].as_array().unwrap().len(), 1);
}

fn ids_of(body: &Value) -> Vec<String> {
    body["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|i| i["id"].as_str().unwrap().to_string())
        .collect()
}

both!(each_team_has_its_own_slugs);
async fn each_team_has_its_own_slugs(backend: Backend) {
    let server = Server::start(backend).await;
    let acme = server.tenant("Acme", None).await;
    let globex = server.tenant("Globex", None).await;
    let public = json!({ "publicApply": true, "slug": "engineer" });
    let mut ours = public.clone();
    ours["name"] = json!("Acme Engineer");
    let mut theirs = public.clone();
    theirs["name"] = json!("Globex Engineer");
    let ours = server.position(&acme, ours).await;
    // The same slug in another team is neither taken nor a hint that it exists.
    let theirs = server.position(&globex, theirs).await;
    assert_eq!(
        (ours["slug"].clone(), theirs["slug"].clone()),
        (json!("engineer"), json!("engineer"))
    );
    assert_ne!(ours["publicSlug"], theirs["publicSlug"]);
    for (position, name) in [(&ours, "Acme Engineer"), (&theirs, "Globex Engineer")] {
        let page = server
            .http
            .get(server.url(&format!(
                "/apply/{}",
                position["publicSlug"].as_str().unwrap()
            )))
            .send()
            .await
            .unwrap();
        assert_eq!(page.status(), 200);
        assert!(page.text().await.unwrap().contains(name), "{name}");
    }
    // Within a team a slug is unique, on create and on edit.
    server
        .post(
            "/v1/positions",
            &acme,
            &json!({
                "name": "Again", "slug": "engineer",
                "questions": [{ "text": "Why?" }],
            }),
        )
        .await
        .assert_problem(409, "slug_taken");
    let other = server.position(&acme, json!({ "slug": "designer" })).await;
    server
        .call(
            Method::PATCH,
            &format!("/v1/positions/{}", other["id"].as_str().unwrap()),
            Some(&acme),
            Some(&json!({ "slug": "engineer" })),
        )
        .await
        .assert_problem(409, "slug_taken");
    // A bare slug names nothing.
    let bare = server
        .call(Method::GET, "/apply/engineer", None, None)
        .await;
    assert_eq!(bare.status, 404);
}

both!(integers_may_be_written_as_whole_floats_and_bodies_are_objects);
async fn integers_may_be_written_as_whole_floats_and_bodies_are_objects(backend: Backend) {
    let server = Server::start(backend).await;
    let key = server.tenant("Acme", None).await;
    let created = server
        .post(
            "/v1/positions",
            &key,
            &json!({
                "name": "Designer",
                "questions": [{ "text": "Why us?", "maxAnswerSeconds": 90.0, "retakes": 2e0 }],
                "maxApplicationsPerDay": 50.0,
            }),
        )
        .await;
    assert_eq!(created.status, 201, "{:?}", created.body);
    assert_eq!(created.body["questions"][0]["maxAnswerSeconds"], 90);
    assert_eq!(created.body["questions"][0]["retakes"], 2);
    assert_eq!(created.body["maxApplicationsPerDay"], 50);

    // A fraction or a negative number is not a count; out of range is a field error.
    for (field, value) in [("maxAnswerSeconds", json!(90.5)), ("retakes", json!(-1))] {
        let mut question = json!({ "text": "Why us?" });
        question[field] = value;
        server
            .post(
                "/v1/positions",
                &key,
                &json!({ "name": "D", "questions": [question] }),
            )
            .await
            .assert_problem(400, "malformed_request");
    }
    let too_long = server
        .post(
            "/v1/positions",
            &key,
            &json!({ "name": "D", "questions": [{ "text": "Why?", "maxAnswerSeconds": 601.0 }] }),
        )
        .await;
    too_long.assert_problem(422, "validation_failed");
    assert_eq!(
        too_long.body["errors"][0]["field"],
        "questions[0].maxAnswerSeconds"
    );

    // Objects are objects: an array in their place is not read as the fields in order.
    for body in [
        json!(["D", null, null, [{ "text": "Why?" }]]),
        json!({ "name": "D", "questions": [["Why?"]] }),
    ] {
        server
            .post("/v1/positions", &key, &body)
            .await
            .assert_problem(400, "malformed_request");
    }
    let position = created.body["id"].as_str().unwrap();
    server
        .post(
            &format!("/v1/positions/{position}/interviews"),
            &key,
            &json!({ "candidate": ["ana@example.com", "Ana", "Silva"] }),
        )
        .await
        .assert_problem(400, "malformed_request");
}
