//! A position's interview counts, by status and by stage, kept in one item per position and
//! moved in the same write that creates an interview or changes its status or stage, so a
//! listing of positions shows them without counting interviews.

use super::keys;
use super::{Condition, Op, Write};
use crate::domain::{Interview, InterviewStatus, Stage, Tally};

fn status_attribute(status: InterviewStatus) -> &'static str {
    match status {
        InterviewStatus::Invited => "invited",
        InterviewStatus::InProgress => "inProgress",
        InterviewStatus::Completed => "completed",
        InterviewStatus::Expired => "expired",
    }
}

fn stage_attribute(stage: Stage) -> &'static str {
    match stage {
        Stage::ToEvaluate => "toEvaluate",
        Stage::Shortlisted => "shortlisted",
        Stage::Discarded => "discarded",
    }
}

/// The write that adds a new interview to its position's counts, under the status and stage
/// it is created with (and records as counted).
pub fn count_new(interview: &Interview) -> Write {
    let tally = interview.counted_as.unwrap_or_else(|| interview.tally());
    Write {
        key: keys::position_counts(interview.tenant_id, interview.position_id),
        op: Op::add(vec![
            (status_attribute(tally.status).to_string(), 1),
            (stage_attribute(tally.stage).to_string(), 1),
        ]),
        condition: Condition::Always,
    }
}

/// The write that moves `interview` from the counts it is held under to those of its
/// current status and stage, and the interview as it must then be stored; no write when it
/// is already counted right.
pub fn recount(interview: &Interview) -> (Option<Write>, Interview) {
    let now = interview.tally();
    let was = interview.counted_as;
    if was == Some(now) {
        return (None, interview.clone());
    }
    let mut additions: Vec<(String, i64)> = Vec::new();
    let mut add = |name: &str, by: i64| match additions.iter_mut().find(|(n, _)| n == name) {
        Some((_, total)) => *total += by,
        None => additions.push((name.to_string(), by)),
    };
    if let Some(Tally { status, stage }) = was {
        add(status_attribute(status), -1);
        add(stage_attribute(stage), -1);
    }
    add(status_attribute(now.status), 1);
    add(stage_attribute(now.stage), 1);
    additions.retain(|(_, by)| *by != 0);
    let mut counted = interview.clone();
    counted.counted_as = Some(now);
    let write = Write {
        key: keys::position_counts(interview.tenant_id, interview.position_id),
        op: Op::add(additions),
        condition: Condition::Always,
    };
    (Some(write), counted)
}

/// The write that takes a deleted interview out of its position's counts, if it is counted.
pub fn uncount(interview: &Interview) -> Option<Write> {
    let Tally { status, stage } = interview.counted_as?;
    Some(Write {
        key: keys::position_counts(interview.tenant_id, interview.position_id),
        op: Op::add(vec![
            (status_attribute(status).to_string(), -1),
            (stage_attribute(stage).to_string(), -1),
        ]),
        condition: Condition::Always,
    })
}
