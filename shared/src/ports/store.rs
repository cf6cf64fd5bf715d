//! The store, split by capability: tenants and keys, positions, interviews, idempotency
//! records, share links and comments. `crate::store` implements every one over an item
//! engine.

use super::{PortResult, Unavailable};
use crate::domain::{
    ApiKey, ApiKeyId, Comment, CommentId, Evaluation, Followup, Interview, InterviewCounts,
    InterviewId, InterviewStatus, Position, PositionId, RetentionDays, Score, SecretHash, ShareId,
    ShareLink, Stage, Suppression, Tenant, TenantId, Transcript, UploadId,
};
use async_trait::async_trait;
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
#[async_trait]
pub trait TenantStore: Send + Sync {
    /// Stores the tenant and its first API key together.
    async fn create_tenant(&self, tenant: &Tenant, first_key: &ApiKey) -> PortResult<()>;
    async fn get_tenant(&self, id: TenantId) -> PortResult<Option<Tenant>>;
    /// The key with this hash and its tenant, in one read.
    async fn key_by_hash(&self, key_hash: &SecretHash) -> PortResult<Option<(Tenant, ApiKey)>>;
    /// Adds a key to `tenant` (as the lookup carries the tenant, it is passed whole).
    async fn add_key(&self, tenant: &Tenant, key: &ApiKey) -> PortResult<()>;
    async fn keys_of(&self, tenant: TenantId) -> PortResult<Vec<ApiKey>>;
    /// Deletes a key; `false` if the tenant has no such key.
    async fn revoke_key(&self, tenant: TenantId, key: ApiKeyId) -> PortResult<bool>;
    /// Records that `key` was used at `at`.
    async fn touch_key(&self, key: &ApiKey, at: DateTime<Utc>) -> PortResult<()>;
    /// Sets (or with `None` clears) how long the tenant keeps ended interviews, and enters it
    /// in (or takes it off) the retention job's list in the same write. `false` if there is
    /// no such tenant.
    async fn set_retention(
        &self,
        tenant: TenantId,
        days: Option<RetentionDays>,
    ) -> PortResult<bool>;
    /// Every tenant with a retention period, and that period (one query, no scan).
    async fn tenants_with_retention(&self) -> PortResult<Vec<(TenantId, RetentionDays)>>;
}

