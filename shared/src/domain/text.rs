//! Validated text values. Parse, don't validate: once constructed, a value is known good.

use serde::{Deserialize, Serialize};
use std::fmt;

/// Why a text field was refused; becomes one entry of a `validation_failed` problem.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum TextError {
    Empty,
    TooLong { max: usize },
    ControlCharacter,
    InvalidEmail,
    NonAsciiEmailLocalPart,
}

impl fmt::Display for TextError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            TextError::Empty => write!(f, "must not be empty"),
            TextError::TooLong { max } => write!(f, "must be at most {max} characters"),
            TextError::ControlCharacter => {
                write!(f, "must not contain line breaks or control characters")
            }
            TextError::InvalidEmail => write!(f, "must be a valid email address"),
            TextError::NonAsciiEmailLocalPart => write!(
                f,
                "must have only ASCII characters before the @: email cannot be delivered to \
                 accented or non-Latin characters there"
            ),
        }
    }
}

/// Refuses over-long input (`max` characters as sent, which is what the OpenAPI document's
/// `maxLength` counts), then trims and refuses empty and control-character input.
/// `allow_newlines` is for multi-line prose (question texts); names and single-line fields
/// never allow CR or LF, since they end up in email headers and subjects.
pub fn clean_text(raw: &str, max: usize, allow_newlines: bool) -> Result<String, TextError> {
    if raw.chars().count() > max {
        return Err(TextError::TooLong { max });
    }
    // Windows line ends are line ends: prose typed on Windows arrives with CRLF.
    let unified;
    let raw = if allow_newlines && raw.contains('\r') {
        unified = raw.replace("\r\n", "\n");
        unified.as_str()
    } else {
        raw
    };
    // Bidirectional embeddings, overrides and isolates would turn the product's own sentences
    // around where the text is shown (pages, email subjects); they carry nothing a name or a
    // question needs.
    let stripped: String = raw.chars().filter(|c| !is_bidi_control(*c)).collect();
    let trimmed = stripped.trim();
    if trimmed.is_empty() {
        return Err(TextError::Empty);
    }
    let bad = |c: char| c.is_control() && !(allow_newlines && (c == '\n' || c == '\t'));
    if trimmed.chars().any(bad) {
        return Err(TextError::ControlCharacter);
    }
    Ok(trimmed.to_string())
}

/// U+202A–U+202E (embeddings, overrides, pop) and U+2066–U+2069 (isolates).
fn is_bidi_control(c: char) -> bool {
    matches!(c, '\u{202A}'..='\u{202E}' | '\u{2066}'..='\u{2069}')
}

/// A single-line human-readable text (a person's name, a company, a position title).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(transparent)]
pub struct Line(String);

