//! Request extractors that turn every client mistake into a problem+json `Error`.

use super::HttpState;
use crate::app::{self, Caller, Error, Links};
use axum::body::Bytes;
use axum::extract::{FromRequest, FromRequestParts, Request};
use axum::http::{header, request::Parts};
use serde::de::DeserializeOwned;

/// Largest JSON body any route accepts: a 100-row batch fits with room to spare.
pub const MAX_BODY_BYTES: usize = 256 * 1024;

/// A JSON body: 413 above [`MAX_BODY_BYTES`], 400 `malformed_request` when it is not JSON of
/// the expected shape. Field rules are checked later, by the use case, all at once.
pub struct JsonBody<T>(pub T, pub Bytes);

impl<T: DeserializeOwned, S: Send + Sync> FromRequest<S> for JsonBody<T> {
    type Rejection = Error;

    async fn from_request(req: Request, _state: &S) -> Result<Self, Self::Rejection> {
        require(req.headers(), &[MediaType::Json])?;
        let bytes = read_limited(req.into_body()).await?;
        let value = parse_json(&bytes)?;
        Ok(JsonBody(value, bytes))
    }
}

/// Like [`JsonBody`], for routes whose body is optional: no body means `T::default()`.
pub struct OptionalJsonBody<T>(pub T);

impl<T: DeserializeOwned + Default, S: Send + Sync> FromRequest<S> for OptionalJsonBody<T> {
    type Rejection = Error;

    async fn from_request(req: Request, _state: &S) -> Result<Self, Self::Rejection> {
        let media_type = media_type(req.headers());
        let bytes = read_limited(req.into_body()).await?;
        if bytes.iter().all(u8::is_ascii_whitespace) {
            return Ok(OptionalJsonBody(T::default()));
        }
        if media_type != Some(MediaType::Json) {
            return Err(Error::UnsupportedMediaType);
        }
        Ok(OptionalJsonBody(parse_json(&bytes)?))
    }
}

/// The body types the API reads.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum MediaType {
    /// `application/json` or `application/*+json`.
    Json,
    /// `application/x-www-form-urlencoded`, which the apply form also takes.
    Form,
}

/// The media type of a request body, parameters (`; charset=utf-8`) ignored.
fn media_type(headers: &axum::http::HeaderMap) -> Option<MediaType> {
    let value = headers.get(header::CONTENT_TYPE)?.to_str().ok()?;
    let essence = value.split(';').next()?.trim().to_ascii_lowercase();
    match essence.as_str() {
        "application/json" => Some(MediaType::Json),
        "application/x-www-form-urlencoded" => Some(MediaType::Form),
        other if other.starts_with("application/") && other.ends_with("+json") => {
            Some(MediaType::Json)
        }
        _ => None,
    }
}

/// Refuses a body of another type with 415: no `text/plain` post from another site reaches a
/// handler (browsers send those cross-site without asking).
fn require(headers: &axum::http::HeaderMap, accepted: &[MediaType]) -> Result<MediaType, Error> {
    media_type(headers)
        .filter(|t| accepted.contains(t))
        .ok_or(Error::UnsupportedMediaType)
}

/// A body sent as JSON or as an HTML form (the public apply form works either way).
pub struct FormOrJson<T>(pub T);

impl<T: DeserializeOwned, S: Send + Sync> FromRequest<S> for FormOrJson<T> {
    type Rejection = Error;

    async fn from_request(req: Request, _state: &S) -> Result<Self, Self::Rejection> {
        let kind = require(req.headers(), &[MediaType::Json, MediaType::Form])?;
        let bytes = read_limited(req.into_body()).await?;
        match kind {
            MediaType::Json => parse_json(&bytes).map(FormOrJson),
            MediaType::Form => serde_urlencoded::from_bytes(&bytes)
                .map(FormOrJson)
                .map_err(|e| Error::Malformed(format!("invalid form body: {e}"))),
        }
    }
}

