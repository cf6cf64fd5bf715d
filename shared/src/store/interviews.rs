//! Interviews with their link-token pointer, the one-interview-per-email and per-externalId
//! guards, the monthly invite counter and the listing index.

use super::positions::readable_position;
use super::records::{
    followup_item, from_item, interview_item, to_item, InterviewPointer, DEADLINE_AT, QUOTA_COUNT,
};
use super::{
    counts, cursor, keys, Condition, Filter, Index, IndexPosition, IndexQuery, ItemEngine, Op,
    Store, Write,
};
use crate::domain::{
    Interview, InterviewId, InterviewStatus, Position, PositionId, SecretHash, TenantId,
};
use crate::ports::{
    CreateInterviewError, InterviewQuery, InterviewStore, ListError, Page, PortResult,
    PositionStore, QueuedFollowup, QuotaCharge, UpdateError,
};
use async_trait::async_trait;
use chrono::{DateTime, Utc};
use serde_json::Value;

impl<E: ItemEngine> Store<E> {
    async fn interview_at(&self, key: &keys::Key) -> PortResult<Option<Interview>> {
        let Some(item) = self.engine.get(key).await? else {
            return Ok(None);
        };
        let pointer: InterviewPointer = from_item(item)?;
        self.get_interview(pointer.tenant_id, pointer.interview_id)
            .await
    }

    /// The writes that store `interview` over the version it was read at, bumping it, and
    /// move it between its position's counts if its status or stage changed.
    /// The followups the change queued go in the same write (see `domain::Followup`).
    pub(super) fn versioned(interview: &Interview) -> Result<(Vec<Write>, Interview), UpdateError> {
        let (recount, mut stored) = counts::recount(interview);
        stored.version = interview.version + 1;
        let queued = Self::queued_followups(&mut stored)?;
        let mut writes = vec![Write::put(
            interview_item(&stored)?,
            Condition::VersionIs(interview.version),
        )];
        writes.extend(recount);
        writes.extend(queued);
        Ok((writes, stored))
    }

    /// The writes of the followups `interview`'s changes queued (taken off it).
    fn queued_followups(interview: &mut Interview) -> PortResult<Vec<Write>> {
        interview
            .take_followups()
            .into_iter()
            .map(|followup| {
                let queued = QueuedFollowup {
                    tenant_id: interview.tenant_id,
                    interview_id: interview.id,
                    id: followup.id(),
                    followup,
                    queued_at: chrono::Utc::now(),
                };
                // Unconditional: the same followup written again is the same item.
                Ok(Write::put(followup_item(&queued)?, Condition::Always))
            })
            .collect()
    }
}

/// Whether `sort` is an index sort key we issue: `<created at>#<interview id>`.
fn valid_sort(sort: &str) -> bool {
    sort.split_once('#').is_some_and(|(created_at, id)| {
        chrono::DateTime::parse_from_rfc3339(created_at).is_ok() && InterviewId::parse(id).is_some()
    })
}

#[async_trait]
impl<E: ItemEngine> InterviewStore for Store<E> {
    async fn create_interview(
        &self,
        interview: &Interview,
        quota: Option<&QuotaCharge>,
    ) -> Result<(), CreateInterviewError> {
        let (t, p) = (interview.tenant_id, interview.position_id);
        let pointer = InterviewPointer::of(interview);
        let guard = |key: keys::Key| -> PortResult<Write> {
            Ok(Write::put(to_item(&key, &pointer)?, Condition::Absent))
        };
        // Refusals come back by index, so the order of the writes matters.
        let mut writes = vec![
            Write::put(interview_item(interview)?, Condition::Absent),
            guard(keys::token(&interview.token_hash))?,
            guard(keys::email_guard(
                t,
                p,
                &interview.candidate.email.normalized(),
            ))?,
        ];
        const EMAIL_GUARD: usize = 2;
        let external = interview.external_id.as_ref().map(|_| writes.len());
        if let Some(external_id) = &interview.external_id {
            writes.push(guard(keys::external_guard(t, p, external_id))?);
        }
        let counter = quota.map(|_| writes.len());
        if let Some(quota) = quota {
            writes.push(Write {
                key: keys::quota(t, &quota.month),
                op: Op::add(vec![(QUOTA_COUNT.to_string(), 1)]),
                condition: Condition::Below {
                    attribute: QUOTA_COUNT,
                    limit: quota.limit.into(),
                },
            });
        }
        writes.push(counts::count_new(interview));
        // Its events go in the same write, after the writes whose refusals are read by index.
        writes.extend(Self::queued_followups(&mut interview.clone())?);
        let Err(refused) = self.engine.write(writes).await? else {
            return Ok(());
        };
        let failed = |index: Option<usize>| index.is_some_and(|i| refused.includes(i));
        Err(if failed(Some(EMAIL_GUARD)) {
            CreateInterviewError::EmailTaken
        } else if failed(external) {
            CreateInterviewError::ExternalIdTaken
        } else if failed(counter) {
            CreateInterviewError::QuotaExceeded
        } else {
            CreateInterviewError::Unavailable("interview id or token collision".into())
        })
    }

