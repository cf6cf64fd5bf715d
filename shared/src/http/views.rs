//! The JSON shapes of the public API. Domain types stay free of wire concerns; this is where
//! they become camelCase documents.

use crate::app::insights::Insights;
use crate::domain::{
    Answer, AnswerKind, Evaluation, EvaluationStatus, Interview, InterviewCounts, Position,
    Question, QuestionId, Tenant, TranscriptStatus,
};
use chrono::{DateTime, Utc};
use serde_json::{json, Value};
use std::collections::BTreeMap;

pub fn tenant(tenant: &Tenant) -> Value {
    json!({
        "tenantId": tenant.id,
        "name": tenant.name,
        "monthlyInviteLimit": tenant.monthly_invite_limit,
        "createdAt": tenant.created_at,
    })
}

pub fn position(position: &Position) -> Value {
    json!({
        "id": position.id,
        "name": position.name,
        "companyName": position.company_name,
        "intro": position.intro,
        "status": position.status,
        "maxUploadBytes": position.max_upload_bytes,
        "publicApply": position.public_apply,
        "maxApplicationsPerDay": position.max_applications_per_day,
        "slug": position.slug,
        // What `/apply/{slugOrId}` takes: the slug within the tenant's namespace.
        "publicSlug": position.public_slug(),
        "defaultDeadlineDays": position.default_deadline_days,
        "reminders": position.reminders,
        "language": position.language,
        "evaluation": position.evaluation,
        "estimatedMinutes": position.estimated_minutes(),
        "createdAt": position.created_at,
        "questions": position.questions.iter().map(|q| json!({
            "id": q.id,
            "text": q.text,
            "maxAnswerSeconds": q.max_answer_seconds,
            "thinkingSeconds": q.thinking_seconds,
            "retakes": q.retakes,
            "kind": q.kind,
            "maxCharacters": q.max_characters,
            "rubric": q.rubric,
        })).collect::<Vec<_>>(),
    })
}

/// A position in a listing: everything but its questions, which are counted; and its
/// interview counts.
pub fn position_summary(position: &Position, counts: &InterviewCounts) -> Value {
    let mut summary = self::position(position);
    if let Some(fields) = summary.as_object_mut() {
        fields.remove("questions");
        fields.insert("questionCount".into(), json!(position.questions.len()));
        fields.insert("counts".into(), json!(counts));
    }
    summary
}

/// Ready-made ways for a recruiter to pass the link on by hand.
fn share(interview: &Interview, url: &str, company: &str) -> Value {
    let first_name = interview.candidate.first_name.as_str();
    let subject = format!("Your video interview with {company}");
    let message =
        format!("Hello {first_name}, here is your video interview link for {company}: {url}");
    let phone_digits: Option<String> = interview
        .candidate
        .phone
        .as_ref()
        .map(|p| p.as_str().chars().filter(|c| c.is_ascii_digit()).collect());
    let whatsapp = match &phone_digits {
        Some(digits) => format!(
            "https://wa.me/{digits}?text={}",
            crate::encoding::percent_encode(&message)
        ),
        None => format!(
            "https://wa.me/?text={}",
            crate::encoding::percent_encode(&message)
        ),
    };
    let sms_to = interview
        .candidate
        .phone
        .as_ref()
        .map(|p| {
            crate::encoding::percent_encode(&p.as_str().replace([' ', '(', ')', '-', '.'], ""))
        })
        .unwrap_or_default();
    json!({
        "mailto": format!(
            "mailto:{}?subject={}&body={}",
            crate::encoding::percent_encode(interview.candidate.email.as_str()),
            crate::encoding::percent_encode(&subject),
            crate::encoding::percent_encode(&message)
        ),
        "whatsapp": whatsapp,
        "sms": format!("sms:{sms_to}?&body={}", crate::encoding::percent_encode(&message)),
    })
}

/// What an interview view shows besides the interview itself.
pub struct Shown<'a> {
    /// The candidate's current link, when it can be derived.
    pub url: Option<&'a str>,
    /// The employer name candidates see.
    pub company: &'a str,
    /// The questions the interview was invited with.
    pub questions: &'a [Question],
    /// Playback URLs of the answers, on the results view.
    pub playback: Option<&'a BTreeMap<QuestionId, String>>,
    /// Transcripts and the evaluation, on the results view.
    pub insights: Option<&'a Insights>,
    pub now: DateTime<Utc>,
}

/// A just-invited (resent, re-invited) interview with its link.
pub fn invited(invited: &crate::app::Invited, now: DateTime<Utc>) -> Value {
    let i = &invited.interview;
    interview(
        i,
        &Shown {
            url: Some(&invited.url),
            company: &invited.company,
            questions: &i.questions,
            playback: None,
            insights: None,
            now,
        },
    )
}

