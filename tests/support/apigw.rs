//! API Gateway HTTP API in front of function processes, as deployed: each request goes to the
//! function `infra/template.yaml` routes it to, as a payload format 2.0 event, after the
//! route's authorizer (a Lambda authorizer with simple responses, or IAM) has let it through.

use super::runtime_api::LambdaProcess;
use super::template::{self, Event, RouteAuth};
use base64::engine::general_purpose::STANDARD;
use base64::Engine;
use serde_json::{json, Map, Value};
use std::collections::{BTreeMap, HashMap};

/// The deployed HTTP API: its id, account and region make up the event's request context.
#[derive(Debug, Clone)]
pub struct Api {
    pub api_id: String,
    pub account_id: String,
    pub region: String,
    /// `$default` (as deployed), or a named stage, reached through the API's own URL: the
    /// client's path then starts with `/{stage}`.
    pub stage: String,
}

impl Default for Api {
    fn default() -> Self {
        Api {
            api_id: "abc123".into(),
            account_id: "123456789012".into(),
            region: "eu-west-1".into(),
            stage: "$default".into(),
        }
    }
}

impl Api {
    /// `requestContext.domainName`: the API's own execute-api host.
    pub fn domain_name(&self) -> String {
        format!("{}.execute-api.{}.amazonaws.com", self.api_id, self.region)
    }

    /// `routeArn` of an authorizer event.
    pub fn route_arn(&self, method: &str, raw_path: &str) -> String {
        format!(
            "arn:aws:execute-api:{}:{}:{}/{}/{method}{}",
            self.region,
            self.account_id,
            self.api_id,
            self.stage,
            self.route_path(raw_path).unwrap_or(raw_path)
        )
    }

    /// The path API Gateway routes on: a named stage's prefix taken off. `None` when the path
    /// does not name the stage (API Gateway answers 404).
    pub fn route_path<'a>(&self, raw_path: &'a str) -> Option<&'a str> {
        if self.stage == "$default" {
            return Some(raw_path);
        }
        let rest = raw_path
            .strip_prefix('/')?
            .strip_prefix(self.stage.as_str())?;
        match rest {
            "" => Some("/"),
            rest if rest.starts_with('/') => Some(rest),
            _ => None,
        }
    }
}

/// A request as a client sends it to the API.
#[derive(Debug, Clone, Default)]
pub struct Request {
    pub method: String,
    /// Path and optional `?query`.
    pub target: String,
    pub headers: Vec<(String, String)>,
    pub body: Option<String>,
}

impl Request {
    pub fn new(method: &str, target: &str) -> Request {
        Request {
            method: method.to_uppercase(),
            target: target.to_string(),
            ..Request::default()
        }
    }

    pub fn header(mut self, name: &str, value: &str) -> Request {
        self.headers.push((name.to_string(), value.to_string()));
        self
    }

    pub fn bearer(self, key: &str) -> Request {
        self.header("Authorization", &format!("Bearer {key}"))
    }

    pub fn json(mut self, body: &Value) -> Request {
        self.body = Some(body.to_string());
        self.header("Content-Type", "application/json")
    }

    fn raw_path(&self) -> &str {
        self.target.split('?').next().unwrap_or("")
    }

    fn raw_query(&self) -> &str {
        self.target.split_once('?').map(|(_, q)| q).unwrap_or("")
    }
}

