//! Reading a tenant's interviews: one by id, or a position's page by page.

use super::{positions, App, Caller, Error, FieldError, Result};
use crate::domain::{Interview, InterviewId, Position, Score, Stage};
use crate::ports::{InterviewQuery, Page};
use serde::Deserialize;

/// Looks up an interview of the caller's tenant by id.
pub async fn get_interview(app: &App, caller: &Caller, id: &str) -> Result<Interview> {
    let id = InterviewId::parse(id).ok_or(Error::InterviewNotFound)?;
    app.interviews
        .get_interview(caller.tenant_id, id)
        .await?
        .ok_or(Error::InterviewNotFound)
}

/// What a reviewer asks of a position's interviews: filters (each optional, combined) and
/// a page. Values arrive as the query string has them and are checked here.
#[derive(Debug, Default, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ListInput {
    pub cursor: Option<String>,
    pub limit: Option<u32>,
    pub status: Option<String>,
    pub stage: Option<String>,
    pub email: Option<String>,
    pub external_id: Option<String>,
    pub min_score: Option<f64>,
}

/// A page of a position's interviews, newest first. `limit` (default 50) is clamped to 1–100.
pub async fn list_interviews(
    app: &App,
    caller: &Caller,
    position_id: &str,
    input: ListInput,
) -> Result<(Position, Page<Interview>)> {
    let mut errors = Vec::new();
    let status = input.status.as_deref().and_then(|raw| {
        let status = serde_json::from_value(serde_json::Value::String(raw.to_string())).ok();
        if status.is_none() {
            errors.push(FieldError::new(
                "status",
                "must be one of invited, in_progress, completed, expired",
            ));
        }
        status
    });
    let stage = input.stage.as_deref().and_then(|raw| {
        let stage = Stage::parse(raw);
        if stage.is_none() {
            errors.push(FieldError::new(
                "stage",
                "must be one of to_evaluate, shortlisted, discarded",
            ));
        }
        stage
    });
    let min_score = input.min_score.and_then(|raw| {
        let score = Score::parse(raw);
        if score.is_none() {
            errors.push(FieldError::new(
                "minScore",
                "must be a number from 1 to 5 in steps of 0.5",
            ));
        }
        score
    });
    if !errors.is_empty() {
        return Err(Error::Validation(errors));
    }
    let position = positions::get_position(app, caller, position_id).await?;
    let query = InterviewQuery {
        cursor: input.cursor,
        limit: input.limit.unwrap_or(50).clamp(1, 100),
        status,
        stage,
        email: input.email.map(|e| e.trim().to_lowercase()),
        external_id: input.external_id.map(|e| e.trim().to_string()),
        min_score,
        now: app.clock.now(),
    };
    let page = app
        .interviews
        .list_interviews(caller.tenant_id, position.id, &query)
        .await?;
    Ok((position, page))
}
