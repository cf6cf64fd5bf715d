//! `Idempotency-Key` on creating POSTs: the first response is stored for 24 h (its candidate
//! links sealed) and replayed for the same key, so a client retrying after a timeout never
//! creates or emails twice.

use super::HttpState;
use crate::app::{Caller, Error};
use crate::ports::{IdempotencyClaim, StoredResponse};
use axum::http::{HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use sha2::{Digest, Sha256};
use std::future::Future;

pub const RETENTION_HOURS: i64 = 24;
/// How long a running request holds its key; longer than any request can take.
const LEASE_SECONDS: i64 = 120;
/// The largest response kept for replay. A DynamoDB item holds at most 400 KB; a larger
/// response is answered but not kept, and its key freed, so retries are never blocked.
pub const MAX_KEPT_RESPONSE_BYTES: usize = 300 * 1024;

/// A handler's answer before it becomes an HTTP response.
pub type Outcome = Result<(StatusCode, serde_json::Value), Error>;

fn into_stored(outcome: Outcome) -> StoredResponse {
    match outcome {
        Ok((status, body)) => StoredResponse {
            status: status.as_u16(),
            body: body.to_string(),
        },
        Err(e) => StoredResponse {
            status: e.status_and_code().0.as_u16(),
            body: e.problem().to_string(),
        },
    }
}

fn respond(stored: StoredResponse, replayed: bool) -> Response {
    let status = StatusCode::from_u16(stored.status).unwrap_or(StatusCode::OK);
    let content_type = if status.is_client_error() || status.is_server_error() {
        "application/problem+json"
    } else {
        "application/json"
    };
    let mut response = (status, stored.body).into_response();
    let headers = response.headers_mut();
    headers.insert("content-type", HeaderValue::from_static(content_type));
    if replayed {
        headers.insert("idempotent-replayed", HeaderValue::from_static("true"));
    }
    response
}

/// Runs `handler` at most once per (tenant, key). `request_identity` is whatever identifies
/// the request (route and body): reusing a key for another request is refused.
pub async fn run_once<F, Fut>(
    state: &HttpState,
    caller: &Caller,
    key: Option<String>,
    request_identity: &[&[u8]],
    handler: F,
) -> Response
where
    F: FnOnce() -> Fut,
    Fut: Future<Output = Outcome>,
{
    let Some(key) = key else {
        return respond(into_stored(handler().await), false);
    };
    let mut hasher = Sha256::new();
    for part in request_identity {
        hasher.update((part.len() as u64).to_be_bytes());
        hasher.update(part);
    }
    let fingerprint = format!("{:x}", hasher.finalize());
    let app = &state.app;
    let now = app.clock.now();
    let lease_until = now + chrono::Duration::seconds(LEASE_SECONDS);
    let claim = app
        .idempotency
        .claim(caller.tenant_id, &key, &fingerprint, now, lease_until)
        .await;
    // Candidate links in a kept response are sealed: the table and its backups never hold a
    // live link; a replay opens them again with the link key.
    let context = format!("{}/{key}", caller.tenant_id);
    let at_rest = |stored: &StoredResponse, seal: bool| match app.links.as_ref() {
        None => stored.clone(),
        Some(links) => StoredResponse {
            status: stored.status,
            body: if seal {
                links.seal(&stored.body, &context)
            } else {
                links.open(&stored.body, &context)
            },
        },
    };
    match claim {
        Err(e) => Error::from(e).into_response(),
        Ok(IdempotencyClaim::Replay(stored)) => respond(at_rest(&stored, false), true),
        Ok(IdempotencyClaim::Mismatch) => Error::IdempotencyKeyReused.into_response(),
        Ok(IdempotencyClaim::InProgress) => Error::IdempotencyInProgress.into_response(),
        Ok(IdempotencyClaim::Claimed(lease)) => {
            let stored = into_stored(handler().await);
            let kept = at_rest(&stored, true);
            let store = &app.idempotency;
            // A server error is not an answer worth replaying, and a response too large to
            // keep cannot be replayed: free the key for a retry.
            let recorded = if stored.status >= 500 || kept.body.len() > MAX_KEPT_RESPONSE_BYTES {
                store.release(caller.tenant_id, &key, &lease).await
            } else {
                let keep_until = app.clock.now() + chrono::Duration::hours(RETENTION_HOURS);
                let finished = store
                    .finish(caller.tenant_id, &key, &lease, &kept, keep_until)
                    .await;
                match finished {
                    // Unkept, the claim would block retries until its lease ran out.
                    Err(e) => Err(e).or(store.release(caller.tenant_id, &key, &lease).await),
                    ok => ok,
                }
            };
            if let Err(e) = recorded {
                tracing::error!(error = %e, "could not record idempotent response");
            }
            respond(stored, false)
        }
    }
}

#[cfg(all(test, feature = "local"))]
mod tests {
    use super::*;
    use crate::app::testing;

    /// Runs an idempotent request with `key` whose handler answers `body`, and returns the
    /// status and whether the handler ran.
    async fn request(state: &HttpState, caller: &Caller, body: serde_json::Value) -> (u16, bool) {
        let ran = std::sync::atomic::AtomicBool::new(false);
        let response = run_once(state, caller, Some("key-1".into()), &[b"same"], || async {
            ran.store(true, std::sync::atomic::Ordering::SeqCst);
            Ok((StatusCode::CREATED, body))
        })
        .await;
        (response.status().as_u16(), ran.into_inner())
    }

    #[tokio::test]
    async fn a_response_too_large_to_keep_is_answered_and_its_key_freed() {
        let dir = tempfile::tempdir().unwrap();
        let (app, _) = testing::app(dir.path());
        let state = HttpState {
            app,
            admin_key: None,
        };
        let caller = testing::caller();
        let huge = serde_json::json!({ "rows": "x".repeat(MAX_KEPT_RESPONSE_BYTES + 1) });
        assert_eq!(request(&state, &caller, huge).await, (201, true));
        // Not kept, and not blocking: the retry runs.
        let small = serde_json::json!({ "id": 1 });
        assert_eq!(request(&state, &caller, small.clone()).await, (201, true));
        // A response that fits is kept and replayed.
        assert_eq!(request(&state, &caller, small).await, (201, false));
    }
}
