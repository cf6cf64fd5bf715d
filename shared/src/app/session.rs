//! The candidate's session: resolving the link token, opening the interview and submitting
//! it. The link token is the only credential; unknown, rotated and deleted tokens all read
//! the same.

use super::{retry_on_conflict, App, Error, Result};
use crate::domain::{looks_like_token, Interview, Position, SecretHash};

/// An interview opened through its link, with what the candidate sees of the position.
#[derive(Debug, Clone)]
pub struct Session {
    pub interview: Interview,
    pub position: Position,
}

impl Session {
    /// The employer name shown to the candidate.
    pub fn company(&self) -> &str {
        self.position.employer()
    }
}

/// Resolves a link token to its interview and position, or `LinkNotFound`.
pub async fn load(app: &App, token: &str) -> Result<Session> {
    if !looks_like_token(token) {
        return Err(Error::LinkNotFound);
    }
    let interview = app
        .interviews
        .interview_by_token(&SecretHash::of(token))
        .await?
        .ok_or(Error::LinkNotFound)?;
    let position = app
        .positions
        .get_position(interview.tenant_id, interview.position_id)
        .await?
        .ok_or(Error::LinkNotFound)?;
    Ok(Session {
        interview,
        position,
    })
}

/// Loads a session the candidate may still work on: not expired, not completed.
pub async fn load_open(app: &App, token: &str) -> Result<Session> {
    let session = load(app, token).await?;
    session.interview.ensure_open(app.clock.now())?;
    Ok(session)
}

/// A session already read, handed to the first attempt of a retried write so the common
/// case reads the store once; an attempt after a lost race reads it afresh.
pub(crate) struct LoadedOnce(std::sync::Mutex<Option<Session>>);

impl LoadedOnce {
    pub(crate) fn new(session: Session) -> Self {
        Self(std::sync::Mutex::new(Some(session)))
    }

    pub(crate) async fn open_session(&self, app: &App, token: &str) -> Result<Session> {
        let first = self.0.lock().map(|mut s| s.take()).unwrap_or(None);
        match first {
            Some(session) => Ok(session),
            None => load_open(app, token).await,
        }
    }
}

/// Opening the link: the first open moves `invited` → `in_progress` and records `startedAt`.
/// A completed interview still reads (as completed); an expired one answers 410.
pub async fn open(app: &App, token: &str) -> Result<Session> {
    retry_on_conflict(|| async {
        let mut session = load(app, token).await?;
        if session.interview.open(app.clock.now())? {
            session.interview = app.interviews.update_interview(&session.interview).await?;
        }
        Ok(session)
    })
    .await
}

/// Submitting: allowed once every question has a confirmed answer. Submitting again answers
/// the same, so a double click or a retried request is harmless.
pub async fn submit(app: &App, token: &str) -> Result<Session> {
    retry_on_conflict(|| async {
        let mut session = load(app, token).await?;
        let questions: Vec<_> = session.position.questions.iter().map(|q| q.id).collect();
        if session.interview.submit(&questions, app.clock.now())? {
            session.interview = app.interviews.update_interview(&session.interview).await?;
        }
        Ok(session)
    })
    .await
}

#[cfg(all(test, feature = "local"))]
mod tests {
    use super::*;
    use crate::app::testing;
    use crate::app::{invite, positions, upload};
    use crate::domain::InterviewStatus;
    use serde_json::json;

    async fn invited(app: &App, deadline_in: chrono::Duration) -> (String, Position) {
        let caller = testing::caller();
        let position: positions::NewPosition = serde_json::from_value(
            json!({ "name": "Engineer", "questions": [{ "text": "Why?" }] }),
        )
        .unwrap();
        let position = positions::create_position(app, &caller, position)
            .await
            .unwrap();
        let input: invite::InviteInput = serde_json::from_value(json!({
            "candidate": { "email": "ana@example.com", "firstName": "Ana", "lastName": "Silva" },
            "sendEmail": false,
            "deadline": (app.clock.now() + deadline_in).to_rfc3339(),
        }))
        .unwrap();
        let links = app.links().unwrap();
        let invited = invite::invite(app, links, &caller, &position.id.to_string(), input)
            .await
            .unwrap();
        (
            invited.url.rsplit('/').next().unwrap().to_string(),
            position,
        )
    }

    #[tokio::test]
    async fn a_passed_deadline_closes_the_link_but_not_a_completed_interview() {
        let dir = tempfile::tempdir().unwrap();
        let (app, clock) = testing::app(dir.path());
        let (token, position) = invited(&app, chrono::Duration::hours(1)).await;

        let opened = open(&app, &token).await.unwrap();
        assert_eq!(opened.interview.status, InterviewStatus::InProgress);
        let started_at = opened.interview.started_at;
        clock.advance(chrono::Duration::minutes(5));
        assert_eq!(
            open(&app, &token).await.unwrap().interview.started_at,
            started_at,
            "recorded once"
        );

        clock.advance(chrono::Duration::hours(1));
        assert_eq!(
            open(&app, &token).await.unwrap_err(),
            Error::InterviewExpired
        );
        let question = position.questions[0].id.to_string();
        let new_upload = || upload::NewUpload {
            content_type: Some("video/webm".into()),
            size: Some(10),
            multipart: None,
        };
        assert_eq!(
            upload::create(&app, &token, &question, new_upload())
                .await
                .unwrap_err(),
            Error::InterviewExpired
        );
        assert_eq!(
            submit(&app, &token).await.unwrap_err(),
            Error::InterviewExpired
        );

        // Completed before the deadline: still readable after it.
        let (token, position) = invited(&app, chrono::Duration::hours(1)).await;
        let question = position.questions[0].id.to_string();
        let ticket = upload::create(&app, &token, &question, new_upload())
            .await
            .unwrap();
        let key = &ticket.upload.object_key;
        std::fs::create_dir_all(dir.path().join("videos").join(key).parent().unwrap()).unwrap();
        std::fs::write(dir.path().join("videos").join(key), [0u8; 10]).unwrap();
        crate::app::complete::complete(&app, &token, &question, &ticket.upload.id.to_string())
            .await
            .unwrap();
        submit(&app, &token).await.unwrap();
        clock.advance(chrono::Duration::hours(2));
        assert_eq!(
            open(&app, &token).await.unwrap().interview.status,
            InterviewStatus::Completed
        );
    }

    #[tokio::test]
    async fn unknown_and_malformed_tokens_read_the_same() {
        let dir = tempfile::tempdir().unwrap();
        let (app, _) = testing::app(dir.path());
        assert_eq!(open(&app, "short").await.unwrap_err(), Error::LinkNotFound);
        assert_eq!(
            open(&app, &"A".repeat(43)).await.unwrap_err(),
            Error::LinkNotFound
        );
    }
}
