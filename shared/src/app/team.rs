//! The team's own settings, as its API keys read and change them: today how long it keeps
//! interviews after they ended (`retentionDays`).

use super::{App, Caller, Error, FieldError, Result};
use crate::domain::{RetentionDays, Tenant};
use serde::Deserialize;

/// An edit of the team's settings; a field left out stays as it is, `null` clears it.
#[derive(Debug, Default, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct TenantPatch {
    #[serde(default, deserialize_with = "super::input::nullable_whole_number")]
    pub retention_days: Option<Option<u32>>,
}

/// The caller's team, as stored.
pub async fn get(app: &App, caller: &Caller) -> Result<Tenant> {
    app.tenants
        .get_tenant(caller.tenant_id)
        .await?
        .ok_or(Error::Unauthorized)
}

/// Changes the caller's team's settings and returns the team as it now is.
pub async fn update(app: &App, caller: &Caller, patch: TenantPatch) -> Result<Tenant> {
    if let Some(days) = patch.retention_days {
        let days = match days.map(RetentionDays::parse) {
            None => None,
            Some(Some(days)) => Some(days),
            Some(None) => {
                return Err(Error::Validation(vec![FieldError::new(
                    "retentionDays",
                    format!("must be between 1 and {} days, or null", RetentionDays::MAX),
                )]))
            }
        };
        if !app.tenants.set_retention(caller.tenant_id, days).await? {
            return Err(Error::Unauthorized);
        }
    }
    get(app, caller).await
}
