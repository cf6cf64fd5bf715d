//! Reads the MIME messages Reelview sends, to check what a candidate actually receives.

use base64::engine::general_purpose::STANDARD;
use base64::Engine;
use std::path::Path;

#[derive(Debug, Clone)]
pub struct Mail {
    pub raw: String,
    pub to: String,
    pub subject: String,
    pub content_type: String,
    pub text: String,
    pub html: String,
}

fn header<'a>(head: &'a str, name: &str) -> &'a str {
    head.lines()
        .find_map(|l| {
            let (k, v) = l.split_once(':')?;
            k.eq_ignore_ascii_case(name).then(|| v.trim())
        })
        .unwrap_or("")
}

fn decode_words(value: &str) -> String {
    match value
        .strip_prefix("=?UTF-8?B?")
        .and_then(|v| v.strip_suffix("?="))
    {
        Some(encoded) => {
            String::from_utf8(STANDARD.decode(encoded).expect("base64 subject")).expect("utf-8")
        }
        None => value.to_string(),
    }
}

impl Mail {
    pub fn parse(raw: &str) -> Mail {
        let raw = raw.replace("\r\n", "\n");
        let (head, body) = raw.split_once("\n\n").expect("headers and body");
        let content_type = header(head, "Content-Type").to_string();
        let boundary = content_type
            .split("boundary=\"")
            .nth(1)
            .and_then(|b| b.split('"').next())
            .expect("multipart boundary")
            .to_string();
        let mut text = String::new();
        let mut html = String::new();
        for part in body.split(&format!("--{boundary}")) {
            let Some((part_head, part_body)) = part.trim_start_matches('\n').split_once("\n\n")
            else {
                continue;
            };
            let decoded = String::from_utf8(
                STANDARD
                    .decode(part_body.replace('\n', "").trim())
                    .expect("base64 part"),
            )
            .expect("utf-8 part");
            let part_type = header(part_head, "Content-Type");
            if part_type.starts_with("text/plain") {
                text = decoded;
            } else if part_type.starts_with("text/html") {
                html = decoded;
            }
        }
        Mail {
            to: header(head, "To").to_string(),
            subject: decode_words(header(head, "Subject")),
            content_type,
            text,
            html,
            raw,
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
