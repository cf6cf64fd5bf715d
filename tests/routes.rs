//! The deployed system and the local one never drift apart: the template's functions and
//! routes are exactly those of the manifest (`reelview::functions`), every route is served by
//! its function's router and by `reelview-local`, and each function is given exactly the
//! settings its manifest entry needs.

use axum::Router;
use reelview::functions::{self, Function};
use reelview::http::{all_routes, finish, HttpState};
use reelview_tests::template::{self as deployed, http_events, template, Event, RouteAuth};
use std::collections::BTreeSet;

/// A concrete URL path for a route template: ids are uuids, the asset one that exists.
fn concrete(path: &str) -> String {
    path.split('/')
        .map(|segment| match segment {
            "{asset}" => "candidate.js".to_string(),
            "{token}" => "A".repeat(43),
            s if s.starts_with('{') => "0190a7a4-8b0e-7c3d-9a7e-1f2a3b4c5d6e".to_string(),
            s => s.to_string(),
        })
        .collect::<Vec<_>>()
        .join("/")
}

async fn serve(routes: Router<HttpState>, dir: &std::path::Path) -> String {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let base = format!("http://{}", listener.local_addr().unwrap());
    let (app, uploads) =
        reelview::runtime::local_app(dir, &base, dir.join("outbox"), "a@b.co".into())
            .unwrap_or_else(|e| panic!("{}: {e}", dir.display()));
    let state = HttpState {
        app,
        admin_key: Some("admin".into()),
    };
    let service = finish(routes, state).merge(uploads);
    tokio::spawn(async move { axum::serve(listener, service).await.unwrap() });
    base
}

/// Whether the router has a handler for the route: anything but the unknown-route problem
/// (404 `not_found`) and 405.
async fn served(base: &str, event: &Event) -> bool {
    let method = reqwest::Method::from_bytes(event.method.as_bytes()).unwrap();
    let response = reqwest::Client::new()
        .request(method, format!("{base}{}", concrete(&event.path)))
        .header("content-type", "application/json")
        .body("{}")
        .send()
        .await
        .unwrap();
    let status = response.status().as_u16();
    let body: serde_json::Value = response.json().await.unwrap_or_default();
    status != 405 && !(status == 404 && body["code"] == "not_found")
}

fn manifest(name: &str) -> &'static Function {
    functions::named(name)
        .unwrap_or_else(|| panic!("{name} is in the template, not in the manifest"))
}

#[test]
fn the_template_deploys_exactly_the_manifest() {
    let template = template();
    let events = http_events(&template);
    assert!(events.len() >= 20, "the template's routes were read");
    let in_template: BTreeSet<String> = deployed::functions(&template)
        .into_iter()
        .map(|f| f.binary)
        .collect();
    let listed: BTreeSet<String> = functions::ALL.iter().map(|f| f.name.to_string()).collect();
    assert_eq!(in_template, listed, "template functions vs manifest");
    for function in functions::ALL {
        let in_template: BTreeSet<(String, String)> = events
            .iter()
            .filter(|e| e.function == function.name)
            .map(|e| (e.method.clone(), e.path.clone()))
            .collect();
        let in_manifest: BTreeSet<(String, String)> = function
            .routes
            .iter()
            .map(|(m, p)| (m.to_string(), p.to_string()))
            .collect();
        assert_eq!(in_template, in_manifest, "routes of {}", function.name);
        assert_eq!(
            function.router.is_some(),
            !function.routes.is_empty(),
            "{} has routes exactly when it has a router",
            function.name
        );
    }
}

/// `sam build` runs `cargo lambda build --bin <Binary>` in the function's `CodeUri`. From the
/// workspace root cargo would resolve the features of every member together and link every
/// adapter into every function; from the function's own member directory it resolves that
/// function's alone.
#[test]
fn each_function_is_built_in_its_own_workspace_member() {
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("..");
    for function in deployed::functions(&template()) {
        let code_uri = function.code_uri.as_deref().unwrap_or_else(|| {
            panic!("{} has no CodeUri", function.binary);
        });
        let manifest =
            std::fs::read_to_string(root.join("infra").join(code_uri).join("Cargo.toml"))
                .unwrap_or_else(|e| {
                    panic!("{}: {code_uri} is not a package: {e}", function.binary)
                });
        assert!(
            manifest.contains(&format!("name = \"{}\"", function.binary)),
            "{}: {code_uri} holds another package",
            function.binary
        );
    }
}

