//! End-to-end tests of `rasid extract`: the binary run on the shared seed documents (when the
//! shared folder is present) and on small reports written for these tests.

use serde_json::Value;
use std::collections::{HashMap, HashSet};
use std::fs;
use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::Output;
use std::time::{Duration, Instant};

/// A drone strike on a named town, yesterday relative to the publication day.
const DRONE_REPORT: &str = "قصفت طائرة مسيرة مجهولة أمس مستودعا للأسلحة في مدينة الميادين بريف \
دير الزور الشرقي، ما أدى إلى مقتل ثلاثة عناصر.";
const DRONE_PUBLISHED: &str = "2024-03-10";
const DRONE_DAY: &str = "2024-03-09";

/// A weather forecast: no conflict event in it.
const WEATHER_REPORT: &str = "تشهد البلاد اليوم طقسا صحوا إلى غائم جزئيا مع ارتفاع طفيف على درجات \
الحرارة، وتكون الرياح شمالية غربية معتدلة السرعة، ويتوقع هطول أمطار خفيفة على المناطق الساحلية \
في ساعات المساء، فيما تنخفض درجات الحرارة ليلا في المرتفعات الجبلية.";

const CSV_HEADER_START: &str =
    "event_id_cnty,event_date,year,time_precision,disorder_type,event_type,sub_event_type,actor1";

mod common;
use common::{extract as run, stderr};

fn temp_dir(name: &str) -> PathBuf {
    common::temp_dir("extract", name)
}

/// The shared folder beside the repository, or `None` (with a note) when it is missing.
fn shared() -> Option<PathBuf> {
    let dir = PathBuf::from(concat!(env!("CARGO_MANIFEST_DIR"), "/../../../shared"));
    if dir.join("eval/seeds.docs.jsonl").is_file() && dir.join("seeds").is_dir() {
        Some(dir)
    } else {
        println!(
            "note: {} is missing; skipping the test on the shared seeds",
            dir.display()
        );
        None
    }
}

fn path_str(p: &Path) -> &str {
    p.to_str().expect("UTF-8 temp path")
}

/// Parses JSON Lines output; every non-empty line must be a JSON object.
fn parse_events(stdout: &[u8]) -> Vec<Value> {
    let text = std::str::from_utf8(stdout).expect("output is UTF-8");
    text.lines()
        .filter(|l| !l.trim().is_empty())
        .map(|l| {
            let v: Value = serde_json::from_str(l)
                .unwrap_or_else(|e| panic!("output line is not JSON ({e}): {l}"));
            assert!(v.is_object(), "output line is not a JSON object: {l}");
            v
        })
        .collect()
}

/// Text length in characters (Unicode scalar values) of every document of a JSON Lines file.
fn doc_lengths(jsonl: &Path) -> HashMap<String, usize> {
    fs::read_to_string(jsonl)
        .expect("read documents")
        .lines()
        .filter(|l| !l.trim().is_empty())
        .map(|l| {
            let v: Value = serde_json::from_str(l).expect("document is JSON");
            (
                v["id"].as_str().expect("document id").to_string(),
                v["text"].as_str().expect("document text").chars().count(),
            )
        })
        .collect()
}

fn assert_actor(event: &Value, field: &str) {
    let a = &event[field];
    assert!(
        a.is_null() || (a.is_object() && a["name"].is_string()),
        "{field} must be null or an object with a name: {event}"
    );
}

fn assert_range(event: &Value, field: &str) {
    let r = &event[field];
    assert!(
        r.is_null()
            || (r["min"].is_u64() && r["max"].is_u64() && r["min"].as_u64() <= r["max"].as_u64()),
        "{field} must be null or {{min, max}} with min <= max: {event}"
    );
}

