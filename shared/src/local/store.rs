//! The embedded store: one redb file under the data directory. redb runs one write
//! transaction at a time, so each port call's checks and writes are atomic, like the
//! conditional transactions of the DynamoDB adapter.

use crate::domain::{Interview, InterviewId, Position, PositionId, SecretHash, Tenant, TenantId};
use crate::keys::{self, Key};
use crate::ports::*;
use async_trait::async_trait;
use chrono::{DateTime, Utc};
use redb::{Database, ReadableDatabase, ReadableTable, Table, TableDefinition};
use serde::de::DeserializeOwned;
use serde::{Deserialize, Serialize};
use std::path::Path;
use std::sync::Arc;

/// Every item, under `pk \0 sk`, as JSON.
const ITEMS: TableDefinition<&str, &[u8]> = TableDefinition::new("items");
/// The listing index: `gsi1pk \0 gsi1sk` → item key, like the table's `gsi1`.
const GSI1: TableDefinition<&str, &str> = TableDefinition::new("gsi1");

fn item_key(key: &Key) -> String {
    format!("{}\u{0}{}", key.0, key.1)
}

/// An infrastructure failure inside a transaction.
#[derive(Debug)]
struct Fail(String);

macro_rules! fail_from {
    ($($t:ty),*) => {$(
        impl From<$t> for Fail {
            fn from(e: $t) -> Self { Fail(e.to_string()) }
        }
    )*};
}
fail_from!(
    redb::Error,
    redb::TransactionError,
    redb::TableError,
    redb::StorageError,
    redb::CommitError,
    serde_json::Error,
    tokio::task::JoinError
);

impl From<Fail> for Unavailable {
    fn from(f: Fail) -> Self {
        Unavailable(format!("local store: {}", f.0))
    }
}

type Items<'t> = Table<'t, &'static str, &'static [u8]>;

fn get<T: DeserializeOwned>(
    items: &impl ReadableTable<&'static str, &'static [u8]>,
    key: &Key,
) -> Result<Option<T>, Fail> {
    match items.get(item_key(key).as_str())? {
        Some(bytes) => Ok(Some(serde_json::from_slice(bytes.value())?)),
        None => Ok(None),
    }
}

fn put<T: Serialize>(items: &mut Items<'_>, key: &Key, value: &T) -> Result<(), Fail> {
    let bytes = serde_json::to_vec(value)?;
    items.insert(item_key(key).as_str(), bytes.as_slice())?;
    Ok(())
}

fn exists(
    items: &impl ReadableTable<&'static str, &'static [u8]>,
    key: &Key,
) -> Result<bool, Fail> {
    Ok(items.get(item_key(key).as_str())?.is_some())
}

#[derive(Clone)]
pub struct LocalStore {
    db: Arc<Database>,
}

impl LocalStore {
    /// Opens (or creates) the store in `dir`.
    pub fn open(dir: &Path) -> Result<Self, Unavailable> {
        std::fs::create_dir_all(dir)
            .map_err(|e| Unavailable::from_err("creating data directory", e))?;
        let db = Database::create(dir.join("reelview.redb"))
            .map_err(|e| Unavailable::from_err("opening local store", e))?;
        let init = || -> Result<(), Fail> {
            let txn = db.begin_write()?;
            txn.open_table(ITEMS)?;
            txn.open_table(GSI1)?;
            txn.commit()?;
            Ok(())
        };
        init()?;
        Ok(Self { db: Arc::new(db) })
    }

    /// Runs a write transaction on a blocking thread. `Ok(Err(_))` is a refused write: the
    /// transaction is dropped, so nothing of it is stored.
    async fn write<T, E>(
        &self,
        f: impl FnOnce(
                &mut Items<'_>,
                &mut Table<'_, &'static str, &'static str>,
            ) -> Result<Result<T, E>, Fail>
            + Send
            + 'static,
    ) -> Result<Result<T, E>, Unavailable>
    where
        T: Send + 'static,
        E: Send + 'static,
    {
        let db = self.db.clone();
        let outcome = tokio::task::spawn_blocking(move || -> Result<Result<T, E>, Fail> {
            let txn = db.begin_write()?;
            let outcome = {
                let mut items = txn.open_table(ITEMS)?;
                let mut gsi1 = txn.open_table(GSI1)?;
                f(&mut items, &mut gsi1)?
            };
            if outcome.is_ok() {
                txn.commit()?;
            }
            Ok(outcome)
        })
        .await
        .map_err(Fail::from)?;
        Ok(outcome?)
    }

    /// A write transaction that never refuses (no conditions to fail).
    async fn write_always<T: Send + 'static>(
        &self,
        f: impl FnOnce(&mut Items<'_>) -> Result<T, Fail> + Send + 'static,
    ) -> PortResult<T> {
        let outcome: Result<T, std::convert::Infallible> =
            self.write(move |items, _| f(items).map(Ok)).await?;
        let Ok(value) = outcome;
        Ok(value)
    }

