//! The test deployment of `infra/template.yaml` on the emulator: the value each setting the
//! template declares gets, so a function binary starts with exactly its template environment
//! (the Lambda-path tests and the benchmarks start them alike).

use super::emulator::{self, Resources};
use super::template::Function;

/// The value the test deployment gives a variable the template declares.
pub fn value_of(function: &Function, name: &str, aws: &Resources) -> String {
    match name {
        "REELVIEW_TABLE" => aws.table.clone(),
        "REELVIEW_VIDEO_BUCKET" => aws.bucket.clone(),
        "REELVIEW_MAIL_FROM" => aws.mail_from.clone(),
        // The scheduled reminder job has no request: it gets the API's own URL.
        "PUBLIC_BASE_URL" if function.binary == "reelview-reminders" => {
            "https://api.reelview.test".to_string()
        }
        "REELVIEW_MAIL_CONFIGURATION_SET" => aws.mail_configuration_set.clone(),
        // Empty, as deployed without a custom domain: links come from the request context.
        "PUBLIC_BASE_URL" => String::new(),
        "REELVIEW_LINK_KEY_SECRET" => aws.link_key_secret.clone(),
        "REELVIEW_TRANSCRIPTION" => "on".to_string(),
        "REELVIEW_EVALUATION_MODEL" => EVALUATION_MODEL.to_string(),
        "RUST_LOG" => "warn".to_string(),
        other => panic!(
            "{} declares {other} in infra/template.yaml; give it a test value in value_of()",
            function.logical_id
        ),
    }
}

/// The environment of one function: the emulator's SDK settings and exactly the variables
/// its template entry declares (the Lambda runtime's own are added when it starts).
pub fn environment(function: &Function, aws: &Resources) -> Vec<(String, String)> {
    let mut env: Vec<(String, String)> = emulator::sdk_env()
        .into_iter()
        .map(|(k, v)| (k.to_string(), v))
        .collect();
    for name in function.environment.keys() {
        env.push((name.clone(), value_of(function, name, aws)));
    }
    env
}

/// The Bedrock model id the test deployment is given.
pub const EVALUATION_MODEL: &str = "anthropic.claude-3-5-haiku-20241022-v1:0";
