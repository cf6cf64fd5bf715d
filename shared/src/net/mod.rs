//! Adapters for the open network, used deployed and locally alike: webhook delivery.

mod webhook_sender;

pub use webhook_sender::HttpWebhookSender;
