//! Positions and their questions.

use super::{retry_on_conflict, App, Caller, Error, FieldError, Result};
use crate::domain::{
    clean_text, valid_slug, AnswerKind, InterviewCounts, Line, Position, PositionId,
    PositionStatus, Question, QuestionId, ReminderPolicy, DEFAULT_APPLICATIONS_PER_DAY,
    DEFAULT_MAX_ANSWER_SECONDS, DEFAULT_MAX_CHARACTERS, DEFAULT_MAX_UPLOAD_BYTES, DEFAULT_RETAKES,
    DEFAULT_THINKING_SECONDS, MAX_DEFAULT_DEADLINE_DAYS, MAX_REMINDERS, MAX_REMINDER_HOURS,
};
use serde::Deserialize;

pub const MAX_QUESTIONS: usize = 30;
const MAX_APPLICATIONS_PER_DAY: u32 = 10_000;
const MAX_ANSWER_SECONDS: u32 = 600;
const MAX_THINKING_SECONDS: u32 = 600;
const MAX_RETAKES: u32 = 10;
const MAX_CHARACTERS: u32 = 10_000;
const MAX_RUBRIC_CHARACTERS: usize = 2000;

/// A language as transcription services name it: `en-US`, `pt-BR`, `fil-PH`.
fn valid_language(code: &str) -> bool {
    match code.split_once('-') {
        Some((language, region)) => {
            (2..=3).contains(&language.len())
                && language.bytes().all(|b| b.is_ascii_lowercase())
                && region.len() == 2
                && region.bytes().all(|b| b.is_ascii_uppercase())
        }
        None => false,
    }
}
/// S3's single-PUT ceiling is 5 GB; we stay well under it and below a browser's comfort.
const MAX_UPLOAD_BYTES_CEILING: u64 = 4 * 1024 * 1024 * 1024;

#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct NewQuestion {
    /// On an edit, the id of a question to keep (its text and settings may change).
    pub id: Option<String>,
    pub text: Option<String>,
    #[serde(default, deserialize_with = "super::input::whole_number")]
    pub max_answer_seconds: Option<u32>,
    #[serde(default, deserialize_with = "super::input::whole_number")]
    pub thinking_seconds: Option<u32>,
    #[serde(default, deserialize_with = "super::input::whole_number")]
    pub retakes: Option<u32>,
    /// `video` (the default), `audio` or `text`.
    pub kind: Option<String>,
    #[serde(default, deserialize_with = "super::input::whole_number")]
    pub max_characters: Option<u32>,
    pub rubric: Option<String>,
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct NewPosition {
    pub name: Option<String>,
    pub company_name: Option<String>,
    pub intro: Option<String>,
    #[serde(default, deserialize_with = "super::input::objects")]
    pub questions: Option<Vec<NewQuestion>>,
    #[serde(default, deserialize_with = "super::input::whole_number")]
    pub max_upload_bytes: Option<u64>,
    pub public_apply: Option<bool>,
    #[serde(default, deserialize_with = "super::input::whole_number")]
    pub max_applications_per_day: Option<u32>,
    pub slug: Option<String>,
    #[serde(default, deserialize_with = "super::input::whole_number")]
    pub default_deadline_days: Option<u32>,
    #[serde(default, deserialize_with = "super::input::object")]
    pub reminders: Option<ReminderInput>,
    pub language: Option<String>,
    pub evaluation: Option<bool>,
}

/// A position's reminder policy as a request gives it; a list left out keeps its default
/// (on create) or its current value (on edit); empty lists turn reminders off.
#[derive(Debug, Clone, Default, serde::Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ReminderInput {
    #[serde(default, deserialize_with = "super::input::whole_numbers")]
    pub after_invite_hours: Option<Vec<u32>>,
    #[serde(default, deserialize_with = "super::input::whole_numbers")]
    pub before_deadline_hours: Option<Vec<u32>>,
}

/// Checks a list of reminder offsets: at most [`MAX_REMINDERS`], each 1 to
/// [`MAX_REMINDER_HOURS`] hours; kept sorted and without repeats.
fn reminder_hours(errors: &mut Vec<FieldError>, field: &str, hours: Vec<u32>) -> Vec<u32> {
    let mut hours = hours;
    hours.sort_unstable();
    hours.dedup();
    if hours.len() > MAX_REMINDERS || hours.iter().any(|h| !(1..=MAX_REMINDER_HOURS).contains(h)) {
        errors.push(FieldError::new(
            format!("reminders.{field}"),
            format!("must list at most {MAX_REMINDERS} offsets of 1 to {MAX_REMINDER_HOURS} hours"),
        ));
    }
    hours
}

