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
    /// How long interviews are kept after they ended; `None` keeps them until deleted.
    #[serde(default)]
    pub retention_days: Option<RetentionDays>,
}

/// How many days the team keeps an interview after it ended (completed, or expired at its
/// deadline): 1 to 3650.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(try_from = "u32", into = "u32")]
pub struct RetentionDays(u32);

impl RetentionDays {
    pub const MAX: u32 = 3650;

    pub fn parse(days: u32) -> Option<Self> {
        (1..=Self::MAX).contains(&days).then_some(Self(days))
    }

    pub fn get(self) -> u32 {
        self.0
    }

    /// The latest end an interview may have and be deleted at `now`.
    pub fn cutoff(self, now: DateTime<Utc>) -> DateTime<Utc> {
        now - chrono::Duration::days(self.0.into())
    }
}

impl TryFrom<u32> for RetentionDays {
    type Error = String;

    fn try_from(days: u32) -> Result<Self, String> {
        Self::parse(days).ok_or_else(|| format!("must be between 1 and {}", Self::MAX))
    }
}

impl From<RetentionDays> for u32 {
    fn from(days: RetentionDays) -> u32 {
        days.0
    }
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

    #[test]
    fn retention_is_one_day_to_ten_years() {
        assert_eq!(RetentionDays::parse(0), None);
        assert_eq!(RetentionDays::parse(3651), None);
        let days = RetentionDays::parse(30).unwrap();
        let now = Utc.with_ymd_and_hms(2026, 3, 31, 12, 0, 0).unwrap();
        assert_eq!(
            days.cutoff(now),
            Utc.with_ymd_and_hms(2026, 3, 1, 12, 0, 0).unwrap()
        );
    }
}