    async fn get_interview(
        &self,
        tenant: TenantId,
        id: InterviewId,
    ) -> PortResult<Option<Interview>> {
        let interview: Option<Interview> = self
            .engine
            .get(&keys::interview(tenant, id))
            .await?
            .map(from_item)
            .transpose()?;
        Ok(interview.filter(|i| i.tenant_id == tenant))
    }

    async fn interview_by_token(
        &self,
        token_hash: &SecretHash,
    ) -> PortResult<Option<(Interview, Option<Position>)>> {
        let Some(item) = self.engine.get(&keys::token(token_hash)).await? else {
            return Ok(None);
        };
        let pointer: InterviewPointer = from_item(item)?;
        let tenant = pointer.tenant_id;
        let (interview, position) = match pointer.position_id {
            // Every request on a candidate link reads both, so they come in one batch.
            Some(position_id) => {
                let keys = [
                    keys::interview(tenant, pointer.interview_id),
                    keys::position(tenant, position_id),
                ];
                let mut items = self.engine.get_many(&keys).await?.into_iter();
                let interview: Option<Interview> =
                    items.next().flatten().map(from_item).transpose()?;
                let position = readable_position(items.next().flatten(), tenant)?;
                let interview = interview.filter(|i| i.position_id == position_id);
                (interview, position)
            }
            None => {
                let interview = self.get_interview(tenant, pointer.interview_id).await?;
                let position = match &interview {
                    Some(i) => self.get_position(tenant, i.position_id).await?,
                    None => None,
                };
                (interview, position)
            }
        };
        // Only the current token opens the interview; a rotated one may still have its pointer.
        Ok(interview
            .filter(|i| i.tenant_id == tenant && &i.token_hash == token_hash)
            .map(|i| (i, position)))
    }

    async fn interview_by_email(
        &self,
        tenant: TenantId,
        position: PositionId,
        normalized_email: &str,
    ) -> PortResult<Option<Interview>> {
        let interview = self
            .interview_at(&keys::email_guard(tenant, position, normalized_email))
            .await?;
        Ok(interview.filter(|i| i.tenant_id == tenant))
    }

    async fn update_interview(&self, interview: &Interview) -> Result<Interview, UpdateError> {
        let (writes, stored) = Self::versioned(interview)?;
        match self.engine.write(writes).await? {
            Ok(()) => Ok(stored),
            Err(_) => Err(UpdateError::Conflict),
        }
    }

    async fn rotate_link(
        &self,
        interview: &Interview,
        retired: &SecretHash,
    ) -> Result<Interview, UpdateError> {
        let (mut writes, stored) = Self::versioned(interview)?;
        let pointer = to_item(
            &keys::token(&interview.token_hash),
            &InterviewPointer::of(interview),
        )?;
        writes.push(Write::put(pointer, Condition::Absent));
        writes.push(Write::delete(keys::token(retired)));
        match self.engine.write(writes).await? {
            Ok(()) => Ok(stored),
            Err(_) => Err(UpdateError::Conflict),
        }
    }

