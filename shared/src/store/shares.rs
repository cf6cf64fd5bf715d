//! Share links: one item under the token's hash (the public page's one read) and one in the
//! interview's list, written and deleted together.

use super::records::{from_item, to_item, ShareRecord};
use super::{keys, Condition, ItemEngine, Store, Write};
use crate::domain::{InterviewId, SecretHash, ShareId, ShareLink, TenantId};
use crate::ports::{PortResult, ShareStore, Unavailable};
use async_trait::async_trait;

#[async_trait]
impl<E: ItemEngine> ShareStore for Store<E> {
    async fn create_share(&self, share: &ShareLink) -> PortResult<()> {
        let record = ShareRecord::of(share);
        let writes = vec![
            Write::put(
                to_item(&keys::share_token(&share.token_hash), &record)?,
                Condition::Absent,
            ),
            Write::put(
                to_item(
                    &keys::share(share.tenant_id, share.interview_id, share.id),
                    &record,
                )?,
                Condition::Absent,
            ),
        ];
        self.engine
            .write(writes)
            .await?
            .map_err(|_| Unavailable("share id or token collision".into()))
    }

    async fn shares_of(
        &self,
        tenant: TenantId,
        interview: InterviewId,
    ) -> PortResult<Vec<ShareLink>> {
        let (pk, _) = keys::tenant(tenant);
        self.engine
            .query_partition(&pk, &keys::shares_of_interview(interview))
            .await?
            .into_iter()
            .map(|item| from_item::<ShareRecord>(item).map(|r| r.share))
            .filter(|share| share.as_ref().map_or(true, |s| s.tenant_id == tenant))
            .collect()
    }

    async fn share_by_token(&self, token_hash: &SecretHash) -> PortResult<Option<ShareLink>> {
        let record: Option<ShareRecord> = self
            .engine
            .get(&keys::share_token(token_hash))
            .await?
            .map(from_item)
            .transpose()?;
        Ok(record.map(|r| r.share))
    }

    async fn revoke_share(
        &self,
        tenant: TenantId,
        interview: InterviewId,
        share: ShareId,
    ) -> PortResult<bool> {
        let listed = keys::share(tenant, interview, share);
        let Some(item) = self.engine.get(&listed).await? else {
            return Ok(false);
        };
        let record: ShareRecord = from_item(item)?;
        let writes = vec![
            Write {
                condition: Condition::Present,
                ..Write::delete(listed)
            },
            Write::delete(keys::share_token(&record.share.token_hash)),
        ];
        // Refused when a concurrent revoke got there first: then there was none to revoke.
        Ok(self.engine.write(writes).await?.is_ok())
    }
}
