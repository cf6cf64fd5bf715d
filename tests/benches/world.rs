//! Every route in this process, on the embedded store kept in memory, for measuring our own
//! code without a network or a disk sync in the way: the router `reelview-local` serves,
//! called directly; a store that counts what it is asked (each engine call is one DynamoDB
//! request on AWS); a mailer that only counts; a clock the benchmark sets.

use async_trait::async_trait;
use axum::body::Body;
use axum::http::{header, Method};
use chrono::{DateTime, Utc};
use reelview::app::{App, Links};
use reelview::domain::LinkKey;
use reelview::http::{all_routes, finish, HttpState};
use reelview::local::{DiskVideos, RedbItems};
use reelview::ports::{Clock, MailError, Mailer, OutgoingEmail, PortResult};
use reelview::store::{IndexPage, IndexQuery, Item, ItemEngine, Refused, Store, Write};
use serde_json::{json, Value};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use tower::ServiceExt;

pub const BASE_URL: &str = "http://127.0.0.1:1";
pub const ADMIN_KEY: &str = "bench-admin";

/// What the store and the mailer were asked.
#[derive(Default)]
pub struct Counts {
    pub get: AtomicU64,
    pub batch_get: AtomicU64,
    pub query: AtomicU64,
    pub write: AtomicU64,
    pub mails: AtomicU64,
}

#[derive(Debug, Clone, Copy, Default)]
pub struct Snapshot {
    pub get: u64,
    pub batch_get: u64,
    pub query: u64,
    pub write: u64,
    pub mails: u64,
}

impl Snapshot {
    pub fn store_calls(&self) -> u64 {
        self.get + self.batch_get + self.query + self.write
    }
}

impl Counts {
    pub fn take(&self) -> Snapshot {
        let take = |c: &AtomicU64| c.swap(0, Ordering::Relaxed);
        Snapshot {
            get: take(&self.get),
            batch_get: take(&self.batch_get),
            query: take(&self.query),
            write: take(&self.write),
            mails: take(&self.mails),
        }
    }
}

fn bump(counter: &AtomicU64) {
    counter.fetch_add(1, Ordering::Relaxed);
}

/// An engine that counts the calls it passes on.
struct Counting {
    inner: RedbItems,
    counts: Arc<Counts>,
}

#[async_trait]
impl ItemEngine for Counting {
    async fn get(&self, key: &(String, String)) -> PortResult<Option<Item>> {
        bump(&self.counts.get);
        self.inner.get(key).await
    }
    async fn write(&self, writes: Vec<Write>) -> PortResult<Result<(), Refused>> {
        bump(&self.counts.write);
        self.inner.write(writes).await
    }
    async fn query_partition_after(
        &self,
        pk: &str,
        sort_prefix: &str,
        after: Option<&str>,
        limit: usize,
    ) -> PortResult<Vec<Item>> {
        bump(&self.counts.query);
        self.inner
            .query_partition_after(pk, sort_prefix, after, limit)
            .await
    }
    async fn get_many(&self, keys: &[(String, String)]) -> PortResult<Vec<Option<Item>>> {
        bump(&self.counts.batch_get);
        self.inner.get_many(keys).await
    }
    async fn query_index(&self, query: &IndexQuery<'_>) -> PortResult<IndexPage> {
        bump(&self.counts.query);
        self.inner.query_index(query).await
    }
}

struct CountingMailer(Arc<Counts>);

#[async_trait]
impl Mailer for CountingMailer {
    async fn send(&self, _email: &OutgoingEmail) -> Result<String, MailError> {
        bump(&self.0.mails);
        Ok(uuid::Uuid::new_v4().to_string())
    }
}

pub struct BenchClock(Mutex<DateTime<Utc>>);

impl BenchClock {
    pub fn set(&self, at: DateTime<Utc>) {
        *self.0.lock().expect("clock") = at;
    }
}

impl Clock for BenchClock {
    fn now(&self) -> DateTime<Utc> {
        *self.0.lock().expect("clock")
    }
}

/// One request through `router`: its status and body.
pub async fn send(
    router: &axum::Router,
    method: Method,
    path: &str,
    bearer: Option<&str>,
    body: Option<&Value>,
) -> (u16, axum::body::Bytes) {
    send_with(router, method, path, bearer, &[], body).await
}

