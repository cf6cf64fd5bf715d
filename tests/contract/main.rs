//! Adapter contract tests: the same contract runs against the embedded adapters
//! (`reelview::local`) and against the AWS adapters (`reelview::aws`) pointed at moto, so the
//! two backends cannot drift apart.
//!
//! One module per port. A contract case is an `async fn` taking a [`Fixture`] (the port built
//! for one backend); `contracts!(case, …)` runs each listed case on every backend, as the
//! tests `<port>::<case>::local` and `<port>::<case>::aws`. A case never asks which backend it
//! runs on: what differs between backends is described by its fixture.
//!
//! `ai` is the exception: the transcription and evaluation adapters have no embedded twin,
//! so each is tested on its own, against moto or a stand-in speaking the service's API.

use reelview::aws::{DynamoStore, S3Videos, SesMailer};
use reelview::local::{DiskVideos, LocalStore, OutboxMailer};
use reelview::ports::{
    IdempotencyStore, InterviewStore, Mailer, PositionStore, ShareStore, SuppressionStore,
    TenantStore, VideoStorage,
};
use reelview_tests::emulator::{self, Resources};
use reelview_tests::Backend;
use std::future::Future;
use std::ops::Deref;
use std::path::PathBuf;
use std::sync::Arc;
use tempfile::TempDir;

/// Generates, for each listed contract case, a module named after it with one test per
/// backend: `local` and `aws`.
macro_rules! contracts {
    ($($case:ident),+ $(,)?) => {$(
        mod $case {
            contracts!(@on super::$case: local = Local, aws = Aws);
        }
    )+};
    (@on $case:path: $($test:ident = $backend:ident),+) => {$(
        #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
        async fn $test() {
            $crate::run($case, $crate::Backend::$backend).await
        }
    )+};
}

mod ai;
mod fixtures;
mod idempotency;
mod interviews;
mod mail;
mod positions;
mod shares;
mod suppressions;
mod tenants;
mod videos;

/// What a contract case runs against: a port built for one backend, fresh for every test.
trait Fixture: Sized {
    async fn build(backend: Backend) -> Self;
}

/// Builds the case's fixture on `backend` and runs the case.
async fn run<F: Fixture, C: Future<Output = ()>>(case: impl FnOnce(F) -> C, backend: Backend) {
    case(F::build(backend).await).await
}

// ---------------------------------------------------------------------------------------------
// The store: every store port over the embedded engine or DynamoDB.

pub trait StorePorts:
    TenantStore + PositionStore + InterviewStore + IdempotencyStore + ShareStore + SuppressionStore
{
}

impl<
        T: TenantStore
            + PositionStore
            + InterviewStore
            + IdempotencyStore
            + ShareStore
            + SuppressionStore,
    > StorePorts for T
{
}

/// An empty store: a fresh data directory, or a fresh table.
pub struct Store {
    ports: Box<dyn StorePorts>,
    /// Dropped after `ports`, so the store is closed before its directory goes.
    _data: Option<TempDir>,
}

impl Deref for Store {
    type Target = dyn StorePorts;

    fn deref(&self) -> &Self::Target {
        self.ports.as_ref()
    }
}

impl Fixture for Store {
    async fn build(backend: Backend) -> Self {
        match backend {
            Backend::Local => {
                let dir = tempfile::tempdir().expect("temp dir");
                let store = LocalStore::open(dir.path()).expect("local store opens");
                Store {
                    ports: Box::new(store),
                    _data: Some(dir),
                }
            }
            Backend::Aws => {
                let resources = Resources::create(true).await;
                let client = aws_sdk_dynamodb::Client::new(&emulator::sdk_config().await);
                Store {
                    ports: Box::new(DynamoStore::new(client, resources.table)),
                    _data: None,
                }
            }
        }
    }
}

// ---------------------------------------------------------------------------------------------
// Video storage: disk videos served on a local port, or S3.

/// An empty video store.
pub struct Videos {
    storage: Arc<dyn VideoStorage>,
    /// Whether a PUT that differs from what was signed (size, type, URL) is refused. Real S3
    /// refuses it (the size and type are signed), but moto does not check presigned
    /// signatures, so only the local adapter is held to it here.
    pub enforces_signed_limits: bool,
    _data: Option<TempDir>,
}

