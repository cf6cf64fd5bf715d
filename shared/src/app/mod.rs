//! Use cases, one module each. All business rules live here, once, as functions over ports.

pub mod candidate;
pub mod email;
mod error;
pub mod invite;
pub mod positions;
pub mod tenants;
#[cfg(all(test, feature = "local"))]
pub(crate) mod testing;
pub mod upload;

pub use error::{Error, FieldError, Result};

use crate::ports::{
    Clock, IdempotencyStore, InterviewStore, Mailer, PositionStore, SecretSource, TenantStore,
    VideoStorage,
};
use std::sync::Arc;

/// Settings every deployment provides.
#[derive(Debug, Clone)]
pub struct Config {
    /// Where candidate links point, without a trailing slash, e.g. `https://interviews.acme.com`.
    pub public_base_url: String,
    /// Derives candidate link tokens; see `domain::LinkKey`.
    pub link_key: crate::domain::LinkKey,
}

impl Config {
    pub fn candidate_url(&self, token: &str) -> String {
        format!("{}/i/{token}", self.public_base_url)
    }
}

/// The ports a running process has, built once at start-up and shared by every request.
#[derive(Clone)]
pub struct App {
    pub config: Config,
    pub tenants: Arc<dyn TenantStore>,
    pub positions: Arc<dyn PositionStore>,
    pub interviews: Arc<dyn InterviewStore>,
    pub idempotency: Arc<dyn IdempotencyStore>,
    pub videos: Arc<dyn VideoStorage>,
    pub mailer: Arc<dyn Mailer>,
    pub clock: Arc<dyn Clock>,
    pub secrets: Arc<dyn SecretSource>,
}

/// The authenticated caller of a recruiter route. On AWS the Lambda authorizer resolves it
/// (and API Gateway caches the answer); locally the same lookup runs in-process.
#[derive(Debug, Clone, PartialEq)]
pub struct Caller {
    pub tenant_id: crate::domain::TenantId,
    pub tenant_name: String,
    pub monthly_invite_limit: Option<u32>,
}

impl Caller {
    pub fn of(tenant: &crate::domain::Tenant) -> Self {
        Self {
            tenant_id: tenant.id,
            tenant_name: tenant.name.to_string(),
            monthly_invite_limit: tenant.monthly_invite_limit,
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
