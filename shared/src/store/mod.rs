//! The store ports, implemented once over any [`ItemEngine`]. Every stored record, its key
//! layout and every write condition is defined here and nowhere else; an engine only knows how
//! to read items and to apply a list of conditional writes all or nothing. The DynamoDB
//! adapter (`aws`) and the embedded one (`local`) are two engines, so the two backends cannot
//! disagree on what is stored or when a write is refused: the contract tests prove the
//! engines agree on every condition.
//!
//! Versioning lives here too: a use case loads, asks the domain for a change and saves; the
//! store writes only if the stored version is still the one that was read, and bumps it.

mod comments;
mod counts;
mod cursor;
mod engine;
mod idempotency;
mod insights;
mod interviews;
pub(crate) mod keys;
mod positions;
mod rate_limits;
mod records;
mod shares;
mod suppressions;
mod tenants;
mod webhooks;

pub use engine::{
    Condition, Filter, Index, IndexPage, IndexPosition, IndexQuery, Item, ItemEngine, Op, Refused,
    Write,
};

/// The store: every store port over one engine.
pub struct Store<E> {
    engine: E,
}

impl<E: ItemEngine> Store<E> {
    pub fn over(engine: E) -> Self {
        Self { engine }
    }

    /// The first `limit` items of one partition of the sparse due index, in due order, up to
    /// the sort key `until` if given: work waiting in a queue (followups, webhook retries).
    async fn due_items(
        &self,
        partition: &str,
        until: Option<&str>,
        limit: usize,
    ) -> crate::ports::PortResult<Vec<Item>> {
        let page = self
            .engine
            .query_index(&IndexQuery {
                index: Index::Due,
                index_pk: partition,
                until,
                after: None,
                newest_first: false,
                filter: None,
                want: limit,
                max_reads: limit,
            })
            .await?;
        Ok(page.items)
    }
}

/// The subscription and delivery a delivery item's key names (as a change stream reports it).
pub fn delivery_key(
    pk: &str,
    sk: &str,
) -> Option<(
    crate::domain::TenantId,
    crate::domain::WebhookId,
    crate::domain::DeliveryId,
)> {
    let tenant = crate::domain::TenantId::parse(pk.strip_prefix("TENANT#")?)?;
    let (webhook, delivery) = sk.strip_prefix("DELIVERY#")?.split_once('#')?;
    Some((
        tenant,
        crate::domain::WebhookId::parse(webhook)?,
        crate::domain::DeliveryId::parse(delivery)?,
    ))
}
