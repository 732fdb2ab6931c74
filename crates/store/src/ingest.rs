//! Incremental ingest: documents in, events of the store updated, every change logged.
//!
//! Events are the connected parts of a graph whose edges are pairs of compatible mentions
//! (`rasid_merge`), so they do not depend on the order documents arrive in. A batch of new
//! documents is merged by itself first (acts within each document, then across its
//! documents); then each distinct [`MatchKey`] of it asks the store for the stored keys of
//! the same type near its place and days ([`Store::keys_near`]) and joins the events it is
//! compatible with. An event that a batch joins takes the batch's mentions into its
//! [`rasid_merge::Summary`] and gains a part per new document; two or more stored events
//! that a batch joins become the oldest of them, the others logged as merged into it. So
//! adding a report costs the comparisons of its keys with the distinct keys near it and the
//! rows of the report, whatever the size of the event it joins: a report into an event of
//! 16,000 reports writes what a report into an event of one writes. An event's id never
//! changes once stored.
//!
//! A document replaced by a new version (or extracted again with new lexicons) takes its
//! mentions out of their events; those events are merged again from their other mentions,
//! which costs their size (a rare step). Each batch is one write: it begins by taking the
//! store's write lock ([`Store::begin_write`]), so that what it reads of the store stays true
//! until it commits, and a second writer waits for it instead of merging with a stale view.

use crate::{
    Batch, ChangeKind, DocumentMeta, EventState, EventWrite, Probe, PutDocument, PutMentions,
    Result, Store, StoreError, StoredMention,
};
use rasid_extraction::{Analysis, Document};
use rasid_lexicons::Lexicons;
use rasid_merge::key::{compatible_across_documents, compatible_in_document};
use rasid_merge::{
    acts, document_clusters, event_id, link_copies, link_members, DocPart, MatchKey, Member,
    Sketch, SAME_PLACE_LAT,
};
use rasid_resolution::{resolve, ResolvedMention};
use rasid_text::Day;
use serde::Serialize;
use sha2::{Digest, Sha256};
use std::collections::{BTreeMap, HashMap, HashSet};

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
    /// Documents stored new or updated with no publication day, given or read from their
    /// text or URL: their relative dates ("امس", "الخميس") stay unknown.
    pub documents_undated: usize,
}

/// How many duplicate pairs [`Summary::duplicate_of`] keeps.
const DUPLICATES_LISTED: usize = 20;

/// The stored keys that a mention with key `k` may be compatible with: the same type,
/// latitude and longitude within what `rasid_merge` calls the same place (a degree of
/// longitude shrinks with the cosine of the latitude), overlapping days.
fn probe_of(k: &MatchKey) -> Probe<'_> {
    let lat = k.place.lat;
    let dlon = SAME_PLACE_LAT / lat.to_radians().cos().abs().max(0.1);
    Probe {
        event_type: &k.event_type,
        sub_event_type: &k.sub_event_type,
        min_lat: lat - SAME_PLACE_LAT,
        max_lat: lat + SAME_PLACE_LAT,
        min_lon: k.place.lon - dlon,
        max_lon: k.place.lon + dlon,
        days: k.days,
    }
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

/// A document to store, with its mentions and search terms, and the stored document it
/// replaces.
struct Incoming {
    doc: Document,
    hash: String,
    mentions: Vec<ResolvedMention>,
    search_terms: String,
    sketch: Option<Sketch>,
    replaces: Option<String>,
    /// When it was first stored, for a document extracted again.
    ingested: Option<String>,
}

/// The mentions, search terms and sketch of a document.
type Extracted = (Vec<ResolvedMention>, String, Option<Sketch>);

/// Most stored copies of a new document whose mentions it is compared with: copies of one
/// text are joined already, so a few stand for all.
const COPIES_READ: usize = 8;