    async fn read<T: Send + 'static>(
        &self,
        f: impl FnOnce(
                &redb::ReadOnlyTable<&'static str, &'static [u8]>,
                &redb::ReadOnlyTable<&'static str, &'static str>,
            ) -> Result<T, Fail>
            + Send
            + 'static,
    ) -> PortResult<T> {
        let db = self.db.clone();
        let out = tokio::task::spawn_blocking(move || -> Result<T, Fail> {
            let txn = db.begin_read()?;
            let items = txn.open_table(ITEMS)?;
            let gsi1 = txn.open_table(GSI1)?;
            f(&items, &gsi1)
        })
        .await
        .map_err(Fail::from)?;
        Ok(out?)
    }

    async fn get_item<T: DeserializeOwned + Send + 'static>(
        &self,
        key: Key,
    ) -> PortResult<Option<T>> {
        self.read(move |items, _| get(items, &key)).await
    }
}

#[derive(Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
struct Pointer {
    tenant_id: TenantId,
    #[serde(default)]
    id: Option<String>,
}

#[async_trait]
impl TenantStore for LocalStore {
    async fn create_tenant(&self, tenant: &Tenant) -> PortResult<()> {
        let tenant = tenant.clone();
        let outcome: Result<(), ()> = self
            .write(move |items, _| {
                put(items, &keys::tenant(tenant.id), &tenant)?;
                put(
                    items,
                    &keys::api_key(&tenant.api_key_hash),
                    &Pointer {
                        tenant_id: tenant.id,
                        id: None,
                    },
                )?;
                Ok(Ok(()))
            })
            .await?;
        outcome.map_err(|_| Unavailable("unreachable".into()))
    }

    async fn get_tenant(&self, id: TenantId) -> PortResult<Option<Tenant>> {
        self.get_item(keys::tenant(id)).await
    }

    async fn tenant_by_api_key(&self, key_hash: &SecretHash) -> PortResult<Option<Tenant>> {
        let key = keys::api_key(key_hash);
        self.read(move |items, _| {
            let Some(pointer) = get::<Pointer>(items, &key)? else {
                return Ok(None);
            };
            get(items, &keys::tenant(pointer.tenant_id))
        })
        .await
    }
}

#[async_trait]
impl PositionStore for LocalStore {
    async fn create_position(&self, position: &Position) -> Result<(), PositionWriteError> {
        let position = position.clone();
        self.write(move |items, _| {
            if let Some(slug) = &position.slug {
                if exists(items, &keys::slug(slug))? {
                    return Ok(Err(PositionWriteError::SlugTaken));
                }
                put(
                    items,
                    &keys::slug(slug),
                    &Pointer {
                        tenant_id: position.tenant_id,
                        id: Some(position.id.to_string()),
                    },
                )?;
            }
            put(
                items,
                &keys::position(position.tenant_id, position.id),
                &position,
            )?;
            put(
                items,
                &keys::position_pointer(position.id),
                &Pointer {
                    tenant_id: position.tenant_id,
                    id: None,
                },
            )?;
            Ok(Ok(()))
        })
        .await?
    }

    async fn update_position(
        &self,
        previous: &Position,
        next: &Position,
    ) -> Result<(), PositionWriteError> {
        let (previous, next) = (previous.clone(), next.clone());
        self.write(move |items, _| {
            let key = keys::position(next.tenant_id, next.id);
            match get::<Position>(items, &key)? {
                Some(stored) if stored.version == previous.version => {}
                _ => return Ok(Err(PositionWriteError::Conflict)),
            }
            if previous.slug != next.slug {
                if let Some(slug) = &next.slug {
                    if exists(items, &keys::slug(slug))? {
                        return Ok(Err(PositionWriteError::SlugTaken));
                    }
                    put(
                        items,
                        &keys::slug(slug),
                        &Pointer {
                            tenant_id: next.tenant_id,
                            id: Some(next.id.to_string()),
                        },
                    )?;
                }
                if let Some(old) = &previous.slug {
                    items.remove(item_key(&keys::slug(old)).as_str())?;
                }
            }
            put(items, &key, &next)?;
            Ok(Ok(()))
        })
        .await?
    }

    async fn get_position(&self, tenant: TenantId, id: PositionId) -> PortResult<Option<Position>> {
        self.get_item(keys::position(tenant, id)).await
    }

    async fn list_positions(&self, tenant: TenantId) -> PortResult<Vec<Position>> {
        let (pk, _) = keys::tenant(tenant);
        self.read(move |items, _| {
            let start = format!("{pk}\u{0}{}", keys::POSITION_PREFIX);
            let end = format!("{pk}\u{0}{}\u{10FFFF}", keys::POSITION_PREFIX);
            let mut out = Vec::new();
            for entry in items.range(start.as_str()..end.as_str())? {
                let (_, value) = entry?;
                out.push(serde_json::from_slice(value.value())?);
            }
            Ok(out)
        })
        .await
    }

