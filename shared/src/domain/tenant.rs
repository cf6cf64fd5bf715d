use super::{ApiKeyId, Line, SecretHash, TenantId};
use chrono::{DateTime, Datelike, Utc};
use serde::{Deserialize, Serialize};

/// A customer organisation.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Tenant {
    pub id: TenantId,
    pub name: Line,
    /// Invites allowed per calendar month (UTC); `None` means unlimited.
    pub monthly_invite_limit: Option<u32>,
    pub created_at: DateTime<Utc>,
}

/// One of a tenant's API keys: one per person or system, named by its label. The key itself
/// is shown once; only its hash is stored.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ApiKey {
    pub tenant_id: TenantId,
    pub id: ApiKeyId,
    pub label: Line,
    /// The key's first characters, so people can tell their keys apart.
    pub prefix: String,
    pub key_hash: SecretHash,
    pub created_at: DateTime<Utc>,
    #[serde(default)]
    pub last_used_at: Option<DateTime<Utc>>,
}

/// The calendar month (UTC) an invite counts against, e.g. `2026-11`.
pub fn quota_month(now: DateTime<Utc>) -> String {
    format!("{:04}-{:02}", now.year(), now.month())
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;

    #[test]
    fn quota_month_is_utc_calendar_month() {
        let last_second = Utc.with_ymd_and_hms(2026, 11, 30, 23, 59, 59).unwrap();
        assert_eq!(quota_month(last_second), "2026-11");
        let next = Utc.with_ymd_and_hms(2026, 12, 1, 0, 0, 0).unwrap();
        assert_eq!(quota_month(next), "2026-12");
    }
}