/// The headers API Gateway passes on: names lower-cased, repeated headers joined by commas,
/// plus the ones it adds itself; cookies move to their own list.
fn event_headers(api: &Api, request: &Request) -> (Map<String, Value>, Vec<String>) {
    let mut headers: BTreeMap<String, String> = BTreeMap::new();
    let mut cookies = Vec::new();
    for (name, value) in &request.headers {
        let name = name.to_ascii_lowercase();
        if name == "cookie" {
            cookies.extend(value.split(';').map(|c| c.trim().to_string()));
            continue;
        }
        headers
            .entry(name)
            .and_modify(|v| {
                v.push(',');
                v.push_str(value);
            })
            .or_insert_with(|| value.clone());
    }
    let defaults = [
        ("host", api.domain_name()),
        ("user-agent", "reelview-tests/1.0".to_string()),
        (
            "x-amzn-trace-id",
            "Root=1-67a1b2c3-0123456789abcdef01234567".into(),
        ),
        ("x-forwarded-for", "203.0.113.7".into()),
        ("x-forwarded-port", "443".into()),
        ("x-forwarded-proto", "https".into()),
    ];
    for (name, value) in defaults {
        headers.entry(name.to_string()).or_insert(value);
    }
    if let Some(body) = &request.body {
        headers.insert("content-length".into(), body.len().to_string());
    }
    let headers = headers
        .into_iter()
        .map(|(k, v)| (k, Value::String(v)))
        .collect();
    (headers, cookies)
}

fn query_parameters(raw_query: &str) -> Option<Map<String, Value>> {
    if raw_query.is_empty() {
        return None;
    }
    let url = reqwest::Url::parse(&format!("https://x/?{raw_query}")).expect("query");
    let mut parameters: BTreeMap<String, String> = BTreeMap::new();
    for (k, v) in url.query_pairs() {
        parameters
            .entry(k.to_string())
            .and_modify(|e| {
                e.push(',');
                e.push_str(&v);
            })
            .or_insert_with(|| v.to_string());
    }
    Some(
        parameters
            .into_iter()
            .map(|(k, v)| (k, Value::String(v)))
            .collect(),
    )
}

/// `requestContext` of both event kinds (without `authorizer`).
fn request_context(
    api: &Api,
    request: &Request,
    route_key: &str,
    headers: &Map<String, Value>,
) -> Value {
    let now = chrono::Utc::now();
    json!({
        "accountId": api.account_id,
        "apiId": api.api_id,
        "domainName": api.domain_name(),
        "domainPrefix": api.api_id,
        "http": {
            "method": request.method,
            "path": request.raw_path(),
            "protocol": "HTTP/1.1",
            "sourceIp": "203.0.113.7",
            "userAgent": headers.get("user-agent").cloned().unwrap_or_default(),
        },
        "requestId": format!("{}=", &STANDARD.encode(uuid::Uuid::new_v4().as_bytes())[..15]),
        "routeKey": route_key,
        "stage": api.stage,
        "time": now.format("%d/%b/%Y:%H:%M:%S %z").to_string(),
        "timeEpoch": now.timestamp_millis(),
    })
}

/// What the route's authorizer decided, for `requestContext.authorizer`.
#[derive(Debug, Clone)]
pub enum Authorization {
    None,
    /// The `context` of a Lambda authorizer's simple response.
    Lambda(Value),
    /// An IAM-authorized (SigV4) caller.
    Iam(Value),
}

/// A plausible `authorizer.iam` of an operator's signed request.
pub fn iam_caller(api: &Api) -> Value {
    json!({
        "accessKey": "ASIA2EXAMPLEOPERATOR",
        "accountId": api.account_id,
        "callerId": "AROA2EXAMPLEROLEID:operator",
        "cognitoIdentity": null,
        "principalOrgId": "o-exampleorg1",
        "userArn": format!("arn:aws:sts::{}:assumed-role/ReelviewOperator/operator", api.account_id),
        "userId": "AROA2EXAMPLEROLEID:operator",
    })
}

