//! Reelview: one-way video interviews on AWS.
//!
//! The crate is a hexagon (docs/ARCHITECTURE.md draws it): [`domain`] holds plain data and
//! rules, [`ports`] the traits for the outside world, [`app`] the use cases over those ports,
//! [`http`] the HTTP glue with one module per route group, [`functions`] the manifest of the
//! deployed functions and [`runtime`] their start-up. [`store`] implements the store ports
//! once over an item engine; the adapters live behind features: [`aws`] (DynamoDB, S3, SESv2)
//! and [`local`] (embedded, for running with no AWS account). [`encoding`] and [`mime`] are
//! small pure helpers every layer may use.

pub mod app;
pub mod domain;
pub mod encoding;
pub mod functions;
pub mod http;
pub mod mime;
pub mod ports;
pub mod runtime;
pub mod store;

#[cfg(feature = "aws")]
pub mod aws;
#[cfg(feature = "local")]
pub mod local;
#[cfg(feature = "webhooks")]
pub mod net;
