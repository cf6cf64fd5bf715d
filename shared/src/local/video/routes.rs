//! The HTTP side of the local video storage: receiving signed PUTs (whole objects and
//! multipart parts) and serving signed GETs. Every check S3 makes on a presigned URL is made
//! here: signature, expiry, exact size and type. Downloads are what a `<video>` needs to seek:
//! byte ranges, streamed from disk.

use super::*;
use axum::http::HeaderValue;
use std::io::SeekFrom;
use tokio::io::{AsyncReadExt, AsyncSeekExt};
use tokio_util::io::ReaderStream;

/// How much of a video is read from disk at a time while it is sent.
const STREAM_CHUNK: usize = 64 * 1024;

impl DiskVideos {
    /// The routes that receive uploads and serve downloads; mounted by `reelview-local`.
    /// `HEAD` of a download URL is answered by `serve` too (axum drops the body).
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

/// Where an accepted PUT goes: the file, its exact size, and the type to record (whole
/// objects only).
struct Accepted {
    path: std::path::PathBuf,
    size: u64,
    etag: String,
    content_type: Option<String>,
}

/// `PUT` of a whole object or of one multipart part. A refused PUT still reads what the
/// client sends (up to a bound) before answering, so the client reads the refusal instead of
/// a connection reset mid-upload.
async fn receive(
    State(videos): State<Arc<DiskVideos>>,
    UrlPath(key): UrlPath<String>,
    Query(q): Query<Signed>,
    headers: HeaderMap,
    body: Body,
) -> Response {
    let accepted = match accept(&videos, &key, &q, &headers) {
        Ok(accepted) => accepted,
        Err((status, reason)) => {
            drain(body).await;
            return denied(status, reason);
        }
    };
    if let Err(r) = write_atomically(&accepted.path, body, accepted.size).await {
        return r;
    }
    if let Some(content_type) = accepted.content_type {
        let meta = serde_json::to_vec(&Meta { content_type }).expect("serializable");
        if tokio::fs::write(videos.meta_path(&key), meta)
            .await
            .is_err()
        {
            return denied(StatusCode::INTERNAL_SERVER_ERROR, "storage unavailable");
        }
    }
    (StatusCode::OK, [(header::ETAG, accepted.etag)]).into_response()
}

/// Reads and drops a refused body, up to 64 MiB.
async fn drain(body: Body) {
    const LIMIT: usize = 64 * 1024 * 1024;
    let mut stream = body.into_data_stream();
    let mut seen = 0;
    while let Some(Ok(chunk)) = stream.next().await {
        seen += chunk.len();
        if seen > LIMIT {
            break;
        }
    }
}

/// The checks S3 makes on a presigned PUT: signature, expiry, exact size and type.
fn accept(
    videos: &DiskVideos,
    key: &str,
    q: &Signed,
    headers: &HeaderMap,
) -> Result<Accepted, (StatusCode, &'static str)> {
    if !safe_key(key) {
        return Err((StatusCode::BAD_REQUEST, "invalid key"));
    }
    if q.expires < chrono::Utc::now().timestamp() {
        return Err((StatusCode::FORBIDDEN, "the upload URL has expired"));
    }
    let size = q.size.unwrap_or(0);
    let declared = headers
        .get(header::CONTENT_LENGTH)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.parse::<u64>().ok());
    if declared.is_some_and(|d| d != size) {
        return Err((
            StatusCode::FORBIDDEN,
            "Content-Length differs from the signed size",
        ));
    }
    match q.op.as_str() {
        "put" => {
            let content_type = q.r#type.clone().unwrap_or_default();
            let fields = [
                "put",
                key,
                &content_type,
                &size.to_string(),
                &q.expires.to_string(),
            ];
            if !videos.verifies(&fields, &q.sig) {
                return Err((StatusCode::FORBIDDEN, "signature does not match"));
            }
            let sent_type = headers
                .get(header::CONTENT_TYPE)
                .and_then(|v| v.to_str().ok());
            if sent_type != Some(content_type.as_str()) {
                return Err((
                    StatusCode::FORBIDDEN,
                    "Content-Type differs from the signed type",
                ));
            }
            Ok(Accepted {
                path: videos.object_path(key),
                size,
                etag: format!("\"{size}\""),
                content_type: Some(content_type),
            })
        }
        "part" => {
            let (Some(upload_id), Some(part)) = (q.upload_id.as_deref(), q.part_number) else {
                return Err((StatusCode::BAD_REQUEST, "missing upload id or part number"));
            };
            let fields = [
                "part",
                key,
                upload_id,
                &part.to_string(),
                &size.to_string(),
                &q.expires.to_string(),
            ];
            if !safe_id(upload_id) || !videos.verifies(&fields, &q.sig) {
                return Err((StatusCode::FORBIDDEN, "signature does not match"));
            }
            let staging = videos.staging(upload_id);
            if !staging.is_dir() {
                return Err((StatusCode::NOT_FOUND, "no such multipart upload"));
            }
            Ok(Accepted {
                path: staging.join(format!("part-{part:05}")),
                size,
                etag: format!("\"{part}-{size}\""),
                content_type: None,
            })
        }
        _ => Err((StatusCode::BAD_REQUEST, "unknown operation")),
    }
}

