//! Reviewing an interview: its results with playable answers, a score and a stage.

use super::insights::Insights;
use super::interviews::get_interview;
use super::{retry_on_conflict, App, Caller, Error, FieldError, Result};
use crate::domain::{Interview, Position, QuestionId, Score, Stage};
use std::collections::BTreeMap;
use std::time::Duration;

/// Playback URLs are minted per view and live at most this long.
pub const PLAYBACK_TTL: Duration = Duration::from_secs(60 * 60);

/// An interview as a reviewer reads it: with its position and a playback URL per answer.
pub struct Results {
    pub interview: Interview,
    pub position: Option<Position>,
    pub playback: BTreeMap<QuestionId, String>,
    pub insights: Insights,
}

/// Playback URLs for every answer of `interview`, valid for `ttl`.
pub(crate) async fn playback_urls(
    app: &App,
    interview: &Interview,
    ttl: Duration,
) -> Result<BTreeMap<QuestionId, String>> {
    let videos = app.videos()?;
    let mut urls = BTreeMap::new();
    for (question, progress) in &interview.progress {
        if let Some(answer) = &progress.answer {
            let url = videos
                .presign_get(&answer.object_key, &answer.content_type, ttl)
                .await?;
            urls.insert(*question, url);
        }
    }
    Ok(urls)
}

pub async fn results(app: &App, caller: &Caller, interview_id: &str) -> Result<Results> {
    let interview = get_interview(app, caller, interview_id).await?;
    let position = app
        .positions
        .get_position(caller.tenant_id, interview.position_id)
        .await?;
    let playback = playback_urls(app, &interview, PLAYBACK_TTL).await?;
    let insights = super::insights::of(app, &interview).await?;
    Ok(Results {
        interview,
        position,
        playback,
        insights,
    })
}

/// Applies a reviewer's change, re-reading and retrying if someone else wrote in between.
async fn change(
    app: &App,
    caller: &Caller,
    interview_id: &str,
    apply: impl Fn(&mut Interview) -> bool,
) -> Result<Interview> {
    retry_on_conflict(|| async {
        let mut interview = get_interview(app, caller, interview_id).await?;
        if !apply(&mut interview) {
            return Ok(interview);
        }
        Ok(app.interviews.update_interview(&interview).await?)
    })
    .await
}

/// Scores an interview (1 to 5 in steps of 0.5), or clears the score with `None`.
pub async fn set_score(
    app: &App,
    caller: &Caller,
    interview_id: &str,
    score: Option<f64>,
) -> Result<Interview> {
    // Another tenant's interview is "not found", whatever the body says.
    get_interview(app, caller, interview_id).await?;
    let score = match score {
        None => None,
        Some(value) => Some(Score::parse(value).ok_or_else(|| {
            Error::Validation(vec![FieldError::new(
                "score",
                "must be a number from 1 to 5 in steps of 0.5, or null",
            )])
        })?),
    };
    change(app, caller, interview_id, |i| {
        i.set_score(score, app.clock.now())
    })
    .await
}

/// Moves an interview to `stage` (`to_evaluate`, `shortlisted` or `discarded`).
pub async fn set_stage(
    app: &App,
    caller: &Caller,
    interview_id: &str,
    stage: Option<&str>,
) -> Result<Interview> {
    get_interview(app, caller, interview_id).await?;
    let stage = stage.and_then(Stage::parse).ok_or_else(|| {
        Error::Validation(vec![FieldError::new(
            "stage",
            "must be one of to_evaluate, shortlisted, discarded",
        )])
    })?;
    change(app, caller, interview_id, |i| {
        i.set_stage(stage, app.clock.now())
    })
    .await
}