/// An interview as recruiters see it.
pub fn interview(interview: &Interview, shown: &Shown) -> Value {
    let kind_of = |id: &QuestionId| {
        shown
            .questions
            .iter()
            .find(|q| &q.id == id)
            .map_or(AnswerKind::Video, |q| q.kind)
    };
    let text_of = |id: &QuestionId| {
        shown
            .questions
            .iter()
            .find(|q| &q.id == id)
            .map(|q| q.text.as_str())
    };
    let mut body = json!({
        "id": interview.id,
        "positionId": interview.position_id,
        "status": interview.status_at(shown.now),
        "stage": interview.stage,
        "score": interview.score,
        "candidate": {
            "email": interview.candidate.email,
            "firstName": interview.candidate.first_name,
            "lastName": interview.candidate.last_name,
            "phone": interview.candidate.phone,
        },
        "externalId": interview.external_id,
        "url": shown.url,
        "createdAt": interview.created_at,
        "deadline": interview.deadline,
        "startedAt": interview.started_at,
        "completedAt": interview.completed_at,
        "email": {
            "status": interview.email.status,
            "reason": interview.email.reason,
            "attempts": interview.email.attempts,
            "lastAttemptAt": interview.email.last_attempt_at,
            // What the mail service reported (on AWS; null locally, where nothing reports).
            "deliveredAt": interview.email.tracking.delivered_at,
            "bounce": interview.email.tracking.bounce,
            "bouncedAt": interview.email.tracking.bounced_at,
            "complainedAt": interview.email.tracking.complained_at,
            "openedAt": interview.email.tracking.opened_at,
        },
        "timeline": interview.timeline,
        "questions": shown.questions.iter().map(|q| json!({
            "id": q.id,
            "text": q.text,
            "kind": q.kind,
            "answered": interview.progress_of(q.id).is_answered(),
        })).collect::<Vec<_>>(),
        "answers": interview.progress.iter().filter_map(|(question, progress)| {
            if let Some(a) = &progress.answer {
                let mut answer = json!({
                    "questionId": question,
                    "questionText": text_of(question),
                    "kind": kind_of(question),
                    "uploadId": a.upload_id,
                    "contentType": a.content_type,
                    "size": a.size,
                    "durationSeconds": a.duration_seconds,
                    "confirmedAt": a.confirmed_at,
                    "attempts": progress.confirmed_attempts,
                    "transcript": transcript(a, shown.insights),
                });
                if let Some(url) = shown.playback.and_then(|p| p.get(question)) {
                    answer["playbackUrl"] = json!(url);
                }
                return Some(answer);
            }
            // Written answers are drafts until the candidate submits.
            let written = progress.written.as_ref().filter(|_| interview.completed_at.is_some())?;
            Some(json!({
                "questionId": question,
                "questionText": text_of(question),
                "kind": AnswerKind::Text,
                "text": written.text,
                "characters": written.text.chars().count(),
                "confirmedAt": written.saved_at,
                "transcript": { "status": TranscriptStatus::Off, "text": null, "segments": [] },
            }))
        }).collect::<Vec<_>>(),
    });
    if let Some(insights) = shown.insights {
        body["evaluation"] = evaluation(interview, insights);
    }
    if let Some(url) = shown.url {
        body["share"] = share(interview, url, shown.company);
    }
    body
}

/// An answer's transcript: where it stands, and its words once ready.
pub fn transcript(answer: &Answer, insights: Option<&Insights>) -> Value {
    match insights.and_then(|i| i.transcript(answer)) {
        Some(t) if answer.transcript == TranscriptStatus::Ready => json!({
            "status": answer.transcript,
            "text": t.text,
            "segments": t.segments,
            "language": t.language,
        }),
        _ => json!({ "status": answer.transcript, "text": null, "segments": [] }),
    }
}

/// The advisory evaluation of the interview's current completion: `null` when none was
/// asked for, `pending` until it is made.
fn evaluation(interview: &Interview, insights: &Insights) -> Value {
    if let Some(e) = insights.current_evaluation(interview) {
        return evaluation_view(e);
    }
    match &interview.evaluation {
        Some(request) if Some(request.completed_at) == interview.completed_at => json!({
            "advisory": true,
            "status": "pending",
        }),
        _ => Value::Null,
    }
}

fn evaluation_view(e: &Evaluation) -> Value {
    json!({
        // Suggestions for the people deciding; never the interview's score or stage.
        "advisory": true,
        "status": match e.status {
            EvaluationStatus::Ready => "ready",
            EvaluationStatus::Failed => "failed",
        },
        "reason": e.reason,
        "model": e.model,
        "promptVersion": e.prompt_version,
        "createdAt": e.created_at,
        "questions": e.questions,
        "usage": {
            "attempts": e.attempts,
            "inputTokens": e.input_tokens,
            "outputTokens": e.output_tokens,
            "promptCharacters": e.prompt_characters,
        },
    })
}
