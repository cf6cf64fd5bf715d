//! Share links: a reviewer shares an interview through a public link that expires when they
//! say, and can revoke it at once. Viewing mints playback URLs that never outlive the link.

use super::insights::Insights;
use super::interviews::get_interview;
use super::review::{playback_urls, PLAYBACK_TTL};
use super::{App, Caller, Error, FieldError, Links, Result};
use crate::domain::{
    looks_like_token, Interview, Position, QuestionId, SecretHash, ShareId, ShareLink,
    DEFAULT_SHARE_DAYS, MAX_SHARE_DAYS,
};
use serde::Deserialize;
use std::collections::BTreeMap;

#[derive(Debug, Default, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct NewShare {
    #[serde(default, deserialize_with = "super::input::whole_number")]
    pub expires_in_days: Option<u32>,
    pub hide_contact: Option<bool>,
}

/// A new share link and its URL, shown once.
pub struct Created {
    pub share: ShareLink,
    pub url: String,
}

pub async fn create(
    app: &App,
    links: &Links,
    caller: &Caller,
    interview_id: &str,
    input: NewShare,
) -> Result<Created> {
    let interview = get_interview(app, caller, interview_id).await?;
    let days = input.expires_in_days.unwrap_or(DEFAULT_SHARE_DAYS);
    if !(1..=MAX_SHARE_DAYS).contains(&days) {
        return Err(Error::Validation(vec![FieldError::new(
            "expiresInDays",
            format!("must be a whole number of days from 1 to {MAX_SHARE_DAYS}"),
        )]));
    }
    let token = app.secrets.secret("");
    let now = app.clock.now();
    let share = ShareLink {
        tenant_id: caller.tenant_id,
        id: ShareId::new(),
        interview_id: interview.id,
        token_hash: token.hash(),
        created_at: now,
        expires_at: now + chrono::Duration::days(days.into()),
        hide_contact: input.hide_contact.unwrap_or(true),
    };
    app.shares.create_share(&share).await?;
    Ok(Created {
        url: links.share(&token)?,
        share,
    })
}

/// The share links of one of the caller's interviews, newest first.
pub async fn list(app: &App, caller: &Caller, interview_id: &str) -> Result<Vec<ShareLink>> {
    let interview = get_interview(app, caller, interview_id).await?;
    let mut shares = app.shares.shares_of(caller.tenant_id, interview.id).await?;
    shares.sort_by_key(|s| std::cmp::Reverse(s.created_at));
    Ok(shares)
}

/// Revokes a share link: its page answers 404 from now on.
pub async fn revoke(app: &App, caller: &Caller, interview_id: &str, share_id: &str) -> Result<()> {
    let interview = get_interview(app, caller, interview_id).await?;
    let share = ShareId::parse(share_id).ok_or(Error::ShareNotFound)?;
    if app
        .shares
        .revoke_share(caller.tenant_id, interview.id, share)
        .await?
    {
        Ok(())
    } else {
        Err(Error::ShareNotFound)
    }
}

/// What a share link shows.
pub struct Shared {
    pub share: ShareLink,
    pub interview: Interview,
    pub position: Position,
    pub playback: BTreeMap<QuestionId, String>,
    pub insights: Insights,
}

/// The share link `token` stands for, as long as it is valid: unknown and revoked links are
/// `ShareNotFound`, expired ones `ShareExpired`.
pub async fn valid_share(app: &App, token: &str) -> Result<ShareLink> {
    if !looks_like_token(token) {
        return Err(Error::ShareNotFound);
    }
    let share = app
        .shares
        .share_by_token(&SecretHash::of(token))
        .await?
        .ok_or(Error::ShareNotFound)?;
    if share.is_expired(app.clock.now()) {
        return Err(Error::ShareExpired);
    }
    Ok(share)
}

/// Opens a share link: the interview, its position, and playback URLs that expire with the
/// link at the latest.
pub async fn view(app: &App, token: &str) -> Result<Shared> {
    let share = valid_share(app, token).await?;
    let interview = shared_interview(app, &share).await?;
    let position = app
        .positions
        .get_position(share.tenant_id, interview.position_id)
        .await?
        .ok_or(Error::ShareNotFound)?;
    let left = (share.expires_at - app.clock.now())
        .to_std()
        .unwrap_or_default();
    let playback = playback_urls(app, &interview, left.min(PLAYBACK_TTL)).await?;
    let insights = super::insights::of(app, &interview).await?;
    Ok(Shared {
        share,
        interview,
        position,
        playback,
        insights,
    })
}

/// The interview a valid share link `token` shows.
pub async fn view_interview(app: &App, token: &str) -> Result<Interview> {
    let share = valid_share(app, token).await?;
    shared_interview(app, &share).await
}

async fn shared_interview(app: &App, share: &ShareLink) -> Result<Interview> {
    app.interviews
        .get_interview(share.tenant_id, share.interview_id)
        .await?
        .ok_or(Error::ShareNotFound)
}
