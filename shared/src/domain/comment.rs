//! Reviewers' comments on an interview.

use super::{ApiKeyId, CommentId, InterviewId, TenantId};
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

pub const MAX_COMMENT_CHARS: usize = 5000;

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Comment {
    pub tenant_id: TenantId,
    pub interview_id: InterviewId,
    pub id: CommentId,
    /// The key that wrote it: only that key may delete it.
    pub author_key: Option<ApiKeyId>,
    /// The label of that key, as it was when the comment was written.
    pub author: String,
    pub text: String,
    pub created_at: DateTime<Utc>,
}
