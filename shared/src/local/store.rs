//! The embedded item engine: one redb file under the data directory. redb runs one write
//! transaction at a time, so checking every condition and then applying every write inside
//! one transaction is atomic, like a DynamoDB transaction. What is stored and when a write is
//! refused is decided in `crate::store`, not here.

use crate::ports::{PortResult, Unavailable};
use crate::store::keys::Key;
use crate::store::{
    Index, IndexPage, IndexPosition, IndexQuery, Item, ItemEngine, Op, Refused, Store, Write,
};
use async_trait::async_trait;
use redb::{Database, ReadableDatabase, ReadableTable, Table, TableDefinition};
use serde_json::Value;
use std::ops::Bound;
use std::path::Path;
use std::sync::Arc;

/// Every item, under `pk \0 sk`, as JSON.
const ITEMS: TableDefinition<&str, &[u8]> = TableDefinition::new("items");
/// Each secondary index, like the table's, in a table of its own named after it:
/// `indexpk \0 indexsk \0 pk \0 sk` → item key.
fn index_table(index: Index) -> TableDefinition<'static, &'static str, &'static str> {
    TableDefinition::new(index.name())
}

/// The store on the embedded engine.
pub type LocalStore = Store<RedbItems>;

impl LocalStore {
    /// Opens (or creates) the store in `dir`.
    pub fn open(dir: &Path) -> Result<Self, Unavailable> {
        RedbItems::open(dir).map(Store::over)
    }
}

impl RedbItems {
    /// An engine that keeps everything in memory and forgets it on drop: for measuring the
    /// code above the store (benchmarks) without a disk's sync in every write.
    pub fn in_memory() -> Result<Self, Unavailable> {
        let db = Database::builder()
            .create_with_backend(redb::backends::InMemoryBackend::new())
            .map_err(|e| Unavailable::from_err("creating an in-memory store", e))?;
        Self::with_tables(db)
    }
}

#[derive(Clone)]
pub struct RedbItems {
    db: Arc<Database>,
}

fn item_key(key: &Key) -> String {
    format!("{}\u{0}{}", key.0, key.1)
}

fn text<'a>(item: &'a Item, name: &str) -> Option<&'a str> {
    item.get(name).and_then(Value::as_str)
}

/// The item's entry in `index`, if it has a place there.
fn index_entry(item: &Item, index: Index) -> Option<String> {
    Some(format!(
        "{}\u{0}{}\u{0}{}\u{0}{}",
        text(item, index.pk())?,
        text(item, index.sk())?,
        text(item, "pk")?,
        text(item, "sk")?
    ))
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

fn get(
    items: &impl ReadableTable<&'static str, &'static [u8]>,
    key: &str,
) -> Result<Option<Item>, Fail> {
    match items.get(key)? {
        Some(bytes) => Ok(Some(serde_json::from_slice(bytes.value())?)),
        None => Ok(None),
    }
}

type Items<'t> = Table<'t, &'static str, &'static [u8]>;
type IndexTable<'t> = Table<'t, &'static str, &'static str>;

/// The item after `op`, or `None` when it is deleted.
fn apply(key: &Key, current: Option<Item>, op: Op) -> Option<Item> {
    let fresh = || {
        let mut item = Item::new();
        item.insert("pk".into(), Value::String(key.0.clone()));
        item.insert("sk".into(), Value::String(key.1.clone()));
        item
    };
    match op {
        Op::Put(item) => Some(item),
        Op::Delete => None,
        Op::Update { set, add } => {
            let mut item = current.unwrap_or_else(fresh);
            for (name, value) in set {
                item.insert(name.to_string(), value);
            }
            for (name, by) in add {
                let sum = item.get(&name).and_then(Value::as_i64).unwrap_or(0) + by;
                item.insert(name, Value::from(sum));
            }
            Some(item)
        }
    }
}

fn store(
    items: &mut Items<'_>,
    indexes: &mut [(Index, IndexTable<'_>)],
    key: &Key,
    before: Option<&Item>,
    after: Option<&Item>,
) -> Result<(), Fail> {
    let key = item_key(key);
    for (index, table) in indexes.iter_mut() {
        if let Some(entry) = before.and_then(|item| index_entry(item, *index)) {
            table.remove(entry.as_str())?;
        }
        if let Some(entry) = after.and_then(|item| index_entry(item, *index)) {
            table.insert(entry.as_str(), key.as_str())?;
        }
    }
    match after {
        Some(item) => {
            items.insert(key.as_str(), serde_json::to_vec(item)?.as_slice())?;
        }
        None => {
            items.remove(key.as_str())?;
        }
    }
    Ok(())
}

impl RedbItems {
    fn open(dir: &Path) -> Result<Self, Unavailable> {
        std::fs::create_dir_all(dir)
            .map_err(|e| Unavailable::from_err("creating data directory", e))?;
        let db = Database::create(dir.join("reelview.redb"))
            .map_err(|e| Unavailable::from_err("opening local store", e))?;
        Self::with_tables(db)
    }

    /// Creates the tables a fresh database lacks.
    fn with_tables(db: Database) -> Result<Self, Unavailable> {
        let init = || -> Result<(), Fail> {
            let txn = db.begin_write()?;
            txn.open_table(ITEMS)?;
            for index in Index::ALL {
                txn.open_table(index_table(index))?;
            }
            txn.commit()?;
            Ok(())
        };
        init()?;
        Ok(Self { db: Arc::new(db) })
    }

    /// Runs `f` over the items and the table of `index` in one read transaction.
    async fn read<T: Send + 'static>(
        &self,
        index: Index,
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
            let index = txn.open_table(index_table(index))?;
            f(&items, &index)
        })
        .await
        .map_err(Fail::from)?;
        Ok(out?)
    }
}

