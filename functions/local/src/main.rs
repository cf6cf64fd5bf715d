//! `reelview-local`: every handler in one process on 127.0.0.1, state under a data directory,
//! emails as .eml files. `REELVIEW_BACKEND=aws` swaps in the AWS adapters (for emulators).

use reelview::app::Links;
use reelview::http::{all_routes, console, finish, jobs, HttpState};
use reelview::ports::{OsRandom, SecretSource};
use reelview::runtime::{self, env, AwsSettings};
use std::path::PathBuf;
use std::process::ExitCode;

#[tokio::main]
async fn main() -> ExitCode {
    runtime::init_tracing();
    match run().await {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("reelview-local: {e}");
            ExitCode::FAILURE
        }
    }
}

async fn run() -> Result<(), String> {
    let port: u16 = env("PORT")
        .unwrap_or_else(|| "3000".into())
        .parse()
        .map_err(|_| "PORT must be a number")?;
    let listener = tokio::net::TcpListener::bind(("127.0.0.1", port))
        .await
        .map_err(|e| format!("cannot listen on 127.0.0.1:{port}: {e}"))?;
    let port = listener.local_addr().map_err(|e| e.to_string())?.port();
    let base_url = env("PUBLIC_BASE_URL").unwrap_or_else(|| format!("http://127.0.0.1:{port}"));
    let data_dir = PathBuf::from(env("REELVIEW_DATA_DIR").unwrap_or_else(|| "./.reelview".into()));
    let outbox = env("REELVIEW_OUTBOX_DIR")
        .map(PathBuf::from)
        .unwrap_or_else(|| data_dir.join("outbox"));
    let mail_from = env("REELVIEW_MAIL_FROM").unwrap_or_else(|| runtime::LOCAL_MAIL_FROM.into());
    // A key the operator chose is theirs to know: only a generated one is printed.
    let (admin_key, printable_key) = match env("REELVIEW_ADMIN_KEY") {
        Some(key) => (key, "$REELVIEW_ADMIN_KEY".to_string()),
        None => {
            let key = OsRandom.secret("rv_admin_").expose().to_string();
            (key.clone(), key)
        }
    };

    let (app, upload_routes) = match env("REELVIEW_BACKEND").as_deref().unwrap_or("local") {
        "local" => runtime::local_app(&data_dir, &base_url, outbox.clone(), mail_from)?,
        "aws" => {
            // Against an emulator or a real account; links stay stable across restarts by
            // keeping the link key in the data directory unless REELVIEW_LINK_KEY is set.
            let settings = AwsSettings {
                table: runtime::require_env("REELVIEW_TABLE")?,
                video_bucket: runtime::require_env("REELVIEW_VIDEO_BUCKET")?,
                mail_from,
                mail_configuration_set: env("REELVIEW_MAIL_CONFIGURATION_SET"),
                links: Links::new(Some(&base_url), runtime::local_link_key(&data_dir)?),
            };
            (runtime::aws_app(settings).await, axum::Router::new())
        }
        other => {
            return Err(format!(
                "REELVIEW_BACKEND must be local or aws, not {other}"
            ))
        }
    };
    let mut app = app;
    runtime::local_followups(&mut app)?;
    runtime::local_webhooks(&mut app);
    runtime::spawn_followup_runner(app.clone());
    let state = HttpState {
        app,
        admin_key: Some(admin_key),
    };
    // The local stand-in for the scheduled purge function: resumes purges at start-up and
    // finishes whatever a deletion left.
    let sweeper = state.app.clone();
    tokio::spawn(async move {
        loop {
            if let Err(e) = reelview::app::purge::sweep(&sweeper, 8).await {
                tracing::warn!(error = %e, "purge sweep failed");
            }
            tokio::time::sleep(std::time::Duration::from_secs(30)).await;
        }
    });
    // The local stand-in for the scheduled reminder function.
    let reminding = state.app.clone();
    tokio::spawn(async move {
        loop {
            tokio::time::sleep(std::time::Duration::from_secs(300)).await;
            if let Some(links) = reminding.links.as_ref() {
                let now = reminding.clock.now();
                match reelview::app::reminders::run(&reminding, links, now, None).await {
                    Ok(summary) => tracing::info!(?summary, "reminder run"),
                    Err(e) => tracing::warn!(error = %e, "reminder run failed"),
                }
            }
        }
    });
    // The local stand-in for the scheduled retention function.
    let retaining = state.app.clone();
    tokio::spawn(async move {
        loop {
            tokio::time::sleep(std::time::Duration::from_secs(300)).await;
            let now = retaining.clock.now();
            match reelview::app::retention::run(&retaining, now, None).await {
                Ok(summary) => tracing::info!(?summary, "retention run"),
                Err(e) => tracing::warn!(error = %e, "retention run failed"),
            }
        }
    });
    // Local-only routes: uploads and downloads of the embedded video store, and scheduled
    // jobs on demand.
    let mut service = finish(all_routes().merge(jobs::local_routes()), state).merge(upload_routes);
    // A working copy of the console's files, served as they are saved (no rebuild).
    if let Some(dir) = env("REELVIEW_CONSOLE_DIR") {
        service = service.layer(axum::Extension(console::ConsoleDir(PathBuf::from(dir))));
    }

    print_banner(&base_url, &printable_key, &data_dir, &outbox);
    match env("REELVIEW_TRANSCRIBE_URL") {
        Some(url) => println!("Answers are transcribed by {url}."),
        None => println!("Answers are not transcribed (REELVIEW_TRANSCRIBE_URL is not set)."),
    }
    println!("Webhooks are delivered from this process; test one with POST /v1/webhooks.");
    println!("The console is at {base_url}/app (sign in with a tenant's API key).");
    // The peer address is the sender of per-sender limits (the apply form).
    axum::serve(
        listener,
        service.into_make_service_with_connect_info::<std::net::SocketAddr>(),
    )
    .with_graceful_shutdown(async {
        let _ = tokio::signal::ctrl_c().await;
    })
    .await
    .map_err(|e| e.to_string())
}

fn print_banner(base: &str, admin_key: &str, data_dir: &std::path::Path, outbox: &std::path::Path) {
    println!("Reelview is listening on {base}");
    println!(
        "Data directory: {} (emails: {})",
        data_dir.display(),
        outbox.display()
    );
    println!("Admin key: {admin_key}");
    println!();
    println!("Create a tenant (prints its apiKey once):");
    println!("  curl -s -X POST {base}/admin/v1/tenants -H 'Authorization: Bearer {admin_key}' -H 'Content-Type: application/json' -d '{{\"name\":\"Acme\"}}'");
    println!("Create a position (replace API_KEY):");
    println!("  curl -s -X POST {base}/v1/positions -H 'Authorization: Bearer API_KEY' -H 'Content-Type: application/json' -d '{{\"name\":\"Backend Engineer\",\"questions\":[{{\"text\":\"Tell us about yourself\"}},{{\"text\":\"Why this role?\"}}]}}'");
    println!("Invite a candidate (replace API_KEY and POSITION_ID):");
    println!("  curl -s -X POST {base}/v1/positions/POSITION_ID/interviews -H 'Authorization: Bearer API_KEY' -H 'Content-Type: application/json' -d '{{\"candidate\":{{\"email\":\"ana@example.com\",\"firstName\":\"Ana\",\"lastName\":\"Silva\"}}}}'");
    println!(
        "Each invitation is written to the outbox (and its link logged): open the /i/… link in"
    );
    println!("a browser to take the interview with your own camera.");
    println!();
    println!("reelview-local listening on {base}");
}