/// Checks the fields of EVENTS.md on every event, evidence offsets against the documents'
/// lengths, unique ids and `responds_to` links to events of the same output.
fn check_events(events: &[Value], doc_len: &HashMap<String, usize>) {
    let mut ids = HashSet::new();
    for e in events {
        let id = e["id"]
            .as_str()
            .unwrap_or_else(|| panic!("event without id: {e}"));
        assert!(ids.insert(id.to_string()), "duplicate event id {id}");
    }
    for e in events {
        for key in [
            "id",
            "docs",
            "event_type",
            "sub_event_type",
            "date",
            "actor1",
            "actor2",
            "location",
            "weapons",
            "fatalities",
            "injured",
            "responds_to",
            "sources",
            "evidence",
        ] {
            assert!(e.get(key).is_some(), "event lacks field {key}: {e}");
        }
        let docs = e["docs"].as_array().expect("docs is an array");
        assert!(!docs.is_empty(), "event without documents: {e}");
        for d in docs {
            let d = d.as_str().expect("document id is a string");
            assert!(doc_len.contains_key(d), "unknown document {d} in {e}");
        }
        assert!(
            e["event_type"].as_str().is_some_and(|s| !s.is_empty()),
            "{e}"
        );
        assert!(
            e["sub_event_type"].as_str().is_some_and(|s| !s.is_empty()),
            "{e}"
        );
        let date = &e["date"];
        assert!(date.is_object(), "date is not an object: {e}");
        for key in ["start", "end"] {
            assert!(
                date.get(key).is_some_and(|v| v.is_null() || v.is_string()),
                "date.{key} must be a string or null: {e}"
            );
        }
        assert!(date["precision"].is_string(), "date.precision: {e}");
        assert_actor(e, "actor1");
        assert_actor(e, "actor2");
        let loc = &e["location"];
        assert!(
            loc.is_null() || (loc.is_object() && loc["name"].is_string()),
            "location must be null or an object with a name: {e}"
        );
        assert!(
            e["weapons"]
                .as_array()
                .is_some_and(|w| w.iter().all(Value::is_string)),
            "weapons must be a list of strings: {e}"
        );
        assert_range(e, "fatalities");
        assert_range(e, "injured");
        for r in e["responds_to"]
            .as_array()
            .expect("responds_to is an array")
        {
            let r = r.as_str().expect("responds_to holds ids");
            assert!(ids.contains(r), "responds_to {r} is not in the output: {e}");
            assert_ne!(Some(r), e["id"].as_str(), "event responds to itself: {e}");
        }
        for s in e["sources"].as_array().expect("sources is an array") {
            let d = s["doc"].as_str().expect("source doc");
            assert!(
                doc_len.contains_key(d),
                "source of unknown document {d}: {e}"
            );
        }
        let evidence = e["evidence"].as_array().expect("evidence is an array");
        for ev in evidence {
            let d = ev["doc"].as_str().expect("evidence doc");
            let len = *doc_len
                .get(d)
                .unwrap_or_else(|| panic!("evidence in unknown document {d}: {e}"));
            let start = ev["start"].as_u64().expect("evidence start") as usize;
            let end = ev["end"].as_u64().expect("evidence end") as usize;
            assert!(
                start <= end && end <= len,
                "evidence {start}..{end} outside document {d} of {len} characters: {e}"
            );
            assert!(ev["field"].is_string(), "evidence field: {e}");
        }
    }
}

#[test]
fn seeds_jsonl_gives_well_formed_events_and_merges_tower_22() {
    let Some(shared) = shared() else { return };
    let input = shared.join("eval/seeds.docs.jsonl");
    let out = run_ok(&[path_str(&input)]);
    let events = parse_events(&out.stdout);
    assert!(!events.is_empty(), "no events from the seeds");
    check_events(&events, &doc_lengths(&input));

    // The Tower 22 attack is reported by the first three articles: one event lists them all.
    let merged = events.iter().any(|e| {
        let docs: Vec<&str> = e["docs"]
            .as_array()
            .map(|d| d.iter().filter_map(Value::as_str).collect())
            .unwrap_or_default();
        ["000_", "001_", "002_"]
            .iter()
            .all(|p| docs.iter().any(|d| d.starts_with(p)))
    });
    assert!(
        merged,
        "no event lists documents 000_, 001_ and 002_ together; events: {}",
        String::from_utf8_lossy(&out.stdout)
    );
}