#[async_trait]
impl ItemEngine for RedbItems {
    async fn get(&self, key: &Key) -> PortResult<Option<Item>> {
        let key = item_key(key);
        self.read(Index::Listing, move |items, _| get(items, &key))
            .await
    }

    async fn write(&self, writes: Vec<Write>) -> PortResult<Result<(), Refused>> {
        // As DynamoDB refuses a transaction with two operations on one item, so does this.
        let keys: std::collections::HashSet<&Key> = writes.iter().map(|w| &w.key).collect();
        if keys.len() != writes.len() {
            return Err(Unavailable(
                "local store: two writes to one item in one transaction".into(),
            ));
        }
        let db = self.db.clone();
        let outcome = tokio::task::spawn_blocking(move || -> Result<Result<(), Refused>, Fail> {
            let txn = db.begin_write()?;
            {
                let mut items = txn.open_table(ITEMS)?;
                let mut indexes = Index::ALL
                    .into_iter()
                    .map(|index| Ok((index, txn.open_table(index_table(index))?)))
                    .collect::<Result<Vec<_>, Fail>>()?;
                let mut current = Vec::with_capacity(writes.len());
                for write in &writes {
                    current.push(get(&items, &item_key(&write.key))?);
                }
                let failed: Vec<usize> = writes
                    .iter()
                    .zip(&current)
                    .enumerate()
                    .filter(|(_, (write, item))| !write.condition.holds(item.as_ref()))
                    .map(|(i, _)| i)
                    .collect();
                if !failed.is_empty() {
                    // Dropping the transaction uncommitted writes nothing.
                    return Ok(Err(Refused(failed)));
                }
                for (write, before) in writes.into_iter().zip(current) {
                    let after = apply(&write.key, before.clone(), write.op);
                    store(
                        &mut items,
                        &mut indexes,
                        &write.key,
                        before.as_ref(),
                        after.as_ref(),
                    )?;
                }
            }
            txn.commit()?;
            Ok(Ok(()))
        })
        .await
        .map_err(Fail::from)?;
        Ok(outcome?)
    }

    async fn query_partition_after(
        &self,
        pk: &str,
        sort_prefix: &str,
        after: Option<&str>,
        limit: usize,
    ) -> PortResult<Vec<Item>> {
        let start = match after {
            Some(sk) => Bound::Excluded(format!("{pk}\u{0}{sk}")),
            None => Bound::Included(format!("{pk}\u{0}{sort_prefix}")),
        };
        let end = Bound::Excluded(format!("{pk}\u{0}{sort_prefix}\u{10FFFF}"));
        self.read(Index::Listing, move |items, _| {
            let range = (
                start.as_ref().map(String::as_str),
                end.as_ref().map(String::as_str),
            );
            let mut out = Vec::new();
            for entry in items.range::<&str>(range)?.take(limit) {
                let (_, value) = entry?;
                out.push(serde_json::from_slice(value.value())?);
            }
            Ok(out)
        })
        .await
    }

    async fn get_many(&self, keys: &[Key]) -> PortResult<Vec<Option<Item>>> {
        let keys: Vec<String> = keys.iter().map(item_key).collect();
        self.read(Index::Listing, move |items, _| {
            keys.iter().map(|k| get(items, k)).collect()
        })
        .await
    }

    async fn query_index(&self, query: &IndexQuery<'_>) -> PortResult<IndexPage> {
        let prefix = format!("{}\u{0}", query.index_pk);
        let end = Bound::Excluded(format!("{}\u{0}\u{10FFFF}", query.index_pk));
        let after = query
            .after
            .map(|a| Bound::Excluded(format!("{prefix}{}\u{0}{}\u{0}{}", a.sort, a.pk, a.sk)));
        let (lower, upper) = match (query.newest_first, after) {
            (false, after) => (after.unwrap_or(Bound::Included(prefix)), end),
            (true, after) => (Bound::Included(prefix), after.unwrap_or(end)),
        };
        let (newest_first, want, max_reads) = (query.newest_first, query.want, query.max_reads);
        let filter = query.filter.cloned();
        let until = query.until.map(str::to_string);
        let which = query.index;
        self.read(which, move |items, index| {
            let range = (
                lower.as_ref().map(String::as_str),
                upper.as_ref().map(String::as_str),
            );
            let range = index.range::<&str>(range)?;
            let entries: Box<dyn Iterator<Item = _>> = if newest_first {
                Box::new(range.rev())
            } else {
                Box::new(range)
            };
            let mut page = IndexPage::default();
            for (reads, entry) in entries.enumerate() {
                let (_, item_key) = entry?;
                let Some(item) = get(items, item_key.value())? else {
                    continue;
                };
                let position = IndexPosition::of(&item, which);
                if until
                    .as_deref()
                    .is_some_and(|until| position.as_ref().is_some_and(|p| p.sort.as_str() > until))
                {
                    return Ok(page);
                }
                if filter.as_ref().is_none_or(|f| f.matches(&item)) {
                    page.items.push(item);
                }
                if page.items.len() == want || reads + 1 == max_reads {
                    page.stopped_at = position;
                    return Ok(page);
                }
            }
            Ok(page)
        })
        .await
    }
}
