//! Black-box tests of the candidate side through `reelview-local`: the session, direct
//! uploads through the returned URLs (to disk locally, to S3 on moto), multipart resume,
//! submission, the public apply link and the page's headers. Each runs on both backends.

use reelview_tests::{both, candidate, token_of, Backend, Reply, Server};
use reqwest::Method;
use serde_json::{json, Value};

/// A recruiter's tenant, a two-question position and one invited candidate.
struct Fixture {
    server: Server,
    key: String,
    tenant_id: String,
    position: Value,
    interview_id: String,
    token: String,
}

impl Fixture {
    async fn new(backend: Backend, position_extra: Value) -> Fixture {
        let server = Server::start(backend).await;
        let admin = server.admin_key.clone();
        let tenant = server
            .post("/admin/v1/tenants", &admin, &json!({ "name": "Acme" }))
            .await;
        let key = tenant.body["apiKey"].as_str().unwrap().to_string();
        let tenant_id = tenant.body["tenantId"].as_str().unwrap().to_string();
        let position = server.position(&key, position_extra).await;
        let mut body = candidate("ana@example.com");
        body["sendEmail"] = json!(false);
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
        assert_eq!(invited.status, 201);
        Fixture {
            token: token_of(invited.body["url"].as_str().unwrap()),
            interview_id: invited.body["id"].as_str().unwrap().to_string(),
            server,
            key,
            tenant_id,
            position,
        }
    }

    fn question(&self, i: usize) -> String {
        self.position["questions"][i]["id"]
            .as_str()
            .unwrap()
            .to_string()
    }

    async fn candidate_call(&self, method: Method, path: &str, body: Option<&Value>) -> Reply {
        self.server
            .call(
                method,
                &format!("/v1/candidate/{}{path}", self.token),
                None,
                body,
            )
            .await
    }

    async fn session(&self) -> Reply {
        self.candidate_call(Method::GET, "", None).await
    }

    async fn start_upload(
        &self,
        question: &str,
        content_type: &str,
        size: u64,
        multipart: bool,
    ) -> Reply {
        let body = json!({ "contentType": content_type, "size": size, "multipart": multipart });
        self.candidate_call(
            Method::POST,
            &format!("/answers/{question}/uploads"),
            Some(&body),
        )
        .await
    }

    async fn complete(&self, question: &str, upload: &str) -> Reply {
        self.candidate_call(
            Method::POST,
            &format!("/answers/{question}/uploads/{upload}/complete"),
            None,
        )
        .await
    }

    /// Records an answer end to end: start, PUT the bytes where told, complete.
    async fn answer(&self, question: &str, bytes: &[u8]) -> Reply {
        let ticket = self
            .start_upload(question, "video/webm", bytes.len() as u64, false)
            .await;
        assert_eq!(ticket.status, 201, "{:?}", ticket.body);
        assert_eq!(
            put(
                &self.server,
                &ticket.body["url"],
                &ticket.body["headers"],
                bytes.to_vec()
            )
            .await,
            200
        );
        self.complete(question, ticket.body["uploadId"].as_str().unwrap())
            .await
    }

    fn object_key(&self, question: &str, upload: &str) -> String {
        format!(
            "{}/{}/{question}/{upload}",
            self.tenant_id, self.interview_id
        )
    }

    /// The bytes storage holds at `key` (disk locally, the bucket on moto).
    async fn object_bytes(&self, key: &str) -> Vec<u8> {
        match &self.server.aws {
            None => std::fs::read(self.server.data_dir.path().join("videos").join(key)).unwrap(),
            Some(aws) => reelview_tests::emulator::s3_client()
                .await
                .get_object()
                .bucket(&aws.bucket)
                .key(key)
                .send()
                .await
                .unwrap()
                .body
                .collect()
                .await
                .unwrap()
                .to_vec(),
        }
    }

    async fn upload_status(&self, question: &str, upload: &str) -> Reply {
        self.candidate_call(
            Method::GET,
            &format!("/answers/{question}/uploads/{upload}"),
            None,
        )
        .await
    }

