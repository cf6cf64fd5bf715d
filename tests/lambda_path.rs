//! The deployed path, not `reelview-local`: every function binary runs as Lambda runs it —
//! under a Lambda Runtime API stub, with only the environment its entry in
//! `infra/template.yaml` declares — behind an API Gateway HTTP API stand-in that routes each
//! request to the function the template names, as a payload format 2.0 event, after the
//! route's authorizer. The AWS services are the emulator's (moto).
//!
//! The function binaries are not built by `cargo test`: run `cargo build --workspace --bins`
//! first (`.ci/test` does).

use reelview_tests::apigw::{Api, Gateway, Request, Response};
use reelview_tests::deployment::{environment, EVALUATION_MODEL};
use reelview_tests::emulator::{self, Resources};
use reelview_tests::runtime_api::LambdaProcess;
use reelview_tests::template::{self, RouteAuth};
use reelview_tests::{candidate, token_of};
use serde_json::{json, Value};
use std::collections::{BTreeMap, BTreeSet, HashMap};

/// Every function of the template running on the emulator, behind the API.
struct Deployment {
    aws: Resources,
    template: serde_yaml::Value,
    gateway: Gateway,
}

impl Deployment {
    async fn start() -> Deployment {
        Self::start_with(&[]).await
    }

    /// With `extra` settings for every function (e.g. where a service's stand-in listens).
    async fn start_with(extra: &[(&str, String)]) -> Deployment {
        Self::start_behind(Api::default(), extra).await
    }

    /// Behind `api` (e.g. a named stage).
    async fn start_behind(api: Api, extra: &[(&str, String)]) -> Deployment {
        let aws = Resources::create(true).await;
        let template = template::template();
        let mut functions = HashMap::new();
        for function in template::functions(&template) {
            // Named as CloudFormation names them: stack, logical id, a random suffix.
            let name = format!("reelview-{}-T3STSUFF1X", function.logical_id);
            let mut env = environment(&function, &aws);
            env.extend(extra.iter().map(|(k, v)| (k.to_string(), v.clone())));
            let process = LambdaProcess::start(
                &function.binary,
                &name,
                function.memory_size,
                std::time::Duration::from_secs(function.timeout_seconds),
                &env,
            )
            .await;
            functions.insert(function.binary.clone(), process);
        }
        Deployment {
            gateway: Gateway::new(api, &template, functions),
            aws,
            template,
        }
    }

    async fn send(&self, request: Request) -> Response {
        self.gateway.send(request).await
    }
}

/// Asserts a status, showing the body when it differs.
fn expect(response: &Response, status: u16, step: &str) -> Value {
    assert_eq!(
        response.status,
        status,
        "{step}: status {}, body {}",
        response.status,
        response.text()
    );
    response.json()
}

fn video(size: usize, seed: u8) -> Vec<u8> {
    (0..size)
        .map(|i| (i as u8).wrapping_mul(31).wrapping_add(seed))
        .collect()
}

