//! `rasid extract` on the invented reports of `examples/`: the folder reads without problems
//! (its README is not a document), every event names only example documents, the weather
//! report gives none, and the CSV output holds the same events as the JSON Lines output.

use serde_json::Value;
use std::collections::HashSet;
use std::path::PathBuf;
use std::process::{Command, Output};

fn examples() -> PathBuf {
    PathBuf::from(concat!(env!("CARGO_MANIFEST_DIR"), "/../../examples"))
}

fn extract(format: &str) -> Output {
    Command::new(env!("CARGO_BIN_EXE_rasid"))
        .arg("extract")
        .arg(examples())
        .args(["--published", "2024-03-16", "--format", format])
        .output()
        .expect("run rasid")
}

fn example_ids() -> HashSet<String> {
    let mut ids = HashSet::new();
    for entry in std::fs::read_dir(examples()).expect("read examples/") {
        let name = entry
            .expect("entry")
            .file_name()
            .to_string_lossy()
            .into_owned();
        if name.ends_with(".txt") {
            ids.insert(name);
        }
    }
    let jsonl = std::fs::read_to_string(examples().join("reports.jsonl")).expect("reports.jsonl");
    for line in jsonl.lines() {
        let record: Value = serde_json::from_str(line).expect("reports.jsonl line");
        ids.insert(record["id"].as_str().expect("id").to_string());
    }
    ids
}

#[test]
fn examples_extract_cleanly() {
    let out = extract("jsonl");
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(out.status.success(), "rasid failed: {stderr}");
    assert!(
        !stderr.contains("README"),
        "README.md read as a document: {stderr}"
    );
    let ids = example_ids();
    assert_eq!(ids.len(), 8, "{ids:?}");
    let stdout = String::from_utf8(out.stdout).expect("UTF-8 output");
    let events: Vec<Value> = stdout
        .lines()
        .map(|line| serde_json::from_str(line).expect("event line"))
        .collect();
    assert!(!events.is_empty(), "no events from the examples");
    for event in &events {
        let docs = event["docs"].as_array().expect("docs");
        assert!(!docs.is_empty(), "{event}");
        for doc in docs {
            let doc = doc.as_str().expect("doc id");
            assert!(ids.contains(doc), "unknown document {doc} in {event}");
            assert_ne!(
                doc, "05_weather.txt",
                "event from the weather report: {event}"
            );
        }
    }
}

#[test]
fn csv_holds_the_same_events() {
    let jsonl = extract("jsonl");
    assert!(jsonl.status.success());
    let n_events = String::from_utf8_lossy(&jsonl.stdout).lines().count();
    let csv_out = extract("csv");
    assert!(csv_out.status.success());
    let mut reader = csv::Reader::from_reader(&csv_out.stdout[..]);
    let header = reader.headers().expect("header").clone();
    assert_eq!(header.get(0), Some("event_id_cnty"));
    assert_eq!(header.get(header.len() - 1), Some("location_ar"));
    let rows: Vec<csv::StringRecord> = reader.records().map(|r| r.expect("CSV row")).collect();
    assert_eq!(rows.len(), n_events);
    let documents = header
        .iter()
        .position(|h| h == "documents")
        .expect("column");
    for row in &rows {
        assert_eq!(row.len(), header.len());
        assert!(!row[documents].is_empty(), "{row:?}");
    }
}
