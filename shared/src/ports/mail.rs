//! Mail, the clock and randomness.

use crate::domain::{InterviewId, Secret, TenantId};
use async_trait::async_trait;
use chrono::{DateTime, Utc};
/// A rendered email. `to` and `subject` are already validated single-line values.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OutgoingEmail {
    pub to: String,
    pub subject: String,
    pub text: String,
    pub html: String,
    /// The interview the email is about: the mail service's reports on it (delivered,
    /// bounced, opened) carry it back, so they find their interview without a lookup.
    pub about: Option<MailAbout>,
}

/// Which interview, of which tenant, an email is about.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct MailAbout {
    pub tenant_id: TenantId,
    pub interview_id: InterviewId,
}

#[derive(Debug, thiserror::Error)]
#[error("{0}")]
pub struct MailError(pub String);

#[async_trait]
pub trait Mailer: Send + Sync {
    /// Sends the message and returns the mail service's message id.
    async fn send(&self, email: &OutgoingEmail) -> Result<String, MailError>;
}

pub trait Clock: Send + Sync {
    fn now(&self) -> DateTime<Utc>;
}

pub struct SystemClock;

impl Clock for SystemClock {
    fn now(&self) -> DateTime<Utc> {
        Utc::now()
    }
}

pub trait SecretSource: Send + Sync {
    /// 32 bytes from a cryptographically secure generator.
    fn secret(&self, prefix: &str) -> Secret;
}

pub struct OsRandom;

impl SecretSource for OsRandom {
    fn secret(&self, prefix: &str) -> Secret {
        let bytes: [u8; 32] = rand::random();
        Secret::from_bytes(prefix, bytes)
    }
}
