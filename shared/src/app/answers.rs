//! Redo: a reviewer removes an answer so the candidate records it again with the same link
//! (the link an applicant tracking system already holds keeps working).

use super::interviews::get_interview;
use super::{email, retry_on_conflict, App, Caller, Error, Links, Result};
use crate::domain::{Interview, QuestionId};

/// Removes the answer to `question_id` and its video; a completed interview goes back to
/// `in_progress`. With `notify`, the candidate is emailed that the answer is wanted again
/// (the outcome is on the interview, as for invitations).
pub async fn reopen_answer(
    app: &App,
    links: &Links,
    caller: &Caller,
    interview_id: &str,
    question_id: &str,
    notify: bool,
) -> Result<Interview> {
    let question = QuestionId::parse(question_id).ok_or(Error::AnswerNotFound)?;
    let now = app.clock.now();
    let (interview, removed) = retry_on_conflict(|| async {
        let mut interview = get_interview(app, caller, interview_id).await?;
        let removed = interview.reopen_answer(question, now)?;
        Ok((app.interviews.update_interview(&interview).await?, removed))
    })
    .await?;
    // Only now, with the interview stored without it, are the recording, its transcript
    // and the evaluation of the completion it belonged to safe to delete.
    if let Some(removed) = &removed {
        if let Err(e) = app.videos()?.delete(&removed.object_key).await {
            tracing::warn!(error = %e, "could not delete a removed answer's video; it stays in storage");
        }
    }
    super::insights::forget_answer(app, &interview, removed.as_ref()).await?;
    if !notify {
        return Ok(interview);
    }
    let position = app
        .positions
        .get_position(caller.tenant_id, interview.position_id)
        .await?
        .ok_or(Error::PositionNotFound)?;
    let questions = interview.questions_or(&position.questions);
    let text: Vec<&str> = questions
        .iter()
        .filter(|q| q.id == question)
        .map(|q| q.text.as_str())
        .collect();
    let url = links.candidate(&interview)?;
    let message =
        email::answers_requested_again(position.employer(), &position, &interview, &text, &url);
    super::delivery::deliver(app, interview, message).await
}
