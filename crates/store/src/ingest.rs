//! Incremental ingest: documents in, events of the store updated, every change logged.
//!
//! The merge of `rasid_merge` joins mentions into events by pairwise compatibility, so the
//! events are the connected parts of a graph of mentions and do not depend on the order
//! documents arrive in. A batch of new documents can only change the events its mentions
//! could join: the store finds the stored mentions of the same type near each new mention
//! (place and days), takes their events, and closes that set over documents (every
//! mention of a document, every document of an event) so that merging the closed set again
//! gives exactly what merging everything would. Only that region is read, merged and
//! rewritten; a batch is one transaction.

use crate::{
    Batch, ChangeKind, DocumentMeta, Probe, PutDocument, Result, Store, StoreError, StoredMentions,
};
use rasid_extraction::{Analysis, Document};
use rasid_lexicons::Lexicons;
use rasid_merge::{merge_with_members, possible_days, DocumentMentions, Event, SAME_PLACE_LAT};
use rasid_resolution::{resolve, ResolvedMention};
use rasid_text::Day;
use serde::Serialize;
use sha2::{Digest, Sha256};
use std::collections::{BTreeMap, BTreeSet, HashMap, HashSet};

/// How documents are grouped into transactions.
#[derive(Debug, Clone)]
pub struct IngestOptions {
    /// Documents per batch (one transaction each).
    pub batch_size: usize,
}

/// Documents per batch unless told otherwise. A batch rewrites the index pages its rows
/// land on, and the indexes by id (hashes) take rows all over, so larger batches write each
/// page fewer times: on 100,000 documents (measured before schema 4 made the other indexes
/// take rows at their ends), 2,000 took a third less time in the store than 500, and 5,000
/// no less than 2,000 while merging more per batch (`rasid-ingest-bench`).
pub const DEFAULT_BATCH_SIZE: usize = 2000;

impl Default for IngestOptions {
    fn default() -> Self {
        IngestOptions {
            batch_size: DEFAULT_BATCH_SIZE,
        }
    }
}

/// What an ingest did.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct Summary {
    pub documents_read: usize,
    pub documents_new: usize,
    /// A stored document (same id, or same URL) came with new content.
    pub documents_updated: usize,
    /// Already stored with the same content.
    pub documents_unchanged: usize,
    /// Same content as another stored document (`duplicate_of` lists a few).
    pub documents_duplicate: usize,
    pub duplicate_of: Vec<(String, String)>,
    /// Stored documents extracted again because the lexicons or the extraction code changed.
    pub documents_reextracted: usize,
    pub events_new: usize,
    pub events_updated: usize,
    pub events_merged: usize,
    pub events_deleted: usize,
    pub batches: usize,
}

/// How many duplicate pairs [`Summary::duplicate_of`] keeps.
const DUPLICATES_LISTED: usize = 20;

/// Degrees of latitude and longitude around a mention that hold every place
/// `rasid_merge` could call the same ([`SAME_PLACE_LAT`]; a degree of longitude shrinks
/// with the cosine of the latitude).
fn probe_window(lat: f64) -> (f64, f64) {
    let dlon = SAME_PLACE_LAT / lat.to_radians().cos().abs().max(0.1);
    (SAME_PLACE_LAT, dlon)
}

/// What stored mentions depend on: the lexicons' data and the extraction code (hashed at
/// build time). Mentions stored under another fingerprint are extracted again.
pub fn extraction_fingerprint(lex: &Lexicons) -> String {
    format!("{:016x}-{}", lex.fingerprint, env!("RASID_EXTRACTION_CODE"))
}

/// SHA-256 of a text, hex.
pub fn content_hash(text: &str) -> String {
    use std::fmt::Write;
    let mut hex = String::with_capacity(64);
    for b in Sha256::digest(text.as_bytes()) {
        let _ = write!(hex, "{b:02x}");
    }
    hex
}

/// What a probe asks: type, sub-type, latitude and longitude bits, possible days.
type ProbeKey<'a> = (&'a str, &'a str, u64, u64, Option<(Day, Day)>);

/// A document to store, with its mentions and search terms, and the stored document it
/// replaces.
struct Incoming {
    doc: Document,
    hash: String,
    mentions: Vec<ResolvedMention>,
    search_terms: String,
    replaces: Option<String>,
    /// When it was first stored, for a document extracted again.
    ingested: Option<String>,
}

