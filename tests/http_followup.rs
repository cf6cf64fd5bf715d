//! Black-box tests of what recruiters do when a candidate did not get, lost or fumbled their
//! interview: resend (limited), ask for an answer again with the same link, delete and invite
//! again, set and extend deadlines. Each runs on both backends.

use reelview_tests::{both, candidate, token_of, video, Backend, Reply, Server};
use reqwest::Method;
use serde_json::{json, Value};

/// A tenant, a two-question position and one invited candidate.
struct Invited {
    server: Server,
    key: String,
    position: Value,
    id: String,
    token: String,
}

impl Invited {
    async fn new(backend: Backend, position: Value, invite: Value) -> Invited {
        let server = Server::start(backend).await;
        let key = server.tenant("Acme", None).await;
        let position = server.position(&key, position).await;
        let mut body = candidate("ana@example.com");
        for (k, v) in invite.as_object().into_iter().flatten() {
            body[k] = v.clone();
        }
        let invited = server
            .post(
                &format!(
                    "/v1/positions/{}/interviews",
                    position["id"].as_str().unwrap()
                ),
                &key,
                &body,
            )
            .await;
        assert_eq!(invited.status, 201, "{:?}", invited.body);
        Invited {
            id: invited.body["id"].as_str().unwrap().to_string(),
            token: token_of(invited.body["url"].as_str().unwrap()),
            server,
            key,
            position,
        }
    }

    fn question(&self, i: usize) -> String {
        self.position["questions"][i]["id"]
            .as_str()
            .unwrap()
            .to_string()
    }

    async fn recruiter(&self, method: Method, path: &str, body: Option<&Value>) -> Reply {
        self.server
            .call(
                method,
                &format!("/v1/interviews/{}{path}", self.id),
                Some(&self.key),
                body,
            )
            .await
    }

    async fn candidate(&self, method: Method, path: &str) -> Reply {
        self.server
            .call(
                method,
                &format!("/v1/candidate/{}{path}", self.token),
                None,
                None,
            )
            .await
    }

    async fn answer_all_and_submit(&self) {
        for i in 0..2 {
            self.server
                .answer(
                    &self.token,
                    &self.question(i),
                    &video(1000 + i, i as u8),
                    None,
                )
                .await;
        }
        let submitted = self.candidate(Method::POST, "/submit").await;
        assert_eq!(submitted.status, 200, "{:?}", submitted.body);
    }

    /// Invites `email` to the same position, without an email.
    async fn invite_another(&self, email: &str, extra: Value) -> Reply {
        let mut body = candidate(email);
        body["sendEmail"] = json!(false);
        for (k, v) in extra.as_object().into_iter().flatten() {
            body[k] = v.clone();
        }
        let path = format!(
            "/v1/positions/{}/interviews",
            self.position["id"].as_str().unwrap()
        );
        self.server.post(&path, &self.key, &body).await
    }

    async fn counts(&self) -> Value {
        let listed = self.server.get("/v1/positions", &self.key).await;
        listed.body["items"][0]["counts"].clone()
    }
}

fn timeline_kinds(interview: &Value) -> Vec<String> {
    interview["timeline"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["kind"].as_str().unwrap().to_string())
        .collect()
}

both!(resends_are_limited_and_concurrent_ones_cannot_both_pass);
async fn resends_are_limited_and_concurrent_ones_cannot_both_pass(backend: Backend) {
    let f = Invited::new(backend, json!({}), json!({ "sendEmail": false })).await;
    // The first resend is always allowed, but only one of two at once gets through.
    let (a, b) = tokio::join!(
        f.recruiter(Method::POST, "/resend", None),
        f.recruiter(Method::POST, "/resend", None)
    );
    let mut statuses = [a.status, b.status];
    statuses.sort();
    assert_eq!(statuses, [200, 429], "{:?} {:?}", a.body, b.body);
    let refused = if a.status == 429 { &a } else { &b };
    refused.assert_problem(429, "resend_rate_limited");
    let retry_after: u64 = refused.headers["retry-after"]
        .to_str()
        .unwrap()
        .parse()
        .unwrap();
    assert!((540..=600).contains(&retry_after), "{retry_after}");
    assert_eq!(refused.body["retryAfterSeconds"], json!(retry_after));
    assert_eq!(
        f.server.sent_mail().await.len(),
        1,
        "one email for two requests"
    );

    let sent = if a.status == 200 { &a } else { &b };
    assert_eq!(sent.body["email"]["status"], "sent");
    assert_eq!(
        timeline_kinds(&sent.body)
            .iter()
            .filter(|k| *k == "email_sent")
            .count(),
        1
    );
    // A re-invite issues a new link and starts the allowance afresh.
    let reinvited = f
        .recruiter(
            Method::POST,
            "/reinvite",
            Some(&json!({ "sendEmail": false })),
        )
        .await;
    assert_eq!(reinvited.status, 200, "{:?}", reinvited.body);
    assert_eq!(f.recruiter(Method::POST, "/resend", None).await.status, 200);
}