/// What a `Range` header asks of an object.
#[derive(Debug, PartialEq, Eq)]
enum Wanted {
    /// No range, or one we ignore: the whole object, `200`.
    Whole,
    /// Bytes `first..=last` (both within the object), `206`.
    Part { first: u64, last: u64 },
    /// A range past the end, or an empty suffix: `416`.
    Unsatisfiable,
}

/// A decimal number of digits only (`u64::from_str` would also take a `+`).
fn digits(text: &str) -> Option<u64> {
    if text.is_empty() || !text.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    text.parse().ok()
}

/// Reads a `Range` header as a `<video>` element sends it (RFC 9110 §14.1.2): one range of
/// bytes, `bytes=a-b`, `bytes=a-` or `bytes=-n`. Anything else (another unit, several
/// ranges, a malformed or backwards range) is ignored and the whole object served, as the
/// RFC allows.
fn wanted(range: Option<&str>, size: u64) -> Wanted {
    let Some(spec) = range.and_then(|r| r.trim().strip_prefix("bytes=")) else {
        return Wanted::Whole;
    };
    let Some((first, last)) = spec.trim().split_once('-') else {
        return Wanted::Whole;
    };
    let (first, last) = (first.trim(), last.trim());
    if first.is_empty() {
        // The last `n` bytes, or all of them if the object is shorter.
        return match digits(last) {
            None => Wanted::Whole,
            Some(0) => Wanted::Unsatisfiable,
            Some(_) if size == 0 => Wanted::Unsatisfiable,
            Some(n) => Wanted::Part {
                first: size.saturating_sub(n),
                last: size - 1,
            },
        };
    }
    let Some(first) = digits(first) else {
        return Wanted::Whole;
    };
    let last = match last {
        "" => None,
        last => match digits(last) {
            Some(last) if last >= first => Some(last),
            _ => return Wanted::Whole,
        },
    };
    if first >= size {
        return Wanted::Unsatisfiable;
    }
    Wanted::Part {
        first,
        last: last.map_or(size - 1, |last| last.min(size - 1)),
    }
}

