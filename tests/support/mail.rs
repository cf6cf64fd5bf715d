//! Reads the MIME messages Reelview sends with a mail parser, to check what a candidate
//! actually receives whatever encoding each header and part was given.

use mail_parser::{MessageParser, MimeHeaders};
use std::path::Path;

#[derive(Debug, Clone)]
pub struct Mail {
    pub raw: String,
    /// The sender as configured: `Name <address>`, or the bare address.
    pub from: String,
    /// The recipient's address.
    pub to: String,
    pub subject: String,
    /// The top-level type, `multipart/alternative` for every email we send.
    pub content_type: String,
    pub text: String,
    pub html: String,
    /// The interview the message is about, `(tenant id, interview id)`: from the SES message
    /// tags it was sent with, or the outbox's `X-Reelview-*` headers.
    pub about: Option<(String, String)>,
    /// The SES message id (SES only).
    pub message_id: Option<String>,
    /// The SES configuration set it was sent with (SES only).
    pub configuration_set: Option<String>,
}

/// Text parts travel with CRLF line ends (their canonical form); the product writes LF.
fn lf(text: &str) -> String {
    text.replace("\r\n", "\n")
}

impl Mail {
    pub fn parse(raw: &str) -> Mail {
        let message = MessageParser::default()
            .parse(raw.as_bytes())
            .unwrap_or_else(|| panic!("a MIME message: {raw}"));
        let from = message
            .from()
            .and_then(|from| from.first())
            .expect("a From header");
        let from_address = from.address().unwrap_or_default();
        let content_type = message
            .root_part()
            .content_type()
            .map(|ct| format!("{}/{}", ct.ctype(), ct.subtype().unwrap_or_default()))
            .unwrap_or_default();
        Mail {
            from: match from.name() {
                Some(name) => format!("{name} <{from_address}>"),
                None => from_address.to_string(),
            },
            to: message
                .to()
                .and_then(|to| to.first())
                .and_then(|to| to.address())
                .unwrap_or_default()
                .to_string(),
            subject: message.subject().unwrap_or_default().to_string(),
            content_type,
            text: lf(&message.body_text(0).unwrap_or_default()),
            html: lf(&message.body_html(0).unwrap_or_default()),
            about: message
                .header_raw("X-Reelview-Tenant")
                .zip(message.header_raw("X-Reelview-Interview"))
                .map(|(t, i)| (t.trim().to_string(), i.trim().to_string())),
            message_id: None,
            configuration_set: None,
            raw: raw.to_string(),
        }
    }
}

/// The `.eml` files of a local outbox, oldest first.
pub fn read_outbox(dir: &Path) -> Vec<Mail> {
    let mut files: Vec<_> = std::fs::read_dir(dir)
        .map(|d| d.filter_map(Result::ok).map(|e| e.path()).collect())
        .unwrap_or_default();
    files.retain(|p| p.extension().is_some_and(|e| e == "eml"));
    files.sort();
    files
        .iter()
        .map(|p| Mail::parse(&std::fs::read_to_string(p).expect("readable eml")))
        .collect()
}
