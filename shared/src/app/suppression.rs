//! May the team email this address? Not once an email to it bounced hard or its owner
//! reported one as spam. Every email to a candidate asks here first.

use super::{App, Result};
use crate::domain::{Email, Suppression, TenantId};

/// Why `tenant` may not email `email`, or `None` when it may.
pub async fn suppression_of(
    app: &App,
    tenant: TenantId,
    email: &Email,
) -> Result<Option<Suppression>> {
    Ok(app
        .suppressions
        .suppression(tenant, &email.normalized())
        .await?)
}
