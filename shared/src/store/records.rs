//! The stored records that are not domain entities (pointers, counters, idempotency records)
//! and the one way every record becomes an item and back.

use super::engine::{Index, Item};
use super::keys::{self, Key};
use crate::domain::{
    ApiKey, Delivery, Interview, InterviewId, PositionId, RetentionDays, ShareLink, Tenant,
    TenantId, Transcript, UploadId,
};
use crate::ports::{PortResult, QueuedFollowup, StoredResponse, Unavailable};
use serde::de::DeserializeOwned;
use serde::{Deserialize, Serialize};
use serde_json::Value;

/// The item of `value` under `key`.
pub fn to_item<T: Serialize>(key: &Key, value: &T) -> PortResult<Item> {
    let Value::Object(mut item) =
        serde_json::to_value(value).map_err(|e| Unavailable::from_err("encoding item", e))?
    else {
        return Err(Unavailable("a record must encode as an object".into()));
    };
    item.insert("pk".into(), Value::String(key.0.clone()));
    item.insert("sk".into(), Value::String(key.1.clone()));
    Ok(item)
}

/// The record an item holds; key and index attributes are ignored.
pub fn from_item<T: DeserializeOwned>(item: Item) -> PortResult<T> {
    serde_json::from_value(Value::Object(item))
        .map_err(|e| Unavailable::from_err("decoding item", e))
}

/// An interview item carries its place in the listing index.
pub fn interview_item(interview: &Interview) -> PortResult<Item> {
    let mut item = to_item(
        &keys::interview(interview.tenant_id, interview.id),
        interview,
    )?;
    item.insert(
        "gsi1pk".into(),
        Value::String(keys::interviews_of_position(
            interview.tenant_id,
            interview.position_id,
        )),
    );
    item.insert(
        "gsi1sk".into(),
        Value::String(keys::interview_sort(interview.created_at, interview.id)),
    );
    // In the due index while something is due (sparse: absent otherwise).
    if let Some(due) = interview.next_due() {
        item.insert(
            Index::Due.pk().into(),
            Value::String(keys::DUE_PARTITION.into()),
        );
        item.insert(
            Index::Due.sk().into(),
            Value::String(keys::due_sort(due, interview.tenant_id, interview.id)),
        );
    }
    // In the ended index once it has an end (sparse: absent while it can stay open forever).
    if let Some(ends_at) = interview.ends_at() {
        item.insert(
            Index::Ended.pk().into(),
            Value::String(keys::ended_interviews(interview.tenant_id)),
        );
        item.insert(
            Index::Ended.sk().into(),
            Value::String(keys::ended_sort(ends_at, interview.id)),
        );
    }
    // The deadline as a number too, so listing filters can compare it exactly.
    if let Some(deadline) = interview.deadline {
        item.insert(DEADLINE_AT.into(), Value::from(deadline.timestamp_millis()));
    }
    Ok(item)
}

/// The item under an API key's hash: the key and its tenant, so authenticating is one read.
#[derive(Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct KeyLookup {
    pub tenant: Tenant,
    pub key: ApiKey,
    /// Kept up to date beside the key (see `TenantStore::touch_key`).
    #[serde(default)]
    pub last_used_at: Option<chrono::DateTime<chrono::Utc>>,
}

/// A tenant with a retention period, in the retention job's partition.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct RetentionRecord {
    pub tenant_id: TenantId,
    pub retention_days: RetentionDays,
}

/// A position whose content is being purged.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct PurgeRecord {
    pub tenant_id: TenantId,
    pub position_id: PositionId,
}

/// An interview item's deadline in epoch milliseconds (for listing filters).
pub const DEADLINE_AT: &str = "deadlineAt";

/// Where a token, email guard or externalId guard points.
#[derive(Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct InterviewPointer {
    pub tenant_id: TenantId,
    pub interview_id: InterviewId,
    /// The interview's position (it never changes), so a link's interview and position are
    /// read in one batch. Absent on pointers written before it was kept.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub position_id: Option<PositionId>,
}

