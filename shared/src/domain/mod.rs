//! Entities and value types. No I/O, no AWS types: everything here is plain data and rules.

mod comment;
mod email_events;
mod evaluation;
mod followup;
mod ids;
mod interview;
mod link;
mod position;
mod reminder;
mod review;
mod secret;
mod share;
mod tenant;
mod text;
mod transcript;
mod upload;
mod webhook;

pub use comment::*;
pub use email_events::*;
pub use evaluation::*;
pub use followup::*;
pub use ids::*;
pub use interview::*;
pub use link::*;
pub use position::*;
pub use reminder::*;
pub use review::*;
pub use secret::*;
pub use share::*;
pub use tenant::*;
pub use text::*;
pub use transcript::*;
pub use upload::*;
pub use webhook::*;
