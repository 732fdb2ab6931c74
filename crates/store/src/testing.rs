//! Shared helpers of the store's tests: the embedded lexicons, the repository's examples
//! and fresh stores.

use crate::{ingest, IngestOptions, SqliteStore, Summary};
use rasid_extraction::Document;
use rasid_lexicons::Lexicons;
use rasid_text::Day;
use std::path::Path;

pub fn lex() -> &'static Lexicons {
    static LEX: std::sync::OnceLock<Lexicons> = std::sync::OnceLock::new();
    LEX.get_or_init(|| Lexicons::embedded().expect("embedded lexicons"))
}

/// The invented reports of the repository's `examples/` folder.
pub fn examples() -> Vec<Document> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../examples");
    let mut docs = Vec::new();
    let mut names: Vec<_> = std::fs::read_dir(&dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .collect();
    names.sort();
    for path in names {
        let name = path.file_name().unwrap().to_string_lossy().to_string();
        let content = std::fs::read_to_string(&path).unwrap();
        if name.ends_with(".txt") {
            docs.push(Document {
                id: name,
                text: content,
                url: None,
                outlet: None,
                published: Day::parse_iso("2024-03-16"),
            });
        } else if name.ends_with(".jsonl") {
            for line in content.lines().filter(|l| !l.trim().is_empty()) {
                let v: serde_json::Value = serde_json::from_str(line).unwrap();
                let s = |k: &str| v[k].as_str().map(str::to_string);
                docs.push(Document {
                    id: s("id").unwrap(),
                    text: s("text").unwrap(),
                    url: s("url"),
                    outlet: s("outlet"),
                    published: s("published").and_then(|d| Day::parse_iso(&d)),
                });
            }
        }
    }
    assert!(docs.len() >= 8, "examples missing");
    docs
}

/// An event of the examples told by more than one of them, the document that told it
/// first, and the other examples.
pub fn act_told_twice() -> (rasid_merge::Event, Vec<Document>, Vec<Document>) {
    let docs = examples();
    let joint = rasid_merge::extract_events(&docs, lex())
        .into_iter()
        .find(|e| e.docs.len() > 1)
        .expect("the examples tell one act twice");
    let (first, rest) = docs.into_iter().partition(|d| *d.id == joint.docs[0]);
    (joint, first, rest)
}

pub fn store() -> (tempfile::TempDir, SqliteStore) {
    let dir = tempfile::tempdir().unwrap();
    let store = SqliteStore::open(&dir.path().join("rasid.db")).unwrap();
    (dir, store)
}

pub fn run(store: &mut SqliteStore, docs: &[Document], batch_size: usize) -> Summary {
    ingest(
        store,
        lex(),
        docs.iter().cloned(),
        &IngestOptions { batch_size },
        &mut |_| {},
    )
    .unwrap()
}

/// The events with ids replaced by a name of their content (their evidence), sorted by
/// it: events that differ only in ids (which depend on the order reports arrived in)
/// compare equal.
pub fn without_ids(events: &[rasid_merge::Event]) -> Vec<rasid_merge::Event> {
    let name = |e: &rasid_merge::Event| serde_json::to_string(&e.evidence).unwrap();
    let names: std::collections::HashMap<&str, String> =
        events.iter().map(|e| (e.id.as_str(), name(e))).collect();
    let mut renamed: Vec<rasid_merge::Event> = events
        .iter()
        .map(|e| {
            let mut r = e.clone();
            r.id = names[e.id.as_str()].clone();
            r.responds_to = e
                .responds_to
                .iter()
                .map(|t| names.get(t.as_str()).cloned().unwrap_or_else(|| t.clone()))
                .collect();
            r.responds_to.sort();
            r
        })
        .collect();
    renamed.sort_by(|a, b| a.id.cmp(&b.id));
    renamed
}

/// Three reports of one strike, written for these tests: by American aircraft, by Israeli
/// aircraft (two acts that cannot be one), and by unidentified aircraft, which may be
/// either and so joins the two into one act.
pub fn bridged_reports() -> [Document; 3] {
    let report = |id: &str, by: &str| Document {
        id: id.into(),
        text: format!("قصفت طائرات {by} أمس مواقع في مدينة الميادين بريف دير الزور."),
        url: None,
        outlet: None,
        published: Day::parse_iso("2024-01-20"),
    };
    [
        report("a-american", "أمريكية"),
        report("b-israeli", "إسرائيلية"),
        report("c-unknown", "مجهولة"),
    ]
}

/// `n` reports of one strike, written for these tests: one place and date, other counts
/// and sources.
pub fn one_act_told(n: usize) -> Vec<Document> {
    (0..n)
        .map(|i| Document {
            id: format!("told-{i:03}"),
            text: format!(
                "قصفت طائرة مسيرة مواقع في مدينة الميادين يوم 12 آذار 2024 وقتلت {} مسلحين، بحسب المصدر رقم {i}.",
                2 + i % 5
            ),
            url: None,
            outlet: None,
            published: Day::parse_iso("2024-03-13"),
        })
        .collect()
}
