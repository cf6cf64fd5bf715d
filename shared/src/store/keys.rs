//! The single-table key layout: where each record lives. Every tenant-owned key starts with
//! its tenant.

use crate::domain::{
    ApiKeyId, CommentId, DeliveryId, InterviewId, PositionId, SecretHash, ShareId, TenantId,
    UploadId, WebhookId,
};

pub type Key = (String, String);

pub fn tenant(t: TenantId) -> Key {
    (format!("TENANT#{t}"), "TENANT".into())
}

/// API-key hash → the key and its tenant (authentication's one read).
pub fn api_key(hash: &SecretHash) -> Key {
    (format!("APIKEY#{}", hash.as_str()), "APIKEY".into())
}

/// An API key in its tenant's list.
pub fn tenant_api_key(t: TenantId, k: ApiKeyId) -> Key {
    (format!("TENANT#{t}"), format!("{API_KEY_PREFIX}{k}"))
}

pub const API_KEY_PREFIX: &str = "APIKEY#";

/// The invite counter of one calendar month.
pub fn quota(t: TenantId, month: &str) -> Key {
    (format!("TENANT#{t}"), format!("QUOTA#{month}"))
}

pub fn position(t: TenantId, p: PositionId) -> Key {
    (format!("TENANT#{t}"), format!("POSITION#{p}"))
}

pub const POSITION_PREFIX: &str = "POSITION#";

/// Position id → tenant, for the public apply link.
pub fn position_pointer(p: PositionId) -> Key {
    (format!("POSITIONID#{p}"), "POSITIONID".into())
}

/// Public slug → position.
pub fn slug(slug: &str) -> Key {
    (format!("SLUG#{slug}"), "SLUG".into())
}

pub fn interview(t: TenantId, i: InterviewId) -> Key {
    (format!("TENANT#{t}"), format!("{INTERVIEW_PREFIX}{i}"))
}

pub const INTERVIEW_PREFIX: &str = "INTERVIEW#";

/// The listing index (`gsi1`) partition of a position's interviews, sorted by creation.
pub fn interviews_of_position(t: TenantId, p: PositionId) -> String {
    format!("TENANT#{t}#POSITION#{p}")
}

pub fn interview_sort(created_at: chrono::DateTime<chrono::Utc>, i: InterviewId) -> String {
    format!("{}#{i}", created_at.format("%Y-%m-%dT%H:%M:%S%.6fZ"))
}

/// The due index (`gsi2`) partition: every interview with something due, across tenants
/// (only the scheduled job reads it).
pub const DUE_PARTITION: &str = "DUE";

/// An interview's sort key in the due index: due time (epoch milliseconds, zero-padded so
/// text order is time order), then the interview.
pub fn due_sort(due: chrono::DateTime<chrono::Utc>, t: TenantId, i: InterviewId) -> String {
    format!("{:015}#{t}#{i}", due.timestamp_millis().max(0))
}

/// The largest due sort key of anything due at `now`.
pub fn due_until(now: chrono::DateTime<chrono::Utc>) -> String {
    format!("{:015}#\u{10FFFF}", now.timestamp_millis().max(0))
}

/// The ended index (`gsi3`) partition of a tenant's interviews that ended, or will end by
/// themselves (see `Interview::ends_at`).
pub fn ended_interviews(t: TenantId) -> String {
    format!("TENANT#{t}#ENDED")
}

/// An interview's sort key in the ended index: when it ends (epoch milliseconds, zero-padded
/// so text order is time order), then the interview.
pub fn ended_sort(ends_at: chrono::DateTime<chrono::Utc>, i: InterviewId) -> String {
    format!("{:015}#{i}", ends_at.timestamp_millis().max(0))
}

/// The largest ended sort key of an interview that ended by `cutoff`.
pub fn ended_until(cutoff: chrono::DateTime<chrono::Utc>) -> String {
    format!("{:015}#\u{10FFFF}", cutoff.timestamp_millis().max(0))
}

/// A tenant that keeps interviews for a limited time: one partition holds them all, so the
/// retention job finds them with one query (no scan).
pub fn retention(t: TenantId) -> Key {
    (RETENTION_PARTITION.into(), format!("TENANT#{t}"))
}

pub const RETENTION_PARTITION: &str = "RETENTION";

/// One interview per (position, normalised email).
pub fn email_guard(t: TenantId, p: PositionId, normalized_email: &str) -> Key {
    (
        format!("TENANT#{t}"),
        format!("GUARD#EMAIL#{p}#{normalized_email}"),
    )
}

/// One interview per (position, externalId).
pub fn external_guard(t: TenantId, p: PositionId, external_id: &str) -> Key {
    (
        format!("TENANT#{t}"),
        format!("GUARD#EXTERNAL#{p}#{external_id}"),
    )
}

/// Candidate token hash → interview.
pub fn token(hash: &SecretHash) -> Key {
    (format!("TOKEN#{}", hash.as_str()), "TOKEN".into())
}

pub fn idempotency(t: TenantId, key: &str) -> Key {
    (format!("TENANT#{t}"), format!("IDEMPOTENCY#{key}"))
}