/// The payload format 2.0 event of an HTTP API request to `route`.
pub fn http_event(
    api: &Api,
    route: &Event,
    path_parameters: &BTreeMap<String, String>,
    request: &Request,
    authorization: &Authorization,
) -> Value {
    let route_key = route.route_key();
    let (headers, cookies) = event_headers(api, request);
    let mut context = request_context(api, request, &route_key, &headers);
    match authorization {
        Authorization::None => {}
        Authorization::Lambda(lambda) => context["authorizer"] = json!({ "lambda": lambda }),
        Authorization::Iam(iam) => context["authorizer"] = json!({ "iam": iam }),
    }
    let mut event = json!({
        "version": "2.0",
        "routeKey": route_key,
        "rawPath": request.raw_path(),
        "rawQueryString": request.raw_query(),
        "headers": headers,
        "requestContext": context,
        "isBase64Encoded": false,
    });
    if !cookies.is_empty() {
        event["cookies"] = json!(cookies);
    }
    if let Some(query) = query_parameters(request.raw_query()) {
        event["queryStringParameters"] = Value::Object(query);
    }
    if !path_parameters.is_empty() {
        event["pathParameters"] = json!(path_parameters);
    }
    if let Some(body) = &request.body {
        event["body"] = json!(body);
    }
    event
}

/// The payload format 2.0 event of a `REQUEST` Lambda authorizer whose identity source is
/// the `Authorization` header.
pub fn authorizer_event(
    api: &Api,
    route: &Event,
    path_parameters: &BTreeMap<String, String>,
    request: &Request,
    identity: &str,
) -> Value {
    let route_key = route.route_key();
    let (headers, cookies) = event_headers(api, request);
    let context = request_context(api, request, &route_key, &headers);
    let mut event = json!({
        "version": "2.0",
        "type": "REQUEST",
        "routeArn": api.route_arn(&request.method, request.raw_path()),
        "identitySource": [identity],
        "routeKey": route_key,
        "rawPath": request.raw_path(),
        "rawQueryString": request.raw_query(),
        "headers": headers,
        "requestContext": context,
    });
    if !cookies.is_empty() {
        event["cookies"] = json!(cookies);
    }
    if let Some(query) = query_parameters(request.raw_query()) {
        event["queryStringParameters"] = Value::Object(query);
    }
    if !path_parameters.is_empty() {
        event["pathParameters"] = json!(path_parameters);
    }
    event
}

/// An HTTP response as the client receives it.
#[derive(Debug, Clone)]
pub struct Response {
    pub status: u16,
    /// Lower-cased names.
    pub headers: BTreeMap<String, String>,
    pub cookies: Vec<String>,
    pub body: Vec<u8>,
}

impl Response {
    /// Reads a function's payload format 2.0 response. As API Gateway does, an answer
    /// without `statusCode` is a 200 whose body is that JSON.
    pub fn from_function(answer: &Value) -> Response {
        let Some(status) = answer.get("statusCode") else {
            return Response {
                status: 200,
                headers: BTreeMap::from([("content-type".into(), "application/json".into())]),
                cookies: vec![],
                body: answer.to_string().into_bytes(),
            };
        };
        let status = status
            .as_u64()
            .and_then(|s| u16::try_from(s).ok())
            .unwrap_or_else(|| panic!("statusCode is not a status: {answer}"));
        let headers = answer["headers"]
            .as_object()
            .into_iter()
            .flatten()
            .map(|(k, v)| {
                let value = v
                    .as_str()
                    .map(str::to_string)
                    .unwrap_or_else(|| v.to_string());
                (k.to_ascii_lowercase(), value)
            })
            .collect();
        let cookies = answer["cookies"]
            .as_array()
            .into_iter()
            .flatten()
            .filter_map(|c| c.as_str().map(str::to_string))
            .collect();
        let text = answer["body"].as_str().unwrap_or("");
        let body = if answer["isBase64Encoded"] == true {
            STANDARD
                .decode(text)
                .unwrap_or_else(|e| panic!("isBase64Encoded but the body is not base64: {e}"))
        } else {
            text.as_bytes().to_vec()
        };
        Response {
            status,
            headers,
            cookies,
            body,
        }
    }

    fn gateway(status: u16, message: &str) -> Response {
        Response {
            status,
            headers: BTreeMap::from([("content-type".into(), "application/json".into())]),
            cookies: vec![],
            body: json!({ "message": message }).to_string().into_bytes(),
        }
    }

    pub fn header(&self, name: &str) -> &str {
        self.headers
            .get(&name.to_ascii_lowercase())
            .map(String::as_str)
            .unwrap_or("")
    }

