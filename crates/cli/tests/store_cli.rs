//! End-to-end tests of the store commands (`ingest`, `export`, `events`, `changes`) on the
//! invented reports of `examples/` and on variations of them.

use serde_json::Value;
use std::fs;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::Duration;

mod common;
use common::{rasid, stderr, told, without_ids};

fn examples() -> PathBuf {
    PathBuf::from(concat!(env!("CARGO_MANIFEST_DIR"), "/../../examples"))
}

fn temp_dir(name: &str) -> PathBuf {
    common::temp_dir("store", name)
}

fn path(p: &Path) -> &str {
    p.to_str().expect("UTF-8 path")
}

/// The example reports, one file each (the JSON Lines file split by line).
fn example_files(dir: &Path) -> Vec<PathBuf> {
    let mut files = Vec::new();
    let mut names: Vec<PathBuf> = fs::read_dir(examples())
        .expect("examples/")
        .map(|e| e.expect("entry").path())
        .collect();
    names.sort();
    for p in names {
        match p.extension().and_then(|e| e.to_str()) {
            Some("txt") => files.push(p),
            Some("jsonl") => {
                for (i, line) in fs::read_to_string(&p).expect("jsonl").lines().enumerate() {
                    let one = dir.join(format!("report-{i}.jsonl"));
                    fs::write(&one, format!("{line}\n")).expect("write");
                    files.push(one);
                }
            }
            _ => {}
        }
    }
    files
}

/// JSON Lines events sorted by id.
fn events_by_id(jsonl: &[u8]) -> Vec<Value> {
    let mut events: Vec<Value> = String::from_utf8_lossy(jsonl)
        .lines()
        .map(|l| serde_json::from_str(l).expect("event JSON"))
        .collect();
    events.sort_by(|a, b| a["id"].as_str().cmp(&b["id"].as_str()));
    events
}

fn export_jsonl(db: &Path) -> Vec<Value> {
    export_filtered(db, &[])
}

/// `rasid ingest --json` with the examples' publication day for documents without one.
/// `rasid export --format jsonl` with filters, events sorted by id.
fn export_filtered(db: &Path, filters: &[&str]) -> Vec<Value> {
    let mut args = vec!["export", "--db", path(db), "--format", "jsonl"];
    args.extend_from_slice(filters);
    let out = rasid(&args);
    assert!(out.status.success(), "{}", stderr(&out));
    events_by_id(&out.stdout)
}

fn ingest_json(db: &Path, inputs: &[&str]) -> Value {
    let mut args = vec!["--published", "2024-03-16"];
    args.extend_from_slice(inputs);
    ingest_args(db, &args)
}

fn ingest_args(db: &Path, more: &[&str]) -> Value {
    let mut args = vec!["ingest", "--db", path(db), "--json"];
    args.extend_from_slice(more);
    let out = rasid(&args);
    assert!(out.status.success(), "{}", stderr(&out));
    serde_json::from_slice(&out.stdout).expect("summary JSON")
}

#[test]
fn one_file_at_a_time_in_any_order_gives_the_events_of_extract() {
    let dir = temp_dir("orders");
    let files = example_files(&dir);
    let all: Vec<&str> = files.iter().map(|f| path(f)).collect();
    let mut args = vec!["extract", "--published", "2024-03-16"];
    args.extend_from_slice(&all);
    let extracted = rasid(&args);
    assert!(extracted.status.success(), "{}", stderr(&extracted));
    let expected = events_by_id(&extracted.stdout);
    assert!(expected
        .iter()
        .any(|e| e["docs"].as_array().unwrap().len() > 1));
    let reversed: Vec<&str> = all.iter().rev().copied().collect();
    let shuffled: Vec<&str> = (0..all.len())
        .map(|i| all[(i * 5 + 2) % all.len()])
        .collect();
    for (name, order) in [
        ("forward", &all),
        ("reversed", &reversed),
        ("shuffled", &shuffled),
    ] {
        let db = dir.join(format!("{name}.db"));
        for file in order {
            ingest_json(&db, &[file]);
        }
        let stored = export_jsonl(&db);
        // the same events; an event keeps the id of the report that made it, so ids are
        // those of extract when reports come in id order
        assert_eq!(without_ids(&stored), without_ids(&expected), "{name}");
        if name == "forward" {
            assert_eq!(stored, expected, "{name}");
        }
    }
}

