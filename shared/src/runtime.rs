//! Process start-up shared by every function and by `reelview-local`: configuration from the
//! environment and the adapters built once, before the first request.

use crate::app::{App, Config};
use crate::domain::LinkKey;
use crate::http::HttpState;
use crate::ports::{OsRandom, SystemClock};
use sha2::{Digest, Sha256};
use std::sync::Arc;

/// Reads an environment variable, treating empty as unset.
pub fn env(name: &str) -> Option<String> {
    std::env::var(name).ok().filter(|v| !v.trim().is_empty())
}

pub fn require_env(name: &str) -> Result<String, String> {
    env(name).ok_or_else(|| format!("{name} must be set"))
}

/// The link key from its secret text (at least 32 characters); hashing it accepts any
/// generated secret format while always yielding 256 bits.
pub fn link_key_from_secret(secret: &str) -> Result<LinkKey, String> {
    if secret.len() < 32 {
        return Err("REELVIEW_LINK_KEY must be at least 32 characters".into());
    }
    Ok(LinkKey::new(Sha256::digest(secret.as_bytes()).into()))
}

/// Logs as JSON-free plain lines; `RUST_LOG` filters (default `info`).
pub fn init_tracing() {
    let filter = tracing_subscriber::EnvFilter::try_from_default_env()
        .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new("info"));
    let _ = tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_target(false)
        .with_writer(std::io::stderr)
        .without_time()
        .with_ansi(std::io::IsTerminal::is_terminal(&std::io::stderr()))
        .try_init();
}

/// What a deployment on AWS is configured with.
#[cfg(feature = "aws")]
pub struct AwsSettings {
    pub table: String,
    pub video_bucket: String,
    pub mail_from: String,
    pub link_key: LinkKey,
    /// Empty: each request's host (see `HttpState::app_for`).
    pub public_base_url: String,
}

#[cfg(feature = "aws")]
impl AwsSettings {
    /// From `REELVIEW_TABLE`, `REELVIEW_VIDEO_BUCKET`, `REELVIEW_MAIL_FROM`,
    /// `REELVIEW_LINK_KEY` and `PUBLIC_BASE_URL`.
    pub fn from_env() -> Result<Self, String> {
        Ok(Self {
            table: require_env("REELVIEW_TABLE")?,
            video_bucket: require_env("REELVIEW_VIDEO_BUCKET")?,
            mail_from: require_env("REELVIEW_MAIL_FROM")?,
            link_key: link_key_from_secret(&require_env("REELVIEW_LINK_KEY")?)?,
            public_base_url: env("PUBLIC_BASE_URL").unwrap_or_default(),
        })
    }
}

/// The ports of a deployment on AWS; SDK clients are built here, once per process.
#[cfg(feature = "aws")]
pub async fn aws_app(settings: AwsSettings) -> App {
    use crate::aws::{AwsClients, DynamoStore, S3Videos, SesMailer};
    let clients = AwsClients::from_env().await;
    let store = Arc::new(DynamoStore::new(clients.dynamodb.clone(), settings.table));
    App {
        config: Config {
            public_base_url: settings.public_base_url.trim_end_matches('/').to_string(),
            link_key: settings.link_key,
        },
        tenants: store.clone(),
        positions: store.clone(),
        interviews: store.clone(),
        idempotency: store,
        videos: Arc::new(S3Videos::new(clients.s3, settings.video_bucket)),
        mailer: Arc::new(SesMailer::new(clients.ses, settings.mail_from)),
        clock: Arc::new(SystemClock),
        secrets: Arc::new(OsRandom),
    }
}

/// The state of a Lambda function: AWS adapters, admin routes guarded by IAM.
#[cfg(feature = "aws")]
pub async fn lambda_state() -> Result<HttpState, String> {
    Ok(HttpState {
        app: aws_app(AwsSettings::from_env()?).await,
        admin_key: None,
    })
}

/// Default sender for local runs.
pub const LOCAL_MAIL_FROM: &str = "Reelview <no-reply@reelview.local>";

/// A link key kept in the data directory, so links survive restarts of a local run.
#[cfg(feature = "local")]
pub fn local_link_key(data_dir: &std::path::Path) -> Result<LinkKey, String> {
    if let Some(secret) = env("REELVIEW_LINK_KEY") {
        return link_key_from_secret(&secret);
    }
    let path = data_dir.join("link.key");
    let secret = match std::fs::read_to_string(&path) {
        Ok(text) if text.trim().len() >= 32 => text.trim().to_string(),
        _ => {
            let bytes: [u8; 32] = rand::random();
            let text: String = bytes.iter().map(|b| format!("{b:02x}")).collect();
            std::fs::create_dir_all(data_dir).map_err(|e| e.to_string())?;
            std::fs::write(&path, &text).map_err(|e| format!("writing {}: {e}", path.display()))?;
            text
        }
    };
    link_key_from_secret(&secret)
}

/// The ports of a local run: everything under `data_dir`, no AWS account needed. Returns the
/// app and the routes that receive uploads and serve downloads.
#[cfg(feature = "local")]
pub fn local_app(
    data_dir: &std::path::Path,
    public_base_url: &str,
    outbox: std::path::PathBuf,
    mail_from: String,
) -> Result<(App, axum::Router), String> {
    use crate::local::{DiskVideos, LocalStore, OutboxMailer};
    let store = Arc::new(LocalStore::open(data_dir).map_err(|e| e.0)?);
    let videos = Arc::new(DiskVideos::open(data_dir, public_base_url).map_err(|e| e.0)?);
    let app = App {
        config: Config {
            public_base_url: public_base_url.trim_end_matches('/').to_string(),
            link_key: local_link_key(data_dir)?,
        },
        tenants: store.clone(),
        positions: store.clone(),
        interviews: store.clone(),
        idempotency: store,
        videos: videos.clone(),
        mailer: Arc::new(OutboxMailer::new(outbox, mail_from)),
        clock: Arc::new(SystemClock),
        secrets: Arc::new(OsRandom),
    };
    Ok((app, videos.routes()))
}