    async fn delete_interview(&self, interview: &Interview) -> Result<(), UpdateError> {
        let (t, p) = (interview.tenant_id, interview.position_id);
        let mut writes = vec![
            // Only as read: a concurrent change or delete refuses this one, so the interview
            // leaves its position's counts exactly once.
            Write {
                key: keys::interview(t, interview.id),
                op: Op::Delete,
                condition: Condition::VersionIs(interview.version),
            },
            Write::delete(keys::token(&interview.token_hash)),
            Write::delete(keys::email_guard(
                t,
                p,
                &interview.candidate.email.normalized(),
            )),
        ];
        if let Some(external_id) = &interview.external_id {
            writes.push(Write::delete(keys::external_guard(t, p, external_id)));
        }
        // The counts item outlives a deleted position's interviews (it goes last), so this
        // never recreates it.
        writes.extend(counts::uncount(interview));
        writes.extend(Self::queued_followups(&mut interview.clone())?);
        match self.engine.write(writes).await? {
            Ok(()) => Ok(()),
            Err(_) => Err(UpdateError::Conflict),
        }
    }

    async fn due_interviews(
        &self,
        now: DateTime<Utc>,
        cursor: Option<&str>,
        limit: usize,
    ) -> PortResult<Page<Interview>> {
        // The cursor is the last position read: sort key, then the item's own key.
        let after = cursor.and_then(|c| {
            let mut parts = c.splitn(3, '\u{1}');
            Some(IndexPosition {
                sort: parts.next()?.to_string(),
                pk: parts.next()?.to_string(),
                sk: parts.next()?.to_string(),
            })
        });
        let until = keys::due_until(now);
        let page = self
            .engine
            .query_index(&IndexQuery {
                index: Index::Due,
                index_pk: keys::DUE_PARTITION,
                until: Some(&until),
                after: after.as_ref(),
                newest_first: false,
                filter: None,
                want: limit,
                max_reads: limit,
            })
            .await?;
        let next_cursor = page
            .stopped_at
            .map(|p| format!("{}\u{1}{}\u{1}{}", p.sort, p.pk, p.sk));
        let items = page
            .items
            .into_iter()
            .map(from_item)
            .collect::<PortResult<Vec<Interview>>>()?;
        Ok(Page { items, next_cursor })
    }

    async fn ended_interviews(
        &self,
        tenant: TenantId,
        cutoff: DateTime<Utc>,
        cursor: Option<&str>,
        limit: usize,
    ) -> PortResult<Page<InterviewId>> {
        let (pk, _) = keys::tenant(tenant);
        // A cursor the job did not get from this tenant's listing starts from the beginning.
        let after = cursor.and_then(|c| cursor::decode(c, &pk, keys::INTERVIEW_PREFIX, |_| true));
        let until = keys::ended_until(cutoff);
        let index_pk = keys::ended_interviews(tenant);
        let page = self
            .engine
            .query_index(&IndexQuery {
                index: Index::Ended,
                index_pk: &index_pk,
                until: Some(&until),
                after: after.as_ref(),
                newest_first: false,
                filter: None,
                want: limit,
                max_reads: limit,
            })
            .await?;
        // The index holds keys only; the interview id is the end of the item's sort key.
        let items = page
            .items
            .iter()
            .filter_map(|item| item.get("sk").and_then(Value::as_str))
            .filter_map(|sk| sk.strip_prefix(keys::INTERVIEW_PREFIX))
            .filter_map(InterviewId::parse)
            .collect();
        Ok(Page {
            items,
            next_cursor: page.stopped_at.as_ref().map(cursor::encode),
        })
    }

    async fn list_interviews(
        &self,
        tenant: TenantId,
        position: PositionId,
        query: &InterviewQuery,
    ) -> Result<Page<Interview>, ListError> {
        let filter = filter_of(query);
        // An email or externalId names at most one interview: its guard finds it in one read.
        let guard = match (&query.email, &query.external_id) {
            (Some(email), _) => Some(keys::email_guard(tenant, position, email)),
            (None, Some(external_id)) => Some(keys::external_guard(tenant, position, external_id)),
            (None, None) => None,
        };
        if let Some(guard) = guard {
            let found = match self.interview_at(&guard).await? {
                Some(i) if i.position_id == position && i.tenant_id == tenant => Some(i),
                _ => None,
            };
            let items = match found {
                Some(i) if filter.matches(&interview_item(&i)?) => vec![i],
                _ => vec![],
            };
            return Ok(Page {
                items,
                next_cursor: None,
            });
        }
        let (pk, _) = keys::tenant(tenant);
        let after = match &query.cursor {
            None => None,
            Some(c) => Some(
                cursor::decode(c, &pk, keys::INTERVIEW_PREFIX, valid_sort)
                    .ok_or(ListError::InvalidCursor)?,
            ),
        };
        let limit = query.limit as usize;
        let filtered = filter != Filter::All(vec![]);
        let index_pk = keys::interviews_of_position(tenant, position);
        // One more than the page: whether it exists decides if there is a next page, so the
        // last page never comes with a cursor to an empty one.
        let mut page = self
            .engine
            .query_index(&IndexQuery {
                index: Index::Listing,
                index_pk: &index_pk,
                until: None,
                after: after.as_ref(),
                newest_first: true,
                filter: filtered.then_some(&filter),
                want: limit + 1,
                max_reads: if filtered {
                    MAX_READS_PER_FILTERED_PAGE.max(limit + 1)
                } else {
                    limit + 1
                },
            })
            .await?;
        let more = page.items.len() > limit;
        page.items.truncate(limit);
        let resume = match page.items.last() {
            Some(last) if more => IndexPosition::of(last, Index::Listing),
            _ => page.stopped_at,
        };
        let items = page
            .items
            .into_iter()
            .map(from_item)
            .collect::<PortResult<Vec<Interview>>>()?;
        Ok(Page {
            items,
            next_cursor: resume.as_ref().map(cursor::encode),
        })
    }
}

