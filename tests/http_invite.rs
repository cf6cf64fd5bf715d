//! Black-box tests of tenants, positions and invites through `reelview-local`, each run
//! against the embedded adapters and against the AWS adapters on moto.

use futures::future::join_all;
use reelview_tests::{both, candidate, token_of, Backend, Options, Server};
use reqwest::Method;
use serde_json::{json, Value};

async fn count_interviews(server: &Server, key: &str, position: &str) -> usize {
    let mut total = 0;
    let mut cursor: Option<String> = None;
    loop {
        let path = match &cursor {
            Some(c) => format!("/v1/positions/{position}/interviews?limit=7&cursor={c}"),
            None => format!("/v1/positions/{position}/interviews?limit=7"),
        };
        let reply = server.get(&path, key).await;
        assert_eq!(reply.status, 200, "{:?}", reply.body);
        total += reply.body["items"].as_array().unwrap().len();
        match reply.body["nextCursor"].as_str() {
            Some(c) => cursor = Some(c.to_string()),
            None => return total,
        }
    }
}

both!(invite_sends_a_multipart_email_with_the_link_and_escaped_values);
async fn invite_sends_a_multipart_email_with_the_link_and_escaped_values(backend: Backend) {
    let server = Server::start(backend).await;
    let key = server.tenant("Acme <Hiring> & Co", None).await;
    let position = server
        .position(&key, json!({ "name": "Backend <b>Engineer</b>" }))
        .await;
    let id = position["id"].as_str().unwrap();
    assert_eq!(position["questions"].as_array().unwrap().len(), 2);

    let reply = server
        .post(
            &format!("/v1/positions/{id}/interviews"),
            &key,
            &json!({
                "candidate": { "email": " Zoe.Doe@Example.com ", "firstName": "Zoë <script>", "lastName": "Doe", "phone": "+44 20 7946 0958" },
                "externalId": "ats-1",
                "deadline": "2099-01-31T17:00:00Z",
            }),
        )
        .await;
    assert_eq!(reply.status, 201, "{:?}", reply.body);
    let body = &reply.body;
    assert_eq!(body["status"], "invited");
    assert_eq!(body["candidate"]["email"], "Zoe.Doe@Example.com");
    assert_eq!(body["externalId"], "ats-1");
    assert_eq!(body["deadline"], "2099-01-31T17:00:00Z");
    assert_eq!(body["email"]["status"], "sent", "{body:?}");
    assert!(body["createdAt"].is_string());
    let url = body["url"].as_str().unwrap();
    assert!(url.starts_with(&format!("{}/i/", server.base)), "{url}");
    assert_eq!(token_of(url).len(), 43, "256-bit base64url token");
    for channel in ["mailto", "whatsapp", "sms"] {
        assert!(
            body["share"][channel]
                .as_str()
                .unwrap()
                .contains(&token_of(url)),
            "{channel}"
        );
    }
    assert!(body["share"]["whatsapp"]
        .as_str()
        .unwrap()
        .starts_with("https://wa.me/442079460958?text="));

    let mail = server.sent_mail().await;
    assert_eq!(mail.len(), 1);
    let mail = &mail[0];
    assert_eq!(mail.to, "Zoe.Doe@Example.com");
    assert!(mail.content_type.starts_with("multipart/alternative"));
    assert!(
        mail.subject.contains("Acme <Hiring> & Co"),
        "{}",
        mail.subject
    );
    for part in [&mail.text, &mail.html] {
        assert!(part.contains(url), "link in every part");
        assert!(part.contains("2 questions"));
        assert!(part.contains("camera") || part.contains("A camera"));
        assert!(part.to_lowercase().contains("microphone"));
        assert!(part.contains("31 January 2099"));
    }
    assert!(
        mail.text.contains("Zoë <script>"),
        "text part is plain text"
    );
    assert!(mail.html.contains("Zoë &lt;script&gt;"));
    assert!(mail.html.contains("Acme &lt;Hiring&gt; &amp; Co"));
    assert!(mail.html.contains("Backend &lt;b&gt;Engineer&lt;/b&gt;"));
    assert!(!mail.html.contains("<script>") && !mail.html.contains("<b>Engineer"));
    // The message names its interview (SES message tags, or the outbox's headers), so what the
    // mail service reports about it finds the interview; on SES it goes through the
    // configuration set whose events are reported.
    let about = mail.about.as_ref().map(|(_, interview)| interview.as_str());
    assert_eq!(about, body["id"].as_str(), "{}", mail.raw);
    if backend == Backend::Aws {
        assert!(mail.configuration_set.is_some(), "{mail:?}");
    }

    // Without an email: the link is still there to share by hand.
    let reply = server
        .post(&format!("/v1/positions/{id}/interviews"), &key, &json!({ "candidate": { "email": "b@example.com", "firstName": "B", "lastName": "C" }, "sendEmail": false }))
        .await;
    assert_eq!(reply.status, 201);
    assert_eq!(reply.body["email"]["status"], "not_requested");
    assert_eq!(server.sent_mail().await.len(), 1);
}