fn reminder_policy(
    errors: &mut Vec<FieldError>,
    input: Option<ReminderInput>,
    current: ReminderPolicy,
) -> ReminderPolicy {
    let input = input.unwrap_or_default();
    ReminderPolicy {
        after_invite_hours: match input.after_invite_hours {
            Some(hours) => reminder_hours(errors, "afterInviteHours", hours),
            None => current.after_invite_hours,
        },
        before_deadline_hours: match input.before_deadline_hours {
            Some(hours) => reminder_hours(errors, "beforeDeadlineHours", hours),
            None => current.before_deadline_hours,
        },
    }
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

/// Validates a position, reporting every invalid field at once. Questions whose `id` is in
/// `kept` keep that id (an edit); every other question gets a new one.
pub fn parse_position(
    caller: &Caller,
    input: NewPosition,
    app: &App,
    kept: &[QuestionId],
) -> Result<Position> {
    let mut taken = std::collections::HashSet::new();
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
        let kind = match q.kind.as_deref() {
            None | Some("video") => AnswerKind::Video,
            Some("audio") => AnswerKind::Audio,
            Some("text") => AnswerKind::Text,
            Some(_) => {
                errors.push(FieldError::new(
                    field("kind"),
                    "must be video, audio or text",
                ));
                AnswerKind::Video
            }
        };
        let max_characters = match (kind, q.max_characters) {
            (AnswerKind::Text, limit) => Some(check_range(
                &mut errors,
                field("maxCharacters"),
                limit,
                1..=MAX_CHARACTERS,
                DEFAULT_MAX_CHARACTERS,
            )),
            (_, None) => None,
            (_, Some(_)) => {
                errors.push(FieldError::new(
                    field("maxCharacters"),
                    "is only for text questions",
                ));
                None
            }
        };
        let rubric = q.rubric.as_deref().and_then(|raw| {
            clean_text(raw, MAX_RUBRIC_CHARACTERS, true)
                .map_err(|e| errors.push(FieldError::new(field("rubric"), e)))
                .ok()
                .filter(|r| !r.trim().is_empty())
        });
        questions.push(Question {
            kind,
            max_characters,
            rubric,
            id: q
                .id
                .as_deref()
                .and_then(QuestionId::parse)
                .filter(|id| kept.contains(id) && taken.insert(*id))
                .unwrap_or_else(QuestionId::new),
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
    let default_deadline_days = input.default_deadline_days.map(|days| {
        check_range(
            &mut errors,
            "defaultDeadlineDays".into(),
            Some(days),
            1..=MAX_DEFAULT_DEADLINE_DAYS,
            1,
        )
    });
    let reminders = reminder_policy(&mut errors, input.reminders, ReminderPolicy::default());
    if let Some(language) = &input.language {
        if !valid_language(language) {
            errors.push(FieldError::new(
                "language",
                "must be a language and region code such as en-US",
            ));
        }
    }
    let max_applications_per_day = check_range(
        &mut errors,
        "maxApplicationsPerDay".into(),
        input.max_applications_per_day,
        1..=MAX_APPLICATIONS_PER_DAY,
        DEFAULT_APPLICATIONS_PER_DAY,
    );
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
            max_applications_per_day,
            slug: input.slug,
            default_deadline_days,
            reminders,
            language: input.language,
            evaluation: input.evaluation.unwrap_or(false),
            created_at: app.clock.now(),
            tenant_name: caller.tenant_name.clone(),
            version: 0,
        }),
        _ => Err(Error::Validation(errors)),
    }
}

pub async fn create_position(app: &App, caller: &Caller, input: NewPosition) -> Result<Position> {
    let position = parse_position(caller, input, app, &[])?;
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

/// A page of the caller's positions (oldest first), each with its interview counts by
/// status and stage. `limit` (default 50) is clamped to 1–100. Two reads per page: the
/// positions and, in one batch, their counts.
pub async fn list_positions(
    app: &App,
    caller: &Caller,
    cursor: Option<&str>,
    limit: Option<u32>,
) -> Result<(Vec<(Position, InterviewCounts)>, Option<String>)> {
    let page = app
        .positions
        .list_positions(caller.tenant_id, cursor, limit.unwrap_or(50).clamp(1, 100))
        .await?;
    let ids: Vec<PositionId> = page.items.iter().map(|p| p.id).collect();
    let counts = app.positions.counts_of(caller.tenant_id, &ids).await?;
    Ok((
        page.items.into_iter().zip(counts).collect(),
        page.next_cursor,
    ))
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

/// An edit of a position: every field is optional; `null` clears an optional one. Questions,
/// when given, replace the list (send a question's `id` to keep it).
#[derive(Debug, Default, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct PositionPatch {
    pub name: Option<String>,
    #[serde(default, deserialize_with = "nullable")]
    pub company_name: Option<Option<String>>,
    #[serde(default, deserialize_with = "nullable")]
    pub intro: Option<Option<String>>,
    #[serde(default, deserialize_with = "super::input::objects")]
    pub questions: Option<Vec<NewQuestion>>,
    #[serde(default, deserialize_with = "super::input::whole_number")]
    pub max_upload_bytes: Option<u64>,
    pub public_apply: Option<bool>,
    #[serde(default, deserialize_with = "super::input::whole_number")]
    pub max_applications_per_day: Option<u32>,
    #[serde(default, deserialize_with = "nullable")]
    pub slug: Option<Option<String>>,
    #[serde(default, deserialize_with = "super::input::nullable_whole_number")]
    pub default_deadline_days: Option<Option<u32>>,
    #[serde(default, deserialize_with = "super::input::object")]
    pub reminders: Option<ReminderInput>,
    #[serde(default, deserialize_with = "nullable")]
    pub language: Option<Option<String>>,
    pub evaluation: Option<bool>,
}

/// `Some(None)` for an explicit `null`, `None` (by `default`) for a missing field.
fn nullable<'de, D: serde::Deserializer<'de>, T: Deserialize<'de>>(
    d: D,
) -> Result<Option<Option<T>>, D::Error> {
    Option::<T>::deserialize(d).map(Some)
}

