//! Use cases, one module each, as functions over the ports. Business rules live here; an
//! interview's own transitions live on `domain::Interview`.

pub mod answers;
pub mod api_keys;
pub mod apply;
pub mod batch;
pub mod comments;
pub mod complete;
pub mod deadlines;
pub mod delete_interview;
mod delivery;
pub mod email;
pub mod email_events;
pub mod erasure;
mod error;
pub mod evaluation;
pub mod followups;
pub mod input;
pub mod insights;
pub mod interviews;
pub mod invite;
mod links;
pub mod positions;
pub mod purge;
pub mod reinvite;
pub mod reminders;
pub mod resend;
pub mod retention;
pub mod review;
#[cfg(all(test, feature = "local"))]
mod scenarios;
pub mod session;
pub mod shares;
pub mod suppression;
pub mod team;
pub mod tenants;
#[cfg(all(test, feature = "local"))]
pub(crate) mod testing;
pub mod transcription;
pub mod upload;
pub mod webhook_delivery;
pub mod webhooks;

pub use delivery::Invited;
pub use error::{Error, FieldError, Result};
pub use links::Links;

use crate::ports::{
    Clock, CommentStore, Evaluator, IdempotencyStore, InsightStore, InterviewStore, Mailer,
    PositionStore, RateLimits, SecretSource, ShareStore, SuppressionStore, TenantStore,
    Transcriber, VideoStorage, WebhookSender, WebhookStore,
};
use std::sync::Arc;

/// The ports a running process has, built once at start-up and shared by every request. A
/// function gets only the adapters its routes use: video storage, mail and links are absent
/// where nothing needs them, and asking for one there is an internal error.
#[derive(Clone)]
pub struct App {
    pub tenants: Arc<dyn TenantStore>,
    pub positions: Arc<dyn PositionStore>,
    pub interviews: Arc<dyn InterviewStore>,
    pub idempotency: Arc<dyn IdempotencyStore>,
    pub shares: Arc<dyn ShareStore>,
    pub comments: Arc<dyn CommentStore>,
    pub rate_limits: Arc<dyn RateLimits>,
    pub suppressions: Arc<dyn SuppressionStore>,
    pub videos: Option<Arc<dyn VideoStorage>>,
    pub mailer: Option<Arc<dyn Mailer>>,
    /// Makes public URLs; see [`Links`].
    pub links: Option<Links>,
    pub clock: Arc<dyn Clock>,
    pub secrets: Arc<dyn SecretSource>,
    /// Transcripts, evaluations and the work queued for them.
    pub insights: Arc<dyn InsightStore>,
    /// What the deployment does after a request; see [`Followups`].
    pub followups: Followups,
    /// Where followups run: the transcription service and the evaluation's model.
    pub transcriber: Option<Arc<dyn Transcriber>>,
    pub evaluator: Option<Arc<dyn Evaluator>>,
    /// Webhook subscriptions and their deliveries.
    pub webhooks: Arc<dyn WebhookStore>,
    /// Delivers webhooks (and checks subscription URLs); absent where nothing does.
    pub webhook_sender: Option<Arc<dyn WebhookSender>>,
}

/// Whether confirmed recordings are transcribed and completed interviews evaluated (where
/// their position asks). Both are off unless the deployment switches them on; the functions
/// that queue the work only need to know this, not the services that do it.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Followups {
    pub transcribe: bool,
    pub evaluate: bool,
}

impl App {
    /// An app whose store ports are all `store`, on `clock`, with OS randomness; video
    /// storage, mail and links are added by the caller where its function needs them.
    pub fn with_store<S>(store: Arc<S>, clock: Arc<dyn Clock>) -> Self
    where
        S: TenantStore
            + PositionStore
            + InterviewStore
            + IdempotencyStore
            + ShareStore
            + CommentStore
            + RateLimits
            + SuppressionStore
            + InsightStore
            + WebhookStore
            + 'static,
    {
        Self {
            tenants: store.clone(),
            positions: store.clone(),
            interviews: store.clone(),
            idempotency: store.clone(),
            shares: store.clone(),
            comments: store.clone(),
            rate_limits: store.clone(),
            suppressions: store.clone(),
            insights: store.clone(),
            webhooks: store,
            webhook_sender: None,
            followups: Followups::default(),
            transcriber: None,
            evaluator: None,
            videos: None,
            mailer: None,
            links: None,
            clock,
            secrets: Arc::new(crate::ports::OsRandom),
        }
    }

    pub fn videos(&self) -> Result<&dyn VideoStorage> {
        self.videos
            .as_deref()
            .ok_or_else(|| Error::Internal("this function has no video storage".into()))
    }

    pub fn mailer(&self) -> Result<&dyn Mailer> {
        self.mailer
            .as_deref()
            .ok_or_else(|| Error::Internal("this function sends no mail".into()))
    }

    pub fn links(&self) -> Result<&Links> {
        self.links
            .as_ref()
            .ok_or_else(|| Error::Internal("this function makes no links".into()))
    }
}

/// The authenticated caller of a recruiter route. On AWS the Lambda authorizer resolves it
/// (and API Gateway caches the answer); locally the same lookup runs in-process.
#[derive(Debug, Clone, PartialEq)]
pub struct Caller {
    pub tenant_id: crate::domain::TenantId,
    pub tenant_name: String,
    pub monthly_invite_limit: Option<u32>,
    /// The API key the request came with; `None` for the product acting on its own (the
    /// public apply form).
    pub key_id: Option<crate::domain::ApiKeyId>,
    /// That key's label, which signs comments.
    pub key_label: String,
}

impl Caller {
    /// The tenant acting through one of its keys.
    pub fn with_key(tenant: &crate::domain::Tenant, key: &crate::domain::ApiKey) -> Self {
        Self {
            key_id: Some(key.id),
            key_label: key.label.to_string(),
            ..Self::system(tenant, "")
        }
    }

    /// The tenant acting without a key: the product on its behalf (`label` says what).
    pub fn system(tenant: &crate::domain::Tenant, label: &str) -> Self {
        Self {
            tenant_id: tenant.id,
            tenant_name: tenant.name.to_string(),
            monthly_invite_limit: tenant.monthly_invite_limit,
            key_id: None,
            key_label: label.to_string(),
        }
    }
}

/// Runs `attempt` again while it loses an optimistic-concurrency race. Each attempt re-reads
/// what it changes, so the last writer never silently overwrites the first.
pub(crate) async fn retry_on_conflict<T, F, Fut>(mut attempt: F) -> Result<T>
where
    F: FnMut() -> Fut,
    Fut: std::future::Future<Output = Result<T>>,
{
    const ATTEMPTS: usize = 5;
    for _ in 1..ATTEMPTS {
        match attempt().await {
            Err(Error::ConcurrentModification) => continue,
            other => return other,
        }
    }
    attempt().await
}
