//! What a storage engine must do for [`super::Store`]: read an item, query a partition or the
//! listing index, and apply conditional writes all or nothing. Conditions are data
//! ([`Condition`]); [`Condition::holds`] is their meaning, which the embedded engine evaluates
//! directly and the DynamoDB engine renders as condition expressions.

use super::keys::Key;
use crate::ports::PortResult;
use async_trait::async_trait;
use serde_json::{Map, Value};

/// One stored item: its attributes, `pk` and `sk` included, as JSON.
pub type Item = Map<String, Value>;

/// When a write may happen. Evaluated against the item currently stored under the write's key.
#[derive(Debug, Clone, PartialEq)]
pub enum Condition {
    Always,
    /// No item under the key: uniqueness guards, new records.
    Absent,
    /// An item exists under the key.
    Present,
    /// The item exists and its `version` is this one (a missing `version` reads as 0):
    /// optimistic concurrency.
    VersionIs(u64),
    /// The numeric attribute (absent reads as 0) is below `limit`: the monthly quota. A limit
    /// of 0 therefore refuses every write.
    Below {
        attribute: &'static str,
        limit: u64,
    },
    /// No item, or its numeric attribute (epoch seconds) is at or before `now`: an expired
    /// lease may be taken over.
    AbsentOrExpired {
        attribute: &'static str,
        now: i64,
    },
    /// The item exists and its string attribute is `value`: only the holder of a lease may
    /// act on what it claimed.
    Holds {
        attribute: &'static str,
        value: String,
    },
}

impl Condition {
    /// Whether the condition holds for `current`, the stored item (if any).
    pub fn holds(&self, current: Option<&Item>) -> bool {
        let number = |item: &Item, attribute: &str| item.get(attribute).and_then(Value::as_i64);
        match self {
            Condition::Always => true,
            Condition::Absent => current.is_none(),
            Condition::Present => current.is_some(),
            Condition::VersionIs(expected) => current.is_some_and(|item| {
                item.get("version").and_then(Value::as_u64).unwrap_or(0) == *expected
            }),
            Condition::Below { attribute, limit } => {
                let used = current
                    .and_then(|item| number(item, attribute))
                    .unwrap_or(0);
                used < *limit as i64
            }
            Condition::AbsentOrExpired { attribute, now } => match current {
                None => true,
                Some(item) => number(item, attribute).is_some_and(|at| at <= *now),
            },
            Condition::Holds { attribute, value } => current
                .is_some_and(|item| item.get(*attribute).and_then(Value::as_str) == Some(value)),
        }
    }
}

/// What a write does to the item under its key.
#[derive(Debug, Clone, PartialEq)]
pub enum Op {
    /// Replaces the whole item (which carries its own `pk` and `sk`).
    Put(Item),
    Delete,
    /// Sets attributes and adds to numeric ones (absent reads as 0), creating the item if the
    /// condition allows it.
    Update {
        set: Vec<(&'static str, Value)>,
        add: Vec<(String, i64)>,
    },
}

#[derive(Debug, Clone, PartialEq)]
pub struct Write {
    pub key: Key,
    pub op: Op,
    pub condition: Condition,
}

impl Op {
    pub fn set(set: Vec<(&'static str, Value)>) -> Self {
        Op::Update { set, add: vec![] }
    }

    pub fn add(add: Vec<(String, i64)>) -> Self {
        Op::Update { set: vec![], add }
    }
}

impl Write {
    pub fn put(item: Item, condition: Condition) -> Self {
        let key = (
            item.get("pk")
                .and_then(Value::as_str)
                .unwrap_or_default()
                .to_string(),
            item.get("sk")
                .and_then(Value::as_str)
                .unwrap_or_default()
                .to_string(),
        );
        Self {
            key,
            op: Op::Put(item),
            condition,
        }
    }

