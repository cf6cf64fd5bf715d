//! Comments: items in the interview's part of the tenant partition, in the order written.

use super::records::{from_item, to_item};
use super::{keys, Condition, ItemEngine, Store, Write};
use crate::domain::{Comment, CommentId, InterviewId, TenantId};
use crate::ports::{CommentStore, PortResult, Unavailable};
use async_trait::async_trait;

#[async_trait]
impl<E: ItemEngine> CommentStore for Store<E> {
    async fn add_comment(&self, comment: &Comment) -> PortResult<()> {
        let key = keys::comment(comment.tenant_id, comment.interview_id, comment.id);
        self.engine
            .write(vec![Write::put(to_item(&key, comment)?, Condition::Absent)])
            .await?
            .map_err(|_| Unavailable("comment id collision".into()))
    }

    async fn comments_of(
        &self,
        tenant: TenantId,
        interview: InterviewId,
    ) -> PortResult<Vec<Comment>> {
        let (pk, _) = keys::tenant(tenant);
        self.engine
            .query_partition(&pk, &keys::comments_of_interview(interview))
            .await?
            .into_iter()
            .map(from_item)
            .collect()
    }

    async fn get_comment(
        &self,
        tenant: TenantId,
        interview: InterviewId,
        comment: CommentId,
    ) -> PortResult<Option<Comment>> {
        let found: Option<Comment> = self
            .engine
            .get(&keys::comment(tenant, interview, comment))
            .await?
            .map(from_item)
            .transpose()?;
        Ok(found.filter(|c| c.tenant_id == tenant))
    }

    async fn delete_comment(
        &self,
        tenant: TenantId,
        interview: InterviewId,
        comment: CommentId,
    ) -> PortResult<bool> {
        let delete = Write {
            condition: Condition::Present,
            ..Write::delete(keys::comment(tenant, interview, comment))
        };
        Ok(self.engine.write(vec![delete]).await?.is_ok())
    }
}
