use super::{Line, PositionId, QuestionId, TenantId};
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

/// Upload types a candidate's browser may send: webm (Chrome, Firefox), mp4 (Safari),
/// quicktime (iOS file pickers).
pub const ALLOWED_VIDEO_TYPES: [&str; 3] = ["video/webm", "video/mp4", "video/quicktime"];
/// Voice answers: webm/ogg with Opus (Chrome, Firefox), mp4/AAC (Safari), mpeg (file pickers).
pub const ALLOWED_AUDIO_TYPES: [&str; 4] = ["audio/webm", "audio/ogg", "audio/mp4", "audio/mpeg"];
pub const DEFAULT_MAX_CHARACTERS: u32 = 2000;
pub const DEFAULT_MAX_UPLOAD_BYTES: u64 = 500 * 1024 * 1024;
pub const DEFAULT_MAX_ANSWER_SECONDS: u32 = 120;
pub const DEFAULT_THINKING_SECONDS: u32 = 30;
pub const DEFAULT_RETAKES: u32 = 1;
pub const DEFAULT_APPLICATIONS_PER_DAY: u32 = 200;

fn default_applications_per_day() -> u32 {
    DEFAULT_APPLICATIONS_PER_DAY
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Question {
    pub id: QuestionId,
    pub text: String,
    pub max_answer_seconds: u32,
    pub thinking_seconds: u32,
    /// Recordings allowed after the first one.
    pub retakes: u32,
    /// What the candidate answers with; questions stored before there was a choice are video.
    #[serde(default)]
    pub kind: AnswerKind,
    /// The longest written answer (`text` questions only).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub max_characters: Option<u32>,
    /// What a good answer covers, for the advisory evaluation. Never shown to candidates.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub rubric: Option<String>,
}

/// How a question is answered.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum AnswerKind {
    #[default]
    Video,
    /// A voice recording: far less data on a weak connection, uploaded the same way.
    Audio,
    /// A written answer, saved as a draft while typed and submitted with the interview.
    Text,
}

impl AnswerKind {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Video => "video",
            Self::Audio => "audio",
            Self::Text => "text",
        }
    }

    /// Whether answers of this kind are recordings (uploaded, played, transcribed).
    pub fn is_recording(self) -> bool {
        self != Self::Text
    }

    /// The upload types a recording of this kind may have.
    pub fn allowed_types(self) -> &'static [&'static str] {
        match self {
            Self::Video => &ALLOWED_VIDEO_TYPES,
            Self::Audio => &ALLOWED_AUDIO_TYPES,
            Self::Text => &[],
        }
    }
}

impl Question {
    /// The longest written answer this question takes.
    pub fn character_limit(&self) -> u32 {
        self.max_characters.unwrap_or(DEFAULT_MAX_CHARACTERS)
    }

