//! The recruiter console: a single-page app at `/app` that works only through the public
//! `/v1` API, with the team's API key (kept in the browser's `sessionStorage`). Its files are
//! compiled into the binary; the console function links no store and no AWS client.
//!
//! Every asset lives under `/app/assets/{version}/`, where `version` is a fingerprint of all
//! the console's files taken at compile time: an asset URL never changes meaning, so assets are
//! cached for a year, and a new build is new URLs. The modules import each other by relative
//! names, so they resolve inside the same version. The shell (`/app` and every path under it,
//! for the app's own deep links) is never cached, so it always names the current version.

use super::pages::secured;
use crate::app::Error;
use axum::body::Body;
use axum::extract::Path;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use axum::{Extension, Router};
use std::path::PathBuf;
use std::sync::LazyLock;

/// Every file of the console: name, content type, contents.
const FILES: &[(&str, &str, &[u8])] = &[
    (
        "index.html",
        HTML,
        include_bytes!("../../web/console/index.html"),
    ),
    (
        "console.css",
        CSS,
        include_bytes!("../../web/console/console.css"),
    ),
    (
        "app.js",
        JAVASCRIPT,
        include_bytes!("../../web/console/app.js"),
    ),
    (
        "api.js",
        JAVASCRIPT,
        include_bytes!("../../web/console/api.js"),
    ),
    (
        "ui.js",
        JAVASCRIPT,
        include_bytes!("../../web/console/ui.js"),
    ),
    (
        "format.js",
        JAVASCRIPT,
        include_bytes!("../../web/console/format.js"),
    ),
    (
        "positions.js",
        JAVASCRIPT,
        include_bytes!("../../web/console/positions.js"),
    ),
    (
        "candidates.js",
        JAVASCRIPT,
        include_bytes!("../../web/console/candidates.js"),
    ),
    (
        "csv.js",
        JAVASCRIPT,
        include_bytes!("../../web/console/csv.js"),
    ),
    (
        "interview.js",
        JAVASCRIPT,
        include_bytes!("../../web/console/interview.js"),
    ),
    (
        "settings.js",
        JAVASCRIPT,
        include_bytes!("../../web/console/settings.js"),
    ),
    (
        "qr.js",
        JAVASCRIPT,
        include_bytes!("../../web/console/qr.js"),
    ),
];

const HTML: &str = "text/html; charset=utf-8";
const CSS: &str = "text/css; charset=utf-8";
const JAVASCRIPT: &str = "text/javascript; charset=utf-8";

/// The shell names its assets through this placeholder.
const ASSETS_PLACEHOLDER: &str = "{{assets}}";

/// Scripts and styles from this origin only, no inline code; the API on this origin; answers
/// play from the storage service (https) or, locally, from this origin; captions are fetched
/// with the key and played from `blob:` URLs; the QR code is drawn as inline SVG.
const CSP: &str = "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data: blob:; \
                   media-src 'self' blob: https:; connect-src 'self'; form-action 'self'; base-uri 'none'; \
                   frame-ancestors 'none'";

/// The console records nothing: no camera, microphone or location.
const PERMISSIONS: &str = "camera=(), microphone=(), geolocation=()";

/// A developer's working copy of `web/console`, served instead of the compiled-in files (so a
/// change shows on reload, without a build). Only `reelview-local` adds it, when asked.
#[derive(Debug, Clone)]
pub struct ConsoleDir(pub PathBuf);

/// The console's routes. They hold no state, so they fit any router: the console function
/// serves them alone, `reelview-local` beside everything else.
pub fn routes<S: Clone + Send + Sync + 'static>() -> Router<S> {
    Router::new()
        .route("/app", get(shell))
        .route("/app/", get(shell))
        .route("/app/assets/{version}/{asset}", get(asset))
        .route("/app/{*path}", get(shell))
}

/// The fingerprint of every file's name and contents (64-bit FNV-1a), computed by the compiler.
const FINGERPRINT: u64 = {
    let mut hash: u64 = 0xcbf2_9ce4_8422_2325;
    let mut file = 0;
    while file < FILES.len() {
        let (name, _, contents) = FILES[file];
        let parts: [&[u8]; 2] = [name.as_bytes(), contents];
        let mut part = 0;
        while part < parts.len() {
            let bytes = parts[part];
            let mut i = 0;
            while i < bytes.len() {
                hash ^= bytes[i] as u64;
                hash = hash.wrapping_mul(0x0000_0100_0000_01b3);
                i += 1;
            }
            // A separator, so that moving bytes between a name and its contents changes it.
            hash ^= 0xff;
            hash = hash.wrapping_mul(0x0000_0100_0000_01b3);
            part += 1;
        }
        file += 1;
    }
    hash
};

