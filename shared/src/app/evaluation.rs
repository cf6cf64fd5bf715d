//! The advisory evaluation of a completed interview, off the request path: the position's
//! questions, their rubrics and the answers' words go to a language model, whose reply is
//! checked against the shape asked for (asked again once if malformed). The result sits
//! beside the answers; it never sets a score or a stage.

use super::{App, Error, Result};
use crate::domain::{
    evaluation_prompt, parse_evaluation_reply, AnswerKind, EvaluatedAnswer, Evaluation,
    EvaluationStatus, InterviewId, InterviewStatus, QuestionId, TenantId, EVALUATION_ATTEMPTS,
    PROMPT_VERSION,
};
use chrono::{DateTime, Utc};

/// Evaluates the completion `completed_at` of an interview, once. Nothing happens if the
/// interview was reopened or completed again since (that completion is evaluated on its
/// own), or if this completion was evaluated already.
pub async fn evaluate(
    app: &App,
    tenant: TenantId,
    interview_id: InterviewId,
    completed_at: DateTime<Utc>,
) -> Result<()> {
    let evaluator = app
        .evaluator
        .as_deref()
        .ok_or_else(|| Error::Internal("this function evaluates nothing".into()))?;
    let Some(interview) = app.interviews.get_interview(tenant, interview_id).await? else {
        return Ok(());
    };
    if interview.status != InterviewStatus::Completed
        || interview.completed_at != Some(completed_at)
    {
        return Ok(());
    }
    if app
        .insights
        .evaluation_of(tenant, interview_id)
        .await?
        .is_some_and(|e| e.completed_at == completed_at)
    {
        return Ok(());
    }
    let Some(position) = app
        .positions
        .get_position(tenant, interview.position_id)
        .await?
    else {
        return Ok(());
    };
    // Turned off since the candidate submitted: nothing is sent to the model.
    if !position.evaluation {
        return Ok(());
    }
    let transcripts = app.insights.transcripts_of(tenant, interview_id).await?;
    let questions = interview.questions_or(&position.questions);
    // Questions without a rubric have nothing to be judged against.
    let answers: Vec<EvaluatedAnswer> = questions
        .iter()
        .filter_map(|q| {
            let rubric = q.rubric.as_deref()?;
            let progress = interview.progress.get(&q.id);
            let answer = match q.kind {
                AnswerKind::Text => progress
                    .and_then(|p| p.written.as_ref())
                    .map(|w| w.text.as_str()),
                AnswerKind::Video | AnswerKind::Audio => progress
                    .and_then(|p| p.answer.as_ref())
                    .and_then(|a| transcripts.iter().find(|(u, _)| *u == a.upload_id))
                    .map(|(_, t)| t.text.as_str()),
            };
            Some(EvaluatedAnswer {
                question_id: q.id,
                question: &q.text,
                rubric,
                answer,
            })
        })
        .collect();
    if answers.is_empty() {
        return Ok(());
    }
    let expected: Vec<QuestionId> = answers.iter().map(|a| a.question_id).collect();
    let prompt = evaluation_prompt(position.name.as_str(), &answers);
    let mut evaluation = Evaluation {
        tenant_id: tenant,
        interview_id,
        completed_at,
        status: EvaluationStatus::Failed,
        reason: None,
        model: evaluator.model().to_string(),
        prompt_version: PROMPT_VERSION.to_string(),
        questions: Vec::new(),
        attempts: 0,
        input_tokens: 0,
        output_tokens: 0,
        prompt_characters: 0,
        created_at: app.clock.now(),
    };
    while evaluation.attempts < EVALUATION_ATTEMPTS {
        evaluation.attempts += 1;
        evaluation.prompt_characters +=
            (prompt.system.chars().count() + prompt.user.chars().count()) as u64;
        let reply = evaluator.reply(&prompt).await?;
        evaluation.input_tokens += reply.input_tokens;
        evaluation.output_tokens += reply.output_tokens;
        match parse_evaluation_reply(&reply.text, &expected) {
            Ok(questions) => {
                evaluation.status = EvaluationStatus::Ready;
                evaluation.questions = questions;
                evaluation.reason = None;
                break;
            }
            Err(why) => {
                tracing::warn!(%interview_id, attempt = evaluation.attempts, %why, "the model's reply is not the evaluation asked for");
                evaluation.reason = Some(format!("the model's reply was not usable: {why}"));
            }
        }
    }
    app.insights.save_evaluation(&evaluation).await?;
    Ok(())
}
