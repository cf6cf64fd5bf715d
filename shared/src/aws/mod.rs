//! AWS adapters: the single DynamoDB table (an item engine for `crate::store`), the S3 video
//! bucket, SESv2, Amazon Transcribe (answer transcripts) and Amazon Bedrock (the advisory
//! evaluation's model). Each client is built once per process, and only where it is used.

#[cfg(feature = "aws-bedrock")]
mod bedrock;
mod dynamo;
#[cfg(feature = "aws-s3")]
mod s3;
#[cfg(feature = "aws-ses")]
mod ses;
pub mod ses_events;
pub mod stream_events;
#[cfg(feature = "aws-transcribe")]
mod transcribe;
pub mod transcribe_events;

#[cfg(feature = "aws-bedrock")]
pub use bedrock::BedrockEvaluator;
pub use dynamo::{DynamoItems, DynamoStore};
#[cfg(feature = "aws-s3")]
pub use s3::S3Videos;
#[cfg(feature = "aws-ses")]
pub use ses::SesMailer;
#[cfg(feature = "aws-transcribe")]
pub use transcribe::TranscribeJobs;

/// The shared SDK configuration from the standard AWS environment (region, credentials and,
/// for emulators, `AWS_ENDPOINT_URL`), over [`http_client`].
pub async fn sdk_config() -> aws_config::SdkConfig {
    aws_config::defaults(aws_config::BehaviorVersion::latest())
        .http_client(http_client())
        .load()
        .await
}

/// The HTTPS client of every SDK client in the process (one connection pool per connector
/// settings): rustls on ring, the crypto the webhook client (reqwest) links too, so a function
/// carries one TLS stack. It trusts the Mozilla roots compiled into the binary rather than the
/// system's store: reading and parsing that from disk was most of a cold start, and a Lambda
/// image's store holds the same roots.
pub fn http_client() -> aws_sdk_dynamodb::config::SharedHttpClient {
    use aws_smithy_http_client::tls::{self, rustls_provider::CryptoMode, TlsContext, TrustStore};
    let trust = TrustStore::empty()
        .with_native_roots(false)
        .with_pem_certificate(mozilla_roots_pem());
    let context = TlsContext::builder()
        .with_trust_store(trust)
        .build()
        .expect("a trust store of well-formed certificates");
    aws_smithy_http_client::Builder::new()
        .tls_provider(tls::Provider::Rustls(CryptoMode::Ring))
        .tls_context(context)
        .build_https()
}

/// The compiled-in roots as one PEM bundle: the client's trust store takes PEM only.
fn mozilla_roots_pem() -> Vec<u8> {
    use base64::Engine;
    let mut pem = String::with_capacity(256 * 1024);
    for cert in webpki_root_certs::TLS_SERVER_ROOT_CERTS {
        let body = base64::engine::general_purpose::STANDARD.encode(cert.as_ref());
        pem.push_str("-----BEGIN CERTIFICATE-----\n");
        for line in body.as_bytes().chunks(64) {
            pem.push_str(std::str::from_utf8(line).expect("base64 is ASCII"));
            pem.push('\n');
        }
        pem.push_str("-----END CERTIFICATE-----\n");
    }
    pem.into_bytes()
}

pub fn dynamodb(shared: &aws_config::SdkConfig) -> aws_sdk_dynamodb::Client {
    aws_sdk_dynamodb::Client::new(shared)
}

#[cfg(feature = "aws-s3")]
pub fn s3(shared: &aws_config::SdkConfig) -> aws_sdk_s3::Client {
    // Emulators serve buckets by path, not by virtual host.
    let path_style = std::env::var("AWS_ENDPOINT_URL").is_ok_and(|v| !v.is_empty());
    let config = aws_sdk_s3::config::Builder::from(shared)
        .force_path_style(path_style)
        .build();
    aws_sdk_s3::Client::from_conf(config)
}

/// The link key's secret text, read once at cold start: it never sits in the function's
/// configuration, where anyone allowed `lambda:GetFunctionConfiguration` could read it.
#[cfg(feature = "aws-secrets")]
pub async fn secret_text(
    shared: &aws_config::SdkConfig,
    secret_id: &str,
) -> Result<String, String> {
    let client = aws_sdk_secretsmanager::Client::new(shared);
    let out = client
        .get_secret_value()
        .secret_id(secret_id)
        .send()
        .await
        .map_err(|e| format!("reading the link key secret: {}", e.into_service_error()))?;
    out.secret_string()
        .map(str::to_string)
        .ok_or_else(|| "the link key secret has no text".into())
}

#[cfg(feature = "aws-ses")]
pub fn ses(shared: &aws_config::SdkConfig) -> aws_sdk_sesv2::Client {
    aws_sdk_sesv2::Client::new(shared)
}

#[cfg(feature = "aws-transcribe")]
pub fn transcribe(shared: &aws_config::SdkConfig) -> aws_sdk_transcribe::Client {
    aws_sdk_transcribe::Client::new(shared)
}

#[cfg(feature = "aws-bedrock")]
pub fn bedrock(shared: &aws_config::SdkConfig) -> aws_sdk_bedrockruntime::Client {
    use aws_sdk_bedrockruntime::config::timeout::TimeoutConfig;
    // A reply takes seconds, a long one a minute. The SDK sets no limit on an attempt by
    // default, so a stalled one would hold the function until its own timeout; past two
    // minutes it is retried instead.
    let timeouts = shared
        .timeout_config()
        .map_or_else(TimeoutConfig::builder, TimeoutConfig::to_builder)
        .operation_attempt_timeout(std::time::Duration::from_secs(120))
        .build();
    let config = aws_sdk_bedrockruntime::config::Builder::from(shared)
        .timeout_config(timeouts)
        .build();
    aws_sdk_bedrockruntime::Client::from_conf(config)
}

#[cfg(test)]
mod tests {
    /// Every compiled-in root goes into the bundle, and the roots that AWS endpoints'
    /// certificates chain to (Amazon Trust Services, and Starfield's root that cross-signs
    /// them) are among them.
    #[test]
    fn the_trust_store_holds_every_compiled_in_root_and_amazons() {
        let pem = String::from_utf8(super::mozilla_roots_pem()).unwrap();
        let blocks = pem.matches("-----BEGIN CERTIFICATE-----").count();
        assert_eq!(blocks, webpki_root_certs::TLS_SERVER_ROOT_CERTS.len());
        assert!(blocks > 100, "{blocks} roots");
        let holds = |subject: &str| {
            webpki_root_certs::TLS_SERVER_ROOT_CERTS
                .iter()
                .any(|cert| cert.windows(subject.len()).any(|w| w == subject.as_bytes()))
        };
        for root in [
            "Amazon Root CA 1",
            "Amazon Root CA 2",
            "Amazon Root CA 3",
            "Amazon Root CA 4",
            "Starfield Services Root Certificate Authority - G2",
        ] {
            assert!(holds(root), "{root} is trusted");
        }
    }
}
