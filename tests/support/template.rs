//! What `infra/template.yaml` says about the deployment: which function serves each HTTP route
//! (and behind which authorizer), which environment each function is given, and the video
//! bucket's CORS rule. Tests read these from the template instead of repeating them.

use serde_yaml::Value;
use std::collections::{BTreeMap, HashMap};

/// The SAM template, parsed.
pub fn template() -> Value {
    let path = super::workspace_root().join("infra/template.yaml");
    let text = std::fs::read_to_string(&path)
        .unwrap_or_else(|e| panic!("reading {}: {e}", path.display()));
    serde_yaml::from_str(&text).unwrap_or_else(|e| panic!("{} is not YAML: {e}", path.display()))
}

/// How API Gateway authorizes a route before invoking its function.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum RouteAuth {
    /// A Lambda authorizer of the HTTP API, by its name under `Auth.Authorizers`.
    Lambda(String),
    /// `AWS_IAM`: SigV4-signed requests only.
    Iam,
    /// `NONE`: open route.
    None,
}

/// One `HttpApi` event of a function: `Method Path` served by the function's binary.
#[derive(Debug, Clone)]
pub struct Event {
    /// The function's binary (and package) name, e.g. `reelview-invite`.
    pub function: String,
    /// Upper case, e.g. `POST`.
    pub method: String,
    /// The route template, e.g. `/v1/positions/{positionId}/interviews`.
    pub path: String,
    pub auth: RouteAuth,
}

impl Event {
    /// The HTTP API route key, e.g. `POST /v1/positions/{positionId}/interviews`.
    pub fn route_key(&self) -> String {
        format!("{} {}", self.method, self.path)
    }

    /// The path parameters when `method path` matches this route, `None` otherwise.
    /// `path` is the raw path, without the query string.
    pub fn matches(&self, method: &str, path: &str) -> Option<BTreeMap<String, String>> {
        if !self.method.eq_ignore_ascii_case(method) {
            return None;
        }
        let pattern: Vec<&str> = self.path.split('/').collect();
        let mut actual: Vec<&str> = path.split('/').collect();
        let mut parameters = BTreeMap::new();
        // A greedy last variable (`{proxy+}`) takes the rest of the path, one segment or more.
        if let Some(greedy) = pattern
            .last()
            .and_then(|p| p.strip_prefix('{'))
            .and_then(|p| p.strip_suffix("+}"))
        {
            if actual.len() < pattern.len() {
                return None;
            }
            let rest = actual.split_off(pattern.len() - 1).join("/");
            if rest.is_empty() {
                return None;
            }
            parameters.insert(format!("{greedy}+"), rest);
            actual.push("");
        }
        if pattern.len() != actual.len() {
            return None;
        }
        for (p, a) in pattern.iter().zip(&actual) {
            if p.ends_with("+}") {
                continue;
            }
            match p.strip_prefix('{').and_then(|p| p.strip_suffix('}')) {
                Some(name) if !a.is_empty() => {
                    parameters.insert(name.to_string(), a.to_string());
                }
                Some(_) => return None,
                None if p == a => {}
                None => return None,
            }
        }
        Some(parameters)
    }

    /// How many literal segments the route has; API Gateway prefers the most specific match.
    fn literal_segments(&self) -> usize {
        self.path.split('/').filter(|s| !s.starts_with('{')).count()
    }
}

/// The route that serves `method path` (the most specific one, as API Gateway picks), and
/// its path parameters.
pub fn route<'a>(
    events: &'a [Event],
    method: &str,
    path: &str,
) -> Option<(&'a Event, BTreeMap<String, String>)> {
    events
        .iter()
        .filter_map(|e| e.matches(method, path).map(|p| (e, p)))
        .max_by_key(|(e, _)| e.literal_segments())
}

fn functions_of(template: &Value) -> impl Iterator<Item = (&str, &Value)> {
    template["Resources"]
        .as_mapping()
        .expect("template has Resources")
        .iter()
        .filter(|(_, r)| r["Type"] == "AWS::Serverless::Function")
        .map(|(id, r)| (id.as_str().expect("logical id"), r))
}

