//! Black-box tests of reviewing through `reelview-local`: an interview's results with playable
//! answers and its timeline, scores and stages, and share links from creation to revocation.
//! Each runs on both backends.

use reelview_tests::{both, token_of, video, Backend, Reply, Server};
use reqwest::Method;
use serde_json::{json, Value};

/// A tenant, a two-question position and one candidate, invited by email, who has answered
/// both questions (the browser sent each recording's duration) and submitted.
struct Completed {
    server: Server,
    key: String,
    position: Value,
    interview_id: String,
    /// The recording of each question, in the position's order.
    recordings: [Vec<u8>; 2],
    durations: [f64; 2],
}

impl Completed {
    async fn new(backend: Backend) -> Completed {
        let server = Server::start(backend).await;
        let key = server.tenant("Acme", None).await;
        let position = server.position(&key, json!({})).await;
        let invited = server
            .post(
                &format!(
                    "/v1/positions/{}/interviews",
                    position["id"].as_str().unwrap()
                ),
                &key,
                &json!({ "candidate": {
                    "email": "ana@example.com",
                    "firstName": "Ana",
                    "lastName": "Silva",
                    "phone": "+44 20 7946 0958",
                } }),
            )
            .await;
        assert_eq!(invited.status, 201, "{:?}", invited.body);
        assert_eq!(invited.body["email"]["status"], "sent");
        let token = token_of(invited.body["url"].as_str().unwrap());
        let session = server
            .call(Method::GET, &format!("/v1/candidate/{token}"), None, None)
            .await;
        assert_eq!(session.status, 200, "{:?}", session.body);

        let recordings = [video(3000, 1), video(1234, 2)];
        let durations = [12.5, 31.0];
        for (i, (bytes, seconds)) in recordings.iter().zip(durations).enumerate() {
            let question = position["questions"][i]["id"].as_str().unwrap();
            server.answer(&token, question, bytes, Some(seconds)).await;
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
        Completed {
            interview_id: invited.body["id"].as_str().unwrap().to_string(),
            server,
            key,
            position,
            recordings,
            durations,
        }
    }

    async fn results(&self) -> Value {
        let reply = self
            .server
            .get(&format!("/v1/interviews/{}", self.interview_id), &self.key)
            .await;
        assert_eq!(reply.status, 200, "{:?}", reply.body);
        reply.body
    }

    fn question(&self, i: usize) -> &str {
        self.position["questions"][i]["id"].as_str().unwrap()
    }

    async fn shares(&self) -> Value {
        let reply = self
            .server
            .get(
                &format!("/v1/interviews/{}/shares", self.interview_id),
                &self.key,
            )
            .await;
        assert_eq!(reply.status, 200, "{:?}", reply.body);
        reply.body
    }

    async fn share(&self, body: &Value) -> Reply {
        self.server
            .post(
                &format!("/v1/interviews/{}/shares", self.interview_id),
                &self.key,
                body,
            )
            .await
    }

    async fn revoke(&self, share_id: &str) -> Reply {
        self.server
            .call(
                Method::DELETE,
                &format!("/v1/interviews/{}/shares/{share_id}", self.interview_id),
                Some(&self.key),
                None,
            )
            .await
    }

    async fn public_view(&self, token: &str) -> Reply {
        self.server
            .call(Method::GET, &format!("/v1/shares/{token}"), None, None)
            .await
    }

    async fn public_page(&self, token: &str) -> reqwest::Response {
        self.server
            .http
            .get(self.server.url(&format!("/s/{token}")))
            .send()
            .await
            .unwrap()
    }
}

/// GETs a playback URL (optionally one byte range): status, `Content-Range`, bytes.
async fn play(server: &Server, url: &str, range: Option<&str>) -> (u16, Option<String>, Vec<u8>) {
    let mut request = server.http.get(url);
    if let Some(range) = range {
        request = request.header("range", range);
    }
    let response = request.send().await.unwrap();
    let status = response.status().as_u16();
    let content_range = response
        .headers()
        .get("content-range")
        .map(|v| v.to_str().unwrap().to_string());
    (
        status,
        content_range,
        response.bytes().await.unwrap().to_vec(),
    )
}

/// How long a playback URL says it is valid, in seconds from now: S3's `X-Amz-Expires`, or
/// the local store's `expires` (a Unix time).
fn validity_seconds(url: &str) -> i64 {
    let url = reqwest::Url::parse(url).unwrap();
    let param = |name: &str| {
        url.query_pairs()
            .find(|(k, _)| k == name)
            .map(|(_, v)| v.parse::<i64>().unwrap())
    };
    if let Some(seconds) = param("X-Amz-Expires") {
        seconds
    } else if let Some(at) = param("expires") {
        at - chrono::Utc::now().timestamp()
    } else {
        panic!("no expiry in the playback URL {url}")
    }
}

both!(results_show_the_answers_playable_and_the_timeline);
async fn results_show_the_answers_playable_and_the_timeline(backend: Backend) {
    let c = Completed::new(backend).await;
    let r = c.results().await;

    assert_eq!(r["id"], c.interview_id.as_str());
    assert_eq!(r["status"], "completed");
    assert_eq!(r["stage"], "to_evaluate", "the stage starts at to_evaluate");
    assert!(r["score"].is_null(), "no score yet: {:?}", r["score"]);
    assert!(r["completedAt"].is_string() && r["startedAt"].is_string());

    let kinds: Vec<&str> = r["timeline"]
        .as_array()
        .expect("timeline")
        .iter()
        .map(|e| e["kind"].as_str().unwrap())
        .collect();
    assert_eq!(kinds, ["invited", "email_sent", "started", "completed"]);
    let times: Vec<chrono::DateTime<chrono::Utc>> = r["timeline"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["at"].as_str().unwrap().parse().unwrap())
        .collect();
    assert!(
        times.windows(2).all(|w| w[0] <= w[1]),
        "timeline in time order: {times:?}"
    );
    assert!(
        r["timeline"]
            .as_array()
            .unwrap()
            .iter()
            .all(|e| e.get("detail").is_none_or(Value::is_null)),
        "no detail on a smooth run: {:?}",
        r["timeline"]
    );

    let expected_questions: Vec<Value> = c.position["questions"]
        .as_array()
        .unwrap()
        .iter()
        .map(|q| json!({ "id": q["id"], "text": q["text"], "kind": "video", "answered": true }))
        .collect();
    assert_eq!(r["questions"], json!(expected_questions));

    let answers = r["answers"].as_array().expect("answers");
    assert_eq!(answers.len(), 2, "{answers:?}");
    for (i, recording) in c.recordings.iter().enumerate() {
        let answer = answers
            .iter()
            .find(|a| a["questionId"] == c.question(i))
            .unwrap_or_else(|| panic!("an answer to question {i}: {answers:?}"));
        assert_eq!(answer["questionText"], c.position["questions"][i]["text"]);
        assert!(answer["uploadId"].is_string());
        assert_eq!(answer["contentType"], "video/webm");
        assert_eq!(answer["size"].as_u64(), Some(recording.len() as u64));
        assert_eq!(answer["durationSeconds"].as_f64(), Some(c.durations[i]));
        assert!(answer["confirmedAt"].is_string());
        assert_eq!(answer["attempts"], 1);

        let url = answer["playbackUrl"].as_str().expect("playbackUrl");
        let validity = validity_seconds(url);
        assert!(
            (1..=3600).contains(&validity),
            "a playback URL is valid at most an hour, this one {validity} s"
        );
        let (status, _, bytes) = play(&c.server, url, None).await;
        assert_eq!(status, 200);
        assert!(bytes == *recording, "playback returns the uploaded bytes");
        let (status, content_range, bytes) = play(&c.server, url, Some("bytes=0-9")).await;
        assert_eq!(status, 206, "a byte range is partial content");
        assert_eq!(bytes, recording[..10], "the first ten bytes");
        assert_eq!(
            content_range.as_deref(),
            Some(format!("bytes 0-9/{}", recording.len()).as_str())
        );
    }
}

/// `None` when `reply` is a 422 `validation_failed` problem naming `field`; otherwise what
/// `request` got instead.
fn not_a_validation_error(reply: &Reply, field: &str, request: &str) -> Option<String> {
    let named = reply.body["errors"][0]["field"] == field;
    let problem = reply.content_type() == "application/problem+json";
    if reply.status == 422 && reply.code() == "validation_failed" && named && problem {
        return None;
    }
    Some(format!(
        "{request}: got {} {} ({})",
        reply.status,
        reply.code(),
        reply.body["detail"].as_str().unwrap_or_default()
    ))
}

both!(a_score_takes_halves_from_1_to_5_or_null_and_nothing_else);
async fn a_score_takes_halves_from_1_to_5_or_null_and_nothing_else(backend: Backend) {
    let c = Completed::new(backend).await;
    let path = format!("/v1/interviews/{}/score", c.interview_id);
    let put = |body: Value| {
        let (server, key, path) = (&c.server, &c.key, &path);
        async move { server.call(Method::PUT, path, Some(key), Some(&body)).await }
    };

    for score in [
        json!(1),
        json!(5),
        json!(4.5),
        json!(2.5),
        json!(null),
        json!(3),
    ] {
        let reply = put(json!({ "score": score })).await;
        assert_eq!(reply.status, 200, "score {score}: {:?}", reply.body);
        assert_eq!(reply.body["id"], c.interview_id.as_str());
        assert_eq!(reply.body["score"].as_f64(), score.as_f64(), "{score}");
        assert_eq!(reply.body["score"].is_null(), score.is_null(), "{score}");
        let stored = c.results().await;
        assert_eq!(stored["score"].as_f64(), score.as_f64(), "{score} stored");
        assert_eq!(stored["score"].is_null(), score.is_null(), "{score} stored");
    }

    let unknown = uuid::Uuid::now_v7();
    c.server
        .call(
            Method::PUT,
            &format!("/v1/interviews/{unknown}/score"),
            Some(&c.key),
            Some(&json!({ "score": 4 })),
        )
        .await
        .assert_problem(404, "interview_not_found");

    // The last valid score was 3: every refusal leaves it there.
    let mut wrong = Vec::new();
    for body in [
        json!({}),
        json!({ "score": 0.5 }),
        json!({ "score": 0 }),
        json!({ "score": 5.5 }),
        json!({ "score": 4.2 }),
        json!({ "score": -1 }),
        json!({ "score": 1e300 }),
        json!({ "score": "4.5" }),
        json!({ "score": true }),
    ] {
        let reply = put(body.clone()).await;
        wrong.extend(not_a_validation_error(
            &reply,
            "score",
            &format!("PUT score {body}"),
        ));
        assert_eq!(
            c.results().await["score"].as_f64(),
            Some(3.0),
            "refused {body} changed the score"
        );
    }
    assert!(
        wrong.is_empty(),
        "every invalid score (missing, off the half steps, out of 1-5, not a number) must be \
         422 validation_failed on field `score`:\n{}",
        wrong.join("\n")
    );
}

both!(a_stage_is_one_of_three_and_nothing_else);
async fn a_stage_is_one_of_three_and_nothing_else(backend: Backend) {
    let c = Completed::new(backend).await;
    let path = format!("/v1/interviews/{}/stage", c.interview_id);

    for stage in ["shortlisted", "discarded", "to_evaluate", "shortlisted"] {
        let reply = c
            .server
            .post(&path, &c.key, &json!({ "stage": stage }))
            .await;
        assert_eq!(reply.status, 200, "stage {stage}: {:?}", reply.body);
        assert_eq!(reply.body["stage"], stage);
        assert_eq!(c.results().await["stage"], stage, "{stage} stored");
    }

    let mut wrong = Vec::new();
    for body in [
        json!({}),
        json!({ "stage": null }),
        json!({ "stage": "" }),
        json!({ "stage": "hired" }),
        json!({ "stage": "Shortlisted" }),
        json!({ "stage": " shortlisted" }),
        json!({ "stage": 1 }),
    ] {
        let reply = c.server.post(&path, &c.key, &body).await;
        wrong.extend(not_a_validation_error(
            &reply,
            "stage",
            &format!("POST stage {body}"),
        ));
        assert_eq!(
            c.results().await["stage"],
            "shortlisted",
            "refused {body} changed the stage"
        );
    }
    assert!(
        wrong.is_empty(),
        "every stage but to_evaluate, shortlisted and discarded (missing, null, another \
         string, not a string) must be 422 validation_failed on field `stage`:\n{}",
        wrong.join("\n")
    );
}

/// Asserts the headers every share page carries, valid or not.
fn assert_page_headers(response: &reqwest::Response) {
    let headers = response.headers();
    let text = |name: &str| {
        headers
            .get(name)
            .unwrap_or_else(|| panic!("{name} on the share page"))
            .to_str()
            .unwrap()
    };
    assert!(text("content-type").starts_with("text/html"));
    assert!(text("content-security-policy").contains("script-src 'self'"));
    assert_eq!(text("referrer-policy"), "no-referrer");
    assert_eq!(text("cache-control"), "no-store");
    assert_eq!(text("x-robots-tag"), "noindex, nofollow");
}

both!(a_share_link_shows_the_interview_until_it_is_revoked);
async fn a_share_link_shows_the_interview_until_it_is_revoked(backend: Backend) {
    let c = Completed::new(backend).await;
    assert_eq!(c.shares().await, json!({ "items": [] }));

    // Created with the defaults: 30 days, contact hidden.
    let created = c.share(&json!({})).await;
    assert_eq!(created.status, 201, "{:?}", created.body);
    let hidden = created.body.clone();
    let url = hidden["url"].as_str().unwrap();
    let token = token_of(url);
    assert_eq!(url, format!("{}/s/{token}", c.server.base));
    assert_eq!(token.len(), 43, "256-bit base64url token");
    assert!(token
        .bytes()
        .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_'));
    assert_eq!(hidden["hideContact"], true);
    assert_eq!(hidden["expired"], false);
    let at = |v: &Value| -> chrono::DateTime<chrono::Utc> { v.as_str().unwrap().parse().unwrap() };
    assert_eq!(
        at(&hidden["expiresAt"]) - at(&hidden["createdAt"]),
        chrono::Duration::days(30)
    );
    let hidden_id = hidden["shareId"].as_str().unwrap().to_string();

    let shown = c
        .share(&json!({ "expiresInDays": 7, "hideContact": false }))
        .await;
    assert_eq!(shown.status, 201, "{:?}", shown.body);
    assert_eq!(shown.body["hideContact"], false);
    assert_eq!(
        at(&shown.body["expiresAt"]) - at(&shown.body["createdAt"]),
        chrono::Duration::days(7)
    );
    let shown_token = token_of(shown.body["url"].as_str().unwrap());
    let shown_id = shown.body["shareId"].as_str().unwrap().to_string();

    // The list shows both, and never a token (nor a URL holding one).
    let listed = c.shares().await;
    let items = listed["items"].as_array().unwrap();
    assert_eq!(items.len(), 2, "{listed:?}");
    let text = listed.to_string();
    assert!(
        !text.contains(&token) && !text.contains(&shown_token),
        "a token in the list: {text}"
    );
    for item in items {
        assert!(item.get("url").is_none() && item.get("token").is_none());
    }
    let listed_hidden = items
        .iter()
        .find(|s| s["shareId"] == hidden_id.as_str())
        .expect("the first share listed");
    for field in ["createdAt", "expiresAt", "expired", "hideContact"] {
        assert_eq!(listed_hidden[field], hidden[field], "{field}");
    }

    // The public view, contact hidden.
    let view = c.public_view(&token).await;
    assert_eq!(view.status, 200, "{:?}", view.body);
    assert_eq!(view.headers["cache-control"], "no-store");
    let v = &view.body;
    assert_eq!(
        v["position"],
        json!({ "name": "Backend Engineer", "company": "Acme" })
    );
    assert_eq!(
        v["candidate"],
        json!({ "firstName": "Ana", "lastName": "Silva" }),
        "no contact details when hidden"
    );
    assert!(!view.body.to_string().contains("ana@example.com"));
    assert_eq!(v["status"], "completed");
    assert_eq!(v["stage"], "to_evaluate");
    assert!(v["score"].is_null());
    assert!(v["completedAt"].is_string());
    assert_eq!(v["expiresAt"], hidden["expiresAt"]);
    let questions = v["questions"].as_array().unwrap();
    assert_eq!(questions.len(), 2);
    for (i, q) in questions.iter().enumerate() {
        assert_eq!(q["id"], c.question(i));
        assert_eq!(q["text"], c.position["questions"][i]["text"]);
        assert_eq!(q["answered"], true);
        assert_eq!(q["answer"]["contentType"], "video/webm");
        assert_eq!(
            q["answer"]["durationSeconds"].as_f64(),
            Some(c.durations[i])
        );
        let playback = q["answer"]["playbackUrl"].as_str().expect("playbackUrl");
        assert!((1..=3600).contains(&validity_seconds(playback)));
        let (status, _, bytes) = play(&c.server, playback, None).await;
        assert_eq!(status, 200);
        assert!(
            bytes == c.recordings[i],
            "shared playback returns the bytes"
        );
    }

    // With contact shown; a reviewer's score and stage show too.
    assert_eq!(
        c.server
            .call(
                Method::PUT,
                &format!("/v1/interviews/{}/score", c.interview_id),
                Some(&c.key),
                Some(&json!({ "score": 4.5 })),
            )
            .await
            .status,
        200
    );
    let view = c.public_view(&shown_token).await;
    assert_eq!(view.status, 200, "{:?}", view.body);
    assert_eq!(
        view.body["candidate"],
        json!({ "firstName": "Ana", "lastName": "Silva", "email": "ana@example.com", "phone": "+44 20 7946 0958" })
    );
    assert_eq!(view.body["score"].as_f64(), Some(4.5));

    // The page is the same shell for every valid link.
    let page = c.public_page(&token).await;
    assert_eq!(page.status(), 200);
    assert_page_headers(&page);
    let html = page.text().await.unwrap();
    assert!(!html.contains("Ana") && !html.contains("<script>"));

    // Out-of-range expiries create nothing.
    for days in [0, 366] {
        c.share(&json!({ "expiresInDays": days }))
            .await
            .assert_problem(422, "validation_failed");
    }
    assert_eq!(c.shares().await, listed, "a refused share changed the list");

    // Revoked: the JSON, the page and a second revocation all say so.
    assert_eq!(c.revoke(&hidden_id).await.status, 204);
    c.public_view(&token)
        .await
        .assert_problem(404, "share_not_found");
    let page = c.public_page(&token).await;
    assert_eq!(page.status(), 404);
    assert_page_headers(&page);
    c.revoke(&hidden_id)
        .await
        .assert_problem(404, "share_not_found");
    let left: Vec<Value> = c.shares().await["items"].as_array().unwrap().clone();
    assert_eq!(left.len(), 1);
    assert_eq!(left[0]["shareId"], shown_id.as_str());
    assert_eq!(
        c.public_view(&shown_token).await.status,
        200,
        "the other link still works"
    );

    // Unknown and malformed tokens look like revoked ones.
    for unknown in ["A".repeat(43), "garbage".to_string()] {
        c.public_view(&unknown)
            .await
            .assert_problem(404, "share_not_found");
        let page = c.public_page(&unknown).await;
        assert_eq!(page.status(), 404);
        assert_page_headers(&page);
    }
    c.revoke(&uuid::Uuid::now_v7().to_string())
        .await
        .assert_problem(404, "share_not_found");
}
