//! The emails candidates receive. Every interpolated value is escaped for HTML; the text part
//! carries the same content for clients that do not render HTML.

use crate::domain::{Interview, Position};
use crate::encoding::escape_html;
use crate::ports::{MailAbout, OutgoingEmail};
use chrono::{DateTime, Utc};

fn deadline_text(deadline: Option<DateTime<Utc>>) -> Option<String> {
    deadline.map(|d| d.format("%A %-d %B %Y, %H:%M UTC").to_string())
}

/// "Please {verb} it before {deadline}." as a text paragraph and an HTML one; both empty
/// without a deadline.
fn deadline_lines(deadline: Option<DateTime<Utc>>, verb: &str) -> (String, String) {
    match deadline_text(deadline) {
        None => (String::new(), String::new()),
        Some(d) => (
            format!("Please {verb} it before {d}.\n\n"),
            format!(
                "<p>Please {verb} it before <strong>{}</strong>.</p>",
                escape_html(&d)
            ),
        ),
    }
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
    let (deadline_line, deadline_html) = deadline_lines(interview.deadline, "complete");
    text.push_str(&deadline_line);
    text.push_str(&format!(
        "Start your interview:\n{link}\n\n\
         This link is personal: do not share it.\n"
    ));

    let h = escape_html;
    let content = format!(
        "<p>Hello {first_name},</p>\
         <p><strong>{company}</strong> invites you to a one-way video interview for the position \
         <strong>{title}</strong>.</p>\
         <h2 style=\"font-size:16px\">What to expect</h2>\
         <p>{questions} {question_word}, about {minutes} minutes in all. You will see each question, \
         get a moment to think, then record your answer. You can do it whenever suits you, in one go \
         or across several visits.</p>\
         <h2 style=\"font-size:16px\">What you need</h2>\
         <ul><li>A camera</li><li>A microphone</li><li>A recent browser (Chrome, Edge, Firefox or Safari), \
         on a computer or a phone</li></ul>\
         {deadline_html}",
        first_name = h(first_name),
        company = h(company),
        title = h(title),
    );
    let html = html_email(&subject, &content, "Start your interview", link);

    to_candidate(interview, subject, text, html)
}

/// Asks the candidate to record answers again, with the same link (a reviewer removed them).
pub fn answers_requested_again(
    company: &str,
    position: &Position,
    interview: &Interview,
    questions: &[&str],
    link: &str,
) -> OutgoingEmail {
    let first_name = interview.candidate.first_name.as_str();
    let title = position.name.as_str();
    let subject = format!("{company} asks you to record an answer again: {title}");
    let mut text = format!(
        "Hello {first_name},\n\n\
         {company} asks you to record your answer again for the position {title}:\n\n"
    );
    for question in questions {
        text.push_str(&format!("- {question}\n"));
    }
    text.push_str(
        "\nYour other answers are kept; you only record this one again, with the same link as \
         before.\n\n",
    );
    let (deadline_line, deadline_html) = deadline_lines(interview.deadline, "do");
    text.push_str(&deadline_line);
    text.push_str(&format!(
        "Continue your interview:\n{link}\n\nThis link is personal: do not share it.\n"
    ));

    let h = escape_html;
    let items: String = questions
        .iter()
        .map(|q| format!("<li>{}</li>", h(q)))
        .collect();
    let content = format!(
        "<p>Hello {first_name},</p>\
         <p><strong>{company}</strong> asks you to record your answer again for the position \
         <strong>{title}</strong>:</p><ul>{items}</ul>\
         <p>Your other answers are kept; you only record this one again, with the same link as before.</p>\
         {deadline_html}",
        first_name = h(first_name),
        company = h(company),
        title = h(title),
    );
    let html = html_email(&subject, &content, "Continue your interview", link);
    to_candidate(interview, subject, text, html)
}

/// The HTML part of every email to a candidate: `content` (already escaped) followed by a
/// button to `link` labelled `action`, and the link in full for clients that hide buttons.
fn html_email(subject: &str, content: &str, action: &str, link: &str) -> String {
    let h = escape_html;
    format!(
        "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\"><title>{subject}</title></head>\
         <body style=\"font-family:Arial,Helvetica,sans-serif;line-height:1.5;color:#1f2933\">\
         {content}\
         <p><a href=\"{link}\" style=\"display:inline-block;padding:12px 20px;background:#2563eb;\
         color:#ffffff;text-decoration:none;border-radius:6px\">{action}</a></p>\
         <p style=\"font-size:13px;color:#52606d\">Or paste this link into your browser: {link}<br>\
         This link is personal: do not share it.</p>\
         </body></html>\n",
        subject = h(subject),
        link = h(link),
        action = h(action),
    )
}

/// Reminds the candidate of their interview, with the same link: `closing` when the reminder
/// is about the deadline, else because they have not started.
pub fn reminder(
    company: &str,
    position: &Position,
    interview: &Interview,
    closing: bool,
    link: &str,
) -> OutgoingEmail {
    let first_name = interview.candidate.first_name.as_str();
    let title = position.name.as_str();
    let minutes = position.estimated_minutes();
    let deadline = deadline_text(interview.deadline);
    let subject = match (&deadline, closing) {
        (Some(deadline), true) => {
            format!("Reminder: your video interview for {title} closes {deadline}")
        }
        _ => format!("Reminder: {company} is waiting for your video interview: {title}"),
    };
    let lead = if closing {
        format!("your one-way video interview with {company} for the position {title} is not complete yet.")
    } else {
        format!("{company} invited you to a one-way video interview for the position {title}, and you have not started it yet.")
    };
    let mut text = format!(
        "Hello {first_name},\n\n\
         A reminder: {lead} It takes about {minutes} minutes, whenever suits you; what you \
         already recorded is kept.\n\n"
    );
    let (deadline_line, deadline_html) = deadline_lines(interview.deadline, "complete");
    text.push_str(&deadline_line);
    text.push_str(&format!(
        "Continue your interview:\n{link}\n\nThis link is personal: do not share it.\n"
    ));
    let h = escape_html;
    let content = format!(
        "<p>Hello {first_name},</p>\
         <p>A reminder: {lead} It takes about {minutes} minutes, whenever suits you; what you \
         already recorded is kept.</p>\
         {deadline_html}",
        first_name = h(first_name),
        lead = h(&lead),
    );
    let html = html_email(&subject, &content, "Continue your interview", link);
    to_candidate(interview, subject, text, html)
}

/// An email to the interview's candidate, tagged with the interview so what the mail service
/// reports about it finds its way back.
fn to_candidate(
    interview: &Interview,
    subject: String,
    text: String,
    html: String,
) -> OutgoingEmail {
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