    /// Whether storage still holds an object (disk locally, the bucket on moto).
    async fn object_exists(&self, key: &str) -> bool {
        match &self.server.aws {
            None => self
                .server
                .data_dir
                .path()
                .join("videos")
                .join(key)
                .exists(),
            Some(aws) => reelview_tests::emulator::s3_client()
                .await
                .head_object()
                .bucket(&aws.bucket)
                .key(key)
                .send()
                .await
                .is_ok(),
        }
    }
}

/// PUTs bytes to a presigned URL with the headers it was signed with.
async fn put(server: &Server, url: &Value, headers: &Value, bytes: Vec<u8>) -> u16 {
    let mut request = server.http.put(url.as_str().unwrap()).body(bytes);
    for (name, value) in headers.as_object().into_iter().flatten() {
        request = request.header(name, value.as_str().unwrap());
    }
    request.send().await.unwrap().status().as_u16()
}

fn video(size: usize, seed: u8) -> Vec<u8> {
    (0..size)
        .map(|i| (i as u8).wrapping_mul(31).wrapping_add(seed))
        .collect()
}

both!(a_candidate_records_retakes_and_submits);
async fn a_candidate_records_retakes_and_submits(backend: Backend) {
    let f = Fixture::new(backend, json!({})).await;
    let (q1, q2) = (f.question(0), f.question(1));

    let first = f.session().await;
    assert_eq!(first.status, 200);
    assert_eq!(first.headers.get("cache-control").unwrap(), "no-store");
    let s = &first.body;
    assert_eq!(s["status"], "in_progress");
    assert_eq!(s["company"], "Acme");
    assert_eq!(s["position"], "Backend Engineer");
    assert_eq!(s["questionCount"], 2);
    assert!(s["estimatedMinutes"].as_u64().unwrap() >= 3);
    assert_eq!(s["questions"][0]["retakes"], 1);
    assert_eq!(s["questions"][0]["attemptsLeft"], 2);
    assert_eq!(s["questions"][0]["answered"], false);
    let started_at = s["startedAt"].clone();
    assert!(started_at.is_string());
    assert_eq!(
        f.session().await.body["startedAt"],
        started_at,
        "startedAt is recorded once"
    );

    // First take of question 1.
    let done = f.answer(&q1, &video(2048, 1)).await;
    assert_eq!(done.status, 200, "{:?}", done.body);
    assert_eq!(done.body["answer"]["size"], 2048);
    assert_eq!(done.body["attemptsLeft"], 1);
    let first_upload = done.body["answer"]["uploadId"]
        .as_str()
        .unwrap()
        .to_string();
    assert!(f.object_exists(&f.object_key(&q1, &first_upload)).await);

    // A retake replaces the answer; the superseded recording is deleted only now.
    let retake = f.answer(&q1, &video(4096, 2)).await;
    assert_eq!(retake.status, 200);
    assert_eq!(retake.body["retakesUsed"], 1);
    assert_eq!(retake.body["attemptsLeft"], 0);
    let second_upload = retake.body["answer"]["uploadId"]
        .as_str()
        .unwrap()
        .to_string();
    assert!(f.object_exists(&f.object_key(&q1, &second_upload)).await);
    assert!(
        !f.object_exists(&f.object_key(&q1, &first_upload)).await,
        "superseded object deleted"
    );
    f.start_upload(&q1, "video/webm", 10, false)
        .await
        .assert_problem(409, "retakes_exhausted");

    // Submitting early names what is missing.
    let early = f.candidate_call(Method::POST, "/submit", None).await;
    early.assert_problem(409, "answers_missing");
    assert_eq!(early.body["missingQuestionIds"], json!([q2]));

    assert_eq!(f.answer(&q2, &video(1000, 3)).await.status, 200);
    let submitted = f.candidate_call(Method::POST, "/submit", None).await;
    assert_eq!(submitted.status, 200);
    assert_eq!(submitted.body["status"], "completed");
    let again = f.candidate_call(Method::POST, "/submit", None).await;
    assert_eq!(
        again.body["completedAt"], submitted.body["completedAt"],
        "submit is idempotent"
    );

    f.start_upload(&q2, "video/webm", 10, false)
        .await
        .assert_problem(409, "interview_completed");
    assert_eq!(f.session().await.body["status"], "completed");

    let recruiter = f
        .server
        .get(&format!("/v1/interviews/{}", f.interview_id), &f.key)
        .await;
    assert_eq!(recruiter.body["status"], "completed");
    let answers = recruiter.body["answers"].as_array().unwrap();
    assert_eq!(answers.len(), 2);
    let a1 = answers
        .iter()
        .find(|a| a["questionId"] == q1.as_str())
        .unwrap();
    assert_eq!(
        (a1["size"].as_u64(), a1["uploadId"].as_str()),
        (Some(4096), Some(second_upload.as_str()))
    );
}