#[test]
fn ingesting_again_changes_nothing() {
    let dir = temp_dir("again");
    let db = dir.join("rasid.db");
    let ex = examples();
    let first = ingest_json(&db, &[path(&ex)]);
    let n = first["summary"]["documents_new"].as_u64().unwrap();
    assert!(n >= 8);
    let events = export_jsonl(&db);
    let again = ingest_json(&db, &[path(&ex)]);
    assert_eq!(again["summary"]["documents_unchanged"], n);
    assert_eq!(again["summary"]["batches"], 0);
    assert_eq!(again["store"], first["store"]);
    assert_eq!(export_jsonl(&db), events);
    let changes = rasid(&["changes", "--db", path(&db), "--since", "2000-01-01"]);
    assert!(changes.status.success(), "{}", stderr(&changes));
    let logged = String::from_utf8_lossy(&changes.stdout).lines().count();
    assert_eq!(logged as u64, first["store"]["changes"].as_u64().unwrap());
    let later = rasid(&["changes", "--db", path(&db), "--since", "2999-01-01"]);
    assert!(later.stdout.is_empty());
}

/// Variations of the examples: copy `k` of each report has its own id, a reference line
/// of its own and a publication day `k` days later, so copies are distinct documents.
fn varied_corpus(dir: &Path, copies: usize) -> PathBuf {
    let base = examples();
    let mut lines = Vec::new();
    let mut names: Vec<PathBuf> = fs::read_dir(&base)
        .expect("examples/")
        .map(|e| e.expect("entry").path())
        .collect();
    names.sort();
    let mut docs: Vec<(String, String, String)> = Vec::new();
    for p in names {
        let name = p.file_name().unwrap().to_string_lossy().to_string();
        if name.ends_with(".txt") {
            docs.push((name, fs::read_to_string(&p).unwrap(), "2024-03-16".into()));
        } else if name.ends_with(".jsonl") {
            for line in fs::read_to_string(&p).unwrap().lines() {
                let v: Value = serde_json::from_str(line).unwrap();
                docs.push((
                    v["id"].as_str().unwrap().into(),
                    v["text"].as_str().unwrap().into(),
                    v["published"].as_str().unwrap().into(),
                ));
            }
        }
    }
    for k in 0..copies {
        for (id, text, published) in &docs {
            let day: Vec<u32> = published.split('-').map(|x| x.parse().unwrap()).collect();
            let shifted = format!(
                "{:04}-{:02}-{:02}",
                day[0],
                (day[1] - 1 + k as u32 / 28) % 12 + 1,
                (day[2] + k as u32) % 28 + 1
            );
            lines.push(
                serde_json::json!({
                    "id": format!("{id}~{k}"),
                    "published": shifted,
                    "text": format!("{text}\nالمرجع: نسخة-{k}"),
                })
                .to_string(),
            );
        }
    }
    let file = dir.join("corpus.jsonl");
    fs::write(&file, lines.join("\n") + "\n").unwrap();
    file
}

