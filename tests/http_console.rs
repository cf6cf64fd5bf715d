//! Black-box tests of how `reelview-local` serves the recruiter console: the shell at `/app`
//! and under it (the app's deep links), never cached; its assets under one fingerprinted
//! version, cached for a year; strict headers on both. What the console does is tested in a
//! real browser (tests/browser/test_console_*.py).

use reelview_tests::{Backend, Reply, Server};

/// The asset directory the shell names, e.g. `/app/assets/0123456789abcdef`.
fn assets_of(shell: &str) -> String {
    let script = shell
        .split('"')
        .find(|s| s.starts_with("/app/assets/") && s.ends_with("/app.js"))
        .expect("the shell loads app.js from its assets");
    script.trim_end_matches("/app.js").to_string()
}

/// The console needs no store, so the embedded backend says all there is to say.
async fn start() -> Server {
    reelview_tests::use_binary(env!("CARGO_BIN_EXE_reelview-local"));
    Server::start(Backend::Local).await
}

async fn fetch(server: &Server, path: &str) -> reqwest::Response {
    server.http.get(server.url(path)).send().await.unwrap()
}

#[tokio::test]
async fn the_console_shell_is_served_for_every_app_path_and_never_cached() {
    let server = start().await;
    let mut versions = Vec::new();
    for path in ["/app", "/app/", "/app/positions/new", "/app/interviews/x/y"] {
        let shell = fetch(&server, path).await;
        assert_eq!(shell.status(), 200, "{path}");
        let headers = shell.headers().clone();
        assert_eq!(headers["content-type"], "text/html; charset=utf-8");
        assert_eq!(headers["cache-control"], "no-cache", "{path}");
        let csp = headers["content-security-policy"].to_str().unwrap();
        assert!(csp.contains("script-src 'self';"), "{csp}");
        assert!(csp.contains("connect-src 'self';"), "{csp}");
        assert!(csp.contains("frame-ancestors 'none'"), "{csp}");
        assert_eq!(headers["referrer-policy"], "no-referrer");
        assert!(headers["permissions-policy"]
            .to_str()
            .unwrap()
            .contains("camera=()"));
        let html = shell.text().await.unwrap();
        assert!(
            !html.contains("<script>") && !html.contains("{{assets}}"),
            "no inline script, no placeholder left"
        );
        versions.push(assets_of(&html));
    }
    versions.dedup();
    assert_eq!(versions.len(), 1, "one build, one version: {versions:?}");
    let version = &versions[0];
    let fingerprint = version.trim_start_matches("/app/assets/");
    assert!(
        fingerprint.len() == 16 && fingerprint.chars().all(|c| c.is_ascii_hexdigit()),
        "{version}"
    );
}

#[tokio::test]
async fn console_assets_are_immutable_under_their_version_and_gone_under_another() {
    let server = start().await;
    let shell = fetch(&server, "/app").await.text().await.unwrap();
    let assets = assets_of(&shell);

    for (file, content_type) in [
        ("app.js", "text/javascript; charset=utf-8"),
        ("api.js", "text/javascript; charset=utf-8"),
        ("interview.js", "text/javascript; charset=utf-8"),
        ("console.css", "text/css; charset=utf-8"),
    ] {
        let asset = fetch(&server, &format!("{assets}/{file}")).await;
        assert_eq!(asset.status(), 200, "{file}");
        assert_eq!(asset.headers()["content-type"], content_type, "{file}");
        assert_eq!(
            asset.headers()["cache-control"],
            "public, max-age=31536000, immutable",
            "{file}"
        );
        assert!(asset.headers().contains_key("content-security-policy"));
    }

    // Another build's assets, an unknown file, or the shell as an asset: not served (a cached
    // shell of an older build must not get today's code under yesterday's name).
    for path in [
        "/app/assets/0000000000000000/app.js".to_string(),
        format!("{assets}/nope.js"),
        format!("{assets}/index.html"),
        format!("{assets}/../../../etc/passwd"),
    ] {
        Reply::from(fetch(&server, &path).await)
            .await
            .assert_problem(404, "not_found");
    }
}
