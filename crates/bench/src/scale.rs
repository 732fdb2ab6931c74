//! The scale cases of `rasid-ingest-bench --scale`: what one act told by thousands of
//! reports and one very long document cost. Each case runs in a child process of its own
//! (`--case`), so that its peak memory (`VmHWM`) is its own.
//!
//! The reports are invented here from a few templates of one drone attack (different
//! outlets, wordings, claimants and injury counts, one date and place), so that every
//! report is a document of its own that the merge must put in the one event; the long
//! document tells the same templates at other places and days, one after another.

use crate::{ingest, IngestOptions, Lexicons, SqliteStore, Store};
use rasid_bench::{proc_status_mb, Stats};
use rasid_extraction::Document;
use rasid_text::Day;
use serde_json::{json, Value};
use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::Instant;

const OUTLETS: [&str; 6] = [
    "وكالة الأنباء المحلية",
    "إذاعة الرافدين الحرة",
    "موقع الخبر اليومي",
    "قناة الأفق",
    "صحيفة المساء",
    "شبكة أخبار الفرات",
];

const TEMPLATES: [&str; 5] = [
    "أعلنت مصادر أمنية عراقية أن قاعدة عين الأسد الجوية في محافظة الأنبار تعرضت يوم الثلاثاء 12 آذار 2024 لهجوم بطائرة مسيرة مفخخة، ما أدى إلى إصابة {n} جنود، بحسب {outlet}.",
    "استهدف هجوم بطائرة مسيرة قاعدة عين الأسد الجوية غربي العراق يوم الثلاثاء 12 آذار 2024، وقالت {outlet} إن {n} عسكريين أصيبوا.",
    "قالت {outlet} إن طائرة مسيرة مجهولة قصفت قاعدة عين الأسد الجوية في الأنبار يوم الثلاثاء 12 آذار 2024 وأصابت {n} من العسكريين.",
    "تبنت المقاومة الإسلامية في العراق هجوما بطائرة مسيرة على قاعدة عين الأسد الجوية يوم الثلاثاء 12 آذار 2024، بحسب ما نقلته {outlet}.",
    "ذكرت {outlet} أن انفجارا سمع في قاعدة عين الأسد الجوية بمحافظة الأنبار بعد هجوم بطائرة مسيرة يوم الثلاثاء 12 آذار 2024.",
];

/// Report `i` of the act: a template, an outlet, a count, and a line of its own.
pub fn report(i: usize) -> Document {
    let text = TEMPLATES[i % TEMPLATES.len()]
        .replace("{outlet}", OUTLETS[(i / TEMPLATES.len()) % OUTLETS.len()])
        .replace("{n}", &(2 + i % 7).to_string());
    Document {
        id: format!("report-{i:06}"),
        text: format!("{text}\nالمرجع: تقرير-{i}"),
        url: None,
        outlet: None,
        published: Day::new(2024, 3, 12 + (i % 2) as u8),
    }
}

/// Towns and cities of the region, for the acts of the long document.
const PLACES: [&str; 16] = [
    "الموصل",
    "كركوك",
    "حلب",
    "حمص",
    "إدلب",
    "درعا",
    "الرقة",
    "تعز",
    "مأرب",
    "الحديدة",
    "بنغازي",
    "سرت",
    "جنين",
    "نابلس",
    "الفاشر",
    "الميادين",
];

const MONTHS: [&str; 12] = [
    "كانون الثاني",
    "شباط",
    "آذار",
    "نيسان",
    "أيار",
    "حزيران",
    "تموز",
    "آب",
    "أيلول",
    "تشرين الأول",
    "تشرين الثاني",
    "كانون الأول",
];

/// One document of at least `bytes` bytes telling one act after another (a yearly digest,
/// say): the act templates, each at one of a few places on one of the days of a year, so
/// that some acts are told more than once.
pub fn long_document(bytes: usize) -> Document {
    let mut text = String::new();
    let mut i = 0;
    while text.len() < bytes {
        let act = TEMPLATES[i % TEMPLATES.len()]
            .replace(
                "قاعدة عين الأسد الجوية في محافظة الأنبار",
                PLACES[i % PLACES.len()],
            )
            .replace(
                "قاعدة عين الأسد الجوية",
                &format!("مدينة {}", PLACES[i % PLACES.len()]),
            )
            .replace(
                "يوم الثلاثاء 12 آذار 2024",
                &format!("في {} {} 2023", 1 + i % 28, MONTHS[(i / 28) % 12]),
            )
            .replace("{outlet}", OUTLETS[i % OUTLETS.len()])
            .replace("{n}", &(2 + i % 7).to_string());
        text.push_str(&act);
        text.push_str(if i % 4 == 3 { "\n\n" } else { " " });
        i += 1;
    }
    Document {
        id: "long".into(),
        text,
        url: None,
        outlet: None,
        published: Day::new(2024, 1, 16),
    }
}

fn fresh_store(dir: &Path, name: &str) -> (PathBuf, SqliteStore) {
    let db = dir.join(format!("rasid-scale-{name}-{}.db", std::process::id()));
    remove(&db);
    let store = SqliteStore::open(&db).expect("open the store");
    (db, store)
}

fn remove(db: &Path) {
    for suffix in ["", "-wal", "-shm"] {
        let _ = std::fs::remove_file(format!("{}{suffix}", db.display()));
    }
}