/// The version in asset URLs: the fingerprint, or `dev` for a working copy.
fn version(dir: Option<&ConsoleDir>) -> String {
    match dir {
        Some(_) => "dev".to_string(),
        None => format!("{FINGERPRINT:016x}"),
    }
}

/// A compiled-in file or one read from the working copy.
enum Contents {
    Compiled(&'static [u8]),
    Read(Vec<u8>),
}

impl Contents {
    fn body(self) -> Body {
        match self {
            Contents::Compiled(bytes) => Body::from(bytes),
            Contents::Read(bytes) => Body::from(bytes),
        }
    }
}

/// One of the console's files, from the binary or the working copy.
fn contents(dir: Option<&ConsoleDir>, name: &str) -> Option<(&'static str, Contents)> {
    let (_, content_type, compiled) = FILES.iter().find(|(file, _, _)| *file == name)?;
    match dir {
        Some(ConsoleDir(dir)) => std::fs::read(dir.join(name))
            .ok()
            .map(|read| (*content_type, Contents::Read(read))),
        None => Some((*content_type, Contents::Compiled(compiled))),
    }
}

/// The shell naming the assets of `dir`'s version.
fn shell_html(dir: Option<&ConsoleDir>) -> Option<String> {
    let html = match contents(dir, "index.html")? {
        (_, Contents::Compiled(bytes)) => String::from_utf8_lossy(bytes).into_owned(),
        (_, Contents::Read(bytes)) => String::from_utf8_lossy(&bytes).into_owned(),
    };
    Some(html.replace(ASSETS_PLACEHOLDER, &format!("/app/assets/{}", version(dir))))
}

/// The compiled-in shell, made once per process.
static SHELL: LazyLock<Option<String>> = LazyLock::new(|| shell_html(None));

/// The app's shell, for `/app` and for each of its deep links (the app routes in the page).
async fn shell(dir: Option<Extension<ConsoleDir>>) -> Response {
    let html = match dir.as_ref() {
        Some(Extension(dir)) => shell_html(Some(dir)),
        None => SHELL.clone(),
    };
    let Some(html) = html else {
        return Error::RouteNotFound.into_response();
    };
    secured(
        (StatusCode::OK, html).into_response(),
        HTML,
        CSP,
        "no-cache",
        PERMISSIONS,
    )
}

/// An asset of this version; another version's assets are gone with the build that made them.
async fn asset(
    dir: Option<Extension<ConsoleDir>>,
    Path((asked_version, name)): Path<(String, String)>,
) -> Response {
    let dir = dir.as_ref().map(|Extension(dir)| dir);
    if asked_version != version(dir) || name == "index.html" {
        return Error::RouteNotFound.into_response();
    }
    let Some((content_type, body)) = contents(dir, &name) else {
        return Error::RouteNotFound.into_response();
    };
    let cache = match dir {
        Some(_) => "no-store",
        None => "public, max-age=31536000, immutable",
    };
    secured(
        (StatusCode::OK, body.body()).into_response(),
        content_type,
        CSP,
        cache,
        PERMISSIONS,
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_shell_names_its_assets_through_the_placeholder() {
        let Some((_, Contents::Compiled(shell))) = contents(None, "index.html") else {
            panic!("the shell is compiled in");
        };
        let shell = String::from_utf8_lossy(shell);
        assert!(shell.contains(&format!("{ASSETS_PLACEHOLDER}/app.js")));
        assert!(shell.contains(&format!("{ASSETS_PLACEHOLDER}/console.css")));
    }

    #[test]
    fn every_module_an_asset_imports_is_served() {
        for (name, _, contents) in FILES {
            let text = String::from_utf8_lossy(contents);
            for line in text.lines() {
                let Some(from) = line.split(" from './").nth(1) else {
                    continue;
                };
                let imported = from.split('\'').next().unwrap();
                assert!(
                    FILES.iter().any(|(file, _, _)| *file == imported),
                    "{name} imports {imported}, which is not in FILES"
                );
            }
        }
    }
}
