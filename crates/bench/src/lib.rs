//! Shared pieces of the benchmarks: timing statistics, memory figures and the shared
//! evaluation documents they are built from.

use rasid_extraction::Document;
use rasid_text::Day;
use serde_json::{json, Value};
use std::hint::black_box;
use std::path::Path;
use std::time::{Duration, Instant};

/// Megabyte as 10^6 bytes.
pub const MB: f64 = 1_000_000.0;

/// Median, minimum and maximum of a set of durations, in seconds.
#[derive(Clone, Copy)]
pub struct Stats {
    pub median: f64,
    pub min: f64,
    pub max: f64,
    pub runs: usize,
}

impl Stats {
    pub fn of(times: &[Duration]) -> Stats {
        let mut s: Vec<f64> = times.iter().map(Duration::as_secs_f64).collect();
        s.sort_by(f64::total_cmp);
        let n = s.len();
        let median = if n % 2 == 1 {
            s[n / 2]
        } else {
            (s[n / 2 - 1] + s[n / 2]) / 2.0
        };
        Stats {
            median,
            min: s[0],
            max: s[n - 1],
            runs: n,
        }
    }

    /// `amount` per second at the median time, and the range (slowest run, fastest run).
    pub fn rate(&self, amount: f64) -> (f64, f64, f64) {
        (amount / self.median, amount / self.max, amount / self.min)
    }

    pub fn json(&self) -> Value {
        json!({ "median": self.median, "min": self.min, "max": self.max, "runs": self.runs })
    }
}

pub fn time_runs(runs: usize, label: &str, mut f: impl FnMut() -> usize) -> (Vec<Duration>, usize) {
    let mut times = Vec::with_capacity(runs);
    let mut last = 0;
    for i in 0..runs {
        let start = Instant::now();
        last = black_box(f());
        let t = start.elapsed();
        eprintln!("  {label} run {}/{runs}: {:.3} s", i + 1, t.as_secs_f64());
        times.push(t);
    }
    (times, last)
}

/// A field of `/proc/self/status` (such as `VmHWM`) in megabytes (10^6 bytes).
pub fn proc_status_mb(field: &str) -> Option<f64> {
    let status = std::fs::read_to_string("/proc/self/status").ok()?;
    status.lines().find_map(|line| {
        let rest = line.strip_prefix(field)?.strip_prefix(':')?;
        let kb: f64 = rest.trim().strip_suffix("kB")?.trim().parse().ok()?;
        Some(kb * 1024.0 / MB)
    })
}

pub fn read_docs(path: &Path) -> Result<Vec<Document>, String> {
    let content = std::fs::read_to_string(path)
        .map_err(|e| format!("cannot read {}: {e}", path.display()))?;
    let mut docs = Vec::new();
    for (n, line) in content.lines().enumerate() {
        if line.trim().is_empty() {
            continue;
        }
        let v: Value =
            serde_json::from_str(line).map_err(|e| format!("{}:{}: {e}", path.display(), n + 1))?;
        let field = |name: &str| v.get(name).and_then(Value::as_str).map(str::to_string);
        let text = field("text").ok_or(format!("{}:{}: no text", path.display(), n + 1))?;
        docs.push(Document {
            id: field("id").unwrap_or_else(|| format!("line{}", n + 1)),
            text,
            url: None,
            outlet: None,
            published: field("published").and_then(|d| Day::parse_iso(&d)),
        });
    }
    Ok(docs)
}