#[test]
fn killed_at_any_point_and_run_again_it_ends_as_an_uninterrupted_run() {
    let dir = temp_dir("kill");
    let corpus = varied_corpus(&dir, 40);
    let whole = dir.join("whole.db");
    let summary = ingest_json(&whole, &[path(&corpus), "--batch", "25"]);
    let expected = export_jsonl(&whole);
    assert!(!expected.is_empty());

    let killed = dir.join("killed.db");
    let mut interrupted = 0;
    let mut wait = Duration::from_millis(300);
    loop {
        let mut child = Command::new(env!("CARGO_BIN_EXE_rasid"))
            .args([
                "ingest",
                "--db",
                path(&killed),
                "--batch",
                "25",
                path(&corpus),
            ])
            .stdout(std::process::Stdio::null())
            .stderr(std::process::Stdio::null())
            .spawn()
            .expect("spawn rasid");
        std::thread::sleep(wait);
        if child.try_wait().expect("wait").is_some() {
            break;
        }
        child.kill().expect("SIGKILL"); // SIGKILL on Unix: no cleanup runs
        child.wait().expect("reap");
        interrupted += 1;
        wait += Duration::from_millis(250);
    }
    assert!(interrupted > 0, "the ingest finished before any kill");
    let last = ingest_json(&killed, &[path(&corpus), "--batch", "25"]);
    assert_eq!(
        last["summary"]["documents_unchanged"],
        summary["summary"]["documents_read"]
    );
    assert_eq!(last["store"]["documents"], summary["store"]["documents"]);
    assert_eq!(last["store"]["mentions"], summary["store"]["mentions"]);
    assert_eq!(last["store"]["events"], summary["store"]["events"]);
    assert_eq!(export_jsonl(&killed), expected);
}

#[test]
fn exports_hold_one_row_or_feature_per_event_and_filters_select() {
    let dir = temp_dir("export");
    let db = dir.join("rasid.db");
    ingest_json(&db, &[path(&examples())]);
    let events = export_jsonl(&db);

    let csv = rasid(&["export", "--db", path(&db), "--format", "csv"]);
    assert!(csv.status.success(), "{}", stderr(&csv));
    let mut reader = csv::Reader::from_reader(&csv.stdout[..]);
    let header = reader.headers().unwrap().clone();
    for column in [
        "event_id_cnty",
        "event_date",
        "actor1",
        "latitude",
        "fatalities",
        "n_sources",
    ] {
        assert!(header.iter().any(|h| h == column), "{column}");
    }
    assert_eq!(reader.records().count(), events.len());

    let geo = rasid(&["export", "--db", path(&db), "--format", "geojson"]);
    assert!(geo.status.success(), "{}", stderr(&geo));
    let fc: Value = serde_json::from_slice(&geo.stdout).expect("GeoJSON");
    assert_eq!(fc["type"], "FeatureCollection");
    assert_eq!(fc["features"].as_array().unwrap().len(), events.len());

    let iraq = export_filtered(&db, &["--country", "iq"]);
    assert!(!iraq.is_empty() && iraq.len() < events.len());
    assert!(iraq.iter().all(|e| e["location"]["country"] == "IQ"));

    let multi = export_filtered(&db, &["--min-sources", "2"]);
    assert!(!multi.is_empty());
    assert!(multi
        .iter()
        .all(|e| e["docs"].as_array().unwrap().len() >= 2));

    let march = export_filtered(&db, &["--from", "2024-03-11", "--to", "2024-03-13"]);
    assert!(!march.is_empty());
    assert!(march.iter().all(|e| {
        let start = e["date"]["start"].as_str().unwrap();
        let end = e["date"]["end"].as_str().unwrap();
        start <= "2024-03-13" && end >= "2024-03-11"
    }));

    let table = rasid(&["events", "--db", path(&db), "--limit", "3"]);
    assert!(table.status.success(), "{}", stderr(&table));
    let text = String::from_utf8_lossy(&table.stdout);
    assert_eq!(text.lines().count(), 5, "{text}");
    assert!(
        text.contains(&format!("3 of {} events", events.len())),
        "{text}"
    );
    // the largest limit there is: all of them (one more than it once overflowed)
    let table = rasid(&[
        "events",
        "--db",
        path(&db),
        "--limit",
        &u64::MAX.to_string(),
    ]);
    assert!(table.status.success(), "{}", stderr(&table));
    let text = String::from_utf8_lossy(&table.stdout);
    assert!(
        text.ends_with(&format!("\n{} events\n", events.len())),
        "{text}"
    );
}

