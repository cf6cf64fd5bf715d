use crate::ports::{
    PortResult, SignedRequest, StoredObject, Unavailable, UploadedPart, VideoStorage,
};
use async_trait::async_trait;
use aws_sdk_s3::presigning::PresigningConfig;
use aws_sdk_s3::types::{CompletedMultipartUpload, CompletedPart};
use std::time::Duration;

/// Videos in one S3 bucket. The browser talks to S3 through presigned URLs; this adapter only
/// signs, checks (HeadObject) and tidies up.
pub struct S3Videos {
    client: aws_sdk_s3::Client,
    bucket: String,
}

impl S3Videos {
    pub fn new(client: aws_sdk_s3::Client, bucket: String) -> Self {
        Self { client, bucket }
    }
}

fn unavailable(context: &'static str) -> impl Fn(String) -> Unavailable {
    move |e| Unavailable(format!("S3 {context}: {e}"))
}

fn presigning(expires_in: Duration) -> PortResult<PresigningConfig> {
    PresigningConfig::expires_in(expires_in).map_err(|e| Unavailable(e.to_string()))
}

/// The URL and the headers the browser must send. Only headers covered by the signature go
/// into the ticket: under Lambda the SDK also attaches `x-amzn-trace-id` (recursion
/// detection), which is not signed, and a browser that sent it would fail the bucket's CORS
/// preflight. Content-Length is signed but set by the browser itself, which refuses to have
/// it set.
fn signed(request: aws_sdk_s3::presigning::PresignedRequest) -> SignedRequest {
    let url = request.uri().to_string();
    let signed_headers = signed_header_names(&url);
    SignedRequest {
        headers: request
            .headers()
            .filter(|(name, _)| {
                let name = name.to_ascii_lowercase();
                name != "content-length" && name != "host" && signed_headers.contains(&name)
            })
            .map(|(name, value)| (name.to_string(), value.to_string()))
            .collect(),
        url,
    }
}

/// The lower-cased header names of a presigned URL's `X-Amz-SignedHeaders` parameter.
fn signed_header_names(url: &str) -> Vec<String> {
    let query = url.split_once('?').map(|(_, q)| q).unwrap_or("");
    query
        .split('&')
        .filter_map(|pair| pair.split_once('='))
        .find(|(name, _)| name.eq_ignore_ascii_case("X-Amz-SignedHeaders"))
        .map(|(_, value)| {
            value
                .replace("%3B", ";")
                .replace("%3b", ";")
                .split(';')
                .map(str::to_ascii_lowercase)
                .collect()
        })
        .unwrap_or_default()
}

#[async_trait]
impl VideoStorage for S3Videos {
    async fn presign_put(
        &self,
        key: &str,
        content_type: &str,
        size: u64,
        expires_in: Duration,
    ) -> PortResult<SignedRequest> {
        // Content-Type and Content-Length are both signed: S3 refuses any other size or type.
        let request = self
            .client
            .put_object()
            .bucket(&self.bucket)
            .key(key)
            .content_type(content_type)
            .content_length(size as i64)
            .presigned(presigning(expires_in)?)
            .await
            .map_err(|e| unavailable("presign put")(e.to_string()))?;
        Ok(signed(request))
    }

    async fn start_multipart(&self, key: &str, content_type: &str) -> PortResult<String> {
        let out = self
            .client
            .create_multipart_upload()
            .bucket(&self.bucket)
            .key(key)
            .content_type(content_type)
            .send()
            .await
            .map_err(|e| {
                unavailable("create multipart upload")(e.into_service_error().to_string())
            })?;
        out.upload_id()
            .map(str::to_string)
            .ok_or_else(|| Unavailable("S3 returned no upload id".into()))
    }

    async fn presign_part(
        &self,
        key: &str,
        storage_upload_id: &str,
        part_number: u32,
        size: u64,
        expires_in: Duration,
    ) -> PortResult<SignedRequest> {
        let request = self
            .client
            .upload_part()
            .bucket(&self.bucket)
            .key(key)
            .upload_id(storage_upload_id)
            .part_number(part_number as i32)
            .content_length(size as i64)
            .presigned(presigning(expires_in)?)
            .await
            .map_err(|e| unavailable("presign part")(e.to_string()))?;
        Ok(signed(request))
    }

