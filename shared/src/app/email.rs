//! The emails candidates receive. Every interpolated value is escaped for HTML; the text part
//! carries the same content for clients that do not render HTML.

use crate::domain::{Interview, Position};
use crate::encoding::escape_html;
use crate::ports::{MailAbout, OutgoingEmail};
use chrono::{DateTime, Utc};

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
        about: Some(MailAbout {
            tenant_id: interview.tenant_id,
            interview_id: interview.id,
        }),
    }
}
