//! Webhooks: a tenant's subscriptions, the events they are told, how a delivery is signed and
//! retried, and which addresses a delivery may go to. No I/O: the sender and the store are
//! ports.

use super::{
    DeliveryId, EventId, Interview, InterviewId, InterviewStatus, PositionId, Score, Stage,
    TenantId, WebhookId,
};
use base64::engine::general_purpose::STANDARD;
use base64::Engine;
use chrono::{DateTime, Duration, Utc};
use hmac::{Hmac, Mac};
use serde::{Deserialize, Serialize};
use sha2::Sha256;
use std::net::IpAddr;

/// What happened, as a webhook names it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
pub enum EventType {
    #[serde(rename = "interview.created")]
    InterviewCreated,
    #[serde(rename = "interview.started")]
    InterviewStarted,
    #[serde(rename = "interview.completed")]
    InterviewCompleted,
    #[serde(rename = "interview.answer_deleted")]
    InterviewAnswerDeleted,
    #[serde(rename = "interview.stage_changed")]
    InterviewStageChanged,
    #[serde(rename = "interview.score_updated")]
    InterviewScoreUpdated,
    #[serde(rename = "interview.expired")]
    InterviewExpired,
    #[serde(rename = "interview.deleted")]
    InterviewDeleted,
    #[serde(rename = "email.bounced")]
    EmailBounced,
    /// Sent by `POST /v1/webhooks/{id}/test`; never subscribed to.
    #[serde(rename = "ping")]
    Ping,
}

/// The events a subscription may ask for.
pub const SUBSCRIBABLE_EVENTS: [EventType; 9] = [
    EventType::InterviewCreated,
    EventType::InterviewStarted,
    EventType::InterviewCompleted,
    EventType::InterviewAnswerDeleted,
    EventType::InterviewStageChanged,
    EventType::InterviewScoreUpdated,
    EventType::InterviewExpired,
    EventType::InterviewDeleted,
    EventType::EmailBounced,
];

impl EventType {
    pub fn parse(raw: &str) -> Option<Self> {
        SUBSCRIBABLE_EVENTS.into_iter().find(|e| {
            serde_json::to_value(e)
                .ok()
                .as_ref()
                .and_then(|v| v.as_str())
                == Some(raw)
        })
    }
}

/// An interview as events describe it: never its candidate's contact details or any URL.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct InterviewSummary {
    pub id: InterviewId,
    pub position_id: PositionId,
    pub external_id: Option<String>,
    pub status: InterviewStatus,
    pub stage: Stage,
    pub score: Option<Score>,
}

impl InterviewSummary {
    pub fn of(interview: &Interview) -> Self {
        Self {
            id: interview.id,
            position_id: interview.position_id,
            external_id: interview.external_id.clone(),
            status: interview.status,
            stage: interview.stage,
            score: interview.score,
        }
    }
}

/// One event, as every subscription that wants it receives it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Event {
    pub id: EventId,
    #[serde(rename = "type")]
    pub event_type: EventType,
    pub created_at: DateTime<Utc>,
    pub tenant_id: TenantId,
    /// The interview after the change (`null` for a ping).
    pub data: Option<InterviewSummary>,
}

impl Event {
    /// The body every delivery of this event sends (the same bytes on every retry).
    pub fn body(&self) -> String {
        serde_json::to_string(self).unwrap_or_default()
    }
}

/// A tenant's subscription to some events at one URL.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Webhook {
    pub tenant_id: TenantId,
    pub id: WebhookId,
    pub url: String,
    pub events: Vec<EventType>,
    pub description: Option<String>,
    pub enabled: bool,
    /// Signs every delivery. Kept as is (it must be, to sign), in the tenant's own table.
    pub secret: String,
    /// After a rotation, the old secret signs too until `previous_secret_until`, so a
    /// receiver can switch without losing a delivery.
    pub previous_secret: Option<String>,
    pub previous_secret_until: Option<DateTime<Utc>>,
    /// Why it was disabled, when the product disabled it.
    pub disabled_reason: Option<String>,
    /// Since when every delivery has failed (reset by a success).
    pub failing_since: Option<DateTime<Utc>>,
    pub created_at: DateTime<Utc>,
    pub version: u64,
}

/// The old secret of a rotation keeps signing this long.
pub const ROTATION_OVERLAP_HOURS: i64 = 24;
/// A subscription whose deliveries all fail for this long is disabled.
pub const DISABLE_AFTER_FAILING_DAYS: i64 = 3;