    /// Confirmed recordings a candidate may make for this question.
    pub fn max_attempts(&self) -> u32 {
        self.retakes + 1
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum PositionStatus {
    Active,
    Archived,
    /// Deleted: gone for every reader at once; its interviews, answers, shares and comments
    /// are purged in the background, then the position itself.
    Deleted,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Position {
    pub tenant_id: TenantId,
    pub id: PositionId,
    pub name: Line,
    pub company_name: Option<Line>,
    /// Shown on the candidate's welcome screen.
    pub intro: Option<String>,
    pub questions: Vec<Question>,
    pub status: PositionStatus,
    pub max_upload_bytes: u64,
    /// Whether `/apply/{slug or id}` accepts self-service candidates.
    pub public_apply: bool,
    /// Applications through the public link accepted per calendar day (UTC), apart from the
    /// tenant's monthly invite limit, so applications never use up the recruiters' invites.
    #[serde(default = "default_applications_per_day")]
    pub max_applications_per_day: u32,
    /// Optional human-friendly public name for the apply link; unique within the tenant.
    pub slug: Option<String>,
    /// Invitations without a deadline of their own (applications included) get one this
    /// many days after they are created.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub default_deadline_days: Option<u32>,
    /// When candidates are reminded; interviews keep the policy they were invited with.
    #[serde(default)]
    pub reminders: super::ReminderPolicy,
    /// The language answers are spoken in (e.g. `en-US`), for transcription; `None` lets
    /// the transcription service identify it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub language: Option<String>,
    /// Whether completed interviews get an advisory evaluation (needs a rubric on at least
    /// one question, and a model configured where it runs).
    #[serde(default)]
    pub evaluation: bool,
    pub created_at: DateTime<Utc>,
    /// The tenant's name when the position was created: the employer shown when there is no
    /// `company_name`, kept here so a candidate's page needs no tenant read.
    #[serde(default)]
    pub tenant_name: String,
    /// Optimistic-concurrency counter, as on interviews.
    #[serde(default)]
    pub version: u64,
}

/// The longest default deadline a position may set, in days.
pub const MAX_DEFAULT_DEADLINE_DAYS: u32 = 365;

impl Position {
    /// The deadline of an interview created at `now` without one of its own.
    pub fn default_deadline(&self, now: DateTime<Utc>) -> Option<DateTime<Utc>> {
        self.default_deadline_days
            .map(|days| now + chrono::Duration::days(days.into()))
    }

    /// The slug as the public sees it (see [`public_slug`]), if the position has one.
    pub fn public_slug(&self) -> Option<String> {
        self.slug
            .as_deref()
            .map(|slug| public_slug(self.tenant_id, slug))
    }

    pub fn is_deleted(&self) -> bool {
        self.status == PositionStatus::Deleted
    }

    pub fn is_archived(&self) -> bool {
        self.status == PositionStatus::Archived
    }

    pub fn question(&self, id: QuestionId) -> Option<&Question> {
        self.questions.iter().find(|q| q.id == id)
    }

    /// A candidate-facing estimate: every question's thinking and answer time, plus two
    /// minutes for the camera check, rounded up to whole minutes.
    pub fn estimated_minutes(&self) -> u32 {
        estimated_minutes(&self.questions)
    }

    /// The name candidates see as the employer: the position's company, else the tenant's.
    pub fn employer(&self) -> &str {
        self.company_name
            .as_ref()
            .map(Line::as_str)
            .unwrap_or(&self.tenant_name)
    }
}

/// A candidate-facing estimate for `questions`: every question's thinking and answer time,
/// plus two minutes for the camera check, rounded up to whole minutes.
pub fn estimated_minutes(questions: &[Question]) -> u32 {
    let seconds: u32 = questions
        .iter()
        .map(|q| q.thinking_seconds + q.max_answer_seconds)
        .sum();
    seconds.div_ceil(60) + 2
}

/// How a slug appears in public (in `/apply/{slugOrId}`): `{slug}-{tag}`, where the tag is
/// ten hex digits derived from the tenant. Each tenant's slugs live in a namespace of their
/// own, so one tenant can neither squat a slug another will want nor find out which slugs
/// another uses. (The tag is 40 bits of a hash: two tenants sharing one would need about a
/// million tenants in one deployment.)
pub fn public_slug(tenant: TenantId, slug: &str) -> String {
    use sha2::{Digest, Sha256};
    let digest = Sha256::new()
        .chain_update(b"reelview slug namespace\n")
        .chain_update(tenant.to_string())
        .finalize();
    let tag: String = digest[..5].iter().map(|b| format!("{b:02x}")).collect();
    format!("{slug}-{tag}")
}

/// Whether `text` could be a public slug (see [`public_slug`]), before it is looked up.
pub fn public_slug_shape(text: &str) -> bool {
    text.rsplit_once('-').is_some_and(|(slug, tag)| {
        valid_slug(slug)
            && tag.len() == 10
            && tag.bytes().all(|b| matches!(b, b'0'..=b'9' | b'a'..=b'f'))
    })
}

/// A slug is lower-case ascii letters, digits and dashes, 3–64 long, and never a uuid (so it
/// cannot shadow a position id in `/apply/{slugOrId}`).
pub fn valid_slug(slug: &str) -> bool {
    (3..=64).contains(&slug.len())
        && slug
            .bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-')
        && !slug.starts_with('-')
        && !slug.ends_with('-')
        && uuid::Uuid::parse_str(slug).is_err()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn public_slugs_are_namespaced_by_tenant() {
        let (acme, globex) = (TenantId::new(), TenantId::new());
        let ours = public_slug(acme, "engineer");
        assert_eq!(ours, public_slug(acme, "engineer"), "stable");
        assert_ne!(ours, public_slug(globex, "engineer"));
        assert!(ours.starts_with("engineer-") && ours.len() == "engineer".len() + 11);
        assert!(public_slug_shape(&ours));
        let longest = public_slug(acme, &"a".repeat(64));
        assert!(public_slug_shape(&longest));
        for not in [
            "engineer",
            "engineer-0123456789",
            "Engineer-0123456789",
            "x-0123456789a",
        ] {
            assert_eq!(
                public_slug_shape(not),
                not == "engineer-0123456789",
                "{not}"
            );
        }
    }

    fn question(thinking: u32, answer: u32) -> Question {
        Question {
            id: QuestionId::new(),
            text: "Why us?".into(),
            max_answer_seconds: answer,
            thinking_seconds: thinking,
            retakes: 1,
            kind: AnswerKind::Video,
            max_characters: None,
            rubric: None,
        }
    }

    #[test]
    fn estimate_rounds_up_and_adds_setup_time() {
        let position = Position {
            tenant_id: TenantId::new(),
            id: PositionId::new(),
            name: Line::parse("Engineer", 10).unwrap(),
            company_name: None,
            intro: None,
            questions: vec![question(30, 120), question(30, 61)],
            status: PositionStatus::Active,
            max_upload_bytes: DEFAULT_MAX_UPLOAD_BYTES,
            public_apply: false,
            max_applications_per_day: DEFAULT_APPLICATIONS_PER_DAY,
            default_deadline_days: None,
            language: None,
            evaluation: false,
            reminders: Default::default(),
            slug: None,
            created_at: Utc::now(),
            tenant_name: "Acme".into(),
            version: 0,
        };
        // 241 s -> 5 min, + 2 min setup.
        assert_eq!(position.estimated_minutes(), 7);
        assert_eq!(position.employer(), "Acme");
    }

    #[test]
    fn slugs() {
        assert!(valid_slug("backend-engineer-2026"));
        assert!(!valid_slug("Backend"));
        assert!(!valid_slug("-x-"));
        assert!(!valid_slug("ab"));
        assert!(!valid_slug("0190a7a4-8b0e-7c3d-9a7e-1f2a3b4c5d6e"));
    }
}