/// Ingests `docs` into `store`, `options.batch_size` at a time, taking each batch from
/// the iterator only when the one before is stored (memory holds one batch, whatever the
/// input's size); `progress` hears the number of documents done after each batch. Stored
/// documents extracted with other lexicons or code ([`extraction_fingerprint`]) are
/// extracted again first. What was written is on disk when this returns
/// ([`Store::sync`]).
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
        let hashes: Vec<String> = chunk.iter().map(|d| content_hash(&d.text)).collect();
        // extraction needs nothing of the store, and a write holds other writers back: it
        // runs before the write, for every document not already stored as it is
        let extracted = extract_unstored(store, &chunk, &hashes, lex)?;
        let wrote = write(store, |store| {
            let incoming = classify(store, &chunk, hashes, extracted, lex, &mut summary)?;
            if incoming.is_empty() {
                return Ok(false);
            }
            store_incoming(store, incoming, Some(&fingerprint), &mut summary)?;
            Ok(true)
        })?;
        summary.batches += usize::from(wrote);
        done += chunk.len();
        progress(done);
    }
    if summary.batches > 0 {
        store.sync()?;
    }
    Ok(summary)
}

/// Runs `work` as one write of the store: begun when no other writer writes, committed
/// when `work` succeeds, undone when it fails.
fn write<S: Store, T>(store: &mut S, work: impl FnOnce(&mut S) -> Result<T>) -> Result<T> {
    store.begin_write()?;
    match work(store) {
        Ok(value) => {
            store.commit()?;
            Ok(value)
        }
        Err(e) => {
            store.rollback();
            Err(e)
        }
    }
}

/// The mentions and terms of each document of a chunk, except those stored with the same
/// id and text (`None`).
fn extract_unstored<S: Store>(
    store: &S,
    chunk: &[Document],
    hashes: &[String],
    lex: &Lexicons,
) -> Result<Vec<Option<Extracted>>> {
    let ids: Vec<String> = chunk.iter().map(|d| d.id.clone()).collect();
    let stored: HashMap<String, String> = store
        .documents_meta(&ids)?
        .into_iter()
        .map(|d| (d.id, d.content_hash))
        .collect();
    Ok(chunk
        .iter()
        .zip(hashes)
        .map(|(doc, hash)| (stored.get(&doc.id) != Some(hash)).then(|| extract(doc, lex)))
        .collect())
}