/// Reads a body of at most [`MAX_BODY_BYTES`]. An oversized body is still drained (up to a
/// bound) before the 413 goes out, so the client finishes sending and reads the problem
/// instead of seeing its connection reset mid-upload.
async fn read_limited(body: axum::body::Body) -> Result<Bytes, Error> {
    use futures::StreamExt;
    const DRAIN_LIMIT: usize = 8 * 1024 * 1024;
    let mut stream = body.into_data_stream();
    let mut buffer = Vec::new();
    let mut seen = 0usize;
    while let Some(chunk) = stream.next().await {
        let chunk =
            chunk.map_err(|_| Error::Malformed("the request body could not be read".into()))?;
        seen += chunk.len();
        if seen <= MAX_BODY_BYTES {
            buffer.extend_from_slice(&chunk);
        } else if seen > DRAIN_LIMIT {
            break;
        }
    }
    if seen > MAX_BODY_BYTES {
        return Err(Error::PayloadTooLarge {
            limit: MAX_BODY_BYTES,
        });
    }
    Ok(Bytes::from(buffer))
}

/// A JSON body of the expected shape. Every body is a JSON object: serde would also read an
/// array as the fields in order, which no client means.
pub fn parse_json<T: DeserializeOwned>(bytes: &[u8]) -> Result<T, Error> {
    if bytes.is_empty() {
        return Err(Error::Malformed("the request needs a JSON body".into()));
    }
    let value = serde_json::from_slice(bytes)
        .map_err(|e| Error::Malformed(format!("invalid JSON body: {e}")))?;
    if bytes.iter().find(|b| !b.is_ascii_whitespace()) != Some(&b'{') {
        return Err(Error::Malformed(
            "the request body must be a JSON object".into(),
        ));
    }
    Ok(value)
}

/// The API Gateway (HTTP API) request context, when running on Lambda.
fn lambda_context(
    parts: &Parts,
) -> Option<&lambda_http::aws_lambda_events::apigw::ApiGatewayV2httpRequestContext> {
    match parts
        .extensions
        .get::<lambda_http::request::RequestContext>()?
    {
        lambda_http::request::RequestContext::ApiGatewayV2(ctx) => Some(ctx),
        _ => None,
    }
}

/// What an API Gateway authorizer put in the request context, when running on Lambda.
fn lambda_authorizer(
    parts: &Parts,
) -> Option<&lambda_http::aws_lambda_events::apigw::ApiGatewayRequestAuthorizer> {
    lambda_context(parts)?.authorizer.as_ref()
}

fn bearer(parts: &Parts) -> Option<&str> {
    let value = parts.headers.get(header::AUTHORIZATION)?.to_str().ok()?;
    let (scheme, token) = value.split_once(' ')?;
    scheme.eq_ignore_ascii_case("bearer").then(|| token.trim())
}

/// The tenant calling a recruiter route. On AWS the Lambda authorizer has already resolved it
/// (its answer is cached by API Gateway); elsewhere the same lookup runs here.
impl FromRequestParts<HttpState> for Caller {
    type Rejection = Error;

    async fn from_request_parts(
        parts: &mut Parts,
        state: &HttpState,
    ) -> Result<Self, Self::Rejection> {
        let caller = match lambda_authorizer(parts)
            .and_then(|a| super::authorizer::caller_from_context(&a.fields))
        {
            Some(caller) => caller,
            None => {
                let key = bearer(parts).ok_or(Error::Unauthorized)?;
                app::tenants::authenticate(&state.app, key).await?
            }
        };
        super::request_log::TenantNote::record(&parts.extensions, caller.tenant_id);
        Ok(caller)
    }
}

/// An operator on an admin route: on AWS the route uses IAM authorization, so API Gateway has
/// already checked a signed request; locally the bearer must equal `REELVIEW_ADMIN_KEY`.
pub struct Operator;

impl FromRequestParts<HttpState> for Operator {
    type Rejection = Error;