/// `GET` (and `HEAD`) of an object through a signed download URL: served with the type it
/// was signed for, inline, whole or one byte range, streamed from disk.
async fn serve(
    State(videos): State<Arc<DiskVideos>>,
    UrlPath(key): UrlPath<String>,
    Query(q): Query<Signed>,
    headers: HeaderMap,
) -> Response {
    if !safe_key(&key) || q.op != "get" {
        return denied(StatusCode::BAD_REQUEST, "invalid request");
    }
    if q.expires < chrono::Utc::now().timestamp() {
        return denied(StatusCode::FORBIDDEN, "the download URL has expired");
    }
    let content_type = q.r#type.as_deref().unwrap_or_default();
    if !videos.verifies(&["get", &key, content_type, &q.expires.to_string()], &q.sig) {
        return denied(StatusCode::FORBIDDEN, "signature does not match");
    }
    let Ok(content_type) = HeaderValue::from_str(content_type) else {
        return denied(StatusCode::BAD_REQUEST, "invalid content type");
    };
    let unavailable = || denied(StatusCode::INTERNAL_SERVER_ERROR, "storage unavailable");
    // Opened once: the size and the bytes sent are those of the same file, even if the key
    // is written again meanwhile (uploads replace it by renaming).
    let Ok(mut file) = tokio::fs::File::open(videos.object_path(&key)).await else {
        return denied(StatusCode::NOT_FOUND, "no such object");
    };
    let size = match file.metadata().await {
        Ok(metadata) if metadata.is_file() => metadata.len(),
        // A key that names a folder of objects is no object.
        Ok(_) => return denied(StatusCode::NOT_FOUND, "no such object"),
        Err(_) => return unavailable(),
    };
    let range = headers.get(header::RANGE).and_then(|v| v.to_str().ok());
    let (status, first, length) = match wanted(range, size) {
        Wanted::Whole => (StatusCode::OK, 0, size),
        Wanted::Part { first, last } => (StatusCode::PARTIAL_CONTENT, first, last - first + 1),
        Wanted::Unsatisfiable => {
            return (
                StatusCode::RANGE_NOT_SATISFIABLE,
                [
                    (header::CONTENT_RANGE, format!("bytes */{size}")),
                    (header::ACCEPT_RANGES, "bytes".into()),
                ],
            )
                .into_response();
        }
    };
    if first > 0 && file.seek(SeekFrom::Start(first)).await.is_err() {
        return unavailable();
    }
    let mut response = Response::builder()
        .status(status)
        .header(header::CONTENT_TYPE, content_type)
        .header(header::CONTENT_DISPOSITION, "inline")
        .header(header::ACCEPT_RANGES, "bytes")
        .header(header::X_CONTENT_TYPE_OPTIONS, "nosniff")
        .header(header::CONTENT_LENGTH, length);
    if status == StatusCode::PARTIAL_CONTENT {
        let last = first + length - 1;
        response = response.header(
            header::CONTENT_RANGE,
            format!("bytes {first}-{last}/{size}"),
        );
    }
    let body = Body::from_stream(ReaderStream::with_capacity(file.take(length), STREAM_CHUNK));
    response.body(body).unwrap_or_else(|_| unavailable())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_the_ranges_a_video_element_sends() {
        let part = |first, last| Wanted::Part { first, last };
        assert_eq!(wanted(None, 100), Wanted::Whole);
        assert_eq!(wanted(Some("bytes=10-19"), 100), part(10, 19));
        assert_eq!(wanted(Some("bytes=0-"), 100), part(0, 99));
        assert_eq!(wanted(Some("bytes=90-"), 100), part(90, 99));
        assert_eq!(wanted(Some("bytes=90-500"), 100), part(90, 99), "clamped");
        assert_eq!(wanted(Some("bytes=99-99"), 100), part(99, 99));
        assert_eq!(wanted(Some("bytes=-5"), 100), part(95, 99));
        assert_eq!(wanted(Some("bytes=-500"), 100), part(0, 99), "all of it");
        assert_eq!(wanted(Some("bytes=100-"), 100), Wanted::Unsatisfiable);
        assert_eq!(wanted(Some("bytes=100-200"), 100), Wanted::Unsatisfiable);
        assert_eq!(wanted(Some("bytes=-0"), 100), Wanted::Unsatisfiable);
        assert_eq!(wanted(Some("bytes=0-"), 0), Wanted::Unsatisfiable);
        assert_eq!(wanted(Some("bytes=-5"), 0), Wanted::Unsatisfiable);
    }

    #[test]
    fn ignores_ranges_it_does_not_serve() {
        for range in [
            "items=0-5",
            "bytes=5",
            "bytes=-",
            "bytes=a-b",
            "bytes=+1-5",
            "bytes=20-10",
            "bytes=0-1,5-6",
            "bytes=99999999999999999999999-",
        ] {
            assert_eq!(wanted(Some(range), 100), Wanted::Whole, "{range}");
        }
    }

    /// Asks `serve` for `key` through a URL signed for `video/webm`.
    async fn get(videos: &Arc<DiskVideos>, key: &str, range: Option<&str>) -> Response {
        let expires = chrono::Utc::now().timestamp() + 60;
        let q = Signed {
            op: "get".into(),
            r#type: Some("video/webm".into()),
            size: None,
            upload_id: None,
            part_number: None,
            expires,
            sig: videos.signature(&["get", key, "video/webm", &expires.to_string()]),
        };
        let mut headers = HeaderMap::new();
        if let Some(range) = range {
            headers.insert(header::RANGE, range.parse().expect("header value"));
        }
        serve(
            State(videos.clone()),
            UrlPath(key.into()),
            Query(q),
            headers,
        )
        .await
    }

    fn header_of(response: &Response, name: header::HeaderName) -> Option<&str> {
        response.headers().get(name).and_then(|v| v.to_str().ok())
    }

    #[tokio::test]
    async fn serves_whole_objects_ranges_and_refuses_ranges_past_the_end() {
        let dir = tempfile::tempdir().expect("temp dir");
        let videos = Arc::new(DiskVideos::open(dir.path(), "http://localhost").expect("open"));
        let key = "tenant/interview/question/attempt";
        let body: Vec<u8> = (0..=255u8).cycle().take(1000).collect();
        let path = videos.object_path(key);
        std::fs::create_dir_all(path.parent().expect("parent")).expect("folders");
        std::fs::write(&path, &body).expect("object");

        let whole = get(&videos, key, None).await;
        assert_eq!(whole.status(), StatusCode::OK);
        assert_eq!(header_of(&whole, header::CONTENT_LENGTH), Some("1000"));
        assert_eq!(header_of(&whole, header::CONTENT_RANGE), None);
        let bytes = axum::body::to_bytes(whole.into_body(), usize::MAX).await;
        assert_eq!(bytes.expect("body")[..], body[..]);

        let part = get(&videos, key, Some("bytes=100-")).await;
        assert_eq!(part.status(), StatusCode::PARTIAL_CONTENT);
        assert_eq!(header_of(&part, header::CONTENT_LENGTH), Some("900"));
        assert_eq!(
            header_of(&part, header::CONTENT_RANGE),
            Some("bytes 100-999/1000")
        );
        let bytes = axum::body::to_bytes(part.into_body(), usize::MAX).await;
        assert_eq!(bytes.expect("body")[..], body[100..]);

        let past = get(&videos, key, Some("bytes=1000-")).await;
        assert_eq!(past.status(), StatusCode::RANGE_NOT_SATISFIABLE);
        assert_eq!(
            header_of(&past, header::CONTENT_RANGE),
            Some("bytes */1000")
        );

        let folder = get(&videos, "tenant/interview", None).await;
        assert_eq!(
            folder.status(),
            StatusCode::NOT_FOUND,
            "a folder is no object"
        );
    }

    #[test]
    fn a_signature_is_checked_whole() {
        let dir = tempfile::tempdir().expect("temp dir");
        let videos = DiskVideos::open(dir.path(), "http://localhost").expect("videos open");
        let sig = videos.signature(&["get", "k", "video/webm", "1"]);
        assert!(videos.verifies(&["get", "k", "video/webm", "1"], &sig));
        assert!(!videos.verifies(&["get", "k", "text/html", "1"], &sig));
        assert!(!videos.verifies(&["get", "k", "video/webm", "1"], &sig[..sig.len() - 2]));
        assert!(!videos.verifies(&["get", "k", "video/webm", "1"], ""));
        assert!(!videos.verifies(&["get", "k", "video/webm", "1"], &sig.to_uppercase()));
    }
}
