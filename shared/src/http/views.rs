//! The JSON shapes of the public API. Domain types stay free of wire concerns; this is where
//! they become camelCase documents.

use crate::domain::{Interview, Position, Tenant};
use serde_json::{json, Value};

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
        "slug": position.slug,
        "estimatedMinutes": position.estimated_minutes(),
        "createdAt": position.created_at,
        "questions": position.questions.iter().map(|q| json!({
            "id": q.id,
            "text": q.text,
            "maxAnswerSeconds": q.max_answer_seconds,
            "thinkingSeconds": q.thinking_seconds,
            "retakes": q.retakes,
        })).collect::<Vec<_>>(),
    })
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

/// A just-invited (resent, re-invited) interview with its link.
pub fn invited(invited: &crate::app::Invited) -> Value {
    interview(&invited.interview, Some(&invited.url), &invited.company)
}

/// An interview as recruiters see it. `url` is the candidate's current link.
pub fn interview(interview: &Interview, url: Option<&str>, company: &str) -> Value {
    let mut body = json!({
        "id": interview.id,
        "positionId": interview.position_id,
        "status": interview.status,
        "candidate": {
            "email": interview.candidate.email,
            "firstName": interview.candidate.first_name,
            "lastName": interview.candidate.last_name,
            "phone": interview.candidate.phone,
        },
        "externalId": interview.external_id,
        "url": url,
        "createdAt": interview.created_at,
        "deadline": interview.deadline,
        "startedAt": interview.started_at,
        "completedAt": interview.completed_at,
        "email": {
            "status": interview.email.status,
            "reason": interview.email.reason,
            "attempts": interview.email.attempts,
            "lastAttemptAt": interview.email.last_attempt_at,
        },
        "answers": interview.progress.iter().filter_map(|(question, progress)| {
            progress.answer.as_ref().map(|a| json!({
                "questionId": question,
                "uploadId": a.upload_id,
                "contentType": a.content_type,
                "size": a.size,
                "confirmedAt": a.confirmed_at,
                "attempts": progress.confirmed_attempts,
            }))
        }).collect::<Vec<_>>(),
    });
    if let Some(url) = url {
        body["share"] = share(interview, url, company);
    }
    body
}
