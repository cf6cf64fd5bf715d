//! The single DynamoDB table as an item engine. Conditions become condition expressions and
//! several writes become one TransactWriteItems, so multi-item rules (uniqueness guards, the
//! monthly quota, slug claims) are enforced by DynamoDB, never check-then-write. What is
//! stored and when a write is refused is decided in `crate::store`, not here. One cohesive
//! thing: the translation of the engine contract into DynamoDB requests.

use crate::ports::{PortResult, Unavailable};
use crate::store::keys::Key;
use crate::store::{
    Condition, Filter, IndexPage, IndexPosition, IndexQuery, Item, ItemEngine, Op, Refused, Store,
    Write,
};
use async_trait::async_trait;
use aws_sdk_dynamodb::error::{ProvideErrorMetadata, SdkError};
use aws_sdk_dynamodb::operation::transact_write_items::TransactWriteItemsError;
use aws_sdk_dynamodb::types::{AttributeValue, Delete, Put, TransactWriteItem, Update};
use aws_sdk_dynamodb::Client;
use std::collections::HashMap;

type Attributes = HashMap<String, AttributeValue>;

/// How often a transaction that lost a race with another transaction is retried. Rows of a
/// batch invite all move the tenant's one quota item (and the position's counts), so several
/// of them collide at once; with jittered, capped backoff ten tries outlast any batch.
const CONFLICT_RETRIES: usize = 10;
/// The longest wait between two tries (before jitter).
const CONFLICT_BACKOFF_CAP_MS: u64 = 400;

/// The store on DynamoDB.
pub type DynamoStore = Store<DynamoItems>;

impl DynamoStore {
    pub fn new(client: Client, table: String) -> Self {
        Store::over(DynamoItems { client, table })
    }
}

pub struct DynamoItems {
    client: Client,
    table: String,
}

fn s(value: impl Into<String>) -> AttributeValue {
    AttributeValue::S(value.into())
}

fn key_of(key: &Key) -> Attributes {
    HashMap::from([("pk".to_string(), s(&key.0)), ("sk".to_string(), s(&key.1))])
}

fn encode(item: &Item) -> PortResult<Attributes> {
    serde_dynamo::to_item(item).map_err(|e| Unavailable::from_err("encoding item", e))
}

fn decode(attributes: Attributes) -> PortResult<Item> {
    serde_dynamo::from_item(attributes).map_err(|e| Unavailable::from_err("decoding item", e))
}

fn value(v: &serde_json::Value) -> PortResult<AttributeValue> {
    serde_dynamo::to_attribute_value(v).map_err(|e| Unavailable::from_err("encoding value", e))
}

fn sdk<E: std::fmt::Debug>(context: &'static str) -> impl Fn(E) -> Unavailable {
    move |e| Unavailable(format!("DynamoDB {context}: {e:?}"))
}

/// A write as DynamoDB expressions: condition, update expression and their placeholders.
#[derive(Default)]
struct Expressions {
    condition: Option<String>,
    update: Option<String>,
    names: HashMap<String, String>,
    values: Attributes,
}

impl Expressions {
    fn of(write: &Write) -> PortResult<Self> {
        let mut x = Expressions::default();
        x.condition = match &write.condition {
            Condition::Always => None,
            Condition::Absent => Some("attribute_not_exists(pk)".into()),
            Condition::Present => Some("attribute_exists(pk)".into()),
            Condition::VersionIs(0) => {
                x.names.insert("#version".into(), "version".into());
                x.values
                    .insert(":version".into(), AttributeValue::N("0".into()));
                Some("attribute_exists(pk) AND (attribute_not_exists(#version) OR #version = :version)".into())
            }
            Condition::VersionIs(expected) => {
                x.names.insert("#version".into(), "version".into());
                x.values
                    .insert(":version".into(), AttributeValue::N(expected.to_string()));
                Some("#version = :version".into())
            }
            // Nothing is below zero: a condition that cannot hold, as `Condition::holds` says.
            Condition::Below { limit: 0, .. } => {
                Some("attribute_exists(pk) AND attribute_not_exists(pk)".into())
            }
            Condition::Below { attribute, limit } => {
                x.names.insert("#counted".into(), attribute.to_string());
                x.values
                    .insert(":limit".into(), AttributeValue::N(limit.to_string()));
                Some("attribute_not_exists(#counted) OR #counted < :limit".into())
            }
            Condition::AbsentOrExpired { attribute, now } => {
                x.names.insert("#expires".into(), attribute.to_string());
                x.values
                    .insert(":now".into(), AttributeValue::N(now.to_string()));
                Some("attribute_not_exists(pk) OR #expires <= :now".into())
            }
            Condition::Holds { attribute, value } => {
                x.names.insert("#held".into(), attribute.to_string());
                x.values
                    .insert(":holder".into(), AttributeValue::S(value.clone()));
                Some("#held = :holder".into())
            }
        };
        x.update = match &write.op {
            Op::Put(_) | Op::Delete => None,
            Op::Update { set, add } => {
                let mut clauses = Vec::new();
                let mut sets = Vec::new();
                for (i, (name, v)) in set.iter().enumerate() {
                    x.names.insert(format!("#set{i}"), name.to_string());
                    x.values.insert(format!(":set{i}"), value(v)?);
                    sets.push(format!("#set{i} = :set{i}"));
                }
                if !sets.is_empty() {
                    clauses.push(format!("SET {}", sets.join(", ")));
                }
                let mut adds = Vec::new();
                for (i, (name, by)) in add.iter().enumerate() {
                    x.names.insert(format!("#add{i}"), name.clone());
                    x.values
                        .insert(format!(":add{i}"), AttributeValue::N(by.to_string()));
                    adds.push(format!("#add{i} :add{i}"));
                }
                if !adds.is_empty() {
                    clauses.push(format!("ADD {}", adds.join(", ")));
                }
                Some(clauses.join(" "))
            }
        };
        Ok(x)
    }

