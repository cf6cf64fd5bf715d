//! The candidate's session: resolving the link token, opening the interview and submitting
//! it. The link token is the only credential; unknown, rotated and deleted tokens all read
//! the same.

use super::{retry_on_conflict, App, Error, FieldError, Result};
use crate::domain::{
    clean_text, looks_like_token, AnswerKind, Interview, Position, Question, QuestionId, SecretHash,
};

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

    /// The questions the candidate was invited with.
    pub fn questions(&self) -> &[Question] {
        self.interview.questions_or(&self.position.questions)
    }

    pub fn question(&self, id: QuestionId) -> Option<&Question> {
        self.questions().iter().find(|q| q.id == id)
    }
}

/// Resolves a link token to its interview and position, or `LinkNotFound`.
pub async fn load(app: &App, token: &str) -> Result<Session> {
    if !looks_like_token(token) {
        return Err(Error::LinkNotFound);
    }
    let (interview, position) = app
        .interviews
        .interview_by_token(&SecretHash::of(token))
        .await?
        .ok_or(Error::LinkNotFound)?;
    // A deleted position closes its links at once.
    let position = position.ok_or(Error::LinkNotFound)?;
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

/// Whether the position asks for an advisory evaluation that has something to go by: at
/// least one of the interview's questions has a rubric.
fn wants_evaluation(session: &Session) -> bool {
    session.position.evaluation && session.questions().iter().any(|q| q.rubric.is_some())
}

/// Saves the candidate's written answer to a `text` question (a draft: it can change until
/// the interview is submitted).
pub async fn save_written_answer(
    app: &App,
    token: &str,
    question_id: &str,
    text: Option<String>,
) -> Result<Session> {
    let id = QuestionId::parse(question_id).ok_or(Error::QuestionNotFound)?;
    retry_on_conflict(|| async {
        let mut session = load_open(app, token).await?;
        let question = session.question(id).ok_or(Error::QuestionNotFound)?;
        if question.kind != AnswerKind::Text {
            return Err(Error::AnswerKindMismatch {
                expected: question.kind.as_str(),
            });
        }
        let limit = question.character_limit() as usize;
        let text = match text.as_deref() {
            None => Err("is required".to_string()),
            // Clearing the answer is allowed; it then counts as unanswered.
            Some(raw) if raw.trim().is_empty() => Ok(String::new()),
            Some(raw) => clean_text(raw, limit, true).map_err(|e| e.to_string()),
        }
        .map_err(|e| Error::Validation(vec![FieldError::new("text", e)]))?;
        session.interview.save_written(id, text, app.clock.now())?;
        session.interview = app.interviews.update_interview(&session.interview).await?;
        Ok(session)
    })
    .await
}

/// Submitting: allowed once every question has a confirmed answer. Submitting again answers
/// the same, so a double click or a retried request is harmless.
pub async fn submit(app: &App, token: &str) -> Result<Session> {
    retry_on_conflict(|| async {
        let mut session = load(app, token).await?;
        let questions: Vec<_> = session.questions().iter().map(|q| q.id).collect();
        let evaluate = app.followups.evaluate && wants_evaluation(&session);
        if session
            .interview
            .submit(&questions, evaluate, app.clock.now())?
        {
            session.interview = app.interviews.update_interview(&session.interview).await?;
        }
        Ok(session)
    })
    .await
}