    async fn list_parts(
        &self,
        key: &str,
        storage_upload_id: &str,
    ) -> PortResult<Vec<UploadedPart>> {
        let mut parts = Vec::new();
        let mut marker: Option<String> = None;
        loop {
            let page = self
                .client
                .list_parts()
                .bucket(&self.bucket)
                .key(key)
                .upload_id(storage_upload_id)
                .set_part_number_marker(marker.clone())
                .send()
                .await;
            let page = match page {
                Ok(page) => page,
                Err(e) => {
                    let service = e.into_service_error();
                    // A finished or aborted upload has no parts left to list.
                    if service.meta().code() == Some("NoSuchUpload") {
                        return Ok(vec![]);
                    }
                    return Err(unavailable("list parts")(format!("{service:?}")));
                }
            };
            for part in page.parts() {
                parts.push(UploadedPart {
                    part_number: part.part_number().unwrap_or_default() as u32,
                    size: part.size().unwrap_or_default() as u64,
                    etag: part.e_tag().unwrap_or_default().to_string(),
                });
            }
            if page.is_truncated() == Some(true) {
                marker = page.next_part_number_marker().map(str::to_string);
                if marker.is_none() {
                    break;
                }
            } else {
                break;
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
        let completed = parts
            .iter()
            .map(|p| {
                CompletedPart::builder()
                    .part_number(p.part_number as i32)
                    .e_tag(&p.etag)
                    .build()
            })
            .collect();
        self.client
            .complete_multipart_upload()
            .bucket(&self.bucket)
            .key(key)
            .upload_id(storage_upload_id)
            .multipart_upload(
                CompletedMultipartUpload::builder()
                    .set_parts(Some(completed))
                    .build(),
            )
            .send()
            .await
            .map_err(|e| {
                unavailable("complete multipart upload")(e.into_service_error().to_string())
            })?;
        Ok(())
    }

    async fn abort_multipart(&self, key: &str, storage_upload_id: &str) -> PortResult<()> {
        let outcome = self
            .client
            .abort_multipart_upload()
            .bucket(&self.bucket)
            .key(key)
            .upload_id(storage_upload_id)
            .send()
            .await;
        match outcome {
            Ok(_) => Ok(()),
            Err(e) => {
                let service = e.into_service_error();
                if service.meta().code() == Some("NoSuchUpload") {
                    Ok(())
                } else {
                    Err(unavailable("abort multipart upload")(service.to_string()))
                }
            }
        }
    }

    async fn head(&self, key: &str) -> PortResult<Option<StoredObject>> {
        match self
            .client
            .head_object()
            .bucket(&self.bucket)
            .key(key)
            .send()
            .await
        {
            Ok(object) => Ok(Some(StoredObject {
                size: object.content_length().unwrap_or_default().max(0) as u64,
                content_type: object.content_type().map(str::to_string),
            })),
            Err(e) => {
                let service = e.into_service_error();
                if service.is_not_found() {
                    Ok(None)
                } else {
                    Err(unavailable("head object")(service.to_string()))
                }
            }
        }
    }

    async fn copy(&self, from: &str, to: &str) -> PortResult<()> {
        // Keys are uuid segments and `/`, so the copy source needs no escaping.
        self.client
            .copy_object()
            .bucket(&self.bucket)
            .copy_source(format!("{}/{from}", self.bucket))
            .key(to)
            .send()
            .await
            .map_err(|e| unavailable("copy object")(e.into_service_error().to_string()))?;
        Ok(())
    }

    async fn delete(&self, key: &str) -> PortResult<()> {
        self.client
            .delete_object()
            .bucket(&self.bucket)
            .key(key)
            .send()
            .await
            .map_err(|e| unavailable("delete object")(e.into_service_error().to_string()))?;
        Ok(())
    }

    async fn presign_get(
        &self,
        key: &str,
        content_type: &str,
        expires_in: Duration,
    ) -> PortResult<String> {
        // The response overrides are query parameters covered by the signature, so the URL
        // cannot be edited into serving the object as another type (say, text/html). S3
        // answers Range requests on its own.
        let request = self
            .client
            .get_object()
            .bucket(&self.bucket)
            .key(key)
            .response_content_type(content_type)
            .response_content_disposition("inline")
            .presigned(presigning(expires_in)?)
            .await
            .map_err(|e| unavailable("presign get")(e.to_string()))?;
        Ok(request.uri().to_string())
    }
}
