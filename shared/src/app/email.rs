//! The emails candidates receive. Every interpolated value is escaped for HTML; the text part
//! carries the same content for clients that do not render HTML.

use crate::domain::{Interview, Position};
use crate::ports::OutgoingEmail;
use base64::engine::general_purpose::STANDARD;
use base64::Engine;
use chrono::{DateTime, Utc};

/// Escapes text for HTML element content and attribute values.
pub fn escape_html(raw: &str) -> String {
    let mut out = String::with_capacity(raw.len());
    for c in raw.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            _ => out.push(c),
        }
    }
    out
}

fn deadline_text(deadline: Option<DateTime<Utc>>) -> Option<String> {
    deadline.map(|d| d.format("%A %-d %B %Y, %H:%M UTC").to_string())
}

/// The invitation (and its resend): who is asking, for what, what to expect, and the link.
pub fn invitation(
    company: &str,
    position: &Position,
    interview: &Interview,
    link: &str,
) -> OutgoingEmail {
    let first_name = interview.candidate.first_name.as_str();
    let title = position.name.as_str();
    let questions = position.questions.len();
    let minutes = position.estimated_minutes();
    let question_word = if questions == 1 {
        "question"
    } else {
        "questions"
    };
    let deadline = deadline_text(interview.deadline);

    let subject = format!("{company} invites you to a video interview: {title}");

    let mut text = format!(
        "Hello {first_name},\n\n\
         {company} invites you to a one-way video interview for the position {title}.\n\n\
         What to expect: {questions} {question_word}, about {minutes} minutes in all. You will \
         see each question, get a moment to think, then record your answer. You can do it \
         whenever suits you, in one go or across several visits.\n\n\
         What you need: a camera, a microphone and a recent browser (Chrome, Edge, Firefox or \
         Safari), on a computer or a phone.\n\n"
    );
    if let Some(deadline) = &deadline {
        text.push_str(&format!("Please complete it before {deadline}.\n\n"));
    }
    text.push_str(&format!(
        "Start your interview:\n{link}\n\n\
         This link is personal: do not share it.\n"
    ));

    let h = escape_html;
    let deadline_html = deadline
        .as_deref()
        .map(|d| {
            format!(
                "<p>Please complete it before <strong>{}</strong>.</p>",
                h(d)
            )
        })
        .unwrap_or_default();
    let html = format!(
        "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\"><title>{subject}</title></head>\
         <body style=\"font-family:Arial,Helvetica,sans-serif;line-height:1.5;color:#1f2933\">\
         <p>Hello {first_name},</p>\
         <p><strong>{company}</strong> invites you to a one-way video interview for the position \
         <strong>{title}</strong>.</p>\
         <h2 style=\"font-size:16px\">What to expect</h2>\
         <p>{questions} {question_word}, about {minutes} minutes in all. You will see each question, \
         get a moment to think, then record your answer. You can do it whenever suits you, in one go \
         or across several visits.</p>\
         <h2 style=\"font-size:16px\">What you need</h2>\
         <ul><li>A camera</li><li>A microphone</li><li>A recent browser (Chrome, Edge, Firefox or Safari), \
         on a computer or a phone</li></ul>\
         {deadline_html}\
         <p><a href=\"{link}\" style=\"display:inline-block;padding:12px 20px;background:#2563eb;\
         color:#ffffff;text-decoration:none;border-radius:6px\">Start your interview</a></p>\
         <p style=\"font-size:13px;color:#52606d\">Or paste this link into your browser: {link}<br>\
         This link is personal: do not share it.</p>\
         </body></html>\n",
        subject = h(&subject),
        first_name = h(first_name),
        company = h(company),
        title = h(title),
        link = h(link),
    );

    OutgoingEmail {
        to: interview.candidate.email.to_string(),
        subject,
        text,
        html,
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
            Utc::now(),
        );
        assert!(eml.contains("Subject: =?UTF-8?B?"));
        assert!(eml.contains("Message-ID: <id@x>"));
        assert!(eml.contains("multipart/alternative"));
        assert!(eml.contains("Content-Type: text/plain; charset=utf-8"));
        assert!(eml.contains("Content-Type: text/html; charset=utf-8"));
        assert!(eml.lines().all(|l| l.len() <= 998));
    }

    #[test]
    fn escapes_everything_markup_relevant() {
        assert_eq!(
            escape_html(r#"<script>alert("x&y's")</script>"#),
            "&lt;script&gt;alert(&quot;x&amp;y&#39;s&quot;)&lt;/script&gt;"
        );
    }
}