    pub fn text(&self) -> String {
        String::from_utf8_lossy(&self.body).to_string()
    }

    /// The body as JSON, `Null` when it is not JSON.
    pub fn json(&self) -> Value {
        serde_json::from_slice(&self.body).unwrap_or(Value::Null)
    }
}

/// The HTTP API with its functions: routes each request like the deployed API does.
pub struct Gateway {
    pub api: Api,
    events: Vec<Event>,
    /// Authorizer name → the function binary it runs.
    authorizers: HashMap<String, String>,
    /// Function binary → its running process.
    functions: HashMap<String, LambdaProcess>,
}

impl Gateway {
    pub fn new(
        api: Api,
        template: &serde_yaml::Value,
        functions: HashMap<String, LambdaProcess>,
    ) -> Gateway {
        Gateway {
            api,
            events: template::http_events(template),
            authorizers: template::lambda_authorizers(template),
            functions,
        }
    }

    pub fn function(&self, binary: &str) -> &LambdaProcess {
        self.functions
            .get(binary)
            .unwrap_or_else(|| panic!("{binary} is not running"))
    }

    /// The route (and path parameters) the template sends this request to.
    pub fn route(&self, request: &Request) -> Option<(&Event, BTreeMap<String, String>)> {
        let path = self.api.route_path(request.raw_path())?;
        template::route(&self.events, &request.method, path)
    }

    /// Invokes the route's Lambda authorizer: its simple response `{isAuthorized, context}`.
    /// `None` when the request lacks the identity source (API Gateway then answers 401
    /// without calling the authorizer).
    pub async fn authorize(&self, request: &Request) -> Option<Value> {
        let (route, parameters) = self
            .route(request)
            .unwrap_or_else(|| panic!("no route for {} {}", request.method, request.target));
        let RouteAuth::Lambda(name) = &route.auth else {
            panic!("{} has no Lambda authorizer", route.route_key());
        };
        let binary = self
            .authorizers
            .get(name)
            .unwrap_or_else(|| panic!("authorizer {name} has no function in the template"));
        let identity = request
            .headers
            .iter()
            .find(|(k, _)| k.eq_ignore_ascii_case("authorization"))
            .map(|(_, v)| v.clone())
            .filter(|v| !v.is_empty())?;
        let event = authorizer_event(&self.api, route, &parameters, request, &identity);
        Some(self.function(binary).invoke(&event).await)
    }

    /// What API Gateway makes of a request before it invokes a function: the function's
    /// binary and its event (after the route's authorizer let it through), or the gateway's
    /// own answer.
    pub async fn event_for(&self, request: &Request) -> Result<(String, Value), Response> {
        let Some((route, parameters)) = self.route(request) else {
            return Err(Response::gateway(404, "Not Found"));
        };
        let authorization = match &route.auth {
            RouteAuth::None => Authorization::None,
            RouteAuth::Iam => Authorization::Iam(iam_caller(&self.api)),
            RouteAuth::Lambda(_) => match self.authorize(request).await {
                None => return Err(Response::gateway(401, "Unauthorized")),
                Some(answer) => match answer["isAuthorized"].as_bool() {
                    Some(true) => Authorization::Lambda(
                        answer.get("context").cloned().unwrap_or_else(|| json!({})),
                    ),
                    Some(false) => return Err(Response::gateway(403, "Forbidden")),
                    None => {
                        panic!("the authorizer's answer is no simple response: {answer}")
                    }
                },
            },
        };
        let event = http_event(&self.api, route, &parameters, request, &authorization);
        Ok((route.function.clone(), event))
    }

    /// Sends a request through the API: route, authorizer, function.
    pub async fn send(&self, request: Request) -> Response {
        match self.event_for(&request).await {
            Ok((function, event)) => {
                Response::from_function(&self.function(&function).invoke(&event).await)
            }
            Err(gateway) => gateway,
        }
    }
}