both!(bad_uploads_are_refused_and_change_nothing);
async fn bad_uploads_are_refused_and_change_nothing(backend: Backend) {
    let f = Fixture::new(backend, json!({ "maxUploadBytes": 1048576 })).await;
    let (q1, q2) = (f.question(0), f.question(1));
    f.start_upload(&q1, "video/x-msvideo", 100, false)
        .await
        .assert_problem(422, "unsupported_content_type");
    f.start_upload(&q1, "video/webm", 0, false)
        .await
        .assert_problem(422, "validation_failed");
    let too_big = f.start_upload(&q1, "video/mp4", 1048577, false).await;
    too_big.assert_problem(422, "upload_too_large");
    assert_eq!(too_big.body["maxBytes"], 1048576);
    let unknown_question = uuid::Uuid::now_v7();
    f.start_upload(&unknown_question.to_string(), "video/webm", 100, false)
        .await
        .assert_problem(404, "question_not_found");
    f.candidate_call(
        Method::POST,
        &format!("/answers/{q1}/uploads"),
        Some(&json!("nonsense")),
    )
    .await
    .assert_problem(400, "malformed_request");

    // Completing before the bytes arrived.
    let ticket = f
        .start_upload(&q1, "video/webm;codecs=vp8,opus", 500, false)
        .await;
    assert_eq!(ticket.status, 201);
    assert_eq!(ticket.body["method"], "PUT");
    assert_eq!(ticket.body["contentType"], "video/webm");
    let upload = ticket.body["uploadId"].as_str().unwrap().to_string();
    f.complete(&q1, &upload)
        .await
        .assert_problem(409, "upload_incomplete");
    // Another question's upload id.
    f.complete(&q2, &upload)
        .await
        .assert_problem(404, "upload_not_found");

    if backend == Backend::Local {
        // The local upload URL enforces what it signed (moto does not check signatures).
        assert_eq!(
            put(
                &f.server,
                &ticket.body["url"],
                &ticket.body["headers"],
                vec![0; 499]
            )
            .await,
            403
        );
        assert_eq!(
            put(
                &f.server,
                &ticket.body["url"],
                &json!({ "content-type": "video/mp4" }),
                vec![0; 500]
            )
            .await,
            403
        );
        let tampered = ticket.body["url"]
            .as_str()
            .unwrap()
            .replace("size=500", "size=5000");
        assert_eq!(
            put(
                &f.server,
                &json!(tampered),
                &ticket.body["headers"],
                vec![0; 5000]
            )
            .await,
            403
        );
    }
    assert_eq!(
        put(
            &f.server,
            &ticket.body["url"],
            &ticket.body["headers"],
            vec![7; 500]
        )
        .await,
        200
    );
    assert_eq!(f.complete(&q1, &upload).await.status, 200);
    f.complete(&q1, &upload)
        .await
        .assert_problem(409, "upload_already_completed");

    // Unknown and malformed links answer identically.
    let unknown = f
        .server
        .call(
            Method::GET,
            &format!("/v1/candidate/{}", "A".repeat(43)),
            None,
            None,
        )
        .await;
    let garbage = f
        .server
        .call(Method::GET, "/v1/candidate/garbage", None, None)
        .await;
    unknown.assert_problem(404, "link_not_found");
    garbage.assert_problem(404, "link_not_found");
    assert_eq!(unknown.body, garbage.body);

    let session = f.session().await.body;
    assert_eq!(session["questions"][0]["answered"], true);
    assert_eq!(session["questions"][0]["retakesUsed"], 0);
    assert_eq!(session["questions"][1]["answered"], false);
}