/// Ingests `docs` into `store`, `options.batch_size` at a time, taking each batch from
/// the iterator only when the one before is stored (memory holds one batch, whatever the
/// input's size); `progress` hears the number of documents done after each batch. Stored
/// documents extracted with other lexicons or code ([`extraction_fingerprint`]) are
/// extracted again first.
pub fn ingest<S: Store>(
    store: &mut S,
    lex: &Lexicons,
    docs: impl IntoIterator<Item = Document>,
    options: &IngestOptions,
    progress: &mut dyn FnMut(usize),
) -> Result<Summary> {
    let mut summary = Summary::default();
    let fingerprint = extraction_fingerprint(lex);
    if store
        .extraction_fingerprint()?
        .is_some_and(|f| f != fingerprint)
    {
        reextract(store, lex, &fingerprint, options, &mut summary)?;
    }
    let mut done = 0;
    let mut docs = docs.into_iter();
    let size = options.batch_size.max(1);
    loop {
        let chunk: Vec<Document> = docs.by_ref().take(size).collect();
        if chunk.is_empty() {
            break;
        }
        let incoming = classify(store, &chunk, lex, &mut summary)?;
        if !incoming.is_empty() {
            let batch = merge_batch(store, lex, incoming, &mut summary)?;
            store.apply(&Batch {
                extraction_fingerprint: Some(fingerprint.clone()),
                ..batch
            })?;
            summary.batches += 1;
        }
        done += chunk.len();
        progress(done);
    }
    Ok(summary)
}

/// Decides for each document of a batch whether it is new, an update, unchanged or a
/// duplicate, and extracts the mentions of those to store.
fn classify<S: Store>(
    store: &S,
    chunk: &[Document],
    lex: &Lexicons,
    summary: &mut Summary,
) -> Result<Vec<Incoming>> {
    // slots in the order documents came (a later text of the same id empties the earlier
    // slot), and where each id and content hash of the batch stands: each is there once
    let mut incoming: Vec<Option<Incoming>> = Vec::new();
    let mut slot_of_id: HashMap<String, usize> = HashMap::new();
    let mut slot_of_hash: HashMap<String, usize> = HashMap::new();
    let hashes: Vec<String> = chunk.iter().map(|d| content_hash(&d.text)).collect();
    let stored = StoredMatches::read(store, chunk, &hashes)?;
    for (doc, hash) in chunk.iter().zip(hashes) {
        summary.documents_read += 1;
        // the same id twice in a batch: the later text wins
        if let Some(&k) = slot_of_id.get(&doc.id) {
            if slot_of_hash.get(&hash) == Some(&k) {
                summary.documents_unchanged += 1;
                continue;
            }
            slot_of_id.remove(&doc.id);
            if let Some(earlier) = incoming[k].take() {
                slot_of_hash.remove(&earlier.hash);
                summary.documents_new -= usize::from(earlier.replaces.is_none());
                summary.documents_updated -= usize::from(earlier.replaces.is_some());
            }
        }
        if let Some(other) = slot_of_hash.get(&hash).and_then(|&k| incoming[k].as_ref()) {
            note_duplicate(summary, &doc.id, &other.doc.id);
            continue;
        }
        let by_id = stored.by_id.get(&doc.id);
        let by_url = match (by_id, doc.url.as_deref()) {
            (None, Some(url)) if !url.is_empty() => stored.by_url.get(url),
            _ => None,
        };
        let replaces = match by_id.or(by_url) {
            Some(stored) if stored.content_hash == hash => {
                if stored.id == doc.id {
                    summary.documents_unchanged += 1;
                } else {
                    note_duplicate(summary, &doc.id, &stored.id);
                }
                continue;
            }
            Some(stored) => Some(stored.id.clone()),
            None => {
                if let Some(stored) = stored.by_hash.get(&hash) {
                    note_duplicate(summary, &doc.id, &stored.id);
                    continue;
                }
                None
            }
        };
        if replaces.is_some() {
            summary.documents_updated += 1;
        } else {
            summary.documents_new += 1;
        }
        let (mentions, search_terms) = extract(doc, lex);
        slot_of_id.insert(doc.id.clone(), incoming.len());
        slot_of_hash.insert(hash.clone(), incoming.len());
        incoming.push(Some(Incoming {
            mentions,
            search_terms,
            doc: doc.clone(),
            hash,
            replaces,
            ingested: None,
        }));
    }
    Ok(incoming.into_iter().flatten().collect())
}

