use super::ses_events::{INTERVIEW_TAG, TENANT_TAG};
use crate::mime::render_mime;
use crate::ports::{MailError, Mailer, OutgoingEmail};
use async_trait::async_trait;
use aws_sdk_sesv2::primitives::Blob;
use aws_sdk_sesv2::types::{Destination, EmailContent, MessageTag, RawMessage};

/// Sends through SESv2 as a raw message: the same multipart/alternative MIME (text + HTML)
/// the local outbox writes, so both deliver byte-for-byte the same email. With a
/// configuration set, SES reports what becomes of each message (delivered, bounced, opened)
/// to its event destination, tagged with the interview the email is about.
pub struct SesMailer {
    client: aws_sdk_sesv2::Client,
    from: String,
    configuration_set: Option<String>,
}

impl SesMailer {
    pub fn new(client: aws_sdk_sesv2::Client, from: String) -> Self {
        Self {
            client,
            from,
            configuration_set: None,
        }
    }

    /// Sends every message with this configuration set (`None`: without one).
    pub fn with_configuration_set(mut self, name: Option<String>) -> Self {
        self.configuration_set = name;
        self
    }
}

#[async_trait]
impl Mailer for SesMailer {
    async fn send(&self, email: &OutgoingEmail) -> Result<String, MailError> {
        let mime = render_mime(&self.from, email, None, chrono::Utc::now());
        let raw = RawMessage::builder()
            .data(Blob::new(mime.into_bytes()))
            .build()
            .map_err(|e| MailError(e.to_string()))?;
        // Ids are uuids: letters, digits and dashes, as SES allows in tags.
        let tags = email
            .about
            .iter()
            .flat_map(|about| {
                [
                    (TENANT_TAG, about.tenant_id.to_string()),
                    (INTERVIEW_TAG, about.interview_id.to_string()),
                ]
            })
            .map(|(name, value)| MessageTag::builder().name(name).value(value).build())
            .collect::<Result<Vec<_>, _>>()
            .map_err(|e| MailError(e.to_string()))?;
        let sent = self
            .client
            .send_email()
            .from_email_address(&self.from)
            .destination(Destination::builder().to_addresses(&email.to).build())
            .content(EmailContent::builder().raw(raw).build())
            .set_configuration_set_name(self.configuration_set.clone())
            .set_email_tags((!tags.is_empty()).then_some(tags))
            .send()
            .await
            .map_err(|e| {
                let service = e.into_service_error();
                MailError(format!(
                    "SES refused the message: {}",
                    service.meta().message().unwrap_or("unknown error")
                ))
            })?;
        Ok(sent.message_id().unwrap_or_default().to_string())
    }
}
