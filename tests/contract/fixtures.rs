//! Builders of the entities the contracts store: tenants, positions and interviews with every
//! field filled in (non-ASCII text included), so a round trip that drops or mangles anything
//! shows.

use chrono::{DateTime, Duration as TimeDelta, DurationRound, Utc};
use reelview::domain::{
    AnswerKind, ApiKey, ApiKeyId, Candidate, Email, Interview, InterviewId, Line, NewInterview,
    Position, PositionId, PositionStatus, Question, QuestionId, Secret, Tenant, TenantId,
};

pub fn line(text: &str) -> Line {
    Line::parse(text, 200).expect("valid line")
}

pub fn random_secret(prefix: &str) -> Secret {
    let mut bytes = [0u8; 32];
    bytes[..16].copy_from_slice(uuid::Uuid::new_v4().as_bytes());
    bytes[16..].copy_from_slice(uuid::Uuid::new_v4().as_bytes());
    Secret::from_bytes(prefix, bytes)
}

/// Whole seconds, so expiry comparisons mean the same in every adapter.
pub fn now_seconds() -> DateTime<Utc> {
    Utc::now()
        .duration_trunc(TimeDelta::seconds(1))
        .expect("truncate to seconds")
}

/// A tenant, its first API key and that key's secret.
pub fn new_tenant(name: &str) -> (Tenant, ApiKey, Secret) {
    let tenant = Tenant {
        id: TenantId::new(),
        name: line(name),
        monthly_invite_limit: Some(100),
        created_at: now_seconds(),
        retention_days: None,
    };
    let (key, secret) = new_key(&tenant, "Zoë's laptop");
    (tenant, key, secret)
}

/// Another API key of `tenant`, labelled `label`.
pub fn new_key(tenant: &Tenant, label: &str) -> (ApiKey, Secret) {
    let secret = random_secret("rv_live_");
    let key = ApiKey {
        tenant_id: tenant.id,
        id: ApiKeyId::new(),
        label: line(label),
        prefix: secret.expose()[..12].to_string(),
        key_hash: secret.hash(),
        created_at: now_seconds(),
        last_used_at: None,
    };
    (key, secret)
}

pub fn new_position(tenant: TenantId, name: &str, slug: Option<&str>) -> Position {
    Position {
        tenant_id: tenant,
        id: PositionId::new(),
        name: line(name),
        company_name: Some(line("Acme & Zoë Ltd")),
        intro: Some("Welcome!\nTwo questions.".into()),
        questions: vec![
            Question {
                id: QuestionId::new(),
                text: "Tell us about a system you built.".into(),
                max_answer_seconds: 120,
                thinking_seconds: 30,
                retakes: 1,
                kind: AnswerKind::Video,
                max_characters: None,
                rubric: None,
            },
            Question {
                id: QuestionId::new(),
                text: "Why this role?".into(),
                max_answer_seconds: 60,
                thinking_seconds: 10,
                retakes: 0,
                kind: AnswerKind::Video,
                max_characters: None,
                rubric: None,
            },
        ],
        status: PositionStatus::Active,
        max_upload_bytes: 200 * 1024 * 1024,
        public_apply: slug.is_some(),
        max_applications_per_day: 200,
        default_deadline_days: None,
        language: None,
        evaluation: false,
        reminders: Default::default(),
        slug: slug.map(str::to_string),
        tenant_name: "Acme".into(),
        created_at: Utc::now(),
        version: 0,
    }
}

/// A new interview and the link token whose hash it stores.
pub fn new_interview(
    tenant: TenantId,
    position: PositionId,
    email: &str,
    external_id: Option<&str>,
    created_at: DateTime<Utc>,
) -> (Interview, Secret) {
    let token = random_secret("");
    let interview = Interview::invited(NewInterview {
        tenant_id: tenant,
        id: InterviewId::new(),
        position_id: position,
        candidate: Candidate {
            email: Email::parse(email).expect("valid email"),
            first_name: line("Zoë"),
            last_name: line("Silva"),
            phone: Some(line("+351 900 000 000")),
        },
        external_id: external_id.map(str::to_string),
        token_hash: token.hash(),
        deadline: Some(created_at + TimeDelta::days(7)),
        send_email: true,
        questions: new_position(tenant, "Engineer", None).questions,
        reminder_policy: Some(Default::default()),
        now: created_at,
    });
    // Compared with what the store returns, which never carries queued work.
    let mut interview = interview;
    interview.take_followups();
    (interview, token)
}
