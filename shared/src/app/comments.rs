//! Reviewers' comments on an interview, signed by the label of the key that wrote them.

use super::interviews::get_interview;
use super::{App, Caller, Error, FieldError, Result};
use crate::domain::{clean_text, Comment, CommentId, MAX_COMMENT_CHARS};
use serde::Deserialize;

#[derive(Debug, Default, Deserialize)]
pub struct NewComment {
    pub text: Option<String>,
}

pub async fn add(
    app: &App,
    caller: &Caller,
    interview_id: &str,
    input: NewComment,
) -> Result<Comment> {
    let interview = get_interview(app, caller, interview_id).await?;
    let text = match input.text.as_deref() {
        None => Err(FieldError::new("text", "is required")),
        Some(raw) => {
            clean_text(raw, MAX_COMMENT_CHARS, true).map_err(|e| FieldError::new("text", e))
        }
    }
    .map_err(|e| Error::Validation(vec![e]))?;
    let comment = Comment {
        tenant_id: caller.tenant_id,
        interview_id: interview.id,
        id: CommentId::new(),
        author_key: caller.key_id,
        author: caller.key_label.clone(),
        text,
        created_at: app.clock.now(),
    };
    app.comments.add_comment(&comment).await?;
    Ok(comment)
}

pub async fn list(app: &App, caller: &Caller, interview_id: &str) -> Result<Vec<Comment>> {
    let interview = get_interview(app, caller, interview_id).await?;
    Ok(app
        .comments
        .comments_of(caller.tenant_id, interview.id)
        .await?)
}

/// Deletes a comment; only the key that wrote it may.
pub async fn delete(
    app: &App,
    caller: &Caller,
    interview_id: &str,
    comment_id: &str,
) -> Result<()> {
    let interview = get_interview(app, caller, interview_id).await?;
    let id = CommentId::parse(comment_id).ok_or(Error::CommentNotFound)?;
    let comment = app
        .comments
        .get_comment(caller.tenant_id, interview.id, id)
        .await?
        .ok_or(Error::CommentNotFound)?;
    if comment.author_key.is_none() || comment.author_key != caller.key_id {
        return Err(Error::CommentAuthorOnly);
    }
    if app
        .comments
        .delete_comment(caller.tenant_id, interview.id, id)
        .await?
    {
        Ok(())
    } else {
        Err(Error::CommentNotFound)
    }
}