#[test]
fn each_function_gets_exactly_the_settings_it_needs() {
    let template = deployed::functions(&template());
    for function in functions::ALL {
        let entry = template
            .iter()
            .find(|f| f.binary == function.name)
            .unwrap_or_else(|| panic!("{} is not in the template", function.name));
        let given: BTreeSet<String> = entry
            .environment
            .keys()
            .filter(|&name| name.starts_with("REELVIEW_") || name == "PUBLIC_BASE_URL")
            .cloned()
            .collect();
        let needs = function.needs;
        let mut wanted = BTreeSet::new();
        let mut want = |on: bool, names: &[&str]| {
            if on {
                wanted.extend(names.iter().map(|n| n.to_string()));
            }
        };
        want(needs.store, &["REELVIEW_TABLE"]);
        // Amazon Transcribe writes its output to the video bucket.
        want(
            needs.videos || needs.transcriber,
            &["REELVIEW_VIDEO_BUCKET"],
        );
        want(
            needs.followup_switches,
            &["REELVIEW_TRANSCRIPTION", "REELVIEW_EVALUATION_MODEL"],
        );
        want(needs.evaluator, &["REELVIEW_EVALUATION_MODEL"]);
        want(
            needs.mail,
            &["REELVIEW_MAIL_FROM", "REELVIEW_MAIL_CONFIGURATION_SET"],
        );
        want(
            needs.links,
            &["REELVIEW_LINK_KEY_SECRET", "PUBLIC_BASE_URL"],
        );
        assert_eq!(given, wanted, "settings of {}", function.name);
    }
}

#[tokio::test]
async fn every_deployed_route_is_served_by_its_function_and_locally() {
    let events = http_events(&template());
    let dir = tempfile::tempdir().unwrap();
    let local = serve(all_routes(), &dir.path().join("local")).await;
    let mut bases = std::collections::HashMap::new();
    for event in &events {
        let function = manifest(&event.function);
        if !bases.contains_key(&event.function) {
            let router = function
                .router
                .unwrap_or_else(|| panic!("{} has routes but no router", function.name));
            let base = serve(router(), &dir.path().join(&event.function)).await;
            bases.insert(event.function.clone(), base);
        }
        assert!(
            served(&bases[&event.function], event).await,
            "{} does not serve {} {}",
            event.function,
            event.method,
            event.path
        );
        assert!(
            served(&local, event).await,
            "reelview-local does not serve {} {}",
            event.method,
            event.path
        );
    }
}

#[test]
fn route_templates_become_concrete_paths() {
    assert_eq!(
        concrete("/v1/nope/{id}"),
        "/v1/nope/0190a7a4-8b0e-7c3d-9a7e-1f2a3b4c5d6e"
    );
}

#[tokio::test]
async fn an_unknown_route_is_reported_as_not_served() {
    let dir = tempfile::tempdir().unwrap();
    let base = serve(reelview::http::invite::routes(), dir.path()).await;
    let absent = Event {
        function: "reelview-invite".into(),
        method: "GET".into(),
        path: "/v1/positions".into(),
        auth: RouteAuth::None,
    };
    assert!(!served(&base, &absent).await);
}

/// The `reelview` features a function's crate enables, from its Cargo.toml.
fn crate_features(function: &str) -> BTreeSet<String> {
    let dir = function.trim_start_matches("reelview-");
    let path = reelview_tests::workspace_root().join(format!("functions/{dir}/Cargo.toml"));
    let manifest = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{path:?}: {e}"));
    let line = manifest
        .lines()
        .find(|l| l.starts_with("reelview = ") || l.starts_with("reelview.workspace"))
        .unwrap_or_else(|| panic!("{path:?} does not depend on reelview"));
    match line.split_once("features = [") {
        None => BTreeSet::new(),
        Some((_, rest)) => rest
            .split(']')
            .next()
            .unwrap_or_default()
            .split(',')
            .map(|f| f.trim().trim_matches('"').to_string())
            .filter(|f| !f.is_empty())
            .collect(),
    }
}