both!(an_address_mail_cannot_reach_is_refused_and_an_idn_domain_is_sent_as_punycode);
async fn an_address_mail_cannot_reach_is_refused_and_an_idn_domain_is_sent_as_punycode(
    backend: Backend,
) {
    let server = Server::start(backend).await;
    let key = server.tenant("Acme", None).await;
    let position = server.position(&key, json!({})).await;
    let invite_path = format!(
        "/v1/positions/{}/interviews",
        position["id"].as_str().unwrap()
    );

    // SES cannot deliver to a non-ASCII local part: refused with its reason, nothing written.
    let reply = server
        .post(&invite_path, &key, &candidate("zoë@example.com"))
        .await;
    reply.assert_problem(422, "validation_failed");
    let errors = reply.body["errors"].as_array().unwrap();
    assert_eq!(errors.len(), 1, "{errors:?}");
    assert_eq!(errors[0]["field"], "candidate.email");
    let message = errors[0]["message"].as_str().unwrap();
    assert!(
        message.contains("ASCII") && message.contains("before the @"),
        "{message}"
    );

    // An internationalized domain is stored, shown and sent to in punycode.
    let reply = server
        .post(&invite_path, &key, &candidate("Ana@Bücher.example"))
        .await;
    assert_eq!(reply.status, 201, "{:?}", reply.body);
    assert_eq!(
        reply.body["candidate"]["email"],
        "Ana@xn--bcher-kva.example"
    );
    let mail = server.sent_mail().await;
    assert_eq!(mail.len(), 1, "only the valid invite was sent");
    assert_eq!(mail[0].to, "Ana@xn--bcher-kva.example");
    assert!(mail[0].raw.is_ascii(), "the raw message is 7-bit clean");
    // Typed either way, it is the same candidate.
    server
        .post(&invite_path, &key, &candidate("ana@xn--bcher-kva.example"))
        .await
        .assert_problem(409, "interview_already_exists_in_position");
}

