//! AWS adapters: the single DynamoDB table, the S3 video bucket and SESv2. Clients are built
//! once per process (`AwsClients::from_env`) and shared by every request.

mod dynamo;
mod s3;
mod ses;

pub use dynamo::DynamoStore;
pub use s3::S3Videos;
pub use ses::SesMailer;

/// SDK clients built from the standard AWS environment (region, credentials and, for
/// emulators, `AWS_ENDPOINT_URL`).
#[derive(Clone)]
pub struct AwsClients {
    pub dynamodb: aws_sdk_dynamodb::Client,
    pub s3: aws_sdk_s3::Client,
    pub ses: aws_sdk_sesv2::Client,
}

impl AwsClients {
    pub async fn from_env() -> Self {
        let shared = aws_config::load_defaults(aws_config::BehaviorVersion::latest()).await;
        // Emulators serve buckets by path, not by virtual host.
        let path_style = std::env::var("AWS_ENDPOINT_URL").is_ok_and(|v| !v.is_empty());
        let s3_config = aws_sdk_s3::config::Builder::from(&shared)
            .force_path_style(path_style)
            .build();
        Self {
            dynamodb: aws_sdk_dynamodb::Client::new(&shared),
            s3: aws_sdk_s3::Client::from_conf(s3_config),
            ses: aws_sdk_sesv2::Client::new(&shared),
        }
    }
}
