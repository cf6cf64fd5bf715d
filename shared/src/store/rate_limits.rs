//! Rate limits: one counter item per name and window, counted with a conditional ADD, so
//! concurrent requests on any number of instances cannot pass the limit together.

use super::{keys, Condition, ItemEngine, Op, Store, Write};
use crate::ports::{PortResult, RateLimits};
use async_trait::async_trait;
use serde_json::Value;

const HITS: &str = "hits";

#[async_trait]
impl<E: ItemEngine> RateLimits for Store<E> {
    async fn hit(
        &self,
        name: &str,
        window_start: i64,
        limit: u32,
        expires_at: i64,
    ) -> PortResult<bool> {
        let count = Write {
            key: keys::rate_window(name, window_start),
            op: Op::Update {
                set: vec![("ttl", Value::from(expires_at))],
                add: vec![(HITS.to_string(), 1)],
            },
            condition: Condition::Below {
                attribute: HITS,
                limit: limit.into(),
            },
        };
        Ok(self.engine.write(vec![count]).await?.is_ok())
    }
}