#[test]
fn seed_files_in_any_order_give_the_same_events() {
    let Some(shared) = shared() else { return };
    let dir = temp_dir("order");
    let mut files: Vec<PathBuf> = fs::read_dir(shared.join("seeds"))
        .expect("read seeds")
        .map(|e| e.expect("seed entry").path())
        .filter(|p| p.extension().is_some_and(|x| x == "txt"))
        .map(|p| {
            let copy = dir.join(p.file_name().expect("file name"));
            fs::copy(&p, &copy).expect("copy seed");
            copy
        })
        .collect();
    files.sort();
    assert_eq!(files.len(), 5, "expected five seed files");

    let run_on = |files: &[PathBuf]| {
        let args: Vec<&str> = files.iter().map(|p| path_str(p)).collect();
        let out = run(&args);
        assert!(
            out.status.success(),
            "exit {:?}: {}",
            out.status,
            stderr(&out)
        );
        out.stdout
    };
    let ids = |stdout: &[u8]| -> Vec<String> {
        let mut ids: Vec<String> = parse_events(stdout)
            .iter()
            .map(|e| e["id"].as_str().expect("id").to_string())
            .collect();
        ids.sort();
        ids
    };

    let forward = run_on(&files);
    let again = run_on(&files);
    assert_eq!(forward, again, "two runs on the same input differ");
    let forward_ids = ids(&forward);
    assert!(!forward_ids.is_empty(), "no events from the seed files");

    files.reverse();
    let reverse_ids = ids(&run_on(&files));
    assert_eq!(
        forward_ids, reverse_ids,
        "event ids depend on the order of the inputs"
    );
    let _ = fs::remove_dir_all(&dir);
}

#[test]
fn invented_drone_strike_is_found_with_place_and_date() {
    let dir = temp_dir("drone");
    let input = dir.join("drone.txt");
    fs::write(&input, DRONE_REPORT).expect("write report");
    let out = run_ok(&["--published", DRONE_PUBLISHED, path_str(&input)]);
    let events = parse_events(&out.stdout);
    let lengths = HashMap::from([("drone.txt".to_string(), DRONE_REPORT.chars().count())]);
    check_events(&events, &lengths);
    let found = events.iter().any(|e| {
        e["event_type"] == "Explosions/Remote violence"
            && e["sub_event_type"] == "Air/drone strike"
            && e["location"]["name_ar"]
                .as_str()
                .is_some_and(|n| n.contains("الميادين"))
            && e["date"]["start"] == DRONE_DAY
    });
    assert!(
        found,
        "no drone strike at Al-Mayadin on {DRONE_DAY}; events: {}",
        String::from_utf8_lossy(&out.stdout)
    );
    let _ = fs::remove_dir_all(&dir);
}

#[test]
fn weather_report_gives_no_events() {
    let dir = temp_dir("weather");
    let input = dir.join("weather.txt");
    fs::write(&input, WEATHER_REPORT).expect("write report");
    let out = run_ok(&["--published", "2024-03-10", path_str(&input)]);
    let events = parse_events(&out.stdout);
    assert!(
        events.is_empty(),
        "events from a weather report: {}",
        String::from_utf8_lossy(&out.stdout)
    );
    let _ = fs::remove_dir_all(&dir);
}

#[test]
fn bad_jsonl_lines_are_reported_and_the_good_document_kept() {
    let dir = temp_dir("badlines");
    let input = dir.join("docs.jsonl");
    let good = serde_json::json!({
        "id": "good",
        "text": DRONE_REPORT,
        "published": DRONE_PUBLISHED,
    });
    let content = format!(
        "{good}\nthis line is not JSON {{\n{}\n{}\n",
        r#"{"id": "no-text", "published": "2024-03-10"}"#, r#"{"id": "empty", "text": ""}"#
    );
    fs::write(&input, content).expect("write input");
    let output = dir.join("events.jsonl");
    let out = run(&["-o", path_str(&output), path_str(&input)]);
    let err = stderr(&out);
    assert_eq!(out.status.code(), Some(2), "stderr: {err}");
    assert!(!err.contains("panicked"), "panic: {err}");
    for line in [2, 3, 4] {
        let at = format!("{}:{line}", input.display());
        assert!(err.contains(&at), "stderr does not name {at}: {err}");
    }
    assert!(
        !err.contains(&format!("{}:1", input.display())),
        "the valid line 1 is reported: {err}"
    );
    let written = fs::read(&output).expect("output file written");
    let events = parse_events(&written);
    assert!(
        !events.is_empty(),
        "the valid document's events are missing from {}",
        output.display()
    );
    assert!(
        events
            .iter()
            .all(|e| e["docs"].as_array().is_some_and(|d| d == &["good"])),
        "events from a rejected document: {}",
        String::from_utf8_lossy(&written)
    );
    let _ = fs::remove_dir_all(&dir);
}

#[test]
fn invalid_utf8_file_is_reported_by_path() {
    let dir = temp_dir("utf8");
    let input = dir.join("broken.txt");
    let mut bytes = "قصفت طائرة مسيرة ".as_bytes().to_vec();
    bytes.extend_from_slice(&[0xFF, 0xC3, 0x28, 0x80]);
    bytes.extend_from_slice("مدينة الميادين".as_bytes());
    fs::write(&input, bytes).expect("write input");
    assert_refused_by_path(&input);
    let _ = fs::remove_dir_all(&dir);
}