both!(every_error_code_is_a_problem_and_writes_nothing);
async fn every_error_code_is_a_problem_and_writes_nothing(backend: Backend) {
    let server = Server::start(backend).await;
    let key = server.tenant("Acme", Some(3)).await;
    let other_key = server.tenant("Globex", None).await;
    let position = server.position(&key, json!({})).await;
    let id = position["id"].as_str().unwrap().to_string();
    let invite_path = format!("/v1/positions/{id}/interviews");

    assert_eq!(
        server
            .post(&invite_path, &key, &candidate("ana@example.com"))
            .await
            .status,
        201
    );

    // Same email, differently cased and padded.
    server
        .post(&invite_path, &key, &candidate("  ANA@example.COM "))
        .await
        .assert_problem(409, "interview_already_exists_in_position");

    // Same externalId, new email: refused, and the new email is not left reserved.
    let mut with_ext = candidate("first@example.com");
    with_ext["externalId"] = json!("ATS-7");
    assert_eq!(server.post(&invite_path, &key, &with_ext).await.status, 201);
    let mut clash = candidate("second@example.com");
    clash["externalId"] = json!("ATS-7");
    server
        .post(&invite_path, &key, &clash)
        .await
        .assert_problem(409, "external_id_already_exists_in_position");
    assert_eq!(
        server
            .post(&invite_path, &key, &candidate("second@example.com"))
            .await
            .status,
        201,
        "the failed invite reserved nothing"
    );

    // The quota of 3 is used up; the refused invite reserved nothing either.
    server
        .post(&invite_path, &key, &candidate("fourth@example.com"))
        .await
        .assert_problem(403, "invite_quota_exceeded");
    assert_eq!(count_interviews(&server, &key, &id).await, 3);

    // Validation: every bad field reported.
    let reply = server
        .post(
            &invite_path,
            &key,
            &json!({ "candidate": { "email": "not-an-email", "firstName": "Ana\r\nBcc: x@y.z", "lastName": "x".repeat(101) }, "deadline": "yesterday" }),
        )
        .await;
    reply.assert_problem(422, "validation_failed");
    let fields: Vec<&str> = reply.body["errors"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["field"].as_str().unwrap())
        .collect();
    for field in [
        "candidate.email",
        "candidate.firstName",
        "candidate.lastName",
        "deadline",
    ] {
        assert!(fields.contains(&field), "{field} in {fields:?}");
    }
    server
        .post(
            "/v1/positions",
            &key,
            &json!({ "name": "Empty", "questions": [] }),
        )
        .await
        .assert_problem(422, "validation_failed");

    // Malformed and oversized bodies.
    let raw = server
        .http
        .post(server.url(&invite_path))
        .bearer_auth(&key)
        .header("content-type", "application/json")
        .body("{\"candidate\": ")
        .send()
        .await
        .unwrap();
    reelview_tests::Reply::from(raw)
        .await
        .assert_problem(400, "malformed_request");
    let huge = json!({ "candidate": { "email": "a@b.co", "firstName": "x".repeat(300_000), "lastName": "y" } });
    server
        .post(&invite_path, &key, &huge)
        .await
        .assert_problem(413, "payload_too_large");

    // Credentials.
    server
        .call(
            Method::POST,
            &invite_path,
            None,
            Some(&candidate("x@example.com")),
        )
        .await
        .assert_problem(401, "unauthorized");
    server
        .post(&invite_path, "rv_live_wrong", &candidate("x@example.com"))
        .await
        .assert_problem(401, "unauthorized");
    server
        .post("/admin/v1/tenants", &key, &json!({ "name": "Evil" }))
        .await
        .assert_problem(401, "unauthorized");

    // Unknown, malformed and another tenant's positions all read "not found".
    let unknown = uuid::Uuid::now_v7();
    server
        .post(
            &format!("/v1/positions/{unknown}/interviews"),
            &key,
            &candidate("x@example.com"),
        )
        .await
        .assert_problem(404, "position_not_found");
    server
        .post(
            "/v1/positions/not-a-uuid/interviews",
            &key,
            &candidate("x@example.com"),
        )
        .await
        .assert_problem(404, "position_not_found");
    server
        .post(&invite_path, &other_key, &candidate("x@example.com"))
        .await
        .assert_problem(404, "position_not_found");

    // Archived positions take nobody new.
    let archived = server.position(&other_key, json!({})).await;
    let archived_id = archived["id"].as_str().unwrap();
    assert_eq!(
        server
            .post(
                &format!("/v1/positions/{archived_id}/archive"),
                &other_key,
                &json!({})
            )
            .await
            .status,
        200
    );
    server
        .post(
            &format!("/v1/positions/{archived_id}/interviews"),
            &other_key,
            &candidate("x@example.com"),
        )
        .await
        .assert_problem(409, "position_archived");
    assert_eq!(count_interviews(&server, &other_key, archived_id).await, 0);
}

both!(tenants_never_see_each_other);
async fn tenants_never_see_each_other(backend: Backend) {
    let server = Server::start(backend).await;
    let a = server.tenant("A", None).await;
    let b = server.tenant("B", None).await;
    let position = server.position(&a, json!({})).await;
    let id = position["id"].as_str().unwrap();
    let invited = server
        .post(
            &format!("/v1/positions/{id}/interviews"),
            &a,
            &candidate("ana@example.com"),
        )
        .await;
    let interview = invited.body["id"].as_str().unwrap();

    server
        .get(&format!("/v1/positions/{id}"), &b)
        .await
        .assert_problem(404, "position_not_found");
    server
        .get(&format!("/v1/positions/{id}/interviews"), &b)
        .await
        .assert_problem(404, "position_not_found");
    server
        .get(&format!("/v1/interviews/{interview}"), &b)
        .await
        .assert_problem(404, "interview_not_found");
    server
        .post(
            &format!("/v1/interviews/{interview}/resend"),
            &b,
            &json!({}),
        )
        .await
        .assert_problem(404, "interview_not_found");
    assert_eq!(
        server.get("/v1/positions", &b).await.body["items"]
            .as_array()
            .unwrap()
            .len(),
        0
    );
    assert_eq!(
        server.get("/v1/positions", &a).await.body["items"]
            .as_array()
            .unwrap()
            .len(),
        1
    );
    assert_eq!(
        server
            .get(&format!("/v1/interviews/{interview}"), &a)
            .await
            .status,
        200
    );
}

