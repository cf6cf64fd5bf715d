//! Retention through `reelview-local`: a team's `retentionDays` (`GET`/`PATCH /v1/tenant`) and
//! the retention job run on demand with a simulated clock. The job deletes exactly the
//! interviews that completed, or expired at their deadline, longer ago than the team keeps
//! them, with their recordings, and leaves recent, open and other teams' interviews alone.
//! On both backends (on moto, the job issues no Scan).

use chrono::{DateTime, Duration, Utc};
use reelview_tests::{both, candidate, emulator, token_of, video, Backend, Reply, Server};
use reqwest::Method;
use serde_json::{json, Value};

async fn run_job(server: &Server, now: DateTime<Utc>) -> Reply {
    let admin = server.admin_key.clone();
    let reply = server
        .call(
            Method::POST,
            "/admin/v1/jobs/retention",
            Some(&admin),
            Some(&json!({ "now": now.to_rfc3339() })),
        )
        .await;
    assert_eq!(reply.status, 200, "retention job: {:?}", reply.body);
    reply
}

async fn patch_tenant(server: &Server, key: &str, body: &Value) -> Reply {
    server
        .call(Method::PATCH, "/v1/tenant", Some(key), Some(body))
        .await
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

/// Invites `email` to `position` (deadline `deadline`, if any), without an email; returns
/// the interview id and the candidate's link token.
async fn invite(
    server: &Server,
    key: &str,
    position: &Value,
    email: &str,
    deadline: Option<DateTime<Utc>>,
) -> (String, String) {
    let mut body = candidate(email);
    body["sendEmail"] = json!(false);
    if let Some(deadline) = deadline {
        body["deadline"] = json!(deadline.to_rfc3339());
    }
    let invited = server.invite(key, position, &body).await;
    (
        invited.body["id"].as_str().unwrap().to_string(),
        token_of(invited.body["url"].as_str().unwrap()),
    )
}

/// The candidate answers the one question with a recording and submits.
async fn complete(server: &Server, position: &Value, token: &str, seed: u8) {
    let question = position["questions"][0]["id"].as_str().unwrap();
    server
        .answer(token, question, &video(900, seed), None)
        .await;
    server.submit(token).await;
}

async fn status_of(server: &Server, key: &str, interview: &str) -> u16 {
    server
        .get(&format!("/v1/interviews/{interview}"), key)
        .await
        .status
}

both!(the_team_setting_is_read_and_changed_with_its_api_key);
async fn the_team_setting_is_read_and_changed_with_its_api_key(backend: Backend) {
    let server = Server::start(backend).await;
    let key = server.tenant("Acme", Some(50)).await;
    let shown = server.get("/v1/tenant", &key).await;
    assert_eq!(shown.status, 200, "{:?}", shown.body);
    assert_eq!(shown.body["name"], "Acme");
    assert_eq!(shown.body["monthlyInviteLimit"], 50);
    assert_eq!(
        shown.body["retentionDays"],
        Value::Null,
        "kept forever by default"
    );
    let id = shown.body["id"].as_str().unwrap().to_string();

    let set = patch_tenant(&server, &key, &json!({ "retentionDays": 180 })).await;
    assert_eq!(set.status, 200, "{:?}", set.body);
    assert_eq!(set.body["retentionDays"], 180);
    assert_eq!(set.body["id"], id.as_str());
    assert_eq!(
        server.get("/v1/tenant", &key).await.body["retentionDays"],
        180
    );

    // Leaving the field out changes nothing; out of range is refused and writes nothing.
    let untouched = patch_tenant(&server, &key, &json!({})).await;
    assert_eq!(untouched.body["retentionDays"], 180, "{:?}", untouched.body);
    for bad in [json!(0), json!(3651), json!(100000)] {
        let refused = patch_tenant(&server, &key, &json!({ "retentionDays": bad })).await;
        refused.assert_problem(422, "validation_failed");
        assert_eq!(refused.body["errors"][0]["field"], "retentionDays");
    }
    for malformed in [json!("30"), json!(1.5), json!(-3)] {
        let refused = patch_tenant(&server, &key, &json!({ "retentionDays": malformed })).await;
        refused.assert_problem(400, "malformed_request");
    }
    assert_eq!(
        server.get("/v1/tenant", &key).await.body["retentionDays"],
        180
    );

    let cleared = patch_tenant(&server, &key, &json!({ "retentionDays": null })).await;
    assert_eq!(cleared.status, 200, "{:?}", cleared.body);
    assert_eq!(cleared.body["retentionDays"], Value::Null);

    // Another team's key changes its own team only.
    let other = server.tenant("Globex", None).await;
    let theirs = patch_tenant(&server, &other, &json!({ "retentionDays": 1 })).await;
    assert_eq!(theirs.status, 200);
    assert_ne!(theirs.body["id"], id.as_str());
    assert_eq!(
        server.get("/v1/tenant", &key).await.body["retentionDays"],
        Value::Null
    );

    let anonymous = server.call(Method::GET, "/v1/tenant", None, None).await;
    anonymous.assert_problem(401, "unauthorized");
}

both!(the_job_deletes_exactly_what_ended_before_the_cutoff);
async fn the_job_deletes_exactly_what_ended_before_the_cutoff(backend: Backend) {
    let server = Server::start(backend).await;
    let key = server.tenant("Acme", None).await;
    let other_key = server.tenant("Globex", None).await;
    let one_question =
        json!({ "questions": [{ "text": "Why us?", "maxAnswerSeconds": 60, "retakes": 0 }] });
    let position = server.position(&key, one_question.clone()).await;
    let other_position = server.position(&other_key, one_question).await;
    let t0 = Utc::now();

    // Completed now: 31 days later it ended 31 days ago.
    let (completed, token) = invite(&server, &key, &position, "done@example.com", None).await;
    complete(&server, &position, &token, 1).await;
    // Expires in an hour without a submission.
    let (expired, _) = invite(
        &server,
        &key,
        &position,
        "late@example.com",
        Some(t0 + Duration::hours(1)),
    )
    .await;
    // Expires in ten days: 31 days later it ended 21 days ago, within the period.
    let (recently_expired, _) = invite(
        &server,
        &key,
        &position,
        "recent@example.com",
        Some(t0 + Duration::days(10)),
    )
    .await;
    // Started, with no deadline: never ends by itself.
    let (open, open_token) = invite(&server, &key, &position, "open@example.com", None).await;
    let session = server
        .call(
            Method::GET,
            &format!("/v1/candidate/{open_token}"),
            None,
            None,
        )
        .await;
    assert_eq!(session.status, 200);
    // Another team, without a retention period, with a completed interview.
    let (elsewhere, other_token) = invite(
        &server,
        &other_key,
        &other_position,
        "done@example.com",
        None,
    )
    .await;
    complete(&server, &other_position, &other_token, 2).await;

    // Without a retention period nothing is due, however late.
    let far = t0 + Duration::days(3000);
    let idle = run_job(&server, far).await;
    assert_eq!(idle.body["deleted"], 0, "{:?}", idle.body);

    let set = patch_tenant(&server, &key, &json!({ "retentionDays": 30 })).await;
    assert_eq!(set.status, 200, "{:?}", set.body);
    let scans_before = if server.aws.is_some() {
        scans().await
    } else {
        0
    };

    // 29 days on, nothing has been over for 30 days yet.
    let early = run_job(&server, t0 + Duration::days(29)).await;
    assert_eq!(early.body["deleted"], 0, "{:?}", early.body);

    let later = t0 + Duration::days(31);
    let run = run_job(&server, later).await;
    assert_eq!(run.body["deleted"], 2, "{:?}", run.body);
    assert_eq!(run.body["failed"], 0, "{:?}", run.body);
    assert_eq!(run.body["finished"], true, "{:?}", run.body);
    assert_eq!(status_of(&server, &key, &completed).await, 404);
    assert_eq!(status_of(&server, &key, &expired).await, 404);
    for kept in [&recently_expired, &open] {
        assert_eq!(status_of(&server, &key, kept).await, 200, "{kept} kept");
    }
    assert_eq!(status_of(&server, &other_key, &elsewhere).await, 200);
    // The deleted candidate's link is gone with the interview; the email is free again.
    let gone = server
        .call(Method::GET, &format!("/v1/candidate/{token}"), None, None)
        .await;
    gone.assert_problem(404, "link_not_found");
    let listed = server
        .get(
            &format!(
                "/v1/positions/{}/interviews",
                position["id"].as_str().unwrap()
            ),
            &key,
        )
        .await;
    assert_eq!(listed.body["items"].as_array().unwrap().len(), 2);

    // A second run finds nothing left.
    let again = run_job(&server, later).await;
    assert_eq!(again.body["deleted"], 0, "{:?}", again.body);

    if server.aws.is_some() {
        assert_eq!(
            scans().await,
            scans_before,
            "the job reads the ended index, never scans"
        );
        let (_, objects) = server.everything_stored().await;
        assert!(
            !objects.iter().any(|o| o.contains(&completed)),
            "the deleted interview's recording is gone: {objects:?}"
        );
        assert!(
            objects.iter().any(|o| o.contains(&elsewhere)),
            "the other team's recording stays: {objects:?}"
        );
    }

    // The recently expired interview goes once it has been over for 30 days.
    let last = run_job(&server, t0 + Duration::days(41)).await;
    assert_eq!(last.body["deleted"], 1, "{:?}", last.body);
    assert_eq!(status_of(&server, &key, &recently_expired).await, 404);
    assert_eq!(status_of(&server, &key, &open).await, 200);
}
