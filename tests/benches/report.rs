//! The report: one table of targets (figure, floor, ratio, target, met) and a section per
//! part, as markdown.

use std::path::Path;
use std::time::Duration;

pub const BEGIN: &str = "<!-- make bench: begin (generated, do not edit by hand) -->";
pub const END: &str = "<!-- make bench: end -->";

/// One target of the issue and what this run measured against it.
pub struct Target {
    pub what: String,
    pub figure: String,
    pub floor: String,
    pub ratio: String,
    pub target: String,
    pub met: bool,
    pub command: &'static str,
}

#[derive(Default)]
pub struct Report {
    targets: Vec<Target>,
    sections: Vec<(String, String)>,
}

impl Report {
    pub fn new() -> Report {
        Report::default()
    }

    pub fn target(&mut self, target: Target) {
        self.targets.push(target);
    }

    pub fn section(&mut self, title: &str, body: String) {
        self.sections.push((title.to_string(), body));
    }

    pub fn markdown(&self) -> String {
        let mut out = String::new();
        out.push_str(&format!("Measured {}.\n\n", context()));
        if !self.targets.is_empty() {
            out.push_str("### Targets\n\n");
            let mut table = Table::new(&[
                "what", "figure", "floor", "ratio", "target", "met", "command",
            ]);
            for t in &self.targets {
                table.row(vec![
                    t.what.clone(),
                    t.figure.clone(),
                    t.floor.clone(),
                    t.ratio.clone(),
                    t.target.clone(),
                    if t.met { "yes" } else { "**no**" }.to_string(),
                    format!("`{}`", t.command),
                ]);
            }
            out.push_str(&table.markdown());
            out.push('\n');
        }
        for (title, body) in &self.sections {
            out.push_str(&format!("### {title}\n\n{}\n", body.trim_end()));
            out.push('\n');
        }
        out
    }
}

/// When, on what, with which compiler: numbers only compare within one machine.
fn context() -> String {
    let cpu = std::fs::read_to_string("/proc/cpuinfo")
        .ok()
        .and_then(|info| {
            info.lines()
                .find_map(|l| l.strip_prefix("model name"))
                .map(|l| l.trim_start_matches([' ', '\t', ':']).to_string())
        })
        .unwrap_or_else(|| "an unknown CPU".into());
    let cores = std::thread::available_parallelism()
        .map(|n| n.get())
        .unwrap_or(1);
    let rustc = std::process::Command::new("rustc")
        .arg("-V")
        .output()
        .ok()
        .map(|o| String::from_utf8_lossy(&o.stdout).trim().to_string())
        .unwrap_or_default();
    // The in-process parts time this binary's own code: only a release build counts.
    let build = if cfg!(debug_assertions) {
        "; this harness was a debug build, so its in-process timings (warm latency, reminder \
         job) are not representative"
    } else {
        ""
    };
    format!(
        "on {} ({cpu}, {cores} cores), {rustc}{build}",
        chrono::Utc::now().format("%Y-%m-%d")
    )
}

/// A markdown table.
pub struct Table {
    head: Vec<String>,
    rows: Vec<Vec<String>>,
}

impl Table {
    pub fn new(head: &[&str]) -> Table {
        Table {
            head: head.iter().map(|h| h.to_string()).collect(),
            rows: Vec::new(),
        }
    }

    pub fn row(&mut self, cells: Vec<String>) {
        self.rows.push(cells);
    }

    pub fn markdown(&self) -> String {
        let line = |cells: &[String]| format!("| {} |\n", cells.join(" | "));
        let mut out = line(&self.head);
        out.push_str(&line(&vec!["---".to_string(); self.head.len()]));
        for row in &self.rows {
            out.push_str(&line(row));
        }
        out
    }
}

pub fn ms(d: Duration) -> String {
    let ms = d.as_secs_f64() * 1000.0;
    if ms < 1.0 {
        format!("{ms:.3} ms")
    } else if ms < 100.0 {
        format!("{ms:.2} ms")
    } else {
        format!("{ms:.0} ms")
    }
}

pub fn us(d: Duration) -> String {
    format!("{:.0} µs", d.as_secs_f64() * 1e6)
}

/// Bytes in decimal megabytes (the unit of the targets).
pub fn mb(bytes: u64) -> String {
    format!("{:.2} MB", bytes as f64 / 1e6)
}

pub fn mib_of_kib(kib: u64) -> String {
    format!("{:.1} MiB", kib as f64 / 1024.0)
}

pub fn ratio(figure: f64, floor: f64) -> String {
    if floor > 0.0 {
        format!("{:.2}×", figure / floor)
    } else {
        "–".into()
    }
}

/// The value at quantile `q` (0..=1) of sorted samples.
pub fn quantile(sorted: &[Duration], q: f64) -> Duration {
    if sorted.is_empty() {
        return Duration::ZERO;
    }
    let i = ((sorted.len() - 1) as f64 * q).round() as usize;
    sorted[i]
}

/// Replaces what lies between the markers of `path` with `text` (creating the file, or the
/// markers at its end, if missing); the hand-written rest stays as it is.
pub fn write_between_markers(path: &Path, text: &str) {
    let current = std::fs::read_to_string(path).unwrap_or_default();
    let generated = format!("{BEGIN}\n\n{}\n{END}", text.trim_end());
    let next = match (current.find(BEGIN), current.find(END)) {
        (Some(begin), Some(end)) if begin < end => format!(
            "{}{generated}{}",
            &current[..begin],
            &current[end + END.len()..]
        ),
        _ => format!("{}\n\n{generated}\n", current.trim_end()),
    };
    std::fs::write(path, next).unwrap_or_else(|e| panic!("writing {}: {e}", path.display()));
}
