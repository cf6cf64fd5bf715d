//! The single DynamoDB table. Multi-item rules (uniqueness guards, the monthly quota, slug
//! claims) are enforced inside one TransactWriteItems with conditions, never check-then-write.

use crate::domain::{Interview, InterviewId, Position, PositionId, SecretHash, Tenant, TenantId};
use crate::keys::{self, Key};
use crate::ports::*;
use async_trait::async_trait;
use aws_sdk_dynamodb::error::SdkError;
use aws_sdk_dynamodb::operation::transact_write_items::TransactWriteItemsError;
use aws_sdk_dynamodb::types::{AttributeValue, Put, TransactWriteItem, Update};
use aws_sdk_dynamodb::Client;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine;
use chrono::{DateTime, Utc};
use serde::de::DeserializeOwned;
use serde::{Deserialize, Serialize};
use std::collections::HashMap;

type Item = HashMap<String, AttributeValue>;

const NOT_EXISTS: &str = "attribute_not_exists(pk)";
/// How often a transaction that lost a race with another transaction is retried.
const CONFLICT_RETRIES: usize = 5;

pub struct DynamoStore {
    client: Client,
    table: String,
}

fn s(value: impl Into<String>) -> AttributeValue {
    AttributeValue::S(value.into())
}

fn n(value: impl ToString) -> AttributeValue {
    AttributeValue::N(value.to_string())
}

fn key_of(key: &Key) -> Item {
    HashMap::from([("pk".to_string(), s(&key.0)), ("sk".to_string(), s(&key.1))])
}

/// A document item: the value's fields plus its keys.
fn item<T: Serialize>(key: &Key, value: &T) -> PortResult<Item> {
    let mut item: Item =
        serde_dynamo::to_item(value).map_err(|e| Unavailable::from_err("encoding item", e))?;
    item.extend(key_of(key));
    Ok(item)
}

fn decode<T: DeserializeOwned>(item: Item) -> PortResult<T> {
    serde_dynamo::from_item(item).map_err(|e| Unavailable::from_err("decoding item", e))
}

fn sdk<E: std::fmt::Debug>(context: &'static str) -> impl Fn(E) -> Unavailable {
    move |e| Unavailable(format!("DynamoDB {context}: {e:?}"))
}

#[derive(Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
struct InterviewPointer {
    tenant_id: TenantId,
    interview_id: InterviewId,
}

#[derive(Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
struct PositionPointer {
    tenant_id: TenantId,
    position_id: PositionId,
}

/// Why a transaction was cancelled: the index of each item whose condition failed.
enum TransactOutcome {
    Done,
    ConditionFailed(Vec<usize>),
}

impl DynamoStore {
    pub fn new(client: Client, table: String) -> Self {
        Self { client, table }
    }

    fn put(&self, item: Item, condition: Option<&str>) -> PortResult<TransactWriteItem> {
        let put = Put::builder()
            .table_name(&self.table)
            .set_item(Some(item))
            .set_condition_expression(condition.map(str::to_string))
            .build()
            .map_err(sdk("building put"))?;
        Ok(TransactWriteItem::builder().put(put).build())
    }

