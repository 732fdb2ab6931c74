//! The whole extraction pipeline (`rasid_merge::extract_events`) on one to four documents at
//! once never panics, and its events hold together: each has at least one document, of those
//! given; every evidence span names one of the event's documents and lies inside that
//! document's text (character offsets, `start <= end`); no two events share an id.
//!
//! Input: a first byte choosing the documents' publication days, then the texts separated by
//! 0xFF (a byte that never occurs in UTF-8; the texts are read lossily).
#![no_main]

use libfuzzer_sys::fuzz_target;
use rasid_extraction::Document;
use rasid_lexicons::Lexicons;
use rasid_text::Day;
use std::collections::{HashMap, HashSet};
use std::sync::OnceLock;

fn lexicons() -> &'static Lexicons {
    static LEX: OnceLock<Lexicons> = OnceLock::new();
    LEX.get_or_init(|| Lexicons::embedded().expect("the embedded lexicons load"))
}

fuzz_target!(|data: &[u8]| {
    let Some((&days, rest)) = data.split_first() else {
        return;
    };
    // bit i: document i has no day; the high bits spread the days apart
    let base = Day::parse_iso("2024-02-09").expect("a day").days_since_epoch();
    let step = i64::from(days >> 4);
    let docs: Vec<Document> = rest
        .splitn(4, |&b| b == 0xFF)
        .enumerate()
        .map(|(i, text)| Document {
            id: format!("doc-{i}"),
            text: String::from_utf8_lossy(text).into_owned(),
            url: None,
            outlet: None,
            published: ((days >> i) & 1 == 0)
                .then(|| Day::from_days_since_epoch(base + step * i as i64)),
        })
        .collect();
    let chars: HashMap<&str, usize> = docs
        .iter()
        .map(|d| (d.id.as_str(), d.text.chars().count()))
        .collect();
    let events = rasid_merge::extract_events(&docs, lexicons());
    let mut ids = HashSet::new();
    for event in &events {
        assert!(ids.insert(event.id.as_str()), "two events {}", event.id);
        assert!(!event.docs.is_empty(), "{} has no document", event.id);
        for doc in &event.docs {
            assert!(chars.contains_key(doc.as_str()), "{}: unknown {doc}", event.id);
        }
        for v in &event.evidence {
            assert!(event.docs.contains(&v.doc), "{}: evidence in {}", event.id, v.doc);
            let len = chars[v.doc.as_str()];
            assert!(
                v.start <= v.end && v.end <= len,
                "{}: {} span {}..{} of {len} characters",
                event.id,
                v.field,
                v.start,
                v.end
            );
        }
    }
});