    pub fn delete(key: Key) -> Self {
        Self {
            key,
            op: Op::Delete,
            condition: Condition::Always,
        }
    }
}

/// The indexes (in the order given) of the writes whose condition failed; nothing was written.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Refused(pub Vec<usize>);

impl Refused {
    pub fn includes(&self, index: usize) -> bool {
        self.0.contains(&index)
    }
}

/// Which items of a query to keep. Evaluated on the stored item: the embedded engine calls
/// [`Filter::matches`], the DynamoDB engine renders the same as a filter expression.
#[derive(Debug, Clone, PartialEq)]
pub enum Filter {
    /// The attribute is present and equals the value.
    Eq(&'static str, Value),
    /// The numeric attribute is present and at least the value.
    AtLeast(&'static str, f64),
    /// The numeric attribute is present and at most the value.
    AtMost(&'static str, f64),
    /// The numeric attribute is present and above the value.
    Above(&'static str, f64),
    Absent(&'static str),
    All(Vec<Filter>),
    Any(Vec<Filter>),
}

impl Filter {
    pub fn matches(&self, item: &Item) -> bool {
        let number = |name: &str| item.get(name).and_then(Value::as_f64);
        match self {
            Filter::Eq(name, value) => item.get(*name) == Some(value),
            Filter::AtLeast(name, min) => number(name).is_some_and(|n| n >= *min),
            Filter::AtMost(name, max) => number(name).is_some_and(|n| n <= *max),
            Filter::Above(name, min) => number(name).is_some_and(|n| n > *min),
            Filter::Absent(name) => item.get(*name).is_none_or(Value::is_null),
            Filter::All(all) => all.iter().all(|f| f.matches(item)),
            Filter::Any(any) => any.iter().any(|f| f.matches(item)),
        }
    }
}

/// The table's secondary indexes. All are sparse: an item has a place in one only when it
/// carries that index's key attributes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Index {
    /// `gsi1`: overloaded listings, e.g. a position's interviews by creation time.
    Listing,
    /// `gsi2`: interviews that have something due (a reminder, an expiry), by due time.
    Due,
    /// `gsi3`: each tenant's interviews that ended or will end by themselves, by that time,
    /// so the retention job reads only what its cutoff reaches. It projects keys only: the
    /// job reads each interview itself before deleting it.
    Ended,
}

impl Index {
    pub const ALL: [Index; 3] = [Index::Listing, Index::Due, Index::Ended];

    pub fn name(self) -> &'static str {
        match self {
            Index::Listing => "gsi1",
            Index::Due => "gsi2",
            Index::Ended => "gsi3",
        }
    }

    /// The attribute holding an item's partition in this index.
    pub fn pk(self) -> &'static str {
        match self {
            Index::Listing => "gsi1pk",
            Index::Due => "gsi2pk",
            Index::Ended => "gsi3pk",
        }
    }

    /// The attribute holding an item's sort key in this index.
    pub fn sk(self) -> &'static str {
        match self {
            Index::Listing => "gsi1sk",
            Index::Due => "gsi2sk",
            Index::Ended => "gsi3sk",
        }
    }
}

/// A query of one partition of a secondary index.
#[derive(Debug, Clone)]
pub struct IndexQuery<'a> {
    pub index: Index,
    pub index_pk: &'a str,
    /// Only items whose index sort key is at most this (ascending queries).
    pub until: Option<&'a str>,
    /// Start after this position (in the direction of the query).
    pub after: Option<&'a IndexPosition>,
    /// Descending index sort key: newest first.
    pub newest_first: bool,
    pub filter: Option<&'a Filter>,
    /// Stop once this many items matched.
    pub want: usize,
    /// Stop once this many items were read, matching or not, so a page costs a bounded
    /// number of reads however selective the filter.
    pub max_reads: usize,
}

/// The matching items, in query order, and where reading stopped.
#[derive(Debug, Clone, Default)]
pub struct IndexPage {
    pub items: Vec<Item>,
    /// The last item read (matching or not), unless the index was read to its end.
    pub stopped_at: Option<IndexPosition>,
}

/// Where a listing page ended: the index sort key and the item's own key.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct IndexPosition {
    pub sort: String,
    pub pk: String,
    pub sk: String,
}

impl IndexPosition {
    /// The position of an item in `index`.
    pub fn of(item: &Item, index: Index) -> Option<Self> {
        let text = |name: &str| item.get(name).and_then(Value::as_str).map(str::to_string);
        Some(Self {
            sort: text(index.sk())?,
            pk: text("pk")?,
            sk: text("sk")?,
        })
    }
}

#[async_trait]
pub trait ItemEngine: Send + Sync + 'static {
    /// A strongly consistent read.
    async fn get(&self, key: &Key) -> PortResult<Option<Item>>;
    /// Applies every write or none. Each key appears at most once.
    async fn write(&self, writes: Vec<Write>) -> PortResult<Result<(), Refused>>;
    /// Every item of partition `pk` whose sort key starts with `sort_prefix`, in sort order.
    async fn query_partition(&self, pk: &str, sort_prefix: &str) -> PortResult<Vec<Item>> {
        self.query_partition_after(pk, sort_prefix, None, usize::MAX)
            .await
    }
    /// Up to `limit` items of partition `pk` whose sort key starts with `sort_prefix` and
    /// comes after `after`, in sort order.
    async fn query_partition_after(
        &self,
        pk: &str,
        sort_prefix: &str,
        after: Option<&str>,
        limit: usize,
    ) -> PortResult<Vec<Item>>;
    /// Strongly consistent reads of several items at once, in the order of `keys`.
    async fn get_many(&self, keys: &[Key]) -> PortResult<Vec<Option<Item>>>;
    /// Items of one partition of a secondary index; see [`IndexQuery`].
    async fn query_index(&self, query: &IndexQuery<'_>) -> PortResult<IndexPage>;
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn item(value: Value) -> Item {
        value.as_object().cloned().unwrap()
    }

    #[test]
    fn a_limit_of_zero_refuses_even_the_first_write() {
        let below_zero = Condition::Below {
            attribute: "count",
            limit: 0,
        };
        assert!(!below_zero.holds(None));
        let below_two = Condition::Below {
            attribute: "count",
            limit: 2,
        };
        assert!(below_two.holds(None));
        assert!(below_two.holds(Some(&item(json!({ "count": 1 })))));
        assert!(!below_two.holds(Some(&item(json!({ "count": 2 })))));
    }

    #[test]
    fn versions_and_leases() {
        assert!(!Condition::VersionIs(0).holds(None));
        assert!(Condition::VersionIs(0).holds(Some(&item(json!({})))));
        assert!(Condition::VersionIs(3).holds(Some(&item(json!({ "version": 3 })))));
        let lease = Condition::AbsentOrExpired {
            attribute: "expiresAt",
            now: 100,
        };
        assert!(lease.holds(None));
        assert!(lease.holds(Some(&item(json!({ "expiresAt": 100 })))));
        assert!(!lease.holds(Some(&item(json!({ "expiresAt": 101 })))));
    }
}