    /// Runs a transaction, retrying the ones cancelled only by a concurrent transaction.
    async fn transact(&self, items: Vec<TransactWriteItem>) -> PortResult<TransactOutcome> {
        for attempt in 0..CONFLICT_RETRIES {
            let result = self
                .client
                .transact_write_items()
                .set_transact_items(Some(items.clone()))
                .send()
                .await;
            match result {
                Ok(_) => return Ok(TransactOutcome::Done),
                Err(SdkError::ServiceError(e)) => match e.into_err() {
                    TransactWriteItemsError::TransactionCanceledException(cancelled) => {
                        let reasons = cancelled.cancellation_reasons();
                        let failed: Vec<usize> = reasons
                            .iter()
                            .enumerate()
                            .filter(|(_, r)| r.code() == Some("ConditionalCheckFailed"))
                            .map(|(i, _)| i)
                            .collect();
                        if !failed.is_empty() {
                            return Ok(TransactOutcome::ConditionFailed(failed));
                        }
                        let conflict = reasons
                            .iter()
                            .any(|r| r.code() == Some("TransactionConflict"));
                        if !conflict || attempt + 1 == CONFLICT_RETRIES {
                            return Err(Unavailable(format!(
                                "DynamoDB transaction cancelled: {cancelled:?}"
                            )));
                        }
                        tokio::time::sleep(std::time::Duration::from_millis(20 << attempt)).await;
                    }
                    TransactWriteItemsError::TransactionInProgressException(_)
                        if attempt + 1 < CONFLICT_RETRIES =>
                    {
                        tokio::time::sleep(std::time::Duration::from_millis(20 << attempt)).await;
                    }
                    other => return Err(Unavailable(format!("DynamoDB transaction: {other:?}"))),
                },
                Err(other) => return Err(Unavailable(format!("DynamoDB transaction: {other:?}"))),
            }
        }
        unreachable!("the last attempt returns")
    }

    async fn get_item<T: DeserializeOwned>(&self, key: &Key) -> PortResult<Option<T>> {
        let out = self
            .client
            .get_item()
            .table_name(&self.table)
            .set_key(Some(key_of(key)))
            .consistent_read(true)
            .send()
            .await
            .map_err(sdk("get item"))?;
        out.item.map(decode).transpose()
    }

    /// Writes `item` if its `version` attribute is still `expected`.
    async fn put_versioned(&self, item: Item, expected: u64) -> Result<(), UpdateError> {
        let result = self
            .client
            .put_item()
            .table_name(&self.table)
            .set_item(Some(item))
            .condition_expression("#version = :expected")
            .expression_attribute_names("#version", "version")
            .expression_attribute_values(":expected", n(expected))
            .send()
            .await;
        match result {
            Ok(_) => Ok(()),
            Err(e) => {
                let service = e.into_service_error();
                if service.is_conditional_check_failed_exception() {
                    Err(UpdateError::Conflict)
                } else {
                    Err(UpdateError::Unavailable(format!(
                        "DynamoDB put item: {service:?}"
                    )))
                }
            }
        }
    }
}

#[async_trait]
impl TenantStore for DynamoStore {
    async fn create_tenant(&self, tenant: &Tenant) -> PortResult<()> {
        // The API-key item carries the whole tenant, so authenticating is one read.
        let items = vec![
            self.put(item(&keys::tenant(tenant.id), tenant)?, Some(NOT_EXISTS))?,
            self.put(
                item(&keys::api_key(&tenant.api_key_hash), tenant)?,
                Some(NOT_EXISTS),
            )?,
        ];
        match self.transact(items).await? {
            TransactOutcome::Done => Ok(()),
            TransactOutcome::ConditionFailed(_) => {
                Err(Unavailable("tenant id or API key collision".into()))
            }
        }
    }

    async fn get_tenant(&self, id: TenantId) -> PortResult<Option<Tenant>> {
        self.get_item(&keys::tenant(id)).await
    }

    async fn tenant_by_api_key(&self, key_hash: &SecretHash) -> PortResult<Option<Tenant>> {
        self.get_item(&keys::api_key(key_hash)).await
    }
}

#[async_trait]
impl PositionStore for DynamoStore {
    async fn create_position(&self, position: &Position) -> Result<(), PositionWriteError> {
        let pointer = PositionPointer {
            tenant_id: position.tenant_id,
            position_id: position.id,
        };
        let mut items = vec![
            self.put(
                item(&keys::position(position.tenant_id, position.id), position)?,
                Some(NOT_EXISTS),
            )?,
            self.put(
                item(&keys::position_pointer(position.id), &pointer)?,
                Some(NOT_EXISTS),
            )?,
        ];
        if let Some(slug) = &position.slug {
            items.push(self.put(item(&keys::slug(slug), &pointer)?, Some(NOT_EXISTS))?);
        }
        match self.transact(items).await? {
            TransactOutcome::Done => Ok(()),
            TransactOutcome::ConditionFailed(failed) if failed.contains(&2) => {
                Err(PositionWriteError::SlugTaken)
            }
            TransactOutcome::ConditionFailed(_) => Err(PositionWriteError::Unavailable(
                "position id collision".into(),
            )),
        }
    }

