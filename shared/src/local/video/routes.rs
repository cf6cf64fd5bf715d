//! The HTTP side of the local video storage: receiving signed PUTs (whole objects and
//! multipart parts) and serving signed GETs. Every check S3 makes on a presigned URL is made
//! here: signature, expiry, exact size and type.

use super::*;

impl DiskVideos {
    /// The routes that receive uploads and serve downloads; mounted by `reelview-local`.
    pub fn routes(self: Arc<Self>) -> Router {
        Router::new()
            .route(
                &format!("{UPLOAD_ROUTE_PREFIX}/{{*key}}"),
                put(receive).get(serve),
            )
            .with_state(self)
    }
}

async fn write_atomically(path: &Path, body: Body, expected: u64) -> Result<u64, Response> {
    let fail = |status: StatusCode, what: &str| (status, what.to_string()).into_response();
    if let Some(parent) = path.parent() {
        tokio::fs::create_dir_all(parent)
            .await
            .map_err(|_| fail(StatusCode::INTERNAL_SERVER_ERROR, "storage unavailable"))?;
    }
    let partial = path.with_extension("partial");
    let mut file = tokio::fs::File::create(&partial)
        .await
        .map_err(|_| fail(StatusCode::INTERNAL_SERVER_ERROR, "storage unavailable"))?;
    let mut written = 0u64;
    let mut stream = body.into_data_stream();
    while let Some(chunk) = stream.next().await {
        let chunk = chunk.map_err(|_| fail(StatusCode::BAD_REQUEST, "upload interrupted"))?;
        written += chunk.len() as u64;
        if written > expected {
            let _ = tokio::fs::remove_file(&partial).await;
            return Err(fail(
                StatusCode::BAD_REQUEST,
                "body larger than the signed size",
            ));
        }
        file.write_all(&chunk)
            .await
            .map_err(|_| fail(StatusCode::INTERNAL_SERVER_ERROR, "storage unavailable"))?;
    }
    if written != expected {
        let _ = tokio::fs::remove_file(&partial).await;
        return Err(fail(
            StatusCode::BAD_REQUEST,
            "body size differs from the signed size",
        ));
    }
    file.flush().await.ok();
    file.sync_all().await.ok();
    tokio::fs::rename(&partial, path)
        .await
        .map_err(|_| fail(StatusCode::INTERNAL_SERVER_ERROR, "storage unavailable"))?;
    Ok(written)
}

fn denied(status: StatusCode, reason: &str) -> Response {
    (status, reason.to_string()).into_response()
}

/// `PUT` of a whole object or of one multipart part.
async fn receive(
    State(videos): State<Arc<DiskVideos>>,
    UrlPath(key): UrlPath<String>,
    Query(q): Query<Signed>,
    headers: HeaderMap,
    body: Body,
) -> Response {
    if !safe_key(&key) {
        return denied(StatusCode::BAD_REQUEST, "invalid key");
    }
    if q.expires < chrono::Utc::now().timestamp() {
        return denied(StatusCode::FORBIDDEN, "the upload URL has expired");
    }
    let size = q.size.unwrap_or(0);
    let declared = headers
        .get(header::CONTENT_LENGTH)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.parse::<u64>().ok());
    if declared.is_some_and(|d| d != size) {
        return denied(
            StatusCode::FORBIDDEN,
            "Content-Length differs from the signed size",
        );
    }
    match q.op.as_str() {
        "put" => {
            let content_type = q.r#type.clone().unwrap_or_default();
            let expected = videos.signature(&[
                "put",
                &key,
                &content_type,
                &size.to_string(),
                &q.expires.to_string(),
            ]);
            if expected != q.sig {
                return denied(StatusCode::FORBIDDEN, "signature does not match");
            }
            let sent_type = headers
                .get(header::CONTENT_TYPE)
                .and_then(|v| v.to_str().ok());
            if sent_type != Some(content_type.as_str()) {
                return denied(
                    StatusCode::FORBIDDEN,
                    "Content-Type differs from the signed type",
                );
            }
            if let Err(r) = write_atomically(&videos.object_path(&key), body, size).await {
                return r;
            }
            let meta = serde_json::to_vec(&Meta { content_type }).expect("serializable");
            if tokio::fs::write(videos.meta_path(&key), meta)
                .await
                .is_err()
            {
                return denied(StatusCode::INTERNAL_SERVER_ERROR, "storage unavailable");
            }
            (StatusCode::OK, [(header::ETAG, format!("\"{size}\""))]).into_response()
        }
        "part" => {
            let (Some(upload_id), Some(part)) = (q.upload_id.as_deref(), q.part_number) else {
                return denied(StatusCode::BAD_REQUEST, "missing upload id or part number");
            };
            let expected = videos.signature(&[
                "part",
                &key,
                upload_id,
                &part.to_string(),
                &size.to_string(),
                &q.expires.to_string(),
            ]);
            if expected != q.sig || !safe_id(upload_id) {
                return denied(StatusCode::FORBIDDEN, "signature does not match");
            }
            let staging = videos.staging(upload_id);
            if !staging.is_dir() {
                return denied(StatusCode::NOT_FOUND, "no such multipart upload");
            }
            if let Err(r) =
                write_atomically(&staging.join(format!("part-{part:05}")), body, size).await
            {
                return r;
            }
            (
                StatusCode::OK,
                [(header::ETAG, format!("\"{part}-{size}\""))],
            )
                .into_response()
        }
        _ => denied(StatusCode::BAD_REQUEST, "unknown operation"),
    }
}

/// `GET` of an object through a signed download URL.
async fn serve(
    State(videos): State<Arc<DiskVideos>>,
    UrlPath(key): UrlPath<String>,
    Query(q): Query<Signed>,
) -> Response {
    if !safe_key(&key) || q.op != "get" {
        return denied(StatusCode::BAD_REQUEST, "invalid request");
    }
    if q.expires < chrono::Utc::now().timestamp() {
        return denied(StatusCode::FORBIDDEN, "the download URL has expired");
    }
    if videos.signature(&["get", &key, &q.expires.to_string()]) != q.sig {
        return denied(StatusCode::FORBIDDEN, "signature does not match");
    }
    let Ok(bytes) = tokio::fs::read(videos.object_path(&key)).await else {
        return denied(StatusCode::NOT_FOUND, "no such object");
    };
    let content_type = tokio::fs::read(videos.meta_path(&key))
        .await
        .ok()
        .and_then(|m| serde_json::from_slice::<Meta>(&m).ok())
        .map(|m| m.content_type)
        .unwrap_or_else(|| "application/octet-stream".into());
    ([(header::CONTENT_TYPE, content_type)], bytes).into_response()
}
