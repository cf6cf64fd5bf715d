//! Recruiter routes: comments on an interview.

use super::extract::JsonBody;
use super::HttpState;
use crate::app::{comments, Caller, Error};
use crate::domain::Comment;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::routing::{delete, post};
use axum::{Json, Router};
use serde_json::{json, Value};

pub fn routes() -> Router<HttpState> {
    Router::new()
        .route(
            "/v1/interviews/{interviewId}/comments",
            post(add_comment).get(list_comments),
        )
        .route(
            "/v1/interviews/{interviewId}/comments/{commentId}",
            delete(delete_comment),
        )
}

fn comment_view(comment: &Comment) -> Value {
    json!({
        "id": comment.id,
        "author": comment.author,
        "text": comment.text,
        "createdAt": comment.created_at,
    })
}

async fn add_comment(
    State(state): State<HttpState>,
    caller: Caller,
    Path(interview_id): Path<String>,
    JsonBody(input, _): JsonBody<comments::NewComment>,
) -> Result<(StatusCode, Json<Value>), Error> {
    let comment = comments::add(&state.app, &caller, &interview_id, input).await?;
    Ok((StatusCode::CREATED, Json(comment_view(&comment))))
}

async fn list_comments(
    State(state): State<HttpState>,
    caller: Caller,
    Path(interview_id): Path<String>,
) -> Result<Json<Value>, Error> {
    let all = comments::list(&state.app, &caller, &interview_id).await?;
    Ok(Json(
        json!({ "items": all.iter().map(comment_view).collect::<Vec<_>>() }),
    ))
}

async fn delete_comment(
    State(state): State<HttpState>,
    caller: Caller,
    Path((interview_id, comment_id)): Path<(String, String)>,
) -> Result<StatusCode, Error> {
    comments::delete(&state.app, &caller, &interview_id, &comment_id).await?;
    Ok(StatusCode::NO_CONTENT)
}