/// The stored documents that a batch's documents may be, or update, or repeat: by id, by
/// URL and by content hash (the oldest of each), read in bulk.
struct StoredMatches {
    by_id: HashMap<String, DocumentMeta>,
    by_url: HashMap<String, DocumentMeta>,
    by_hash: HashMap<String, DocumentMeta>,
}

impl StoredMatches {
    fn read<S: Store>(store: &S, docs: &[Document], hashes: &[String]) -> Result<StoredMatches> {
        let ids: Vec<String> = docs.iter().map(|d| d.id.clone()).collect();
        let urls: Vec<String> = docs
            .iter()
            .filter_map(|d| d.url.clone())
            .filter(|u| !u.is_empty())
            .collect();
        // oldest first: the first of each key stays
        let index = |docs: Vec<DocumentMeta>, key: fn(&DocumentMeta) -> Option<&String>| {
            let mut map = HashMap::new();
            for doc in docs {
                if let Some(k) = key(&doc).cloned() {
                    map.entry(k).or_insert(doc);
                }
            }
            map
        };
        Ok(StoredMatches {
            by_id: index(store.documents_meta(&ids)?, |d| Some(&d.id)),
            by_url: index(store.documents_by_url(&urls)?, |d| d.url.as_ref()),
            by_hash: index(store.documents_by_hash(hashes)?, |d| Some(&d.content_hash)),
        })
    }
}

/// The resolved mentions of a document and its search terms, from one fold of its text.
fn extract(doc: &Document, lex: &Lexicons) -> (Vec<ResolvedMention>, String) {
    let analysis = Analysis::new(&doc.text, doc.published, lex);
    let terms = rasid_text::search::index_terms(analysis.text(), &analysis.tokens);
    (resolve(&analysis, &doc.text), terms)
}

fn note_duplicate(summary: &mut Summary, doc: &str, of: &str) {
    summary.documents_duplicate += 1;
    if summary.duplicate_of.len() < DUPLICATES_LISTED {
        summary.duplicate_of.push((doc.to_string(), of.to_string()));
    }
}

