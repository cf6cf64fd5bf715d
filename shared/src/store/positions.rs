//! Positions, their id pointer and their public slug claim (a tenant's slug in its tenant's
//! namespace, see `domain::public_slug`).

use super::records::{from_item, to_item, PositionPointer, PurgeRecord};
use super::{keys, Condition, ItemEngine, Store, Write};
use crate::domain::{InterviewCounts, Position, PositionId, PositionStatus, TenantId};
use crate::ports::{ListError, Page, PortResult, PositionStore, PositionWriteError};
use async_trait::async_trait;

impl<E: ItemEngine> Store<E> {
    async fn position_at(&self, pointer: Option<PositionPointer>) -> PortResult<Option<Position>> {
        match pointer {
            Some(p) => self.get_position(p.tenant_id, p.position_id).await,
            None => Ok(None),
        }
    }

    async fn pointer(&self, key: &keys::Key) -> PortResult<Option<PositionPointer>> {
        self.engine.get(key).await?.map(from_item).transpose()
    }
}

/// A position item as its readers see it. Defence in depth: the key already scopes by
/// tenant. A deleted position is gone for every reader, though its item stays until its
/// purge ends.
pub(super) fn readable_position(
    item: Option<super::Item>,
    tenant: TenantId,
) -> PortResult<Option<Position>> {
    let position: Option<Position> = item.map(from_item).transpose()?;
    Ok(position.filter(|p| p.tenant_id == tenant && !p.is_deleted()))
}

fn pointer_of(position: &Position) -> PositionPointer {
    PositionPointer {
        tenant_id: position.tenant_id,
        position_id: position.id,
    }
}

#[async_trait]
impl<E: ItemEngine> PositionStore for Store<E> {
    async fn create_position(&self, position: &Position) -> Result<(), PositionWriteError> {
        let pointer = pointer_of(position);
        let mut writes = vec![
            Write::put(
                to_item(&keys::position(position.tenant_id, position.id), position)?,
                Condition::Absent,
            ),
            Write::put(
                to_item(&keys::position_pointer(position.id), &pointer)?,
                Condition::Absent,
            ),
        ];
        const SLUG: usize = 2;
        if let Some(slug) = position.public_slug() {
            writes.push(Write::put(
                to_item(&keys::slug(&slug), &pointer)?,
                Condition::Absent,
            ));
        }
        match self.engine.write(writes).await? {
            Ok(()) => Ok(()),
            Err(refused) if refused.includes(SLUG) => Err(PositionWriteError::SlugTaken),
            Err(_) => Err(PositionWriteError::Unavailable(
                "position id collision".into(),
            )),
        }
    }

    async fn update_position(
        &self,
        previous: &Position,
        next: &Position,
    ) -> Result<Position, PositionWriteError> {
        let mut stored = next.clone();
        stored.version = previous.version + 1;
        let pointer = pointer_of(next);
        const POSITION: usize = 0;
        let mut writes = vec![Write::put(
            to_item(&keys::position(next.tenant_id, next.id), &stored)?,
            Condition::VersionIs(previous.version),
        )];
        if previous.slug != next.slug {
            if let Some(slug) = next.public_slug() {
                writes.push(Write::put(
                    to_item(&keys::slug(&slug), &pointer)?,
                    Condition::Absent,
                ));
            }
            if let Some(old) = previous.public_slug() {
                writes.push(Write::delete(keys::slug(&old)));
            }
        }
        match self.engine.write(writes).await? {
            Ok(()) => Ok(stored),
            Err(refused) if refused.includes(POSITION) => Err(PositionWriteError::Conflict),
            Err(_) => Err(PositionWriteError::SlugTaken),
        }
    }

    async fn get_position(&self, tenant: TenantId, id: PositionId) -> PortResult<Option<Position>> {
        let item = self.engine.get(&keys::position(tenant, id)).await?;
        readable_position(item, tenant)
    }

