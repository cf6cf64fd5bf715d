//! Amazon SES event publishing, as SNS delivers it to a Lambda function: each SNS record's
//! `Message` is one SES event record (`eventType`, `mail`, and `delivery`, `bounce`,
//! `complaint` or `open`). The interview an event is about comes back in `mail.tags`, where
//! SES puts the message tags the email was sent with ([`TENANT_TAG`], [`INTERVIEW_TAG`]).
//!
//! Whatever is not a report about an interview's email (another event type, a message sent
//! without our tags, a body that is not an SES event) is [`Parsed::Ignored`] with the reason:
//! logged by the caller, never an error, so SNS does not retry it.

use crate::domain::{BounceKind, InterviewId, MailEvent, MailReport, TenantId};
use chrono::{DateTime, Utc};
use serde::Deserialize;
use serde_json::Value;
use std::collections::HashMap;

/// The message tag naming the tenant an email is about.
pub const TENANT_TAG: &str = "reelview-tenant";
/// The message tag naming the interview an email is about.
pub const INTERVIEW_TAG: &str = "reelview-interview";

/// One SNS record, read.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Parsed {
    Report(MailReport),
    Ignored(String),
}

#[derive(Deserialize)]
struct SnsEvent {
    #[serde(rename = "Records")]
    records: Vec<SnsRecord>,
}

#[derive(Deserialize)]
struct SnsRecord {
    #[serde(rename = "Sns")]
    sns: SnsMessage,
}