    async fn position_by_slug(&self, slug: &str) -> PortResult<Option<Position>> {
        let key = keys::slug(slug);
        self.read(move |items, _| {
            let Some(pointer) = get::<Pointer>(items, &key)? else {
                return Ok(None);
            };
            let Some(id) = pointer.id.as_deref().and_then(PositionId::parse) else {
                return Ok(None);
            };
            get(items, &keys::position(pointer.tenant_id, id))
        })
        .await
    }

    async fn position_by_id(&self, id: PositionId) -> PortResult<Option<Position>> {
        self.read(move |items, _| {
            let Some(pointer) = get::<Pointer>(items, &keys::position_pointer(id))? else {
                return Ok(None);
            };
            get(items, &keys::position(pointer.tenant_id, id))
        })
        .await
    }
}

#[derive(Serialize, Deserialize)]
struct Counter {
    count: u32,
}

#[derive(Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
struct InterviewPointer {
    tenant_id: TenantId,
    interview_id: InterviewId,
}

#[async_trait]
impl InterviewStore for LocalStore {
    async fn create_interview(
        &self,
        interview: &Interview,
        quota: Option<&QuotaCharge>,
    ) -> Result<(), CreateInterviewError> {
        let interview = interview.clone();
        let quota = quota.cloned();
        self.write(move |items, gsi1| {
            let (t, p) = (interview.tenant_id, interview.position_id);
            let email_guard = keys::email_guard(t, p, &interview.candidate.email.normalized());
            if exists(items, &email_guard)? {
                return Ok(Err(CreateInterviewError::EmailTaken));
            }
            let pointer = InterviewPointer {
                tenant_id: t,
                interview_id: interview.id,
            };
            if let Some(external_id) = &interview.external_id {
                let guard = keys::external_guard(t, p, external_id);
                if exists(items, &guard)? {
                    return Ok(Err(CreateInterviewError::ExternalIdTaken));
                }
                put(items, &guard, &pointer)?;
            }
            if let Some(quota) = &quota {
                let key = keys::quota(t, &quota.month);
                let used = get::<Counter>(items, &key)?.map_or(0, |c| c.count);
                if used >= quota.limit {
                    return Ok(Err(CreateInterviewError::QuotaExceeded));
                }
                put(items, &key, &Counter { count: used + 1 })?;
            }
            put(items, &email_guard, &pointer)?;
            put(items, &keys::token(&interview.token_hash), &pointer)?;
            let key = keys::interview(t, interview.id);
            put(items, &key, &interview)?;
            let index = format!(
                "{}\u{0}{}",
                keys::interviews_of_position(t, p),
                keys::interview_sort(interview.created_at, interview.id)
            );
            gsi1.insert(index.as_str(), item_key(&key).as_str())?;
            Ok(Ok(()))
        })
        .await?
    }

    async fn get_interview(
        &self,
        tenant: TenantId,
        id: InterviewId,
    ) -> PortResult<Option<Interview>> {
        self.get_item(keys::interview(tenant, id)).await
    }

    async fn interview_by_token(&self, token_hash: &SecretHash) -> PortResult<Option<Interview>> {
        let key = keys::token(token_hash);
        let token_hash = token_hash.clone();
        self.read(move |items, _| {
            let Some(p) = get::<InterviewPointer>(items, &key)? else {
                return Ok(None);
            };
            let interview: Option<Interview> =
                get(items, &keys::interview(p.tenant_id, p.interview_id))?;
            // A rotated token may still have its pointer; only the current one opens.
            Ok(interview.filter(|i| i.token_hash == token_hash))
        })
        .await
    }

    async fn interview_by_email(
        &self,
        tenant: TenantId,
        position: PositionId,
        normalized_email: &str,
    ) -> PortResult<Option<Interview>> {
        let key = keys::email_guard(tenant, position, normalized_email);
        self.read(move |items, _| {
            let Some(p) = get::<InterviewPointer>(items, &key)? else {
                return Ok(None);
            };
            get(items, &keys::interview(p.tenant_id, p.interview_id))
        })
        .await
    }

    async fn update_interview(&self, interview: &Interview) -> Result<(), UpdateError> {
        let interview = interview.clone();
        self.write(move |items, _| {
            let key = keys::interview(interview.tenant_id, interview.id);
            match get::<Interview>(items, &key)? {
                Some(stored) if stored.version + 1 == interview.version => {}
                _ => return Ok(Err(UpdateError::Conflict)),
            }
            put(items, &key, &interview)?;
            Ok(Ok(()))
        })
        .await?
    }

