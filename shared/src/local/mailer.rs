//! Writes each email as an RFC 5322 `.eml` file (multipart/alternative, text and HTML) to the
//! outbox folder, where any mail client can open it. The interview an email is about is in its
//! `X-Reelview-Tenant` and `X-Reelview-Interview` headers (SES carries it as message tags).

use crate::mime::render_mime;
use crate::ports::{MailError, Mailer, OutgoingEmail};
use async_trait::async_trait;
use std::path::PathBuf;

pub struct OutboxMailer {
    outbox: PathBuf,
    from: String,
    announce_links: bool,
}

impl OutboxMailer {
    pub fn new(outbox: PathBuf, from: String) -> Self {
        Self {
            outbox,
            from,
            announce_links: false,
        }
    }

    /// Also logs each message's recipient and first link: handy in a developer's terminal,
    /// where opening the link is how one takes the interview. Never for logs that are kept
    /// (JSON logs): a candidate link opens the interview, and an address is personal data.
    pub fn announcing_links(mut self, announce: bool) -> Self {
        self.announce_links = announce;
        self
    }
}

#[async_trait]
impl Mailer for OutboxMailer {
    async fn send(&self, email: &OutgoingEmail) -> Result<String, MailError> {
        let now = chrono::Utc::now();
        let message_id = format!("{}@reelview.local", uuid::Uuid::now_v7());
        let mut eml = render_mime(&self.from, email, Some(&message_id), now);
        // What SES would carry as message tags: no reports come back locally, but the
        // message shows which interview it is about.
        if let Some(about) = &email.about {
            eml = format!(
                "X-Reelview-Tenant: {}\r\nX-Reelview-Interview: {}\r\n{eml}",
                about.tenant_id, about.interview_id
            );
        }
        let path = self.outbox.join(format!(
            "{}-{}.eml",
            now.format("%Y%m%dT%H%M%S%.3f"),
            uuid::Uuid::new_v4().simple()
        ));
        let write = async {
            tokio::fs::create_dir_all(&self.outbox).await?;
            // Write then rename, so a reader never sees half a message.
            let partial = path.with_extension("eml.partial");
            tokio::fs::write(&partial, eml).await?;
            tokio::fs::rename(&partial, &path).await
        };
        write
            .await
            .map_err(|e| MailError(format!("could not write to the outbox: {e}")))?;
        if self.announce_links {
            let link = email
                .text
                .split_whitespace()
                .find(|w| w.starts_with("http://") || w.starts_with("https://"))
                .unwrap_or("");
            tracing::info!(to = %email.to, file = %path.display(), link, "email written to outbox");
        } else {
            tracing::info!(file = %path.display(), "email written to outbox");
        }
        Ok(message_id)
    }
}