    async fn delete_position(&self, position: &Position) -> Result<(), PositionWriteError> {
        let mut deleted = position.clone();
        deleted.status = PositionStatus::Deleted;
        deleted.version = position.version + 1;
        let record = PurgeRecord {
            tenant_id: position.tenant_id,
            position_id: position.id,
        };
        let mut writes = vec![
            Write::put(
                to_item(&keys::position(position.tenant_id, position.id), &deleted)?,
                Condition::VersionIs(position.version),
            ),
            Write::delete(keys::position_pointer(position.id)),
            Write::put(
                to_item(&keys::purge(position.tenant_id, position.id), &record)?,
                Condition::Always,
            ),
        ];
        if let Some(slug) = position.public_slug() {
            writes.push(Write::delete(keys::slug(&slug)));
        }
        match self.engine.write(writes).await? {
            Ok(()) => Ok(()),
            Err(_) => Err(PositionWriteError::Conflict),
        }
    }

    async fn purges_pending(&self) -> PortResult<Vec<(TenantId, PositionId)>> {
        self.engine
            .query_partition(keys::PURGE_PARTITION, "TENANT#")
            .await?
            .into_iter()
            .map(|item| from_item::<PurgeRecord>(item).map(|r| (r.tenant_id, r.position_id)))
            .collect()
    }

    async fn forget_position(&self, tenant: TenantId, position: PositionId) -> PortResult<()> {
        let writes = vec![
            Write::delete(keys::position(tenant, position)),
            Write::delete(keys::position_counts(tenant, position)),
            Write::delete(keys::purge(tenant, position)),
        ];
        let _never_refused = self.engine.write(writes).await?;
        Ok(())
    }

    async fn list_positions(
        &self,
        tenant: TenantId,
        cursor: Option<&str>,
        limit: u32,
    ) -> Result<Page<Position>, ListError> {
        let (pk, _) = keys::tenant(tenant);
        let after = match cursor {
            None => None,
            Some(c) => Some(decode_cursor(c).ok_or(ListError::InvalidCursor)?),
        };
        let limit = limit as usize;
        // One more than the page tells whether there is a next one.
        let mut items = self
            .engine
            .query_partition_after(&pk, keys::POSITION_PREFIX, after.as_deref(), limit + 1)
            .await?;
        let more = items.len() > limit;
        items.truncate(limit);
        let last_sk = items
            .last()
            .and_then(|i| i.get("sk"))
            .and_then(serde_json::Value::as_str)
            .map(str::to_string);
        let positions = items
            .into_iter()
            .map(from_item::<Position>)
            .collect::<PortResult<Vec<_>>>()?;
        Ok(Page {
            items: positions.into_iter().filter(|p| !p.is_deleted()).collect(),
            next_cursor: last_sk.filter(|_| more).map(|sk| encode_cursor(&sk)),
        })
    }

    async fn counts_of(
        &self,
        tenant: TenantId,
        positions: &[PositionId],
    ) -> PortResult<Vec<InterviewCounts>> {
        let keys: Vec<keys::Key> = positions
            .iter()
            .map(|p| keys::position_counts(tenant, *p))
            .collect();
        self.engine
            .get_many(&keys)
            .await?
            .into_iter()
            .map(|item| {
                item.map(from_item)
                    .transpose()
                    .map(Option::unwrap_or_default)
            })
            .collect()
    }

    async fn position_by_slug(&self, slug: &str) -> PortResult<Option<Position>> {
        let pointer = self.pointer(&keys::slug(slug)).await?;
        self.position_at(pointer).await
    }

    async fn position_by_id(&self, id: PositionId) -> PortResult<Option<Position>> {
        let pointer = self.pointer(&keys::position_pointer(id)).await?;
        self.position_at(pointer).await
    }
}

/// A positions cursor: the last sort key of the page, opaque.
fn encode_cursor(sk: &str) -> String {
    use base64::Engine;
    base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(sk)
}

/// Only a cursor this listing issued: `POSITION#<id>`.
fn decode_cursor(cursor: &str) -> Option<String> {
    use base64::Engine;
    let bytes = base64::engine::general_purpose::URL_SAFE_NO_PAD
        .decode(cursor)
        .ok()?;
    let sk = String::from_utf8(bytes).ok()?;
    PositionId::parse(sk.strip_prefix(keys::POSITION_PREFIX)?)?;
    Some(sk)
}