/// PUTs bytes to a presigned URL with exactly the headers of the ticket, as the page does.
async fn put(http: &reqwest::Client, url: &Value, headers: &Value, bytes: Vec<u8>) -> u16 {
    let mut request = http.put(url.as_str().expect("upload url")).body(bytes);
    for (name, value) in headers.as_object().expect("ticket headers") {
        request = request.header(name, value.as_str().expect("header value"));
    }
    request
        .send()
        .await
        .expect("the bucket answers")
        .status()
        .as_u16()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn every_function_starts_with_only_the_environment_its_template_entry_declares() {
    let deployment = Deployment::start().await;
    let mut failures = Vec::new();
    for function in template::functions(&deployment.template) {
        if let Err(why) = deployment.gateway.function(&function.binary).ready().await {
            failures.push(format!(
                "{} (declares {:?}): {why}",
                function.logical_id,
                function.environment.keys().collect::<Vec<_>>()
            ));
        }
    }
    assert!(
        failures.is_empty(),
        "functions fail their init phase with the environment infra/template.yaml gives them \
         (each reads a setting its template entry does not declare, or the template misses \
         one it needs):\n\n{}",
        failures.join("\n\n")
    );
    // The template is where the functions come from: every function of the manifest must be
    // in it (and so started and checked above), the newest ones included.
    let started: BTreeSet<String> = template::functions(&deployment.template)
        .into_iter()
        .map(|f| f.binary)
        .collect();
    let manifest: BTreeSet<String> = reelview::functions::ALL
        .iter()
        .map(|f| f.name.to_string())
        .collect();
    assert_eq!(
        started, manifest,
        "the functions of infra/template.yaml (started by this test) and of \
         reelview::functions::ALL differ"
    );
    for name in ["reelview-share", "reelview-comments", "reelview-api-keys"] {
        assert!(
            started.contains(name),
            "{name} was not started: {started:?}"
        );
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn an_interview_runs_end_to_end_through_the_deployed_functions() {
    let d = Deployment::start().await;
    let domain = d.gateway.api.domain_name();
    let http = reqwest::Client::new();
    // Every upload ticket's headers, checked against the bucket's CORS rule at the end.
    let mut ticket_headers: Vec<(String, BTreeMap<String, String>)> = Vec::new();
    let mut note_headers = |label: String, headers: &Value| {
        let headers = headers
            .as_object()
            .unwrap_or_else(|| panic!("{label}: the ticket has no headers object"))
            .iter()
            .map(|(k, v)| (k.clone(), v.as_str().unwrap_or_default().to_string()))
            .collect();
        ticket_headers.push((label, headers));
    };

    // An operator creates a tenant: an IAM-authorized route.
    let tenant = d
        .send(
            Request::new("POST", "/admin/v1/tenants")
                .json(&json!({ "name": "Acme", "monthlyInviteLimit": 50 })),
        )
        .await;
    let tenant = expect(&tenant, 201, "POST /admin/v1/tenants (reelview-admin, IAM)");
    let key = tenant["apiKey"].as_str().expect("apiKey").to_string();
    let tenant_id = tenant["tenantId"].as_str().expect("tenantId").to_string();

    // The authorizer resolves the key to the tenant; a wrong key is refused.
    let allowed = d
        .gateway
        .authorize(&Request::new("GET", "/v1/positions").bearer(&key))
        .await
        .expect("the request carries its identity source");
    assert_eq!(
        allowed["isAuthorized"], true,
        "reelview-authorizer with the tenant's key: {allowed}"
    );
    assert_eq!(allowed["context"]["tenantId"], tenant_id.as_str());
    assert_eq!(allowed["context"]["tenantName"], "Acme");
    let denied = d
        .gateway
        .authorize(&Request::new("GET", "/v1/positions").bearer("rv_not-a-key"))
        .await
        .expect("the request carries its identity source");
    assert_eq!(
        denied["isAuthorized"], false,
        "reelview-authorizer with a wrong key: {denied}"
    );
    let refused = d
        .send(Request::new("GET", "/v1/positions").bearer("rv_not-a-key"))
        .await;
    assert_eq!(refused.status, 403, "{}", refused.text());

    // A position with two questions.
    let position = d
        .send(Request::new("POST", "/v1/positions").bearer(&key).json(&json!({
            "name": "Backend Engineer",
            "questions": [
                { "text": "Tell us about a system you built.", "maxAnswerSeconds": 60, "thinkingSeconds": 10, "retakes": 1 },
                { "text": "Why this role?", "maxAnswerSeconds": 60, "thinkingSeconds": 10, "retakes": 0 },
            ],
        })))
        .await;
    let position = expect(&position, 201, "POST /v1/positions (reelview-positions)");
    let position_id = position["id"].as_str().expect("position id").to_string();
    let question = |i: usize| {
        position["questions"][i]["id"]
            .as_str()
            .expect("question id")
            .to_string()
    };
    let (q1, q2) = (question(0), question(1));

    // An invitation: the link is built from the API's domain, and emailed.
    let invited = d
        .send(
            Request::new("POST", &format!("/v1/positions/{position_id}/interviews"))
                .bearer(&key)
                .json(&candidate("ana@example.com")),
        )
        .await;
    let invited = expect(
        &invited,
        201,
        "POST /v1/positions/{positionId}/interviews (reelview-invite)",
    );
    let url = invited["url"].as_str().expect("url").to_string();
    assert!(
        url.starts_with(&format!("https://{domain}/i/")),
        "the candidate link is built from requestContext.domainName ({domain}) when \
         PUBLIC_BASE_URL is empty: {url}"
    );
    assert_eq!(invited["email"]["status"], "sent", "{invited}");
    let interview_id = invited["id"].as_str().expect("interview id").to_string();
    let token = token_of(&url);
    let mail = emulator::sent_mail(&d.aws.mail_from).await;
    let invitation = mail
        .iter()
        .find(|m| m.to.contains("ana@example.com"))
        .unwrap_or_else(|| panic!("no invitation to ana@example.com in SES: {mail:?}"));
    assert!(
        invitation.text.contains(&url) && invitation.html.contains(&url),
        "the email carries the link the API returned ({url}): {}",
        invitation.text
    );

    // The candidate opens the link.
    let session = d
        .send(Request::new("GET", &format!("/v1/candidate/{token}")))
        .await;
    let session = expect(
        &session,
        200,
        "GET /v1/candidate/{token} (reelview-candidate-session)",
    );
    assert_eq!(session["status"], "in_progress", "{session}");
    assert_eq!(session["questionCount"], 2);

    // Question 1: one presigned PUT.
    let answer1 = video(2048, 1);
    let ticket = d
        .send(
            Request::new(
                "POST",
                &format!("/v1/candidate/{token}/answers/{q1}/uploads"),
            )
            .json(&json!({ "contentType": "video/webm", "size": answer1.len() })),
        )
        .await;
    let ticket = expect(&ticket, 201, "POST …/uploads (reelview-answer-upload, PUT)");
    assert_eq!(ticket["method"], "PUT", "{ticket}");
    note_headers("question 1, single PUT".into(), &ticket["headers"]);
    let upload1 = ticket["uploadId"].as_str().expect("uploadId").to_string();
    assert_eq!(
        put(&http, &ticket["url"], &ticket["headers"], answer1.clone()).await,
        200,
        "PUT of question 1 to the presigned URL"
    );
    let done = d
        .send(Request::new(
            "POST",
            &format!("/v1/candidate/{token}/answers/{q1}/uploads/{upload1}/complete"),
        ))
        .await;
    let done = expect(&done, 200, "POST …/complete of question 1");
    assert_eq!(done["answer"]["size"], answer1.len());

    // Question 2: a multipart upload, every part PUT to its own URL.
    let answer2 = video(9 * 1024 * 1024 + 321, 2);
    let ticket = d
        .send(
            Request::new(
                "POST",
                &format!("/v1/candidate/{token}/answers/{q2}/uploads"),
            )
            .json(&json!({ "contentType": "video/mp4", "size": answer2.len(), "multipart": true })),
        )
        .await;
    let ticket = expect(
        &ticket,
        201,
        "POST …/uploads (reelview-answer-upload, multipart)",
    );
    assert_eq!(ticket["method"], "MULTIPART", "{ticket}");
    let upload2 = ticket["uploadId"].as_str().expect("uploadId").to_string();
    let part_size = ticket["partSize"].as_u64().expect("partSize") as usize;
    let parts = ticket["parts"].as_array().expect("parts").clone();
    assert_eq!(parts.len(), answer2.len().div_ceil(part_size), "{ticket}");
    for (i, part) in parts.iter().enumerate() {
        note_headers(
            format!("question 2, multipart part {}", part["partNumber"]),
            &part["headers"],
        );
        let start = i * part_size;
        let bytes = answer2[start..(start + part_size).min(answer2.len())].to_vec();
        assert_eq!(
            put(&http, &part["url"], &part["headers"], bytes).await,
            200,
            "PUT of part {} to its presigned URL",
            part["partNumber"]
        );
    }
    let done = d
        .send(Request::new(
            "POST",
            &format!("/v1/candidate/{token}/answers/{q2}/uploads/{upload2}/complete"),
        ))
        .await;
    let done = expect(&done, 200, "POST …/complete of question 2 (multipart)");
    assert_eq!(done["answer"]["size"], answer2.len());

    // Submit, then the recruiter reads the interview back.
    let submitted = d
        .send(Request::new(
            "POST",
            &format!("/v1/candidate/{token}/submit"),
        ))
        .await;
    let submitted = expect(
        &submitted,
        200,
        "POST /v1/candidate/{token}/submit (reelview-candidate-session)",
    );
    assert_eq!(submitted["status"], "completed", "{submitted}");
    let read = d
        .send(Request::new("GET", &format!("/v1/interviews/{interview_id}")).bearer(&key))
        .await;
    let read = expect(
        &read,
        200,
        "GET /v1/interviews/{interviewId} (reelview-interviews)",
    );
    assert_eq!(read["status"], "completed", "{read}");
    let answers = read["answers"].as_array().expect("answers");
    assert_eq!(answers.len(), 2, "{read}");
    for (q, upload, size) in [
        (&q1, &upload1, answer1.len()),
        (&q2, &upload2, answer2.len()),
    ] {
        let answer = answers
            .iter()
            .find(|a| a["questionId"] == q.as_str())
            .unwrap_or_else(|| panic!("no answer to {q}: {read}"));
        assert_eq!(answer["uploadId"], upload.as_str());
        assert_eq!(answer["size"], size);
    }

    // The candidate page and one of its assets.
    let page = d.send(Request::new("GET", &format!("/i/{token}"))).await;
    expect(&page, 200, "GET /i/{token} (reelview-candidate-page)");
    assert!(
        page.header("content-type").starts_with("text/html"),
        "{:?}",
        page.headers
    );
    assert!(
        page.header("content-security-policy")
            .contains("script-src 'self'"),
        "{:?}",
        page.headers
    );
    assert!(page.text().contains("/assets/candidate.js"));
    let script = d.send(Request::new("GET", "/assets/candidate.js")).await;
    expect(
        &script,
        200,
        "GET /assets/{asset} (reelview-candidate-page)",
    );
    assert!(
        script.header("content-type").contains("javascript"),
        "{:?}",
        script.headers
    );
    assert!(!script.body.is_empty());

    // Who the console is signed in as: the key's label and team, from the authorizer's context.
    let me = d.send(Request::new("GET", "/v1/me").bearer(&key)).await;
    let me = expect(&me, 200, "GET /v1/me (reelview-api-keys)");
    assert!(me["key"]["label"].is_string(), "{me}");
    assert_eq!(me["tenant"]["name"], "Acme", "{me}");

    // The recruiter console's shell and one of its fingerprinted assets.
    let console = d.send(Request::new("GET", "/app/positions/new")).await;
    expect(&console, 200, "GET /app/{proxy+} (reelview-console)");
    assert_eq!(console.header("cache-control"), "no-cache");
    let shell = console.text();
    let assets = shell
        .split('"')
        .find(|s| s.starts_with("/app/assets/") && s.ends_with("/app.js"))
        .unwrap_or_else(|| panic!("the shell names app.js: {shell}"))
        .to_string();
    let app = d.send(Request::new("GET", &assets)).await;
    expect(&app, 200, "GET /app/{proxy+} (reelview-console)");
    assert_eq!(
        app.header("cache-control"),
        "public, max-age=31536000, immutable"
    );
    assert!(app.header("content-type").contains("javascript"));

    // A browser uploads only if the bucket's CORS rule allows every header it sends.
    let allowed = template::video_bucket_cors_allowed_headers(&d.template);
    let refused: Vec<String> = ticket_headers
        .iter()
        .flat_map(|(ticket, headers)| {
            headers
                .iter()
                .filter(|(name, _)| !template::cors_allows_header(&allowed, name))
                .map(move |(name, value)| format!("{ticket}: {name}: {value}"))
        })
        .collect();
    assert!(
        refused.is_empty(),
        "upload tickets tell the browser to send headers that the VideoBucket CORS rule in \
         infra/template.yaml does not allow (AllowedHeaders {allowed:?}), so the preflight \
         fails and no recording reaches S3:\n  {}\nUnder Lambda the AWS SDK's \
         recursion-detection interceptor adds x-amzn-trace-id (from _X_AMZN_TRACE_ID) to \
         every request, presigned ones included; shared/src/aws/s3.rs must hand out only the \
         headers the browser has to send.",
        refused.join("\n  ")
    );
}

/// A tenant, a two-question position and one candidate who answered both questions (the
/// first with one presigned PUT, the second in a multipart upload) and submitted, all through
/// the deployed functions.
struct Completed {
    /// The tenant's first API key (label `first key`).
    key: String,
    tenant_id: String,
    position: Value,
    interview_id: String,
    /// Each answer in the position's order: question id, content type, the uploaded bytes.
    recordings: Vec<(String, &'static str, Vec<u8>)>,
}

/// Uploads one answer the way the candidate page does and confirms it.
async fn answer(
    d: &Deployment,
    http: &reqwest::Client,
    token: &str,
    question: &str,
    content_type: &str,
    bytes: &[u8],
    multipart: bool,
) {
    let mut body = json!({ "contentType": content_type, "size": bytes.len() });
    if multipart {
        body["multipart"] = json!(true);
    }
    let uploads = format!("/v1/candidate/{token}/answers/{question}/uploads");
    let ticket = d.send(Request::new("POST", &uploads).json(&body)).await;
    let ticket = expect(&ticket, 201, "POST …/uploads (reelview-answer-upload)");
    let upload = ticket["uploadId"].as_str().expect("uploadId").to_string();
    if multipart {
        assert_eq!(ticket["method"], "MULTIPART", "{ticket}");
        let part_size = ticket["partSize"].as_u64().expect("partSize") as usize;
        for (i, part) in ticket["parts"]
            .as_array()
            .expect("parts")
            .iter()
            .enumerate()
        {
            let start = i * part_size;
            let chunk = bytes[start..(start + part_size).min(bytes.len())].to_vec();
            assert_eq!(
                put(http, &part["url"], &part["headers"], chunk).await,
                200,
                "PUT of part {} to its presigned URL",
                part["partNumber"]
            );
        }
    } else {
        assert_eq!(ticket["method"], "PUT", "{ticket}");
        assert_eq!(
            put(http, &ticket["url"], &ticket["headers"], bytes.to_vec()).await,
            200,
            "PUT of the answer to {question} to its presigned URL"
        );
    }
    let done = d
        .send(Request::new(
            "POST",
            &format!("{uploads}/{upload}/complete"),
        ))
        .await;
    let done = expect(&done, 200, "POST …/complete (reelview-answer-upload)");
    assert_eq!(done["answer"]["size"], bytes.len(), "{done}");
}

async fn completed_interview(d: &Deployment, http: &reqwest::Client) -> Completed {
    let tenant = d
        .send(
            Request::new("POST", "/admin/v1/tenants")
                .json(&json!({ "name": "Acme", "monthlyInviteLimit": 50 })),
        )
        .await;
    let tenant = expect(&tenant, 201, "POST /admin/v1/tenants (reelview-admin)");
    let key = tenant["apiKey"].as_str().expect("apiKey").to_string();
    let tenant_id = tenant["tenantId"].as_str().expect("tenantId").to_string();
    let position = d
        .send(Request::new("POST", "/v1/positions").bearer(&key).json(&json!({
            "name": "Backend Engineer",
            "questions": [
                { "text": "Tell us about a system you built.", "maxAnswerSeconds": 60, "thinkingSeconds": 10, "retakes": 1 },
                { "text": "Why this role?", "maxAnswerSeconds": 60, "thinkingSeconds": 10, "retakes": 0 },
            ],
        })))
        .await;
    let position = expect(&position, 201, "POST /v1/positions (reelview-positions)");
    let position_id = position["id"].as_str().expect("position id");
    let invited = d
        .send(
            Request::new("POST", &format!("/v1/positions/{position_id}/interviews"))
                .bearer(&key)
                .json(&candidate("ana@example.com")),
        )
        .await;
    let invited = expect(&invited, 201, "POST …/interviews (reelview-invite)");
    let interview_id = invited["id"].as_str().expect("interview id").to_string();
    let token = token_of(invited["url"].as_str().expect("url"));
    let session = d
        .send(Request::new("GET", &format!("/v1/candidate/{token}")))
        .await;
    expect(&session, 200, "GET /v1/candidate/{token}");

    let question = |i: usize| {
        position["questions"][i]["id"]
            .as_str()
            .expect("question id")
            .to_string()
    };
    let recordings = vec![
        (question(0), "video/webm", video(3000, 7)),
        (question(1), "video/mp4", video(6 * 1024 * 1024 + 77, 8)),
    ];
    for (i, (question, content_type, bytes)) in recordings.iter().enumerate() {
        answer(d, http, &token, question, content_type, bytes, i == 1).await;
    }
    let submitted = d
        .send(Request::new(
            "POST",
            &format!("/v1/candidate/{token}/submit"),
        ))
        .await;
    let submitted = expect(&submitted, 200, "POST /v1/candidate/{token}/submit");
    assert_eq!(submitted["status"], "completed", "{submitted}");
    Completed {
        key,
        tenant_id,
        position,
        interview_id,
        recordings,
    }
}

/// What a GET of a playback URL returned.
struct Played {
    status: u16,
    content_type: String,
    content_range: Option<String>,
    bytes: Vec<u8>,
}

/// GETs a presigned playback URL straight from the bucket, as a browser's `<video>` does
/// (optionally one byte range).
async fn play(http: &reqwest::Client, url: &str, range: Option<&str>) -> Played {
    let mut request = http.get(url);
    if let Some(range) = range {
        request = request.header("range", range);
    }
    let response = request.send().await.expect("the bucket answers");
    let header = |name: &str| {
        response
            .headers()
            .get(name)
            .map(|v| v.to_str().expect("header text").to_string())
    };
    Played {
        status: response.status().as_u16(),
        content_type: header("content-type").unwrap_or_default(),
        content_range: header("content-range"),
        bytes: response.bytes().await.expect("body").to_vec(),
    }
}

/// How long a presigned URL says it is valid, in seconds (`X-Amz-Expires`).
fn validity_seconds(url: &str) -> i64 {
    let url = reqwest::Url::parse(url).unwrap_or_else(|e| panic!("{url} is no URL: {e}"));
    url.query_pairs()
        .find(|(k, _)| k == "X-Amz-Expires")
        .and_then(|(_, v)| v.parse().ok())
        .unwrap_or_else(|| panic!("no X-Amz-Expires in the presigned URL {url}"))
}

/// Asserts a problem+json answer with its `code`.
fn expect_problem(response: &Response, status: u16, code: &str, step: &str) {
    let body = expect(response, status, step);
    assert_eq!(
        response.header("content-type"),
        "application/problem+json",
        "{step}: {:?}",
        response.headers
    );
    assert_eq!(body["code"], code, "{step}: {body}");
}

/// Asserts the headers of the share page, valid or not.
fn assert_share_page_headers(page: &Response, step: &str) {
    assert!(
        page.header("content-type").starts_with("text/html"),
        "{step}: {:?}",
        page.headers
    );
    assert!(
        page.header("content-security-policy")
            .contains("script-src 'self'"),
        "{step}: a Content-Security-Policy limiting scripts to the page's own: {:?}",
        page.headers
    );
    assert_eq!(
        page.header("x-robots-tag"),
        "noindex, nofollow",
        "{step}: {:?}",
        page.headers
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn an_interview_is_reviewed_commented_and_shared_through_the_deployed_functions() {
    let d = Deployment::start().await;
    let domain = d.gateway.api.domain_name();
    let http = reqwest::Client::new();
    let c = completed_interview(&d, &http).await;
    let key = c.key.as_str();
    let interview = format!("/v1/interviews/{}", c.interview_id);

    // 1. The results through reelview-interviews: every answer playable from the bucket.
    let results = d.send(Request::new("GET", &interview).bearer(key)).await;
    let results = expect(
        &results,
        200,
        "GET /v1/interviews/{interviewId} (reelview-interviews)",
    );
    assert_eq!(results["status"], "completed", "{results}");
    assert_eq!(results["stage"], "to_evaluate", "{results}");
    assert!(results["score"].is_null(), "no score yet: {results}");
    let kinds: Vec<&str> = results["timeline"]
        .as_array()
        .unwrap_or_else(|| panic!("a timeline: {results}"))
        .iter()
        .map(|e| e["kind"].as_str().unwrap_or_default())
        .collect();
    assert_eq!(
        kinds,
        ["invited", "email_sent", "started", "completed"],
        "{results}"
    );
    let questions: Vec<Value> = c.position["questions"]
        .as_array()
        .expect("questions")
        .iter()
        .map(|q| json!({ "id": q["id"], "text": q["text"], "kind": "video", "answered": true }))
        .collect();
    assert_eq!(results["questions"], json!(questions), "{results}");
    let answers = results["answers"].as_array().expect("answers");
    assert_eq!(answers.len(), c.recordings.len(), "{results}");
    for (question, content_type, bytes) in &c.recordings {
        let answer = answers
            .iter()
            .find(|a| a["questionId"] == question.as_str())
            .unwrap_or_else(|| panic!("no answer to {question}: {results}"));
        assert_eq!(answer["contentType"], *content_type, "{answer}");
        assert_eq!(answer["size"], bytes.len(), "{answer}");
        let url = answer["playbackUrl"]
            .as_str()
            .unwrap_or_else(|| panic!("the answer to {question} has no playbackUrl: {answer}"));
        assert!(
            (1..=3600).contains(&validity_seconds(url)),
            "a playback URL is valid at most an hour: {url}"
        );
        let full = play(&http, url, None).await;
        assert_eq!(full.status, 200, "GET of the playback URL {url}");
        assert!(
            full.bytes == *bytes,
            "the playback URL of {question} returns the uploaded bytes ({} bytes back, {} \
             uploaded)",
            full.bytes.len(),
            bytes.len()
        );
        assert_eq!(
            full.content_type, *content_type,
            "S3 serves the answer as its content type"
        );
        let part = play(&http, url, Some("bytes=0-9")).await;
        assert_eq!(part.status, 206, "a byte range of {url} is partial content");
        assert_eq!(part.bytes, bytes[..10], "the first ten bytes");
        assert_eq!(
            part.content_range.as_deref(),
            Some(format!("bytes 0-9/{}", bytes.len()).as_str())
        );
    }

    // A score and a stage, set and read back.
    let scored = d
        .send(
            Request::new("PUT", &format!("{interview}/score"))
                .bearer(key)
                .json(&json!({ "score": 4.5 })),
        )
        .await;
    let scored = expect(&scored, 200, "PUT …/score (reelview-interviews)");
    assert_eq!(scored["score"].as_f64(), Some(4.5), "{scored}");
    let staged = d
        .send(
            Request::new("POST", &format!("{interview}/stage"))
                .bearer(key)
                .json(&json!({ "stage": "shortlisted" })),
        )
        .await;
    let staged = expect(&staged, 200, "POST …/stage (reelview-interviews)");
    assert_eq!(staged["stage"], "shortlisted", "{staged}");
    let reviewed = d.send(Request::new("GET", &interview).bearer(key)).await;
    let reviewed = expect(&reviewed, 200, "GET /v1/interviews/{interviewId} again");
    assert_eq!(reviewed["score"].as_f64(), Some(4.5), "{reviewed}");
    assert_eq!(reviewed["stage"], "shortlisted", "{reviewed}");

    // 3. A second key, with a label, through reelview-api-keys: shown once.
    let label = "Rui (reviewer)";
    let created = d
        .send(
            Request::new("POST", "/v1/api-keys")
                .bearer(key)
                .json(&json!({ "label": label })),
        )
        .await;
    let created = expect(&created, 201, "POST /v1/api-keys (reelview-api-keys)");
    let reviewer = created["apiKey"]
        .as_str()
        .unwrap_or_else(|| panic!("the new key is shown: {created}"))
        .to_string();
    let reviewer_id = created["keyId"].as_str().expect("keyId").to_string();
    let prefix = created["prefix"].as_str().expect("prefix");
    assert_eq!(created["label"], label, "{created}");
    assert!(
        prefix.starts_with("rv_live_") && prefix.len() > "rv_live_".len(),
        "the prefix is the scheme and a few characters: {created}"
    );
    assert!(
        reviewer.starts_with(prefix) && reviewer.len() > prefix.len() + 16,
        "the prefix is the start of the key: {created}"
    );
    assert_ne!(reviewer, key);

    // The authorizer resolves either key to the tenant, with the key's id and label.
    let context_of = |bearer: String| {
        let gateway = &d.gateway;
        async move {
            gateway
                .authorize(&Request::new("GET", "/v1/positions").bearer(&bearer))
                .await
                .expect("the request carries its identity source")
        }
    };
    let as_reviewer = context_of(reviewer.clone()).await;
    assert_eq!(as_reviewer["isAuthorized"], true, "{as_reviewer}");
    let context = &as_reviewer["context"];
    assert_eq!(context["tenantId"], c.tenant_id.as_str(), "{as_reviewer}");
    assert_eq!(context["keyId"], reviewer_id.as_str(), "{as_reviewer}");
    assert_eq!(context["keyLabel"], label, "{as_reviewer}");
    let as_first = context_of(key.to_string()).await;
    assert_eq!(as_first["isAuthorized"], true, "{as_first}");
    assert_eq!(as_first["context"]["keyLabel"], "first key", "{as_first}");
    let first_id = as_first["context"]["keyId"]
        .as_str()
        .filter(|id| !id.is_empty())
        .unwrap_or_else(|| panic!("the authorizer names the first key: {as_first}"))
        .to_string();

    // 2. Comments through reelview-comments, signed by the label the authorizer gave.
    let comments = format!("{interview}/comments");
    let text = "Clear structure; strong on distributed systems.";
    let comment = d
        .send(
            Request::new("POST", &comments)
                .bearer(&reviewer)
                .json(&json!({ "text": text })),
        )
        .await;
    let comment = expect(
        &comment,
        201,
        "POST …/comments with the second key (reelview-comments)",
    );
    assert_eq!(
        comment["author"], context["keyLabel"],
        "a comment is signed by the keyLabel the authorizer put in the context: {comment}"
    );
    assert_eq!(comment["text"], text, "{comment}");
    let comment_id = comment["id"].as_str().expect("comment id").to_string();
    let own = d
        .send(
            Request::new("POST", &comments)
                .bearer(key)
                .json(&json!({ "text": "Agreed." })),
        )
        .await;
    let own = expect(&own, 201, "POST …/comments with the first key");
    assert_eq!(own["author"], "first key", "{own}");

    let listed = d.send(Request::new("GET", &comments).bearer(key)).await;
    let listed = expect(&listed, 200, "GET …/comments (reelview-comments)");
    let items = listed["items"].as_array().expect("items");
    assert_eq!(items.len(), 2, "{listed}");
    let listed_comment = items
        .iter()
        .find(|i| i["id"] == comment_id.as_str())
        .unwrap_or_else(|| panic!("the reviewer's comment is listed: {listed}"));
    assert_eq!(listed_comment, &comment, "listed as created");

    let one = format!("{comments}/{comment_id}");
    let refused = d.send(Request::new("DELETE", &one).bearer(key)).await;
    expect_problem(
        &refused,
        403,
        "comment_author_only",
        "DELETE of the reviewer's comment with the first key",
    );
    let deleted = d.send(Request::new("DELETE", &one).bearer(&reviewer)).await;
    assert_eq!(
        deleted.status,
        204,
        "DELETE of the reviewer's comment with the reviewer's key: {}",
        deleted.text()
    );
    let left = d.send(Request::new("GET", &comments).bearer(key)).await;
    let left = expect(&left, 200, "GET …/comments after the delete");
    assert_eq!(left["items"], json!([own]), "{left}");

    // 3. The keys listed: no secret, nor its hash, anywhere; the authorizer noted each use.
    let keys = d
        .send(Request::new("GET", "/v1/api-keys").bearer(key))
        .await;
    let keys = expect(&keys, 200, "GET /v1/api-keys (reelview-api-keys)");
    let text = keys.to_string();
    for secret in [key, reviewer.as_str()] {
        let hash = reelview::domain::SecretHash::of(secret);
        assert!(
            !text.contains(secret) && !text.contains(hash.as_str()),
            "a key or its hash in the list of keys: {text}"
        );
    }
    for leaked in ["apiKey", "keyHash", "secret"] {
        assert!(
            !text.contains(leaked),
            "{leaked} in the list of keys: {text}"
        );
    }
    let items = keys["items"].as_array().expect("items");
    let ids: Vec<&str> = items.iter().filter_map(|k| k["keyId"].as_str()).collect();
    assert_eq!(ids, [first_id.as_str(), reviewer_id.as_str()], "{keys}");
    let reviewer_item = &items[1];
    assert_eq!(reviewer_item["label"], label, "{keys}");
    assert_eq!(reviewer_item["prefix"], prefix, "{keys}");
    assert!(
        reviewer_item["lastUsedAt"].is_string(),
        "the authorizer records a key's last use: {keys}"
    );

    // Revoked: the authorizer refuses the key from then on; the other one still works.
    let revoked = d
        .send(Request::new("DELETE", &format!("/v1/api-keys/{reviewer_id}")).bearer(key))
        .await;
    assert_eq!(
        revoked.status,
        204,
        "DELETE /v1/api-keys/{{keyId}}: {}",
        revoked.text()
    );
    let refused = context_of(reviewer.clone()).await;
    assert_eq!(
        refused["isAuthorized"], false,
        "reelview-authorizer with a revoked key: {refused}"
    );
    let through = d
        .send(Request::new("GET", &interview).bearer(&reviewer))
        .await;
    assert_eq!(through.status, 403, "{}", through.text());
    assert_eq!(context_of(key.to_string()).await["isAuthorized"], true);
    let again = d
        .send(Request::new("DELETE", &format!("/v1/api-keys/{reviewer_id}")).bearer(key))
        .await;
    expect_problem(&again, 404, "api_key_not_found", "a second revocation");
    let keys = d
        .send(Request::new("GET", "/v1/api-keys").bearer(key))
        .await;
    let keys = expect(&keys, 200, "GET /v1/api-keys after the revocation");
    assert_eq!(
        keys["items"].as_array().map(Vec::len),
        Some(1),
        "only the first key is left: {keys}"
    );

    // 4. A share link through reelview-share, built from the API's domain.
    let shares = format!("{interview}/shares");
    let share = d
        .send(Request::new("POST", &shares).bearer(key).json(&json!({})))
        .await;
    let share = expect(&share, 201, "POST …/shares (reelview-share)");
    let url = share["url"].as_str().expect("share url");
    let token = token_of(url);
    assert_eq!(
        url,
        format!("https://{domain}/s/{token}"),
        "the share link is built from requestContext.domainName when PUBLIC_BASE_URL is empty"
    );
    assert_eq!(share["hideContact"], true, "{share}");
    let share_id = share["shareId"].as_str().expect("shareId").to_string();
    let listed = d.send(Request::new("GET", &shares).bearer(key)).await;
    let listed = expect(&listed, 200, "GET …/shares (reelview-share)");
    assert_eq!(
        listed["items"].as_array().map(Vec::len),
        Some(1),
        "{listed}"
    );
    assert!(
        !listed.to_string().contains(&token),
        "a token in the list: {listed}"
    );

    // The public view: no Authorization, no authorizer; contact hidden; answers playable.
    let public = Request::new("GET", &format!("/v1/shares/{token}"));
    let (route, _) = d
        .gateway
        .route(&public)
        .expect("a route for /v1/shares/{token}");
    assert_eq!(route.function, "reelview-share");
    assert_eq!(
        route.auth,
        RouteAuth::None,
        "the share view is public: no authorizer context"
    );
    let view = d.send(public.clone()).await;
    let view = expect(
        &view,
        200,
        "GET /v1/shares/{token} (reelview-share, public)",
    );
    assert_eq!(
        view["candidate"],
        json!({ "firstName": "Ana", "lastName": "Silva" }),
        "no contact details when hidden: {view}"
    );
    assert!(!view.to_string().contains("ana@example.com"), "{view}");
    assert_eq!(view["score"].as_f64(), Some(4.5), "{view}");
    assert_eq!(view["stage"], "shortlisted", "{view}");
    let shared = view["questions"].as_array().expect("questions");
    assert_eq!(shared.len(), c.recordings.len(), "{view}");
    for (question, content_type, bytes) in &c.recordings {
        let q = shared
            .iter()
            .find(|q| q["id"] == question.as_str())
            .unwrap_or_else(|| panic!("{question} is not shared: {view}"));
        assert_eq!(q["answer"]["contentType"], *content_type, "{q}");
        let playback = q["answer"]["playbackUrl"]
            .as_str()
            .unwrap_or_else(|| panic!("no playbackUrl on the shared answer: {q}"));
        assert!(
            (1..=3600).contains(&validity_seconds(playback)),
            "{playback}"
        );
        let played = play(&http, playback, None).await;
        assert_eq!(played.status, 200, "GET of the shared playback URL");
        assert!(
            played.bytes == *bytes,
            "the shared playback URL of {question} returns the uploaded bytes"
        );
    }
    let page = d.send(Request::new("GET", &format!("/s/{token}"))).await;
    assert_eq!(page.status, 200, "GET /s/{{token}}: {}", page.text());
    assert_share_page_headers(&page, "GET /s/{token} (reelview-share)");
    assert!(
        !page.text().contains("Ana"),
        "the page is a shell, no candidate data in the HTML"
    );

    // Revoked: both say 404.
    let revoked = d
        .send(Request::new("DELETE", &format!("{shares}/{share_id}")).bearer(key))
        .await;
    assert_eq!(
        revoked.status,
        204,
        "DELETE …/shares/{{shareId}}: {}",
        revoked.text()
    );
    let view = d.send(public).await;
    expect_problem(
        &view,
        404,
        "share_not_found",
        "GET /v1/shares/{token} once revoked",
    );
    let page = d.send(Request::new("GET", &format!("/s/{token}"))).await;
    assert_eq!(
        page.status,
        404,
        "GET /s/{{token}} once revoked: {}",
        page.text()
    );
    assert_share_page_headers(&page, "GET /s/{token} once revoked");
}

/// A key lookup that fails (here: the table is not there) makes the authorizer fail, which API
/// Gateway answers with a 500 and does not cache; a denial would lock the tenant out for the
/// authorizer's cache time. An unknown key on a readable table is still a plain denial.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_authorizer_that_cannot_read_the_table_fails_instead_of_denying() {
    let template = template::template();
    let authorizer = template::functions(&template)
        .into_iter()
        .find(|f| f.binary == "reelview-authorizer")
        .expect("the authorizer is in the template");
    let aws = Resources::create(true).await;
    let events = template::http_events(&template);
    let route = events
        .iter()
        .find(|e| e.method == "GET" && e.path == "/v1/positions")
        .expect("GET /v1/positions");
    let key = format!("rv_live_{}", "A".repeat(43));
    let request = Request::new("GET", "/v1/positions").bearer(&key);
    let event = reelview_tests::apigw::authorizer_event(
        &Api::default(),
        route,
        &BTreeMap::new(),
        &request,
        &format!("Bearer {key}"),
    );

    let timeout = std::time::Duration::from_secs(authorizer.timeout_seconds);
    let mut broken = environment(&authorizer, &aws);
    for (name, value) in broken.iter_mut() {
        if name == "REELVIEW_TABLE" {
            *value = "no-such-table".into();
        }
    }
    let process = LambdaProcess::start(
        &authorizer.binary,
        "reelview-Authorizer-T3ST",
        256,
        timeout,
        &broken,
    )
    .await;
    process.ready().await.expect("the authorizer starts");
    let outcome = process.try_invoke(&event).await;
    assert!(
        outcome.is_err(),
        "a failed lookup must fail the invocation, not deny: {outcome:?}"
    );

    let healthy = LambdaProcess::start(
        &authorizer.binary,
        "reelview-Authorizer-T3ST2",
        256,
        timeout,
        &environment(&authorizer, &aws),
    )
    .await;
    healthy.ready().await.expect("the authorizer starts");
    let denied = healthy.invoke(&event).await;
    assert_eq!(denied["isAuthorized"], false, "{denied}");
}

/// A position's life through the deployed functions: an edit, the counts in the listing, a
/// deletion that is gone at once, and the scheduled purge function finishing what is left
/// (recordings included).
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_position_is_edited_counted_deleted_and_purged_through_the_deployed_functions() {
    let d = Deployment::start().await;
    let http = reqwest::Client::new();
    let c = completed_interview(&d, &http).await;
    let key = c.key.as_str();
    let position_id = c.position["id"].as_str().expect("position id");
    let position = format!("/v1/positions/{position_id}");

    let edited = d
        .send(
            Request::new("PATCH", &position)
                .bearer(key)
                .json(&json!({ "name": "Staff Engineer" })),
        )
        .await;
    let edited = expect(
        &edited,
        200,
        "PATCH /v1/positions/{positionId} (reelview-positions)",
    );
    assert_eq!(edited["name"], "Staff Engineer");

    let listed = d
        .send(Request::new("GET", "/v1/positions").bearer(key))
        .await;
    let listed = expect(&listed, 200, "GET /v1/positions (reelview-positions)");
    assert_eq!(listed["items"][0]["counts"]["completed"], 1, "{listed}");
    assert_eq!(listed["items"][0]["questionCount"], 2, "{listed}");

    let deleted = d.send(Request::new("DELETE", &position).bearer(key)).await;
    expect(
        &deleted,
        202,
        "DELETE /v1/positions/{positionId} (reelview-positions)",
    );
    let gone = d.send(Request::new("GET", &position).bearer(key)).await;
    expect(&gone, 404, "the deleted position");

    // The scheduled function finishes the purge (the deleting request may have done it).
    let purge = d.gateway.function("reelview-purge");
    let scheduled = json!({
        "version": "0",
        "detail-type": "Scheduled Event",
        "source": "aws.scheduler",
        "detail": {},
    });
    let mut waiting = purge.invoke(&scheduled).await;
    for _ in 0..20 {
        if waiting["waiting"] == 0 {
            break;
        }
        waiting = purge.invoke(&scheduled).await;
    }
    assert_eq!(waiting["waiting"], 0, "{waiting}");
    let interview = d
        .send(Request::new("GET", &format!("/v1/interviews/{}", c.interview_id)).bearer(key))
        .await;
    expect(&interview, 404, "the purged interview");
    let objects = emulator::s3_client()
        .await
        .list_objects_v2()
        .bucket(&d.aws.bucket)
        .prefix(&c.tenant_id)
        .send()
        .await
        .expect("list the bucket");
    assert!(
        objects.contents().is_empty(),
        "recordings left behind: {:?}",
        objects.contents()
    );
}

/// The tenant's objects in the bucket (answers and staged uploads alike).
async fn objects_of(d: &Deployment, tenant_id: &str) -> Vec<String> {
    let client = emulator::s3_client().await;
    let mut keys = Vec::new();
    for prefix in [tenant_id.to_string(), format!("pending/{tenant_id}")] {
        let listed = client
            .list_objects_v2()
            .bucket(&d.aws.bucket)
            .prefix(prefix)
            .send()
            .await
            .expect("list the bucket");
        keys.extend(
            listed
                .contents()
                .iter()
                .filter_map(|o| o.key().map(str::to_string)),
        );
    }
    keys
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_interview_is_resent_reopened_extended_and_deleted_through_the_deployed_functions() {
    let d = Deployment::start().await;
    let http = reqwest::Client::new();
    let c = completed_interview(&d, &http).await;
    let key = c.key.as_str();
    let interview = format!("/v1/interviews/{}", c.interview_id);
    assert_eq!(
        objects_of(&d, &c.tenant_id).await.len(),
        2,
        "two answers, nothing left staged"
    );

    let resend = || Request::new("POST", &format!("{interview}/resend")).bearer(key);
    expect_problem(
        &d.send(resend()).await,
        409,
        "interview_completed",
        "POST …/resend of a completed interview (reelview-resend)",
    );

    let (question, _, _) = &c.recordings[0];
    let reopened = d
        .send(Request::new("DELETE", &format!("{interview}/answers/{question}")).bearer(key))
        .await;
    let reopened = expect(
        &reopened,
        200,
        "DELETE …/answers/{questionId} (reelview-interviews)",
    );
    assert_eq!(reopened["status"], "in_progress", "{reopened}");
    assert_eq!(
        objects_of(&d, &c.tenant_id).await.len(),
        1,
        "the removed answer's video is gone"
    );

    let mails_before = emulator::sent_mail(&d.aws.mail_from).await.len();
    let resent = expect(
        &d.send(resend()).await,
        200,
        "POST …/resend (reelview-resend)",
    );
    assert_eq!(resent["email"]["status"], "sent", "{resent}");
    assert_eq!(
        emulator::sent_mail(&d.aws.mail_from).await.len(),
        mails_before + 1
    );
    let limited = d.send(resend()).await;
    expect_problem(
        &limited,
        429,
        "resend_rate_limited",
        "a second resend within ten minutes (reelview-resend)",
    );
    assert!(
        !limited.header("retry-after").is_empty(),
        "{:?}",
        limited.headers
    );

    let deadline = (chrono::Utc::now() + chrono::Duration::days(3)).to_rfc3339();
    let extended = d
        .send(
            Request::new("PUT", &format!("{interview}/deadline"))
                .bearer(key)
                .json(&json!({ "deadline": deadline })),
        )
        .await;
    let extended = expect(&extended, 200, "PUT …/deadline (reelview-interviews)");
    assert!(!extended["deadline"].is_null(), "{extended}");

    let deleted = d.send(Request::new("DELETE", &interview).bearer(key)).await;
    expect(
        &deleted,
        204,
        "DELETE /v1/interviews/{interviewId} (reelview-interviews)",
    );
    expect(
        &d.send(Request::new("GET", &interview).bearer(key)).await,
        404,
        "the deleted interview",
    );
    assert_eq!(objects_of(&d, &c.tenant_id).await, Vec::<String>::new());
}

/// An SES event record as the configuration set's SNS topic delivers it to a Lambda function:
/// the record is the text of `Message`.
fn sns_event(ses_record: &Value) -> Value {
    json!({
        "Records": [{
            "EventSource": "aws:sns",
            "EventVersion": "1.0",
            "EventSubscriptionArn": "arn:aws:sns:us-east-1:123456789012:reelview-MailEventsTopic-T3ST:5b2c1e7a-8f3d-4c6b-9a1e-2d3f4a5b6c7d",
            "Sns": {
                "Type": "Notification",
                "MessageId": uuid::Uuid::new_v4().to_string(),
                "TopicArn": "arn:aws:sns:us-east-1:123456789012:reelview-MailEventsTopic-T3ST",
                "Subject": null,
                "Message": ses_record.to_string(),
                "Timestamp": "2026-03-02T10:15:04.812Z",
                "SignatureVersion": "1",
                "Signature": "EXAMPLE",
                "SigningCertUrl": "https://sns.us-east-1.amazonaws.com/SimpleNotificationService-0000000000000000000000.pem",
                "UnsubscribeUrl": "https://sns.us-east-1.amazonaws.com/?Action=Unsubscribe",
                "MessageAttributes": {}
            }
        }]
    })
}

/// Email delivery tracking as deployed: the invitation goes out through the configuration set,
/// tagged with its interview; SES's report of a hard bounce reaches reelview-email-events
/// through SNS (twice, as SNS may deliver it), is recorded on the interview once, and stops
/// further email to the address for the tenant: a resend is answered, not emailed.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_bounce_reported_by_ses_is_recorded_and_stops_email_to_the_address() {
    let d = Deployment::start().await;
    let tenant = d
        .send(Request::new("POST", "/admin/v1/tenants").json(&json!({ "name": "Acme" })))
        .await;
    let tenant = expect(&tenant, 201, "POST /admin/v1/tenants (reelview-admin)");
    let key = tenant["apiKey"].as_str().expect("apiKey").to_string();
    let tenant_id = tenant["tenantId"].as_str().expect("tenantId").to_string();
    let position = d
        .send(
            Request::new("POST", "/v1/positions")
                .bearer(&key)
                .json(&json!({
                    "name": "Backend Engineer",
                    "questions": [{ "text": "Why this role?" }],
                })),
        )
        .await;
    let position = expect(&position, 201, "POST /v1/positions (reelview-positions)");
    let position_id = position["id"].as_str().expect("position id");
    let invited = d
        .send(
            Request::new("POST", &format!("/v1/positions/{position_id}/interviews"))
                .bearer(&key)
                .json(&candidate("Bea.Costa@example.com")),
        )
        .await;
    let invited = expect(&invited, 201, "POST …/interviews (reelview-invite)");
    assert_eq!(invited["email"]["status"], "sent", "{invited}");
    let interview_id = invited["id"].as_str().expect("interview id").to_string();

    // What SES accepted: sent with the deployment's configuration set, tagged with the
    // interview, so every event of the message names it.
    let sent = emulator::sent_mail(&d.aws.mail_from).await;
    assert_eq!(sent.len(), 1, "{sent:?}");
    let invitation = &sent[0];
    assert_eq!(
        invitation.configuration_set.as_deref(),
        Some(d.aws.mail_configuration_set.as_str()),
        "reelview-invite sends with REELVIEW_MAIL_CONFIGURATION_SET"
    );
    assert_eq!(
        invitation.about,
        Some((tenant_id.clone(), interview_id.clone())),
        "the message tags name the interview"
    );
    let message_id = invitation.message_id.clone().expect("SES message id");

    // SES's Bounce record (the documented shape), about that message, with its tags.
    let mut bounce: Value = serde_json::from_str(include_str!(
        "../shared/src/aws/fixtures/ses/bounce-permanent.json"
    ))
    .expect("the bounce fixture");
    bounce["bounce"]["bouncedRecipients"][0]["emailAddress"] = json!("Bea.Costa@example.com");
    bounce["mail"]["messageId"] = json!(message_id);
    bounce["mail"]["source"] = json!(d.aws.mail_from);
    bounce["mail"]["destination"] = json!(["Bea.Costa@example.com"]);
    bounce["mail"]["tags"] = json!({
        "ses:configuration-set": [d.aws.mail_configuration_set],
        "ses:from-domain": ["reelview.test"],
        "reelview-tenant": [tenant_id],
        "reelview-interview": [interview_id],
    });
    let told_before = new_item_records(&d, "EVENT#").await.len();
    let events = d.gateway.function("reelview-email-events");
    events.invoke(&sns_event(&bounce)).await;
    // SNS delivers at least once: the same record again changes nothing.
    events.invoke(&sns_event(&bounce)).await;
    // Events the function does not track, or about other email, are dropped, not failed.
    let mut send = bounce.clone();
    send["eventType"] = json!("Send");
    events.invoke(&sns_event(&send)).await;
    events.invoke(&json!({ "Records": [] })).await;

    let read = d
        .send(Request::new("GET", &format!("/v1/interviews/{interview_id}")).bearer(&key))
        .await;
    let read = expect(
        &read,
        200,
        "GET /v1/interviews/{interviewId} (reelview-interviews)",
    );
    let email = &read["email"];
    assert_eq!(email["status"], "bounced", "{read}");
    assert_eq!(email["bounce"], "hard", "{read}");
    assert_eq!(email["bouncedAt"], "2026-03-02T10:15:04.669Z", "{read}");
    assert!(
        email["reason"]
            .as_str()
            .is_some_and(|r| r.contains("550 5.1.1 user unknown")),
        "the reason says what the server said: {read}"
    );
    let bounces: Vec<&Value> = read["timeline"]
        .as_array()
        .expect("timeline")
        .iter()
        .filter(|e| e["kind"] == "email_bounced")
        .collect();
    assert_eq!(bounces.len(), 1, "recorded once: {read}");
    // Webhooks are told of the bounce (once), in the same write.
    assert_eq!(new_item_records(&d, "EVENT#").await.len(), told_before + 1);

    // A resend is answered, and not emailed: the address hard-bounced.
    let resent = d
        .send(Request::new("POST", &format!("/v1/interviews/{interview_id}/resend")).bearer(&key))
        .await;
    let resent = expect(&resent, 200, "POST /v1/interviews/{interviewId}/resend");
    assert_eq!(resent["email"]["status"], "suppressed", "{resent}");
    assert!(
        resent["email"]["reason"]
            .as_str()
            .is_some_and(|r| r.starts_with("Not sent")),
        "{resent}"
    );
    assert_eq!(
        emulator::sent_mail(&d.aws.mail_from).await.len(),
        1,
        "no second email to a hard-bounced address"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_scheduled_reminder_function_stores_a_lapsed_interview_as_expired() {
    let d = Deployment::start().await;
    let tenant = d
        .send(Request::new("POST", "/admin/v1/tenants").json(&json!({ "name": "Acme" })))
        .await;
    let key = expect(&tenant, 201, "POST /admin/v1/tenants (reelview-admin)")["apiKey"]
        .as_str()
        .expect("apiKey")
        .to_string();
    let position = d
        .send(
            Request::new("POST", "/v1/positions")
                .bearer(&key)
                .json(&json!({
                    "name": "Backend Engineer",
                    "questions": [{ "text": "Why this role?" }],
                })),
        )
        .await;
    let position = expect(&position, 201, "POST /v1/positions (reelview-positions)");
    let deadline = chrono::Utc::now() + chrono::Duration::seconds(2);
    let mut body = candidate("ana@example.com");
    body["sendEmail"] = json!(false);
    body["deadline"] = json!(deadline.to_rfc3339());
    let invited = d
        .send(
            Request::new(
                "POST",
                &format!(
                    "/v1/positions/{}/interviews",
                    position["id"].as_str().unwrap()
                ),
            )
            .bearer(&key)
            .json(&body),
        )
        .await;
    let id = expect(&invited, 201, "POST …/interviews (reelview-invite)")["id"]
        .as_str()
        .expect("id")
        .to_string();
    if let Ok(wait) = (deadline - chrono::Utc::now()).to_std() {
        tokio::time::sleep(wait + std::time::Duration::from_millis(200)).await;
    }

    let reminders = d.gateway.function("reelview-reminders");
    let scheduled = json!({
        "version": "0",
        "detail-type": "Scheduled Event",
        "source": "aws.scheduler",
        "detail": {},
    });
    let run = reminders.invoke(&scheduled).await;
    assert_eq!(run["expired"], 1, "{run}");
    assert_eq!(run["finished"], true, "{run}");
    assert_eq!(reminders.invoke(&scheduled).await["due"], 0, "handled once");
    let listed = d
        .send(Request::new("GET", "/v1/positions").bearer(&key))
        .await;
    let listed = expect(&listed, 200, "GET /v1/positions (reelview-positions)");
    assert_eq!(listed["items"][0]["counts"]["expired"], 1, "{listed}");
    let interview = d
        .send(Request::new("GET", &format!("/v1/interviews/{id}")).bearer(&key))
        .await;
    let interview = expect(&interview, 200, "GET /v1/interviews/{interviewId}");
    assert_eq!(interview["status"], "expired", "{interview}");
}

/// The table's new followup items (moto only: a test may scan), as the stream's records of
/// them: `INSERT` with keys only, as the template's `KEYS_ONLY` stream delivers them.
async fn followup_records(d: &Deployment) -> Vec<Value> {
    new_item_records(d, "FOLLOWUP#").await
}

/// Stream records (`INSERT`, keys only) of the table's items whose sort key starts with
/// `prefix`.
async fn new_item_records(d: &Deployment, prefix: &str) -> Vec<Value> {
    let dynamodb = aws_sdk_dynamodb::Client::new(&emulator::sdk_config().await);
    let page = dynamodb
        .scan()
        .table_name(&d.aws.table)
        .send()
        .await
        .expect("scan");
    page.items()
        .iter()
        .filter_map(|item| {
            let text = |k: &str| item.get(k).and_then(|v| v.as_s().ok()).cloned();
            let (pk, sk) = (text("pk")?, text("sk")?);
            sk.starts_with(prefix).then(|| {
                json!({
                    "eventID": uuid::Uuid::new_v4().simple().to_string(),
                    "eventName": "INSERT",
                    "eventVersion": "1.1",
                    "eventSource": "aws:dynamodb",
                    "awsRegion": "us-east-1",
                    "dynamodb": {
                        "ApproximateCreationDateTime": 1764410400,
                        "Keys": { "pk": { "S": pk }, "sk": { "S": sk } },
                        "SequenceNumber": format!("4000000000000{}", rand_digits()),
                        "SizeBytes": 112,
                        "StreamViewType": "KEYS_ONLY"
                    },
                    "eventSourceARN": format!(
                        "arn:aws:dynamodb:us-east-1:123456789012:table/{}/stream/2026-11-29T00:00:00.000",
                        d.aws.table
                    )
                })
            })
        })
        .collect()
}

fn rand_digits() -> u64 {
    rand_u64() % 1_000_000_000
}

fn rand_u64() -> u64 {
    u64::from_le_bytes(
        uuid::Uuid::new_v4().as_bytes()[..8]
            .try_into()
            .expect("8 bytes"),
    )
}

/// Transcripts and the advisory evaluation as deployed: a confirmed recording writes a
/// followup with it; the table's stream hands it to reelview-followups, which starts an
/// Amazon Transcribe job (moto) on the answer's object; Transcribe's "job state change"
/// event reaches reelview-transcripts, which reads the result document (in Transcribe's
/// output shape) and stores the transcript; the submission then queues the evaluation, which
/// reelview-followups asks Bedrock's Converse API for (a stand-in, by endpoint URL). A
/// followup that fails is reported by its sequence number and stays queued.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn answers_are_transcribed_and_evaluated_through_the_deployed_functions() {
    use reelview_tests::ai_servers::{converse_reply, AiServer, Operation, Scripted};
    let bedrock = AiServer::bedrock().await;
    let d =
        Deployment::start_with(&[("AWS_ENDPOINT_URL_BEDROCK_RUNTIME", bedrock.base_url.clone())])
            .await;
    let http = reqwest::Client::new();
    let tenant = d
        .send(Request::new("POST", "/admin/v1/tenants").json(&json!({ "name": "Acme" })))
        .await;
    let tenant = expect(&tenant, 201, "POST /admin/v1/tenants");
    let key = tenant["apiKey"].as_str().expect("apiKey").to_string();
    let tenant_id = tenant["tenantId"].as_str().expect("tenantId").to_string();
    let position = d
        .send(Request::new("POST", "/v1/positions").bearer(&key).json(&json!({
            "name": "Backend Engineer",
            "language": "en-US",
            "evaluation": true,
            "questions": [
                { "text": "Tell us about a system you built.", "rubric": "names the system; says what changed" },
                { "text": "Why us?", "kind": "text", "rubric": "names the product" },
            ],
        })))
        .await;
    let position = expect(&position, 201, "POST /v1/positions");
    let question = |i: usize| position["questions"][i]["id"].as_str().unwrap().to_string();
    let invited = d
        .send(
            Request::new(
                "POST",
                &format!(
                    "/v1/positions/{}/interviews",
                    position["id"].as_str().unwrap()
                ),
            )
            .bearer(&key)
            .json(&candidate("ana@example.com")),
        )
        .await;
    let invited = expect(&invited, 201, "POST …/interviews");
    let interview_id = invited["id"].as_str().unwrap().to_string();
    let token = token_of(invited["url"].as_str().unwrap());
    answer(
        &d,
        &http,
        &token,
        &question(0),
        "video/webm",
        &video(5000, 3),
        false,
    )
    .await;

    // The confirmation wrote one followup: transcribe that recording.
    let records = followup_records(&d).await;
    assert_eq!(records.len(), 1, "{records:?}");
    let followups = d.gateway.function("reelview-followups");
    let ran = followups.invoke(&json!({ "Records": records })).await;
    assert_eq!(ran, json!({ "batchItemFailures": [] }));
    assert!(
        followup_records(&d).await.is_empty(),
        "a followup that ran is removed"
    );

    // The job: on the answer's own object, told the position's language, writing under
    // transcripts/ in the same bucket.
    let read = d
        .send(Request::new("GET", &format!("/v1/interviews/{interview_id}")).bearer(&key))
        .await;
    let read = expect(&read, 200, "GET /v1/interviews/{interviewId}");
    assert_eq!(
        read["answers"][0]["transcript"]["status"], "pending",
        "{read}"
    );
    let upload_id = read["answers"][0]["uploadId"].as_str().unwrap().to_string();
    let job_name = format!("reelview-{tenant_id}-{interview_id}-{upload_id}");
    let transcribe = aws_sdk_transcribe::Client::new(&emulator::sdk_config().await);
    let job = transcribe
        .get_transcription_job()
        .transcription_job_name(&job_name)
        .send()
        .await
        .expect("the transcription job was started")
        .transcription_job
        .expect("a job");
    let media = job
        .media()
        .and_then(|m| m.media_file_uri())
        .unwrap_or_default()
        .to_string();
    assert_eq!(
        media,
        format!(
            "s3://{}/{tenant_id}/{interview_id}/{}/{upload_id}",
            d.aws.bucket,
            question(0)
        )
    );
    assert_eq!(job.language_code().map(|l| l.as_str()), Some("en-US"));
    let output_key = format!("transcripts/{tenant_id}/{interview_id}/{upload_id}.json");

    // Transcribe finishes (moto moves a job on with each read) and writes its document.
    let mut status = String::new();
    for _ in 0..5 {
        let job = transcribe
            .get_transcription_job()
            .transcription_job_name(&job_name)
            .send()
            .await
            .expect("job")
            .transcription_job
            .expect("a job");
        status = job
            .transcription_job_status()
            .map(|s| s.as_str().to_string())
            .unwrap_or_default();
        if status == "COMPLETED" {
            break;
        }
    }
    assert_eq!(status, "COMPLETED");
    let mut document: Value = serde_json::from_str(include_str!(
        "../shared/src/aws/fixtures/transcribe/answer.json"
    ))
    .expect("the Transcribe fixture");
    document["jobName"] = json!(job_name);
    emulator::s3_client()
        .await
        .put_object()
        .bucket(&d.aws.bucket)
        .key(&output_key)
        .body(document.to_string().into_bytes().into())
        .send()
        .await
        .expect("put the result document");
    let event = json!({
        "version": "0",
        "id": "1a2b3c4d-5e6f-7a8b-9c0d-1e2f3a4b5c6d",
        "detail-type": "Transcribe Job State Change",
        "source": "aws.transcribe",
        "account": "123456789012",
        "time": "2026-11-29T10:00:07Z",
        "region": "us-east-1",
        "resources": [],
        "detail": { "TranscriptionJobName": job_name, "TranscriptionJobStatus": "COMPLETED" }
    });
    let transcripts = d.gateway.function("reelview-transcripts");
    transcripts.invoke(&event).await;
    // EventBridge delivers at least once: again changes nothing.
    transcripts.invoke(&event).await;
    let read = d
        .send(Request::new("GET", &format!("/v1/interviews/{interview_id}")).bearer(&key))
        .await;
    let read = expect(&read, 200, "GET /v1/interviews/{interviewId}");
    let transcript = &read["answers"][0]["transcript"];
    assert_eq!(transcript["status"], "ready", "{read}");
    assert!(
        transcript["text"]
            .as_str()
            .unwrap()
            .starts_with("Hi, I'm Ana."),
        "{transcript}"
    );
    assert!(
        transcript["segments"].as_array().unwrap().len() >= 2,
        "{transcript}"
    );
    let captions = d
        .send(
            Request::new(
                "GET",
                &format!(
                    "/v1/interviews/{interview_id}/answers/{}/captions.vtt",
                    question(0)
                ),
            )
            .bearer(&key),
        )
        .await;
    assert_eq!(captions.status, 200, "{}", captions.text());
    assert!(
        captions
            .text()
            .starts_with("WEBVTT\n\n1\n00:00:00.540 --> "),
        "{}",
        captions.text()
    );

    // The written answer, the submission, and the evaluation it queues. Bedrock is down for
    // the first try (the SDK retries it three times): the followup is reported failed and
    // stays; the next delivery succeeds.
    let written = d
        .send(
            Request::new(
                "PUT",
                &format!("/v1/candidate/{token}/answers/{}/text", question(1)),
            )
            .json(&json!({ "text": "Reelview keeps videos in our account." })),
        )
        .await;
    expect(&written, 200, "PUT …/text (reelview-candidate-session)");
    let submitted = d
        .send(Request::new(
            "POST",
            &format!("/v1/candidate/{token}/submit"),
        ))
        .await;
    expect(&submitted, 200, "POST …/submit");
    let records = followup_records(&d).await;
    assert_eq!(records.len(), 1, "the evaluation is queued: {records:?}");
    for _ in 0..3 {
        bedrock.then_reply(
            Operation::Converse,
            Scripted::aws_error(503, "ServiceUnavailableException", "Bedrock is busy"),
        );
    }
    let failed = followups.invoke(&json!({ "Records": records })).await;
    let sequence = records[0]["dynamodb"]["SequenceNumber"].clone();
    assert_eq!(
        failed,
        json!({ "batchItemFailures": [{ "itemIdentifier": sequence }] })
    );
    assert_eq!(
        followup_records(&d).await.len(),
        1,
        "a failed followup stays queued"
    );
    let reply = json!({ "questions": [
        { "questionId": question(0), "summary": "Moved billing to Rust.", "covered": ["names the system"], "missed": ["says what changed"], "suggestedScore": 3 },
        { "questionId": question(1), "summary": "Values data ownership.", "covered": [], "missed": ["names the product"], "suggestedScore": 2 },
    ]})
    .to_string();
    bedrock.then_reply(
        Operation::Converse,
        Scripted::json(200, converse_reply(&[&reply], 1200, 150)),
    );
    let ran = followups
        .invoke(&json!({ "Records": followup_records(&d).await }))
        .await;
    assert_eq!(ran, json!({ "batchItemFailures": [] }));
    let converse = bedrock.requests(Operation::Converse);
    assert_eq!(converse.len(), 4);
    let sent = converse[3].json();
    assert!(
        converse[3].path.contains(EVALUATION_MODEL),
        "{}",
        converse[3].path
    );
    let prompt = sent["messages"][0]["content"][0]["text"].as_str().unwrap();
    assert!(
        prompt.contains("Hi, I'm Ana.") && prompt.contains("Reelview keeps videos"),
        "{prompt}"
    );

    let read = d
        .send(Request::new("GET", &format!("/v1/interviews/{interview_id}")).bearer(&key))
        .await;
    let read = expect(&read, 200, "GET /v1/interviews/{interviewId}");
    let evaluation = &read["evaluation"];
    assert_eq!(evaluation["status"], "ready", "{read}");
    assert_eq!(evaluation["advisory"], true);
    assert_eq!(evaluation["model"], EVALUATION_MODEL);
    assert_eq!(evaluation["usage"]["inputTokens"], 1200);
    assert_eq!(evaluation["questions"][1]["suggestedScore"], 2);
    assert_eq!(
        read["score"],
        Value::Null,
        "advisory: the score stays the team's"
    );
}

/// A host name (not an address literal) that resolves to an internal address: this machine's
/// own name where it resolves so (refused only after resolving), else `localhost` (refused
/// by name).
async fn internal_name(port: u16) -> String {
    let own = std::fs::read_to_string("/proc/sys/kernel/hostname").unwrap_or_default();
    let own = own.trim().to_string();
    let internal = match tokio::net::lookup_host((own.as_str(), port)).await {
        Ok(mut addresses) => addresses.all(|a| {
            reelview::domain::check_address(a.ip(), reelview::domain::AddressPolicy::PublicHttps)
                .is_err()
        }),
        Err(_) => false,
    };
    if internal && !own.is_empty() {
        own
    } else {
        "localhost".into()
    }
}

/// Webhooks as deployed: a subscription must be https to a public address; an interview's
/// change writes its event with it; the table's stream hands the event to
/// reelview-webhook-delivery, which makes the delivery, and the delivery (a new item) back to
/// it, which checks the address again when it sends: a subscription whose address is internal
/// by then (stored here directly, as DNS rebinding would make it) is refused and logged,
/// never reached. The schedule's run finds nothing due yet.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn webhook_events_flow_through_the_stream_and_internal_addresses_are_refused_at_delivery() {
    use reelview::domain::{EventType, Webhook, WebhookId};
    use reelview::ports::WebhookStore;
    let d = Deployment::start().await;
    let tenant = d
        .send(Request::new("POST", "/admin/v1/tenants").json(&json!({ "name": "Acme" })))
        .await;
    let tenant = expect(&tenant, 201, "POST /admin/v1/tenants");
    let key = tenant["apiKey"].as_str().unwrap().to_string();
    let tenant_id = tenant["tenantId"].as_str().unwrap().to_string();

    // Deployed, only https:// to public addresses is accepted.
    for url in [
        "http://203.0.113.10/hook",
        "https://127.0.0.1/hook",
        "https://10.1.2.3/hook",
        "https://169.254.169.254/",
    ] {
        let refused = d
            .send(
                Request::new("POST", "/v1/webhooks")
                    .bearer(&key)
                    .json(&json!({ "url": url, "events": ["interview.created"] })),
            )
            .await;
        expect(
            &refused,
            422,
            &format!("POST /v1/webhooks {url} (reelview-webhooks)"),
        );
    }
    let public = d
        .send(Request::new("POST", "/v1/webhooks").bearer(&key).json(&json!({ "url": "https://203.0.113.10/hooks", "events": ["interview.created"], "enabled": false })))
        .await;
    let public = expect(&public, 201, "POST /v1/webhooks (reelview-webhooks)");
    assert!(public["secret"].as_str().unwrap().starts_with("whsec_"));

    // A subscription whose address is internal (as a name that resolves differently later
    // would be), stored directly.
    let hit = std::sync::Arc::new(std::sync::atomic::AtomicUsize::new(0));
    let counter = hit.clone();
    let receiver = axum::Router::new().fallback(move || {
        let counter = counter.clone();
        async move {
            counter.fetch_add(1, std::sync::atomic::Ordering::SeqCst);
            "ok"
        }
    });
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let port = listener.local_addr().unwrap().port();
    tokio::spawn(async move { axum::serve(listener, receiver).await.unwrap() });
    let store = reelview::aws::DynamoStore::new(
        aws_sdk_dynamodb::Client::new(&emulator::sdk_config().await),
        d.aws.table.clone(),
    );
    let webhook = Webhook {
        tenant_id: reelview::domain::TenantId::parse(&tenant_id).unwrap(),
        id: WebhookId::new(),
        url: format!("https://{}:{port}/hooks", internal_name(port).await),
        events: vec![EventType::InterviewCreated],
        description: None,
        enabled: true,
        secret: "whsec_test".into(),
        previous_secret: None,
        previous_secret_until: None,
        disabled_reason: None,
        failing_since: None,
        created_at: chrono::Utc::now(),
        version: 0,
    };
    store.create_webhook(&webhook).await.unwrap();

    let position = d
        .send(
            Request::new("POST", "/v1/positions")
                .bearer(&key)
                .json(&json!({ "name": "Engineer", "questions": [{ "text": "Why us?" }] })),
        )
        .await;
    let position = expect(&position, 201, "POST /v1/positions");
    let invited = d
        .send(
            Request::new(
                "POST",
                &format!(
                    "/v1/positions/{}/interviews",
                    position["id"].as_str().unwrap()
                ),
            )
            .bearer(&key)
            .json(&candidate("ana@example.com")),
        )
        .await;
    let invited = expect(&invited, 201, "POST …/interviews (reelview-invite)");

    // The invitation wrote its event in the same transaction.
    let events = new_item_records(&d, "EVENT#").await;
    assert_eq!(events.len(), 1, "{events:?}");
    let delivery_function = d.gateway.function("reelview-webhook-delivery");
    let ran = delivery_function
        .invoke(&json!({ "Records": events }))
        .await;
    assert_eq!(ran, json!({ "batchItemFailures": [] }));
    assert!(
        new_item_records(&d, "EVENT#").await.is_empty(),
        "an event that ran is removed"
    );
    // One delivery: the enabled subscription's (the disabled one wants nothing now).
    let deliveries = new_item_records(&d, "DELIVERY#").await;
    assert_eq!(deliveries.len(), 1, "{deliveries:?}");
    let ran = delivery_function
        .invoke(&json!({ "Records": deliveries }))
        .await;
    assert_eq!(ran, json!({ "batchItemFailures": [] }));

    let log = d
        .send(Request::new("GET", &format!("/v1/webhooks/{}/deliveries", webhook.id)).bearer(&key))
        .await;
    let log = expect(&log, 200, "GET …/deliveries (reelview-webhooks)");
    let delivery = &log["items"][0];
    assert_eq!(delivery["event"], "interview.created", "{log}");
    assert_eq!(delivery["payload"]["data"]["id"], invited["id"]);
    assert_eq!(delivery["attempts"], 1, "{log}");
    assert_eq!(delivery["status"], "pending", "retried later: {log}");
    assert!(
        delivery["lastError"]
            .as_str()
            .is_some_and(|e| e.contains("public address")),
        "{log}"
    );
    assert_eq!(
        hit.load(std::sync::atomic::Ordering::SeqCst),
        0,
        "never reached"
    );

    // The schedule's run: nothing is due within the minute.
    let scheduled = delivery_function
        .invoke(&json!({ "version": "0", "detail-type": "Scheduled Event", "source": "aws.scheduler", "detail": {} }))
        .await;
    assert_eq!(scheduled, json!({ "attempted": 0 }));
}

/// Through a named stage's own URL (`/prod/…`) every function routes as on `$default`, and the
/// links it makes lead back through the stage.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_named_stage_routes_like_the_default_stage() {
    let api = Api {
        stage: "prod".into(),
        ..Api::default()
    };
    let d = Deployment::start_behind(api, &[]).await;
    let domain = d.gateway.api.domain_name();

    let tenant = d
        .send(Request::new("POST", "/prod/admin/v1/tenants").json(&json!({ "name": "Acme" })))
        .await;
    let key = expect(&tenant, 201, "POST /prod/admin/v1/tenants")["apiKey"]
        .as_str()
        .expect("apiKey")
        .to_string();
    let position = d
        .send(
            Request::new("POST", "/prod/v1/positions")
                .bearer(&key)
                .json(&json!({
                    "name": "Backend Engineer",
                    "questions": [{ "text": "Tell us about a system you built." }],
                })),
        )
        .await;
    let position = expect(&position, 201, "POST /prod/v1/positions");
    let position_id = position["id"].as_str().expect("position id");
    let invited = d
        .send(
            Request::new(
                "POST",
                &format!("/prod/v1/positions/{position_id}/interviews"),
            )
            .bearer(&key)
            .json(&candidate("ana@example.com")),
        )
        .await;
    let invited = expect(&invited, 201, "POST /prod/v1/positions/{id}/interviews");
    let url = invited["url"].as_str().expect("url");
    assert!(
        url.starts_with(&format!("https://{domain}/prod/i/")),
        "the candidate link keeps the stage: {url}"
    );
    let token = token_of(url);
    let page = d
        .send(Request::new("GET", &format!("/prod/i/{token}")))
        .await;
    assert_eq!(page.status, 200, "GET /prod/i/{{token}}: {}", page.text());
    let session = d
        .send(Request::new("GET", &format!("/prod/v1/candidate/{token}")))
        .await;
    expect(&session, 200, "GET /prod/v1/candidate/{token}");
    let listed = d
        .send(Request::new("GET", "/prod/v1/positions").bearer(&key))
        .await;
    expect(&listed, 200, "GET /prod/v1/positions");
}

/// The team's retention setting through the deployed team function, the scheduled retention
/// function deleting an interview that ended longer ago than that, recordings included, from
/// its scheduled event, and an erasure request through the interviews function. The deployed clock cannot be moved, so the test
/// backdates the stored completion (and its place in the ended index) by two days.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_scheduled_retention_function_deletes_what_the_team_no_longer_keeps() {
    let d = Deployment::start().await;
    let http = reqwest::Client::new();
    let c = completed_interview(&d, &http).await;
    let key = c.key.as_str();
    let retention = d.gateway.function("reelview-retention");
    let scheduled = json!({
        "version": "0",
        "detail-type": "Scheduled Event",
        "source": "aws.scheduler",
        "detail": {},
    });
    let idle = retention.invoke(&scheduled).await;
    assert_eq!(
        idle["tenants"], 0,
        "no team keeps interviews for a limited time: {idle}"
    );

    let set = d
        .send(
            Request::new("PATCH", "/v1/tenant")
                .bearer(key)
                .json(&json!({ "retentionDays": 1 })),
        )
        .await;
    let set = expect(&set, 200, "PATCH /v1/tenant (reelview-api-keys)");
    assert_eq!(set["retentionDays"], 1, "{set}");
    let shown = d.send(Request::new("GET", "/v1/tenant").bearer(key)).await;
    assert_eq!(
        expect(&shown, 200, "GET /v1/tenant (reelview-api-keys)")["retentionDays"],
        1
    );
    let kept = retention.invoke(&scheduled).await;
    assert_eq!(kept["deleted"], 0, "completed just now: {kept}");

    let two_days_ago = chrono::Utc::now() - chrono::Duration::days(2);
    aws_sdk_dynamodb::Client::new(&emulator::sdk_config().await)
        .update_item()
        .table_name(&d.aws.table)
        .key(
            "pk",
            aws_sdk_dynamodb::types::AttributeValue::S(format!("TENANT#{}", c.tenant_id)),
        )
        .key(
            "sk",
            aws_sdk_dynamodb::types::AttributeValue::S(format!("INTERVIEW#{}", c.interview_id)),
        )
        .update_expression("SET completedAt = :at, gsi3sk = :sort")
        .expression_attribute_values(
            ":at",
            aws_sdk_dynamodb::types::AttributeValue::S(two_days_ago.to_rfc3339()),
        )
        .expression_attribute_values(
            ":sort",
            aws_sdk_dynamodb::types::AttributeValue::S(format!(
                "{:015}#{}",
                two_days_ago.timestamp_millis(),
                c.interview_id
            )),
        )
        .send()
        .await
        .expect("backdate the completion");

    let run = retention.invoke(&scheduled).await;
    assert_eq!(run["deleted"], 1, "{run}");
    assert_eq!(run["finished"], true, "{run}");
    let interview = d
        .send(Request::new("GET", &format!("/v1/interviews/{}", c.interview_id)).bearer(key))
        .await;
    expect(&interview, 404, "the interview past the team's retention");
    let objects = emulator::s3_client()
        .await
        .list_objects_v2()
        .bucket(&d.aws.bucket)
        .prefix(&c.tenant_id)
        .send()
        .await
        .expect("list the bucket");
    assert!(
        objects.contents().is_empty(),
        "its recordings are gone: {:?}",
        objects.contents()
    );
    assert_eq!(
        retention.invoke(&scheduled).await["deleted"],
        0,
        "deleted once"
    );
    // The candidate's erasure request, routed to the interviews function, finds nothing left.
    let erased = d
        .send(
            Request::new("POST", "/v1/erasure")
                .bearer(key)
                .json(&json!({ "email": "ana@example.com" })),
        )
        .await;
    let erased = expect(&erased, 200, "POST /v1/erasure (reelview-interviews)");
    assert_eq!(erased["interviewIds"], json!([]), "{erased}");
}