both!(an_answer_asked_again_is_recorded_with_the_same_link);
async fn an_answer_asked_again_is_recorded_with_the_same_link(backend: Backend) {
    let f = Invited::new(backend, json!({}), json!({ "sendEmail": false })).await;
    f.answer_all_and_submit().await;
    let q1 = f.question(0);
    let before = f.recruiter(Method::GET, "", None).await;
    assert_eq!(before.body["status"], "completed");
    assert_eq!(f.counts().await["completed"], 1);

    let reopened = f
        .recruiter(Method::DELETE, &format!("/answers/{q1}?notify=true"), None)
        .await;
    assert_eq!(reopened.status, 200, "{:?}", reopened.body);
    assert_eq!(reopened.body["status"], "in_progress");
    assert_eq!(reopened.body["completedAt"], Value::Null);
    let kinds = timeline_kinds(&reopened.body);
    assert!(
        kinds.contains(&"completed".into()) && kinds.contains(&"answer_reopened".into()),
        "{kinds:?}"
    );
    assert_eq!(reopened.body["answers"].as_array().unwrap().len(), 1);
    assert_eq!(f.counts().await["inProgress"], 1);
    assert_eq!(f.counts().await["completed"], 0);
    // The candidate is told, with the same link.
    let mail = f.server.sent_mail().await;
    let asked = mail.last().expect("the candidate is emailed");
    assert!(
        asked.subject.contains("record an answer again"),
        "{}",
        asked.subject
    );
    assert!(asked.text.contains(&f.token), "the same link");
    assert!(asked.text.contains("Tell us about a system you built."));
    // Removing it again: there is nothing to remove.
    f.recruiter(Method::DELETE, &format!("/answers/{q1}"), None)
        .await
        .assert_problem(404, "answer_not_found");

    // The same link asks only for that answer; submitting completes the interview again.
    let session = f.candidate(Method::GET, "").await;
    assert_eq!(session.body["status"], "in_progress");
    let answered: Vec<bool> = session.body["questions"]
        .as_array()
        .unwrap()
        .iter()
        .map(|q| q["answered"].as_bool().unwrap())
        .collect();
    assert_eq!(answered, [false, true]);
    f.candidate(Method::POST, "/submit")
        .await
        .assert_problem(409, "answers_missing");
    f.server.answer(&f.token, &q1, &video(4321, 9), None).await;
    assert_eq!(f.candidate(Method::POST, "/submit").await.status, 200);
    let after = f.recruiter(Method::GET, "", None).await;
    assert_eq!(after.body["status"], "completed");
    assert_eq!(after.body["answers"][0]["size"], 4321);
    assert_eq!(f.counts().await["completed"], 1);
}

both!(a_deleted_interview_is_gone_and_its_email_free_again);
async fn a_deleted_interview_is_gone_and_its_email_free_again(backend: Backend) {
    let f = Invited::new(
        backend,
        json!({}),
        json!({ "sendEmail": false, "externalId": "ats-1" }),
    )
    .await;
    f.server
        .answer(&f.token, &f.question(0), &video(500, 1), None)
        .await;
    assert_eq!(f.counts().await["inProgress"], 1);
    assert_eq!(f.recruiter(Method::DELETE, "", None).await.status, 204);
    f.recruiter(Method::GET, "", None)
        .await
        .assert_problem(404, "interview_not_found");
    f.candidate(Method::GET, "")
        .await
        .assert_problem(404, "link_not_found");
    f.recruiter(Method::DELETE, "", None)
        .await
        .assert_problem(404, "interview_not_found");
    assert_eq!(f.counts().await["inProgress"], 0);
    // The same email and externalId invite again.
    let again = f
        .invite_another("ana@example.com", json!({ "externalId": "ats-1" }))
        .await;
    assert_eq!(again.status, 201, "{:?}", again.body);
    assert_ne!(again.body["id"], json!(f.id));
}

both!(a_deadline_expires_an_interview_and_extending_it_reopens_it);
async fn a_deadline_expires_an_interview_and_extending_it_reopens_it(backend: Backend) {
    let soon = (chrono::Utc::now() + chrono::Duration::seconds(2)).to_rfc3339();
    let f = Invited::new(
        backend,
        json!({ "defaultDeadlineDays": 7 }),
        json!({ "sendEmail": false, "deadline": soon }),
    )
    .await;
    assert_eq!(f.position["defaultDeadlineDays"], 7);
    tokio::time::sleep(std::time::Duration::from_millis(2500)).await;
    assert_eq!(
        f.recruiter(Method::GET, "", None).await.body["status"],
        "expired"
    );
    f.candidate(Method::GET, "")
        .await
        .assert_problem(410, "interview_expired");

    for bad in [
        json!({}),
        json!({ "deadline": "2000-01-01T00:00:00Z" }),
        json!({ "deadline": "tomorrow" }),
    ] {
        f.recruiter(Method::PUT, "/deadline", Some(&bad))
            .await
            .assert_problem(422, "validation_failed");
    }
    let later = (chrono::Utc::now() + chrono::Duration::days(3)).to_rfc3339();
    let extended = f
        .recruiter(
            Method::PUT,
            "/deadline",
            Some(&json!({ "deadline": later })),
        )
        .await;
    assert_eq!(extended.status, 200, "{:?}", extended.body);
    assert_eq!(extended.body["status"], "invited");
    assert!(timeline_kinds(&extended.body).contains(&"deadline_set".into()));
    assert_eq!(f.candidate(Method::GET, "").await.status, 200);

    // Without a deadline of its own, an invitation gets the position's default.
    let defaulted = f.invite_another("ben@example.com", json!({})).await;
    let deadline =
        chrono::DateTime::parse_from_rfc3339(defaulted.body["deadline"].as_str().unwrap()).unwrap();
    let days = (deadline.with_timezone(&chrono::Utc) - chrono::Utc::now()).num_hours();
    assert!((7 * 24 - 1..=7 * 24).contains(&days), "{days} hours");
}