/// Runs one case in this process and prints its figures as one JSON line.
pub fn run_case(case: &str, n: usize, dir: &Path) -> Result<(), String> {
    let lex = Lexicons::embedded().map_err(|e| e.to_string())?;
    let options = IngestOptions::default();
    let figures: Value = match case {
        "one-act" => {
            let (db, mut store) = fresh_store(dir, case);
            let start = Instant::now();
            ingest(&mut store, &lex, (0..n).map(report), &options, &mut |_| {})
                .map_err(|e| e.to_string())?;
            let seconds = start.elapsed().as_secs_f64();
            let counts = store.counts().map_err(|e| e.to_string())?;
            drop(store);
            remove(&db);
            json!({"seconds": seconds, "events": counts.events, "documents": counts.documents})
        }
        "one-more" => {
            // n reports stored, then reports added one at a time, each timed
            let (db, mut store) = fresh_store(dir, case);
            ingest(&mut store, &lex, (0..n).map(report), &options, &mut |_| {})
                .map_err(|e| e.to_string())?;
            let mut times = Vec::new();
            for i in n..n + 7 {
                let start = Instant::now();
                ingest(&mut store, &lex, [report(i)], &options, &mut |_| {})
                    .map_err(|e| e.to_string())?;
                times.push(start.elapsed());
            }
            let counts = store.counts().map_err(|e| e.to_string())?;
            drop(store);
            remove(&db);
            json!({"seconds": Stats::of(&times).median, "events": counts.events, "documents": counts.documents})
        }
        "long-document" => {
            let doc = long_document(n);
            let bytes = doc.text.len();
            let (db, mut store) = fresh_store(dir, case);
            let start = Instant::now();
            ingest(&mut store, &lex, [doc], &options, &mut |_| {}).map_err(|e| e.to_string())?;
            let seconds = start.elapsed().as_secs_f64();
            let counts = store.counts().map_err(|e| e.to_string())?;
            drop(store);
            remove(&db);
            json!({"seconds": seconds, "bytes": bytes, "events": counts.events, "mentions": counts.mentions})
        }
        other => return Err(format!("unknown case {other}")),
    };
    let mut figures = figures;
    figures["peak_mb"] = json!(proc_status_mb("VmHWM").unwrap_or(0.0));
    println!("{figures}");
    Ok(())
}

/// Runs every case `runs` times, each in a child process, and prints the medians.
pub fn run_all(runs: usize, dir: &Path, json_out: Option<&Path>) -> Result<(), String> {
    let me = std::env::current_exe().map_err(|e| e.to_string())?;
    let cases: [(&str, &str, usize); 5] = [
        ("one act, 1,000 reports", "one-act", 1_000),
        ("one act, 4,000 reports", "one-act", 4_000),
        ("one act, 16,000 reports", "one-act", 16_000),
        ("one more report into 16,000", "one-more", 16_000),
        ("one 4 MB document", "long-document", 4 << 20),
    ];
    let mut report = Vec::new();
    println!();
    println!(
        "{:<34} {:>10} {:>12} {:>10} {:>8}",
        "case", "median s", "range s", "peak MB", "events"
    );
    println!("{}", "-".repeat(80));
    for (label, case, n) in cases {
        let mut seconds = Vec::new();
        let mut peaks = Vec::new();
        let mut last = Value::Null;
        for _ in 0..runs {
            let out = Command::new(&me)
                .args(["--case", case, "--n", &n.to_string()])
                .arg("--dir")
                .arg(dir)
                .output()
                .map_err(|e| format!("cannot run a case: {e}"))?;
            if !out.status.success() {
                return Err(format!(
                    "case {case} {n} failed: {}",
                    String::from_utf8_lossy(&out.stderr)
                ));
            }
            let line = String::from_utf8_lossy(&out.stdout);
            let v: Value = serde_json::from_str(line.trim())
                .map_err(|e| format!("case {case}: {e}: {line}"))?;
            seconds.push(v["seconds"].as_f64().unwrap_or(f64::NAN));
            peaks.push(v["peak_mb"].as_f64().unwrap_or(f64::NAN));
            last = v;
        }
        let s = Stats::of_values(seconds);
        let peak = Stats::of_values(peaks);
        println!(
            "{:<34} {:>10.3} {:>5.3}–{:<6.3} {:>10.0} {:>8}",
            label, s.median, s.min, s.max, peak.median, last["events"]
        );
        report.push(json!({"case": label, "n": n, "seconds": s.json(), "peak_mb": peak.json(), "last": last}));
    }
    let per_report = |i: usize| {
        report[i]["seconds"]["median"].as_f64().unwrap_or(f64::NAN)
            / report[i]["n"].as_f64().unwrap_or(1.0)
    };
    println!();
    println!(
        "bench-scale: per_report_ms 1k={:.3} 4k={:.3} 16k={:.3} (16k/1k ratio {:.2}) one_more_ms={:.1} long_doc_s={:.2}",
        per_report(0) * 1e3,
        per_report(1) * 1e3,
        per_report(2) * 1e3,
        per_report(2) / per_report(0),
        report[3]["seconds"]["median"].as_f64().unwrap_or(f64::NAN) * 1e3,
        report[4]["seconds"]["median"].as_f64().unwrap_or(f64::NAN),
    );
    if let Some(path) = json_out {
        std::fs::write(
            path,
            serde_json::to_string_pretty(&report).unwrap_or_default(),
        )
        .map_err(|e| format!("cannot write {}: {e}", path.display()))?;
    }
    Ok(())
}