both!(concurrent_identical_invites_create_exactly_one);
async fn concurrent_identical_invites_create_exactly_one(backend: Backend) {
    let server = Server::start(backend).await;
    let key = server.tenant("Acme", None).await;
    let position = server.position(&key, json!({})).await;
    let path = format!(
        "/v1/positions/{}/interviews",
        position["id"].as_str().unwrap()
    );
    let body = candidate("same@example.com");
    let replies = join_all((0..20).map(|_| server.post(&path, &key, &body))).await;
    let created = replies.iter().filter(|r| r.status == 201).count();
    let conflicts = replies
        .iter()
        .filter(|r| r.status == 409 && r.code() == "interview_already_exists_in_position")
        .count();
    assert_eq!(
        (created, conflicts),
        (1, 19),
        "{:?}",
        replies.iter().map(|r| r.status).collect::<Vec<_>>()
    );
    assert_eq!(
        count_interviews(&server, &key, position["id"].as_str().unwrap()).await,
        1
    );
}

both!(concurrent_invites_never_exceed_the_monthly_quota);
async fn concurrent_invites_never_exceed_the_monthly_quota(backend: Backend) {
    let server = Server::start(backend).await;
    let key = server.tenant("Acme", Some(10)).await;
    let position = server.position(&key, json!({})).await;
    let id = position["id"].as_str().unwrap();
    let path = format!("/v1/positions/{id}/interviews");
    let bodies: Vec<_> = (0..30)
        .map(|i| candidate(&format!("c{i}@example.com")))
        .collect();
    let replies = join_all(bodies.iter().map(|b| server.post(&path, &key, b))).await;
    let created = replies.iter().filter(|r| r.status == 201).count();
    let refused = replies
        .iter()
        .filter(|r| r.status == 403 && r.code() == "invite_quota_exceeded")
        .count();
    assert_eq!(
        (created, refused),
        (10, 20),
        "{:?}",
        replies
            .iter()
            .map(|r| (r.status, r.code().to_string()))
            .collect::<Vec<_>>()
    );
    assert_eq!(count_interviews(&server, &key, id).await, 10);
}

both!(a_failed_email_keeps_the_interview_and_a_resend_delivers_the_same_link);
async fn a_failed_email_keeps_the_interview_and_a_resend_delivers_the_same_link(backend: Backend) {
    let server = Server::start_with(
        backend,
        Options {
            broken_mail: true,
            ..Options::default()
        },
    )
    .await;
    let key = server.tenant("Acme", None).await;
    let position = server.position(&key, json!({})).await;
    let reply = server
        .post(
            &format!(
                "/v1/positions/{}/interviews",
                position["id"].as_str().unwrap()
            ),
            &key,
            &candidate("ana@example.com"),
        )
        .await;
    assert_eq!(
        reply.status, 201,
        "the interview is stored even though mail failed"
    );
    assert_eq!(reply.body["email"]["status"], "failed");
    assert!(!reply.body["email"]["reason"].as_str().unwrap().is_empty());
    let url = reply.body["url"].as_str().unwrap().to_string();
    let interview = reply.body["id"].as_str().unwrap().to_string();

    let stored = server
        .get(&format!("/v1/interviews/{interview}"), &key)
        .await;
    assert_eq!(stored.body["email"]["status"], "failed");
    assert_eq!(stored.body["url"], url.as_str());
    assert!(server.sent_mail().await.is_empty());

    // Mail works again (the sender gets verified / the outbox becomes writable).
    match &server.aws {
        Some(aws) => {
            let config = reelview_tests::emulator::sdk_config().await;
            aws_sdk_sesv2::Client::new(&config)
                .create_email_identity()
                .email_identity(&aws.mail_from)
                .send()
                .await
                .unwrap();
        }
        None => std::fs::remove_file(server.data_dir.path().join("not-a-folder")).unwrap(),
    }
    if backend == Backend::Local {
        std::fs::create_dir_all(server.data_dir.path().join("not-a-folder/outbox")).unwrap();
    }
    let resent = server
        .post(
            &format!("/v1/interviews/{interview}/resend"),
            &key,
            &json!({}),
        )
        .await;
    assert_eq!(resent.status, 200, "{:?}", resent.body);
    assert_eq!(resent.body["email"]["status"], "sent");
    assert_eq!(resent.body["email"]["attempts"], 2);
    assert_eq!(resent.body["url"], url.as_str(), "a resend keeps the link");
    if backend == Backend::Aws {
        let mail = server.sent_mail().await;
        assert_eq!(mail.len(), 1);
        assert!(mail[0].text.contains(&url));
    } else {
        let mail =
            reelview_tests::mail::read_outbox(&server.data_dir.path().join("not-a-folder/outbox"));
        assert_eq!(mail.len(), 1);
        assert!(mail[0].html.contains(&url));
    }
}