/// Built on its own (as `sam build` builds it), a function compiles only the SDK crates its
/// manifest entry needs: the features of its crate say exactly that.
#[test]
fn each_function_crate_enables_exactly_the_clients_it_needs() {
    for function in functions::ALL {
        let features = crate_features(function.name);
        let has = |f: &str| features.contains(f);
        let needs = function.needs;
        let aws = ["aws", "aws-s3", "aws-ses", "aws-transcribe", "aws-bedrock"]
            .iter()
            .any(|f| has(f));
        assert_eq!(
            aws, needs.store,
            "{}: the table client ({features:?})",
            function.name
        );
        assert_eq!(
            has("aws-s3"),
            needs.videos,
            "{}: S3 ({features:?})",
            function.name
        );
        assert_eq!(
            has("aws-ses"),
            needs.mail,
            "{}: SES ({features:?})",
            function.name
        );
        assert_eq!(
            has("aws-transcribe"),
            needs.transcriber,
            "{}: Transcribe ({features:?})",
            function.name
        );
        assert_eq!(
            has("aws-bedrock"),
            needs.evaluator,
            "{}: Bedrock ({features:?})",
            function.name
        );
        assert_eq!(
            has("webhooks"),
            needs.webhook_sender,
            "{}: the webhook client ({features:?})",
            function.name
        );
    }
}

/// The IAM actions a function's template entry grants (none without `Policies`). Every policy
/// must be an inline statement: SAM policy templates grant more than a function calls.
fn granted_actions(name: &str, resource: &serde_yaml::Value) -> BTreeSet<String> {
    let mut actions = BTreeSet::new();
    let Some(policies) = resource["Properties"]["Policies"].as_sequence() else {
        return actions;
    };
    for policy in policies {
        let statements = policy
            .get("Statement")
            .and_then(|s| s.as_sequence())
            .unwrap_or_else(|| {
                panic!("{name}: a policy that is not an inline statement: {policy:?}")
            });
        for statement in statements {
            match &statement["Action"] {
                serde_yaml::Value::String(one) => {
                    actions.insert(one.clone());
                }
                serde_yaml::Value::Sequence(many) => {
                    actions.extend(many.iter().filter_map(|a| a.as_str().map(str::to_string)));
                }
                other => panic!("unexpected Action {other:?}"),
            }
        }
    }
    actions
}

/// Every function is granted exactly the actions its code calls, as the manifest lists them:
/// nothing more, nothing missing, no wildcard, and never a Scan.
#[test]
fn every_function_is_granted_exactly_what_it_calls() {
    let template = template();
    let mut exact = Vec::new();
    for (_, resource) in template["Resources"].as_mapping().unwrap() {
        if resource["Type"] != "AWS::Serverless::Function" {
            continue;
        }
        let name = resource["Metadata"]["BuildProperties"]["Binary"]
            .as_str()
            .unwrap();
        let granted = granted_actions(name, resource);
        for action in &granted {
            assert!(
                !action.contains('*'),
                "{name} is granted a wildcard: {action}"
            );
            assert_ne!(action, "dynamodb:Scan", "{name} may scan the table");
        }
        let called: BTreeSet<String> = manifest(name)
            .aws_actions
            .iter()
            .map(|a| a.to_string())
            .collect();
        assert_eq!(granted, called, "IAM actions of {name}");
        exact.push(name.to_string());
    }
    assert_eq!(
        exact.len(),
        functions::ALL.len(),
        "every function was checked"
    );
}

/// A method a route does not take is a problem+json 405, like every other client mistake.
#[tokio::test]
async fn a_wrong_method_is_a_problem() {
    let dir = tempfile::tempdir().unwrap();
    let base = serve(all_routes(), dir.path()).await;
    let response = reqwest::Client::new()
        .delete(format!("{base}/v1/positions"))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 405);
    assert_eq!(
        response.headers()["content-type"],
        "application/problem+json"
    );
    let body: serde_json::Value = response.json().await.unwrap();
    assert_eq!(body["code"], "method_not_allowed");
}

/// The contract documents every route the deployment serves, with the same method and path.
#[test]
fn every_deployed_route_is_in_the_openapi_contract() {
    let path = reelview_tests::workspace_root().join("infra/openapi.yaml");
    let contract: serde_yaml::Value =
        serde_yaml::from_str(&std::fs::read_to_string(path).unwrap()).unwrap();
    let mut missing = Vec::new();
    for function in functions::ALL {
        for (method, route) in function.routes {
            // OpenAPI has no greedy parameter: API Gateway's `{proxy+}` is `{proxy}` there.
            let path = route.replace("+}", "}");
            let documented = contract["paths"][path.as_str()]
                .get(method.to_ascii_lowercase())
                .is_some();
            if !documented {
                missing.push(format!("{method} {route} ({})", function.name));
            }
        }
    }
    assert!(
        missing.is_empty(),
        "not in infra/openapi.yaml: {missing:#?}"
    );
}