    fn names(&self) -> Option<HashMap<String, String>> {
        (!self.names.is_empty()).then(|| self.names.clone())
    }

    fn values(&self) -> Option<Attributes> {
        (!self.values.is_empty()).then(|| self.values.clone())
    }
}

/// A filter as a DynamoDB filter expression, adding its placeholders to `x`; `n` numbers them.
/// DynamoDB refuses redundant parentheses, so only an `OR` inside an `AND` (or the reverse)
/// is parenthesised.
fn render_filter(filter: &Filter, x: &mut Expressions, n: &mut usize) -> PortResult<String> {
    Ok(render_part(filter, x, n)?.0)
}

/// The expression of `filter` and, if it is a list, the operator joining it.
fn render_part(
    filter: &Filter,
    x: &mut Expressions,
    n: &mut usize,
) -> PortResult<(String, Option<&'static str>)> {
    let mut name = |attribute: &str, x: &mut Expressions| {
        *n += 1;
        x.names.insert(format!("#f{n}"), attribute.to_string());
        (format!("#f{n}"), format!(":f{n}"))
    };
    let comparison = |op: &str,
                      attribute: &str,
                      v: serde_json::Value,
                      x: &mut Expressions,
                      name: &mut dyn FnMut(&str, &mut Expressions) -> (String, String)|
     -> PortResult<(String, Option<&'static str>)> {
        let (a, b) = name(attribute, x);
        x.values.insert(b.clone(), value(&v)?);
        Ok((format!("{a} {op} {b}"), None))
    };
    match filter {
        Filter::Eq(attribute, v) => comparison("=", attribute, v.clone(), x, &mut name),
        Filter::AtLeast(attribute, v) => {
            comparison(">=", attribute, serde_json::json!(v), x, &mut name)
        }
        Filter::AtMost(attribute, v) => {
            comparison("<=", attribute, serde_json::json!(v), x, &mut name)
        }
        Filter::Above(attribute, v) => {
            comparison(">", attribute, serde_json::json!(v), x, &mut name)
        }
        Filter::Absent(attribute) => {
            let (a, b) = name(attribute, x);
            x.values.insert(b.clone(), s("NULL"));
            Ok((
                format!("attribute_not_exists({a}) OR attribute_type({a}, {b})"),
                Some(" OR "),
            ))
        }
        Filter::All(parts) | Filter::Any(parts) => {
            let joiner = if matches!(filter, Filter::All(_)) {
                " AND "
            } else {
                " OR "
            };
            let mut rendered = Vec::new();
            for part in parts {
                let (text, inner) = render_part(part, x, n)?;
                rendered.push(match inner {
                    Some(j) if j != joiner => format!("({text})"),
                    _ => text,
                });
            }
            Ok(match rendered.len() {
                1 => (rendered.remove(0), None),
                _ => (rendered.join(joiner), Some(joiner)),
            })
        }
    }
}

/// Adds a write's condition and placeholders to any request builder that takes them.
macro_rules! conditioned {
    ($builder:expr, $x:expr) => {
        $builder
            .set_condition_expression($x.condition.clone())
            .set_expression_attribute_names($x.names())
            .set_expression_attribute_values($x.values())
    };
}

