//! Syndicated copies: the same report run by other outlets, with another first or last
//! line, another outlet and id and no publication day, must give the events of the report
//! and no more, through `extract` and through `ingest` one document at a time in any order.
//! The reports are the shared evaluation documents (../shared, beside the repository; the
//! test says it skipped when they are not there).

mod common;

use common::{rasid, stderr, temp_dir};
use serde_json::{json, Value};
use std::path::{Path, PathBuf};

const SETS: [&str; 3] = ["seeds", "pages.dev", "pages2.dev"];

/// Copies made of each report.
const COPIES: usize = 3;

fn shared_documents() -> Option<Vec<Value>> {
    let eval = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../../shared/eval");
    let mut docs = Vec::new();
    for set in SETS {
        let text = std::fs::read_to_string(eval.join(format!("{set}.docs.jsonl"))).ok()?;
        docs.extend(
            text.lines()
                .filter(|l| !l.trim().is_empty())
                .map(|l| serde_json::from_str(l).unwrap()),
        );
    }
    Some(docs)
}

/// Copy `k` of a report: another first line (k = 1), another last line (k = 2), or both,
/// another outlet and id, no publication day.
fn copy(doc: &Value, k: usize) -> Value {
    let text = doc["text"].as_str().unwrap();
    let mut lines: Vec<&str> = text.lines().collect();
    let head = "نقلا عن وكالة أنباء محلية";
    let tail = "المصدر: موقع إخباري إقليمي";
    if k != 2 && lines.len() > 1 {
        lines[0] = head;
    }
    let mut text = lines.join("\n");
    if k != 1 {
        text.push('\n');
        text.push_str(tail);
    }
    json!({
        "id": format!("{}~copy{k}", doc["id"].as_str().unwrap()),
        "outlet": format!("copies-{k}.example"),
        "text": text,
    })
}

fn write_jsonl(path: &Path, docs: &[Value]) -> PathBuf {
    let lines: Vec<String> = docs.iter().map(Value::to_string).collect();
    std::fs::write(path, lines.join("\n") + "\n").unwrap();
    path.to_path_buf()
}

fn events_of(jsonl: &[u8]) -> usize {
    String::from_utf8_lossy(jsonl)
        .lines()
        .filter(|l| !l.trim().is_empty())
        .count()
}

#[test]
fn copies_of_reports_give_the_events_of_the_reports() {
    let Some(originals) = shared_documents() else {
        eprintln!("skipped: ../shared/eval not found (.ci/run has it)");
        return;
    };
    let dir = temp_dir("syndication", "copies");
    let once = write_jsonl(&dir.join("once.jsonl"), &originals);
    let mut all = originals.clone();
    for doc in &originals {
        all.extend((1..=COPIES).map(|k| copy(doc, k)));
    }
    // shuffled: a fixed permutation (a step prime to the count)
    let n = all.len();
    let step = (1..n)
        .rev()
        .find(|s| gcd(*s, n) == 1 && *s < n / 2)
        .unwrap_or(1);
    let shuffled: Vec<Value> = (0..n).map(|i| all[(i * step + 7) % n].clone()).collect();
    let with_copies = write_jsonl(&dir.join("copies.jsonl"), &shuffled);
    let out = rasid(&["extract", once.to_str().unwrap()]);
    assert!(out.status.success(), "{}", stderr(&out));
    let single = events_of(&out.stdout);
    let out = rasid(&["extract", with_copies.to_str().unwrap()]);
    assert!(out.status.success(), "{}", stderr(&out));
    let copied = events_of(&out.stdout);
    assert!(
        copied as f64 <= 1.05 * single as f64,
        "{single} events from the reports, {copied} with {COPIES} copies of each"
    );
    let db = dir.join("rasid.db");
    let out = rasid(&[
        "ingest",
        "--batch",
        "1",
        "--db",
        db.to_str().unwrap(),
        with_copies.to_str().unwrap(),
    ]);
    assert!(out.status.success(), "{}", stderr(&out));
    let out = rasid(&["export", "--db", db.to_str().unwrap(), "--format", "jsonl"]);
    assert!(out.status.success(), "{}", stderr(&out));
    let ingested = events_of(&out.stdout);
    assert!(
        ingested as f64 <= 1.05 * single as f64,
        "{single} events from the reports, {ingested} ingested one at a time with copies"
    );
    eprintln!("{single} events from {} reports; with {COPIES} copies each: {copied} extracted, {ingested} ingested", originals.len());
}

fn gcd(a: usize, b: usize) -> usize {
    if b == 0 {
        a
    } else {
        gcd(b, a % b)
    }
}