both!(a_multipart_upload_resumes_after_a_dropped_part);
async fn a_multipart_upload_resumes_after_a_dropped_part(backend: Backend) {
    let f = Fixture::new(backend, json!({})).await;
    let q1 = f.question(0);
    let bytes = video(9 * 1024 * 1024 + 321, 9);
    let ticket = f
        .start_upload(&q1, "video/mp4", bytes.len() as u64, true)
        .await;
    assert_eq!(ticket.status, 201, "{:?}", ticket.body);
    assert_eq!(ticket.body["method"], "MULTIPART");
    let part_size = ticket.body["partSize"].as_u64().unwrap() as usize;
    let parts = ticket.body["parts"].as_array().unwrap().clone();
    assert_eq!(parts.len(), 2);
    let upload = ticket.body["uploadId"].as_str().unwrap().to_string();

    // Part 1 arrives; the connection drops before part 2.
    let first = bytes[..part_size].to_vec();
    assert_eq!(
        put(&f.server, &parts[0]["url"], &parts[0]["headers"], first).await,
        200
    );
    f.complete(&q1, &upload)
        .await
        .assert_problem(409, "upload_incomplete");

    // After a reload the page asks what is missing and gets fresh URLs for just that.
    let status = f
        .candidate_call(
            Method::GET,
            &format!("/answers/{q1}/uploads/{upload}"),
            None,
        )
        .await;
    assert_eq!(status.status, 200, "{:?}", status.body);
    assert_eq!(status.body["uploadedParts"].as_array().unwrap().len(), 1);
    let missing = status.body["parts"].as_array().unwrap();
    assert_eq!(missing.len(), 1);
    assert_eq!(missing[0]["partNumber"], 2);
    let rest = bytes[part_size..].to_vec();
    assert_eq!(
        put(&f.server, &missing[0]["url"], &missing[0]["headers"], rest).await,
        200
    );

    let done = f.complete(&q1, &upload).await;
    assert_eq!(done.status, 200, "{:?}", done.body);
    assert_eq!(
        done.body["answer"]["size"].as_u64().unwrap(),
        bytes.len() as u64
    );
    assert!(f.object_exists(&f.object_key(&q1, &upload)).await);

    // An abandoned upload can be aborted; a second one for the other question stays usable.
    let q2 = f.question(1);
    let spare = f.start_upload(&q2, "video/webm", 100, false).await;
    let spare_id = spare.body["uploadId"].as_str().unwrap();
    let aborted = f
        .candidate_call(
            Method::DELETE,
            &format!("/answers/{q2}/uploads/{spare_id}"),
            None,
        )
        .await;
    assert_eq!(aborted.status, 204);
    f.complete(&q2, spare_id)
        .await
        .assert_problem(404, "upload_not_found");
}

