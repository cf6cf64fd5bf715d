//! Writes each email as an RFC 5322 `.eml` file (multipart/alternative, text and HTML) to the
//! outbox folder, where any mail client can open it.

use crate::ports::{MailError, Mailer, OutgoingEmail};
use async_trait::async_trait;
use base64::engine::general_purpose::STANDARD;
use base64::Engine;
use std::path::PathBuf;

pub struct OutboxMailer {
    outbox: PathBuf,
    from: String,
}

impl OutboxMailer {
    pub fn new(outbox: PathBuf, from: String) -> Self {
        Self { outbox, from }
    }
}

/// RFC 2047 encoded-word for header values that are not plain ASCII.
fn header_text(value: &str) -> String {
    if value.is_ascii() {
        value.to_string()
    } else {
        format!("=?UTF-8?B?{}?=", STANDARD.encode(value))
    }
}

/// Base64 body lines of at most 76 characters, as RFC 2045 requires.
fn base64_lines(body: &str) -> String {
    let encoded = STANDARD.encode(body);
    let mut out = String::with_capacity(encoded.len() + encoded.len() / 76 * 2 + 2);
    for chunk in encoded.as_bytes().chunks(76) {
        out.push_str(std::str::from_utf8(chunk).expect("base64 is ascii"));
        out.push_str("\r\n");
    }
    out
}

/// Renders a complete RFC 5322 message.
pub fn render_eml(from: &str, email: &OutgoingEmail, message_id: &str, date: chrono::DateTime<chrono::Utc>) -> String {
    let boundary = format!("=_reelview_{}", uuid::Uuid::new_v4().simple());
    format!(
        "From: {from}\r\nTo: {to}\r\nSubject: {subject}\r\nDate: {date}\r\nMessage-ID: <{message_id}>\r\n\
         MIME-Version: 1.0\r\nContent-Type: multipart/alternative; boundary=\"{boundary}\"\r\n\r\n\
         --{boundary}\r\nContent-Type: text/plain; charset=utf-8\r\nContent-Transfer-Encoding: base64\r\n\r\n{text}\
         --{boundary}\r\nContent-Type: text/html; charset=utf-8\r\nContent-Transfer-Encoding: base64\r\n\r\n{html}\
         --{boundary}--\r\n",
        to = email.to,
        subject = header_text(&email.subject),
        date = date.to_rfc2822(),
        text = base64_lines(&email.text),
        html = base64_lines(&email.html),
    )
}

#[async_trait]
impl Mailer for OutboxMailer {
    async fn send(&self, email: &OutgoingEmail) -> Result<String, MailError> {
        let now = chrono::Utc::now();
        let message_id = format!("{}@reelview.local", uuid::Uuid::now_v7());
        let eml = render_eml(&self.from, email, &message_id, now);
        let path = self
            .outbox
            .join(format!("{}-{}.eml", now.format("%Y%m%dT%H%M%S%.3f"), uuid::Uuid::new_v4().simple()));
        let write = async {
            tokio::fs::create_dir_all(&self.outbox).await?;
            // Write then rename, so a reader never sees half a message.
            let partial = path.with_extension("eml.partial");
            tokio::fs::write(&partial, eml).await?;
            tokio::fs::rename(&partial, &path).await
        };
        write
            .await
            .map_err(|e| MailError(format!("could not write to the outbox: {e}")))?;
        let link = email
            .text
            .split_whitespace()
            .find(|w| w.starts_with("http://") || w.starts_with("https://"))
            .unwrap_or("");
        tracing::info!(to = %email.to, file = %path.display(), link, "email written to outbox");
        Ok(message_id)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn eml_is_multipart_with_encoded_subject() {
        let email = OutgoingEmail {
            to: "ana@example.com".into(),
            subject: "Entrevista — Zoë".into(),
            text: "hello".into(),
            html: "<p>hello</p>".into(),
        };
        let eml = render_eml("Reelview <no-reply@example.com>", &email, "id@x", chrono::Utc::now());
        assert!(eml.contains("Subject: =?UTF-8?B?"));
        assert!(eml.contains("multipart/alternative"));
        assert!(eml.contains("Content-Type: text/plain; charset=utf-8"));
        assert!(eml.contains("Content-Type: text/html; charset=utf-8"));
        assert!(eml.lines().all(|l| l.len() <= 998));
    }
}
