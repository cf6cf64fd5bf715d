//! What the application needs from the outside world, as async traits split by capability:
//! the store (tenants, positions, interviews, idempotency), video storage, mail, the clock
//! and randomness. `store` implements the store traits once over an item engine (DynamoDB or
//! the embedded one); `aws` and `local` implement video storage and mail.

/// A failure of an outside system (network, throttling, a corrupt item). Never shown to
/// clients: it becomes a 500 `internal_error` and a log line.
#[derive(Debug, thiserror::Error)]
#[error("{0}")]
pub struct Unavailable(pub String);

impl Unavailable {
    pub fn from_err(context: &str, err: impl std::fmt::Display) -> Self {
        Self(format!("{context}: {err}"))
    }
}

pub type PortResult<T> = Result<T, Unavailable>;

mod ai;
mod mail;
mod store;
mod video;
mod webhooks;

pub use ai::*;
pub use mail::*;
pub use store::*;
pub use video::*;
pub use webhooks::*;
