//! Video storage: presigned uploads (single and multipart), checks, playback and deletion.

use super::PortResult;
use async_trait::async_trait;
use serde::{Deserialize, Serialize};
/// A URL the browser can use directly, with the headers it must send as signed.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SignedRequest {
    pub url: String,
    pub headers: Vec<(String, String)>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StoredObject {
    pub size: u64,
    pub content_type: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct UploadedPart {
    pub part_number: u32,
    pub size: u64,
    pub etag: String,
}

#[async_trait]
pub trait VideoStorage: Send + Sync {
    /// A PUT URL that only accepts exactly `size` bytes of `content_type` at `key`.
    async fn presign_put(
        &self,
        key: &str,
        content_type: &str,
        size: u64,
        expires_in: std::time::Duration,
    ) -> PortResult<SignedRequest>;
    async fn start_multipart(&self, key: &str, content_type: &str) -> PortResult<String>;
    async fn presign_part(
        &self,
        key: &str,
        storage_upload_id: &str,
        part_number: u32,
        size: u64,
        expires_in: std::time::Duration,
    ) -> PortResult<SignedRequest>;
    async fn list_parts(&self, key: &str, storage_upload_id: &str)
        -> PortResult<Vec<UploadedPart>>;
    async fn complete_multipart(
        &self,
        key: &str,
        storage_upload_id: &str,
        parts: &[UploadedPart],
    ) -> PortResult<()>;
    async fn abort_multipart(&self, key: &str, storage_upload_id: &str) -> PortResult<()>;
    async fn head(&self, key: &str) -> PortResult<Option<StoredObject>>;
    /// Copies the object at `from` to `to`, content type included. Objects are at most a
    /// position's upload ceiling (4 GiB), within what one copy request may copy (5 GB).
    async fn copy(&self, from: &str, to: &str) -> PortResult<()>;
    async fn delete(&self, key: &str) -> PortResult<()>;
    /// A GET URL for a browser's `<video>`: it serves the object at `key` with
    /// `Content-Type: <content_type>` and `Content-Disposition: inline`, answers `Range`
    /// requests (206, for seeking), and is valid for `expires_in` (callers pass at most an hour).
    async fn presign_get(
        &self,
        key: &str,
        content_type: &str,
        expires_in: std::time::Duration,
    ) -> PortResult<String>;
}