/// Share token hash → the share link (the public page's one read).
pub fn share_token(hash: &SecretHash) -> Key {
    (format!("SHARE#{}", hash.as_str()), "SHARE".into())
}

/// A share link in its interview's list.
pub fn share(t: TenantId, i: InterviewId, s: ShareId) -> Key {
    (
        format!("TENANT#{t}"),
        format!("{}{s}", shares_of_interview(i)),
    )
}

/// The sort-key prefix of an interview's share links.
pub fn shares_of_interview(i: InterviewId) -> String {
    format!("{INTERVIEW_PREFIX}{i}#SHARE#")
}

/// A comment on an interview, in the order written (comment ids sort by time).
pub fn comment(t: TenantId, i: InterviewId, c: CommentId) -> Key {
    (
        format!("TENANT#{t}"),
        format!("{}{c}", comments_of_interview(i)),
    )
}

pub fn comments_of_interview(i: InterviewId) -> String {
    format!("{INTERVIEW_PREFIX}{i}#COMMENT#")
}

/// The interview counts of a position (by status and by stage).
pub fn position_counts(t: TenantId, p: PositionId) -> Key {
    (format!("TENANT#{t}"), format!("{COUNTS_PREFIX}{p}"))
}

pub const COUNTS_PREFIX: &str = "COUNTS#POSITION#";

/// A position being purged: one partition holds them all, so the sweeper finds them with one
/// query (no scan).
pub fn purge(t: TenantId, p: PositionId) -> Key {
    (PURGE_PARTITION.into(), format!("TENANT#{t}#POSITION#{p}"))
}

pub const PURGE_PARTITION: &str = "PURGE";

/// The counter of rate limit `name` in the window starting at `window_start`.
pub fn rate_window(name: &str, window_start: i64) -> Key {
    (format!("RATE#{name}"), format!("WINDOW#{window_start}"))
}

/// An address the tenant no longer emails, by its normalised form.
pub fn suppression(t: TenantId, normalized_email: &str) -> Key {
    (
        format!("TENANT#{t}"),
        format!("SUPPRESSED#{normalized_email}"),
    )
}

/// The transcript of one answer recording.
pub fn transcript(t: TenantId, i: InterviewId, u: UploadId) -> Key {
    (
        format!("TENANT#{t}"),
        format!("{}{u}", transcripts_of_interview(i)),
    )
}

pub fn transcripts_of_interview(i: InterviewId) -> String {
    format!("{INTERVIEW_PREFIX}{i}#TRANSCRIPT#")
}

/// The evaluation of one completion of an interview (by its time), so each completion has
/// at most one and the latest sorts last.
pub fn evaluation(t: TenantId, i: InterviewId, completed_at: chrono::DateTime<chrono::Utc>) -> Key {
    (
        format!("TENANT#{t}"),
        format!(
            "{}{:015}",
            evaluations_of_interview(i),
            completed_at.timestamp_millis().max(0)
        ),
    )
}

pub fn evaluations_of_interview(i: InterviewId) -> String {
    format!("{INTERVIEW_PREFIX}{i}#EVALUATION#")
}

/// A queued followup. Its sort key starts with [`FOLLOWUP_PREFIX`], which is what the
/// deployed change stream filters on (infra/template.yaml).
pub fn followup(t: TenantId, i: InterviewId, id: &str, announcement: bool) -> Key {
    let prefix = if announcement {
        EVENT_PREFIX
    } else {
        FOLLOWUP_PREFIX
    };
    (format!("TENANT#{t}"), format!("{prefix}{i}#{id}"))
}

pub const FOLLOWUP_PREFIX: &str = "FOLLOWUP#";

/// The due index's partition of queued followups (sorted by their time-ordered ids).
pub const FOLLOWUP_PARTITION: &str = "FOLLOWUP";

/// A webhook subscription.
pub fn webhook(t: TenantId, w: WebhookId) -> Key {
    (format!("TENANT#{t}"), format!("{WEBHOOK_PREFIX}{w}"))
}

pub const WEBHOOK_PREFIX: &str = "WEBHOOK#";

/// One delivery of a subscription.
pub fn delivery(t: TenantId, w: WebhookId, d: DeliveryId) -> Key {
    (format!("TENANT#{t}"), format!("{}{d}", deliveries_of(w)))
}

pub fn deliveries_of(w: WebhookId) -> String {
    format!("DELIVERY#{w}#")
}

/// The due index's partition of deliveries with an attempt due, by its time.
pub const DELIVERY_PARTITION: &str = "DELIVERY";

pub fn delivery_due_sort(
    due: chrono::DateTime<chrono::Utc>,
    t: TenantId,
    w: WebhookId,
    d: DeliveryId,
) -> String {
    format!("{:015}#{t}#{w}#{d}", due.timestamp_millis().max(0))
}

/// A queued announcement to webhooks: its own sort-key prefix, which the webhook delivery
/// function's stream filter passes (infra/template.yaml).
pub const EVENT_PREFIX: &str = "EVENT#";