/// Merges the incoming documents with the region of the store they touch and says what
/// to write.
fn merge_batch<S: Store>(
    store: &S,
    lex: &Lexicons,
    mut incoming: Vec<Incoming>,
    summary: &mut Summary,
) -> Result<Batch> {
    let replaced: BTreeSet<String> = incoming.iter().filter_map(|i| i.replaces.clone()).collect();
    let replaced_list: Vec<String> = replaced.iter().cloned().collect();
    let mut region_events: BTreeSet<String> = store
        .events_of_documents(&replaced_list)?
        .into_iter()
        .collect();
    // mentions of one act told again in a batch ask the same question once
    let mut asked: HashSet<ProbeKey> = HashSet::new();
    for m in incoming.iter().flat_map(|i| &i.mentions) {
        let days = possible_days(m);
        let key = (
            m.event_type.as_str(),
            m.sub_event_type.as_str(),
            m.place.lat.to_bits(),
            m.place.lon.to_bits(),
            days,
        );
        if !asked.insert(key) {
            continue;
        }
        let (dlat, dlon) = probe_window(m.place.lat);
        let probe = Probe {
            event_type: &m.event_type,
            sub_event_type: &m.sub_event_type,
            min_lat: m.place.lat - dlat,
            max_lat: m.place.lat + dlat,
            min_lon: m.place.lon - dlon,
            max_lon: m.place.lon + dlon,
            days: days.map(|(f, l)| (f.to_string(), l.to_string())),
        };
        region_events.extend(store.events_near(&probe)?);
    }
    // close the region: every document of its events, every event of its documents
    let mut region_docs: BTreeSet<String> = BTreeSet::new();
    let mut new_events: Vec<String> = region_events.iter().cloned().collect();
    while !new_events.is_empty() {
        let docs: Vec<String> = store
            .documents_of_events(&new_events)?
            .into_iter()
            .filter(|d| !region_docs.contains(d))
            .collect();
        region_docs.extend(docs.iter().cloned());
        new_events = store
            .events_of_documents(&docs)?
            .into_iter()
            .filter(|e| !region_events.contains(e))
            .collect();
        region_events.extend(new_events.iter().cloned());
    }
    let incoming_ids: HashSet<&str> = incoming.iter().map(|i| i.doc.id.as_str()).collect();
    let kept: Vec<String> = region_docs
        .iter()
        .filter(|d| !replaced.contains(*d) && !incoming_ids.contains(d.as_str()))
        .cloned()
        .collect();
    let stored = store.mentions_of_documents(&kept)?;

    // the mentions move into the merge; what the store said of them stays here
    let mut old_event_of: Vec<Vec<String>> = Vec::with_capacity(stored.len());
    let mut docs: Vec<DocumentMentions> = Vec::with_capacity(stored.len() + incoming.len());
    for s in stored {
        let (events, mentions) = s.mentions.into_iter().unzip();
        old_event_of.push(events);
        docs.push(DocumentMentions {
            doc: s.doc,
            mentions,
        });
    }
    let first_incoming = docs.len();
    docs.extend(incoming.iter_mut().map(|i| DocumentMentions {
        doc: i.doc.id.clone(),
        mentions: std::mem::take(&mut i.mentions),
    }));
    let merged = merge_with_members(&docs, lex);

    let old_ids: Vec<String> = region_events.iter().cloned().collect();
    let old: HashMap<String, Event> = store
        .events_by_id(&old_ids)?
        .into_iter()
        .map(|e| (e.id.clone(), e))
        .collect();
    // where the stored mentions of each old event went
    let mut moved: HashMap<&str, BTreeMap<&str, usize>> = HashMap::new();
    for (d, events) in old_event_of.iter().enumerate() {
        for (k, old_event) in events.iter().enumerate() {
            let new_event = &merged.events[merged.event_of_mention[d][k]].id;
            *moved
                .entry(old_event.as_str())
                .or_default()
                .entry(new_event.as_str())
                .or_default() += 1;
        }
    }
    let mut batch = Batch::default();
    let new_ids: HashSet<&str> = merged.events.iter().map(|e| e.id.as_str()).collect();
    for e in &merged.events {
        match old.get(&e.id) {
            Some(before) if before == e => {}
            Some(_) => {
                summary.events_updated += 1;
                batch
                    .changes
                    .push((ChangeKind::Updated, e.id.clone(), None));
                batch.put_events.push(e.clone());
            }
            None => {
                summary.events_new += 1;
                batch.changes.push((ChangeKind::New, e.id.clone(), None));
                batch.put_events.push(e.clone());
            }
        }
    }
    for id in &old_ids {
        if new_ids.contains(id.as_str()) {
            continue;
        }
        // merged into the event that took most of its mentions (ties: the smaller id)
        let into = moved.get(id.as_str()).and_then(|targets| {
            targets
                .iter()
                .max_by(|a, b| a.1.cmp(b.1).then(b.0.cmp(a.0)))
                .map(|(t, _)| t.to_string())
        });
        match into {
            Some(into) => {
                summary.events_merged += 1;
                batch
                    .changes
                    .push((ChangeKind::Merged, id.clone(), Some(into)));
            }
            None => {
                summary.events_deleted += 1;
                batch.changes.push((ChangeKind::Deleted, id.clone(), None));
            }
        }
        batch.delete_events.push(id.clone());
    }
    // mentions: rewrite those whose event changed, and the incoming documents'
    for (d, dm) in docs.into_iter().enumerate() {
        let events: Vec<String> = merged.event_of_mention[d]
            .iter()
            .map(|&e| merged.events[e].id.clone())
            .collect();
        if d >= first_incoming || old_event_of[d] != events {
            batch.put_mentions.push(StoredMentions {
                doc: dm.doc,
                mentions: events.into_iter().zip(dm.mentions).collect(),
            });
        }
    }
    let ingested = crate::time::now();
    for i in incoming {
        if let Some(old) = i.replaces.filter(|old| *old != i.doc.id) {
            batch.delete_documents.push(old);
        }
        batch.put_documents.push(PutDocument {
            meta: DocumentMeta {
                id: i.doc.id,
                url: i.doc.url,
                outlet: i.doc.outlet,
                published: i.doc.published.map(|d| d.to_string()),
                ingested: i.ingested.unwrap_or_else(|| ingested.clone()),
                content_hash: i.hash,
            },
            text: i.doc.text,
            search_terms: i.search_terms,
        });
    }
    Ok(batch)
}