both!(idempotency_key_replays_the_first_response_and_sends_one_email);
async fn idempotency_key_replays_the_first_response_and_sends_one_email(backend: Backend) {
    let server = Server::start(backend).await;
    let key = server.tenant("Acme", None).await;
    let position = server.position(&key, json!({})).await;
    let url = server.url(&format!(
        "/v1/positions/{}/interviews",
        position["id"].as_str().unwrap()
    ));
    let send = |body: serde_json::Value, idem: &'static str| {
        let request = server
            .http
            .post(&url)
            .bearer_auth(&key)
            .header("Idempotency-Key", idem)
            .json(&body);
        async move { reelview_tests::Reply::from(request.send().await.unwrap()).await }
    };
    let first = send(candidate("ana@example.com"), "req-1").await;
    let again = send(candidate("ana@example.com"), "req-1").await;
    assert_eq!(first.status, 201);
    assert_eq!(again.status, 201);
    assert_eq!(first.body, again.body);
    assert_eq!(again.headers.get("idempotent-replayed").unwrap(), "true");
    assert_eq!(server.sent_mail().await.len(), 1);
    // The kept response holds no live link: its token is sealed at rest.
    if let Some(aws) = &server.aws {
        let token = token_of(first.body["url"].as_str().unwrap());
        let dynamodb = aws_sdk_dynamodb::Client::new(&reelview_tests::emulator::sdk_config().await);
        let items = dynamodb
            .scan()
            .table_name(&aws.table)
            .send()
            .await
            .expect("scan (tests only)");
        let kept: Vec<String> = items
            .items()
            .iter()
            .filter(|i| {
                i.get("sk")
                    .and_then(|v| v.as_s().ok())
                    .is_some_and(|sk| sk.starts_with("IDEMPOTENCY#"))
            })
            .map(|i| format!("{i:?}"))
            .collect();
        assert_eq!(kept.len(), 1, "{kept:?}");
        assert!(
            !kept[0].contains(&token),
            "a live link at rest: {}",
            kept[0]
        );
        assert!(kept[0].contains("~sealed~"), "{}", kept[0]);
    }
    send(candidate("someone-else@example.com"), "req-1")
        .await
        .assert_problem(422, "idempotency_key_reused");
    // Errors are replayed too, not re-executed.
    let dup = send(candidate("ana@example.com"), "req-2").await;
    dup.assert_problem(409, "interview_already_exists_in_position");
    assert_eq!(
        send(candidate("ana@example.com"), "req-2").await.body,
        dup.body
    );
}

both!(a_full_batch_against_a_limited_team_succeeds_row_for_row);
async fn a_full_batch_against_a_limited_team_succeeds_row_for_row(backend: Backend) {
    let server = Server::start(backend).await;
    // Every row counts against the one quota item of the team, concurrently.
    let key = server.tenant("Acme", Some(100)).await;
    let position = server.position(&key, json!({})).await;
    let id = position["id"].as_str().unwrap();
    let rows: Vec<Value> = (0..100)
        .map(|i| {
            let mut row = candidate(&format!("c{i}@example.com"));
            row["sendEmail"] = json!(false);
            row
        })
        .collect();
    let reply = server
        .post(
            &format!("/v1/positions/{id}/interviews/batch"),
            &key,
            &json!({ "candidates": rows }),
        )
        .await;
    assert_eq!(reply.status, 200, "{:?}", reply.body);
    let results = reply.body["results"].as_array().unwrap();
    let failed: Vec<&Value> = results.iter().filter(|r| r["status"] != 201).collect();
    assert!(
        failed.is_empty(),
        "{} rows failed: {:?}",
        failed.len(),
        failed.first()
    );
    // Exactly the limit was counted: the next invite is over it.
    server
        .post(
            &format!("/v1/positions/{id}/interviews"),
            &key,
            &candidate("one-more@example.com"),
        )
        .await
        .assert_problem(403, "invite_quota_exceeded");
}

