//! Positions and their questions.

use super::{retry_on_conflict, App, Caller, Error, FieldError, Result};
use crate::domain::{
    clean_text, valid_slug, Line, Position, PositionId, PositionStatus, Question, QuestionId,
    DEFAULT_MAX_ANSWER_SECONDS, DEFAULT_MAX_UPLOAD_BYTES, DEFAULT_RETAKES,
    DEFAULT_THINKING_SECONDS,
};
use serde::Deserialize;

pub const MAX_QUESTIONS: usize = 30;
const MAX_ANSWER_SECONDS: u32 = 600;
const MAX_THINKING_SECONDS: u32 = 600;
const MAX_RETAKES: u32 = 10;
/// S3's single-PUT ceiling is 5 GB; we stay well under it and below a browser's comfort.
const MAX_UPLOAD_BYTES_CEILING: u64 = 4 * 1024 * 1024 * 1024;

#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct NewQuestion {
    pub text: Option<String>,
    pub max_answer_seconds: Option<u32>,
    pub thinking_seconds: Option<u32>,
    pub retakes: Option<u32>,
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct NewPosition {
    pub name: Option<String>,
    pub company_name: Option<String>,
    pub intro: Option<String>,
    pub questions: Option<Vec<NewQuestion>>,
    pub max_upload_bytes: Option<u64>,
    pub public_apply: Option<bool>,
    pub slug: Option<String>,
}

fn check_range(
    errors: &mut Vec<FieldError>,
    field: String,
    value: Option<u32>,
    range: std::ops::RangeInclusive<u32>,
    default: u32,
) -> u32 {
    match value {
        None => default,
        Some(v) if range.contains(&v) => v,
        Some(_) => {
            errors.push(FieldError::new(
                field,
                format!("must be between {} and {}", range.start(), range.end()),
            ));
            default
        }
    }
}

/// Validates a new position, reporting every invalid field at once.
pub fn parse_position(caller: &Caller, input: NewPosition, app: &App) -> Result<Position> {
    let mut errors = Vec::new();
    let name = match input.name.as_deref() {
        None => {
            errors.push(FieldError::new("name", "is required"));
            None
        }
        Some(raw) => Line::parse(raw, 200)
            .map_err(|e| errors.push(FieldError::new("name", e)))
            .ok(),
    };
    let company_name = input.company_name.as_deref().and_then(|raw| {
        Line::parse(raw, 200)
            .map_err(|e| errors.push(FieldError::new("companyName", e)))
            .ok()
    });
    let intro = input.intro.as_deref().and_then(|raw| {
        clean_text(raw, 2000, true)
            .map_err(|e| errors.push(FieldError::new("intro", e)))
            .ok()
    });
    let raw_questions = input.questions.unwrap_or_default();
    if raw_questions.is_empty() {
        errors.push(FieldError::new(
            "questions",
            "must contain at least one question",
        ));
    } else if raw_questions.len() > MAX_QUESTIONS {
        errors.push(FieldError::new(
            "questions",
            format!("must contain at most {MAX_QUESTIONS} questions"),
        ));
    }
    let mut questions = Vec::with_capacity(raw_questions.len());
    for (i, q) in raw_questions.into_iter().enumerate() {
        let field = |name: &str| format!("questions[{i}].{name}");
        let text = match q.text.as_deref() {
            None => {
                errors.push(FieldError::new(field("text"), "is required"));
                String::new()
            }
            Some(raw) => clean_text(raw, 1000, true).unwrap_or_else(|e| {
                errors.push(FieldError::new(field("text"), e));
                String::new()
            }),
        };
        questions.push(Question {
            id: QuestionId::new(),
            text,
            max_answer_seconds: check_range(
                &mut errors,
                field("maxAnswerSeconds"),
                q.max_answer_seconds,
                10..=MAX_ANSWER_SECONDS,
                DEFAULT_MAX_ANSWER_SECONDS,
            ),
            thinking_seconds: check_range(
                &mut errors,
                field("thinkingSeconds"),
                q.thinking_seconds,
                0..=MAX_THINKING_SECONDS,
                DEFAULT_THINKING_SECONDS,
            ),
            retakes: check_range(
                &mut errors,
                field("retakes"),
                q.retakes,
                0..=MAX_RETAKES,
                DEFAULT_RETAKES,
            ),
        });
    }
    let max_upload_bytes = match input.max_upload_bytes {
        None => DEFAULT_MAX_UPLOAD_BYTES,
        Some(v) if (1024 * 1024..=MAX_UPLOAD_BYTES_CEILING).contains(&v) => v,
        Some(_) => {
            errors.push(FieldError::new(
                "maxUploadBytes",
                format!("must be between 1 MiB and {MAX_UPLOAD_BYTES_CEILING} bytes"),
            ));
            DEFAULT_MAX_UPLOAD_BYTES
        }
    };
    if let Some(slug) = &input.slug {
        if !valid_slug(slug) {
            errors.push(FieldError::new(
                "slug",
                "must be 3-64 lower-case letters, digits or dashes",
            ));
        }
    }
    match (errors.is_empty(), name) {
        (true, Some(name)) => Ok(Position {
            tenant_id: caller.tenant_id,
            id: PositionId::new(),
            name,
            company_name,
            intro,
            questions,
            status: PositionStatus::Active,
            max_upload_bytes,
            public_apply: input.public_apply.unwrap_or(false),
            slug: input.slug,
            created_at: app.clock.now(),
            tenant_name: caller.tenant_name.clone(),
            version: 0,
        }),
        _ => Err(Error::Validation(errors)),
    }
}

pub async fn create_position(app: &App, caller: &Caller, input: NewPosition) -> Result<Position> {
    let position = parse_position(caller, input, app)?;
    app.positions.create_position(&position).await?;
    Ok(position)
}

/// Reads a position of the caller's tenant. Another tenant's position is "not found" too.
pub async fn get_position(app: &App, caller: &Caller, id: &str) -> Result<Position> {
    let id = PositionId::parse(id).ok_or(Error::PositionNotFound)?;
    app.positions
        .get_position(caller.tenant_id, id)
        .await?
        .ok_or(Error::PositionNotFound)
}

pub async fn list_positions(app: &App, caller: &Caller) -> Result<Vec<Position>> {
    Ok(app.positions.list_positions(caller.tenant_id).await?)
}

/// Archiving stops new invites and applications; existing interviews go on.
pub async fn set_archived(
    app: &App,
    caller: &Caller,
    id: &str,
    archived: bool,
) -> Result<Position> {
    retry_on_conflict(|| async {
        let current = get_position(app, caller, id).await?;
        let mut next = current.clone();
        next.status = if archived {
            PositionStatus::Archived
        } else {
            PositionStatus::Active
        };
        if next == current {
            return Ok(current);
        }
        Ok(app.positions.update_position(&current, &next).await?)
    })
    .await
}