both!(uploads_are_staged_capped_and_never_overwrite_an_answer);
async fn uploads_are_staged_capped_and_never_overwrite_an_answer(backend: Backend) {
    const MIB: u64 = 1024 * 1024;
    let f = Fixture::new(backend, json!({ "maxUploadBytes": MIB })).await;
    let (q1, q2) = (f.question(0), f.question(1));

    // The browser writes under pending/; complete moves the video to the answer's own key.
    let first = video(1000, 1);
    let ticket = f.start_upload(&q1, "video/webm", 1000, false).await;
    let upload = ticket.body["uploadId"].as_str().unwrap().to_string();
    let answer_key = f.object_key(&q1, &upload);
    let pending_key = format!("pending/{answer_key}");
    assert!(
        ticket.body["url"].as_str().unwrap().contains(&pending_key),
        "{}",
        ticket.body["url"]
    );
    assert_eq!(
        put(
            &f.server,
            &ticket.body["url"],
            &ticket.body["headers"],
            first.clone()
        )
        .await,
        200
    );
    let done = f.complete(&q1, &upload).await;
    assert_eq!(done.status, 200, "{:?}", done.body);
    assert!(f.object_exists(&answer_key).await);
    assert!(
        !f.object_exists(&pending_key).await,
        "the staged copy is gone"
    );

    // The PUT URL is still valid for minutes, but what it writes is never the answer.
    assert_eq!(
        put(
            &f.server,
            &ticket.body["url"],
            &ticket.body["headers"],
            video(1000, 2)
        )
        .await,
        200
    );
    assert_eq!(f.object_bytes(&answer_key).await, first);
    let answers = f.session().await.body["questions"][0]["answer"]["uploadId"].clone();
    assert_eq!(answers, json!(upload));

    // At most three pending attempts per question: a fourth releases the oldest, object and all.
    let mut attempts = Vec::new();
    for seed in 0..4u8 {
        let ticket = f.start_upload(&q2, "video/webm", 2000, false).await;
        assert_eq!(ticket.status, 201, "{:?}", ticket.body);
        if seed < 3 {
            assert_eq!(
                put(
                    &f.server,
                    &ticket.body["url"],
                    &ticket.body["headers"],
                    video(2000, seed)
                )
                .await,
                200
            );
        }
        attempts.push(ticket.body["uploadId"].as_str().unwrap().to_string());
    }
    f.upload_status(&q2, &attempts[0])
        .await
        .assert_problem(404, "upload_not_found");
    assert!(
        !f.object_exists(&format!("pending/{}", f.object_key(&q2, &attempts[0])))
            .await
    );
    assert!(
        f.object_exists(&format!("pending/{}", f.object_key(&q2, &attempts[1])))
            .await
    );
    for attempt in &attempts[1..] {
        assert_eq!(f.upload_status(&q2, attempt).await.status, 200);
    }

    // Pending bytes stay within one full-size recording per question (2 MiB here): two
    // full-size attempts at q2 leave room for no third, so the oldest ones go.
    let big: Vec<String> = {
        let mut ids = Vec::new();
        for _ in 0..3 {
            let ticket = f.start_upload(&q2, "video/webm", MIB, false).await;
            assert_eq!(ticket.status, 201, "{:?}", ticket.body);
            ids.push(ticket.body["uploadId"].as_str().unwrap().to_string());
        }
        ids
    };
    f.upload_status(&q2, &big[0])
        .await
        .assert_problem(404, "upload_not_found");
    assert_eq!(f.upload_status(&q2, &big[2]).await.status, 200);

    // Two completions of one multipart upload at once answer alike.
    let bytes = video(3000, 7);
    let ticket = f.start_upload(&q2, "video/webm", 3000, true).await;
    assert_eq!(ticket.status, 201, "{:?}", ticket.body);
    let part = &ticket.body["parts"][0];
    assert_eq!(
        put(&f.server, &part["url"], &part["headers"], bytes.clone()).await,
        200
    );
    let id = ticket.body["uploadId"].as_str().unwrap();
    let (a, b) = tokio::join!(f.complete(&q2, id), f.complete(&q2, id));
    assert_eq!(
        (a.status, b.status),
        (200, 200),
        "{:?} {:?}",
        a.body,
        b.body
    );
    assert_eq!(a.body["answer"], b.body["answer"]);
    assert_eq!(f.object_bytes(&f.object_key(&q2, id)).await, bytes);
}