both!(batch_rows_succeed_or_fail_independently_in_order);
async fn batch_rows_succeed_or_fail_independently_in_order(backend: Backend) {
    let server = Server::start(backend).await;
    let key = server.tenant("Acme", None).await;
    let position = server.position(&key, json!({})).await;
    let id = position["id"].as_str().unwrap();
    let path = format!("/v1/positions/{id}/interviews/batch");
    let reply = server
        .post(
            &path,
            &key,
            &json!({ "candidates": [
                candidate("one@example.com"),
                { "candidate": { "email": "broken", "firstName": "X", "lastName": "Y" } },
                candidate("ONE@example.com"),
                { "candidate": "not an object" },
                candidate("two@example.com"),
                [{ "email": "three@example.com", "firstName": "A", "lastName": "B" }],
            ]}),
        )
        .await;
    assert_eq!(reply.status, 200, "{:?}", reply.body);
    let results = reply.body["results"].as_array().unwrap();
    let statuses: Vec<u64> = results
        .iter()
        .map(|r| r["status"].as_u64().unwrap())
        .collect();
    assert_eq!(statuses, [201, 422, 409, 400, 201, 400]);
    assert_eq!(results[1]["problem"]["code"], "validation_failed");
    assert_eq!(
        results[2]["problem"]["code"],
        "interview_already_exists_in_position"
    );
    assert_eq!(
        results[0]["interview"]["candidate"]["email"],
        "one@example.com"
    );
    assert_eq!(reply.body["created"], 2);
    assert_eq!(count_interviews(&server, &key, id).await, 2);
    assert_eq!(server.sent_mail().await.len(), 2);

    let too_many: Vec<_> = (0..101)
        .map(|i| candidate(&format!("m{i}@example.com")))
        .collect();
    server
        .post(&path, &key, &json!({ "candidates": too_many }))
        .await
        .assert_problem(422, "validation_failed");
    assert_eq!(count_interviews(&server, &key, id).await, 2);
}

both!(state_survives_a_restart);
async fn state_survives_a_restart(backend: Backend) {
    let mut server = Server::start(backend).await;
    let key = server.tenant("Acme", None).await;
    let position = server.position(&key, json!({})).await;
    let invited = server
        .post(
            &format!(
                "/v1/positions/{}/interviews",
                position["id"].as_str().unwrap()
            ),
            &key,
            &candidate("ana@example.com"),
        )
        .await;
    let url = invited.body["url"].as_str().unwrap().to_string();
    server.restart();
    let stored = server
        .get(
            &format!("/v1/interviews/{}", invited.body["id"].as_str().unwrap()),
            &key,
        )
        .await;
    assert_eq!(stored.status, 200, "the API key and the interview survive");
    // The port changes across restarts; the token does not.
    assert_eq!(
        token_of(stored.body["url"].as_str().unwrap()),
        token_of(&url)
    );
}

both!(links_never_come_from_a_client_sent_host_header);
async fn links_never_come_from_a_client_sent_host_header(backend: Backend) {
    let server = Server::start(backend).await;
    let key = server.tenant("Acme", None).await;
    let position = server.position(&key, json!({})).await;
    let forged = "attacker.example";
    let reply = server
        .http
        .post(server.url(&format!(
            "/v1/positions/{}/interviews",
            position["id"].as_str().unwrap()
        )))
        .header(reqwest::header::HOST, forged)
        .bearer_auth(&key)
        .json(&candidate("ana@example.com"))
        .send()
        .await
        .expect("server answers");
    assert_eq!(reply.status(), 201);
    assert_eq!(
        reply.headers()["x-content-type-options"],
        "nosniff",
        "JSON responses say what they are"
    );
    let body: serde_json::Value = reply.json().await.unwrap();
    let url = body["url"].as_str().unwrap();
    assert!(url.starts_with(&server.base), "{url}");
    assert!(!body.to_string().contains(forged), "{body}");
    let mail = server.sent_mail().await;
    assert_eq!(mail.len(), 1);
    assert!(mail[0].text.contains(url));
    assert!(!mail[0].raw.contains(forged) && !mail[0].text.contains(forged));
    assert!(!mail[0].html.contains(forged));
}