/// [`send`] with more headers.
pub async fn send_with(
    router: &axum::Router,
    method: Method,
    path: &str,
    bearer: Option<&str>,
    headers: &[(&str, &str)],
    body: Option<&Value>,
) -> (u16, axum::body::Bytes) {
    let mut request = axum::http::Request::builder().method(method).uri(path);
    for (name, value) in headers {
        request = request.header(*name, *value);
    }
    if let Some(key) = bearer {
        request = request.header(header::AUTHORIZATION, format!("Bearer {key}"));
    }
    let body = match body {
        Some(json) => {
            request = request.header(header::CONTENT_TYPE, "application/json");
            Body::from(json.to_string())
        }
        None => Body::empty(),
    };
    let response = router
        .clone()
        .oneshot(request.body(body).expect("a request"))
        .await
        .expect("the router answers");
    let status = response.status().as_u16();
    let bytes = axum::body::to_bytes(response.into_body(), usize::MAX)
        .await
        .expect("the body");
    (status, bytes)
}

/// Every route on the AWS adapters pointed at the emulator's `aws` resources, in this
/// process: the handlers every function runs, without a server's background jobs (whose
/// calls would mix with the request's). Admin key `bench-admin`.
pub async fn aws_router(aws: &reelview_tests::emulator::Resources) -> axum::Router {
    for (k, v) in reelview_tests::emulator::sdk_env() {
        std::env::set_var(k, v);
    }
    let key = reelview::runtime::link_key_from_secret(reelview_tests::emulator::LINK_KEY_TEXT)
        .expect("the link key");
    let mut app = reelview::runtime::aws_app(reelview::runtime::AwsSettings {
        table: aws.table.clone(),
        video_bucket: aws.bucket.clone(),
        mail_from: aws.mail_from.clone(),
        mail_configuration_set: Some(aws.mail_configuration_set.clone()),
        links: Links::new(Some("https://bench.example"), key),
    })
    .await;
    // Subscriptions check where their URL leads, as the webhooks function does.
    reelview::runtime::local_webhooks(&mut app);
    finish(
        // With the jobs on demand, for the reminder job's calls.
        all_routes().merge(reelview::http::jobs::local_routes()),
        HttpState {
            app,
            admin_key: Some(ADMIN_KEY.into()),
        },
    )
}

pub struct World {
    pub app: App,
    pub links: Links,
    pub clock: Arc<BenchClock>,
    pub counts: Arc<Counts>,
    router: axum::Router,
    _videos: tempfile::TempDir,
}

impl World {
    pub fn new() -> World {
        let counts = Arc::new(Counts::default());
        let engine = Counting {
            inner: RedbItems::in_memory().expect("an in-memory store"),
            counts: counts.clone(),
        };
        let clock = Arc::new(BenchClock(Mutex::new(Utc::now())));
        let mut app = App::with_store(Arc::new(Store::over(engine)), clock.clone());
        let videos = tempfile::tempdir().expect("temp dir");
        app.videos = Some(Arc::new(
            DiskVideos::open(videos.path(), BASE_URL).expect("videos"),
        ));
        app.mailer = Some(Arc::new(CountingMailer(counts.clone())));
        let links = Links::new(Some(BASE_URL), LinkKey::new([7; 32]));
        app.links = Some(links.clone());
        let router = finish(
            all_routes(),
            HttpState {
                app: app.clone(),
                admin_key: Some(ADMIN_KEY.into()),
            },
        );
        World {
            app,
            links,
            clock,
            counts,
            router,
            _videos: videos,
        }
    }

    /// One request through the router: its status and body.
    pub async fn send(
        &self,
        method: Method,
        path: &str,
        bearer: Option<&str>,
        body: Option<&Value>,
    ) -> (u16, axum::body::Bytes) {
        send(&self.router, method, path, bearer, body).await
    }

    pub async fn json(
        &self,
        method: Method,
        path: &str,
        bearer: Option<&str>,
        body: Option<&Value>,
    ) -> (u16, Value) {
        let (status, bytes) = self.send(method, path, bearer, body).await;
        (
            status,
            serde_json::from_slice(&bytes).unwrap_or(Value::Null),
        )
    }

    /// A tenant (its API key) and a position with one recorded question (its id and the
    /// question's).
    pub async fn tenant_and_position(&self) -> (String, String, String) {
        let (status, tenant) = self
            .json(
                Method::POST,
                "/admin/v1/tenants",
                Some(ADMIN_KEY),
                Some(&json!({ "name": "Acme" })),
            )
            .await;
        assert_eq!(status, 201, "{tenant}");
        let key = tenant["apiKey"].as_str().expect("apiKey").to_string();
        let (status, position) = self
            .json(
                Method::POST,
                "/v1/positions",
                Some(&key),
                Some(
                    &json!({ "name": "Engineer", "questions": [{ "text": "Why?", "retakes": 3 }] }),
                ),
            )
            .await;
        assert_eq!(status, 201, "{position}");
        let id = position["id"].as_str().expect("id").to_string();
        let question = position["questions"][0]["id"]
            .as_str()
            .expect("question")
            .to_string();
        (key, id, question)
    }
}