fn binary_of(resource: &Value) -> String {
    resource["Metadata"]["BuildProperties"]["Binary"]
        .as_str()
        .expect("every function names its binary in Metadata.BuildProperties.Binary")
        .to_string()
}

/// Every `HttpApi` event of every function, in template order.
pub fn http_events(template: &Value) -> Vec<Event> {
    let default_authorizer = template["Resources"]
        .as_mapping()
        .into_iter()
        .flatten()
        .find(|(_, r)| r["Type"] == "AWS::Serverless::HttpApi")
        .and_then(|(_, api)| api["Properties"]["Auth"]["DefaultAuthorizer"].as_str())
        .map(str::to_string);
    let mut events = Vec::new();
    for (_, resource) in functions_of(template) {
        let function = binary_of(resource);
        for (_, event) in resource["Properties"]["Events"]
            .as_mapping()
            .into_iter()
            .flatten()
        {
            if event["Type"] != "HttpApi" {
                continue;
            }
            let properties = &event["Properties"];
            let auth = match properties["Auth"]["Authorizer"].as_str() {
                Some("AWS_IAM") => RouteAuth::Iam,
                Some("NONE") => RouteAuth::None,
                Some(name) => RouteAuth::Lambda(name.to_string()),
                None => match &default_authorizer {
                    Some(name) => RouteAuth::Lambda(name.clone()),
                    None => RouteAuth::None,
                },
            };
            events.push(Event {
                function: function.clone(),
                method: properties["Method"]
                    .as_str()
                    .expect("HttpApi Method")
                    .to_uppercase(),
                path: properties["Path"]
                    .as_str()
                    .expect("HttpApi Path")
                    .to_string(),
                auth,
            });
        }
    }
    events
}

/// One `AWS::Serverless::Function` resource.
#[derive(Debug, Clone)]
pub struct Function {
    /// The resource's logical id, e.g. `InviteFunction`.
    pub logical_id: String,
    /// `Metadata.BuildProperties.Binary`, e.g. `reelview-invite`.
    pub binary: String,
    /// `CodeUri`, the function's own or the global one: where `sam build` runs cargo-lambda,
    /// relative to the template's directory.
    pub code_uri: Option<String>,
    /// `MemorySize`, the function's own or the global one.
    pub memory_size: u64,
    /// `Timeout` in seconds, the function's own or the global one: the time an invocation
    /// gets (its context's deadline).
    pub timeout_seconds: u64,
    /// `Globals.Function.Environment.Variables` overlaid with the function's own
    /// `Properties.Environment.Variables`: name → the template's value (often a `!Ref`).
    pub environment: BTreeMap<String, Value>,
}

/// Every function of the template, in template order.
pub fn functions(template: &Value) -> Vec<Function> {
    let globals = &template["Globals"]["Function"];
    let variables = |v: &Value| -> BTreeMap<String, Value> {
        v["Environment"]["Variables"]
            .as_mapping()
            .into_iter()
            .flatten()
            .map(|(k, v)| (k.as_str().expect("variable name").to_string(), v.clone()))
            .collect()
    };
    functions_of(template)
        .map(|(id, resource)| {
            let properties = &resource["Properties"];
            let mut environment = variables(globals);
            environment.extend(variables(properties));
            Function {
                logical_id: id.to_string(),
                binary: binary_of(resource),
                code_uri: properties["CodeUri"]
                    .as_str()
                    .or_else(|| globals["CodeUri"].as_str())
                    .map(str::to_string),
                memory_size: properties["MemorySize"]
                    .as_u64()
                    .or_else(|| globals["MemorySize"].as_u64())
                    .unwrap_or(128),
                timeout_seconds: properties["Timeout"]
                    .as_u64()
                    .or_else(|| globals["Timeout"].as_u64())
                    .unwrap_or(3),
                environment,
            }
        })
        .collect()
}

