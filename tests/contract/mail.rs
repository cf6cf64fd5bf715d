//! `Mailer`: one send is one well-formed message, and a mailer that cannot deliver says so.

use crate::{Mail, Sent, UndeliverableMail};
use reelview::domain::{InterviewId, TenantId};
use reelview::ports::{MailAbout, OutgoingEmail};
use std::path::{Path, PathBuf};

contracts!(send, refusal);

const TENANT: &str = "0190a7a4-8b0e-7c3d-9a7e-1f2a3b4c5d6e";
const INTERVIEW: &str = "0190a7a5-0c1d-7e2f-8a3b-4c5d6e7f8a9b";

fn sample_email() -> OutgoingEmail {
    OutgoingEmail {
        to: "ana.silva@example.com".into(),
        // Long enough to be folded over several encoded-words.
        subject: "Entrevista para Engenheiro de Software Sênior — Zoë, o teu convite para \
                  gravar as respostas até sexta-feira"
            .into(),
        text: "Olá Zoë,\n\nRecord your answers here: https://reelview.test/i/abc\n".into(),
        html:
            "<p>Olá <b>Zoë</b> & team,</p><p><a href=\"https://reelview.test/i/abc\">Start</a></p>"
                .into(),
        about: Some(MailAbout {
            tenant_id: TenantId::parse(TENANT).unwrap(),
            interview_id: InterviewId::parse(INTERVIEW).unwrap(),
        }),
    }
}

fn eml_files(dir: &Path) -> Vec<PathBuf> {
    std::fs::read_dir(dir)
        .map(|d| d.filter_map(Result::ok).map(|e| e.path()).collect())
        .unwrap_or_default()
}

async fn send(mailer: Mail) {
    assert!(mailer.sent.read().await.is_empty());
    let email = sample_email();
    let message_id = mailer.send(&email).await.expect("send");
    assert!(!message_id.is_empty());

    let mails = mailer.sent.read().await;
    assert_eq!(mails.len(), 1, "exactly one message");
    let mail = &mails[0];
    assert_eq!(mail.to, email.to);
    assert_eq!(mail.subject, email.subject);
    assert!(mail.content_type.starts_with("multipart/alternative"));
    assert_eq!(mail.text, email.text);
    assert_eq!(mail.html, email.html);
    assert_eq!(mail.from, mailer.from, "From header in {:?}", mail.raw);
    assert!(mail.raw.is_ascii(), "the raw message is 7-bit clean");
    // What the mail service reports about the message comes back to its interview: SES
    // publishes the message tags with every event of the configuration set.
    assert_eq!(
        mail.about,
        Some((TENANT.to_string(), INTERVIEW.to_string())),
        "the interview the email is about, in {:?}",
        mail.raw
    );
    assert_eq!(mail.configuration_set, mailer.configuration_set);
    if let Some(id) = &mail.message_id {
        assert_eq!(id, &message_id, "the id SES reports events under");
    }

    // An outbox holds exactly the sent messages, as `.eml` files.
    if let Sent::Outbox(outbox) = &mailer.sent {
        let files = eml_files(outbox);
        assert_eq!(files.len(), 1, "one file and no leftovers: {files:?}");
        assert!(files[0].extension().is_some_and(|e| e == "eml"));
    }
}

/// A mailer that cannot deliver says so, and nothing is delivered.
async fn refusal(UndeliverableMail(mailer): UndeliverableMail) {
    let refused = mailer.send(&sample_email()).await;
    assert!(refused.is_err(), "{refused:?}");
    assert!(!refused.unwrap_err().0.is_empty());
    assert!(mailer.sent.read().await.is_empty());
}