impl Deref for Videos {
    type Target = dyn VideoStorage;

    fn deref(&self) -> &Self::Target {
        self.storage.as_ref()
    }
}

impl Fixture for Videos {
    async fn build(backend: Backend) -> Self {
        match backend {
            Backend::Local => {
                // Signed URLs point at the adapter's own routes, served on a free port.
                let dir = tempfile::tempdir().expect("temp dir");
                let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
                    .await
                    .expect("bind a free port");
                let port = listener.local_addr().expect("local address").port();
                let videos = Arc::new(
                    DiskVideos::open(dir.path(), &format!("http://127.0.0.1:{port}"))
                        .expect("videos open"),
                );
                let routes = videos.clone().routes();
                tokio::spawn(async move {
                    axum::serve(listener, routes)
                        .await
                        .expect("upload routes serve");
                });
                Videos {
                    storage: videos,
                    enforces_signed_limits: true,
                    _data: Some(dir),
                }
            }
            Backend::Aws => {
                let resources = Resources::create(true).await;
                let videos = S3Videos::new(emulator::s3_client().await, resources.bucket);
                Videos {
                    storage: Arc::new(videos),
                    enforces_signed_limits: false,
                    _data: None,
                }
            }
        }
    }
}

// ---------------------------------------------------------------------------------------------
// Mail: an `.eml` outbox, or SES.

/// Where a mailer's messages can be read back.
pub enum Sent {
    Outbox(PathBuf),
    Moto(String),
}

impl Sent {
    pub async fn read(&self) -> Vec<reelview_tests::mail::Mail> {
        match self {
            Sent::Outbox(dir) => reelview_tests::mail::read_outbox(dir),
            Sent::Moto(source) => emulator::sent_mail(source).await,
        }
    }
}

/// A mailer that has sent nothing yet, and where its messages can be read back.
pub struct Mail {
    mailer: Box<dyn Mailer>,
    pub sent: Sent,
    /// The `From` header it writes.
    pub from: String,
    /// The SES configuration set it sends with (the outbox has none).
    pub configuration_set: Option<String>,
    _data: Option<TempDir>,
}

/// A mailer that cannot deliver: an outbox that cannot be written, or an unverified sender.
pub struct UndeliverableMail(pub Mail);

const LOCAL_FROM: &str = "Reelview <hiring@reelview.test>";

impl Mail {
    async fn open(backend: Backend, deliverable: bool) -> Self {
        match backend {
            Backend::Local => {
                let dir = tempfile::tempdir().expect("temp dir");
                let parent = if deliverable {
                    dir.path().to_path_buf()
                } else {
                    // A file where the outbox's parent folder should be: every write fails.
                    let blocker = dir.path().join("not-a-folder");
                    std::fs::write(&blocker, b"").expect("write blocker");
                    blocker
                };
                let outbox = parent.join("outbox");
                Mail {
                    mailer: Box::new(OutboxMailer::new(outbox.clone(), LOCAL_FROM.into())),
                    sent: Sent::Outbox(outbox),
                    from: LOCAL_FROM.into(),
                    configuration_set: None,
                    _data: Some(dir),
                }
            }
            Backend::Aws => {
                let resources = Resources::create(deliverable).await;
                let client = aws_sdk_sesv2::Client::new(&emulator::sdk_config().await);
                let configuration_set = Some(resources.mail_configuration_set.clone());
                Mail {
                    mailer: Box::new(
                        SesMailer::new(client, resources.mail_from.clone())
                            .with_configuration_set(configuration_set.clone()),
                    ),
                    sent: Sent::Moto(resources.mail_from.clone()),
                    from: resources.mail_from,
                    configuration_set,
                    _data: None,
                }
            }
        }
    }
}

impl Deref for Mail {
    type Target = dyn Mailer;

    fn deref(&self) -> &Self::Target {
        self.mailer.as_ref()
    }
}

impl Fixture for Mail {
    async fn build(backend: Backend) -> Self {
        Mail::open(backend, true).await
    }
}

impl Fixture for UndeliverableMail {
    async fn build(backend: Backend) -> Self {
        UndeliverableMail(Mail::open(backend, false).await)
    }
}