/// The `HttpApi` authorizers that run a Lambda function: authorizer name → the function's
/// binary (from `FunctionArn: !GetAtt <Function>.Arn`).
pub fn lambda_authorizers(template: &Value) -> HashMap<String, String> {
    let resources = &template["Resources"];
    let mut authorizers = HashMap::new();
    for (_, api) in resources.as_mapping().into_iter().flatten() {
        if api["Type"] != "AWS::Serverless::HttpApi" {
            continue;
        }
        for (name, authorizer) in api["Properties"]["Auth"]["Authorizers"]
            .as_mapping()
            .into_iter()
            .flatten()
        {
            let target = match &authorizer["FunctionArn"] {
                Value::Tagged(tagged) if tagged.tag == "!GetAtt" => tagged.value.as_str(),
                _ => None,
            }
            .and_then(|arn| arn.strip_suffix(".Arn"));
            if let (Some(name), Some(target)) = (name.as_str(), target) {
                authorizers.insert(name.to_string(), binary_of(&resources[target]));
            }
        }
    }
    authorizers
}

/// `AllowedHeaders` of the video bucket's CORS rules, lower-cased.
pub fn video_bucket_cors_allowed_headers(template: &Value) -> Vec<String> {
    template["Resources"]["VideoBucket"]["Properties"]["CorsConfiguration"]["CorsRules"]
        .as_sequence()
        .expect("VideoBucket has CorsConfiguration.CorsRules")
        .iter()
        .flat_map(|rule| {
            rule["AllowedHeaders"]
                .as_sequence()
                .cloned()
                .unwrap_or_default()
        })
        .map(|h| h.as_str().expect("header name").to_ascii_lowercase())
        .collect()
}

/// Whether a header name is allowed by CORS `AllowedHeaders` (case-insensitive; `*` and
/// prefix wildcards such as `x-amz-*` as S3 reads them).
pub fn cors_allows_header(allowed: &[String], name: &str) -> bool {
    let name = name.to_ascii_lowercase();
    allowed.iter().any(|a| match a.strip_suffix('*') {
        Some(prefix) => name.starts_with(prefix),
        None => *a == name,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn event(method: &str, path: &str) -> Event {
        Event {
            function: "f".into(),
            method: method.into(),
            path: path.into(),
            auth: RouteAuth::None,
        }
    }

    #[test]
    fn routes_match_by_method_and_segments() {
        let events = [
            event("GET", "/v1/positions/{positionId}"),
            event("POST", "/v1/positions/{positionId}/archive"),
            event("GET", "/v1/positions/{positionId}/interviews"),
        ];
        let (found, params) = route(&events, "GET", "/v1/positions/p1").unwrap();
        assert_eq!(found.path, "/v1/positions/{positionId}");
        assert_eq!(params["positionId"], "p1");
        assert!(route(&events, "POST", "/v1/positions/p1").is_none());
        assert!(route(&events, "GET", "/v1/positions/").is_none());
        assert!(route(&events, "GET", "/v1/positions/p1/archive").is_none());
    }

    #[test]
    fn a_greedy_variable_takes_the_rest_of_the_path() {
        let events = [event("GET", "/app"), event("GET", "/app/{proxy+}")];
        let (found, params) = route(&events, "GET", "/app/assets/v1/app.js").unwrap();
        assert_eq!(found.path, "/app/{proxy+}");
        assert_eq!(params["proxy+"], "assets/v1/app.js");
        assert_eq!(route(&events, "GET", "/app").unwrap().0.path, "/app");
        assert!(route(&events, "GET", "/app/").is_none());
        assert!(route(&events, "GET", "/apps/x").is_none());
    }

    #[test]
    fn cors_wildcards() {
        let allowed = vec!["content-type".to_string(), "x-amz-*".to_string()];
        assert!(cors_allows_header(&allowed, "Content-Type"));
        assert!(cors_allows_header(&allowed, "x-amz-date"));
        assert!(!cors_allows_header(&allowed, "x-amzn-trace-id"));
    }
}