    async fn update_position(
        &self,
        previous: &Position,
        next: &Position,
    ) -> Result<(), PositionWriteError> {
        let key = keys::position(next.tenant_id, next.id);
        let pointer = PositionPointer {
            tenant_id: next.tenant_id,
            position_id: next.id,
        };
        let put = Put::builder()
            .table_name(&self.table)
            .set_item(Some(item(&key, next)?))
            .condition_expression(
                "#version = :expected OR (attribute_not_exists(#version) AND :expected = :zero)",
            )
            .expression_attribute_names("#version", "version")
            .expression_attribute_values(":expected", n(previous.version))
            .expression_attribute_values(":zero", n(0))
            .build()
            .map_err(sdk("building put"))?;
        let mut items = vec![TransactWriteItem::builder().put(put).build()];
        if previous.slug != next.slug {
            if let Some(slug) = &next.slug {
                items.push(self.put(item(&keys::slug(slug), &pointer)?, Some(NOT_EXISTS))?);
            }
            if let Some(old) = &previous.slug {
                let delete = aws_sdk_dynamodb::types::Delete::builder()
                    .table_name(&self.table)
                    .set_key(Some(key_of(&keys::slug(old))))
                    .build()
                    .map_err(sdk("building delete"))?;
                items.push(TransactWriteItem::builder().delete(delete).build());
            }
        }
        match self.transact(items).await? {
            TransactOutcome::Done => Ok(()),
            TransactOutcome::ConditionFailed(failed) if failed.contains(&0) => {
                Err(PositionWriteError::Conflict)
            }
            TransactOutcome::ConditionFailed(_) => Err(PositionWriteError::SlugTaken),
        }
    }

    async fn get_position(&self, tenant: TenantId, id: PositionId) -> PortResult<Option<Position>> {
        let position: Option<Position> = self.get_item(&keys::position(tenant, id)).await?;
        // Defence in depth: the key already scopes by tenant.
        Ok(position.filter(|p| p.tenant_id == tenant))
    }

    async fn list_positions(&self, tenant: TenantId) -> PortResult<Vec<Position>> {
        let (pk, _) = keys::tenant(tenant);
        let mut out = Vec::new();
        let mut start: Option<Item> = None;
        loop {
            let page = self
                .client
                .query()
                .table_name(&self.table)
                .key_condition_expression("pk = :pk AND begins_with(sk, :prefix)")
                .expression_attribute_values(":pk", s(&pk))
                .expression_attribute_values(":prefix", s(keys::POSITION_PREFIX))
                .set_exclusive_start_key(start.take())
                .send()
                .await
                .map_err(sdk("query positions"))?;
            for item in page.items.unwrap_or_default() {
                out.push(decode(item)?);
            }
            match page.last_evaluated_key {
                Some(key) => start = Some(key),
                None => break,
            }
        }
        Ok(out)
    }

    async fn position_by_slug(&self, slug: &str) -> PortResult<Option<Position>> {
        let Some(pointer) = self.get_item::<PositionPointer>(&keys::slug(slug)).await? else {
            return Ok(None);
        };
        self.get_position(pointer.tenant_id, pointer.position_id)
            .await
    }

    async fn position_by_id(&self, id: PositionId) -> PortResult<Option<Position>> {
        let Some(pointer) = self
            .get_item::<PositionPointer>(&keys::position_pointer(id))
            .await?
        else {
            return Ok(None);
        };
        self.get_position(pointer.tenant_id, pointer.position_id)
            .await
    }
}

