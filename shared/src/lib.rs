//! Reelview: one-way video interviews on AWS.
//!
//! The crate is a hexagon: [`domain`] holds plain data and rules, [`ports`] the traits for the
//! outside world, [`app`] the use cases over those ports, [`http`] the shared HTTP glue, and
//! the adapters live behind features: [`aws`] (DynamoDB, S3, SESv2) and [`local`] (embedded,
//! for running with no AWS account).

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