    async fn rotate_link(
        &self,
        interview: &Interview,
        retired: &SecretHash,
    ) -> Result<(), UpdateError> {
        let interview = interview.clone();
        let retired = retired.clone();
        self.write(move |items, _| {
            let key = keys::interview(interview.tenant_id, interview.id);
            match get::<Interview>(items, &key)? {
                Some(stored) if stored.version + 1 == interview.version => {}
                _ => return Ok(Err(UpdateError::Conflict)),
            }
            let pointer = InterviewPointer {
                tenant_id: interview.tenant_id,
                interview_id: interview.id,
            };
            items.remove(item_key(&keys::token(&retired)).as_str())?;
            put(items, &keys::token(&interview.token_hash), &pointer)?;
            put(items, &key, &interview)?;
            Ok(Ok(()))
        })
        .await?
    }

    async fn list_interviews(
        &self,
        tenant: TenantId,
        position: PositionId,
        cursor: Option<&str>,
        limit: u32,
    ) -> Result<Page<Interview>, ListError> {
        let prefix = format!("{}\u{0}", keys::interviews_of_position(tenant, position));
        let after = match cursor {
            None => None,
            Some(c) => Some(decode_cursor(c).ok_or(ListError::InvalidCursor)?),
        };
        self.read(move |items, gsi1| {
            let start = match &after {
                Some(sort) => format!("{prefix}{sort}\u{0}"),
                None => prefix.clone(),
            };
            let end = format!("{prefix}\u{10FFFF}");
            let mut out = Vec::new();
            let mut last_sort = None;
            let mut more = false;
            for entry in gsi1.range(start.as_str()..end.as_str())? {
                let (index, item) = entry?;
                if out.len() == limit as usize {
                    more = true;
                    break;
                }
                if let Some(bytes) = items.get(item.value())? {
                    out.push(serde_json::from_slice::<Interview>(bytes.value())?);
                    last_sort = index
                        .value()
                        .strip_prefix(prefix.as_str())
                        .map(str::to_string);
                }
            }
            let next_cursor = if more {
                last_sort.map(|s| encode_cursor(&s))
            } else {
                None
            };
            Ok(Page {
                items: out,
                next_cursor,
            })
        })
        .await
        .map_err(ListError::from)
    }
}

fn encode_cursor(sort: &str) -> String {
    use base64::Engine;
    base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(sort)
}

fn decode_cursor(cursor: &str) -> Option<String> {
    use base64::Engine;
    let bytes = base64::engine::general_purpose::URL_SAFE_NO_PAD
        .decode(cursor)
        .ok()?;
    let sort = String::from_utf8(bytes).ok()?;
    // Only what `encode_cursor` issues: `<created at>#<interview id>`.
    let (created_at, id) = sort.split_once('#')?;
    chrono::DateTime::parse_from_rfc3339(created_at).ok()?;
    InterviewId::parse(id)?;
    Some(sort)
}

#[derive(Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
struct IdempotencyRecord {
    fingerprint: String,
    response: Option<StoredResponse>,
    expires_at: DateTime<Utc>,
}

#[async_trait]
impl IdempotencyStore for LocalStore {
    async fn claim(
        &self,
        tenant: TenantId,
        key: &str,
        fingerprint: &str,
        now: DateTime<Utc>,
        lease_until: DateTime<Utc>,
    ) -> PortResult<IdempotencyClaim> {
        let key = keys::idempotency(tenant, key);
        let fingerprint = fingerprint.to_string();
        self.write_always(move |items| {
            if let Some(record) = get::<IdempotencyRecord>(items, &key)? {
                if record.expires_at > now {
                    let claim = IdempotencyClaim::of_existing(
                        &record.fingerprint,
                        &fingerprint,
                        record.response,
                    );
                    return Ok(claim);
                }
            }
            let record = IdempotencyRecord {
                fingerprint,
                response: None,
                expires_at: lease_until,
            };
            put(items, &key, &record)?;
            Ok(IdempotencyClaim::Claimed)
        })
        .await
    }

    async fn finish(
        &self,
        tenant: TenantId,
        key: &str,
        response: &StoredResponse,
        keep_until: DateTime<Utc>,
    ) -> PortResult<()> {
        let key = keys::idempotency(tenant, key);
        let response = response.clone();
        self.write_always(move |items| {
            if let Some(mut record) = get::<IdempotencyRecord>(items, &key)? {
                record.response = Some(response);
                record.expires_at = keep_until;
                put(items, &key, &record)?;
            }
            Ok(())
        })
        .await
    }

    async fn release(&self, tenant: TenantId, key: &str) -> PortResult<()> {
        let key = keys::idempotency(tenant, key);
        self.write_always(move |items| {
            items.remove(item_key(&key).as_str())?;
            Ok(())
        })
        .await
    }
}
