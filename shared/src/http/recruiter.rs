//! Recruiter and admin routes: thin adapters from HTTP to the use cases.

use super::extract::{idempotency_key, JsonBody, Operator, OptionalJsonBody};
use super::idempotency::{run_once, Outcome};
use super::{views, HttpState};
use crate::app::{invite, positions, tenants, Caller, Error};
use crate::domain::PositionId;
use axum::extract::{Path, Query, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::Response;
use axum::Json;
use serde::Deserialize;
use serde_json::{json, Value};

pub async fn create_tenant(
    State(state): State<HttpState>,
    _operator: Operator,
    JsonBody(input, _): JsonBody<tenants::NewTenant>,
) -> Result<(StatusCode, Json<Value>), Error> {
    let created = tenants::create_tenant(&state.app, input).await?;
    let mut body = views::tenant(&created.tenant);
    body["apiKey"] = json!(created.api_key.expose());
    Ok((StatusCode::CREATED, Json(body)))
}

pub async fn create_position(
    State(state): State<HttpState>,
    caller: Caller,
    headers: HeaderMap,
    body: Result<JsonBody<positions::NewPosition>, Error>,
) -> Response {
    let (key, input, raw) = match idempotency_key(&headers)
        .and_then(|key| body.map(|JsonBody(input, raw)| (key, input, raw)))
    {
        Ok(parts) => parts,
        Err(e) => return axum::response::IntoResponse::into_response(e),
    };
    run_once(
        &state,
        &caller,
        key,
        &[b"POST /v1/positions", &raw],
        || async {
            let position = positions::create_position(&state.app, &caller, input).await?;
            Ok((StatusCode::CREATED, views::position(&position)))
        },
    )
    .await
}

pub async fn get_position(
    State(state): State<HttpState>,
    caller: Caller,
    Path(position_id): Path<String>,
) -> Result<Json<Value>, Error> {
    let position = positions::get_position(&state.app, &caller, &position_id).await?;
    Ok(Json(views::position(&position)))
}

pub async fn list_positions(
    State(state): State<HttpState>,
    caller: Caller,
) -> Result<Json<Value>, Error> {
    let all = positions::list_positions(&state.app, &caller).await?;
    Ok(Json(
        json!({ "items": all.iter().map(views::position).collect::<Vec<_>>() }),
    ))
}

pub async fn archive_position(
    State(state): State<HttpState>,
    caller: Caller,
    Path(position_id): Path<String>,
) -> Result<Json<Value>, Error> {
    let position = positions::set_archived(&state.app, &caller, &position_id, true).await?;
    Ok(Json(views::position(&position)))
}

pub async fn unarchive_position(
    State(state): State<HttpState>,
    caller: Caller,
    Path(position_id): Path<String>,
) -> Result<Json<Value>, Error> {
    let position = positions::set_archived(&state.app, &caller, &position_id, false).await?;
    Ok(Json(views::position(&position)))
}

fn invited_view(invited: &invite::Invited) -> Value {
    views::interview(&invited.interview, Some(&invited.url), &invited.company)
}

async fn company_of(
    state: &HttpState,
    caller: &Caller,
    position_id: PositionId,
) -> Result<String, Error> {
    let position = state
        .app
        .positions
        .get_position(caller.tenant_id, position_id)
        .await?;
    Ok(position
        .map(|p| p.employer().to_string())
        .unwrap_or_else(|| caller.tenant_name.clone()))
}

pub async fn invite(
    State(state): State<HttpState>,
    caller: Caller,
    Path(position_id): Path<String>,
    headers: HeaderMap,
    body: Result<JsonBody<invite::InviteInput>, Error>,
) -> Response {
    let outcome = || {
        let key = idempotency_key(&headers)?;
        let JsonBody(input, raw) = body?;
        Ok::<_, Error>((key, input, raw))
    };
    let (key, input, body) = match outcome() {
        Ok(v) => v,
        Err(e) => return axum::response::IntoResponse::into_response(e),
    };
    let route = format!("POST /v1/positions/{position_id}/interviews");
    run_once(&state, &caller, key, &[route.as_bytes(), &body], || async {
        let invited =
            invite::invite(&state.app_for(&headers), &caller, &position_id, input).await?;
        Ok((StatusCode::CREATED, invited_view(&invited)))
    })
    .await
}

#[derive(Deserialize)]
pub struct BatchInput {
    candidates: Option<Vec<Value>>,
}

pub async fn invite_batch(
    State(state): State<HttpState>,
    caller: Caller,
    Path(position_id): Path<String>,
    headers: HeaderMap,
    body: Result<JsonBody<BatchInput>, Error>,
) -> Response {
    let parsed = || {
        let key = idempotency_key(&headers)?;
        let JsonBody(input, raw) = body?;
        Ok::<_, Error>((key, input, raw))
    };
    let (key, input, body) = match parsed() {
        Ok(v) => v,
        Err(e) => return axum::response::IntoResponse::into_response(e),
    };
    let route = format!("POST /v1/positions/{position_id}/interviews/batch");
    run_once(&state, &caller, key, &[route.as_bytes(), &body], || async {
        let rows = input.candidates.unwrap_or_default();
        let outcomes =
            invite::invite_batch(&state.app_for(&headers), &caller, &position_id, rows).await?;
        let results: Vec<Value> = outcomes
            .iter()
            .enumerate()
            .map(|(index, outcome)| match outcome {
                Ok(invited) => json!({
                    "index": index,
                    "status": 201,
                    "interview": invited_view(invited),
                }),
                Err(e) => json!({
                    "index": index,
                    "status": e.status_and_code().0.as_u16(),
                    "problem": e.problem(),
                }),
            })
            .collect();
        let created = outcomes.iter().filter(|o| o.is_ok()).count();
        let outcome: Outcome = Ok((
            StatusCode::OK,
            json!({ "created": created, "failed": outcomes.len() - created, "results": results }),
        ));
        outcome
    })
    .await
}

pub async fn get_interview(
    State(state): State<HttpState>,
    caller: Caller,
    Path(interview_id): Path<String>,
    headers: HeaderMap,
) -> Result<Json<Value>, Error> {
    let interview = invite::get_interview(&state.app, &caller, &interview_id).await?;
    let company = company_of(&state, &caller, interview.position_id).await?;
    let url = invite::link_of(&state.app_for(&headers), &interview);
    Ok(Json(views::interview(&interview, url.as_deref(), &company)))
}

pub async fn resend(
    State(state): State<HttpState>,
    caller: Caller,
    Path(interview_id): Path<String>,
    headers: HeaderMap,
) -> Result<Json<Value>, Error> {
    let invited = invite::resend(&state.app_for(&headers), &caller, &interview_id).await?;
    Ok(Json(invited_view(&invited)))
}

#[derive(Deserialize, Default)]
#[serde(rename_all = "camelCase")]
pub struct ReinviteInput {
    send_email: Option<bool>,
}

/// A new link for the candidate; the old one stops working. The body is optional.
pub async fn reinvite(
    State(state): State<HttpState>,
    caller: Caller,
    Path(interview_id): Path<String>,
    headers: HeaderMap,
    body: Result<OptionalJsonBody<ReinviteInput>, Error>,
) -> Result<Json<Value>, Error> {
    let OptionalJsonBody(input) = body?;
    let app = state.app_for(&headers);
    let invited = invite::reinvite(
        &app,
        &caller,
        &interview_id,
        input.send_email.unwrap_or(true),
    )
    .await?;
    Ok(Json(invited_view(&invited)))
}

#[derive(Deserialize)]
pub struct ListQuery {
    cursor: Option<String>,
    limit: Option<u32>,
}

pub async fn list_interviews(
    State(state): State<HttpState>,
    caller: Caller,
    Path(position_id): Path<String>,
    Query(query): Query<ListQuery>,
    headers: HeaderMap,
) -> Result<Json<Value>, Error> {
    let app = state.app_for(&headers);
    let (position, page) = invite::list_interviews(
        &state.app,
        &caller,
        &position_id,
        query.cursor.as_deref(),
        query.limit.unwrap_or(50),
    )
    .await?;
    let company = position.employer();
    let items: Vec<Value> = page
        .items
        .iter()
        .map(|i| views::interview(i, invite::link_of(&app, i).as_deref(), company))
        .collect();
    Ok(Json(
        json!({ "items": items, "nextCursor": page.next_cursor }),
    ))
}