/// Decides for each document of a batch whether it is new, an update, unchanged or a
/// duplicate, and takes the mentions of those to store (extracting any not extracted yet).
fn classify<S: Store>(
    store: &S,
    chunk: &[Document],
    hashes: Vec<String>,
    mut extracted: Vec<Option<Extracted>>,
    lex: &Lexicons,
    summary: &mut Summary,
) -> Result<Vec<Incoming>> {
    // slots in the order documents came (a later text of the same id empties the earlier
    // slot), and where each id and content hash of the batch stands: each is there once
    let mut incoming: Vec<Option<Incoming>> = Vec::new();
    let mut slot_of_id: HashMap<String, usize> = HashMap::new();
    let mut slot_of_hash: HashMap<String, usize> = HashMap::new();
    let stored = StoredMatches::read(store, chunk, &hashes)?;
    for (n, (doc, hash)) in chunk.iter().zip(hashes).enumerate() {
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
        let (mentions, search_terms, sketch) =
            extracted[n].take().unwrap_or_else(|| extract(doc, lex));
        slot_of_id.insert(doc.id.clone(), incoming.len());
        slot_of_hash.insert(hash.clone(), incoming.len());
        incoming.push(Some(Incoming {
            mentions,
            search_terms,
            sketch,
            doc: doc.clone(),
            hash,
            replaces,
            ingested: None,
        }));
    }
    let incoming: Vec<Incoming> = incoming.into_iter().flatten().collect();
    summary.documents_undated += incoming
        .iter()
        .filter(|i| i.doc.publication().is_none())
        .count();
    Ok(incoming)
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
fn extract(doc: &Document, lex: &Lexicons) -> Extracted {
    let analysis = Analysis::of_document(doc, lex);
    let terms = rasid_text::search::index_terms(analysis.text(), &analysis.tokens);
    let sketch = rasid_text::sketch::sketch(analysis.text(), &analysis.tokens);
    (resolve(&analysis, &doc.text), terms, sketch)
}

fn note_duplicate(summary: &mut Summary, doc: &str, of: &str) {
    summary.documents_duplicate += 1;
    if summary.duplicate_of.len() < DUPLICATES_LISTED {
        summary.duplicate_of.push((doc.to_string(), of.to_string()));
    }
}

/// Stores the incoming documents within a write: the stored versions they replace leave
/// their events first, then the documents join the events of the store.
fn store_incoming<S: Store>(
    store: &mut S,
    incoming: Vec<Incoming>,
    fingerprint: Option<&str>,
    summary: &mut Summary,
) -> Result<()> {
    let mut changes = Vec::new();
    let replaced: Vec<(String, bool)> = incoming
        .iter()
        .filter_map(|i| Some((i.replaces.clone()?, i.replaces.as_ref() == Some(&i.doc.id))))
        .collect();
    if !replaced.is_empty() {
        let mut batch = remove_documents(store, &replaced)?;
        changes.append(&mut batch.changes);
        store.apply(&batch)?;
    }
    let mut batch = add_documents(store, incoming)?;
    changes.append(&mut batch.changes);
    batch.changes = settle_changes(changes);
    for (kind, _, _) in &batch.changes {
        match kind {
            ChangeKind::New => summary.events_new += 1,
            ChangeKind::Updated => summary.events_updated += 1,
            ChangeKind::Merged => summary.events_merged += 1,
            ChangeKind::Deleted => summary.events_deleted += 1,
        }
    }
    batch.extraction_fingerprint = fingerprint.map(str::to_string);
    store.apply(&batch)
}

/// The changes of one write as a reader of the log should see them: an event deleted and
/// made again (a document extracted again gives its act the same id) is updated, and each
/// event is updated at most once.
fn settle_changes(
    changes: Vec<(ChangeKind, String, Option<String>)>,
) -> Vec<(ChangeKind, String, Option<String>)> {
    let deleted: HashSet<String> = changes
        .iter()
        .filter(|(k, _, _)| *k == ChangeKind::Deleted)
        .map(|(_, e, _)| e.clone())
        .collect();
    let recreated: HashSet<String> = changes
        .iter()
        .filter(|(k, e, _)| *k == ChangeKind::New && deleted.contains(e))
        .map(|(_, e, _)| e.clone())
        .collect();
    let mut updated: HashSet<String> = HashSet::new();
    let mut settled = Vec::new();
    for (kind, event, into) in changes {
        let kind = match kind {
            ChangeKind::Deleted if recreated.contains(&event) => continue,
            ChangeKind::New if recreated.contains(&event) => ChangeKind::Updated,
            other => other,
        };
        if kind == ChangeKind::Updated && !updated.insert(event.clone()) {
            continue;
        }
        settled.push((kind, event, into));
    }
    settled
}

/// Ids for new acts: an act takes the id of its first report ([`event_id`] of its first
/// mention), or of its next report when a stored event or an event of this write has that
/// one. The first ids of a write's new acts are looked up at once.
struct FreshIds {
    stored: HashSet<String>,
    taken: HashSet<String>,
}

impl FreshIds {
    fn new<S: Store>(store: &S, firsts: &[String]) -> Result<FreshIds> {
        Ok(FreshIds {
            stored: store.stored_events(firsts)?.into_iter().collect(),
            taken: HashSet::new(),
        })
    }

    fn free(&self, id: &str) -> bool {
        !self.stored.contains(id) && !self.taken.contains(id)
    }

    /// The first free one of `candidates` (the ids of an act's mentions, first report
    /// first), now taken.
    fn pick<S: Store>(&mut self, store: &S, candidates: &[String]) -> Result<String> {
        if !self.free(&candidates[0]) {
            self.stored.extend(store.stored_events(candidates)?);
        }
        let id = candidates
            .iter()
            .find(|id| self.free(id))
            .cloned()
            // every id of the act's mentions in use: one made from the first and a count
            .unwrap_or_else(|| {
                (1..)
                    .map(|n| event_id(&format!("{}#{n}", candidates[0]), 0))
                    .find(|id| self.free(id))
                    .expect("an unused id")
            });
        self.taken.insert(id.clone());
        Ok(id)
    }
}

/// An act's summary, parts (one per document, in id order) and distinct keys, from its
/// mentions given in document id and position order.
fn build_act<'m>(
    mentions: &[(&'m str, u32, &'m ResolvedMention, &'m MatchKey)],
) -> (rasid_merge::Summary, Vec<DocPart>, Vec<MatchKey>) {
    let (doc, index, first, _) = mentions[0];
    let mut summary = rasid_merge::Summary::of(first, (doc.to_string(), index));
    for &(doc, index, m, _) in &mentions[1..] {
        summary.add(m, (doc.to_string(), index));
    }
    let parts = mentions
        .chunk_by(|a, b| a.0 == b.0)
        .map(|run| DocPart::of(run[0].0, run.iter().map(|m| m.2)))
        .collect();
    (summary, parts, distinct_keys(mentions.iter().map(|m| m.3)))
}

fn distinct_keys<'k>(keys: impl Iterator<Item = &'k MatchKey>) -> Vec<MatchKey> {
    let mut seen = HashSet::new();
    keys.filter(|k| seen.insert(k.signature()))
        .cloned()
        .collect()
}

/// Takes the mentions of `replaced` documents (`(id, same id as its new version)`) out of
/// their events, which are merged again from their other mentions: each old event, oldest
/// first, keeps its id on the act holding most of its mentions; an old event whose
/// mentions all went is deleted, one whose act already took an id is merged into it, and
/// an act left without an id is new. Cost: linear in the mentions of those events (a
/// rare step: a new version of a document, or new lexicons).
fn remove_documents<S: Store>(store: &S, replaced: &[(String, bool)]) -> Result<Batch> {
    let mut batch = Batch::default();
    for (old, same) in replaced {
        if *same {
            batch.clear_mentions.push(old.clone());
        } else {
            batch.delete_documents.push(old.clone());
        }
    }
    let gone: HashSet<&str> = replaced.iter().map(|(d, _)| d.as_str()).collect();
    let old_ids: Vec<String> = replaced.iter().map(|(d, _)| d.clone()).collect();
    let affected = store.events_of_documents(&old_ids)?;
    if affected.is_empty() {
        return Ok(batch);
    }
    let stored: Vec<StoredMention> = store
        .mentions_of_events(&affected)?
        .into_iter()
        .filter(|m| !gone.contains(m.doc.as_str()))
        .collect();
    let keys: Vec<MatchKey> = stored.iter().map(|m| MatchKey::of(&m.mention)).collect();
    let members: Vec<Member> = stored
        .iter()
        .zip(&keys)
        .map(|(m, key)| Member {
            doc: &m.doc,
            index: m.seq,
            cluster: m.cluster,
            key,
            said: m.mention.date.span.is_some(),
        })
        .collect();
    let mut remaining: Vec<String> = stored.iter().map(|m| m.doc.clone()).collect();
    remaining.dedup();
    let sketches = store.sketches(&remaining)?;
    let sketch_refs: Vec<(&str, &Sketch)> = sketches.iter().map(|(d, s)| (d.as_str(), s)).collect();
    let act = acts(&members, &sketch_refs);
    let n_acts = act.iter().map(|a| a + 1).max().unwrap_or(0);
    let mut act_id: Vec<Option<String>> = vec![None; n_acts];
    let mut olds: Vec<EventState> = store.event_states(&affected)?;
    olds.sort_by_key(|e| e.order);
    for old in &olds {
        let mut held: BTreeMap<usize, usize> = BTreeMap::new();
        for (m, &a) in stored.iter().zip(&act) {
            if m.event == old.id {
                *held.entry(a).or_default() += 1;
            }
        }
        // most mentions, then the first act
        let target = held
            .iter()
            .max_by(|x, y| x.1.cmp(y.1).then(y.0.cmp(x.0)))
            .map(|(&a, _)| a);
        match target {
            None => {
                batch.delete_events.push(old.id.clone());
                batch
                    .changes
                    .push((ChangeKind::Deleted, old.id.clone(), None));
            }
            Some(a) => match &act_id[a] {
                None => act_id[a] = Some(old.id.clone()),
                Some(into) => {
                    batch.delete_events.push(old.id.clone());
                    batch
                        .changes
                        .push((ChangeKind::Merged, old.id.clone(), Some(into.clone())));
                }
            },
        }
    }
    let mut by_act: Vec<Vec<usize>> = vec![Vec::new(); n_acts];
    for (i, &a) in act.iter().enumerate() {
        by_act[a].push(i);
    }
    let candidates = |list: &[usize]| -> Vec<String> {
        list.iter()
            .map(|&i| event_id(&stored[i].doc, stored[i].seq as usize))
            .collect()
    };
    let mut fresh = FreshIds::new(store, &[])?;
    fresh.taken.extend(act_id.iter().flatten().cloned());
    for (a, list) in by_act.iter().enumerate() {
        let id = match act_id[a].clone() {
            Some(id) => {
                batch.changes.push((ChangeKind::Updated, id.clone(), None));
                id
            }
            None => {
                let id = fresh.pick(store, &candidates(list))?;
                batch.changes.push((ChangeKind::New, id.clone(), None));
                id
            }
        };
        let mentions: Vec<_> = list
            .iter()
            .map(|&i| {
                (
                    stored[i].doc.as_str(),
                    stored[i].seq,
                    &stored[i].mention,
                    &keys[i],
                )
            })
            .collect();
        let (summary, parts, keys) = build_act(&mentions);
        for &i in list {
            if stored[i].event != id {
                batch
                    .move_mentions
                    .push((stored[i].doc.clone(), stored[i].seq, id.clone()));
            }
        }
        batch.put_events.push(EventWrite {
            id,
            summary,
            complete: true,
            parts,
            keys,
        });
    }
    // events answering or answered by these show their new ids
    for id in store.events_linked_to(&affected)? {
        batch.changes.push((ChangeKind::Updated, id, None));
    }
    Ok(batch)
}

/// Merges incoming documents with each other and with the stored events their keys are
/// compatible with, and says what to write.
///
/// Cost, for `m` incoming mentions with `g` distinct keys and `k` stored keys near each:
/// `O(m + g·k)` comparisons (plus the pairs of distinct incoming keys near each other), one
/// index search per distinct key, and for each event joined its summary read and written
/// and one part written per new document: nothing that grows with the reports the event
/// already has. Joining two stored events moves the rows (mentions, parts, keys) of the
/// younger one, and re-reads the mentions of documents that told both.
fn add_documents<S: Store>(store: &S, mut incoming: Vec<Incoming>) -> Result<Batch> {
    // documents in id order: the first report of a new act comes first
    incoming.sort_by(|a, b| a.doc.id.cmp(&b.doc.id));
    let keys: Vec<Vec<MatchKey>> = incoming
        .iter()
        .map(|i| i.mentions.iter().map(MatchKey::of).collect())
        .collect();
    let clusters: Vec<Vec<u32>> = incoming
        .iter()
        .zip(&keys)
        .map(|(i, k)| document_clusters(&i.mentions, k))
        .collect();
    let mut members: Vec<Member> = Vec::new();
    let mut mention_of: Vec<&ResolvedMention> = Vec::new();
    for (d, i) in incoming.iter().enumerate() {
        for (k, m) in i.mentions.iter().enumerate() {
            members.push(Member {
                doc: &i.doc.id,
                index: k as u32,
                cluster: clusters[d][k],
                key: &keys[d][k],
                said: m.date.span.is_some(),
            });
            mention_of.push(m);
        }
    }
    let (mut uf, mut groups) = link_members(&members);
    let sketches: Vec<(&str, &Sketch)> = incoming
        .iter()
        .filter_map(|i| Some((i.doc.id.as_str(), i.sketch.as_ref()?)))
        .collect();
    link_copies(&mut uf, &members, &sketches);
    // each distinct key asks the store once for the keys near it
    let mut stored_node: BTreeMap<String, usize> = BTreeMap::new();
    for g in &mut groups {
        for near in store.keys_near(&probe_of(g.key))? {
            if compatible_across_documents(g.key, &near.key) {
                let node = *stored_node.entry(near.event).or_insert_with(|| uf.push());
                uf.union(g.node, node);
                g.attach(&mut uf);
            }
        }
    }
    // the stored copies of each new document: its mentions join theirs as one document's
    // would, whatever their dates
    let mut first_member = 0;
    for i in &incoming {
        let own = first_member..first_member + i.mentions.len();
        first_member = own.end;
        let Some(sketch) = &i.sketch else { continue };
        let mut copies: Vec<(String, f64)> = store
            .candidate_copies(sketch)?
            .into_iter()
            .filter(|(doc, other)| *doc != i.doc.id && rasid_text::sketch::copies(sketch, other))
            .map(|(doc, other)| {
                let similar = rasid_text::sketch::similarity(sketch, &other);
                (doc, similar)
            })
            .collect();
        copies.sort_by(|a, b| b.1.total_cmp(&a.1).then(a.0.cmp(&b.0)));
        copies.truncate(COPIES_READ);
        let docs: Vec<String> = copies.into_iter().map(|(d, _)| d).collect();
        for stored in store.mentions_of_documents(&docs)? {
            let key = MatchKey::of(&stored.mention);
            let said = stored.mention.date.span.is_some();
            for k in own.clone() {
                let m = &members[k];
                if compatible_in_document(m.key, m.said, &key, said) {
                    let node = *stored_node
                        .entry(stored.event.clone())
                        .or_insert_with(|| uf.push());
                    uf.union(k, node);
                }
            }
        }
    }
    // acts in order of their first mention; the stored events each joins
    let mut act_of_root: HashMap<usize, usize> = HashMap::new();
    let mut act_members: Vec<Vec<usize>> = Vec::new();
    let mut act = Vec::with_capacity(members.len());
    for i in 0..members.len() {
        let root = uf.find(i);
        let a = *act_of_root.entry(root).or_insert_with(|| {
            act_members.push(Vec::new());
            act_members.len() - 1
        });
        act_members[a].push(i);
        act.push(a);
    }
    let stored_ids: Vec<String> = stored_node.keys().cloned().collect();
    let states: HashMap<String, EventState> = store
        .event_states(&stored_ids)?
        .into_iter()
        .map(|s| (s.id.clone(), s))
        .collect();
    let mut joined: Vec<Vec<&EventState>> = vec![Vec::new(); act_members.len()];
    for (id, &node) in &stored_node {
        let root = uf.find(node);
        if let (Some(&a), Some(state)) = (act_of_root.get(&root), states.get(id)) {
            joined[a].push(state);
        }
    }
    let mut batch = Batch::default();
    let candidates = |list: &[usize]| -> Vec<String> {
        list.iter()
            .map(|&i| event_id(members[i].doc, members[i].index as usize))
            .collect()
    };
    let firsts: Vec<String> = act_members
        .iter()
        .zip(&joined)
        .filter(|(_, stored)| stored.is_empty())
        .map(|(list, _)| event_id(members[list[0]].doc, members[list[0]].index as usize))
        .collect();
    let mut fresh = FreshIds::new(store, &firsts)?;
    let mut act_id: Vec<String> = Vec::with_capacity(act_members.len());
    for (a, list) in act_members.iter().enumerate() {
        let mentions: Vec<_> = list
            .iter()
            .map(|&i| {
                (
                    members[i].doc,
                    members[i].index,
                    mention_of[i],
                    members[i].key,
                )
            })
            .collect();
        let (mut summary, mut parts, keys) = build_act(&mentions);
        let stored = &mut joined[a];
        stored.sort_by_key(|s| s.order);
        let id = match stored.split_first() {
            None => {
                let id = fresh.pick(store, &candidates(list))?;
                batch.changes.push((ChangeKind::New, id.clone(), None));
                id
            }
            Some((oldest, others)) => {
                // the oldest event stays; the others become part of it
                let mut whole = oldest.summary.clone();
                for other in others {
                    whole.absorb(&other.summary);
                    batch
                        .merge_events
                        .push((other.id.clone(), oldest.id.clone()));
                    batch.changes.push((
                        ChangeKind::Merged,
                        other.id.clone(),
                        Some(oldest.id.clone()),
                    ));
                }
                whole.absorb(&summary);
                summary = whole;
                if !others.is_empty() {
                    parts.extend(parts_shared_by(store, stored)?);
                }
                batch
                    .changes
                    .push((ChangeKind::Updated, oldest.id.clone(), None));
                fresh.taken.insert(oldest.id.clone());
                oldest.id.clone()
            }
        };
        batch.put_events.push(EventWrite {
            id: id.clone(),
            summary,
            complete: false,
            parts,
            keys,
        });
        act_id.push(id);
    }
    let absorbed: Vec<String> = batch
        .merge_events
        .iter()
        .map(|(from, _)| from.clone())
        .collect();
    if !absorbed.is_empty() {
        // the events that answer an absorbed one now answer the one it joined
        for id in store.events_linked_to(&absorbed)? {
            batch.changes.push((ChangeKind::Updated, id, None));
        }
    }
    let mut next = 0;
    let ingested = crate::time::now();
    for (d, i) in incoming.into_iter().enumerate() {
        let n = i.mentions.len();
        let events = act[next..next + n].iter().map(|&a| act_id[a].clone());
        batch.put_mentions.push(PutMentions {
            doc: i.doc.id.clone(),
            mentions: events
                .zip(clusters[d].iter().copied())
                .zip(i.mentions)
                .map(|((e, c), m)| (e, c, m))
                .collect(),
        });
        next += n;
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
            sketch: i.sketch,
        });
    }
    Ok(batch)
}