impl Webhook {
    /// Whether this subscription is told of `event`.
    pub fn wants(&self, event: EventType) -> bool {
        self.enabled && self.events.contains(&event)
    }

    /// The secrets that sign a delivery at `now`: the current one, and the previous one during
    /// a rotation's overlap.
    pub fn signing_secrets(&self, now: DateTime<Utc>) -> Vec<&str> {
        let mut secrets = vec![self.secret.as_str()];
        if let (Some(old), Some(until)) = (&self.previous_secret, self.previous_secret_until) {
            if now < until {
                secrets.push(old);
            }
        }
        secrets
    }

    /// A new secret; the current one keeps signing for [`ROTATION_OVERLAP_HOURS`].
    pub fn rotate(&mut self, new_secret: String, now: DateTime<Utc>) {
        self.previous_secret = Some(std::mem::replace(&mut self.secret, new_secret));
        self.previous_secret_until = Some(now + Duration::hours(ROTATION_OVERLAP_HOURS));
    }

    /// Records how a delivery attempt went. A subscription that has failed for
    /// [`DISABLE_AFTER_FAILING_DAYS`] is disabled, with why. Returns whether anything changed.
    pub fn record_attempt(&mut self, succeeded: bool, why: &str, now: DateTime<Utc>) -> bool {
        if succeeded {
            return self.failing_since.take().is_some();
        }
        let since = *self.failing_since.get_or_insert(now);
        if self.enabled && now - since >= Duration::days(DISABLE_AFTER_FAILING_DAYS) {
            self.enabled = false;
            self.disabled_reason = Some(format!(
                "disabled on {}: every delivery failed for {DISABLE_AFTER_FAILING_DAYS} days (last: {why})",
                now.format("%Y-%m-%d %H:%M UTC")
            ));
        }
        since == now || !self.enabled
    }

    /// Enables it again (after the receiver was fixed): failures count afresh.
    pub fn enable(&mut self, enabled: bool) {
        self.enabled = enabled;
        if enabled {
            self.disabled_reason = None;
            self.failing_since = None;
        }
    }
}

/// `v1=<base64 HMAC-SHA256(secret, id + "." + timestamp + "." + body)>`, one value per secret,
/// separated by spaces.
pub fn signature_header(secrets: &[&str], id: &str, timestamp: i64, body: &str) -> String {
    secrets
        .iter()
        .map(|secret| format!("v1={}", sign(secret, id, timestamp, body)))
        .collect::<Vec<_>>()
        .join(" ")
}

fn sign(secret: &str, id: &str, timestamp: i64, body: &str) -> String {
    let mut mac = Hmac::<Sha256>::new_from_slice(secret.as_bytes()).expect("HMAC takes any key");
    mac.update(format!("{id}.{timestamp}.{body}").as_bytes());
    STANDARD.encode(mac.finalize().into_bytes())
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum DeliveryStatus {
    Pending,
    Delivered,
    /// Every attempt failed for the whole retry period (or the subscription went away).
    Failed,
}

/// One event's delivery to one subscription, with its attempts.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Delivery {
    pub tenant_id: TenantId,
    pub webhook_id: WebhookId,
    pub id: DeliveryId,
    pub event: Event,
    pub status: DeliveryStatus,
    pub attempts: u32,
    pub last_status_code: Option<u16>,
    pub last_error: Option<String>,
    /// The start of the receiver's last reply (at most [`MAX_RESPONSE_BYTES`]).
    pub last_response: Option<String>,
    pub last_attempt_at: Option<DateTime<Utc>>,
    pub next_attempt_at: Option<DateTime<Utc>>,
    pub created_at: DateTime<Utc>,
    pub version: u64,
}

/// Receivers' replies are kept this far, no further.
pub const MAX_RESPONSE_BYTES: usize = 1024;

/// Waits after the first, second, … failed attempt: about 24 hours in all, then the delivery
/// is failed.
pub const RETRY_DELAYS_MINUTES: [i64; 9] = [1, 5, 15, 30, 60, 120, 240, 480, 480];

/// How an attempt went.
#[derive(Debug, Clone, PartialEq)]
pub struct AttemptOutcome {
    /// The receiver's status code, if it answered.
    pub status_code: Option<u16>,
    /// Why it failed when it did not answer (timeout, refused address, network).
    pub error: Option<String>,
    pub response: Option<String>,
}