both!(a_single_put_upload_answers_in_the_documented_shapes);
async fn a_single_put_upload_answers_in_the_documented_shapes(backend: Backend) {
    let f = Fixture::new(backend, json!({})).await;
    let q1 = f.question(0);
    let bytes = video(1500, 4);

    // The start names everything about the attempt: what it is for, its size and type, its
    // state and how long it can be resumed; the size may be written as 1500.0.
    let ticket = f
        .candidate_call(
            Method::POST,
            &format!("/answers/{q1}/uploads"),
            Some(&json!({ "contentType": "video/webm;codecs=vp9", "size": 1500.0 })),
        )
        .await;
    assert_eq!(ticket.status, 201, "{:?}", ticket.body);
    let t = &ticket.body;
    assert_eq!(t["method"], "PUT");
    assert_eq!(t["questionId"], q1.as_str());
    assert_eq!(t["state"], "pending");
    assert_eq!(t["size"], 1500);
    assert_eq!(t["contentType"], "video/webm");
    assert!(t["url"].is_string() && t["headers"].is_object());
    assert!(t["expiresAt"].is_string() && t["resumableUntil"].is_string());
    let upload = t["uploadId"].as_str().unwrap().to_string();
    let path = format!("/answers/{q1}/uploads/{upload}");

    // Resuming a single PUT answers the one status shape: no parts, and a fresh URL.
    let status = f.candidate_call(Method::GET, &path, None).await;
    assert_eq!(status.status, 200, "{:?}", status.body);
    let s = &status.body;
    assert_eq!(s["method"], "PUT");
    assert_eq!(s["state"], "pending");
    assert_eq!(s["uploadedParts"], json!([]));
    assert_eq!(s["parts"], json!([]));
    assert_eq!(s["questionId"], q1.as_str());
    assert!(s["resumableUntil"].is_string());
    assert_eq!(put(&f.server, &s["url"], &s["headers"], bytes).await, 200);

    let done = f.complete(&q1, &upload).await;
    assert_eq!(done.status, 200, "{:?}", done.body);
    f.candidate_call(Method::GET, &path, None)
        .await
        .assert_problem(409, "upload_already_completed");

    // An abandoned upload is gone: its status and a second abandon answer 404.
    let spare = f.start_upload(&q1, "video/webm", 100, false).await;
    let spare_path = format!(
        "/answers/{q1}/uploads/{}",
        spare.body["uploadId"].as_str().unwrap()
    );
    assert_eq!(
        f.candidate_call(Method::DELETE, &spare_path, None)
            .await
            .status,
        204
    );
    for method in [Method::GET, Method::DELETE] {
        f.candidate_call(method, &spare_path, None)
            .await
            .assert_problem(404, "upload_not_found");
    }

    // A fraction is not a size.
    f.candidate_call(
        Method::POST,
        &format!("/answers/{q1}/uploads"),
        Some(&json!({ "contentType": "video/webm", "size": 1500.5 })),
    )
    .await
    .assert_problem(400, "malformed_request");
}

both!(progress_survives_a_restart);
async fn progress_survives_a_restart(backend: Backend) {
    let mut f = Fixture::new(backend, json!({})).await;
    let q1 = f.question(0);
    assert_eq!(f.answer(&q1, &video(3000, 4)).await.status, 200);
    f.server.restart();
    let session = f.session().await;
    assert_eq!(session.status, 200);
    assert_eq!(session.body["questions"][0]["answered"], true);
    assert_eq!(session.body["questions"][0]["answer"]["size"], 3000);
    assert_eq!(f.answer(&f.question(1), &video(10, 5)).await.status, 200);
    assert_eq!(
        f.candidate_call(Method::POST, "/submit", None).await.status,
        200
    );
}

