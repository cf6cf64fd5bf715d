//! The reminder job through `reelview-local`'s on-demand route, with a simulated clock, over
//! a few hundred interviews in every state (waiting, started, completed, on a position without
//! reminders, expired); two runs at once send every due reminder exactly
//! once and nothing that is not due. On both backends (on moto, no Scan is issued).

use reelview_tests::{both, candidate, emulator, token_of, Backend, Reply, Server};
use reqwest::Method;
use serde_json::{json, Value};
use std::collections::BTreeMap;

/// Invites `count` candidates `{prefix}{i}@example.com` in batches of 100, without emails;
/// returns their links' tokens by address.
async fn invite_many(
    server: &Server,
    key: &str,
    position: &Value,
    prefix: &str,
    count: usize,
    extra: Value,
) -> BTreeMap<String, String> {
    let mut tokens = BTreeMap::new();
    let rows: Vec<Value> = (0..count)
        .map(|i| {
            let mut row = candidate(&format!("{prefix}{i}@example.com"));
            row["sendEmail"] = json!(false);
            for (k, v) in extra.as_object().into_iter().flatten() {
                row[k] = v.clone();
            }
            row
        })
        .collect();
    let path = format!(
        "/v1/positions/{}/interviews/batch",
        position["id"].as_str().unwrap()
    );
    for chunk in rows.chunks(100) {
        let reply = server
            .post(&path, key, &json!({ "candidates": chunk }))
            .await;
        assert_eq!(reply.status, 200, "{:?}", reply.body);
        for result in reply.body["results"].as_array().unwrap() {
            assert_eq!(result["status"], 201, "{result}");
            let interview = &result["interview"];
            tokens.insert(
                interview["candidate"]["email"]
                    .as_str()
                    .unwrap()
                    .to_string(),
                token_of(interview["url"].as_str().unwrap()),
            );
        }
    }
    tokens
}

async fn run_job(server: &Server, now: chrono::DateTime<chrono::Utc>) -> Reply {
    let admin = server.admin_key.clone();
    server
        .call(
            Method::POST,
            "/admin/v1/jobs/reminders",
            Some(&admin),
            Some(&json!({ "now": now.to_rfc3339() })),
        )
        .await
}

/// Reminders sent so far, by recipient.
async fn reminders_by_recipient(server: &Server) -> BTreeMap<String, Vec<String>> {
    let mut sent: BTreeMap<String, Vec<String>> = BTreeMap::new();
    for mail in server.sent_mail().await {
        if mail.subject.starts_with("Reminder") {
            sent.entry(mail.to.clone())
                .or_default()
                .push(mail.subject.clone());
        }
    }
    sent
}

async fn scans() -> u64 {
    let calls: Value = reqwest::get(format!("{}/_reelview/calls", emulator::endpoint()))
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    calls["dynamodb:Scan"].as_u64().unwrap_or(0)
}