impl AttemptOutcome {
    pub fn succeeded(&self) -> bool {
        self.status_code.is_some_and(|c| (200..300).contains(&c))
    }

    /// In words, for the subscription's reason and the log.
    pub fn describe(&self) -> String {
        match (self.status_code, &self.error) {
            (Some(code), _) => format!("HTTP {code}"),
            (None, Some(error)) => error.clone(),
            (None, None) => "no answer".into(),
        }
    }
}

impl Delivery {
    pub fn new(webhook: &Webhook, id: DeliveryId, event: Event, now: DateTime<Utc>) -> Self {
        Self {
            tenant_id: webhook.tenant_id,
            webhook_id: webhook.id,
            id,
            event,
            status: DeliveryStatus::Pending,
            attempts: 0,
            last_status_code: None,
            last_error: None,
            last_response: None,
            last_attempt_at: None,
            next_attempt_at: Some(now),
            created_at: now,
            version: 0,
        }
    }

    /// Records an attempt: delivered on a 2xx; otherwise the next attempt after the next
    /// delay of [`RETRY_DELAYS_MINUTES`], or failed once they are used up.
    pub fn record_attempt(&mut self, outcome: &AttemptOutcome, now: DateTime<Utc>) {
        self.attempts += 1;
        self.last_attempt_at = Some(now);
        self.last_status_code = outcome.status_code;
        self.last_error = outcome.error.clone();
        self.last_response = outcome.response.as_deref().map(clip_response);
        if outcome.succeeded() {
            self.status = DeliveryStatus::Delivered;
            self.next_attempt_at = None;
            return;
        }
        match RETRY_DELAYS_MINUTES.get(self.attempts as usize - 1) {
            Some(minutes) => self.next_attempt_at = Some(now + Duration::minutes(*minutes)),
            None => {
                self.status = DeliveryStatus::Failed;
                self.next_attempt_at = None;
            }
        }
    }

    /// Gives up: the subscription is gone or disabled.
    pub fn abandon(&mut self, why: &str) {
        self.status = DeliveryStatus::Failed;
        self.last_error = Some(why.to_string());
        self.next_attempt_at = None;
    }

    /// A retry asked for by the tenant: an attempt now. A delivery still being retried goes
    /// on with its schedule if it fails; a failed one gets this one attempt only.
    pub fn retry_now(&mut self, now: DateTime<Utc>) {
        if self.status == DeliveryStatus::Failed {
            self.attempts = self.attempts.max(RETRY_DELAYS_MINUTES.len() as u32);
        }
        self.status = DeliveryStatus::Pending;
        self.next_attempt_at = Some(now);
    }
}

fn clip_response(body: &str) -> String {
    let mut end = body.len().min(MAX_RESPONSE_BYTES);
    while !body.is_char_boundary(end) {
        end -= 1;
    }
    body[..end].to_string()
}

/// Where deliveries may go.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AddressPolicy {
    /// Deployed: `https://` to public addresses only.
    PublicHttps,
    /// A developer's machine: `http://` and loopback or private addresses too.
    Local,
}

/// Checks a subscription URL's form: the scheme the policy allows, a host, no credentials.
/// Returns the host (a name or an address literal) and the port.
pub fn check_webhook_url(url: &str, policy: AddressPolicy) -> Result<(String, u16), String> {
    let (scheme, rest) = url.split_once("://").ok_or("must be an absolute URL")?;
    let default_port = match (scheme, policy) {
        ("https", _) => 443,
        ("http", AddressPolicy::Local) => 80,
        _ => return Err("must start with https://".into()),
    };
    if url.len() > 2000 || url.chars().any(|c| c.is_whitespace() || c.is_control()) {
        return Err("must be a URL of at most 2000 characters without spaces".into());
    }
    let authority = rest.split(['/', '?', '#']).next().unwrap_or_default();
    if authority.contains('@') {
        return Err("must not carry credentials".into());
    }
    let (host, port) = match authority.strip_prefix('[') {
        Some(v6) => {
            let (host, after) = v6.split_once(']').ok_or("has a malformed address")?;
            if !after.is_empty() && !after.starts_with(':') {
                return Err("has a malformed address".into());
            }
            (host.to_string(), after.strip_prefix(':'))
        }
        None => match authority.rsplit_once(':') {
            Some((host, port)) => (host.to_string(), Some(port)),
            None => (authority.to_string(), None),
        },
    };
    if host.is_empty() {
        return Err("must name a host".into());
    }
    let port = match port {
        None => default_port,
        Some(p) => p.parse().map_err(|_| "has a malformed port")?,
    };
    let host = host.to_ascii_lowercase();
    if (host == "localhost" || host.ends_with(".localhost")) && policy == AddressPolicy::PublicHttps
    {
        return Err("must be a public address".into());
    }
    if let Ok(ip) = host.parse::<IpAddr>() {
        check_address(ip, policy)?;
    }
    Ok((host, port))
}

