//! Delivers webhooks over HTTP(S): a 10 s limit, no redirects, and only to addresses the
//! policy allows, checked on the addresses the name resolves to for this very request (the
//! connection goes to those addresses, so a name that resolves differently a moment later —
//! DNS rebinding — cannot reach an internal host).

use crate::domain::{
    check_address, check_webhook_url, AddressPolicy, AttemptOutcome, MAX_RESPONSE_BYTES,
};
use crate::ports::{WebhookRequest, WebhookSender};
use async_trait::async_trait;
use std::net::{IpAddr, SocketAddr};
use std::time::Duration;

/// A receiver has this long to answer.
pub const DELIVERY_TIMEOUT: Duration = Duration::from_secs(10);

pub struct HttpWebhookSender {
    policy: AddressPolicy,
}

impl HttpWebhookSender {
    pub fn new(policy: AddressPolicy) -> Self {
        Self { policy }
    }

    /// The addresses `host` stands for now, each allowed by the policy.
    async fn allowed_addresses(&self, host: &str, port: u16) -> Result<Vec<SocketAddr>, String> {
        let addresses: Vec<SocketAddr> = match host.parse::<IpAddr>() {
            Ok(ip) => vec![SocketAddr::new(ip, port)],
            Err(_) => tokio::net::lookup_host((host, port))
                .await
                .map_err(|e| format!("does not resolve: {e}"))?
                .collect(),
        };
        if addresses.is_empty() {
            return Err("does not resolve".into());
        }
        for address in &addresses {
            check_address(address.ip(), self.policy)?;
        }
        Ok(addresses)
    }
}

fn failed(error: String) -> AttemptOutcome {
    AttemptOutcome {
        status_code: None,
        error: Some(error),
        response: None,
    }
}

#[async_trait]
impl WebhookSender for HttpWebhookSender {
    fn policy(&self) -> AddressPolicy {
        self.policy
    }

    async fn check_host(&self, host: &str, port: u16) -> Result<(), String> {
        self.allowed_addresses(host, port).await.map(|_| ())
    }

    async fn send(&self, request: &WebhookRequest) -> AttemptOutcome {
        let (host, port) = match check_webhook_url(&request.url, self.policy) {
            Ok(target) => target,
            Err(why) => return failed(format!("refused: the URL {why}")),
        };
        let addresses = match self.allowed_addresses(&host, port).await {
            Ok(addresses) => addresses,
            Err(why) => return failed(format!("refused: {host} {why}")),
        };
        // A client per delivery, on purpose: it pins the name to the addresses just checked,
        // which a shared client's resolver could not.
        let mut client = reqwest::Client::builder()
            .timeout(DELIVERY_TIMEOUT)
            .redirect(reqwest::redirect::Policy::none());
        if host.parse::<IpAddr>().is_err() {
            client = client.resolve_to_addrs(&host, &addresses);
        }
        let client = match client.build() {
            Ok(client) => client,
            Err(e) => return failed(format!("no HTTP client: {e}")),
        };
        let mut post = client.post(&request.url).body(request.body.clone());
        for (name, value) in &request.headers {
            post = post.header(name, value);
        }
        let mut response = match post.send().await {
            Ok(response) => response,
            Err(e) if e.is_timeout() => return failed("timed out after 10 s".into()),
            Err(e) => return failed(format!("could not connect: {e}")),
        };
        let status = response.status().as_u16();
        // Only the start of the reply is kept; the rest is not read.
        let mut kept = Vec::new();
        while kept.len() < MAX_RESPONSE_BYTES {
            match response.chunk().await {
                Ok(Some(chunk)) => kept.extend_from_slice(&chunk),
                _ => break,
            }
        }
        kept.truncate(MAX_RESPONSE_BYTES);
        AttemptOutcome {
            status_code: Some(status),
            error: None,
            response: Some(String::from_utf8_lossy(&kept).into_owned()),
        }
    }
}
