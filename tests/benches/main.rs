//! The numbers of `BENCHMARKS.md`: what each deployed function weighs and costs, against a
//! hello-world `lambda_http` floor built in the same run. `make bench` builds the release
//! binaries (x86_64, and arm64 with cargo-lambda where it builds), then runs this:
//!
//! ```text
//! cargo bench -p reelview-local --bench benchmarks [-- PART…] [-- --write]
//! ```
//!
//! Parts, all by default: `functions` (binary and zip sizes, init time, first invocation and
//! max RSS of the release binaries under a Lambda Runtime API stub), `calls` (AWS calls per
//! use case through `reelview-local` on the emulator), `warm` (in-process latency over
//! 10,000 requests), `reminders` (the reminder job over 10,000 interviews). `--write` puts
//! the report between the markers of `BENCHMARKS.md`; without it, it is printed only.
//!
//! Timings here are measurements, never pass/fail checks: the report states each target and
//! whether this run met it.

mod calls;
mod functions;
mod reminders;
mod report;
mod warm;
mod world;

use report::Report;

const PARTS: [&str; 4] = ["functions", "calls", "warm", "reminders"];

#[tokio::main]
async fn main() {
    // `cargo bench` passes `--bench`; anything else that is not a flag names a part.
    let args: Vec<String> = std::env::args().skip(1).collect();
    let write = args.iter().any(|a| a == "--write");
    let mut parts: Vec<&str> = args
        .iter()
        .filter(|a| !a.starts_with('-'))
        .map(String::as_str)
        .collect();
    if let Some(unknown) = parts.iter().find(|p| !PARTS.contains(p)) {
        eprintln!("unknown part {unknown}; parts are {PARTS:?}");
        std::process::exit(2);
    }
    if parts.is_empty() {
        parts = PARTS.to_vec();
    }
    let mut report = Report::new();
    for part in parts {
        eprintln!("== {part}");
        match part {
            "functions" => functions::run(&mut report).await,
            "calls" => calls::run(&mut report).await,
            "warm" => warm::run(&mut report).await,
            "reminders" => reminders::run(&mut report).await,
            _ => unreachable!(),
        }
    }
    let text = report.markdown();
    println!("{text}");
    if write {
        let path = reelview_tests::workspace_root().join("BENCHMARKS.md");
        report::write_between_markers(&path, &text);
        eprintln!("wrote {}", path.display());
    }
}