impl Line {
    pub fn parse(raw: &str, max: usize) -> Result<Self, TextError> {
        clean_text(raw, max, false).map(Self)
    }
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl fmt::Display for Line {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

/// An email address as the candidate typed it (trimmed), except that an internationalized
/// domain is held in punycode (`ana@bücher.example` is `ana@xn--bcher-kva.example`): the form
/// DNS and every mail service know. Comparisons use [`Email::normalized`], so `Ana@X.com ` and
/// `ana@x.com` are the same candidate.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct Email(String);

impl Email {
    pub const MAX_LEN: usize = 254;

    pub fn parse(raw: &str) -> Result<Self, TextError> {
        let typed = clean_text(raw, Self::MAX_LEN, false)?;
        let (local, domain) = typed.rsplit_once('@').ok_or(TextError::InvalidEmail)?;
        // Strict: the letters, digits and hyphens DNS allows, after Unicode's own mapping
        // (which also lower-cases). An ASCII domain is kept as typed.
        let domain = if domain.is_ascii() {
            domain.to_string()
        } else {
            idna::domain_to_ascii_strict(domain).map_err(|_| TextError::InvalidEmail)?
        };
        let value = format!("{local}@{domain}");
        if value.len() > Self::MAX_LEN {
            return Err(TextError::TooLong { max: Self::MAX_LEN });
        }
        let local_ok = !local.is_empty()
            && local.len() <= 64
            && !local.contains('@')
            && !local.starts_with('.')
            && !local.ends_with('.')
            && !local.contains("..");
        let label_ok = |l: &str| {
            !l.is_empty()
                && l.len() <= 63
                && !l.starts_with('-')
                && !l.ends_with('-')
                && l.chars().all(|c| c.is_ascii_alphanumeric() || c == '-')
        };
        let domain_ok = domain.contains('.') && domain.split('.').all(label_ok);
        let no_specials = !value.chars().any(|c| {
            c.is_whitespace()
                || matches!(
                    c,
                    '<' | '>' | '(' | ')' | ',' | ';' | ':' | '\\' | '"' | '[' | ']'
                )
        });
        if !(local_ok && domain_ok && no_specials) {
            return Err(TextError::InvalidEmail);
        }
        // Such an address needs SMTPUTF8 all the way to the mailbox, and SES does not send
        // it: refused here, with its reason, rather than accepted and never delivered.
        if !local.is_ascii() {
            return Err(TextError::NonAsciiEmailLocalPart);
        }
        Ok(Self(value))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// The comparison form: lower-cased. Used for the one-interview-per-email rule.
    pub fn normalized(&self) -> String {
        self.0.to_lowercase()
    }
}

impl TryFrom<String> for Email {
    type Error = TextError;
    fn try_from(value: String) -> Result<Self, Self::Error> {
        Self::parse(&value)
    }
}

impl From<Email> for String {
    fn from(value: Email) -> Self {
        value.0
    }
}

impl fmt::Display for Email {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn email_is_trimmed_and_compared_case_insensitively() {
        let a = Email::parse("  Ana.Silva@Example.COM ").unwrap();
        assert_eq!(a.as_str(), "Ana.Silva@Example.COM");
        assert_eq!(a.normalized(), "ana.silva@example.com");
    }

    #[test]
    fn email_refuses_header_injection_and_garbage() {
        for bad in [
            "",
            "no-at-sign",
            "a@b",
            "a@@b.com",
            "a@b.com\r\nBcc: x@y.com",
            "a b@c.com",
            "<a@b.com>",
            ".a@b.com",
            "a@-b.com",
        ] {
            assert!(Email::parse(bad).is_err(), "{bad:?} should be refused");
        }
    }

    #[test]
    fn email_refuses_a_non_ascii_local_part_with_a_reason() {
        for bad in [
            "zoë@example.com",
            "josé.silva@bücher.example",
            "用户@example.com",
        ] {
            let refused = Email::parse(bad);
            assert_eq!(refused, Err(TextError::NonAsciiEmailLocalPart), "{bad:?}");
        }
        let message = TextError::NonAsciiEmailLocalPart.to_string();
        assert!(message.contains("before the @"), "{message}");
    }

    #[test]
    fn email_domain_is_kept_in_punycode() {
        let email = Email::parse(" ana@bücher.example ").unwrap();
        assert_eq!(email.as_str(), "ana@xn--bcher-kva.example");
        assert_eq!(
            Email::parse("Ana@BÜCHER.Example").unwrap().normalized(),
            "ana@xn--bcher-kva.example",
            "one candidate, whichever case the domain was typed in"
        );
        assert_eq!(
            Email::parse("li@例子.测试").unwrap().as_str(),
            "li@xn--fsqu00a.xn--0zwm56d"
        );
        // A stored address reads back as it was stored.
        let stored: Email = serde_json::from_str("\"ana@xn--bcher-kva.example\"").unwrap();
        assert_eq!(stored, email);
        for bad in [
            "ana@bü_cher.example",
            "ana@-bücher.example",
            "ana@bücher..example",
        ] {
            assert_eq!(Email::parse(bad), Err(TextError::InvalidEmail), "{bad:?}");
        }
    }

    #[test]
    fn line_refuses_cr_lf_and_controls_and_length() {
        assert_eq!(
            Line::parse("Ana\r\nBcc", 10),
            Err(TextError::ControlCharacter)
        );
        assert_eq!(Line::parse("A\u{7}", 10), Err(TextError::ControlCharacter));
        assert_eq!(Line::parse("   ", 10), Err(TextError::Empty));
        assert_eq!(
            Line::parse("abcdefghijk", 10),
            Err(TextError::TooLong { max: 10 })
        );
        assert_eq!(Line::parse(" Zoë ", 10).unwrap().as_str(), "Zoë");
        // The length is the text as sent, surrounding spaces included.
        assert_eq!(
            Line::parse(" abcdefghij", 10),
            Err(TextError::TooLong { max: 10 })
        );
    }

    #[test]
    fn prose_may_span_lines() {
        assert!(clean_text("line one\nline two", 100, true).is_ok());
        assert!(clean_text("line one\nline two", 100, false).is_err());
    }

    #[test]
    fn windows_line_ends_are_line_ends_in_prose_only() {
        assert_eq!(clean_text("one\r\ntwo\r\n", 100, true).unwrap(), "one\ntwo");
        assert!(clean_text("one\r\ntwo", 100, false).is_err());
    }

    #[test]
    fn bidi_controls_cannot_turn_sentences_around() {
        assert_eq!(
            Line::parse("Ana \u{202E}evil\u{202C} Silva", 50)
                .unwrap()
                .as_str(),
            "Ana evil Silva"
        );
        assert_eq!(
            clean_text("\u{2067}Why?\u{2069}", 50, true).unwrap(),
            "Why?"
        );
        assert_eq!(Line::parse("\u{202E}", 10), Err(TextError::Empty));
    }
}
