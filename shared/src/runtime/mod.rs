//! Process start-up shared by every function and by `reelview-local`: settings from the
//! environment and the adapters built once, before the first request.

#[cfg(feature = "aws")]
mod lambda;
#[cfg(feature = "local")]
mod local;

#[cfg(feature = "aws")]
pub use lambda::lambda_state;
#[cfg(all(feature = "aws-s3", feature = "aws-ses"))]
pub use lambda::{aws_app, AwsSettings};
#[cfg(feature = "local")]
#[cfg(feature = "openai")]
pub use local::local_followups;
#[cfg(all(feature = "local", feature = "webhooks"))]
pub use local::local_webhooks;
#[cfg(feature = "local")]
pub use local::{local_app, local_link_key, spawn_followup_runner};

use crate::domain::LinkKey;
use sha2::{Digest, Sha256};

/// Whether this deployment transcribes recordings (`REELVIEW_TRANSCRIPTION=on`) and
/// evaluates completed interviews (a model in `REELVIEW_EVALUATION_MODEL`).
pub fn followup_switches() -> crate::app::Followups {
    crate::app::Followups {
        transcribe: env("REELVIEW_TRANSCRIPTION").is_some_and(|v| v == "on"),
        evaluate: env("REELVIEW_EVALUATION_MODEL").is_some(),
    }
}

/// Reads an environment variable, treating empty as unset.
pub fn env(name: &str) -> Option<String> {
    std::env::var(name).ok().filter(|v| !v.trim().is_empty())
}

pub fn require_env(name: &str) -> Result<String, String> {
    env(name).ok_or_else(|| format!("{name} must be set"))
}

/// The link key from its secret text (at least 32 characters); hashing it accepts any
/// generated secret format while always yielding 256 bits.
pub fn link_key_from_secret(secret: &str) -> Result<LinkKey, String> {
    if secret.len() < 32 {
        return Err("the link key must be at least 32 characters".into());
    }
    Ok(LinkKey::new(Sha256::digest(secret.as_bytes()).into()))
}

/// When a scheduled run should stop taking on more work, given its invocation's deadline
/// (epoch milliseconds, as the Lambda context gives it): 20 s before it, or a fifth of the
/// run if the function's timeout is short, to finish the item at hand and answer.
pub fn stop_by(deadline_epoch_ms: u64) -> std::time::Instant {
    use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};
    const MARGIN: Duration = Duration::from_secs(20);
    let now_ms = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0, |d| d.as_millis() as u64);
    let left = Duration::from_millis(deadline_epoch_ms.saturating_sub(now_ms));
    Instant::now() + left.saturating_sub(MARGIN.min(left / 5))
}

/// Logs to stderr; `RUST_LOG` filters by level per target (`info`, or e.g.
/// `info,reelview=debug`; default `info`). JSON, one object per line with the event's fields
/// at the top level (what CloudWatch Logs Insights queries), when `REELVIEW_LOG_FORMAT=json`
/// or when the Lambda function's log format is JSON (its `LoggingConfig`, which Lambda passes
/// on as `AWS_LAMBDA_LOG_FORMAT`); readable lines otherwise, for a developer's terminal.
///
/// The filter is `Targets`, not `EnvFilter`: span and field filters are not needed, and
/// `EnvFilter` would link a regex engine into every function.
pub fn init_tracing() {
    use tracing_subscriber::filter::{LevelFilter, Targets};
    use tracing_subscriber::layer::SubscriberExt;
    use tracing_subscriber::util::SubscriberInitExt;
    let filter = env("RUST_LOG")
        .and_then(|directives| directives.parse::<Targets>().ok())
        .unwrap_or_else(|| Targets::new().with_default(LevelFilter::INFO));
    let builder = tracing_subscriber::fmt()
        .with_target(false)
        .with_max_level(LevelFilter::TRACE)
        .with_writer(std::io::stderr);
    let _ = if json_logs() {
        builder
            .json()
            .flatten_event(true)
            // A request's id rides on its span, so every line logged while serving it says
            // which request it belongs to.
            .with_current_span(true)
            .with_span_list(false)
            .finish()
            .with(filter)
            .try_init()
    } else {
        builder
            .without_time()
            .with_ansi(std::io::IsTerminal::is_terminal(&std::io::stderr()))
            .finish()
            .with(filter)
            .try_init()
    };
}

/// Whether logs are JSON lines (see [`init_tracing`]).
pub fn json_logs() -> bool {
    env("REELVIEW_LOG_FORMAT").is_some_and(|v| v.eq_ignore_ascii_case("json"))
        || env("AWS_LAMBDA_LOG_FORMAT").is_some_and(|v| v.eq_ignore_ascii_case("json"))
}

/// Default sender for local runs.
pub const LOCAL_MAIL_FROM: &str = "Reelview <no-reply@reelview.local>";
