//! A tenant's API keys: one per person or system, each with a label; shown once, revocable.

use super::tenants::new_key;
use super::{App, Caller, Error, FieldError, Result};
use crate::domain::{ApiKey, ApiKeyId, Line, Secret};
use serde::Deserialize;

#[derive(Debug, Default, Deserialize)]
pub struct NewKey {
    pub label: Option<String>,
}

pub async fn create(app: &App, caller: &Caller, input: NewKey) -> Result<(ApiKey, Secret)> {
    let label = match input.label.as_deref().map(|l| Line::parse(l, 100)) {
        Some(Ok(label)) => label,
        Some(Err(e)) => return Err(Error::Validation(vec![FieldError::new("label", e)])),
        None => {
            return Err(Error::Validation(vec![FieldError::new(
                "label",
                "is required",
            )]))
        }
    };
    let tenant = app
        .tenants
        .get_tenant(caller.tenant_id)
        .await?
        .ok_or(Error::Unauthorized)?;
    let (key, secret) = new_key(app, tenant.id, label);
    app.tenants.add_key(&tenant, &key).await?;
    Ok((key, secret))
}

/// The caller's keys, oldest first.
pub async fn list(app: &App, caller: &Caller) -> Result<Vec<ApiKey>> {
    let mut keys = app.tenants.keys_of(caller.tenant_id).await?;
    keys.sort_by_key(|k| k.created_at);
    Ok(keys)
}

/// Revokes a key: requests with it are refused from now on (on AWS, once the authorizer's
/// cached answer for it expires).
pub async fn revoke(app: &App, caller: &Caller, key_id: &str) -> Result<()> {
    let key = ApiKeyId::parse(key_id).ok_or(Error::ApiKeyNotFound)?;
    if app.tenants.revoke_key(caller.tenant_id, key).await? {
        Ok(())
    } else {
        Err(Error::ApiKeyNotFound)
    }
}