fn interview_item(interview: &Interview) -> PortResult<Item> {
    let mut item = item(
        &keys::interview(interview.tenant_id, interview.id),
        interview,
    )?;
    item.insert(
        "gsi1pk".into(),
        s(keys::interviews_of_position(
            interview.tenant_id,
            interview.position_id,
        )),
    );
    item.insert(
        "gsi1sk".into(),
        s(keys::interview_sort(interview.created_at, interview.id)),
    );
    Ok(item)
}

#[async_trait]
impl InterviewStore for DynamoStore {
    async fn create_interview(
        &self,
        interview: &Interview,
        quota: Option<&QuotaCharge>,
    ) -> Result<(), CreateInterviewError> {
        let (t, p) = (interview.tenant_id, interview.position_id);
        let pointer = InterviewPointer {
            tenant_id: t,
            interview_id: interview.id,
        };
        // Item order matters: cancellation reasons come back by index.
        let mut items = vec![
            self.put(interview_item(interview)?, Some(NOT_EXISTS))?,
            self.put(
                item(&keys::token(&interview.token_hash), &pointer)?,
                Some(NOT_EXISTS),
            )?,
            self.put(
                item(
                    &keys::email_guard(t, p, &interview.candidate.email.normalized()),
                    &pointer,
                )?,
                Some(NOT_EXISTS),
            )?,
        ];
        const EMAIL_GUARD: usize = 2;
        let mut external_index = None;
        if let Some(external_id) = &interview.external_id {
            external_index = Some(items.len());
            items.push(self.put(
                item(&keys::external_guard(t, p, external_id), &pointer)?,
                Some(NOT_EXISTS),
            )?);
        }
        let mut quota_index = None;
        if let Some(quota) = quota {
            quota_index = Some(items.len());
            let update = Update::builder()
                .table_name(&self.table)
                .set_key(Some(key_of(&keys::quota(t, &quota.month))))
                .update_expression("ADD #count :one")
                .condition_expression("attribute_not_exists(#count) OR #count < :limit")
                .expression_attribute_names("#count", "count")
                .expression_attribute_values(":one", n(1))
                .expression_attribute_values(":limit", n(quota.limit))
                .build()
                .map_err(sdk("building update"))?;
            items.push(TransactWriteItem::builder().update(update).build());
        }
        match self.transact(items).await? {
            TransactOutcome::Done => Ok(()),
            TransactOutcome::ConditionFailed(failed) => Err(if failed.contains(&EMAIL_GUARD) {
                CreateInterviewError::EmailTaken
            } else if external_index.is_some_and(|i| failed.contains(&i)) {
                CreateInterviewError::ExternalIdTaken
            } else if quota_index.is_some_and(|i| failed.contains(&i)) {
                CreateInterviewError::QuotaExceeded
            } else {
                CreateInterviewError::Unavailable("interview id or token collision".into())
            }),
        }
    }

    async fn get_interview(
        &self,
        tenant: TenantId,
        id: InterviewId,
    ) -> PortResult<Option<Interview>> {
        let interview: Option<Interview> = self.get_item(&keys::interview(tenant, id)).await?;
        Ok(interview.filter(|i| i.tenant_id == tenant))
    }

    async fn interview_by_token(&self, token_hash: &SecretHash) -> PortResult<Option<Interview>> {
        let Some(pointer) = self
            .get_item::<InterviewPointer>(&keys::token(token_hash))
            .await?
        else {
            return Ok(None);
        };
        let interview = self
            .get_interview(pointer.tenant_id, pointer.interview_id)
            .await?;
        // Only the current token opens the interview; a rotated one may still have its pointer.
        Ok(interview.filter(|i| &i.token_hash == token_hash))
    }

