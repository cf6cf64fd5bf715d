//! An interview and its life: the status machine and every transition, with a unit test per
//! transition. One cohesive thing, kept in one file so the transition table (on
//! [`Interview`]) and the code it describes are read together.

use super::{
    Answer, Email, EmailTracking, EvaluationRequest, Event, EventId, EventType, Followup,
    InterviewId, InterviewSummary, Line, LinkKey, PositionId, Question, QuestionId, ReminderClaim,
    ReminderPolicy, Score, Secret, SecretHash, SentReminder, Stage, Tally, TenantId, TimelineEvent,
    TimelineKind, TranscriptStatus, Upload, UploadId, UploadState, WrittenAnswer,
};
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Candidate {
    pub email: Email,
    pub first_name: Line,
    pub last_name: Line,
    pub phone: Option<Line>,
}

/// invited → in_progress (first open of the link) → completed (submit). No way back; see
/// the table on [`Interview`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum InterviewStatus {
    Invited,
    InProgress,
    Completed,
    /// Not submitted by its deadline. Read status: [`Interview::status_at`] gives it from the
    /// deadline, so it is never wrong between writes.
    Expired,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum EmailStatus {
    /// The recruiter asked us not to send (`sendEmail: false`); they share the link themselves.
    NotRequested,
    /// Stored, not yet handed to the mail service. A crash here leaves it visibly pending.
    Pending,
    Sent,
    Failed,
    /// The recipient's mail server accepted it (reported by the mail service).
    Delivered,
    /// It could not be delivered: see `reason`, and whether the bounce was hard or soft.
    Bounced,
    /// The candidate reported it as spam.
    Complained,
    /// Not sent: the team no longer emails this address (see `reason`).
    Suppressed,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct EmailDelivery {
    pub status: EmailStatus,
    /// Why the last attempt failed, in words a recruiter can act on.
    pub reason: Option<String>,
    pub message_id: Option<String>,
    pub attempts: u32,
    pub last_attempt_at: Option<DateTime<Utc>>,
    /// What the mail service reported after accepting it (`domain/email_events.rs`).
    #[serde(default)]
    pub tracking: EmailTracking,
}

impl EmailDelivery {
    pub fn new(send: bool) -> Self {
        Self {
            status: if send {
                EmailStatus::Pending
            } else {
                EmailStatus::NotRequested
            },
            reason: None,
            message_id: None,
            attempts: 0,
            last_attempt_at: None,
            tracking: EmailTracking::default(),
        }
    }
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct QuestionProgress {
    /// Confirmed recordings so far; retakes used is this minus one.
    pub confirmed_attempts: u32,
    pub answer: Option<Answer>,
    /// A written answer (`text` questions), saved as the candidate types.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub written: Option<WrittenAnswer>,
}

impl QuestionProgress {
    /// Whether the question is answered: a confirmed recording, or written text.
    pub fn is_answered(&self) -> bool {
        self.answer.is_some()
            || self
                .written
                .as_ref()
                .is_some_and(|w| !w.text.trim().is_empty())
    }
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Interview {
    pub tenant_id: TenantId,
    pub id: InterviewId,
    pub position_id: PositionId,
    pub candidate: Candidate,
    pub external_id: Option<String>,
    pub status: InterviewStatus,
    /// SHA-256 of the candidate's link token; the token itself is never stored.
    pub token_hash: SecretHash,
    /// Which link token is current (see `LinkKey`); a re-invite increments it.
    pub link_generation: u32,
    pub created_at: DateTime<Utc>,
    // Absent rather than null when unset, so a listing filter can test for it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub deadline: Option<DateTime<Utc>>,
    pub started_at: Option<DateTime<Utc>>,
    pub completed_at: Option<DateTime<Utc>>,
    pub email: EmailDelivery,
    #[serde(default)]
    pub progress: BTreeMap<QuestionId, QuestionProgress>,
    #[serde(default)]
    pub uploads: Vec<Upload>,
    /// The questions as they were when the candidate was invited: a later edit of the
    /// position never changes an interview in progress or a result. Empty on interviews
    /// stored before questions were kept here; see [`Interview::questions_or`].
    #[serde(default)]
    pub questions: Vec<Question>,
    #[serde(default)]
    pub stage: Stage,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub score: Option<Score>,
    #[serde(default)]
    pub timeline: Vec<TimelineEvent>,
    /// Resends of the current link, and when the last one was asked for (see
    /// [`Interview::claim_resend`]).
    #[serde(default)]
    pub resends: u32,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub last_resent_at: Option<DateTime<Utc>>,
    /// The position's reminder policy at invitation time (`None`: no reminders).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub reminder_policy: Option<ReminderPolicy>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub reminders_sent: Vec<SentReminder>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub reminder_claim: Option<ReminderClaim>,
    /// Where the position's counts hold this interview. Bookkeeping of the store, which moves
    /// it between counts in the same write that changes the status or the stage.
    #[serde(default)]
    pub counted_as: Option<Tally>,
    /// The advisory evaluation asked for at completion, if the position wants one.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub evaluation: Option<EvaluationRequest>,
    /// Work this change leaves to do off the request path; the store writes it with the
    /// change and it is never kept on the record itself.
    #[serde(skip)]
    pub followups: Vec<Followup>,
    /// Optimistic-concurrency counter: every stored change increments it and is written only
    /// if nobody else wrote in between.
    pub version: u64,
}

/// Why an interview refuses a change.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum InterviewError {
    /// Submitted: nothing changes any more (reading still works).
    Completed,
    /// The deadline passed before submission.
    Expired,
    AnswersMissing(Vec<QuestionId>),
    RetakesExhausted,
    UploadNotFound,
    UploadAlreadyCompleted,
    /// Resent too often: again after `retry_after_seconds`, or (with `None`) not at all for
    /// this link.
    ResendLimited {
        retry_after_seconds: Option<u64>,
    },
    /// The question has no answer to remove.
    AnswerNotFound,
}

/// Resends per link: the first is always allowed, then one per [`RESEND_INTERVAL_MINUTES`].
pub const MAX_RESENDS: u32 = 5;
pub const RESEND_INTERVAL_MINUTES: i64 = 10;

/// What a new interview is made of; see [`Interview::invited`].
pub struct NewInterview {
    pub tenant_id: TenantId,
    pub id: InterviewId,
    pub position_id: PositionId,
    pub candidate: Candidate,
    pub external_id: Option<String>,
    /// The hash of the link token of generation 0.
    pub token_hash: SecretHash,
    pub deadline: Option<DateTime<Utc>>,
    pub send_email: bool,
    /// The position's questions at invitation time.
    pub questions: Vec<Question>,
    pub reminder_policy: Option<ReminderPolicy>,
    pub now: DateTime<Utc>,
}

/// A confirmed answer and the one it replaced, whose recording may now be deleted.
#[derive(Debug, Clone, PartialEq)]
pub struct Confirmation {
    pub answer: Answer,
    pub superseded: Option<Answer>,
    pub confirmed_attempts: u32,
}

/// Pending attempts kept per question; requesting another releases the oldest.
pub const MAX_PENDING_UPLOADS_PER_QUESTION: usize = 3;

/// An interview's life. Every change of state is one of these methods; the store only saves
/// what they produce.
///
/// | from          | change                         | to            | refused when                       |
/// |---------------|--------------------------------|---------------|------------------------------------|
/// | (new)         | [`invited`](Self::invited)     | `invited`     |                                    |
/// | `invited`     | [`open`](Self::open)           | `in_progress` | deadline passed                    |
/// | `invited`/`in_progress` | [`add_upload`](Self::add_upload), [`confirm_answer`](Self::confirm_answer), [`drop_upload`](Self::drop_upload) | `in_progress` | completed, deadline passed, retakes used up |
/// | `invited`/`in_progress` | [`submit`](Self::submit) | `completed`   | deadline passed, answers missing   |
/// | `completed`   | `open`, `submit`               | `completed` (no change) |                          |
/// | any           | [`record_email`](Self::record_email), [`set_stage`](Self::set_stage), [`set_score`](Self::set_score) | same | |
/// | any           | [`record_report`](Self::record_report), [`record_suppressed`](Self::record_suppressed) (in `email_events.rs`) | same | |
/// | deadline passed, not `completed` | (read) [`status_at`](Self::status_at) | `expired` | |
/// | not `completed` | [`rotate_link`](Self::rotate_link) | same (new link generation) | completed       |
/// | not `completed` | [`claim_resend`](Self::claim_resend) | same       | completed, resent too often        |
/// | any with that answer | [`reopen_answer`](Self::reopen_answer) | `in_progress` (a `completed` one reopens) | no such answer |
/// | not `completed` | [`set_deadline`](Self::set_deadline) | same (`expired` reopens to `invited`/`in_progress`) | completed |
/// | deadline passed, not `completed` | [`mark_expired`](Self::mark_expired) | `expired` (stored) | |
impl Interview {
    pub fn invited(new: NewInterview) -> Self {
        let now = new.now;
        let mut interview = Self {
            tenant_id: new.tenant_id,
            id: new.id,
            position_id: new.position_id,
            candidate: new.candidate,
            external_id: new.external_id,
            status: InterviewStatus::Invited,
            token_hash: new.token_hash,
            link_generation: 0,
            created_at: new.now,
            deadline: new.deadline,
            started_at: None,
            completed_at: None,
            email: EmailDelivery::new(new.send_email),
            progress: BTreeMap::new(),
            uploads: Vec::new(),
            questions: new.questions,
            stage: Stage::ToEvaluate,
            score: None,
            timeline: vec![TimelineEvent {
                at: new.now,
                kind: TimelineKind::Invited,
                detail: None,
            }],
            // Counted from the start: the store adds it to its position's counts as it creates it.
            resends: 0,
            last_resent_at: None,
            reminder_policy: new.reminder_policy,
            reminders_sent: Vec::new(),
            reminder_claim: None,
            counted_as: Some(Tally {
                status: InterviewStatus::Invited,
                stage: Stage::ToEvaluate,
            }),
            evaluation: None,
            followups: Vec::new(),
            version: 0,
        };
        interview.announce(EventType::InterviewCreated, now);
        interview
    }

    pub(super) fn record(&mut self, at: DateTime<Utc>, kind: TimelineKind, detail: Option<String>) {
        self.tell(kind, at);
        self.timeline.push(TimelineEvent { at, kind, detail });
    }

    /// Tells webhooks of a timeline entry that is an event they can subscribe to.
    pub(super) fn tell(&mut self, kind: TimelineKind, at: DateTime<Utc>) {
        let told = match kind {
            TimelineKind::Started => Some(EventType::InterviewStarted),
            TimelineKind::Completed => Some(EventType::InterviewCompleted),
            TimelineKind::AnswerReopened => Some(EventType::InterviewAnswerDeleted),
            TimelineKind::Expired => Some(EventType::InterviewExpired),
            TimelineKind::EmailBounced => Some(EventType::EmailBounced),
            _ => None,
        };
        if let Some(event_type) = told {
            self.announce(event_type, at);
        }
    }

    /// Queues an event for the tenant's webhooks. Its data is the interview as this change
    /// stores it, filled in by [`take_followups`](Self::take_followups).
    fn announce(&mut self, event_type: EventType, at: DateTime<Utc>) {
        self.followups.push(Followup::Announce {
            event: Event {
                id: EventId::new(),
                event_type,
                created_at: at,
                tenant_id: self.tenant_id,
                data: None,
            },
            only: None,
        });
    }

    /// The interview is being deleted: webhooks are told in the same write.
    pub fn announce_deleted(&mut self, now: DateTime<Utc>) {
        self.announce(EventType::InterviewDeleted, now);
    }

    /// What the position's counts should hold this interview under.
    pub fn tally(&self) -> Tally {
        Tally {
            status: self.status,
            stage: self.stage,
        }
    }

    /// The status as of `now`: `expired` once the deadline passed without a submission.
    pub fn status_at(&self, now: DateTime<Utc>) -> InterviewStatus {
        if self.is_expired(now) {
            InterviewStatus::Expired
        } else {
            self.status
        }
    }

    /// The questions this interview was invited with (`position_questions` for interviews
    /// stored before they were kept on the interview).
    pub fn questions_or<'a>(&'a self, position_questions: &'a [Question]) -> &'a [Question] {
        if self.questions.is_empty() {
            position_questions
        } else {
            &self.questions
        }
    }

    /// A reviewer moves the candidate to `stage`. Returns whether anything changed.
    pub fn set_stage(&mut self, stage: Stage, now: DateTime<Utc>) -> bool {
        let changed = std::mem::replace(&mut self.stage, stage) != stage;
        if changed {
            self.announce(EventType::InterviewStageChanged, now);
        }
        changed
    }

    /// A reviewer scores the interview, or clears the score. Returns whether anything changed.
    pub fn set_score(&mut self, score: Option<Score>, now: DateTime<Utc>) -> bool {
        let changed = std::mem::replace(&mut self.score, score) != score;
        if changed {
            self.announce(EventType::InterviewScoreUpdated, now);
        }
        changed
    }

    /// When the interview ended, or will end by itself: its completion, else its deadline
    /// (it expires then unless submitted first). `None` while it can stay open forever. What
    /// the team's retention counts from.
    pub fn ends_at(&self) -> Option<DateTime<Utc>> {
        match self.status {
            InterviewStatus::Completed => self.completed_at,
            _ => self.deadline,
        }
    }

    /// Whether the interview had ended by `cutoff` (and so is past a retention period that
    /// cut off there, `cutoff` being in the past).
    pub fn ended_by(&self, cutoff: DateTime<Utc>) -> bool {
        self.ends_at().is_some_and(|at| at <= cutoff)
    }

    pub fn is_expired(&self, now: DateTime<Utc>) -> bool {
        self.status == InterviewStatus::Expired
            || self.status != InterviewStatus::Completed && self.deadline.is_some_and(|d| now >= d)
    }

    /// Whether the candidate may still work on the interview.
    pub fn ensure_open(&self, now: DateTime<Utc>) -> Result<(), InterviewError> {
        if self.status == InterviewStatus::Completed {
            Err(InterviewError::Completed)
        } else if self.is_expired(now) {
            Err(InterviewError::Expired)
        } else {
            Ok(())
        }
    }

    /// Marks the interview started, once.
    fn start(&mut self, now: DateTime<Utc>) -> bool {
        if self.status == InterviewStatus::Invited {
            self.status = InterviewStatus::InProgress;
            self.started_at = Some(now);
            self.record(now, TimelineKind::Started, None);
            true
        } else {
            false
        }
    }

    /// The candidate opens the link: the first open starts the interview. A completed
    /// interview still opens (as completed); an expired one does not. Returns whether
    /// anything changed.
    pub fn open(&mut self, now: DateTime<Utc>) -> Result<bool, InterviewError> {
        match self.ensure_open(now) {
            Err(InterviewError::Completed) => Ok(false),
            Err(e) => Err(e),
            Ok(()) => Ok(self.start(now)),
        }
    }

    /// Records a new upload attempt for its question and returns the pending attempts it
    /// releases, whose storage the caller frees once this is stored. Released are: attempts
    /// past their resumable time; the oldest pending attempts of the question beyond
    /// [`MAX_PENDING_UPLOADS_PER_QUESTION`]; and the oldest pending attempts (this question's
    /// first) until all pending attempts together fit in `pending_byte_cap`. So neither the
    /// item nor the bucket grows however often a flaky connection, or a hostile link holder,
    /// asks again, and a real retake always gets its URL.
    pub fn add_upload(
        &mut self,
        upload: Upload,
        max_attempts: u32,
        pending_byte_cap: u64,
        now: DateTime<Utc>,
    ) -> Result<Vec<Upload>, InterviewError> {
        self.ensure_open(now)?;
        if self.progress_of(upload.question_id).confirmed_attempts >= max_attempts {
            return Err(InterviewError::RetakesExhausted);
        }
        let (mut pending, kept): (Vec<Upload>, Vec<Upload>) = std::mem::take(&mut self.uploads)
            .into_iter()
            .partition(|u| u.state == UploadState::Pending);
        self.uploads = kept;
        let (expired, live): (Vec<Upload>, Vec<Upload>) =
            pending.drain(..).partition(|u| u.resumable_until <= now);
        let mut released = expired;
        // Oldest first, this question's attempts before the others'.
        let mut candidates = live;
        candidates.sort_by_key(|u| (u.question_id != upload.question_id, u.created_at));
        let mut same_question = candidates
            .iter()
            .filter(|u| u.question_id == upload.question_id)
            .count();
        let mut pending_bytes: u64 = candidates.iter().map(|u| u.size).sum();
        let mut keep = Vec::new();
        for attempt in candidates {
            let over_count = attempt.question_id == upload.question_id
                && same_question >= MAX_PENDING_UPLOADS_PER_QUESTION;
            let over_bytes = pending_bytes.saturating_add(upload.size) > pending_byte_cap;
            if over_count || over_bytes {
                if attempt.question_id == upload.question_id {
                    same_question -= 1;
                }
                pending_bytes -= attempt.size;
                released.push(attempt);
            } else {
                keep.push(attempt);
            }
        }
        keep.sort_by_key(|u| u.created_at);
        self.uploads.extend(keep);
        self.start(now);
        self.uploads.push(upload);
        Ok(released)
    }

    /// The pending upload `id` of `question`.
    pub fn pending_upload(
        &self,
        question: QuestionId,
        id: UploadId,
    ) -> Result<&Upload, InterviewError> {
        let upload = self
            .upload(id)
            .filter(|u| u.question_id == question)
            .ok_or(InterviewError::UploadNotFound)?;
        match upload.state {
            UploadState::Pending => Ok(upload),
            UploadState::Completed => Err(InterviewError::UploadAlreadyCompleted),
        }
    }

    /// Makes the pending upload `id` (whose object was checked) its question's answer. The
    /// answer it replaces is returned so its recording can be deleted, after this is stored.
    /// With `transcribe`, its transcription is queued (see [`Followup`]).
    pub fn confirm_answer(
        &mut self,
        question: QuestionId,
        id: UploadId,
        max_attempts: u32,
        transcribe: bool,
        now: DateTime<Utc>,
    ) -> Result<Confirmation, InterviewError> {
        self.ensure_open(now)?;
        let upload = self.pending_upload(question, id)?.clone();
        let progress = self.progress.entry(question).or_default();
        if progress.confirmed_attempts >= max_attempts {
            return Err(InterviewError::RetakesExhausted);
        }
        let answer = Answer {
            upload_id: upload.id,
            object_key: upload.answer_key().to_string(),
            content_type: upload.content_type,
            size: upload.size,
            duration_seconds: upload.duration_seconds,
            confirmed_at: now,
            transcript: if transcribe {
                TranscriptStatus::Pending
            } else {
                TranscriptStatus::Off
            },
        };
        if transcribe {
            self.followups.push(Followup::Transcribe {
                question_id: question,
                upload_id: upload.id,
            });
        }
        let superseded = progress.answer.replace(answer.clone());
        progress.confirmed_attempts += 1;
        let confirmed_attempts = progress.confirmed_attempts;
        // The superseded attempt's record goes with its object; this one is now the answer.
        let superseded_id = superseded.as_ref().map(|a| a.upload_id);
        self.uploads.retain(|u| Some(u.id) != superseded_id);
        if let Some(u) = self.uploads.iter_mut().find(|u| u.id == id) {
            u.state = UploadState::Completed;
        }
        self.start(now);
        Ok(Confirmation {
            answer,
            superseded,
            confirmed_attempts,
        })
    }

    /// Abandons the pending upload `id` of `question` and returns it, so its storage can be
    /// released.
    pub fn drop_upload(
        &mut self,
        question: QuestionId,
        id: UploadId,
        now: DateTime<Utc>,
    ) -> Result<Upload, InterviewError> {
        self.ensure_open(now)?;
        let upload = self.pending_upload(question, id)?.clone();
        self.uploads.retain(|u| u.id != id);
        Ok(upload)
    }

    /// Saves the written answer to `question` (a draft until the interview is submitted).
    /// The caller checks the question takes text, and how much.
    pub fn save_written(
        &mut self,
        question: QuestionId,
        text: String,
        now: DateTime<Utc>,
    ) -> Result<(), InterviewError> {
        self.ensure_open(now)?;
        self.progress.entry(question).or_default().written = Some(WrittenAnswer {
            text,
            saved_at: now,
        });
        self.start(now);
        Ok(())
    }

    /// Submits, once every question of `questions` has an answer. Submitting a completed
    /// interview again changes nothing. Returns whether anything changed. With `evaluate`,
    /// an advisory evaluation of this completion is asked for; it is queued as soon as
    /// every transcript is settled.
    pub fn submit(
        &mut self,
        questions: &[QuestionId],
        evaluate: bool,
        now: DateTime<Utc>,
    ) -> Result<bool, InterviewError> {
        match self.ensure_open(now) {
            Err(InterviewError::Completed) => return Ok(false),
            Err(e) => return Err(e),
            Ok(()) => {}
        }
        let missing = self.missing_answers(questions);
        if !missing.is_empty() {
            return Err(InterviewError::AnswersMissing(missing));
        }
        self.start(now);
        self.status = InterviewStatus::Completed;
        self.completed_at = Some(now);
        self.record(now, TimelineKind::Completed, None);
        self.evaluation = evaluate.then_some(EvaluationRequest {
            completed_at: now,
            queued: false,
        });
        self.queue_evaluation();
        Ok(true)
    }

    /// Queues the evaluation asked for, once the interview is completed and no transcript
    /// is still coming.
    fn queue_evaluation(&mut self) {
        let settled = self
            .progress
            .values()
            .filter_map(|p| p.answer.as_ref())
            .all(|a| a.transcript.is_settled());
        if let Some(request) = self.evaluation.as_mut() {
            if !request.queued && settled && self.status == InterviewStatus::Completed {
                request.queued = true;
                self.followups.push(Followup::Evaluate {
                    completed_at: request.completed_at,
                });
            }
        }
    }

    /// Records where the transcript of the answer recording `upload` stands. Returns the
    /// question it answers, or `None` if it is no longer an answer (redone or replaced), in
    /// which case nothing changes.
    pub fn record_transcript(
        &mut self,
        upload: UploadId,
        status: TranscriptStatus,
    ) -> Option<QuestionId> {
        let (question, answer) = self.progress.iter_mut().find_map(|(q, p)| {
            p.answer
                .as_mut()
                .filter(|a| a.upload_id == upload)
                .map(|a| (*q, a))
        })?;
        answer.transcript = status;
        self.queue_evaluation();
        Some(question)
    }

    /// The answer whose recording is `upload`, with its question.
    pub fn answer_by_upload(&self, upload: UploadId) -> Option<(QuestionId, &Answer)> {
        self.progress.iter().find_map(|(q, p)| {
            p.answer
                .as_ref()
                .filter(|a| a.upload_id == upload)
                .map(|a| (*q, a))
        })
    }

    /// The work queued by changes since the interview was read, for the store to write with
    /// this state of the interview: events carry it as their data.
    pub fn take_followups(&mut self) -> Vec<Followup> {
        let summary = InterviewSummary::of(self);
        let mut followups = std::mem::take(&mut self.followups);
        for followup in &mut followups {
            if let Followup::Announce { event, .. } = followup {
                event.data.get_or_insert_with(|| summary.clone());
            }
        }
        followups
    }

    /// Records one attempt to email the candidate: the mail service's message id, or why it
    /// failed.
    pub fn record_email(&mut self, outcome: Result<&str, &str>, now: DateTime<Utc>) {
        let email = &mut self.email;
        email.attempts += 1;
        email.last_attempt_at = Some(now);
        match outcome {
            Ok(message_id) => {
                email.status = EmailStatus::Sent;
                email.reason = None;
                email.message_id = Some(message_id.to_string());
                email.tracking.new_message();
                self.record(now, TimelineKind::EmailSent, None);
            }
            Err(reason) => {
                email.status = EmailStatus::Failed;
                email.reason = Some(reason.to_string());
                self.record(now, TimelineKind::EmailFailed, Some(reason.to_string()));
            }
        }
    }

    /// Takes one resend of the current link. The first is always allowed; after it, one per
    /// [`RESEND_INTERVAL_MINUTES`] and [`MAX_RESENDS`] in all (a re-invite starts afresh), so a
    /// stuck button or a script cannot flood the candidate's mailbox. Stored with the
    /// interview's version check, so concurrent resends cannot both pass.
    pub fn claim_resend(&mut self, now: DateTime<Utc>) -> Result<(), InterviewError> {
        if self.status == InterviewStatus::Completed {
            return Err(InterviewError::Completed);
        }
        if self.resends >= MAX_RESENDS {
            return Err(InterviewError::ResendLimited {
                retry_after_seconds: None,
            });
        }
        if let Some(last) = self.last_resent_at.filter(|_| self.resends >= 1) {
            let next = last + chrono::Duration::minutes(RESEND_INTERVAL_MINUTES);
            if now < next {
                return Err(InterviewError::ResendLimited {
                    retry_after_seconds: Some((next - now).num_seconds().max(1) as u64),
                });
            }
        }
        self.resends += 1;
        self.last_resent_at = Some(now);
        Ok(())
    }

    /// Removes the answer to `question` so the candidate records it again with the same
    /// link (its retakes start afresh). A completed interview goes back to `in_progress`; its
    /// completion stays on the timeline. Returns the removed answer, whose video the caller
    /// deletes once this is stored (`None` for a written answer).
    pub fn reopen_answer(
        &mut self,
        question: QuestionId,
        now: DateTime<Utc>,
    ) -> Result<Option<Answer>, InterviewError> {
        let progress = self
            .progress
            .get_mut(&question)
            .filter(|p| p.is_answered())
            .ok_or(InterviewError::AnswerNotFound)?;
        let answer = progress.answer.take();
        progress.confirmed_attempts = 0;
        progress.written = None;
        if let Some(answer) = &answer {
            self.uploads.retain(|u| u.id != answer.upload_id);
        }
        // The evaluation was of the completion this reopens; a new one is asked for when the
        // candidate submits again.
        self.evaluation = None;
        if self.status == InterviewStatus::Completed {
            self.status = InterviewStatus::InProgress;
            self.completed_at = None;
        }
        self.record(
            now,
            TimelineKind::AnswerReopened,
            Some(question.to_string()),
        );
        Ok(answer)
    }

    /// Sets or moves the deadline. An interview stored as `expired` opens again, as it was
    /// before it expired.
    pub fn set_deadline(
        &mut self,
        deadline: DateTime<Utc>,
        now: DateTime<Utc>,
    ) -> Result<(), InterviewError> {
        if self.status == InterviewStatus::Completed {
            return Err(InterviewError::Completed);
        }
        self.deadline = Some(deadline);
        if self.status == InterviewStatus::Expired {
            self.status = if self.started_at.is_some() {
                InterviewStatus::InProgress
            } else {
                InterviewStatus::Invited
            };
        }
        self.record(now, TimelineKind::DeadlineSet, Some(deadline.to_rfc3339()));
        Ok(())
    }

    /// Stores `expired` once the deadline passed without a submission (reads say so anyway,
    /// see [`status_at`](Self::status_at); storing it moves the position's counts). Returns
    /// whether anything changed.
    pub fn mark_expired(&mut self, now: DateTime<Utc>) -> bool {
        if self.status == InterviewStatus::Expired || !self.is_expired(now) {
            return false;
        }
        self.status = InterviewStatus::Expired;
        self.record(now, TimelineKind::Expired, None);
        true
    }

    /// The candidate's current link token, derived again from the link key; `None` if the key
    /// does not derive the stored hash (a different deployment's key).
    pub fn current_token(&self, key: &LinkKey) -> Option<Secret> {
        let token = key.candidate_token(self.id, self.link_generation);
        (token.hash() == self.token_hash).then_some(token)
    }

    /// Issues the next link generation. Returns the new token and the hash of the retired
    /// one, whose lookup must go in the same write.
    pub fn rotate_link(
        &mut self,
        key: &LinkKey,
        now: DateTime<Utc>,
    ) -> Result<(Secret, SecretHash), InterviewError> {
        if self.status == InterviewStatus::Completed {
            return Err(InterviewError::Completed);
        }
        self.record(now, TimelineKind::LinkReissued, None);
        self.link_generation += 1;
        self.resends = 0;
        self.last_resent_at = None;
        let token = key.candidate_token(self.id, self.link_generation);
        let retired = std::mem::replace(&mut self.token_hash, token.hash());
        Ok((token, retired))
    }

    pub fn progress_of(&self, question: QuestionId) -> QuestionProgress {
        self.progress.get(&question).cloned().unwrap_or_default()
    }

    pub fn upload(&self, id: UploadId) -> Option<&Upload> {
        self.uploads.iter().find(|u| u.id == id)
    }

    /// Questions (of `all`) that have no confirmed answer yet, in order.
    pub fn missing_answers(&self, all: &[QuestionId]) -> Vec<QuestionId> {
        all.iter()
            .copied()
            .filter(|q| !self.progress.get(q).is_some_and(|p| p.is_answered()))
            .collect()
    }
}

/// Interviews for the domain's own tests.
#[cfg(test)]
pub(crate) mod testing {
    use super::*;

    /// A fresh invitation at `now`.
    pub fn invited_at(
        now: DateTime<Utc>,
        deadline: Option<DateTime<Utc>>,
        reminder_policy: Option<ReminderPolicy>,
    ) -> Interview {
        let key = LinkKey::new([3; 32]);
        let id = InterviewId::new();
        Interview::invited(NewInterview {
            tenant_id: TenantId::new(),
            id,
            position_id: PositionId::new(),
            candidate: Candidate {
                email: Email::parse("ana@example.com").unwrap(),
                first_name: Line::parse("Ana", 10).unwrap(),
                last_name: Line::parse("Silva", 10).unwrap(),
                phone: None,
            },
            external_id: None,
            token_hash: key.candidate_token(id, 0).hash(),
            deadline,
            send_email: true,
            questions: vec![],
            reminder_policy,
            now,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::UploadMethod;
    use chrono::Duration;

    fn interview(deadline: Option<DateTime<Utc>>, now: DateTime<Utc>) -> Interview {
        testing::invited_at(now, deadline, None)
    }

    fn upload(question: QuestionId, now: DateTime<Utc>) -> Upload {
        Upload {
            id: UploadId::new(),
            question_id: question,
            object_key: "k".into(),
            content_type: "video/webm".into(),
            size: 10,
            duration_seconds: Some(4.2),
            method: UploadMethod::Put,
            state: UploadState::Pending,
            created_at: now,
            expires_at: now + Duration::minutes(15),
            resumable_until: now + Duration::minutes(15),
        }
    }

    #[test]
    fn open_starts_once_and_a_passed_deadline_refuses() {
        let now = Utc::now();
        let mut i = interview(Some(now + Duration::hours(1)), now);
        assert_eq!(i.status, InterviewStatus::Invited);
        assert_eq!(i.open(now), Ok(true));
        assert_eq!(i.status, InterviewStatus::InProgress);
        assert_eq!(i.open(now + Duration::minutes(1)), Ok(false));
        assert_eq!(i.started_at, Some(now));
        assert_eq!(
            i.open(now + Duration::hours(2)),
            Err(InterviewError::Expired)
        );
        assert_eq!(i.status_at(now), InterviewStatus::InProgress);
        assert_eq!(
            i.status_at(now + Duration::hours(2)),
            InterviewStatus::Expired
        );
    }

    #[test]
    fn an_interview_ends_at_its_completion_else_at_its_deadline() {
        let now = Utc::now();
        let open_forever = interview(None, now);
        assert_eq!(open_forever.ends_at(), None);
        assert!(!open_forever.ended_by(now + Duration::days(10_000)));
        let deadline = now + Duration::days(3);
        let mut i = interview(Some(deadline), now);
        assert_eq!(i.ends_at(), Some(deadline));
        assert!(!i.ended_by(deadline - Duration::seconds(1)));
        assert!(i.ended_by(deadline), "expired at its deadline");
        let done = now + Duration::days(1);
        assert_eq!(i.submit(&[], false, done), Ok(true));
        assert_eq!(
            i.ends_at(),
            Some(done),
            "a submission ends it before the deadline"
        );
    }

    #[test]
    fn reviewers_set_stage_and_score_whatever_the_status() {
        let now = Utc::now();
        let mut i = interview(None, now);
        assert_eq!(i.stage, Stage::ToEvaluate);
        assert!(i.set_stage(Stage::Shortlisted, Utc::now()));
        assert!(!i.set_stage(Stage::Shortlisted, Utc::now()), "no change");
        assert!(i.set_score(Score::parse(4.5), Utc::now()));
        assert!(!i.set_score(Score::parse(4.5), Utc::now()));
        assert!(i.set_score(None, Utc::now()));
        assert_eq!(i.score, None);
    }

    #[test]
    fn uploads_respect_retakes_and_keep_few_pending() {
        let now = Utc::now();
        let mut i = interview(None, now);
        let q = QuestionId::new();
        for _ in 0..MAX_PENDING_UPLOADS_PER_QUESTION + 2 {
            i.add_upload(upload(q, now), 1, u64::MAX, now).unwrap();
        }
        assert_eq!(i.uploads.len(), MAX_PENDING_UPLOADS_PER_QUESTION);
        assert_eq!(i.status, InterviewStatus::InProgress, "an upload starts it");
        let first = i.uploads[0].id;
        let confirmed = i.confirm_answer(q, first, 1, false, now).unwrap();
        assert_eq!(confirmed.confirmed_attempts, 1);
        assert_eq!(confirmed.superseded, None);
        assert_eq!(
            i.confirm_answer(q, first, 1, false, now),
            Err(InterviewError::UploadAlreadyCompleted)
        );
        let second = i.uploads[1].id;
        assert_eq!(
            i.confirm_answer(q, second, 1, false, now),
            Err(InterviewError::RetakesExhausted)
        );
        assert_eq!(
            i.add_upload(upload(q, now), 1, u64::MAX, now),
            Err(InterviewError::RetakesExhausted)
        );
        assert_eq!(i.drop_upload(q, second, now).map(|u| u.id), Ok(second));
        assert_eq!(
            i.drop_upload(q, second, now),
            Err(InterviewError::UploadNotFound)
        );
    }

    #[test]
    fn resends_are_one_at_first_then_one_per_interval_and_five_in_all() {
        let now = Utc::now();
        let mut i = interview(None, now);
        assert_eq!(i.claim_resend(now), Ok(()), "the first is always allowed");
        assert_eq!(
            i.claim_resend(now + Duration::seconds(1)),
            Err(InterviewError::ResendLimited {
                retry_after_seconds: Some(599)
            })
        );
        let mut at = now;
        for _ in 2..=MAX_RESENDS {
            at += Duration::minutes(RESEND_INTERVAL_MINUTES);
            assert_eq!(i.claim_resend(at), Ok(()));
        }
        assert_eq!(
            i.claim_resend(at + Duration::days(1)),
            Err(InterviewError::ResendLimited {
                retry_after_seconds: None
            })
        );
        i.rotate_link(&LinkKey::new([3; 32]), at).unwrap();
        assert_eq!(i.claim_resend(at), Ok(()), "a new link starts afresh");
        i.status = InterviewStatus::Completed;
        assert_eq!(
            i.claim_resend(at + Duration::days(1)),
            Err(InterviewError::Completed)
        );
    }

    #[test]
    fn an_answer_reopened_reopens_a_completed_interview() {
        let now = Utc::now();
        let mut i = interview(None, now);
        let q = QuestionId::new();
        let attempt = upload(q, now);
        i.add_upload(attempt.clone(), 1, u64::MAX, now).unwrap();
        i.confirm_answer(q, attempt.id, 1, false, now).unwrap();
        i.submit(&[q], false, now).unwrap();
        assert_eq!(i.status, InterviewStatus::Completed);
        let removed = i.reopen_answer(q, now).unwrap();
        assert_eq!(removed.unwrap().upload_id, attempt.id);
        assert_eq!(i.status, InterviewStatus::InProgress);
        assert_eq!(i.completed_at, None);
        assert_eq!(
            i.progress_of(q).confirmed_attempts,
            0,
            "retakes start afresh"
        );
        assert!(i.upload(attempt.id).is_none());
        assert_eq!(i.reopen_answer(q, now), Err(InterviewError::AnswerNotFound));
        assert_eq!(i.missing_answers(&[q]), vec![q]);
    }

    #[test]
    fn an_expired_interview_reopens_when_its_deadline_moves() {
        let now = Utc::now();
        let mut i = interview(Some(now + Duration::hours(1)), now);
        let later = now + Duration::hours(2);
        assert!(!i.mark_expired(now), "not yet");
        assert!(i.mark_expired(later));
        assert!(!i.mark_expired(later), "once");
        assert_eq!(i.status, InterviewStatus::Expired);
        i.set_deadline(later + Duration::days(1), later).unwrap();
        assert_eq!(
            i.status,
            InterviewStatus::Invited,
            "as it was before it expired"
        );
        assert_eq!(i.ensure_open(later), Ok(()));
        i.status = InterviewStatus::Completed;
        assert_eq!(
            i.set_deadline(later + Duration::days(2), later),
            Err(InterviewError::Completed)
        );
    }

    #[test]
    fn new_attempts_release_the_oldest_pending_ones_by_count_and_by_bytes() {
        let now = Utc::now();
        let mut i = interview(None, now);
        let (q1, q2) = (QuestionId::new(), QuestionId::new());
        let at = |minutes: i64, q: QuestionId, size: u64| Upload {
            size,
            created_at: now + Duration::minutes(minutes),
            ..upload(q, now)
        };
        let cap = 100;
        let first = at(0, q1, 10);
        assert_eq!(i.add_upload(first.clone(), 1, cap, now), Ok(vec![]));
        i.add_upload(at(1, q1, 10), 1, cap, now).unwrap();
        i.add_upload(at(2, q1, 10), 1, cap, now).unwrap();
        // A fourth attempt at q1 releases the oldest.
        let released = i.add_upload(at(3, q1, 10), 1, cap, now).unwrap();
        assert_eq!(released, vec![first]);
        assert_eq!(i.uploads.len(), MAX_PENDING_UPLOADS_PER_QUESTION);

        // 30 bytes pending at q1; 60 more at q2 fits, 80 more does not: q2's attempt
        // releases q1's oldest until it fits (q2 has nothing older of its own).
        let big = at(4, q2, 60);
        assert_eq!(i.add_upload(big.clone(), 1, cap, now), Ok(vec![]));
        let released = i.add_upload(at(5, q2, 30), 1, cap, now).unwrap();
        assert_eq!(released, vec![big], "its own question's oldest goes first");
        let pending: u64 = i.uploads.iter().map(|u| u.size).sum();
        assert!(pending <= cap, "{pending}");

        // Expired attempts are released whatever the limits.
        let later = now + Duration::hours(1);
        let released = i.add_upload(at(61, q1, 1), 1, cap, later).unwrap();
        assert_eq!(released.len(), 4, "every earlier attempt had expired");
        assert_eq!(i.uploads.len(), 1);
    }

    #[test]
    fn a_retake_supersedes_the_answer_and_its_record() {
        let now = Utc::now();
        let mut i = interview(None, now);
        let q = QuestionId::new();
        i.add_upload(upload(q, now), 2, u64::MAX, now).unwrap();
        let first = i.uploads[0].id;
        i.confirm_answer(q, first, 2, false, now).unwrap();
        i.add_upload(upload(q, now), 2, u64::MAX, now).unwrap();
        let second = i.uploads[1].id;
        let retake = i.confirm_answer(q, second, 2, false, now).unwrap();
        assert_eq!(retake.superseded.map(|a| a.upload_id), Some(first));
        assert_eq!(retake.confirmed_attempts, 2);
        assert!(i.upload(first).is_none());
    }

    #[test]
    fn submit_needs_every_answer_and_completes_once() {
        let now = Utc::now();
        let mut i = interview(None, now);
        let (q1, q2) = (QuestionId::new(), QuestionId::new());
        i.add_upload(upload(q1, now), 1, u64::MAX, now).unwrap();
        let id = i.uploads[0].id;
        i.confirm_answer(q1, id, 1, false, now).unwrap();
        assert_eq!(
            i.submit(&[q1, q2], false, now),
            Err(InterviewError::AnswersMissing(vec![q2]))
        );
        assert_eq!(i.submit(&[q1], false, now), Ok(true));
        assert_eq!(i.status, InterviewStatus::Completed);
        assert_eq!(i.submit(&[q1], false, now + Duration::hours(1)), Ok(false));
        assert_eq!(i.completed_at, Some(now));
        assert_eq!(
            i.add_upload(upload(q1, now), 5, u64::MAX, now),
            Err(InterviewError::Completed)
        );
        assert_eq!(i.open(now), Ok(false), "a completed interview still opens");
    }

    #[test]
    fn emails_and_links() {
        let now = Utc::now();
        let key = LinkKey::new([3; 32]);
        let mut i = interview(None, now);
        i.record_email(Err("mailbox full"), now);
        assert_eq!(i.email.status, EmailStatus::Failed);
        i.record_email(Ok("m-1"), now);
        assert_eq!(i.email.status, EmailStatus::Sent);
        assert_eq!(i.email.reason, None);
        assert_eq!(i.email.attempts, 2);

        let first = i.current_token(&key).expect("key derives the link");
        let (second, retired) = i.rotate_link(&key, now).unwrap();
        assert_eq!(retired, first.hash());
        assert_eq!(i.current_token(&key), Some(second));
        assert_eq!(i.current_token(&LinkKey::new([4; 32])), None);
        i.submit(&[], false, now).unwrap();
        assert_eq!(i.rotate_link(&key, now), Err(InterviewError::Completed));
        let kinds: Vec<TimelineKind> = i.timeline.iter().map(|e| e.kind).collect();
        assert_eq!(
            kinds,
            [
                TimelineKind::Invited,
                TimelineKind::EmailFailed,
                TimelineKind::EmailSent,
                TimelineKind::LinkReissued,
                TimelineKind::Started,
                TimelineKind::Completed,
            ]
        );
        assert_eq!(i.timeline[1].detail.as_deref(), Some("mailbox full"));
    }

    #[test]
    fn changes_tell_webhooks_with_the_interview_as_stored() {
        let now = Utc::now();
        let mut i = interview(Some(now + Duration::hours(1)), now);
        let types = |i: &mut Interview| -> Vec<(EventType, Option<InterviewStatus>)> {
            i.take_followups()
                .into_iter()
                .filter_map(|f| match f {
                    Followup::Announce { event, .. } => {
                        Some((event.event_type, event.data.map(|d| d.status)))
                    }
                    _ => None,
                })
                .collect()
        };
        assert_eq!(
            types(&mut i),
            vec![(EventType::InterviewCreated, Some(InterviewStatus::Invited))]
        );
        assert!(types(&mut i).is_empty(), "taken once");
        i.open(now).unwrap();
        assert_eq!(
            types(&mut i),
            vec![(
                EventType::InterviewStarted,
                Some(InterviewStatus::InProgress)
            )]
        );
        assert!(i.mark_expired(now + Duration::hours(2)));
        assert_eq!(
            types(&mut i),
            vec![(EventType::InterviewExpired, Some(InterviewStatus::Expired))]
        );
        assert!(!i.set_stage(Stage::ToEvaluate, now), "no change, no event");
        assert!(types(&mut i).is_empty());
    }
}