/// Extracts every stored document again with the current lexicons and code, a batch at a
/// time.
fn reextract<S: Store>(
    store: &mut S,
    lex: &Lexicons,
    fingerprint: &str,
    options: &IngestOptions,
    summary: &mut Summary,
) -> Result<()> {
    let ids = store.document_ids()?;
    let chunks: Vec<&[String]> = ids.chunks(options.batch_size.max(1)).collect();
    for (n, chunk) in chunks.iter().enumerate() {
        let mut incoming = Vec::with_capacity(chunk.len());
        for id in chunk.iter() {
            let stored = store.document(id)?.ok_or_else(|| {
                StoreError::other(format!("document {id} vanished while re-extracting"))
            })?;
            let doc = Document {
                id: stored.meta.id.clone(),
                text: stored.text,
                url: stored.meta.url,
                outlet: stored.meta.outlet,
                published: stored.meta.published.as_deref().and_then(Day::parse_iso),
            };
            let (mentions, search_terms) = extract(&doc, lex);
            incoming.push(Incoming {
                mentions,
                search_terms,
                hash: stored.meta.content_hash,
                replaces: Some(stored.meta.id),
                ingested: Some(stored.meta.ingested),
                doc,
            });
        }
        summary.documents_reextracted += incoming.len();
        let batch = merge_batch(store, lex, incoming, summary)?;
        // the new fingerprint only with the last batch: an interrupted run starts over
        let last = n + 1 == chunks.len();
        store.apply(&Batch {
            extraction_fingerprint: last.then(|| fingerprint.to_string()),
            ..batch
        })?;
        summary.batches += 1;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::testing::{act_told_twice, examples, lex, run, store};
    use crate::{Filter, Page, Queries};
    use rasid_merge::extract_events;
    use rasid_text::Day;

    fn by_id(mut events: Vec<Event>) -> Vec<Event> {
        events.sort_by(|a, b| a.id.cmp(&b.id));
        events
    }

    #[test]
    fn documents_one_at_a_time_in_any_order_give_the_events_of_one_merge() {
        let docs = examples();
        let expected = by_id(extract_events(&docs, lex()));
        let n = docs.len();
        let orders: Vec<Vec<usize>> = vec![
            (0..n).collect(),
            (0..n).rev().collect(),
            (0..n).map(|i| (i + 3) % n).collect(),
            (0..n)
                .map(|i| if i % 2 == 0 { i / 2 } else { n - 1 - i / 2 })
                .collect(),
        ];
        for order in &orders {
            for batch_size in [1, 3] {
                let (_dir, mut s) = store();
                for chunk in order.chunks(batch_size) {
                    let part: Vec<Document> = chunk.iter().map(|&i| docs[i].clone()).collect();
                    run(&mut s, &part, batch_size);
                }
                let got = by_id(s.events(&Filter::default(), &Page::default()).unwrap());
                assert_eq!(got, expected, "order {order:?}, batches of {batch_size}");
            }
        }
    }

    #[test]
    fn ingesting_again_changes_nothing() {
        let docs = examples();
        let (_dir, mut s) = store();
        let first = run(&mut s, &docs, 4);
        assert_eq!(first.documents_new, docs.len());
        assert!(first.events_new > 0);
        let counts = s.counts().unwrap();
        let events = s.events(&Filter::default(), &Page::default()).unwrap();
        assert_eq!(
            s.count_events(&Filter::default(), None).unwrap(),
            counts.events
        );
        assert_eq!(
            s.events(
                &Filter::default(),
                &Page {
                    limit: Some(2),
                    ..Page::default()
                }
            )
            .unwrap(),
            events[..2]
        );
        let again = run(&mut s, &docs, 4);
        assert_eq!(again.documents_unchanged, docs.len());
        assert_eq!(again.batches, 0);
        assert_eq!(s.counts().unwrap(), counts);
        assert_eq!(
            s.events(&Filter::default(), &Page::default()).unwrap(),
            events
        );
    }

    #[test]
    fn a_report_of_a_stored_act_joins_its_event() {
        let (joint, later, earlier) = act_told_twice();
        let (_dir, mut s) = store();
        run(&mut s, &earlier, 100);
        let before = s.counts().unwrap().changes;
        let summary = run(&mut s, &later, 100);
        assert_eq!(summary.documents_new, 1);
        let stored = s.events_by_id(std::slice::from_ref(&joint.id)).unwrap();
        assert_eq!(stored[0].docs, joint.docs);
        // the event known before took a new id (its first report changed): merged into it
        let changes = s.changes_since("", 0, None).unwrap();
        assert!(changes[before as usize..]
            .iter()
            .any(|c| c.kind == ChangeKind::Merged && c.into.as_deref() == Some(&joint.id)));
    }

    #[test]
    fn a_new_version_at_the_same_url_replaces_the_old_one() {
        let url = "https://example.org/2024/01/21/report";
        let old = Document {
            id: "v1".into(),
            text: "قتل ثلاثة مدنيين أمس في غارة جوية استهدفت مدينة الميادين بريف دير الزور.".into(),
            url: Some(url.into()),
            outlet: None,
            published: Day::parse_iso("2024-01-21"),
        };
        let new = Document {
            id: "v2".into(),
            text: "قتل خمسة مدنيين أمس في غارة جوية استهدفت مدينة الميادين بريف دير الزور.".into(),
            ..old.clone()
        };
        let (_dir, mut s) = store();
        run(&mut s, &[old], 10);
        let summary = run(&mut s, std::slice::from_ref(&new), 10);
        assert_eq!(summary.documents_updated, 1);
        assert_eq!(s.document_ids().unwrap(), ["v2"]);
        let events = s.events(&Filter::default(), &Page::default()).unwrap();
        assert_eq!(events, extract_events(&[new], lex()));
        assert_eq!(events[0].fatalities.map(|f| f.min), Some(5));
        let kinds: Vec<ChangeKind> = s
            .changes_since("", 0, None)
            .unwrap()
            .iter()
            .map(|c| c.kind)
            .collect();
        // the old version's event is gone with it; the new version's event is new
        assert_eq!(
            kinds,
            [ChangeKind::New, ChangeKind::New, ChangeKind::Deleted]
        );
    }

    #[test]
    fn the_same_text_under_another_id_is_a_duplicate() {
        let docs = examples();
        let (_dir, mut s) = store();
        run(&mut s, &docs[..1], 10);
        let copy = Document {
            id: "copy".into(),
            ..docs[0].clone()
        };
        let summary = run(&mut s, &[copy], 10);
        assert_eq!(summary.documents_duplicate, 1);
        assert_eq!(
            summary.duplicate_of,
            [("copy".to_string(), docs[0].id.clone())]
        );
        assert_eq!(s.counts().unwrap().documents, 1);
    }

    #[test]
    fn within_a_batch_the_later_text_of_an_id_wins_and_copies_are_duplicates() {
        let docs = examples();
        let (a, b) = (&docs[0], &docs[1]);
        let under = |id: &str, text_of: &Document| Document {
            id: id.into(),
            ..text_of.clone()
        };
        let (_dir, mut s) = store();
        let summary = run(
            &mut s,
            &[
                a.clone(),
                // the same document again
                a.clone(),
                under("copy", b),
                // a's id with b's text: a's earlier text goes, and the text is copy's
                under(&a.id, b),
                // a's first text under another id: nothing in the batch holds it now
                under("later", a),
            ],
            10,
        );
        assert_eq!(summary.documents_read, 5);
        assert_eq!(summary.documents_unchanged, 1);
        assert_eq!(summary.documents_new, 2);
        assert_eq!(summary.duplicate_of, [(a.id.clone(), "copy".to_string())]);
        let stored = |id: &str| s.document(id).unwrap().map(|d| d.text);
        assert_eq!(stored("copy"), Some(b.text.clone()));
        assert_eq!(stored("later"), Some(a.text.clone()));
        assert_eq!(stored(&a.id), None);
        assert_eq!(s.counts().unwrap().documents, 2);
    }

    #[test]
    fn stored_documents_are_extracted_again_when_the_lexicons_change() {
        let docs = examples();
        let (_dir, mut s) = store();
        run(&mut s, &docs, 100);
        let events = s.events(&Filter::default(), &Page::default()).unwrap();
        s.apply(&Batch {
            extraction_fingerprint: Some("older lexicons".into()),
            ..Batch::default()
        })
        .unwrap();
        let summary = run(&mut s, &[], 3);
        assert_eq!(summary.documents_reextracted, docs.len());
        assert_eq!(
            s.events(&Filter::default(), &Page::default()).unwrap(),
            events
        );
        assert_eq!(
            s.extraction_fingerprint().unwrap(),
            Some(extraction_fingerprint(lex()))
        );
    }
}
