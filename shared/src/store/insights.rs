//! Transcripts (one item per answer recording, beside its interview), advisory evaluations
//! (one item per completion) and queued followups.

use super::records::{from_item, to_item, TranscriptRecord};
use super::{keys, Condition, ItemEngine, Store, Write};
use crate::domain::{Evaluation, Interview, InterviewId, TenantId, Transcript, UploadId};
use crate::ports::{InsightStore, PortResult, QueuedFollowup, UpdateError};
use async_trait::async_trait;

#[async_trait]
impl<E: ItemEngine> InsightStore for Store<E> {
    async fn save_transcript(
        &self,
        interview: &Interview,
        upload: UploadId,
        transcript: &Transcript,
    ) -> Result<Interview, UpdateError> {
        let (mut writes, stored) = Self::versioned(interview)?;
        let record = TranscriptRecord {
            tenant_id: interview.tenant_id,
            interview_id: interview.id,
            upload_id: upload,
            transcript: transcript.clone(),
        };
        writes.push(Write::put(
            to_item(
                &keys::transcript(interview.tenant_id, interview.id, upload),
                &record,
            )?,
            Condition::Always,
        ));
        match self.engine.write(writes).await? {
            Ok(()) => Ok(stored),
            Err(_) => Err(UpdateError::Conflict),
        }
    }

    async fn transcripts_of(
        &self,
        tenant: TenantId,
        interview: InterviewId,
    ) -> PortResult<Vec<(UploadId, Transcript)>> {
        let (pk, _) = keys::tenant(tenant);
        let records = self
            .engine
            .query_partition(&pk, &keys::transcripts_of_interview(interview))
            .await?
            .into_iter()
            .map(from_item::<TranscriptRecord>)
            .collect::<PortResult<Vec<_>>>()?;
        Ok(records
            .into_iter()
            .filter(|r| r.tenant_id == tenant && r.interview_id == interview)
            .map(|r| (r.upload_id, r.transcript))
            .collect())
    }

    async fn delete_transcript(
        &self,
        tenant: TenantId,
        interview: InterviewId,
        upload: UploadId,
    ) -> PortResult<()> {
        let write = Write::delete(keys::transcript(tenant, interview, upload));
        self.engine.write(vec![write]).await?.ok();
        Ok(())
    }

    async fn evaluation_of(
        &self,
        tenant: TenantId,
        interview: InterviewId,
    ) -> PortResult<Option<Evaluation>> {
        let (pk, _) = keys::tenant(tenant);
        let latest = self
            .engine
            .query_partition(&pk, &keys::evaluations_of_interview(interview))
            .await?
            .pop()
            .map(from_item::<Evaluation>)
            .transpose()?;
        Ok(latest.filter(|e| e.tenant_id == tenant))
    }

    async fn save_evaluation(&self, evaluation: &Evaluation) -> PortResult<bool> {
        let key = keys::evaluation(
            evaluation.tenant_id,
            evaluation.interview_id,
            evaluation.completed_at,
        );
        let write = Write::put(to_item(&key, evaluation)?, Condition::Absent);
        // Refused when this completion was evaluated already.
        Ok(self.engine.write(vec![write]).await?.is_ok())
    }

    async fn delete_evaluation(&self, tenant: TenantId, interview: InterviewId) -> PortResult<u32> {
        let (pk, _) = keys::tenant(tenant);
        let mut deleted = 0;
        for item in self
            .engine
            .query_partition(&pk, &keys::evaluations_of_interview(interview))
            .await?
        {
            let evaluation: Evaluation = from_item(item)?;
            let key = keys::evaluation(tenant, interview, evaluation.completed_at);
            self.engine.write(vec![Write::delete(key)]).await?.ok();
            deleted += 1;
        }
        Ok(deleted)
    }

    async fn queued_followups(&self, limit: usize) -> PortResult<Vec<QueuedFollowup>> {
        self.due_items(keys::FOLLOWUP_PARTITION, None, limit)
            .await?
            .into_iter()
            .map(from_item)
            .collect()
    }

    async fn queued_followup(&self, pk: &str, sk: &str) -> PortResult<Option<QueuedFollowup>> {
        if !sk.starts_with(keys::FOLLOWUP_PREFIX) && !sk.starts_with(keys::EVENT_PREFIX) {
            return Ok(None);
        }
        self.engine
            .get(&(pk.to_string(), sk.to_string()))
            .await?
            .map(from_item)
            .transpose()
    }

    async fn finish_followup(&self, followup: &QueuedFollowup) -> PortResult<()> {
        let key = keys::followup(
            followup.tenant_id,
            followup.interview_id,
            &followup.id,
            followup.followup.is_announcement(),
        );
        self.engine.write(vec![Write::delete(key)]).await?.ok();
        Ok(())
    }

    async fn drop_followups(&self, tenant: TenantId, interview: InterviewId) -> PortResult<u32> {
        let (pk, _) = keys::tenant(tenant);
        let prefix = format!("{}{interview}#", keys::FOLLOWUP_PREFIX);
        let mut dropped = 0;
        for item in self.engine.query_partition(&pk, &prefix).await? {
            let followup: QueuedFollowup = from_item(item)?;
            self.finish_followup(&followup).await?;
            dropped += 1;
        }
        Ok(dropped)
    }
}