    async fn from_request_parts(
        parts: &mut Parts,
        state: &HttpState,
    ) -> Result<Self, Self::Rejection> {
        if lambda_authorizer(parts).is_some_and(|a| a.iam.is_some()) {
            return Ok(Operator);
        }
        let expected = state.admin_key.as_deref().ok_or(Error::Unauthorized)?;
        let presented = bearer(parts).ok_or(Error::Unauthorized)?;
        if constant_time_eq(presented.as_bytes(), expected.as_bytes()) {
            Ok(Operator)
        } else {
            Err(Error::Unauthorized)
        }
    }
}

fn constant_time_eq(a: &[u8], b: &[u8]) -> bool {
    a.len() == b.len() && a.iter().zip(b).fold(0u8, |acc, (x, y)| acc | (x ^ y)) == 0
}

/// The links of this request. Where the deployment configures no public base URL, the base
/// is the API's own domain from API Gateway's request context, which a client cannot set;
/// the Host header is never used.
pub struct RequestLinks(pub Links);

impl FromRequestParts<HttpState> for RequestLinks {
    type Rejection = Error;

    async fn from_request_parts(
        parts: &mut Parts,
        state: &HttpState,
    ) -> Result<Self, Self::Rejection> {
        let domain = lambda_context(parts)
            .and_then(|ctx| ctx.domain_name.as_deref())
            .filter(|d| {
                !d.is_empty()
                    && d.bytes()
                        .all(|b| b.is_ascii_alphanumeric() || b == b'.' || b == b'-')
            })
            // Through a named stage's own URL, links keep the stage in their path.
            .map(
                |d| match parts.extensions.get::<super::stage::StagePrefix>() {
                    Some(stage) => format!("https://{d}{}", stage.0),
                    None => format!("https://{d}"),
                },
            );
        let links = state.app.links()?.for_request(domain.as_deref());
        Ok(RequestLinks(links.into_owned()))
    }
}

/// Where a request came from, for per-sender limits: API Gateway's `sourceIp` on Lambda, the
/// peer address locally. Never a client-set header such as `X-Forwarded-For`.
pub struct SourceIp(pub String);

impl<S: Send + Sync> FromRequestParts<S> for SourceIp {
    type Rejection = Error;

    async fn from_request_parts(parts: &mut Parts, _state: &S) -> Result<Self, Self::Rejection> {
        let from_gateway = lambda_context(parts).map(|ctx| ctx.http.source_ip.clone());
        let from_peer = parts
            .extensions
            .get::<axum::extract::ConnectInfo<std::net::SocketAddr>>()
            .map(|info| info.0.ip().to_string());
        Ok(SourceIp(
            from_gateway
                .flatten()
                .or(from_peer)
                .unwrap_or_else(|| "unknown".into()),
        ))
    }
}

/// A creating POST: its `Idempotency-Key` (if any), its JSON body parsed, and the raw body
/// that, with the route, identifies the request for the key.
pub struct Idempotent<T> {
    pub key: Option<String>,
    pub input: T,
    pub body: Bytes,
}

impl<T: DeserializeOwned, S: Send + Sync> FromRequest<S> for Idempotent<T> {
    type Rejection = Error;

    async fn from_request(req: Request, state: &S) -> Result<Self, Self::Rejection> {
        let key = idempotency_key(req.headers())?;
        let JsonBody(input, body) = JsonBody::from_request(req, state).await?;
        Ok(Idempotent { key, input, body })
    }
}

/// The `Idempotency-Key` header, if the client sent one.
pub fn idempotency_key(headers: &axum::http::HeaderMap) -> Result<Option<String>, Error> {
    match headers.get("idempotency-key") {
        None => Ok(None),
        Some(v) => {
            let key = v.to_str().ok().map(str::trim).unwrap_or("");
            if key.is_empty() || key.len() > 255 || !key.bytes().all(|b| b.is_ascii_graphic()) {
                Err(Error::Malformed(
                    "Idempotency-Key must be 1-255 visible ASCII characters".into(),
                ))
            } else {
                Ok(Some(key.to_string()))
            }
        }
    }
}
