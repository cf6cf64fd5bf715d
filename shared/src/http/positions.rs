//! Recruiter routes: positions and their questions.

use super::extract::Idempotent;
use super::extract::JsonBody;
use super::idempotency::run_once;
use super::{views, HttpState};
use crate::app::{positions, purge, Caller, Error};
use axum::extract::rejection::QueryRejection;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::Response;
use axum::routing::{get, post};
use axum::{Json, Router};
use serde_json::{json, Value};

pub fn routes() -> Router<HttpState> {
    Router::new()
        .route("/v1/positions", post(create_position).get(list_positions))
        .route(
            "/v1/positions/{positionId}",
            get(get_position)
                .patch(update_position)
                .delete(delete_position),
        )
        .route("/v1/positions/{positionId}/archive", post(archive_position))
        .route(
            "/v1/positions/{positionId}/unarchive",
            post(unarchive_position),
        )
}

async fn create_position(
    State(state): State<HttpState>,
    caller: Caller,
    request: Idempotent<positions::NewPosition>,
) -> Response {
    let Idempotent { key, input, body } = request;
    run_once(
        &state,
        &caller,
        key,
        &[b"POST /v1/positions", &body],
        || async {
            let position = positions::create_position(&state.app, &caller, input).await?;
            Ok((StatusCode::CREATED, views::position(&position)))
        },
    )
    .await
}

async fn get_position(
    State(state): State<HttpState>,
    caller: Caller,
    Path(position_id): Path<String>,
) -> Result<Json<Value>, Error> {
    let position = positions::get_position(&state.app, &caller, &position_id).await?;
    Ok(Json(views::position(&position)))
}

#[derive(serde::Deserialize)]
struct ListQuery {
    cursor: Option<String>,
    limit: Option<u32>,
}

/// A page of positions in their summary form: questions counted, not inlined (read one
/// position for its questions), with interview counts.
async fn list_positions(
    State(state): State<HttpState>,
    caller: Caller,
    query: Result<Query<ListQuery>, QueryRejection>,
) -> Result<Json<Value>, Error> {
    let Query(query) = query.map_err(|e| Error::Malformed(e.body_text()))?;
    let (page, next_cursor) =
        positions::list_positions(&state.app, &caller, query.cursor.as_deref(), query.limit)
            .await?;
    let items: Vec<Value> = page
        .iter()
        .map(|(position, counts)| views::position_summary(position, counts))
        .collect();
    Ok(Json(json!({ "items": items, "nextCursor": next_cursor })))
}

async fn update_position(
    State(state): State<HttpState>,
    caller: Caller,
    Path(position_id): Path<String>,
    JsonBody(patch, _): JsonBody<positions::PositionPatch>,
) -> Result<Json<Value>, Error> {
    let position = positions::update_position(&state.app, &caller, &position_id, patch).await?;
    Ok(Json(views::position(&position)))
}

/// Deletes a position with everything it holds: gone at once for every reader, purged in the
/// background (started here, finished by the scheduled sweeper wherever this process stops).
async fn delete_position(
    State(state): State<HttpState>,
    caller: Caller,
    Path(position_id): Path<String>,
) -> Result<(StatusCode, Json<Value>), Error> {
    let id = purge::delete_position(&state.app, &caller, &position_id).await?;
    let app = state.app.clone();
    let tenant = caller.tenant_id;
    tokio::spawn(async move {
        if let Err(e) = purge::purge(&app, tenant, id, u32::MAX).await {
            tracing::warn!(position = %id, error = %e, "purge interrupted; the sweeper resumes it");
        }
    });
    Ok((
        StatusCode::ACCEPTED,
        Json(json!({ "positionId": id, "status": "deleted" })),
    ))
}

async fn archive_position(
    State(state): State<HttpState>,
    caller: Caller,
    Path(position_id): Path<String>,
) -> Result<Json<Value>, Error> {
    let position = positions::set_archived(&state.app, &caller, &position_id, true).await?;
    Ok(Json(views::position(&position)))
}

async fn unarchive_position(
    State(state): State<HttpState>,
    caller: Caller,
    Path(position_id): Path<String>,
) -> Result<Json<Value>, Error> {
    let position = positions::set_archived(&state.app, &caller, &position_id, false).await?;
    Ok(Json(views::position(&position)))
}
