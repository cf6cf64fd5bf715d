//! Candidate routes: presigned direct-to-storage answer uploads, resume, completion.

use super::extract::JsonBody;
use super::personal::{private, respond};
use super::HttpState;
use crate::app::upload::{self, NewUpload, UploadTicket};
use crate::app::{complete, Error};
use crate::domain::UploadMethod;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum::Router;
use serde_json::{json, Map, Value};

pub fn routes() -> Router<HttpState> {
    Router::new()
        .route(
            "/v1/candidate/{token}/answers/{questionId}/uploads",
            post(create_upload),
        )
        .route(
            "/v1/candidate/{token}/answers/{questionId}/uploads/{uploadId}",
            get(upload_status).delete(abort_upload),
        )
        .route(
            "/v1/candidate/{token}/answers/{questionId}/uploads/{uploadId}/complete",
            post(complete_upload),
        )
}

fn headers_object(headers: &[(String, String)]) -> Value {
    Value::Object(
        headers
            .iter()
            .map(|(k, v)| (k.clone(), json!(v)))
            .collect::<Map<_, _>>(),
    )
}

/// What `POST .../uploads` answers (`PutUploadTarget` or `MultipartUploadTarget` in the
/// document): the attempt, and where to send what is still to be sent.
fn ticket_view(ticket: &UploadTicket) -> Value {
    let upload = &ticket.upload;
    let mut view = json!({
        "uploadId": upload.id,
        "questionId": upload.question_id,
        "state": upload.state,
        "size": upload.size,
        "contentType": upload.content_type,
        "expiresAt": ticket.expires_at,
        "resumableUntil": upload.resumable_until,
    });
    match &upload.method {
        UploadMethod::Put => {
            view["method"] = json!("PUT");
            if let Some(put) = &ticket.put {
                view["url"] = json!(put.url);
                view["headers"] = headers_object(&put.headers);
            }
        }
        UploadMethod::Multipart {
            part_size,
            part_count,
            ..
        } => {
            view["method"] = json!("MULTIPART");
            view["partSize"] = json!(part_size);
            view["partCount"] = json!(part_count);
            view["uploadedParts"] = uploaded_parts(ticket);
            view["parts"] = json!(ticket
                .parts
                .iter()
                .map(|p| json!({
                    "partNumber": p.part_number,
                    "size": p.size,
                    "url": p.request.url,
                    "headers": headers_object(&p.request.headers),
                }))
                .collect::<Vec<_>>());
        }
    }
    view
}

fn uploaded_parts(ticket: &UploadTicket) -> Value {
    json!(ticket
        .uploaded_parts
        .iter()
        .map(|p| json!({ "partNumber": p.part_number, "size": p.size }))
        .collect::<Vec<_>>())
}

/// What `GET .../uploads/{uploadId}` answers (`UploadStatus`): the same, and always both part
/// lists, which are empty for a single PUT (it has no parts; its `url` is signed afresh).
fn status_view(ticket: &UploadTicket) -> Value {
    let mut view = ticket_view(ticket);
    if view.get("parts").is_none() {
        view["uploadedParts"] = uploaded_parts(ticket);
        view["parts"] = json!([]);
    }
    view
}

async fn create_upload(
    State(state): State<HttpState>,
    Path((token, question_id)): Path<(String, String)>,
    body: Result<JsonBody<NewUpload>, Error>,
) -> Response {
    let result = async {
        let JsonBody(input, _) = body?;
        let ticket = upload::create(&state.app, &token, &question_id, input).await?;
        Ok((StatusCode::CREATED, ticket_view(&ticket)))
    };
    respond(result.await)
}

async fn upload_status(
    State(state): State<HttpState>,
    Path((token, question_id, upload_id)): Path<(String, String, String)>,
) -> Response {
    respond(
        upload::status(&state.app, &token, &question_id, &upload_id)
            .await
            .map(|t| (StatusCode::OK, status_view(&t))),
    )
}

async fn complete_upload(
    State(state): State<HttpState>,
    Path((token, question_id, upload_id)): Path<(String, String, String)>,
) -> Response {
    respond(
        complete::complete(&state.app, &token, &question_id, &upload_id)
            .await
            .map(|c| {
                (
                    StatusCode::OK,
                    json!({
                        "questionId": c.question_id,
                        "answer": {
                            "uploadId": c.answer.upload_id,
                            "size": c.answer.size,
                            "contentType": c.answer.content_type,
                            "confirmedAt": c.answer.confirmed_at,
                        },
                        "retakesUsed": c.confirmed_attempts.saturating_sub(1),
                        "attemptsLeft": c.max_attempts.saturating_sub(c.confirmed_attempts),
                    }),
                )
            }),
    )
}

async fn abort_upload(
    State(state): State<HttpState>,
    Path((token, question_id, upload_id)): Path<(String, String, String)>,
) -> Response {
    private(
        match upload::abort(&state.app, &token, &question_id, &upload_id).await {
            Ok(()) => StatusCode::NO_CONTENT.into_response(),
            Err(e) => e.into_response(),
        },
    )
}
