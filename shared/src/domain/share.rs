//! Share links: a reviewer hands an interview to someone outside the team through a public
//! link that expires when they say. The token is 256 random bits; only its hash is stored.

use super::{InterviewId, SecretHash, ShareId, TenantId};
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

pub const DEFAULT_SHARE_DAYS: u32 = 30;
pub const MAX_SHARE_DAYS: u32 = 365;

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ShareLink {
    pub tenant_id: TenantId,
    pub id: ShareId,
    pub interview_id: InterviewId,
    /// SHA-256 of the link's token; the token itself is shown once, never stored.
    pub token_hash: SecretHash,
    pub created_at: DateTime<Utc>,
    pub expires_at: DateTime<Utc>,
    /// Whether the candidate's email and phone are left out of the shared page.
    pub hide_contact: bool,
}

impl ShareLink {
    pub fn is_expired(&self, now: DateTime<Utc>) -> bool {
        now >= self.expires_at
    }
}
