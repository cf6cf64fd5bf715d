//! Inviting many candidates at once: every row succeeds or fails on its own, in order.

use super::invite::{invite_to, open_position, InviteInput};
use super::Invited;
use super::{App, Caller, Error, FieldError, Links, Result};
use crate::domain::Email;

pub const MAX_BATCH_ROWS: usize = 100;
/// How many rows of a batch are written and mailed at once.
const BATCH_CONCURRENCY: usize = 8;

/// Invites every row independently; the outcomes come back in the rows' order.
pub async fn invite_batch(
    app: &App,
    links: &Links,
    caller: &Caller,
    position_id: &str,
    rows: Vec<serde_json::Value>,
) -> Result<Vec<Result<Invited>>> {
    if rows.is_empty() || rows.len() > MAX_BATCH_ROWS {
        return Err(Error::Validation(vec![FieldError::new(
            "candidates",
            format!("must contain 1 to {MAX_BATCH_ROWS} rows"),
        )]));
    }
    let position = open_position(app, caller, position_id).await?;

    // Rows run concurrently, except that a row repeating an earlier row's email or externalId
    // waits for the first round: the earlier row always wins, whatever the timing.
    let mut seen = std::collections::HashSet::new();
    let mut rows: Vec<(usize, Result<InviteInput>, bool)> = rows
        .into_iter()
        .enumerate()
        .map(|(index, row)| {
            let input: Result<InviteInput> = super::input::from_object(row)
                .map_err(|e| Error::Malformed(format!("invalid row: {e}")));
            let mut repeat = false;
            if let Ok(input) = &input {
                let email = input.candidate.as_ref().and_then(|c| c.email.as_deref());
                if let Some(email) = email.and_then(|e| Email::parse(e).ok()) {
                    repeat |= !seen.insert(format!("email:{}", email.normalized()));
                }
                if let Some(external_id) = &input.external_id {
                    repeat |= !seen.insert(format!("external:{}", external_id.trim()));
                }
            }
            (index, input, repeat)
        })
        .collect();
    let mut outcomes: Vec<Option<Result<Invited>>> = (0..rows.len()).map(|_| None).collect();
    let later: Vec<(usize, Result<InviteInput>, bool)> = {
        let (later, first): (Vec<_>, Vec<_>) = rows.drain(..).partition(|(_, _, repeat)| *repeat);
        use futures::stream::{self, StreamExt};
        let done: Vec<(usize, Result<Invited>)> = stream::iter(first)
            .map(|(index, input, _)| {
                let position = &position;
                async move {
                    match input {
                        Ok(input) => (index, invite_to(app, links, caller, position, input).await),
                        Err(e) => (index, Err(e)),
                    }
                }
            })
            .buffer_unordered(BATCH_CONCURRENCY)
            .collect()
            .await;
        for (index, outcome) in done {
            outcomes[index] = Some(outcome);
        }
        later
    };
    for (index, input, _) in later {
        outcomes[index] = Some(match input {
            Ok(input) => invite_to(app, links, caller, &position, input).await,
            Err(e) => Err(e),
        });
    }
    Ok(outcomes
        .into_iter()
        .map(|o| o.expect("every row ran"))
        .collect())
}