/// Whether a delivery may connect to `ip`: never to link-local or cloud metadata addresses;
/// when deployed, only to public ones.
pub fn check_address(ip: IpAddr, policy: AddressPolicy) -> Result<(), String> {
    // IPv6 forms that carry an IPv4 address reach that address: judge it instead.
    let ip = match ip {
        IpAddr::V6(v6) => {
            let s = v6.segments();
            let embedded = |hi: u16, lo: u16| {
                IpAddr::V4(std::net::Ipv4Addr::new(
                    (hi >> 8) as u8,
                    hi as u8,
                    (lo >> 8) as u8,
                    lo as u8,
                ))
            };
            if let Some(v4) = v6.to_ipv4_mapped() {
                IpAddr::V4(v4)
            } else if s[..6] == [0; 6] && !v6.is_loopback() && !v6.is_unspecified() {
                // IPv4-compatible (deprecated): ::a.b.c.d.
                embedded(s[6], s[7])
            } else if s[..6] == [0x64, 0xff9b, 0, 0, 0, 0] {
                // NAT64.
                embedded(s[6], s[7])
            } else if s[0] == 0x2002 {
                // 6to4.
                embedded(s[1], s[2])
            } else {
                IpAddr::V6(v6)
            }
        }
        v4 => v4,
    };
    let (never, private) = match ip {
        IpAddr::V4(v4) => {
            let [a, b, ..] = v4.octets();
            (
                v4.is_link_local() || v4.is_unspecified() || v4.is_broadcast() || v4.is_multicast(),
                v4.is_loopback()
                    || v4.is_private()
                    // Shared address space (carrier-grade NAT) and benchmarking ranges.
                    || (a == 100 && (64..128).contains(&b))
                    || (a == 198 && (b == 18 || b == 19))
                    || a == 0
                    || a >= 240,
            )
        }
        IpAddr::V6(v6) => {
            let first = v6.segments()[0];
            (
                // Link-local, and the EC2 metadata service's IPv6 address.
                (first & 0xffc0) == 0xfe80
                    || v6
                        == "fd00:ec2::254"
                            .parse::<std::net::Ipv6Addr>()
                            .expect("an address")
                    || v6.is_unspecified()
                    || v6.is_multicast(),
                v6.is_loopback() || (first & 0xfe00) == 0xfc00,
            )
        }
    };
    if never {
        return Err(format!(
            "must not point at a link-local or metadata address ({ip})"
        ));
    }
    if private && policy == AddressPolicy::PublicHttps {
        return Err(format!("must point at a public address, not {ip}"));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn webhook(now: DateTime<Utc>) -> Webhook {
        Webhook {
            tenant_id: TenantId::new(),
            id: WebhookId::new(),
            url: "https://ats.example.com/hook".into(),
            events: vec![EventType::InterviewCompleted],
            description: None,
            enabled: true,
            secret: "s".into(),
            previous_secret: None,
            previous_secret_until: None,
            disabled_reason: None,
            failing_since: None,
            created_at: now,
            version: 0,
        }
    }

    #[test]
    fn signatures_cover_id_timestamp_and_body_with_every_secret() {
        let one = signature_header(&["whsec_a"], "evt_1", 1_700_000_000, "{}");
        assert!(one.starts_with("v1="));
        assert_eq!(
            one,
            signature_header(&["whsec_a"], "evt_1", 1_700_000_000, "{}")
        );
        assert_ne!(
            one,
            signature_header(&["whsec_a"], "evt_1", 1_700_000_001, "{}")
        );
        assert_ne!(
            one,
            signature_header(&["whsec_a"], "evt_2", 1_700_000_000, "{}")
        );
        assert_ne!(
            one,
            signature_header(&["whsec_b"], "evt_1", 1_700_000_000, "{}")
        );
        let two = signature_header(&["whsec_a", "whsec_b"], "evt_1", 1_700_000_000, "{}");
        assert_eq!(two.split(' ').count(), 2);
        assert!(two.starts_with(&one));
    }

    #[test]
    fn retries_back_off_for_about_a_day_then_fail() {
        let now = Utc::now();
        let hook = webhook(now);
        let event = Event {
            id: EventId::new(),
            event_type: EventType::Ping,
            created_at: now,
            tenant_id: hook.tenant_id,
            data: None,
        };
        let mut delivery = Delivery::new(&hook, DeliveryId::new(), event, now);
        let failed = AttemptOutcome {
            status_code: Some(500),
            error: None,
            response: Some("x".repeat(5000)),
        };
        let mut at = now;
        while delivery.status == DeliveryStatus::Pending {
            delivery.record_attempt(&failed, at);
            if let Some(next) = delivery.next_attempt_at {
                assert!(next > at);
                at = next;
            }
        }
        assert_eq!(delivery.status, DeliveryStatus::Failed);
        assert_eq!(delivery.attempts, RETRY_DELAYS_MINUTES.len() as u32 + 1);
        let total: i64 = RETRY_DELAYS_MINUTES.iter().sum();
        assert!((22 * 60..=26 * 60).contains(&total), "{total} minutes");
        assert_eq!(
            delivery.last_response.as_ref().unwrap().len(),
            MAX_RESPONSE_BYTES
        );
        // A failed delivery retried by hand gets that one attempt.
        delivery.retry_now(at);
        assert_eq!(delivery.status, DeliveryStatus::Pending);
        delivery.record_attempt(&failed, at);
        assert_eq!(delivery.status, DeliveryStatus::Failed);
    }

    #[test]
    fn a_subscription_failing_for_three_days_is_disabled_with_why() {
        let now = Utc::now();
        let mut hook = webhook(now);
        hook.record_attempt(false, "HTTP 500", now);
        hook.record_attempt(false, "HTTP 500", now + Duration::days(2));
        assert!(hook.enabled);
        hook.record_attempt(true, "", now + Duration::days(2));
        hook.record_attempt(false, "HTTP 502", now + Duration::days(3));
        assert!(hook.enabled, "a success in between starts the count again");
        hook.record_attempt(false, "HTTP 502", now + Duration::days(6));
        assert!(!hook.enabled);
        assert!(hook.disabled_reason.as_ref().unwrap().contains("HTTP 502"));
        hook.rotate("new".into(), now);
        assert_eq!(hook.signing_secrets(now), vec!["new", "s"]);
        assert_eq!(hook.signing_secrets(now + Duration::hours(25)), vec!["new"]);
    }

    #[test]
    fn only_allowed_addresses_are_accepted() {
        use AddressPolicy::*;
        assert!(check_webhook_url("https://ats.example.com/hooks/reelview", PublicHttps).is_ok());
        assert_eq!(
            check_webhook_url("https://ats.example.com:8443/x", PublicHttps).unwrap(),
            ("ats.example.com".to_string(), 8443)
        );
        for refused in [
            "http://ats.example.com/x",
            "https://127.0.0.1/x",
            "https://localhost/x",
            "https://10.0.0.5/x",
            "https://192.168.1.1/x",
            "https://169.254.169.254/latest/meta-data",
            "https://[::1]/x",
            "https://[fd00:ec2::254]/x",
            "https://[::ffff:127.0.0.1]/x",
            "https://[::7f00:1]/x",
            "https://[64:ff9b::a9fe:a9fe]/x",
            "https://[2002:a9fe:a9fe::1]/x",
            "https://[2001:db8::1]junk/x",
            "https://user:pass@ats.example.com/x",
            "ftp://ats.example.com/x",
            "not a url",
        ] {
            assert!(
                check_webhook_url(refused, PublicHttps).is_err(),
                "{refused}"
            );
        }
        assert!(check_webhook_url("http://127.0.0.1:9000/hook", Local).is_ok());
        assert!(check_webhook_url("http://169.254.169.254/latest", Local).is_err());
        assert!(check_webhook_url("http://[fd00:ec2::254]/", Local).is_err());
        assert!(check_address("93.184.216.34".parse().unwrap(), PublicHttps).is_ok());
    }
}