both!(the_public_apply_link_invites_once_and_resends_at_most_hourly);
async fn the_public_apply_link_invites_once_and_resends_at_most_hourly(backend: Backend) {
    let server = Server::start(backend).await;
    let key = server.tenant("Acme", None).await;
    let open = server
        .position(
            &key,
            json!({ "publicApply": true, "slug": "backend-2026", "companyName": "Acme <Labs>" }),
        )
        .await;
    let closed = server.position(&key, json!({})).await;
    let by_slug = format!("/apply/{}", open["publicSlug"].as_str().unwrap());
    assert!(by_slug.starts_with("/apply/backend-2026-"), "{by_slug}");

    let page = server
        .http
        .get(server.url(&format!("{by_slug}?firstName=Ana")))
        .send()
        .await
        .unwrap();
    assert_eq!(page.status(), 200);
    let html = page.text().await.unwrap();
    assert!(
        html.contains("<bdi>Backend Engineer</bdi> at <bdi>Acme &lt;Labs&gt;</bdi>"),
        "position named, escaped, each name isolated"
    );
    assert_eq!(
        server
            .http
            .get(server.url(&format!("/apply/{}", closed["id"].as_str().unwrap())))
            .send()
            .await
            .unwrap()
            .status(),
        404
    );

    let apply = |path: String, body: Value| {
        let request = server.http.post(server.url(&path)).json(&body);
        async move { Reply::from(request.send().await.unwrap()).await }
    };
    let person = json!({ "firstName": "Ana", "lastName": "Silva", "email": "ana@example.com" });
    assert_eq!(apply(by_slug.clone(), person.clone()).await.status, 202);
    let by_id = format!("/apply/{}", open["id"].as_str().unwrap());
    let again = apply(
        by_id.clone(),
        json!({ "firstName": "Ana", "lastName": "Silva", "email": "ANA@example.com" }),
    )
    .await;
    assert_eq!(
        again.status, 202,
        "a known email gets the same answer, not a second interview"
    );
    // Within the hour its link is not sent again (the use-case tests move the clock past it
    // and see the same link resent): the form cannot flood an inbox.
    let mail = server.sent_mail().await;
    assert_eq!(mail.len(), 1);
    let listed = server
        .get(
            &format!("/v1/positions/{}/interviews", open["id"].as_str().unwrap()),
            &key,
        )
        .await;
    assert_eq!(listed.body["items"].as_array().unwrap().len(), 1);

    let invalid = apply(
        by_slug.clone(),
        json!({ "firstName": "", "lastName": "S", "email": "nope" }),
    )
    .await;
    invalid.assert_problem(422, "validation_failed");
    let fields: Vec<_> = invalid.body["errors"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["field"].as_str().unwrap().to_string())
        .collect();
    assert_eq!(fields, ["email", "firstName"]);
    apply(
        format!("/apply/{}", closed["id"].as_str().unwrap()),
        person.clone(),
    )
    .await
    .assert_problem(404, "position_not_found");

    assert_eq!(
        server
            .post(
                &format!("/v1/positions/{}/archive", open["id"].as_str().unwrap()),
                &key,
                &json!({})
            )
            .await
            .status,
        200
    );
    apply(
        by_id,
        json!({ "firstName": "Bo", "lastName": "Li", "email": "bo@example.com" }),
    )
    .await
    .assert_problem(409, "position_archived");
}

both!(the_candidate_page_is_served_with_strict_headers);
async fn the_candidate_page_is_served_with_strict_headers(backend: Backend) {
    let server = Server::start(backend).await;
    let page = server
        .http
        .get(server.url(&format!("/i/{}", "A".repeat(43))))
        .send()
        .await
        .unwrap();
    assert_eq!(page.status(), 200);
    let headers = page.headers().clone();
    assert!(headers["content-security-policy"]
        .to_str()
        .unwrap()
        .contains("script-src 'self'"));
    assert_eq!(headers["referrer-policy"], "no-referrer");
    assert_eq!(headers["cache-control"], "no-store");
    let html = page.text().await.unwrap();
    assert!(
        html.contains("/assets/candidate.js") && !html.contains("<script>"),
        "no inline script"
    );
    for asset in ["candidate.js", "candidate.css", "apply.js"] {
        let response = server
            .http
            .get(server.url(&format!("/assets/{asset}")))
            .send()
            .await
            .unwrap();
        assert_eq!(response.status(), 200, "{asset}");
    }
    let missing = Reply::from(
        server
            .http
            .get(server.url("/assets/nope.js"))
            .send()
            .await
            .unwrap(),
    )
    .await;
    missing.assert_problem(404, "not_found");
}

