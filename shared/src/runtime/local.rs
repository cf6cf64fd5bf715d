//! Start-up of a local run: everything under a data directory, no AWS account needed.

use super::{env, link_key_from_secret};
use crate::app::{App, Links};
use crate::domain::LinkKey;
use crate::local::{DiskVideos, LocalStore, OutboxMailer};
use crate::ports::SystemClock;
use std::sync::Arc;

/// A link key kept in the data directory, so links survive restarts of a local run.
pub fn local_link_key(data_dir: &std::path::Path) -> Result<LinkKey, String> {
    if let Some(secret) = env("REELVIEW_LINK_KEY") {
        return link_key_from_secret(&secret);
    }
    let path = data_dir.join("link.key");
    let secret = match std::fs::read_to_string(&path) {
        Ok(text) if text.trim().len() >= 32 => text.trim().to_string(),
        _ => {
            let bytes: [u8; 32] = rand::random();
            let text: String = bytes.iter().map(|b| format!("{b:02x}")).collect();
            std::fs::create_dir_all(data_dir).map_err(|e| e.to_string())?;
            crate::local::write_private(&path, text.as_bytes())
                .map_err(|e| format!("writing {}: {e}", path.display()))?;
            text
        }
    };
    link_key_from_secret(&secret)
}

/// The ports of a local run. `public_base_url` is where this process is reachable: links
/// and upload URLs point there. Returns the app and the routes that receive uploads and
/// serve downloads.
pub fn local_app(
    data_dir: &std::path::Path,
    public_base_url: &str,
    outbox: std::path::PathBuf,
    mail_from: String,
) -> Result<(App, axum::Router), String> {
    let store = Arc::new(LocalStore::open(data_dir).map_err(|e| e.0)?);
    let videos = Arc::new(DiskVideos::open(data_dir, public_base_url).map_err(|e| e.0)?);
    let mut app = App::with_store(store, Arc::new(SystemClock));
    app.videos = Some(videos.clone());
    // The local stand-in for the bucket's lifecycle rules (infra/template.yaml): staged
    // uploads never completed are gone after two days.
    let staged = videos.clone();
    tokio::spawn(async move {
        loop {
            let staged = staged.clone();
            let _ = tokio::task::spawn_blocking(move || {
                staged.expire_staged(std::time::Duration::from_secs(2 * 24 * 3600))
            })
            .await;
            tokio::time::sleep(std::time::Duration::from_secs(3600)).await;
        }
    });
    app.mailer = Some(Arc::new(
        OutboxMailer::new(outbox, mail_from).announcing_links(!super::json_logs()),
    ));
    app.links = Some(Links::new(Some(public_base_url), local_link_key(data_dir)?));
    Ok((app, videos.routes()))
}

/// The followup services of a local run, from the environment: transcription by an
/// OpenAI-compatible server at `REELVIEW_TRANSCRIBE_URL` (model `REELVIEW_TRANSCRIBE_MODEL`,
/// default `whisper-1`), the advisory evaluation by an OpenAI-compatible chat server at
/// `REELVIEW_EVALUATION_URL` (model `REELVIEW_EVALUATION_MODEL`, required with it). Each is
/// off when its URL is unset. `REELVIEW_OPENAI_API_KEY`, if set, is sent as the bearer
/// token (for a hosted endpoint; local servers need none).
#[cfg(feature = "openai")]
pub fn local_followups(app: &mut App) -> Result<(), String> {
    use crate::local::{OpenAiEvaluator, OpenAiTranscriber};
    let api_key = env("REELVIEW_OPENAI_API_KEY");
    if let Some(url) = env("REELVIEW_TRANSCRIBE_URL") {
        let model = env("REELVIEW_TRANSCRIBE_MODEL").unwrap_or_else(|| "whisper-1".into());
        app.transcriber = Some(Arc::new(
            OpenAiTranscriber::new(&url, &model).with_api_key(api_key.clone()),
        ));
        app.followups.transcribe = true;
    }
    if let Some(url) = env("REELVIEW_EVALUATION_URL") {
        let model = env("REELVIEW_EVALUATION_MODEL").ok_or(
            "REELVIEW_EVALUATION_MODEL must name the model REELVIEW_EVALUATION_URL serves",
        )?;
        app.evaluator = Some(Arc::new(
            OpenAiEvaluator::new(&url, &model).with_api_key(api_key),
        ));
        app.followups.evaluate = true;
    }
    Ok(())
}

/// Webhooks of a local run are delivered in-process; `http://` and loopback or private
/// addresses are allowed (a developer's receiver), link-local and metadata ones never.
#[cfg(feature = "webhooks")]
pub fn local_webhooks(app: &mut App) {
    app.webhook_sender = Some(Arc::new(crate::net::HttpWebhookSender::new(
        crate::domain::AddressPolicy::Local,
    )));
}

/// Runs queued followups and due webhook deliveries every second: the local stand-in for the
/// table's change stream and the delivery schedule.
pub fn spawn_followup_runner(app: App) {
    tokio::spawn(async move {
        loop {
            if let Err(e) = crate::app::followups::run_queued(&app, 25).await {
                tracing::warn!(error = %e, "looking for queued followups failed");
            }
            if app.webhook_sender.is_some() {
                let now = app.clock.now();
                if let Err(e) = crate::app::webhook_delivery::run_due(&app, now, 25).await {
                    tracing::warn!(error = %e, "looking for due webhook deliveries failed");
                }
            }
            tokio::time::sleep(std::time::Duration::from_secs(1)).await;
        }
    });
}
