//! Embedded adapters for running Reelview with no AWS account: a redb item engine (under the
//! one `crate::store`) in the data
//! directory, videos on disk behind signed expiring URLs served by the local process, and
//! emails written as `.eml` files to an outbox folder.

mod mailer;
mod store;
mod video;

pub use mailer::OutboxMailer;
pub use store::LocalStore;
pub use video::{DiskVideos, UPLOAD_ROUTE_PREFIX};
