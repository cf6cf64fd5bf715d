//! The deployed system and the local one never drift apart: every HTTP route in
//! `infra/template.yaml` is served by the function the template sends it to, and by
//! `reelview-local`; every route group has its function in the template.

use reelview::http::{router, HttpState, RouteGroup};
use reelview_tests::workspace_root;
use serde_yaml::Value;

struct Event {
    function: String,
    method: String,
    path: String,
}

fn template() -> Value {
    let text = std::fs::read_to_string(workspace_root().join("infra/template.yaml")).unwrap();
    serde_yaml::from_str(&text).unwrap()
}

fn http_events(template: &Value) -> Vec<Event> {
    let mut events = Vec::new();
    for (_, resource) in template["Resources"].as_mapping().unwrap() {
        if resource["Type"] != "AWS::Serverless::Function" {
            continue;
        }
        let function = resource["Metadata"]["BuildProperties"]["Binary"]
            .as_str()
            .unwrap()
            .to_string();
        for (_, event) in resource["Properties"]["Events"]
            .as_mapping()
            .into_iter()
            .flatten()
        {
            if event["Type"] == "HttpApi" {
                events.push(Event {
                    function: function.clone(),
                    method: event["Properties"]["Method"]
                        .as_str()
                        .unwrap()
                        .to_uppercase(),
                    path: event["Properties"]["Path"].as_str().unwrap().to_string(),
                });
            }
        }
    }
    events
}

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

async fn serve(groups: &[RouteGroup], dir: &std::path::Path) -> String {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let base = format!("http://{}", listener.local_addr().unwrap());
    let (app, uploads) =
        reelview::runtime::local_app(dir, &base, dir.join("outbox"), "a@b.co".into())
            .unwrap_or_else(|e| panic!("{}: {e}", dir.display()));
    let service = router(
        HttpState {
            app,
            admin_key: Some("admin".into()),
        },
        groups,
    )
    .merge(uploads);
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

#[tokio::test]
async fn every_deployed_route_is_served_by_its_function_and_locally() {
    let template = template();
    let events = http_events(&template);
    assert!(events.len() >= 20, "the template's routes were read");
    let dir = tempfile::tempdir().unwrap();
    let local = serve(&RouteGroup::ALL, &dir.path().join("local")).await;
    let mut functions = std::collections::HashMap::new();
    for event in &events {
        let group = RouteGroup::of_function(&event.function)
            .unwrap_or_else(|| panic!("{} has routes but no route group", event.function));
        if !functions.contains_key(&event.function) {
            let base = serve(&[group], &dir.path().join(&event.function)).await;
            functions.insert(event.function.clone(), base);
        }
        assert!(
            served(&functions[&event.function], event).await,
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
    for group in RouteGroup::ALL {
        assert!(
            events.iter().any(|e| e.function == group.function()),
            "{} has no routes in infra/template.yaml",
            group.function()
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
    let base = serve(&[RouteGroup::Invite], dir.path()).await;
    let absent = Event {
        function: "reelview-invite".into(),
        method: "GET".into(),
        path: "/v1/positions".into(),
    };
    assert!(!served(&base, &absent).await);
}