/// A refused condition, or the failure it was.
fn refusal<E, R>(e: SdkError<E, R>, context: &str) -> PortResult<Result<(), Refused>>
where
    E: ProvideErrorMetadata + std::fmt::Debug,
    R: std::fmt::Debug,
{
    if e.code() == Some("ConditionalCheckFailedException") {
        Ok(Err(Refused(vec![0])))
    } else {
        Err(Unavailable(format!("DynamoDB {context}: {e:?}")))
    }
}

impl DynamoItems {
    fn transact_item(&self, write: &Write) -> PortResult<TransactWriteItem> {
        let x = Expressions::of(write)?;
        let table = Some(self.table.clone());
        let key = Some(key_of(&write.key));
        let item = match &write.op {
            Op::Put(item) => TransactWriteItem::builder().put(
                conditioned!(Put::builder().set_table_name(table), x)
                    .set_item(Some(encode(item)?))
                    .build()
                    .map_err(sdk("building put"))?,
            ),
            Op::Delete => TransactWriteItem::builder().delete(
                conditioned!(Delete::builder().set_table_name(table), x)
                    .set_key(key)
                    .build()
                    .map_err(sdk("building delete"))?,
            ),
            Op::Update { .. } => TransactWriteItem::builder().update(
                conditioned!(Update::builder().set_table_name(table), x)
                    .set_key(key)
                    .set_update_expression(x.update.clone())
                    .build()
                    .map_err(sdk("building update"))?,
            ),
        };
        Ok(item.build())
    }

    /// One write as one plain request (half the cost of a transaction).
    async fn write_one(&self, write: &Write) -> PortResult<Result<(), Refused>> {
        let x = Expressions::of(write)?;
        let table = Some(self.table.clone());
        let key = Some(key_of(&write.key));
        let done = match &write.op {
            Op::Put(item) => conditioned!(self.client.put_item().set_table_name(table), x)
                .set_item(Some(encode(item)?))
                .send()
                .await
                .map(drop)
                .map_err(|e| refusal(e, "put item")),
            Op::Delete => conditioned!(self.client.delete_item().set_table_name(table), x)
                .set_key(key)
                .send()
                .await
                .map(drop)
                .map_err(|e| refusal(e, "delete item")),
            Op::Update { .. } => conditioned!(self.client.update_item().set_table_name(table), x)
                .set_key(key)
                .set_update_expression(x.update.clone())
                .send()
                .await
                .map(drop)
                .map_err(|e| refusal(e, "update item")),
        };
        match done {
            Ok(()) => Ok(Ok(())),
            Err(refused_or_failed) => refused_or_failed,
        }
    }

    /// Several writes as one transaction, retrying the ones cancelled only by a concurrent
    /// transaction.
    async fn transact(&self, writes: &[Write]) -> PortResult<Result<(), Refused>> {
        let items = writes
            .iter()
            .map(|w| self.transact_item(w))
            .collect::<PortResult<Vec<_>>>()?;
        for attempt in 0..CONFLICT_RETRIES {
            let last = attempt + 1 == CONFLICT_RETRIES;
            // Jittered, so transactions that collided do not collide again in step.
            let base = (10u64 << attempt).min(CONFLICT_BACKOFF_CAP_MS);
            let backoff = std::time::Duration::from_millis(base + rand::random_range(0..2 * base));
            let result = self
                .client
                .transact_write_items()
                .set_transact_items(Some(items.clone()))
                .send()
                .await;
            match result {
                Ok(_) => return Ok(Ok(())),
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
                            return Ok(Err(Refused(failed)));
                        }
                        let conflict = reasons
                            .iter()
                            .any(|r| r.code() == Some("TransactionConflict"));
                        if !conflict || last {
                            return Err(Unavailable(format!(
                                "DynamoDB transaction cancelled: {cancelled:?}"
                            )));
                        }
                        tokio::time::sleep(backoff).await;
                    }
                    TransactWriteItemsError::TransactionInProgressException(_) if !last => {
                        tokio::time::sleep(backoff).await;
                    }
                    other => return Err(Unavailable(format!("DynamoDB transaction: {other:?}"))),
                },
                Err(other) => return Err(Unavailable(format!("DynamoDB transaction: {other:?}"))),
            }
        }
        unreachable!("the last attempt returns")
    }
}