both!(due_reminders_go_out_exactly_once_and_nothing_else);
async fn due_reminders_go_out_exactly_once_and_nothing_else(backend: Backend) {
    let server = Server::start(backend).await;
    let key = server.tenant("Acme", None).await;
    let t0 = chrono::Utc::now();
    // Default policy (48 h after the invite, 24 h before the deadline), deadline in 5 days.
    let reminded = server
        .position(
            &key,
            json!({ "name": "Reminded", "defaultDeadlineDays": 5 }),
        )
        .await;
    let quiet = server
        .position(
            &key,
            json!({ "name": "Quiet", "defaultDeadlineDays": 5,
                    "reminders": { "afterInviteHours": [], "beforeDeadlineHours": [] } }),
        )
        .await;
    assert_eq!(
        quiet["reminders"],
        json!({ "afterInviteHours": [], "beforeDeadlineHours": [] })
    );
    assert_eq!(
        reminded["reminders"],
        json!({ "afterInviteHours": [48], "beforeDeadlineHours": [24] })
    );

    let waiting = invite_many(&server, &key, &reminded, "waiting", 150, json!({})).await;
    let started = invite_many(&server, &key, &reminded, "started", 40, json!({})).await;
    let done = invite_many(&server, &key, &reminded, "done", 5, json!({})).await;
    for token in done.values() {
        for question in reminded["questions"].as_array().unwrap() {
            let question = question["id"].as_str().unwrap();
            server
                .answer(token, question, &reelview_tests::video(500, 1), None)
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
        assert_eq!(submitted.status, 200, "{:?}", submitted.body);
    }
    let silent = invite_many(&server, &key, &quiet, "silent", 20, json!({})).await;
    let soon = chrono::Utc::now() + chrono::Duration::seconds(4);
    let lapsing = invite_many(
        &server,
        &key,
        &reminded,
        "lapsing",
        10,
        json!({ "deadline": soon.to_rfc3339() }),
    )
    .await;
    for token in started.values() {
        let session = server
            .call(Method::GET, &format!("/v1/candidate/{token}"), None, None)
            .await;
        assert_eq!(session.status, 200);
    }
    let scans_before = if server.aws.is_some() {
        scans().await
    } else {
        0
    };

    // Nothing is due yet (the lapsing ones expire at once, quietly).
    if let Ok(wait) = (soon - chrono::Utc::now()).to_std() {
        tokio::time::sleep(wait + std::time::Duration::from_millis(100)).await;
    }
    let first = run_job(&server, chrono::Utc::now()).await;
    assert_eq!(first.status, 200, "{:?}", first.body);
    assert_eq!(first.body["sent"], 0, "{:?}", first.body);
    assert_eq!(first.body["expired"], 10, "{:?}", first.body);
    assert!(reminders_by_recipient(&server).await.is_empty());

    // Two days on, two runs at once: every waiting candidate gets one reminder.
    let day2 = t0 + chrono::Duration::hours(49);
    let (a, b) = tokio::join!(run_job(&server, day2), run_job(&server, day2));
    assert_eq!(
        (a.status, b.status),
        (200, 200),
        "{:?} {:?}",
        a.body,
        b.body
    );
    let sent_by_runs = a.body["sent"].as_u64().unwrap() + b.body["sent"].as_u64().unwrap();
    assert_eq!(sent_by_runs, 150, "{:?} {:?}", a.body, b.body);
    let sent = reminders_by_recipient(&server).await;
    assert_eq!(sent.len(), 150, "one recipient per waiting candidate");
    for address in waiting.keys() {
        let theirs = sent.get(address).map_or(0, Vec::len);
        assert_eq!(theirs, 1, "{address}");
    }

    // A day before the deadline, everyone not done hears once more; the quiet position's
    // candidates, the expired ones and those already reminded for it never.
    let day4 = t0 + chrono::Duration::days(4) + chrono::Duration::hours(1);
    let (a, b) = tokio::join!(run_job(&server, day4), run_job(&server, day4));
    assert_eq!(
        a.body["sent"].as_u64().unwrap() + b.body["sent"].as_u64().unwrap(),
        190
    );
    let again = run_job(&server, day4).await;
    assert_eq!(again.body["sent"], 0, "{:?}", again.body);
    let sent = reminders_by_recipient(&server).await;
    for address in waiting.keys() {
        assert_eq!(sent[address].len(), 2, "{address}");
        assert!(sent[address][1].contains("closes"), "{:?}", sent[address]);
    }
    for address in started.keys() {
        assert_eq!(sent[address].len(), 1, "{address}");
    }
    for address in silent.keys().chain(lapsing.keys()).chain(done.keys()) {
        assert!(!sent.contains_key(address), "{address}");
    }
    // A reminder carries the candidate's own link.
    let mail = server.sent_mail().await;
    let address = waiting.keys().next().unwrap();
    let theirs = mail.iter().find(|m| &m.to == address).unwrap();
    assert!(theirs.text.contains(&waiting[address]), "{}", theirs.text);

    // Past the deadline, every unfinished interview is stored as expired, once.
    let day6 = t0 + chrono::Duration::days(6);
    let expiring = run_job(&server, day6).await;
    assert_eq!(expiring.body["expired"], 210, "{:?}", expiring.body);
    assert_eq!(run_job(&server, day6).await.body["due"], 0);
    let listed = server.get("/v1/positions", &key).await;
    let counts: Vec<(Value, Value)> = listed.body["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| {
            (
                p["counts"]["expired"].clone(),
                p["counts"]["completed"].clone(),
            )
        })
        .collect();
    assert_eq!(
        counts,
        [(json!(200), json!(5)), (json!(20), json!(0))],
        "completed interviews never expire"
    );
    if server.aws.is_some() {
        assert_eq!(
            scans().await,
            scans_before,
            "the job reads the due index, never scans"
        );
    }
}