/// The logical id a `!Ref` names.
fn ref_of(value: &serde_yaml::Value) -> Option<&str> {
    match value {
        serde_yaml::Value::Tagged(tagged) if tagged.tag == "!Ref" => tagged.value.as_str(),
        _ => None,
    }
}

/// Every function that sends mail sends with the configuration set whose event destination
/// publishes deliveries, bounces, complaints and opens to the topic that invokes
/// `reelview-email-events`, and only SES may publish to that topic.
#[test]
fn what_ses_reports_about_sent_mail_reaches_the_email_events_function() {
    let template = template();
    let resources = &template["Resources"];
    let of_type = |kind: &str| -> Vec<(&str, &serde_yaml::Value)> {
        resources
            .as_mapping()
            .unwrap()
            .iter()
            .filter(|(_, r)| r["Type"] == kind)
            .map(|(id, r)| (id.as_str().unwrap(), r))
            .collect()
    };
    let configuration_sets = of_type("AWS::SES::ConfigurationSet");
    let [(configuration_set, _)] = configuration_sets[..] else {
        panic!("one SES configuration set: {configuration_sets:?}");
    };
    for function in deployed::functions(&template) {
        let needs = manifest(&function.binary).needs;
        if needs.mail {
            assert_eq!(
                function
                    .environment
                    .get("REELVIEW_MAIL_CONFIGURATION_SET")
                    .and_then(ref_of),
                Some(configuration_set),
                "{} sends with the configuration set",
                function.binary
            );
            // SES authorizes a send on the configuration set too.
            let resource = &resources[function.logical_id.as_str()];
            let statements = resource["Properties"]["Policies"][0]["Statement"]
                .as_sequence()
                .expect("inline statements");
            let sends = statements
                .iter()
                .find(|s| format!("{:?}", s["Action"]).contains("ses:SendEmail"))
                .unwrap_or_else(|| panic!("{} may not send", function.binary));
            let allowed = format!("{:?}", sends["Resource"]);
            assert!(
                allowed.contains(&format!("configuration-set/${{{configuration_set}}}")),
                "{} may send with the configuration set: {allowed}",
                function.binary
            );
        }
    }

    let destinations = of_type("AWS::SES::ConfigurationSetEventDestination");
    let [(_, destination)] = destinations[..] else {
        panic!("one event destination: {destinations:?}");
    };
    let properties = &destination["Properties"];
    assert_eq!(
        ref_of(&properties["ConfigurationSetName"]),
        Some(configuration_set)
    );
    let types: BTreeSet<&str> = properties["EventDestination"]["MatchingEventTypes"]
        .as_sequence()
        .expect("MatchingEventTypes")
        .iter()
        .filter_map(|t| t.as_str())
        .collect();
    assert_eq!(
        types,
        BTreeSet::from(["delivery", "bounce", "complaint", "open"]),
        "the events reelview-email-events records"
    );
    assert_eq!(properties["EventDestination"]["Enabled"], true);
    let topic = ref_of(&properties["EventDestination"]["SnsDestination"]["TopicARN"])
        .expect("an SNS destination");
    assert_eq!(resources[topic]["Type"], "AWS::SNS::Topic");

    let subscribed: Vec<String> = of_type("AWS::Serverless::Function")
        .into_iter()
        .filter(|(_, f)| {
            f["Properties"]["Events"]
                .as_mapping()
                .into_iter()
                .flatten()
                .any(|(_, e)| {
                    e["Type"] == "SNS" && ref_of(&e["Properties"]["Topic"]) == Some(topic)
                })
        })
        .map(|(_, f)| {
            f["Metadata"]["BuildProperties"]["Binary"]
                .as_str()
                .unwrap()
                .to_string()
        })
        .collect();
    assert_eq!(subscribed, ["reelview-email-events"]);

    let policies: Vec<&serde_yaml::Value> = of_type("AWS::SNS::TopicPolicy")
        .into_iter()
        .map(|(_, p)| &p["Properties"])
        .filter(|p| {
            p["Topics"]
                .as_sequence()
                .is_some_and(|t| t.iter().any(|t| ref_of(t) == Some(topic)))
        })
        .collect();
    let [policy] = policies[..] else {
        panic!("one policy of the topic: {policies:?}");
    };
    for statement in policy["PolicyDocument"]["Statement"].as_sequence().unwrap() {
        assert_eq!(statement["Principal"]["Service"], "ses.amazonaws.com");
        assert_eq!(statement["Action"], "sns:Publish");
        assert!(
            !statement["Condition"]["StringEquals"]["AWS:SourceArn"].is_null(),
            "only this deployment's configuration set publishes"
        );
    }
}
