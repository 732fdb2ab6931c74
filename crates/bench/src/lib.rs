//! Shared pieces of the benchmarks: timing statistics, memory figures and the shared
//! evaluation documents they are built from.

use rasid_extraction::Document;
use rasid_text::Day;
use serde_json::{json, Value};
use std::hint::black_box;
use std::path::Path;
use std::time::{Duration, Instant};

/// The command line of a benchmark, read a flag at a time (`--name VALUE`).
pub struct Flags(std::iter::Skip<std::env::Args>);

impl Flags {
    pub fn from_env() -> Flags {
        Flags(std::env::args().skip(1))
    }

    pub fn next_flag(&mut self) -> Option<String> {
        self.0.next()
    }

    /// The value after the flag `name`.
    pub fn value(&mut self, name: &str) -> Result<String, String> {
        self.0.next().ok_or(format!("{name} needs a value"))
    }

    /// A positive whole number after the flag `name`.
    pub fn count(&mut self, name: &str) -> Result<usize, String> {
        let v = self.value(name)?;
        v.parse::<usize>()
            .ok()
            .filter(|n| *n > 0)
            .ok_or(format!("{name}: not a positive integer: {v}"))
    }
}

/// The outcome of a benchmark's options and run (`Err("")`: help was asked for) as an
/// exit status, with the usage on help or on an error.
pub fn exit_status(name: &str, usage: &str, outcome: Result<(), String>) -> std::process::ExitCode {
    match outcome {
        Ok(()) => std::process::ExitCode::SUCCESS,
        Err(e) if e.is_empty() => {
            println!("{usage}");
            std::process::ExitCode::SUCCESS
        }
        Err(e) => {
            eprintln!("{name}: {e}\n{usage}");
            std::process::ExitCode::from(2)
        }
    }
}

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
        Stats::of_values(times.iter().map(Duration::as_secs_f64).collect())
    }

    /// Median, minimum and maximum of any figures (at least one).
    pub fn of_values(mut s: Vec<f64>) -> Stats {
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

/// Replaces every four-digit year 1900–2099 (ASCII or Arabic-Indic digits) by the year
/// `shift` later, in ASCII digits.
pub fn shift_years(text: &str, shift: i32) -> String {
    let chars: Vec<char> = text.chars().collect();
    let digit = |c: char| {
        c.to_digit(10)
            .or_else(|| ('٠'..='٩').contains(&c).then(|| c as u32 - '٠' as u32))
    };
    let mut out = String::with_capacity(text.len() + 16);
    let mut i = 0;
    while i < chars.len() {
        let run = chars[i..]
            .iter()
            .take_while(|c| digit(**c).is_some())
            .count();
        if run == 0 {
            out.push(chars[i]);
            i += 1;
            continue;
        }
        let value = chars[i..i + run]
            .iter()
            .fold(0i64, |v, c| v * 10 + i64::from(digit(*c).unwrap_or(0)));
        if run == 4 && (1900..2100).contains(&value) {
            out.push_str(&(value + i64::from(shift)).to_string());
        } else {
            out.extend(&chars[i..i + run]);
        }
        i += run;
    }
    out
}

/// Publication day given to shared documents that have none.
const UNDATED_PUBLISHED: Day = Day {
    year: 2024,
    month: 1,
    day: 15,
};

/// `n` documents varied from `base`: copy `k` of a document has the id `ID~k`, its
/// publication day and every year it names `k` years later (so each copy tells acts of its
/// own, as a long archive would; a document without a day gets [`UNDATED_PUBLISHED`]),
/// and a reference line of its own (so no two texts are the
/// same).
pub fn varied_corpus(base: &[Document], n: usize) -> Vec<Document> {
    (0..n)
        .map(|i| {
            let d = &base[i % base.len()];
            let k = (i / base.len()) as i32;
            // news carries its day; the shared documents without one get a day of their era
            let p = d.published.unwrap_or(UNDATED_PUBLISHED);
            Document {
                id: format!("{}~{k}", d.id),
                text: format!("{}\nالمرجع: نسخة-{k}", shift_years(&d.text, k)),
                url: None,
                outlet: d.outlet.clone(),
                published: Day::new(p.year + k, p.month, p.day.min(28)),
            }
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn years_move_in_both_digit_forms_and_other_numbers_stay() {
        assert_eq!(
            shift_years("في 12 شباط 2024 و٢٠٢٣ قتل 1500 شخص عام 1850", 3),
            "في 12 شباط 2027 و2026 قتل 1500 شخص عام 1850"
        );
    }
}