    async fn interview_by_email(
        &self,
        tenant: TenantId,
        position: PositionId,
        normalized_email: &str,
    ) -> PortResult<Option<Interview>> {
        let guard = keys::email_guard(tenant, position, normalized_email);
        let Some(pointer) = self.get_item::<InterviewPointer>(&guard).await? else {
            return Ok(None);
        };
        self.get_interview(tenant, pointer.interview_id).await
    }

    async fn update_interview(&self, interview: &Interview) -> Result<(), UpdateError> {
        let expected = interview
            .version
            .checked_sub(1)
            .ok_or(UpdateError::Conflict)?;
        self.put_versioned(interview_item(interview)?, expected)
            .await
    }

    async fn rotate_link(
        &self,
        interview: &Interview,
        retired: &SecretHash,
    ) -> Result<(), UpdateError> {
        let expected = interview
            .version
            .checked_sub(1)
            .ok_or(UpdateError::Conflict)?;
        let pointer = InterviewPointer {
            tenant_id: interview.tenant_id,
            interview_id: interview.id,
        };
        let build = || -> PortResult<Vec<TransactWriteItem>> {
            let put = Put::builder()
                .table_name(&self.table)
                .set_item(Some(interview_item(interview)?))
                .condition_expression("#version = :expected")
                .expression_attribute_names("#version", "version")
                .expression_attribute_values(":expected", n(expected))
                .build()
                .map_err(sdk("building put"))?;
            let retire = aws_sdk_dynamodb::types::Delete::builder()
                .table_name(&self.table)
                .set_key(Some(key_of(&keys::token(retired))))
                .build()
                .map_err(sdk("building delete"))?;
            Ok(vec![
                TransactWriteItem::builder().put(put).build(),
                self.put(
                    item(&keys::token(&interview.token_hash), &pointer)?,
                    Some(NOT_EXISTS),
                )?,
                TransactWriteItem::builder().delete(retire).build(),
            ])
        };
        let items = build().map_err(UpdateError::from)?;
        match self.transact(items).await.map_err(UpdateError::from)? {
            TransactOutcome::Done => Ok(()),
            TransactOutcome::ConditionFailed(_) => Err(UpdateError::Conflict),
        }
    }

    async fn list_interviews(
        &self,
        tenant: TenantId,
        position: PositionId,
        cursor: Option<&str>,
        limit: u32,
    ) -> Result<Page<Interview>, ListError> {
        let start = match cursor {
            None => None,
            Some(c) => Some(
                decode_cursor(c, &keys::interviews_of_position(tenant, position))
                    .ok_or(ListError::InvalidCursor)?,
            ),
        };
        let page = self
            .client
            .query()
            .table_name(&self.table)
            .index_name("gsi1")
            .key_condition_expression("gsi1pk = :pk")
            .expression_attribute_values(":pk", s(keys::interviews_of_position(tenant, position)))
            .set_exclusive_start_key(start)
            .limit(limit as i32)
            .send()
            .await
            .map_err(sdk("query interviews"))
            .map_err(ListError::from)?;
        let items = page
            .items
            .unwrap_or_default()
            .into_iter()
            .map(decode)
            .collect::<PortResult<Vec<Interview>>>()
            .map_err(ListError::from)?;
        Ok(Page {
            items,
            next_cursor: page.last_evaluated_key.as_ref().map(encode_cursor),
        })
    }
}

/// The cursor is the listing's last evaluated key, as opaque base64 JSON.
fn encode_cursor(key: &Item) -> String {
    let plain: HashMap<&str, &str> = key
        .iter()
        .filter_map(|(k, v)| v.as_s().ok().map(|v| (k.as_str(), v.as_str())))
        .collect();
    URL_SAFE_NO_PAD.encode(serde_json::to_vec(&plain).unwrap_or_default())
}