#[test]
fn bad_options_and_missing_stores_fail_with_a_message() {
    let dir = temp_dir("bad");
    let db = dir.join("rasid.db");
    let missing = dir.join("missing.db");
    ingest_json(&db, &[path(&examples())]);
    let cases: [(Vec<&str>, &str); 7] = [
        (
            vec![
                "export",
                "--db",
                path(&db),
                "--format",
                "jsonl",
                "--from",
                "2024-13-01",
            ],
            "--from",
        ),
        (
            vec![
                "export",
                "--db",
                path(&db),
                "--format",
                "csv",
                "--bbox",
                "1,2,3",
            ],
            "--bbox",
        ),
        (
            vec!["events", "--db", path(&db), "--min-sources", "0"],
            "--min-sources",
        ),
        (
            vec!["changes", "--db", path(&db), "--since", "last week"],
            "--since",
        ),
        // an Arabic-Indic digit across the day's end once panicked (issue 14)
        (
            vec!["changes", "--db", path(&db), "--since", "2024-01-0\u{661}"],
            "--since: not a time",
        ),
        (
            vec!["events", "--db", path(&db), "--country", "سو"],
            "--country: expected an ISO 3166",
        ),
        (
            vec!["export", "--db", path(&missing), "--format", "jsonl"],
            "no such store",
        ),
    ];
    for (args, message) in cases {
        let out = rasid(&args);
        assert_eq!(out.status.code(), Some(2), "{args:?}");
        assert!(stderr(&out).contains(message), "{args:?}: {}", stderr(&out));
    }
    assert!(!missing.exists(), "a failed export must not create a store");

    let not_a_db = dir.join("notes.txt");
    fs::write(&not_a_db, "ليست قاعدة بيانات ".repeat(500)).unwrap();
    let out = rasid(&["ingest", "--db", path(&not_a_db), path(&examples())]);
    assert_eq!(out.status.code(), Some(2));
    assert!(stderr(&out).contains("notes.txt"), "{}", stderr(&out));
    assert!(fs::read_to_string(&not_a_db).unwrap().starts_with("ليست"));
}

#[test]
fn a_windows_1256_page_ingests_to_the_events_of_its_utf8_text() {
    let dir = temp_dir("cp1256");
    let fixtures = PathBuf::from(concat!(env!("CARGO_MANIFEST_DIR"), "/tests/fixtures"));
    let page = fixtures.join("drone_strike_cp1256.html");
    assert!(
        std::str::from_utf8(&fs::read(&page).unwrap()).is_err(),
        "not windows-1256"
    );
    let (html_db, text_db) = (dir.join("html.db"), dir.join("text.db"));
    // the page gives its own day; the text file needs it
    ingest_args(&html_db, &[path(&page)]);
    ingest_args(
        &text_db,
        &[
            "--published",
            "2024-04-09",
            path(&fixtures.join("drone_strike_cp1256.txt")),
        ],
    );
    let (from_page, from_text) = (export_jsonl(&html_db), export_jsonl(&text_db));
    assert!(!from_text.is_empty());
    assert_eq!(told(&from_page), told(&from_text));
}

#[test]
fn documents_that_are_not_arabic_are_counted_and_skipped() {
    let dir = temp_dir("language");
    let english = dir.join("weather.txt");
    fs::write(
        &english,
        "Sunny skies are expected across the region today, with light winds and mild \
         temperatures along the coast.",
    )
    .unwrap();
    let db = dir.join("rasid.db");
    let summary = ingest_json(&db, &[path(&english), path(&examples())]);
    assert_eq!(summary["skipped"]["not_arabic"], 1, "{summary}");
    assert!(summary["summary"]["documents_new"].as_u64().unwrap() >= 8);
    assert!(summary["input_problems"].as_array().unwrap().is_empty());
}

