//! Renders an email as a complete RFC 5322 message. Both mail adapters (SES and the local
//! outbox) send exactly these bytes, so they deliver the same email.

use crate::ports::OutgoingEmail;
use base64::engine::general_purpose::STANDARD;
use base64::Engine;

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

/// Renders a complete RFC 5322 message: multipart/alternative with a text and an HTML part,
/// both base64 so any character survives any transport. SES sends exactly these bytes; the
/// local outbox stores them as `.eml`.
pub fn render_mime(
    from: &str,
    email: &OutgoingEmail,
    message_id: Option<&str>,
    date: chrono::DateTime<chrono::Utc>,
) -> String {
    let boundary = format!("=_reelview_{}", uuid::Uuid::new_v4().simple());
    format!(
        "From: {from}\r\nTo: {to}\r\nSubject: {subject}\r\nDate: {date}\r\n{message_id}\
         MIME-Version: 1.0\r\nContent-Type: multipart/alternative; boundary=\"{boundary}\"\r\n\r\n\
         --{boundary}\r\nContent-Type: text/plain; charset=utf-8\r\nContent-Transfer-Encoding: base64\r\n\r\n{text}\
         --{boundary}\r\nContent-Type: text/html; charset=utf-8\r\nContent-Transfer-Encoding: base64\r\n\r\n{html}\
         --{boundary}--\r\n",
        to = email.to,
        message_id = message_id.map(|id| format!("Message-ID: <{id}>\r\n")).unwrap_or_default(),
        subject = header_text(&email.subject),
        date = date.to_rfc2822(),
        text = base64_lines(&email.text),
        html = base64_lines(&email.html),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn mime_is_multipart_with_encoded_subject() {
        let email = OutgoingEmail {
            to: "ana@example.com".into(),
            subject: "Entrevista — Zoë".into(),
            text: "hello".into(),
            html: "<p>hello</p>".into(),
        };
        let eml = render_mime(
            "Reelview <no-reply@example.com>",
            &email,
            Some("id@x"),
            chrono::Utc::now(),
        );
        assert!(eml.contains("Subject: =?UTF-8?B?"));
        assert!(eml.contains("Message-ID: <id@x>"));
        assert!(eml.contains("multipart/alternative"));
        assert!(eml.contains("Content-Type: text/plain; charset=utf-8"));
        assert!(eml.contains("Content-Type: text/html; charset=utf-8"));
        assert!(eml.lines().all(|l| l.len() <= 998));
    }
}