/// Decodes a cursor issued for the listing keyed `gsi1pk`; anything else is refused, so a
/// cursor of another position (or tenant) can never steer a query.
fn decode_cursor(cursor: &str, gsi1pk: &str) -> Option<Item> {
    let bytes = URL_SAFE_NO_PAD.decode(cursor).ok()?;
    let plain: HashMap<String, String> = serde_json::from_slice(&bytes).ok()?;
    let allowed = ["pk", "sk", "gsi1pk", "gsi1sk"];
    if plain.len() != 4
        || !plain.keys().all(|k| allowed.contains(&k.as_str()))
        || plain.get("gsi1pk").map(String::as_str) != Some(gsi1pk)
    {
        return None;
    }
    Some(plain.into_iter().map(|(k, v)| (k, s(v))).collect())
}

#[derive(Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
struct IdempotencyRecord {
    fingerprint: String,
    response: Option<StoredResponse>,
    /// Checked in code: TTL deletion runs late.
    expires_at: i64,
    /// The table's TTL attribute.
    ttl: i64,
}

#[async_trait]
impl IdempotencyStore for DynamoStore {
    async fn claim(
        &self,
        tenant: TenantId,
        key: &str,
        fingerprint: &str,
        now: DateTime<Utc>,
        lease_until: DateTime<Utc>,
    ) -> PortResult<IdempotencyClaim> {
        let record_key = keys::idempotency(tenant, key);
        let record = IdempotencyRecord {
            fingerprint: fingerprint.to_string(),
            response: None,
            expires_at: lease_until.timestamp(),
            ttl: lease_until.timestamp(),
        };
        let result = self
            .client
            .put_item()
            .table_name(&self.table)
            .set_item(Some(item(&record_key, &record)?))
            .condition_expression("attribute_not_exists(pk) OR expiresAt <= :now")
            .expression_attribute_values(":now", n(now.timestamp()))
            .send()
            .await;
        match result {
            Ok(_) => Ok(IdempotencyClaim::Claimed),
            Err(e) => {
                let service = e.into_service_error();
                if !service.is_conditional_check_failed_exception() {
                    return Err(Unavailable(format!("DynamoDB claim: {service:?}")));
                }
                let Some(existing) = self.get_item::<IdempotencyRecord>(&record_key).await? else {
                    // Released in between: the client may simply retry.
                    return Ok(IdempotencyClaim::InProgress);
                };
                Ok(IdempotencyClaim::of_existing(
                    &existing.fingerprint,
                    fingerprint,
                    existing.response,
                ))
            }
        }
    }

    async fn finish(
        &self,
        tenant: TenantId,
        key: &str,
        response: &StoredResponse,
        keep_until: DateTime<Utc>,
    ) -> PortResult<()> {
        let response = serde_dynamo::to_attribute_value(response)
            .map_err(|e| Unavailable::from_err("encoding response", e))?;
        let result = self
            .client
            .update_item()
            .table_name(&self.table)
            .set_key(Some(key_of(&keys::idempotency(tenant, key))))
            .update_expression("SET #response = :response, expiresAt = :until, #ttl = :until")
            // Only a claimed key is finished: an update must not create a record with no
            // fingerprint (after a release, or once TTL removed an expired lease).
            .condition_expression("attribute_exists(pk)")
            .expression_attribute_names("#response", "response")
            .expression_attribute_names("#ttl", "ttl")
            .expression_attribute_values(":response", response)
            .expression_attribute_values(":until", n(keep_until.timestamp()))
            .send()
            .await;
        match result {
            Ok(_) => Ok(()),
            Err(e) => {
                let service = e.into_service_error();
                if service.is_conditional_check_failed_exception() {
                    Ok(())
                } else {
                    Err(Unavailable(format!(
                        "DynamoDB finish idempotent request: {service:?}"
                    )))
                }
            }
        }
    }

    async fn release(&self, tenant: TenantId, key: &str) -> PortResult<()> {
        self.client
            .delete_item()
            .table_name(&self.table)
            .set_key(Some(key_of(&keys::idempotency(tenant, key))))
            .send()
            .await
            .map_err(sdk("release idempotency key"))?;
        Ok(())
    }
}