/// Edits a position. Interviews keep the questions they were invited with, so an edit never
/// changes an interview in progress or a result.
pub async fn update_position(
    app: &App,
    caller: &Caller,
    id: &str,
    patch: PositionPatch,
) -> Result<Position> {
    let patch = &patch;
    retry_on_conflict(|| async move {
        let current = get_position(app, caller, id).await?;
        let questions = match &patch.questions {
            Some(questions) => questions
                .iter()
                .map(|q| NewQuestion {
                    id: q.id.clone(),
                    text: q.text.clone(),
                    max_answer_seconds: q.max_answer_seconds,
                    thinking_seconds: q.thinking_seconds,
                    retakes: q.retakes,
                    kind: q.kind.clone(),
                    max_characters: q.max_characters,
                    rubric: q.rubric.clone(),
                })
                .collect(),
            None => current
                .questions
                .iter()
                .map(|q| NewQuestion {
                    id: Some(q.id.to_string()),
                    text: Some(q.text.clone()),
                    max_answer_seconds: Some(q.max_answer_seconds),
                    thinking_seconds: Some(q.thinking_seconds),
                    retakes: Some(q.retakes),
                    kind: Some(q.kind.as_str().to_string()),
                    max_characters: q.max_characters,
                    rubric: q.rubric.clone(),
                })
                .collect(),
        };
        let merged = NewPosition {
            name: Some(
                patch
                    .name
                    .clone()
                    .unwrap_or_else(|| current.name.to_string()),
            ),
            company_name: patch
                .company_name
                .clone()
                .unwrap_or_else(|| current.company_name.as_ref().map(|c| c.to_string())),
            intro: patch.intro.clone().unwrap_or_else(|| current.intro.clone()),
            questions: Some(questions),
            max_upload_bytes: Some(patch.max_upload_bytes.unwrap_or(current.max_upload_bytes)),
            public_apply: Some(patch.public_apply.unwrap_or(current.public_apply)),
            max_applications_per_day: Some(
                patch
                    .max_applications_per_day
                    .unwrap_or(current.max_applications_per_day),
            ),
            slug: patch.slug.clone().unwrap_or_else(|| current.slug.clone()),
            default_deadline_days: patch
                .default_deadline_days
                .unwrap_or(current.default_deadline_days),
            language: patch
                .language
                .clone()
                .unwrap_or_else(|| current.language.clone()),
            evaluation: Some(patch.evaluation.unwrap_or(current.evaluation)),
            // Lists left out keep their current value.
            reminders: Some(ReminderInput {
                after_invite_hours: Some(
                    patch
                        .reminders
                        .as_ref()
                        .and_then(|r| r.after_invite_hours.clone())
                        .unwrap_or_else(|| current.reminders.after_invite_hours.clone()),
                ),
                before_deadline_hours: Some(
                    patch
                        .reminders
                        .as_ref()
                        .and_then(|r| r.before_deadline_hours.clone())
                        .unwrap_or_else(|| current.reminders.before_deadline_hours.clone()),
                ),
            }),
        };
        let kept: Vec<QuestionId> = current.questions.iter().map(|q| q.id).collect();
        let parsed = parse_position(caller, merged, app, &kept)?;
        let next = Position {
            id: current.id,
            status: current.status,
            created_at: current.created_at,
            tenant_name: current.tenant_name.clone(),
            version: current.version,
            ..parsed
        };
        if next == current {
            return Ok(current);
        }
        Ok(app.positions.update_position(&current, &next).await?)
    })
    .await
}