#[async_trait]
pub trait CommentStore: Send + Sync {
    async fn add_comment(&self, comment: &Comment) -> PortResult<()>;
    /// An interview's comments, oldest first.
    async fn comments_of(
        &self,
        tenant: TenantId,
        interview: InterviewId,
    ) -> PortResult<Vec<Comment>>;
    async fn get_comment(
        &self,
        tenant: TenantId,
        interview: InterviewId,
        comment: CommentId,
    ) -> PortResult<Option<Comment>>;
    /// `false` if there was no such comment.
    async fn delete_comment(
        &self,
        tenant: TenantId,
        interview: InterviewId,
        comment: CommentId,
    ) -> PortResult<bool>;
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum PositionWriteError {
    /// Another position already uses this public slug.
    SlugTaken,
    /// The position changed since it was read (optimistic concurrency).
    Conflict,
    Unavailable(String),
}

impl From<Unavailable> for PositionWriteError {
    fn from(value: Unavailable) -> Self {
        Self::Unavailable(value.0)
    }
}

#[async_trait]
pub trait PositionStore: Send + Sync {
    /// Creates a position (and claims its slug, if any) atomically.
    async fn create_position(&self, position: &Position) -> Result<(), PositionWriteError>;
    /// Replaces `previous` (as the caller read it) with `next`, moving the slug claim if it
    /// changed. Refused with `Conflict` if the stored version is no longer `previous`'s;
    /// returns what was stored, its version bumped.
    async fn update_position(
        &self,
        previous: &Position,
        next: &Position,
    ) -> Result<Position, PositionWriteError>;
    async fn get_position(&self, tenant: TenantId, id: PositionId) -> PortResult<Option<Position>>;
    /// A page of the tenant's positions, oldest first; deleted ones are left out (so a page
    /// may come back short, with a cursor).
    async fn list_positions(
        &self,
        tenant: TenantId,
        cursor: Option<&str>,
        limit: u32,
    ) -> Result<Page<Position>, ListError>;
    /// Deletes `position` (as read) for every reader at once: it is marked deleted, its id and
    /// slug lookups go, and it is queued for purging, all or nothing.
    async fn delete_position(&self, position: &Position) -> Result<(), PositionWriteError>;
    /// The positions queued for purging: `(tenant, position)`.
    async fn purges_pending(&self) -> PortResult<Vec<(TenantId, PositionId)>>;
    /// Removes a purged position's last items: the position, its counts and its queue entry.
    async fn forget_position(&self, tenant: TenantId, position: PositionId) -> PortResult<()>;
    /// The interview counts of these positions of the tenant, in their order (zeros where a
    /// position has no interviews), in one batch read.
    async fn counts_of(
        &self,
        tenant: TenantId,
        positions: &[PositionId],
    ) -> PortResult<Vec<InterviewCounts>>;
    /// Resolves a public slug (`domain::public_slug`) to its position, across tenants (the
    /// apply link is public).
    async fn position_by_slug(&self, slug: &str) -> PortResult<Option<Position>>;
    /// Resolves a position id without knowing the tenant (the apply link is public).
    async fn position_by_id(&self, id: PositionId) -> PortResult<Option<Position>>;
}

/// The monthly invite counter to charge in the same write as a new interview.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct QuotaCharge {
    pub month: String,
    pub limit: u32,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum CreateInterviewError {
    EmailTaken,
    ExternalIdTaken,
    QuotaExceeded,
    Unavailable(String),
}

impl From<Unavailable> for CreateInterviewError {
    fn from(value: Unavailable) -> Self {
        Self::Unavailable(value.0)
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum UpdateError {
    /// Someone else changed the item since it was read: read again and retry.
    Conflict,
    Unavailable(String),
}

impl From<Unavailable> for UpdateError {
    fn from(value: Unavailable) -> Self {
        Self::Unavailable(value.0)
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ListError {
    /// The cursor was not issued by this listing.
    InvalidCursor,
    Unavailable(String),
}

impl From<Unavailable> for ListError {
    fn from(value: Unavailable) -> Self {
        Self::Unavailable(value.0)
    }
}

/// Which interviews of a position to list, newest first, and which page. Filters combine.
#[derive(Debug, Clone, Default)]
pub struct InterviewQuery {
    /// Where the previous page ended, as the listing issued it.
    pub cursor: Option<String>,
    /// 1–100.
    pub limit: u32,
    /// `expired` means past its deadline and not completed, as of `now`.
    pub status: Option<InterviewStatus>,
    pub stage: Option<Stage>,
    /// Normalised as `Email::normalized`.
    pub email: Option<String>,
    pub external_id: Option<String>,
    pub min_score: Option<Score>,
    pub now: DateTime<Utc>,
}

/// One page of a listing and the opaque cursor of the next page, if any.
#[derive(Debug, Clone)]
pub struct Page<T> {
    pub items: Vec<T>,
    pub next_cursor: Option<String>,
}

#[async_trait]
pub trait InterviewStore: Send + Sync {
    /// Writes, all or nothing: the interview, its token lookup, the one-interview-per-email
    /// guard, the externalId guard (if any) and the monthly counter (if `quota`).
    async fn create_interview(
        &self,
        interview: &Interview,
        quota: Option<&QuotaCharge>,
    ) -> Result<(), CreateInterviewError>;
    async fn get_interview(
        &self,
        tenant: TenantId,
        id: InterviewId,
    ) -> PortResult<Option<Interview>>;
    /// The interview a candidate link opens, with its position (`None` once the position is
    /// deleted): only the interview's current token opens it.
    async fn interview_by_token(
        &self,
        token_hash: &SecretHash,
    ) -> PortResult<Option<(Interview, Option<Position>)>>;
    async fn interview_by_email(
        &self,
        tenant: TenantId,
        position: PositionId,
        normalized_email: &str,
    ) -> PortResult<Option<Interview>>;
    /// Stores `interview` if the stored version is still the one it was read at
    /// (`interview.version`); returns what was stored, its version bumped.
    async fn update_interview(&self, interview: &Interview) -> Result<Interview, UpdateError>;
    /// Stores `interview` (version-checked, like `update_interview`) with its new link token,
    /// and retires the token whose hash is `retired`, all or nothing.
    async fn rotate_link(
        &self,
        interview: &Interview,
        retired: &SecretHash,
    ) -> Result<Interview, UpdateError>;
    /// Removes an interview's items: the interview, its link lookup and its email and
    /// externalId guards (so the email and externalId are free again). Its answers, shares
    /// and comments are removed by the caller first.
    async fn delete_interview(&self, interview: &Interview) -> Result<(), UpdateError>;
    /// Interviews with something due at `now` (a reminder, an expiry; see
    /// `Interview::next_due`), across tenants, earliest first: up to `limit`, after `cursor`
    /// (the `next_cursor` of the previous page). Reads only what is due.
    async fn due_interviews(
        &self,
        now: DateTime<Utc>,
        cursor: Option<&str>,
        limit: usize,
    ) -> PortResult<Page<Interview>>;
    /// The ids of the tenant's interviews that ended by `cutoff` (see `Interview::ends_at`),
    /// earliest first: up to `limit`, after `cursor` (the `next_cursor` of the previous
    /// page). Reads only what the cutoff reaches.
    async fn ended_interviews(
        &self,
        tenant: TenantId,
        cutoff: DateTime<Utc>,
        cursor: Option<&str>,
        limit: usize,
    ) -> PortResult<Page<InterviewId>>;
    /// Interviews of a position, newest first: a page of those `query` selects. A page reads
    /// a bounded number of items, so a selective filter may give a short page with a cursor.
    async fn list_interviews(
        &self,
        tenant: TenantId,
        position: PositionId,
        query: &InterviewQuery,
    ) -> Result<Page<Interview>, ListError>;
}

#[async_trait]
pub trait ShareStore: Send + Sync {
    /// Stores a new share link: its token lookup and its place in the interview's list.
    async fn create_share(&self, share: &ShareLink) -> PortResult<()>;
    /// The share links of an interview, expired ones included until storage drops them.
    async fn shares_of(
        &self,
        tenant: TenantId,
        interview: InterviewId,
    ) -> PortResult<Vec<ShareLink>>;
    async fn share_by_token(&self, token_hash: &SecretHash) -> PortResult<Option<ShareLink>>;
    /// Deletes a share link, lookup and list entry together; `false` if there was none.
    async fn revoke_share(
        &self,
        tenant: TenantId,
        interview: InterviewId,
        share: ShareId,
    ) -> PortResult<bool>;
}

/// What an idempotent request's first execution answered, replayed for its key.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct StoredResponse {
    pub status: u16,
    pub body: String,
}

/// Proof of holding an idempotency key's claim: a random token kept in the claim, without
/// which nobody finishes or releases it (a request whose lease ran out and was taken over
/// cannot overwrite or free its successor's claim).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Lease(pub String);

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum IdempotencyClaim {
    /// First use of the key: go ahead, then `finish` (or `release` on a server error).
    Claimed(Lease),
    /// Another request with the same key is still running.
    InProgress,
    /// The key was used for a different request.
    Mismatch,
    Replay(StoredResponse),
}

impl IdempotencyClaim {
    /// What a live record of the same key means for a request with `fingerprint`.
    pub fn of_existing(
        stored_fingerprint: &str,
        fingerprint: &str,
        response: Option<StoredResponse>,
    ) -> Self {
        match response {
            _ if stored_fingerprint != fingerprint => IdempotencyClaim::Mismatch,
            Some(response) => IdempotencyClaim::Replay(response),
            None => IdempotencyClaim::InProgress,
        }
    }
}

#[async_trait]
pub trait IdempotencyStore: Send + Sync {
    /// Claims `key` for a request whose body hashes to `fingerprint`, until `lease_until` (so
    /// a request that died mid-way does not lock its key for a day). Records past their expiry
    /// count as absent: storage TTL deletes late.
    async fn claim(
        &self,
        tenant: TenantId,
        key: &str,
        fingerprint: &str,
        now: DateTime<Utc>,
        lease_until: DateTime<Utc>,
    ) -> PortResult<IdempotencyClaim>;
    /// Stores the response to replay until `keep_until`, if `lease` still holds the claim.
    async fn finish(
        &self,
        tenant: TenantId,
        key: &str,
        lease: &Lease,
        response: &StoredResponse,
        keep_until: DateTime<Utc>,
    ) -> PortResult<()>;
    /// Frees the key for a retry, if `lease` still holds the claim.
    async fn release(&self, tenant: TenantId, key: &str, lease: &Lease) -> PortResult<()>;
}

/// Fixed-window counters that hold across processes (every Lambda instance counts in the
/// same table item).
#[async_trait]
pub trait RateLimits: Send + Sync {
    /// Counts one more hit of `name` in the window that starts at `window_start` (epoch
    /// seconds) and answers whether it stays within `limit`. The counter's item expires by
    /// itself at `expires_at` (epoch seconds).
    async fn hit(
        &self,
        name: &str,
        window_start: i64,
        limit: u32,
        expires_at: i64,
    ) -> PortResult<bool>;
}

/// The addresses each tenant no longer emails (after a hard bounce or a complaint).
#[async_trait]
pub trait SuppressionStore: Send + Sync {
    /// Records that the tenant no longer emails `suppression.email`. The first record of an
    /// address stays (with its reason); returns whether this one was new.
    async fn suppress(&self, suppression: &Suppression) -> PortResult<bool>;
    /// Why the tenant no longer emails this address (normalised as `Email::normalized`), if
    /// it does not.
    async fn suppression(
        &self,
        tenant: TenantId,
        normalized_email: &str,
    ) -> PortResult<Option<Suppression>>;
}

/// A followup waiting to run (written with the change that queued it).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct QueuedFollowup {
    pub tenant_id: TenantId,
    pub interview_id: InterviewId,
    /// Unique per followup; the stored item's key is made from it.
    pub id: String,
    pub followup: Followup,
    pub queued_at: DateTime<Utc>,
}

/// Transcripts, advisory evaluations, and the followups that make them.
#[async_trait]
pub trait InsightStore: Send + Sync {
    /// Stores `interview` (over the version it was read at, with the followups it queued)
    /// together with the transcript of its answer recording `upload`. A conflict means the
    /// interview changed meanwhile: read it again and retry.
    async fn save_transcript(
        &self,
        interview: &Interview,
        upload: UploadId,
        transcript: &Transcript,
    ) -> Result<Interview, UpdateError>;
    /// Every stored transcript of an interview, by recording.
    async fn transcripts_of(
        &self,
        tenant: TenantId,
        interview: InterviewId,
    ) -> PortResult<Vec<(UploadId, Transcript)>>;
    async fn delete_transcript(
        &self,
        tenant: TenantId,
        interview: InterviewId,
        upload: UploadId,
    ) -> PortResult<()>;
    /// The interview's latest evaluation, if any.
    async fn evaluation_of(
        &self,
        tenant: TenantId,
        interview: InterviewId,
    ) -> PortResult<Option<Evaluation>>;
    /// Stores an evaluation, unless one for the same completion is stored already (then
    /// returns `false`): each completion is evaluated, and paid for, once.
    async fn save_evaluation(&self, evaluation: &Evaluation) -> PortResult<bool>;
    /// Deletes every evaluation of an interview; returns how many there were.
    async fn delete_evaluation(&self, tenant: TenantId, interview: InterviewId) -> PortResult<u32>;
    /// Queued followups, oldest first, at most `limit`.
    async fn queued_followups(&self, limit: usize) -> PortResult<Vec<QueuedFollowup>>;
    /// The followup stored under `key` (as a change stream names it), if it is still queued.
    async fn queued_followup(&self, pk: &str, sk: &str) -> PortResult<Option<QueuedFollowup>>;
    /// Removes a followup that ran.
    async fn finish_followup(&self, followup: &QueuedFollowup) -> PortResult<()>;
    /// Removes the work still queued for an interview that is being deleted (transcriptions,
    /// evaluations; not its announcements to webhooks, which tell of the deletion). Returns
    /// how many were queued.
    async fn drop_followups(&self, tenant: TenantId, interview: InterviewId) -> PortResult<u32>;
}