/// Waits for a child to end, killing it (and failing) after `seconds`: an input read forever
/// fails the test instead of hanging it.
fn wait_at_most(mut child: std::process::Child, seconds: u64) -> std::process::Output {
    let deadline = std::time::Instant::now() + Duration::from_secs(seconds);
    while child.try_wait().expect("wait").is_none() {
        if std::time::Instant::now() > deadline {
            let _ = child.kill();
            let _ = child.wait();
            panic!("rasid still running after {seconds} s");
        }
        std::thread::sleep(Duration::from_millis(50));
    }
    child.wait_with_output().expect("output")
}

#[test]
fn a_folder_reached_again_through_links_is_read_once() {
    let dir = temp_dir("links");
    let docs = dir.join("docs");
    fs::create_dir_all(docs.join("reports")).unwrap();
    for entry in fs::read_dir(examples()).unwrap() {
        let from = entry.unwrap().path();
        fs::copy(&from, docs.join("reports").join(from.file_name().unwrap())).unwrap();
    }
    std::os::unix::fs::symlink(".", docs.join("self")).unwrap();
    std::os::unix::fs::symlink("reports", docs.join("same-reports")).unwrap();
    std::os::unix::fs::symlink("..", docs.join("reports/up")).unwrap();
    let child = Command::new(env!("CARGO_BIN_EXE_rasid"))
        .args(["ingest", "--json", "--published", "2024-03-16", "--db"])
        .args([dir.join("linked.db"), docs.clone()])
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .expect("spawn rasid");
    let out = wait_at_most(child, 120);
    assert!(out.status.success(), "{}", stderr(&out));
    let linked: Value = serde_json::from_slice(&out.stdout).expect("summary JSON");
    let direct = ingest_json(&dir.join("direct.db"), &[path(&examples())]);
    assert_eq!(linked["summary"], direct["summary"]);
    assert_eq!(linked["skipped"], direct["skipped"]);
    assert_eq!(linked["input_problems"], Value::Array(vec![]));
    let warned: Vec<&str> = linked["input_warnings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|w| w["input"].as_str().unwrap())
        .collect();
    let links = ["reports/up", "same-reports", "self"].map(|l| docs.join(l));
    assert_eq!(warned, links.iter().map(|l| path(l)).collect::<Vec<_>>());
}

#[test]
fn ingest_stores_each_batch_before_its_input_ends() {
    let dir = temp_dir("fifo");
    let fifo = dir.join("reports.jsonl");
    let made = Command::new("mkfifo").arg(&fifo).status().expect("mkfifo");
    assert!(made.success());
    let db = dir.join("rasid.db");
    let child = Command::new(env!("CARGO_BIN_EXE_rasid"))
        .args([
            "ingest",
            "--json",
            "--batch",
            "1",
            "--published",
            "2024-03-16",
        ])
        .args(["--db", path(&db), path(&fifo)])
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .expect("spawn rasid");
    let reports = fs::read_to_string(examples().join("reports.jsonl")).unwrap();
    let lines: Vec<&str> = reports.lines().collect();
    let first_id = serde_json::from_str::<Value>(lines[0]).unwrap()["id"].clone();
    // opening waits for rasid to open its end
    let mut writer = fs::OpenOptions::new().write(true).open(&fifo).unwrap();
    use std::io::Write;
    writeln!(writer, "{}", lines[0]).unwrap();
    // the first report's events are stored while the input is still open
    let deadline = std::time::Instant::now() + Duration::from_secs(60);
    loop {
        let out = rasid(&["export", "--db", path(&db), "--format", "jsonl"]);
        let stored = out.status.success()
            && events_by_id(&out.stdout)
                .iter()
                .any(|e| e["docs"].as_array().unwrap().contains(&first_id));
        if stored {
            break;
        }
        assert!(
            std::time::Instant::now() < deadline,
            "the first batch was not stored before the input ended"
        );
        std::thread::sleep(Duration::from_millis(100));
    }
    for line in &lines[1..] {
        writeln!(writer, "{line}").unwrap();
    }
    drop(writer);
    let out = wait_at_most(child, 60);
    assert!(out.status.success(), "{}", stderr(&out));
    let summary: Value = serde_json::from_slice(&out.stdout).expect("summary JSON");
    assert_eq!(summary["summary"]["documents_new"], lines.len());
    assert_eq!(summary["summary"]["batches"], lines.len());
    assert!(
        stderr(&out).contains(&format!(
            "rasid: {}: reading a FIFO as a stream (not a regular file), at most 16 GB",
            fifo.display()
        )),
        "{}",
        stderr(&out)
    );
}

/// Four reports of one kind: a day given, a day printed at the top, a day in the URL, and
/// none.
fn reports_dated_four_ways(dir: &Path) -> PathBuf {
    let report = |place: &str| format!("قصفت طائرة مسيرة تركية أمس سيارة في {place}.");
    let docs = [
        serde_json::json!({"id": "given", "published": "2024-03-16", "text": report("بلدة عامودا")}),
        serde_json::json!({"id": "printed", "text": format!("الحسكة - 14 آذار 2024\n{}", report("بلدة الدرباسية"))}),
        serde_json::json!({"id": "url", "url": "https://example.com/news/2024/03/12/drone", "text": report("مدينة القامشلي")}),
        serde_json::json!({"id": "undated", "text": report("مدينة رأس العين")}),
    ];
    let input = dir.join("docs.jsonl");
    let lines: Vec<String> = docs.iter().map(Value::to_string).collect();
    fs::write(&input, lines.join("\n") + "\n").expect("write");
    input
}

/// The first day of the event of each document, in the order of [`reports_dated_four_ways`].
fn first_days(jsonl: &[u8]) -> Vec<(&'static str, Value)> {
    let events = events_by_id(jsonl);
    ["given", "printed", "url", "undated"]
        .into_iter()
        .map(|doc| {
            let event = events
                .iter()
                .find(|e| e["docs"] == serde_json::json!([doc]));
            let event = event.unwrap_or_else(|| panic!("no event of {doc} alone: {events:?}"));
            (doc, event["date"]["start"].clone())
        })
        .collect()
}

#[test]
fn documents_without_a_publication_day_are_counted_by_extract_and_ingest() {
    let dir = temp_dir("undated");
    let input = reports_dated_four_ways(&dir);
    let out = rasid(&["extract", path(&input)]);
    let err = stderr(&out);
    assert!(out.status.success(), "{err}");
    assert!(
        err.contains("rasid: 1 documents without a publication day"),
        "{err}"
    );
    // «أمس» is the day before the day given, printed or in the URL
    let mut days = [
        ("given", Value::from("2024-03-15")),
        ("printed", "2024-03-13".into()),
        ("url", "2024-03-11".into()),
        ("undated", Value::Null),
    ];
    assert_eq!(first_days(&out.stdout), days);
    // --published is for documents with no day of their own
    let out = rasid(&["extract", "--published", "2024-03-20", path(&input)]);
    assert!(out.status.success(), "{}", stderr(&out));
    days[3].1 = "2024-03-19".into();
    assert_eq!(first_days(&out.stdout), days);
    let db = dir.join("rasid.db");
    let report = ingest_args(&db, &[path(&input)]);
    assert_eq!(report["summary"]["documents_undated"], 1, "{report}");
    let human = rasid(&["ingest", "--db", path(&dir.join("other.db")), path(&input)]);
    assert!(
        stderr(&human).contains("rasid: 1 documents without a publication day"),
        "{}",
        stderr(&human)
    );
}