#[derive(Deserialize)]
struct SnsMessage {
    #[serde(rename = "Message")]
    message: String,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct SesEvent {
    /// `notificationType` in an identity's own notifications (which carry no tags).
    #[serde(alias = "notificationType")]
    event_type: String,
    mail: Mail,
    delivery: Option<Delivery>,
    bounce: Option<Bounce>,
    complaint: Option<Complaint>,
    open: Option<Open>,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct Mail {
    message_id: String,
    #[serde(default)]
    destination: Vec<String>,
    #[serde(default)]
    tags: HashMap<String, Vec<String>>,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct Delivery {
    timestamp: DateTime<Utc>,
    #[serde(default)]
    recipients: Vec<String>,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct Bounce {
    bounce_type: String,
    #[serde(default)]
    bounce_sub_type: String,
    #[serde(default)]
    bounced_recipients: Vec<BouncedRecipient>,
    timestamp: DateTime<Utc>,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct BouncedRecipient {
    email_address: String,
    diagnostic_code: Option<String>,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct Complaint {
    #[serde(default)]
    complained_recipients: Vec<ComplainedRecipient>,
    timestamp: DateTime<Utc>,
    complaint_feedback_type: Option<String>,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct ComplainedRecipient {
    email_address: String,
}

#[derive(Deserialize)]
struct Open {
    timestamp: DateTime<Utc>,
}

/// Every record of an SNS event delivered to Lambda, in order.
pub fn sns_records(event: &Value) -> Vec<Parsed> {
    match SnsEvent::deserialize(event) {
        Ok(event) => event
            .records
            .iter()
            .map(|r| ses_event(&r.sns.message))
            .collect(),
        Err(e) => vec![Parsed::Ignored(format!("not an SNS event: {e}"))],
    }
}

/// One SES event record (the text of an SNS message).
pub fn ses_event(message: &str) -> Parsed {
    let event: SesEvent = match serde_json::from_str(message) {
        Ok(event) => event,
        Err(e) => return Parsed::Ignored(format!("not an SES event: {e}")),
    };
    let tag = |name: &str| {
        event
            .mail
            .tags
            .get(name)
            .and_then(|values| values.first())
            .map(String::as_str)
    };
    let (Some(tenant_id), Some(interview_id)) = (
        tag(TENANT_TAG).and_then(TenantId::parse),
        tag(INTERVIEW_TAG).and_then(InterviewId::parse),
    ) else {
        return Parsed::Ignored(format!(
            "{} of message {}: not about an interview (no {TENANT_TAG} and {INTERVIEW_TAG} tags)",
            event.event_type, event.mail.message_id
        ));
    };
    let missing = || {
        Parsed::Ignored(format!(
            "{} of message {} without its details",
            event.event_type, event.mail.message_id
        ))
    };
    let (at, recipients, reported) = match event.event_type.as_str() {
        "Delivery" => {
            let Some(delivery) = &event.delivery else {
                return missing();
            };
            (
                delivery.timestamp,
                delivery.recipients.clone(),
                MailEvent::Delivered,
            )
        }
        "Bounce" => {
            let Some(bounce) = &event.bounce else {
                return missing();
            };
            let kind = match bounce.bounce_type.as_str() {
                "Permanent" => BounceKind::Hard,
                // Transient, and Undetermined: nothing says the address is gone for good.
                _ => BounceKind::Soft,
            };
            (
                bounce.timestamp,
                bounce
                    .bounced_recipients
                    .iter()
                    .map(|r| r.email_address.clone())
                    .collect(),
                MailEvent::Bounced {
                    kind,
                    reason: bounce_reason(bounce),
                },
            )
        }
        "Complaint" => {
            let Some(complaint) = &event.complaint else {
                return missing();
            };
            // A mailbox provider taking back an earlier spam report.
            if complaint.complaint_feedback_type.as_deref() == Some("not-spam") {
                return Parsed::Ignored(format!(
                    "not-spam feedback on message {}",
                    event.mail.message_id
                ));
            }
            (
                complaint.timestamp,
                complaint
                    .complained_recipients
                    .iter()
                    .map(|r| r.email_address.clone())
                    .collect(),
                MailEvent::Complained,
            )
        }
        "Open" => {
            let Some(open) = &event.open else {
                return missing();
            };
            (
                open.timestamp,
                event.mail.destination.clone(),
                MailEvent::Opened,
            )
        }
        other => {
            return Parsed::Ignored(format!(
                "{other} of message {}: not tracked",
                event.mail.message_id
            ))
        }
    };
    Parsed::Report(MailReport {
        tenant_id,
        interview_id,
        message_id: event.mail.message_id.clone(),
        recipients,
        at,
        event: reported,
    })
}

/// Why a message bounced, in words a recruiter can act on, with what the candidate's mail
/// server said (if it said anything).
fn bounce_reason(bounce: &Bounce) -> String {
    let hard = "No further email is sent to it: invite the candidate again with a corrected \
                address.";
    let what = match (bounce.bounce_type.as_str(), bounce.bounce_sub_type.as_str()) {
        ("Permanent", "NoEmail") => format!("The address does not exist (hard bounce). {hard}"),
        ("Permanent", "Suppressed") => format!(
            "Amazon SES does not send to this address: it bounced recently for other senders \
             (hard bounce). {hard}"
        ),
        ("Permanent", "OnAccountSuppressionList") => format!(
            "The address is on this deployment's Amazon SES suppression list (hard bounce). \
             {hard}"
        ),
        ("Permanent", _) => {
            format!(
                "The candidate's mail server refuses mail to this address (hard bounce). {hard}"
            )
        }
        ("Transient", "MailboxFull") => {
            "The candidate's mailbox is full (soft bounce): resend later.".to_string()
        }
        ("Transient", "MessageTooLarge") => {
            "The candidate's mail server found the message too large (soft bounce).".to_string()
        }
        ("Transient", "ContentRejected" | "AttachmentRejected") => {
            "The candidate's mail server rejected the message's content (soft bounce): share \
             the link another way."
                .to_string()
        }
        ("Transient", _) => "The candidate's mail server did not accept the message for now \
                             (soft bounce): resend later."
            .to_string(),
        _ => "The message bounced for a reason the mail service could not tell (soft bounce): \
              check the address, then resend."
            .to_string(),
    };
    let said = bounce
        .bounced_recipients
        .iter()
        .find_map(|r| r.diagnostic_code.as_deref())
        .map(|code| {
            let code = code.strip_prefix("smtp;").unwrap_or(code);
            let clean: String = code
                .chars()
                .map(|c| if c.is_control() { ' ' } else { c })
                .collect();
            let clean = clean.split_whitespace().collect::<Vec<_>>().join(" ");
            match clean.char_indices().nth(200) {
                Some((cut, _)) => format!("{}…", &clean[..cut]),
                None => clean,
            }
        })
        .filter(|code| !code.is_empty());
    match said {
        Some(code) => format!("{what} The server said: “{code}”."),
        None => what,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    const DELIVERY: &str = include_str!("fixtures/ses/delivery.json");
    const BOUNCE_PERMANENT: &str = include_str!("fixtures/ses/bounce-permanent.json");
    const BOUNCE_TRANSIENT: &str = include_str!("fixtures/ses/bounce-transient.json");
    const COMPLAINT: &str = include_str!("fixtures/ses/complaint.json");
    const OPEN: &str = include_str!("fixtures/ses/open.json");
    const SEND: &str = include_str!("fixtures/ses/send.json");

    const MESSAGE: &str = "0102018f3c1a1f2e-9a8b7c6d-5e4f-4a3b-9c2d-1e0f9a8b7c6d-000000";

    fn at(text: &str) -> DateTime<Utc> {
        text.parse().unwrap()
    }

    fn report(message: &str) -> MailReport {
        match ses_event(message) {
            Parsed::Report(report) => report,
            Parsed::Ignored(why) => panic!("ignored: {why}"),
        }
    }

    /// As SNS hands it to Lambda: the SES event is the text of `Message`.
    fn sns(messages: &[&str]) -> Value {
        json!({
            "Records": messages.iter().map(|m| json!({
                "EventSource": "aws:sns",
                "EventVersion": "1.0",
                "EventSubscriptionArn": "arn:aws:sns:eu-west-1:123456789012:reelview-EmailEventsTopic-1A2B3C:6f1c2d3e-4b5a-6978-8a9b-0c1d2e3f4a5b",
                "Sns": {
                    "Type": "Notification",
                    "MessageId": "95df01b4-ee98-5cb9-9903-4c221d41eb5e",
                    "TopicArn": "arn:aws:sns:eu-west-1:123456789012:reelview-EmailEventsTopic-1A2B3C",
                    "Subject": null,
                    "Message": m,
                    "Timestamp": "2026-03-02T10:15:04.812Z",
                    "SignatureVersion": "1",
                    "Signature": "EXAMPLE",
                    "SigningCertUrl": "https://sns.eu-west-1.amazonaws.com/SimpleNotificationService-0000000000000000000000.pem",
                    "UnsubscribeUrl": "https://sns.eu-west-1.amazonaws.com/?Action=Unsubscribe",
                    "MessageAttributes": {}
                }
            })).collect::<Vec<_>>()
        })
    }

    #[test]
    fn a_delivery_names_its_interview_through_the_message_tags() {
        let r = report(DELIVERY);
        assert_eq!(
            r.tenant_id,
            TenantId::parse("0190a7a4-8b0e-7c3d-9a7e-1f2a3b4c5d6e").unwrap()
        );
        assert_eq!(
            r.interview_id,
            InterviewId::parse("0190a7a5-0c1d-7e2f-8a3b-4c5d6e7f8a9b").unwrap()
        );
        assert_eq!(r.message_id, MESSAGE);
        assert_eq!(r.event, MailEvent::Delivered);
        assert_eq!(r.at, at("2026-03-02T10:15:03.133Z"));
        assert_eq!(r.recipients, ["ana.silva@example.com"]);
    }

    #[test]
    fn a_permanent_bounce_is_hard_and_says_what_the_server_said() {
        let r = report(BOUNCE_PERMANENT);
        assert_eq!(r.at, at("2026-03-02T10:15:04.669Z"));
        assert_eq!(r.recipients, ["ana.silva@example.com"]);
        let MailEvent::Bounced { kind, reason } = &r.event else {
            panic!("{:?}", r.event);
        };
        assert_eq!(*kind, BounceKind::Hard);
        assert!(reason.contains("hard bounce"), "{reason}");
        assert!(reason.contains("corrected address"), "{reason}");
        assert!(reason.ends_with("“550 5.1.1 user unknown”."), "{reason}");
        assert!(r.suppresses().is_some());
    }

    #[test]
    fn a_transient_bounce_is_soft() {
        let r = report(BOUNCE_TRANSIENT);
        let MailEvent::Bounced { kind, reason } = &r.event else {
            panic!("{:?}", r.event);
        };
        assert_eq!(*kind, BounceKind::Soft);
        assert!(
            reason.starts_with("The candidate's mailbox is full"),
            "{reason}"
        );
        assert!(reason.contains("over quota"), "{reason}");
        assert!(r.suppresses().is_none());
        // Undetermined is no proof the address is gone either.
        let undetermined = BOUNCE_TRANSIENT
            .replace("\"Transient\"", "\"Undetermined\"")
            .replace("\"MailboxFull\"", "\"Undetermined\"");
        let MailEvent::Bounced { kind, .. } = report(&undetermined).event else {
            panic!("a bounce");
        };
        assert_eq!(kind, BounceKind::Soft);
    }

    #[test]
    fn a_complaint_suppresses_unless_it_takes_one_back() {
        let r = report(COMPLAINT);
        assert_eq!(r.event, MailEvent::Complained);
        assert_eq!(r.at, at("2026-03-02T11:02:44.000Z"));
        assert_eq!(r.recipients, ["ana.silva@example.com"]);
        assert!(r.suppresses().is_some());
        let not_spam = COMPLAINT.replace("\"abuse\"", "\"not-spam\"");
        assert!(matches!(ses_event(&not_spam), Parsed::Ignored(_)));
    }

    #[test]
    fn an_open_is_reported_with_its_time() {
        let r = report(OPEN);
        assert_eq!(r.event, MailEvent::Opened);
        assert_eq!(r.at, at("2026-03-02T12:30:19.652Z"));
        assert_eq!(r.recipients, ["ana.silva@example.com"]);
    }

    #[test]
    fn other_events_and_untagged_messages_are_ignored_with_a_reason() {
        let Parsed::Ignored(why) = ses_event(SEND) else {
            panic!("a Send event is not tracked");
        };
        assert!(why.starts_with("Send of message"), "{why}");
        let untagged = DELIVERY.replace("reelview-interview", "some-other-tag");
        let Parsed::Ignored(why) = ses_event(&untagged) else {
            panic!("an email of something else");
        };
        assert!(why.contains("not about an interview"), "{why}");
        assert!(matches!(ses_event("{}"), Parsed::Ignored(_)));
        assert!(matches!(ses_event("not json"), Parsed::Ignored(_)));
        let detail_missing = json!({
            "eventType": "Bounce",
            "mail": serde_json::from_str::<Value>(DELIVERY).unwrap()["mail"],
        });
        assert!(matches!(
            ses_event(&detail_missing.to_string()),
            Parsed::Ignored(_)
        ));
    }

    #[test]
    fn an_sns_event_yields_each_record_in_order() {
        let parsed = sns_records(&sns(&[BOUNCE_PERMANENT, SEND, OPEN]));
        assert_eq!(parsed.len(), 3);
        assert!(matches!(
            &parsed[0],
            Parsed::Report(MailReport {
                event: MailEvent::Bounced { .. },
                ..
            })
        ));
        assert!(matches!(&parsed[1], Parsed::Ignored(_)));
        assert!(matches!(
            &parsed[2],
            Parsed::Report(MailReport {
                event: MailEvent::Opened,
                ..
            })
        ));
        let scheduled = json!({ "detail-type": "Scheduled Event", "detail": {} });
        assert!(matches!(&sns_records(&scheduled)[..], [Parsed::Ignored(_)]));
    }

    #[test]
    fn a_long_diagnostic_is_cut_and_stripped_of_controls() {
        let noisy = format!("smtp; 550\r\n{}", "x".repeat(500));
        let message = BOUNCE_PERMANENT.replace(
            "smtp; 550 5.1.1 user unknown",
            &noisy.replace('\r', "\\r").replace('\n', "\\n"),
        );
        let MailEvent::Bounced { reason, .. } = report(&message).event else {
            panic!("a bounce");
        };
        assert!(!reason.chars().any(char::is_control), "{reason}");
        assert!(reason.contains("“550 xxx"), "{reason}");
        assert!(reason.len() < 500, "{reason}");
    }
}
