//! Entities and value types. No I/O, no AWS types: everything here is plain data and rules.

mod ids;
mod link;
mod interview;
mod position;
mod secret;
mod tenant;
mod text;

pub use ids::*;
pub use link::*;
pub use interview::*;
pub use position::*;
pub use secret::*;
pub use tenant::*;
pub use text::*;
