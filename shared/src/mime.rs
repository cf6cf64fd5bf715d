//! Renders an email as a complete RFC 5322 message. Both mail adapters (SES and the local
//! outbox) send exactly these bytes, so they deliver the same email.

use crate::ports::OutgoingEmail;
use mail_builder::headers::address::Address;
use mail_builder::MessageBuilder;

/// Renders a complete RFC 5322 message: multipart/alternative with a text and an HTML part.
/// The builder folds long headers into encoded-words of at most 75 characters and gives each
/// part the 7-bit transfer encoding that suits it, so any character survives any transport.
/// SES sends exactly these bytes; the local outbox stores them as `.eml`.
///
/// Without `message_id` the builder makes one up: SES replaces the Message-ID and the Date of
/// every message it accepts with its own.
pub fn render_mime(
    from: &str,
    email: &OutgoingEmail,
    message_id: Option<&str>,
    date: chrono::DateTime<chrono::Utc>,
) -> String {
    let mut message = MessageBuilder::new()
        .from(sender(from))
        .to(email.to.as_str())
        .subject(email.subject.as_str())
        .date(date.timestamp())
        .text_body(email.text.as_str())
        .html_body(email.html.as_str());
    if let Some(id) = message_id {
        message = message.message_id(id);
    }
    let mut eml = Vec::new();
    message.serialize(&mut eml);
    // The builder writes 7-bit text only: encoded-words, base64 or quoted-printable.
    String::from_utf8(eml).expect("a built message is ASCII")
}

/// The configured sender, `Name <address>` or a bare address, as a mailbox whose name the
/// builder can encode.
fn sender(from: &str) -> Address<'_> {
    let from = from.trim();
    match from
        .strip_suffix('>')
        .and_then(|rest| rest.rsplit_once('<'))
    {
        Some((name, address)) => {
            let name = name.trim().trim_matches('"').trim();
            Address::new_address((!name.is_empty()).then_some(name), address.trim())
        }
        None => Address::new_address(None::<&str>, from),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use mail_parser::{MessageParser, MimeHeaders};

    fn email(subject: &str) -> OutgoingEmail {
        OutgoingEmail {
            to: "ana@example.com".into(),
            subject: subject.into(),
            text: "Olá Zoë,\n\nRecord your answers here: https://reelview.test/i/abc\n".into(),
            html: "<p>Olá <b>Zoë</b> &amp; team</p>".into(),
            about: None,
        }
    }

    /// The header section, one physical line per entry.
    fn header_lines(eml: &str) -> Vec<&str> {
        let (head, _) = eml.split_once("\r\n\r\n").expect("headers end");
        head.split("\r\n").collect()
    }

    /// The physical lines of one header: its first line and the folded lines after it.
    fn header_field<'a>(eml: &'a str, name: &str) -> Vec<&'a str> {
        let lines = header_lines(eml);
        let start = lines
            .iter()
            .position(|l| l.starts_with(&format!("{name}: ")))
            .unwrap_or_else(|| panic!("no {name} header in {eml}"));
        let folded = lines[start + 1..]
            .iter()
            .take_while(|l| l.starts_with(' ') || l.starts_with('\t'))
            .count();
        lines[start..=start + folded].to_vec()
    }

    #[test]
    fn mime_is_multipart_with_encoded_subject() {
        let sent = email("Entrevista — Zoë");
        let date = chrono::DateTime::parse_from_rfc3339("2026-03-02T10:00:00Z")
            .unwrap()
            .to_utc();
        let eml = render_mime("Reelview <no-reply@example.com>", &sent, Some("id@x"), date);
        assert!(eml.is_ascii(), "7-bit clean: {eml}");
        assert!(eml.lines().all(|l| l.len() <= 998));
        let subject = header_field(&eml, "Subject").concat();
        assert!(
            subject.to_ascii_lowercase().contains("=?utf-8?"),
            "encoded-word: {subject}"
        );

        let parsed = MessageParser::default().parse(eml.as_bytes()).unwrap();
        assert_eq!(parsed.subject(), Some("Entrevista — Zoë"));
        assert_eq!(parsed.message_id(), Some("id@x"));
        assert_eq!(parsed.date().unwrap().to_timestamp(), date.timestamp());
        let from = parsed.from().and_then(|f| f.first()).unwrap();
        assert_eq!(from.name(), Some("Reelview"));
        assert_eq!(from.address(), Some("no-reply@example.com"));
        let to = parsed.to().and_then(|t| t.first()).unwrap();
        assert_eq!(to.address(), Some("ana@example.com"));
        assert!(parsed
            .root_part()
            .is_content_type("multipart", "alternative"));
        let text_part = parsed.text_part(0).unwrap();
        assert!(text_part.is_content_type("text", "plain"));
        assert_eq!(
            text_part.content_type().unwrap().attribute("charset"),
            Some("utf-8")
        );
        let html_part = parsed.html_part(0).unwrap();
        assert!(html_part.is_content_type("text", "html"));
        assert_eq!(
            html_part.content_type().unwrap().attribute("charset"),
            Some("utf-8")
        );
        // Text travels in its canonical form, with CRLF line ends (RFC 2046).
        let text = parsed.body_text(0).unwrap().replace("\r\n", "\n");
        assert_eq!(text, sent.text);
        assert_eq!(parsed.body_html(0).as_deref(), Some(sent.html.as_str()));
    }

    #[test]
    fn long_non_ascii_subject_folds_into_short_encoded_words() {
        let subject = "Entrevista para Engenheiro de Software Sênior — Çağrı Ünlü, \
                       gravação das respostas até sexta-feira às 18h (horário de Brasília)";
        assert!(
            subject.chars().count() >= 120,
            "{}",
            subject.chars().count()
        );
        let eml = render_mime(
            "no-reply@example.com",
            &email(subject),
            None,
            chrono::Utc::now(),
        );

        let lines = header_field(&eml, "Subject");
        assert!(lines.len() > 1, "folded: {lines:?}");
        for line in &lines {
            assert!(
                line.len() <= 78,
                "line of {} characters: {line:?}",
                line.len()
            );
            for word in line.split_whitespace().filter(|w| w.starts_with("=?")) {
                assert!(word.ends_with("?="), "one encoded-word per token: {word:?}");
                assert!(word.len() <= 75, "encoded-word of {}: {word:?}", word.len());
            }
        }
        let parsed = MessageParser::default().parse(eml.as_bytes()).unwrap();
        assert_eq!(parsed.subject(), Some(subject));
    }

    #[test]
    fn every_header_line_fits_the_recommended_length() {
        let name = "Çağrı Ünlü — Recrutamento e Seleção de Pessoas, São Paulo";
        let subject = "Convite — ".repeat(20).trim_end().to_string();
        let eml = render_mime(
            &format!("{name} <recrutamento@example.com>"),
            &email(&subject),
            Some("0190a1b2-c3d4-7e5f-8a9b-0c1d2e3f4a5b@reelview.local"),
            chrono::Utc::now(),
        );
        for line in header_lines(&eml) {
            assert!(
                line.len() <= 78,
                "line of {} characters: {line:?}",
                line.len()
            );
        }
        let parsed = MessageParser::default().parse(eml.as_bytes()).unwrap();
        let from = parsed.from().and_then(|f| f.first()).unwrap();
        assert_eq!(from.name(), Some(name));
        assert_eq!(from.address(), Some("recrutamento@example.com"));
        assert_eq!(parsed.subject(), Some(subject.as_str()));
    }
}