/// A filtered page reads at most this many interviews; it may come back short, with a cursor.
const MAX_READS_PER_FILTERED_PAGE: usize = 200;

/// The listing filter of `query` (`All([])`, matching everything, without one).
fn filter_of(query: &InterviewQuery) -> Filter {
    let text = |v: &str| Value::String(v.to_string());
    let status =
        |s: InterviewStatus| Filter::Eq("status", serde_json::to_value(s).unwrap_or(Value::Null));
    let now = query.now.timestamp_millis() as f64;
    let before_deadline = Filter::Any(vec![
        Filter::Absent(DEADLINE_AT),
        Filter::Above(DEADLINE_AT, now),
    ]);
    let mut all = Vec::new();
    match query.status {
        None => {}
        Some(InterviewStatus::Completed) => all.push(status(InterviewStatus::Completed)),
        Some(InterviewStatus::Expired) => all.push(Filter::Any(vec![
            status(InterviewStatus::Expired),
            Filter::All(vec![
                Filter::Any(vec![
                    status(InterviewStatus::Invited),
                    status(InterviewStatus::InProgress),
                ]),
                Filter::AtMost(DEADLINE_AT, now),
            ]),
        ])),
        Some(open) => all.push(Filter::All(vec![status(open), before_deadline])),
    }
    if let Some(stage) = query.stage {
        all.push(Filter::Eq(
            "stage",
            serde_json::to_value(stage).unwrap_or(Value::Null),
        ));
    }
    if let Some(min) = query.min_score {
        all.push(Filter::AtLeast("score", min.value()));
    }
    if let (Some(_), Some(external_id)) = (&query.email, &query.external_id) {
        all.push(Filter::Eq("externalId", text(external_id)));
    }
    Filter::All(all)
}

#[cfg(all(test, feature = "local"))]
mod tests {
    use super::keys;
    use crate::app::testing;
    use crate::domain::SecretHash;
    use crate::local::LocalStore;
    use crate::ports::InterviewStore;
    use crate::store::{Condition, ItemEngine, Write};

    /// A link sent before token pointers named the position still opens its interview (read
    /// one item after another), position included.
    #[tokio::test]
    async fn a_pointer_without_the_position_still_opens_the_link() {
        let dir = tempfile::tempdir().unwrap();
        let (app, _clock) = testing::app(dir.path());
        let (token, position) =
            testing::invited_by(&app, &testing::caller(), chrono::Duration::days(7)).await;
        drop(app);

        let store = LocalStore::open(dir.path()).unwrap();
        let key = keys::token(&SecretHash::of(&token));
        let mut pointer = store.engine.get(&key).await.unwrap().expect("the pointer");
        assert!(
            pointer.remove("positionId").is_some(),
            "new pointers name it"
        );
        store
            .engine
            .write(vec![Write::put(pointer, Condition::Present)])
            .await
            .unwrap()
            .unwrap();

        let (interview, its_position) = store
            .interview_by_token(&SecretHash::of(&token))
            .await
            .unwrap()
            .expect("the link still opens");
        assert_eq!(interview.position_id, position.id);
        assert_eq!(its_position.map(|p| p.id), Some(position.id));
    }
}
