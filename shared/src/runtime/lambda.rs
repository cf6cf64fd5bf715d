//! Start-up on Lambda: only the adapters (and settings) the function's manifest entry names.

use super::require_env;
use crate::app::App;
use crate::aws::{self, DynamoStore};
use crate::functions::Deployed;
use crate::http::HttpState;
use crate::ports::SystemClock;
use std::sync::Arc;

/// The state of the Lambda function `F`: SDK clients and settings built once, at cold start,
/// and only those `F` needs. `F::FUNCTION.needs` is a constant, so the branches for adapters
/// a function does not use are compiled out, and their SDK crates are not linked.
pub async fn lambda_state<F: Deployed>() -> Result<HttpState, String> {
    let needs = F::FUNCTION.needs;
    let shared = aws::sdk_config().await;
    let table = require_env("REELVIEW_TABLE")?;
    // Mutated only where this build includes the adapters the function needs.
    #[allow(unused_mut)]
    let mut app = App::with_store(
        Arc::new(DynamoStore::new(aws::dynamodb(&shared), table)),
        Arc::new(SystemClock),
    );
    if needs.videos {
        #[cfg(feature = "aws-s3")]
        {
            let bucket = require_env("REELVIEW_VIDEO_BUCKET")?;
            app.videos = Some(Arc::new(aws::S3Videos::new(aws::s3(&shared), bucket)));
        }
        #[cfg(not(feature = "aws-s3"))]
        return Err(format!(
            "{} needs video storage: build it with the aws-s3 feature",
            F::FUNCTION.name
        ));
    }
    if needs.mail {
        #[cfg(feature = "aws-ses")]
        {
            let from = require_env("REELVIEW_MAIL_FROM")?;
            // Every message goes through the deployment's configuration set, whose event
            // destination reports deliveries, bounces, complaints and opens.
            let configuration_set = require_env("REELVIEW_MAIL_CONFIGURATION_SET")?;
            app.mailer = Some(Arc::new(
                aws::SesMailer::new(aws::ses(&shared), from)
                    .with_configuration_set(Some(configuration_set)),
            ));
        }
        #[cfg(not(feature = "aws-ses"))]
        return Err(format!(
            "{} sends mail: build it with the aws-ses feature",
            F::FUNCTION.name
        ));
    }
    if needs.followup_switches {
        app.followups = super::followup_switches();
    }
    if needs.transcriber {
        #[cfg(feature = "aws-transcribe")]
        {
            let bucket = require_env("REELVIEW_VIDEO_BUCKET")?;
            app.transcriber = Some(Arc::new(aws::TranscribeJobs::new(
                aws::transcribe(&shared),
                aws::s3(&shared),
                bucket,
            )));
        }
        #[cfg(not(feature = "aws-transcribe"))]
        return Err(format!(
            "{} transcribes: build it with the aws-transcribe feature",
            F::FUNCTION.name
        ));
    }
    if needs.evaluator {
        #[cfg(feature = "aws-bedrock")]
        {
            // Unset: evaluation is off, and nothing queues it.
            if let Some(model) = super::env("REELVIEW_EVALUATION_MODEL") {
                app.evaluator = Some(Arc::new(aws::BedrockEvaluator::new(
                    aws::bedrock(&shared),
                    model,
                )));
            }
        }
        #[cfg(not(feature = "aws-bedrock"))]
        return Err(format!(
            "{} evaluates: build it with the aws-bedrock feature",
            F::FUNCTION.name
        ));
    }
    if needs.webhook_sender {
        #[cfg(feature = "webhooks")]
        {
            // Deployed: https:// to public addresses only.
            app.webhook_sender = Some(Arc::new(crate::net::HttpWebhookSender::new(
                crate::domain::AddressPolicy::PublicHttps,
            )));
        }
        #[cfg(not(feature = "webhooks"))]
        return Err(format!(
            "{} delivers webhooks: build it with the webhooks feature",
            F::FUNCTION.name
        ));
    }
    if needs.links {
        #[cfg(feature = "aws-secrets")]
        {
            let secret =
                aws::secret_text(&shared, &require_env("REELVIEW_LINK_KEY_SECRET")?).await?;
            let key = super::link_key_from_secret(&secret)?;
            app.links = Some(crate::app::Links::new(
                super::env("PUBLIC_BASE_URL").as_deref(),
                key,
            ));
        }
        #[cfg(not(feature = "aws-secrets"))]
        return Err(format!(
            "{} makes links: build it with the aws-secrets feature",
            F::FUNCTION.name
        ));
    }
    Ok(HttpState {
        app,
        admin_key: None,
    })
}

/// Everything on AWS, for `reelview-local` pointed at an account or an emulator.
#[cfg(all(feature = "aws-s3", feature = "aws-ses"))]
pub struct AwsSettings {
    pub table: String,
    pub video_bucket: String,
    pub mail_from: String,
    /// The SES configuration set every message is sent with, if any.
    pub mail_configuration_set: Option<String>,
    pub links: crate::app::Links,
}

/// Every adapter on AWS; SDK clients are built here, once per process.
#[cfg(all(feature = "aws-s3", feature = "aws-ses"))]
pub async fn aws_app(settings: AwsSettings) -> App {
    let shared = aws::sdk_config().await;
    let mut app = App::with_store(
        Arc::new(DynamoStore::new(aws::dynamodb(&shared), settings.table)),
        Arc::new(SystemClock),
    );
    app.videos = Some(Arc::new(aws::S3Videos::new(
        aws::s3(&shared),
        settings.video_bucket,
    )));
    app.mailer = Some(Arc::new(
        aws::SesMailer::new(aws::ses(&shared), settings.mail_from)
            .with_configuration_set(settings.mail_configuration_set),
    ));
    app.links = Some(settings.links);
    app
}