#[async_trait]
impl ItemEngine for DynamoItems {
    async fn get(&self, key: &Key) -> PortResult<Option<Item>> {
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

    async fn write(&self, writes: Vec<Write>) -> PortResult<Result<(), Refused>> {
        match writes.as_slice() {
            [] => Ok(Ok(())),
            [one] => self.write_one(one).await,
            several => self.transact(several).await,
        }
    }

    async fn query_partition_after(
        &self,
        pk: &str,
        sort_prefix: &str,
        after: Option<&str>,
        limit: usize,
    ) -> PortResult<Vec<Item>> {
        let mut start =
            after.map(|sk| HashMap::from([("pk".to_string(), s(pk)), ("sk".to_string(), s(sk))]));
        let mut out = Vec::new();
        while out.len() < limit {
            let page = self
                .client
                .query()
                .table_name(&self.table)
                .key_condition_expression("pk = :pk AND begins_with(sk, :prefix)")
                .expression_attribute_values(":pk", s(pk))
                .expression_attribute_values(":prefix", s(sort_prefix))
                .set_exclusive_start_key(start.take())
                // No Limit for a whole partition: DynamoDB pages by size on its own.
                .set_limit(i32::try_from(limit - out.len()).ok())
                .send()
                .await
                .map_err(sdk("query partition"))?;
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

    async fn get_many(&self, keys: &[Key]) -> PortResult<Vec<Option<Item>>> {
        use aws_sdk_dynamodb::types::KeysAndAttributes;
        let mut found: HashMap<(String, String), Item> = HashMap::new();
        // BatchGetItem takes 100 keys; what it leaves unprocessed is asked again.
        for chunk in keys.chunks(100) {
            let mut pending = Some(
                KeysAndAttributes::builder()
                    .set_keys(Some(chunk.iter().map(key_of).collect()))
                    .consistent_read(true)
                    .build()
                    .map_err(sdk("building batch get"))?,
            );
            while let Some(request) = pending.take() {
                let out = self
                    .client
                    .batch_get_item()
                    .request_items(&self.table, request)
                    .send()
                    .await
                    .map_err(sdk("batch get"))?;
                for item in out
                    .responses
                    .unwrap_or_default()
                    .remove(&self.table)
                    .unwrap_or_default()
                {
                    let item = decode(item)?;
                    let text = |k: &str| {
                        item.get(k)
                            .and_then(|v| v.as_str())
                            .unwrap_or_default()
                            .to_string()
                    };
                    found.insert((text("pk"), text("sk")), item);
                }
                pending = out
                    .unprocessed_keys
                    .and_then(|mut left| left.remove(&self.table))
                    .filter(|left| !left.keys().is_empty());
            }
        }
        Ok(keys.iter().map(|k| found.remove(k)).collect())
    }

    async fn query_index(&self, query: &IndexQuery<'_>) -> PortResult<IndexPage> {
        let mut x = Expressions::default();
        let filter = query
            .filter
            .map(|f| render_filter(f, &mut x, &mut 0))
            .transpose()?;
        let index = query.index;
        x.values.insert(":pk".into(), s(query.index_pk));
        x.names.insert("#ipk".into(), index.pk().into());
        let mut condition = "#ipk = :pk".to_string();
        if let Some(until) = query.until {
            x.names.insert("#isk".into(), index.sk().into());
            x.values.insert(":until".into(), s(until));
            condition.push_str(" AND #isk <= :until");
        }
        let mut start = query.after.map(|a| {
            HashMap::from([
                ("pk".to_string(), s(&a.pk)),
                ("sk".to_string(), s(&a.sk)),
                (index.pk().to_string(), s(query.index_pk)),
                (index.sk().to_string(), s(&a.sort)),
            ])
        });
        let mut page = IndexPage::default();
        let mut reads = 0;
        loop {
            // Limit counts items read before the filter, so it bounds the cost of the page.
            let out = self
                .client
                .query()
                .table_name(&self.table)
                .index_name(index.name())
                .key_condition_expression(&condition)
                .scan_index_forward(!query.newest_first)
                .set_filter_expression(filter.clone())
                .set_expression_attribute_names(x.names())
                .set_expression_attribute_values(x.values())
                .set_exclusive_start_key(start.take())
                .limit((query.max_reads - reads).max(1) as i32)
                .send()
                .await
                .map_err(sdk("query index"))?;
            reads += out.scanned_count.max(0) as usize;
            for item in out.items.unwrap_or_default() {
                let item = decode(item)?;
                let position = IndexPosition::of(&item, index);
                page.items.push(item);
                if page.items.len() == query.want {
                    page.stopped_at = position;
                    return Ok(page);
                }
            }
            match out.last_evaluated_key {
                None => return Ok(page),
                Some(key) if reads >= query.max_reads => {
                    let text = |name: &str| {
                        key.get(name)
                            .and_then(|v| v.as_s().ok())
                            .cloned()
                            .unwrap_or_default()
                    };
                    page.stopped_at = Some(IndexPosition {
                        sort: text(index.sk()),
                        pk: text("pk"),
                        sk: text("sk"),
                    });
                    return Ok(page);
                }
                Some(key) => start = Some(key),
            }
        }
    }
}