#[test]
fn missing_path_is_reported_by_path() {
    let dir = temp_dir("missing");
    let input = dir.join("no-such-file.jsonl");
    assert_refused_by_path(&input);
    let _ = fs::remove_dir_all(&dir);
}

/// Runs `rasid extract ARGS…` and checks that it succeeded.
fn run_ok(args: &[&str]) -> Output {
    let out = run(args);
    assert!(
        out.status.success(),
        "exit {:?}: {}",
        out.status,
        stderr(&out)
    );
    out
}

/// `rasid extract INPUT` fails with status 2, names the input, and does not panic.
fn assert_refused_by_path(input: &Path) {
    let out = run(&[path_str(input)]);
    let err = stderr(&out);
    assert_eq!(out.status.code(), Some(2), "stderr: {err}");
    assert!(
        err.contains(path_str(input)),
        "stderr does not name the input: {err}"
    );
    assert!(!err.contains("panicked"), "panic: {err}");
}

#[test]
fn fifty_megabyte_line_is_refused_cleanly() {
    let dir = temp_dir("huge");
    let input = dir.join("huge.jsonl");
    {
        let file = fs::File::create(&input).expect("create input");
        let mut w = std::io::BufWriter::new(file);
        w.write_all(br#"{"id": "huge", "published": "2024-03-10", "text": ""#)
            .expect("write");
        let chunk = "هذا نص طويل مكرر لاختبار حدود القراءة في الأداة ".repeat(100);
        let mut written = 0;
        while written < 50_000_000 {
            w.write_all(chunk.as_bytes()).expect("write");
            written += chunk.len();
        }
        w.write_all(b"\"}\n").expect("write");
        w.flush().expect("flush");
    }
    assert!(fs::metadata(&input).expect("input size").len() >= 50_000_000);
    let started = Instant::now();
    let out = run(&[path_str(&input)]);
    let elapsed = started.elapsed();
    let err = stderr(&out);
    assert_eq!(out.status.code(), Some(2), "stderr: {err}");
    assert!(!err.contains("panicked"), "panic: {err}");
    assert!(
        err.contains(path_str(&input)),
        "stderr does not name the input: {err}"
    );
    assert!(
        elapsed < Duration::from_secs(60),
        "a 50 MB line took {elapsed:?}"
    );
    let _ = fs::remove_dir_all(&dir);
}

#[test]
fn csv_output_parses_with_the_expected_header() {
    let dir = temp_dir("csv");
    let input = dir.join("docs.jsonl");
    let records = [
        serde_json::json!({"id": "drone", "text": DRONE_REPORT, "published": DRONE_PUBLISHED}),
        serde_json::json!({"id": "weather", "text": WEATHER_REPORT, "published": "2024-03-10"}),
    ];
    let content: String = records.iter().map(|r| format!("{r}\n")).collect();
    fs::write(&input, content).expect("write input");
    let mut inputs = vec![input.clone()];
    if let Some(shared) = shared() {
        inputs.push(shared.join("eval/seeds.docs.jsonl"));
    }
    let mut args = vec!["--format", "csv"];
    args.extend(inputs.iter().map(|p| path_str(p)));
    let out = run(&args);
    assert!(
        out.status.success(),
        "exit {:?}: {}",
        out.status,
        stderr(&out)
    );
    let text = String::from_utf8(out.stdout).expect("CSV is UTF-8");
    assert!(
        text.starts_with(CSV_HEADER_START),
        "unexpected header: {}",
        text.lines().next().unwrap_or("")
    );
    let mut reader = csv::Reader::from_reader(text.as_bytes());
    let header = reader.headers().expect("CSV header").clone();
    let event_type = header
        .iter()
        .position(|h| h == "event_type")
        .expect("event_type column");
    let mut rows = 0;
    for record in reader.records() {
        let record = record.expect("CSV record parses");
        assert_eq!(
            record.len(),
            header.len(),
            "row width differs from the header"
        );
        assert!(
            !record[event_type].is_empty(),
            "row without event type: {record:?}"
        );
        rows += 1;
    }
    assert!(rows > 0, "no CSV rows: {text}");
    let _ = fs::remove_dir_all(&dir);
}
