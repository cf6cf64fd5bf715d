//! The deployed path, not `reelview-local`: every function binary runs as Lambda runs it —
//! under a Lambda Runtime API stub, with only the environment its entry in
//! `infra/template.yaml` declares — behind an API Gateway HTTP API stand-in that routes each
//! request to the function the template names, as a payload format 2.0 event, after the
//! route's authorizer. The AWS services are the emulator's (moto).
//!
//! The function binaries are not built by `cargo test`: run `cargo build --workspace --bins`
//! first (`.ci/test` does).

use reelview_tests::apigw::{Api, Gateway, Request, Response};
use reelview_tests::emulator::{self, Resources};
use reelview_tests::runtime_api::LambdaProcess;
use reelview_tests::template::{self, Function};
use reelview_tests::{candidate, token_of};
use serde_json::{json, Value};
use std::collections::{BTreeMap, HashMap};

/// The link key of the test deployment (44 characters, like the generated secret).
const LINK_KEY: &str = "LambdaPathTestLinkKey0123456789abcdefghijklm";

/// The value the test deployment gives a variable the template declares.
fn value_of(function: &Function, name: &str, aws: &Resources) -> String {
    match name {
        "REELVIEW_TABLE" => aws.table.clone(),
        "REELVIEW_VIDEO_BUCKET" => aws.bucket.clone(),
        "REELVIEW_MAIL_FROM" => aws.mail_from.clone(),
        // Empty, as deployed without a custom domain: links come from the request context.
        "PUBLIC_BASE_URL" => String::new(),
        "REELVIEW_LINK_KEY" => LINK_KEY.to_string(),
        "RUST_LOG" => "warn".to_string(),
        other => panic!(
            "{} declares {other} in infra/template.yaml; give it a test value in value_of()",
            function.logical_id
        ),
    }
}

/// The environment of one function: the emulator's SDK settings and exactly the variables
/// its template entry declares (the Lambda runtime's own are added when it starts).
fn environment(function: &Function, aws: &Resources) -> Vec<(String, String)> {
    let mut env: Vec<(String, String)> = emulator::sdk_env()
        .into_iter()
        .map(|(k, v)| (k.to_string(), v))
        .collect();
    for name in function.environment.keys() {
        env.push((name.clone(), value_of(function, name, aws)));
    }
    env
}

/// Every function of the template running on the emulator, behind the API.
struct Deployment {
    aws: Resources,
    template: serde_yaml::Value,
    gateway: Gateway,
}

impl Deployment {
    async fn start() -> Deployment {
        let aws = Resources::create(true).await;
        let template = template::template();
        let mut functions = HashMap::new();
        for function in template::functions(&template) {
            // Named as CloudFormation names them: stack, logical id, a random suffix.
            let name = format!("reelview-{}-T3STSUFF1X", function.logical_id);
            let process = LambdaProcess::start(
                &function.binary,
                &name,
                function.memory_size,
                &environment(&function, &aws),
            )
            .await;
            functions.insert(function.binary.clone(), process);
        }
        Deployment {
            gateway: Gateway::new(Api::default(), &template, functions),
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