/// The parts, made again from their mentions, of the documents that told two or more of
/// `events` (which become one): each such document's part lists its mentions of all.
fn parts_shared_by<S: Store>(store: &S, events: &[&EventState]) -> Result<Vec<DocPart>> {
    let ids: Vec<String> = events.iter().map(|e| e.id.clone()).collect();
    let shared = store.documents_shared_by(&ids)?;
    if shared.is_empty() {
        return Ok(Vec::new());
    }
    let mentions = store.mentions_of_documents(&shared)?;
    Ok(mentions
        .chunk_by(|a, b| a.doc == b.doc)
        .map(|run| {
            let of_events = run.iter().filter(|m| ids.contains(&m.event));
            DocPart::of(&run[0].doc, of_events.map(|m| &m.mention))
        })
        .collect())
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
            let (mentions, search_terms, sketch) = extract(&doc, lex);
            incoming.push(Incoming {
                mentions,
                search_terms,
                sketch,
                hash: stored.meta.content_hash,
                replaces: Some(stored.meta.id),
                ingested: Some(stored.meta.ingested),
                doc,
            });
        }
        summary.documents_reextracted += incoming.len();
        // the new fingerprint only with the last batch: an interrupted run starts over
        let last = n + 1 == chunks.len();
        write(store, |store| {
            let mut incoming = incoming;
            // a document another writer replaced or removed meanwhile is theirs
            let ids: Vec<String> = incoming.iter().map(|i| i.doc.id.clone()).collect();
            let now: HashMap<String, String> = store
                .documents_meta(&ids)?
                .into_iter()
                .map(|d| (d.id, d.content_hash))
                .collect();
            incoming.retain(|i| now.get(&i.doc.id) == Some(&i.hash));
            store_incoming(store, incoming, last.then_some(fingerprint), summary)
        })?;
        summary.batches += 1;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::testing::{act_told_twice, bridged_reports, examples, lex, run, store, without_ids};
    use crate::{Filter, Page, Queries};
    use rasid_merge::{extract_events, Event};
    use rasid_text::Day;

    fn by_id(mut events: Vec<Event>) -> Vec<Event> {
        events.sort_by(|a, b| a.id.cmp(&b.id));
        events
    }

    #[test]
    fn documents_in_id_order_give_the_events_and_ids_of_one_merge() {
        let docs = examples();
        let expected = by_id(extract_events(&docs, lex()));
        for batch_size in [1, 3, 100] {
            let (_dir, mut s) = store();
            run(&mut s, &docs, batch_size);
            let got = by_id(s.events(&Filter::default(), &Page::default()).unwrap());
            assert_eq!(got, expected, "batches of {batch_size}");
        }
    }

    #[test]
    fn documents_one_at_a_time_in_any_order_give_the_events_of_one_merge() {
        let docs = examples();
        let expected = without_ids(&extract_events(&docs, lex()));
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
                let got = without_ids(&s.events(&Filter::default(), &Page::default()).unwrap());
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
    fn documents_stored_without_a_publication_day_are_counted() {
        let doc = |id: &str, text: &str, published: &str| Document {
            id: id.into(),
            text: text.into(),
            url: None,
            outlet: None,
            published: Day::parse_iso(published),
        };
        let report = "قصفت طائرة مسيرة أمس سيارة في بلدة عامودا.";
        let docs = [
            doc("given", report, "2024-03-16"),
            doc("printed", &format!("الحسكة - 14 آذار 2024\n{report}"), ""),
            doc(
                "undated",
                &format!("{report}\nوكانت طائرة قد قصفت الموقع أمس."),
                "",
            ),
        ];
        let (_dir, mut s) = store();
        assert_eq!(run(&mut s, &docs, 2).documents_undated, 1);
        // documents stored already are not read again
        assert_eq!(run(&mut s, &docs, 2).documents_undated, 0);
    }

    #[test]
    fn a_report_of_a_stored_act_joins_its_event_which_keeps_its_id() {
        // the act's first report (by document id) comes last: the event keeps the id it
        // was published with
        let (joint, first, rest) = act_told_twice();
        let (_dir, mut s) = store();
        run(&mut s, &rest, 100);
        let before: Vec<Event> = s.events(&Filter::default(), &Page::default()).unwrap();
        let known = before
            .iter()
            .find(|e| e.docs.iter().all(|d| joint.docs.contains(d)))
            .expect("the act is stored");
        let logged = s.counts().unwrap().changes;
        let summary = run(&mut s, &first, 100);
        assert_eq!(summary.documents_new, 1);
        let stored = s.events_by_id(std::slice::from_ref(&known.id)).unwrap();
        assert_eq!(stored[0].docs, joint.docs);
        assert_eq!(
            Event {
                id: joint.id.clone(),
                ..stored[0].clone()
            },
            joint
        );
        let changes = s.changes_since("", 0, None).unwrap();
        let kinds: Vec<(ChangeKind, &str)> = changes[logged as usize..]
            .iter()
            .map(|c| (c.kind, c.event.as_str()))
            .collect();
        assert_eq!(kinds, [(ChangeKind::Updated, known.id.as_str())]);
    }

    #[test]
    fn stored_events_joined_by_a_report_become_the_oldest_of_them() {
        let [american, israeli, unknown] = bridged_reports();
        let (_dir, mut s) = store();
        run(&mut s, std::slice::from_ref(&american), 10);
        run(&mut s, std::slice::from_ref(&israeli), 10);
        let two = s.events(&Filter::default(), &Page::default()).unwrap();
        assert_eq!(two.len(), 2, "{two:#?}");
        let oldest = two
            .iter()
            .find(|e| e.docs == ["a-american"])
            .unwrap()
            .id
            .clone();
        let younger = two
            .iter()
            .find(|e| e.docs == ["b-israeli"])
            .unwrap()
            .id
            .clone();
        let summary = run(&mut s, std::slice::from_ref(&unknown), 10);
        assert_eq!((summary.events_merged, summary.events_updated), (1, 1));
        let one = s.events(&Filter::default(), &Page::default()).unwrap();
        assert_eq!(one.len(), 1, "{one:#?}");
        assert_eq!(one[0].id, oldest);
        assert_eq!(one[0].docs, ["a-american", "b-israeli", "c-unknown"]);
        assert_eq!(
            s.removal(&younger).unwrap().and_then(|c| c.into),
            Some(oldest.clone())
        );
        // the same three at once give the same event, under the first report's id
        assert_eq!(
            without_ids(&one),
            without_ids(&extract_events(&[american, israeli, unknown], lex()))
        );
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
            [ChangeKind::New, ChangeKind::Deleted, ChangeKind::New]
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