impl InterviewPointer {
    pub fn of(interview: &Interview) -> Self {
        Self {
            tenant_id: interview.tenant_id,
            interview_id: interview.id,
            position_id: Some(interview.position_id),
        }
    }
}

/// Where a position id or a public slug points (the apply link knows no tenant).
#[derive(Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct PositionPointer {
    pub tenant_id: TenantId,
    pub position_id: PositionId,
}

/// The monthly invite counter's attribute (on the item at `keys::quota`).
pub const QUOTA_COUNT: &str = "count";

/// An `Idempotency-Key` claim and, once finished, the response to replay.
#[derive(Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct IdempotencyRecord {
    pub fingerprint: String,
    /// Who holds the claim: only that request finishes or releases it.
    #[serde(default)]
    pub lease: String,
    pub response: Option<StoredResponse>,
    /// Epoch seconds; checked in code, because TTL deletion runs late.
    pub expires_at: i64,
    /// The table's TTL attribute (epoch seconds).
    pub ttl: i64,
}

pub const IDEMPOTENCY_EXPIRES_AT: &str = "expiresAt";
pub const IDEMPOTENCY_LEASE: &str = "lease";

/// A share link as stored (under its token and in its interview's list), with the table's
/// TTL so storage drops it some time after it expires; expiry itself is checked in code.
#[derive(Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ShareRecord {
    #[serde(flatten)]
    pub share: ShareLink,
    pub ttl: i64,
}

impl ShareRecord {
    pub fn of(share: &ShareLink) -> Self {
        Self {
            share: share.clone(),
            ttl: share.expires_at.timestamp(),
        }
    }
}

/// The transcript of one answer recording, with whose it is.
#[derive(Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct TranscriptRecord {
    pub tenant_id: TenantId,
    pub interview_id: InterviewId,
    pub upload_id: UploadId,
    #[serde(flatten)]
    pub transcript: Transcript,
}

/// A queued followup's item, in the due index's followup partition so a local run can find
/// it (a deployment is told of it by the table's change stream instead).
pub fn followup_item(followup: &QueuedFollowup) -> PortResult<Item> {
    let mut item = to_item(
        &keys::followup(
            followup.tenant_id,
            followup.interview_id,
            &followup.id,
            followup.followup.is_announcement(),
        ),
        followup,
    )?;
    item.insert(
        Index::Due.pk().into(),
        Value::String(keys::FOLLOWUP_PARTITION.into()),
    );
    item.insert(
        Index::Due.sk().into(),
        Value::String(format!(
            "{:015}#{}",
            followup.queued_at.timestamp_millis().max(0),
            followup.id
        )),
    );
    Ok(item)
}

/// A delivery as stored: in the due index while an attempt is due, and with the table's TTL
/// so the log keeps 30 days.
pub fn delivery_item(delivery: &Delivery) -> PortResult<Item> {
    let mut item = to_item(
        &keys::delivery(delivery.tenant_id, delivery.webhook_id, delivery.id),
        delivery,
    )?;
    if let Some(due) = delivery.next_attempt_at {
        item.insert(
            Index::Due.pk().into(),
            Value::String(keys::DELIVERY_PARTITION.into()),
        );
        item.insert(
            Index::Due.sk().into(),
            Value::String(keys::delivery_due_sort(
                due,
                delivery.tenant_id,
                delivery.webhook_id,
                delivery.id,
            )),
        );
    }
    let kept_until = delivery.created_at + chrono::Duration::days(DELIVERY_LOG_DAYS);
    item.insert("ttl".into(), Value::from(kept_until.timestamp()));
    Ok(item)
}

/// How long a subscription's delivery log keeps a delivery.
pub const DELIVERY_LOG_DAYS: i64 = 30;