both!(a_reinvite_retires_the_old_link_and_keeps_progress);
async fn a_reinvite_retires_the_old_link_and_keeps_progress(backend: Backend) {
    let f = Fixture::new(backend, json!({})).await;
    let q1 = f.question(0);
    assert_eq!(f.answer(&q1, &video(100, 6)).await.status, 200);
    let old_token = f.token.clone();

    let path = format!("/v1/interviews/{}/reinvite", f.interview_id);
    let reply = f
        .server
        .post(&path, &f.key, &json!({ "sendEmail": false }))
        .await;
    assert_eq!(reply.status, 200, "{:?}", reply.body);
    let new_token = token_of(reply.body["url"].as_str().unwrap());
    assert_ne!(new_token, old_token);

    f.server
        .call(
            Method::GET,
            &format!("/v1/candidate/{old_token}"),
            None,
            None,
        )
        .await
        .assert_problem(404, "link_not_found");
    let session = f
        .server
        .call(
            Method::GET,
            &format!("/v1/candidate/{new_token}"),
            None,
            None,
        )
        .await;
    assert_eq!(session.status, 200);
    assert_eq!(
        session.body["questions"][0]["answered"], true,
        "progress kept"
    );
    let stored = f
        .server
        .get(&format!("/v1/interviews/{}", f.interview_id), &f.key)
        .await;
    assert_eq!(token_of(stored.body["url"].as_str().unwrap()), new_token);

    // Without a body the new link is emailed.
    let emailed = f.server.call(Method::POST, &path, Some(&f.key), None).await;
    assert_eq!(emailed.status, 200, "{:?}", emailed.body);
    assert_eq!(emailed.body["email"]["status"], "sent");
    let mail = f.server.sent_mail().await;
    assert!(mail
        .last()
        .unwrap()
        .text
        .contains(emailed.body["url"].as_str().unwrap()));
}

both!(the_apply_form_takes_form_or_json_only_and_limits_each_sender);
async fn the_apply_form_takes_form_or_json_only_and_limits_each_sender(backend: Backend) {
    let server = Server::start(backend).await;
    let key = server.tenant("Acme", None).await;
    let position = server
        .position(&key, json!({ "publicApply": true, "slug": "open-role" }))
        .await;
    let url = server.url(&format!(
        "/apply/{}",
        position["publicSlug"].as_str().unwrap()
    ));

    // A cross-site text/plain post never reaches the form; neither does one on a JSON route.
    let plain = server
        .http
        .post(&url)
        .header("content-type", "text/plain")
        .body(r#"{"firstName":"Eve","lastName":"X","email":"eve@example.com"}"#)
        .send()
        .await
        .unwrap();
    Reply::from(plain)
        .await
        .assert_problem(415, "unsupported_media_type");
    let to_json_route = server
        .http
        .post(server.url("/v1/positions"))
        .bearer_auth(&key)
        .header("content-type", "text/plain")
        .body(r#"{"name":"x","questions":[{"text":"q"}]}"#)
        .send()
        .await
        .unwrap();
    Reply::from(to_json_route)
        .await
        .assert_problem(415, "unsupported_media_type");

    // An HTML form post works like JSON.
    let form = server
        .http
        .post(&url)
        .form(&[
            ("firstName", "Ana"),
            ("lastName", "Silva"),
            ("email", "ana@example.com"),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(form.status(), 202);
    assert_eq!(server.sent_mail().await.len(), 1);

    // One sender may apply 10 times an hour; then 429 with Retry-After.
    let mut statuses = Vec::new();
    let mut last = None;
    for i in 0..10 {
        let reply = server
            .http
            .post(&url)
            .json(
                &json!({ "firstName": "C", "lastName": "D", "email": format!("c{i}@example.com") }),
            )
            .send()
            .await
            .unwrap();
        statuses.push(reply.status().as_u16());
        last = Some(reply);
    }
    assert_eq!(
        statuses.iter().filter(|s| **s == 202).count(),
        9,
        "{statuses:?}"
    );
    let limited = last.unwrap();
    let retry_after: u64 = limited.headers()["retry-after"]
        .to_str()
        .unwrap()
        .parse()
        .unwrap();
    assert!((1..=3600).contains(&retry_after));
    Reply::from(limited)
        .await
        .assert_problem(429, "rate_limited");
}
