//! Creating tenants and resolving API keys.

use super::{App, Caller, Error, FieldError, Result};
use crate::domain::{ApiKey, ApiKeyId, Line, Secret, SecretHash, Tenant, TenantId};
use serde::Deserialize;

/// API keys start with this so they are recognisable in a secret scanner.
pub const API_KEY_PREFIX: &str = "rv_live_";

#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct NewTenant {
    pub name: Option<String>,
    #[serde(default, deserialize_with = "super::input::whole_number")]
    pub monthly_invite_limit: Option<u32>,
}

pub struct CreatedTenant {
    pub tenant: Tenant,
    /// Shown once, in the creating response.
    pub api_key: Secret,
}

pub async fn create_tenant(app: &App, input: NewTenant) -> Result<CreatedTenant> {
    let name = match input.name.as_deref().map(|n| Line::parse(n, 200)) {
        Some(Ok(name)) => name,
        Some(Err(e)) => return Err(Error::Validation(vec![FieldError::new("name", e)])),
        None => {
            return Err(Error::Validation(vec![FieldError::new(
                "name",
                "is required",
            )]))
        }
    };
    let now = app.clock.now();
    let tenant = Tenant {
        id: TenantId::new(),
        name,
        monthly_invite_limit: input.monthly_invite_limit,
        created_at: now,
        retention_days: None,
    };
    let (key, api_key) = new_key(
        app,
        tenant.id,
        Line::parse(FIRST_KEY_LABEL, 100).expect("valid"),
    );
    app.tenants.create_tenant(&tenant, &key).await?;
    Ok(CreatedTenant { tenant, api_key })
}

/// The label of the key a tenant is created with.
pub const FIRST_KEY_LABEL: &str = "first key";

/// A new key for `tenant` and its secret, shown once.
pub(crate) fn new_key(app: &App, tenant: TenantId, label: Line) -> (ApiKey, Secret) {
    let secret = app.secrets.secret(API_KEY_PREFIX);
    let key = ApiKey {
        tenant_id: tenant,
        id: ApiKeyId::new(),
        label,
        // The scheme plus four characters: enough to tell keys apart, too little to guess.
        prefix: secret
            .expose()
            .chars()
            .take(API_KEY_PREFIX.len() + 4)
            .collect(),
        key_hash: secret.hash(),
        created_at: app.clock.now(),
        last_used_at: None,
    };
    (key, secret)
}

/// How stale a key's `lastUsedAt` may get before a request records it again: at most one
/// write per key per interval, whatever the request rate.
const TOUCH_EVERY_MINUTES: i64 = 15;

/// Resolves a presented API key to its tenant; anything unknown is `Unauthorized`.
pub async fn authenticate(app: &App, presented_key: &str) -> Result<Caller> {
    if !presented_key.starts_with(API_KEY_PREFIX) {
        return Err(Error::Unauthorized);
    }
    let hash = SecretHash::of(presented_key);
    let Some((tenant, key)) = app.tenants.key_by_hash(&hash).await? else {
        return Err(Error::Unauthorized);
    };
    let now = app.clock.now();
    let stale = key
        .last_used_at
        .is_none_or(|at| now - at >= chrono::Duration::minutes(TOUCH_EVERY_MINUTES));
    if stale {
        if let Err(e) = app.tenants.touch_key(&key, now).await {
            tracing::warn!(error = %e, "could not record an API key's last use");
        }
    }
    Ok(Caller::with_key(&tenant, &key))
}
