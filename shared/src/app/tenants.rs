//! Creating tenants and resolving API keys.

use super::{App, Caller, Error, FieldError, Result};
use crate::domain::{Line, Secret, SecretHash, Tenant, TenantId};
use serde::Deserialize;

/// API keys start with this so they are recognisable in a secret scanner.
pub const API_KEY_PREFIX: &str = "rv_live_";

#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct NewTenant {
    pub name: Option<String>,
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
    let api_key = app.secrets.secret(API_KEY_PREFIX);
    let tenant = Tenant {
        id: TenantId::new(),
        name,
        monthly_invite_limit: input.monthly_invite_limit,
        api_key_hash: api_key.hash(),
        created_at: app.clock.now(),
    };
    app.tenants.create_tenant(&tenant).await?;
    Ok(CreatedTenant { tenant, api_key })
}

/// Resolves a presented API key to its tenant; anything unknown is `Unauthorized`.
pub async fn authenticate(app: &App, presented_key: &str) -> Result<Caller> {
    if !presented_key.starts_with(API_KEY_PREFIX) {
        return Err(Error::Unauthorized);
    }
    let hash = SecretHash::of(presented_key);
    match app.tenants.tenant_by_api_key(&hash).await? {
        Some(tenant) => Ok(Caller::of(&tenant)),
        None => Err(Error::Unauthorized),
    }
}
