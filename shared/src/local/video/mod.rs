//! Videos on disk, behind signed expiring URLs served by the local process: the browser
//! uploads to `reelview-local` exactly as it would to S3, and the same rules hold (exact size,
//! exact type, expiry, a signature over all of them). `routes` serves those URLs, and signed
//! downloads with the type they were signed for, streamed from disk, with byte ranges.

mod routes;

use crate::domain::PENDING_PREFIX;
use crate::ports::{
    PortResult, SignedRequest, StoredObject, Unavailable, UploadedPart, VideoStorage,
};
use async_trait::async_trait;
use axum::body::Body;
use axum::extract::{Path as UrlPath, Query, State};
use axum::http::{header, HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::put;
use axum::Router;
use futures::StreamExt;
use hmac::{Hmac, Mac};
use serde::{Deserialize, Serialize};
use sha2::Sha256;
use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::Duration;
use tokio::io::AsyncWriteExt;

pub const UPLOAD_ROUTE_PREFIX: &str = "/local-uploads";

pub struct DiskVideos {
    root: PathBuf,
    base_url: String,
    key: [u8; 32],
}

#[derive(Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
struct Meta {
    content_type: String,
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Signed {
    op: String,
    #[serde(default)]
    r#type: Option<String>,
    #[serde(default)]
    size: Option<u64>,
    #[serde(default)]
    upload_id: Option<String>,
    #[serde(default)]
    part_number: Option<u32>,
    expires: i64,
    sig: String,
}

/// Object keys are `tenant/interview/question/attempt`: uuid segments only, so no key can
/// step outside the video folder.
fn safe_key(key: &str) -> bool {
    !key.is_empty()
        && key.split('/').all(|seg| {
            !seg.is_empty() && seg.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-')
        })
}

fn safe_id(id: &str) -> bool {
    !id.is_empty() && id.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-')
}

impl DiskVideos {
    /// `base_url` is where this process is reachable (`PUBLIC_BASE_URL`). The signing key is
    /// kept in the data directory so URLs stay valid across a restart.
    pub fn open(data_dir: &Path, base_url: &str) -> Result<Self, Unavailable> {
        let root = data_dir.join("videos");
        std::fs::create_dir_all(root.join(".multipart"))
            .map_err(|e| Unavailable::from_err("creating video folder", e))?;
        let key_path = data_dir.join("upload-signing.key");
        let key = match std::fs::read(&key_path) {
            Ok(bytes) if bytes.len() == 32 => bytes.try_into().expect("32 bytes"),
            _ => {
                let key: [u8; 32] = rand::random();
                super::write_private(&key_path, &key)
                    .map_err(|e| Unavailable::from_err("writing signing key", e))?;
                key
            }
        };
        Ok(Self {
            root,
            base_url: base_url.trim_end_matches('/').to_string(),
            key,
        })
    }

    /// What the bucket's lifecycle rules do on AWS: removes staged uploads (under `pending/`)
    /// and unfinished multipart uploads older than `age`. Returns how many it removed.
    pub fn expire_staged(&self, age: Duration) -> usize {
        let Some(cutoff) = std::time::SystemTime::now().checked_sub(age) else {
            return 0;
        };
        let old = |path: &Path| {
            std::fs::metadata(path)
                .and_then(|m| m.modified())
                .is_ok_and(|modified| modified < cutoff)
        };
        let mut removed = 0;
        let mut folders = vec![self.root.join(PENDING_PREFIX)];
        while let Some(folder) = folders.pop() {
            for entry in std::fs::read_dir(&folder).into_iter().flatten().flatten() {
                let path = entry.path();
                if path.is_dir() {
                    folders.push(path);
                } else if old(&path) && std::fs::remove_file(&path).is_ok() {
                    removed += 1;
                }
            }
        }
        for entry in std::fs::read_dir(self.root.join(".multipart"))
            .into_iter()
            .flatten()
            .flatten()
        {
            if old(&entry.path()) && std::fs::remove_dir_all(entry.path()).is_ok() {
                removed += 1;
            }
        }
        removed
    }

    fn mac(&self, fields: &[&str]) -> Hmac<Sha256> {
        let mut mac = Hmac::<Sha256>::new_from_slice(&self.key).expect("any key length");
        for field in fields {
            mac.update(field.as_bytes());
            mac.update(b"\n");
        }
        mac
    }

    fn signature(&self, fields: &[&str]) -> String {
        format!("{:x}", self.mac(fields).finalize().into_bytes())
    }

    /// Whether `sig` (lower-case hex) signs `fields`. The MAC is compared in constant time,
    /// so the time a refusal takes tells nothing about how much of a guess was right.
    fn verifies(&self, fields: &[&str], sig: &str) -> bool {
        hex_bytes(sig).is_some_and(|bytes| self.mac(fields).verify_slice(&bytes).is_ok())
    }

    fn object_path(&self, key: &str) -> PathBuf {
        self.root.join(key)
    }

    fn meta_path(&self, key: &str) -> PathBuf {
        self.root.join(format!("{key}.meta.json"))
    }

    fn staging(&self, upload_id: &str) -> PathBuf {
        self.root.join(".multipart").join(upload_id)
    }

    fn expiry(expires_in: Duration) -> i64 {
        chrono::Utc::now().timestamp() + expires_in.as_secs() as i64
    }

    fn url(&self, key: &str, query: &[(&str, String)]) -> String {
        let query: Vec<String> = query
            .iter()
            .map(|(k, v)| format!("{k}={}", crate::encoding::percent_encode(v)))
            .collect();
        format!(
            "{}{UPLOAD_ROUTE_PREFIX}/{key}?{}",
            self.base_url,
            query.join("&")
        )
    }
}

/// Decodes lower-case hex, as `signature` writes it.
fn hex_bytes(hex: &str) -> Option<Vec<u8>> {
    fn nibble(c: u8) -> Option<u8> {
        match c {
            b'0'..=b'9' => Some(c - b'0'),
            b'a'..=b'f' => Some(c - b'a' + 10),
            _ => None,
        }
    }
    if !hex.len().is_multiple_of(2) {
        return None;
    }
    hex.as_bytes()
        .chunks(2)
        .map(|pair| Some(nibble(pair[0])? << 4 | nibble(pair[1])?))
        .collect()
}

/// A file beside `target` that only this call writes: concurrent completions of one upload
/// never write into each other's file.
fn partial_path(target: &Path) -> PathBuf {
    target.with_extension(format!("partial-{}", uuid::Uuid::new_v4()))
}

fn io(context: &str) -> impl Fn(std::io::Error) -> Unavailable + '_ {
    move |e| Unavailable::from_err(context, e)
}

#[async_trait]
impl VideoStorage for DiskVideos {
    async fn presign_put(
        &self,
        key: &str,
        content_type: &str,
        size: u64,
        expires_in: Duration,
    ) -> PortResult<SignedRequest> {
        let expires = Self::expiry(expires_in);
        let sig = self.signature(&[
            "put",
            key,
            content_type,
            &size.to_string(),
            &expires.to_string(),
        ]);
        Ok(SignedRequest {
            url: self.url(
                key,
                &[
                    ("op", "put".into()),
                    ("type", content_type.into()),
                    ("size", size.to_string()),
                    ("expires", expires.to_string()),
                    ("sig", sig),
                ],
            ),
            headers: vec![("content-type".into(), content_type.into())],
        })
    }

    async fn start_multipart(&self, key: &str, content_type: &str) -> PortResult<String> {
        let upload_id = uuid::Uuid::new_v4().to_string();
        let staging = self.staging(&upload_id);
        tokio::fs::create_dir_all(&staging)
            .await
            .map_err(io("starting multipart upload"))?;
        let meta = serde_json::json!({ "key": key, "contentType": content_type });
        tokio::fs::write(staging.join("upload.json"), meta.to_string())
            .await
            .map_err(io("starting multipart upload"))?;
        Ok(upload_id)
    }

    async fn presign_part(
        &self,
        key: &str,
        storage_upload_id: &str,
        part_number: u32,
        size: u64,
        expires_in: Duration,
    ) -> PortResult<SignedRequest> {
        let expires = Self::expiry(expires_in);
        let sig = self.signature(&[
            "part",
            key,
            storage_upload_id,
            &part_number.to_string(),
            &size.to_string(),
            &expires.to_string(),
        ]);
        Ok(SignedRequest {
            url: self.url(
                key,
                &[
                    ("op", "part".into()),
                    ("uploadId", storage_upload_id.into()),
                    ("partNumber", part_number.to_string()),
                    ("size", size.to_string()),
                    ("expires", expires.to_string()),
                    ("sig", sig),
                ],
            ),
            headers: vec![],
        })
    }

    async fn list_parts(
        &self,
        _key: &str,
        storage_upload_id: &str,
    ) -> PortResult<Vec<UploadedPart>> {
        if !safe_id(storage_upload_id) {
            return Ok(vec![]);
        }
        let mut parts = Vec::new();
        let mut dir = match tokio::fs::read_dir(self.staging(storage_upload_id)).await {
            Ok(dir) => dir,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(vec![]),
            Err(e) => return Err(Unavailable::from_err("listing parts", e)),
        };
        while let Some(entry) = dir.next_entry().await.map_err(io("listing parts"))? {
            let name = entry.file_name().to_string_lossy().to_string();
            if let Some(number) = name
                .strip_prefix("part-")
                .and_then(|n| n.parse::<u32>().ok())
            {
                let size = entry.metadata().await.map_err(io("listing parts"))?.len();
                parts.push(UploadedPart {
                    part_number: number,
                    size,
                    etag: format!("\"{number}-{size}\""),
                });
            }
        }
        parts.sort_by_key(|p| p.part_number);
        Ok(parts)
    }

    async fn complete_multipart(
        &self,
        key: &str,
        storage_upload_id: &str,
        parts: &[UploadedPart],
    ) -> PortResult<()> {
        let staging = self.staging(storage_upload_id);
        let meta: HashMap<String, String> = serde_json::from_slice(
            &tokio::fs::read(staging.join("upload.json"))
                .await
                .map_err(io("completing multipart upload"))?,
        )
        .map_err(|e| Unavailable::from_err("completing multipart upload", e))?;
        let target = self.object_path(key);
        if let Some(parent) = target.parent() {
            tokio::fs::create_dir_all(parent)
                .await
                .map_err(io("completing multipart upload"))?;
        }
        let partial = partial_path(&target);
        let mut out = tokio::fs::File::create(&partial)
            .await
            .map_err(io("completing multipart upload"))?;
        for part in parts {
            let bytes = tokio::fs::read(staging.join(format!("part-{:05}", part.part_number)))
                .await
                .map_err(io("completing multipart upload"))?;
            out.write_all(&bytes)
                .await
                .map_err(io("completing multipart upload"))?;
        }
        out.sync_all()
            .await
            .map_err(io("completing multipart upload"))?;
        tokio::fs::rename(&partial, &target)
            .await
            .map_err(io("completing multipart upload"))?;
        let content_type = meta.get("contentType").cloned().unwrap_or_default();
        tokio::fs::write(
            self.meta_path(key),
            serde_json::to_vec(&Meta { content_type }).expect("serializable"),
        )
        .await
        .map_err(io("completing multipart upload"))?;
        let _ = tokio::fs::remove_dir_all(&staging).await;
        Ok(())
    }

    async fn abort_multipart(&self, _key: &str, storage_upload_id: &str) -> PortResult<()> {
        if safe_id(storage_upload_id) {
            let _ = tokio::fs::remove_dir_all(self.staging(storage_upload_id)).await;
        }
        Ok(())
    }

    async fn head(&self, key: &str) -> PortResult<Option<StoredObject>> {
        if !safe_key(key) {
            return Ok(None);
        }
        let metadata = match tokio::fs::metadata(self.object_path(key)).await {
            Ok(m) => m,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(None),
            Err(e) => return Err(Unavailable::from_err("reading object", e)),
        };
        let content_type = tokio::fs::read(self.meta_path(key))
            .await
            .ok()
            .and_then(|m| serde_json::from_slice::<Meta>(&m).ok())
            .map(|m| m.content_type);
        Ok(Some(StoredObject {
            size: metadata.len(),
            content_type,
        }))
    }

    async fn copy(&self, from: &str, to: &str) -> PortResult<()> {
        if !safe_key(from) || !safe_key(to) {
            return Err(Unavailable(format!(
                "copy between unsafe keys {from} and {to}"
            )));
        }
        let target = self.object_path(to);
        if let Some(parent) = target.parent() {
            tokio::fs::create_dir_all(parent)
                .await
                .map_err(io("copying object"))?;
        }
        // Through a partial file and a rename, so the target is never seen half written.
        let partial = partial_path(&target);
        tokio::fs::copy(self.object_path(from), &partial)
            .await
            .map_err(io("copying object"))?;
        tokio::fs::rename(&partial, &target)
            .await
            .map_err(io("copying object"))?;
        match tokio::fs::copy(self.meta_path(from), self.meta_path(to)).await {
            Err(e) if e.kind() != std::io::ErrorKind::NotFound => {
                Err(Unavailable::from_err("copying object", e))
            }
            _ => Ok(()),
        }
    }

    async fn delete(&self, key: &str) -> PortResult<()> {
        if safe_key(key) {
            let _ = tokio::fs::remove_file(self.object_path(key)).await;
            let _ = tokio::fs::remove_file(self.meta_path(key)).await;
        }
        Ok(())
    }

    async fn presign_get(
        &self,
        key: &str,
        content_type: &str,
        expires_in: Duration,
    ) -> PortResult<String> {
        let expires = Self::expiry(expires_in);
        // The type is signed, as S3 signs `response-content-type`: an edited URL cannot serve
        // the video as, say, text/html from this origin.
        let sig = self.signature(&["get", key, content_type, &expires.to_string()]);
        Ok(self.url(
            key,
            &[
                ("op", "get".into()),
                ("type", content_type.into()),
                ("expires", expires.to_string()),
                ("sig", sig),
            ],
        ))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_staged_uploads_expire() {
        let dir = tempfile::tempdir().unwrap();
        let videos = DiskVideos::open(dir.path(), "http://127.0.0.1:1").unwrap();
        let answer = videos.object_path("t/i/q/a");
        let staged = videos.object_path("pending/t/i/q/b");
        let unfinished = videos.staging("u");
        for file in [&answer, &staged, &unfinished.join("part-00001")] {
            std::fs::create_dir_all(file.parent().unwrap()).unwrap();
            std::fs::write(file, b"video").unwrap();
        }
        assert_eq!(
            videos.expire_staged(Duration::from_secs(3600)),
            0,
            "all fresh"
        );
        std::thread::sleep(Duration::from_millis(20));
        assert_eq!(videos.expire_staged(Duration::from_millis(10)), 2);
        assert!(answer.exists(), "answers never expire");
        assert!(!staged.exists());
        assert!(!unfinished.exists());
    }
}
