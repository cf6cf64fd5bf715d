use crate::mime::render_mime;
use crate::ports::{MailError, Mailer, OutgoingEmail};
use async_trait::async_trait;
use aws_sdk_sesv2::primitives::Blob;
use aws_sdk_sesv2::types::{Destination, EmailContent, RawMessage};

/// Sends through SESv2 as a raw message: the same multipart/alternative MIME (text + HTML)
/// the local outbox writes, so both deliver byte-for-byte the same email.
pub struct SesMailer {
    client: aws_sdk_sesv2::Client,
    from: String,
}

impl SesMailer {
    pub fn new(client: aws_sdk_sesv2::Client, from: String) -> Self {
        Self { client, from }
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
        let sent = self
            .client
            .send_email()
            .from_email_address(&self.from)
            .destination(Destination::builder().to_addresses(&email.to).build())
            .content(EmailContent::builder().raw(raw).build())
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
