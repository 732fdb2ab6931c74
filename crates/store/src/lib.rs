//! Store stage: a persistent, incremental event database.
//!
//! [`Store`] is the storage layer (SQLite in [`sqlite`]; the SQL is kept portable so that a
//! PostgreSQL backend can implement the same trait). [`ingest`] adds documents to a store:
//! it extracts their mentions, merges them with the stored events they touch, records every
//! change, and commits per batch so that an interrupted run loses nothing already committed.

pub mod filter;
pub mod ingest;
pub mod sqlite;
#[cfg(test)]
mod testing;
pub mod time;

pub use filter::{ActorPlan, Filter, FilterError, SqlHints, FILTER_NAMES};
pub use ingest::{ingest, IngestOptions, Summary, DEFAULT_BATCH_SIZE};
pub use sqlite::SqliteStore;

use rasid_merge::{DocPart, Event, MatchKey, Sketch};
use rasid_resolution::ResolvedMention;
use rasid_text::search::Query;
use serde::Serialize;
use std::fmt;

/// A stored document without its text.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct DocumentMeta {
    pub id: String,
    pub url: Option<String>,
    pub outlet: Option<String>,
    /// ISO day.
    pub published: Option<String>,
    /// RFC 3339 UTC time the document was stored.
    pub ingested: String,
    /// SHA-256 of the text, hex.
    pub content_hash: String,
}

/// A stored document with its original text.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StoredDocument {
    pub meta: DocumentMeta,
    pub text: String,
}

/// A document to store, with the terms the search index keeps for it
/// ([`rasid_text::search::index_terms`] of its folded text). The terms come with it, made
/// by the pure stages from the fold extraction did, so that a store only writes them.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PutDocument {
    pub meta: DocumentMeta,
    pub text: String,
    pub search_terms: String,
    /// The sketch of its text that tells its copies ([`rasid_text::sketch`]).
    pub sketch: Option<Sketch>,
}

/// A stored mention: where it stands, its act within its document
/// ([`rasid_merge::document_clusters`]) and the event it is part of.
#[derive(Debug, Clone)]
pub struct StoredMention {
    pub doc: String,
    /// Its position in the document.
    pub seq: u32,
    pub cluster: u32,
    pub event: String,
    pub mention: ResolvedMention,
}

/// The mentions of one document to store, replacing what was stored for it: `(event,
/// cluster, mention)` in the document's order.
#[derive(Debug, Clone)]
pub struct PutMentions {
    pub doc: String,
    pub mentions: Vec<(String, u32, ResolvedMention)>,
}

/// Where and when a new mention happened, to find the stored events it could merge with.
#[derive(Debug, Clone, PartialEq)]
pub struct Probe<'a> {
    pub event_type: &'a str,
    pub sub_event_type: &'a str,
    pub min_lat: f64,
    pub max_lat: f64,
    pub min_lon: f64,
    pub max_lon: f64,
    /// The days the act may lie on (`rasid_merge::possible_days`); stored keys whose days
    /// are all outside them cannot merge with it.
    pub days: Option<(rasid_text::Day, rasid_text::Day)>,
}

/// One of the distinct [`MatchKey`]s of a stored event's mentions.
#[derive(Debug, Clone, PartialEq)]
pub struct StoredKey {
    pub event: String,
    /// The event's place in the order events were first stored (older: smaller).
    pub order: i64,
    pub key: MatchKey,
}

/// What a store keeps of an event to add reports to it: its summary, and when it was
/// first stored.
#[derive(Debug, Clone, PartialEq)]
pub struct EventState {
    pub id: String,
    /// Older events have smaller orders.
    pub order: i64,
    pub summary: rasid_merge::Summary,
}

/// What happened to an event.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum ChangeKind {
    New,
    Updated,
    /// The event now is part of another one (`into`).
    Merged,
    Deleted,
}

impl ChangeKind {
    pub fn as_str(self) -> &'static str {
        match self {
            ChangeKind::New => "new",
            ChangeKind::Updated => "updated",
            ChangeKind::Merged => "merged",
            ChangeKind::Deleted => "deleted",
        }
    }

    pub fn parse(s: &str) -> Option<ChangeKind> {
        [
            ChangeKind::New,
            ChangeKind::Updated,
            ChangeKind::Merged,
            ChangeKind::Deleted,
        ]
        .into_iter()
        .find(|k| k.as_str() == s)
    }
}

/// One entry of the change log.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Change {
    /// Position in the log (increasing).
    pub seq: i64,
    /// RFC 3339 UTC time of the commit that made it.
    pub at: String,
    pub kind: ChangeKind,
    pub event: String,
    /// For `merged`: the event it is now part of.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub into: Option<String>,
}

/// An event to write: its summary, and the parts and keys of its documents.
#[derive(Debug, Clone)]
pub struct EventWrite {
    pub id: String,
    pub summary: rasid_merge::Summary,
    /// `true`: `parts` and `keys` are all the event's, replacing what is stored; `false`:
    /// they are added to it (a part replacing the stored part of its document).
    pub complete: bool,
    pub parts: Vec<DocPart>,
    /// Distinct keys of its mentions.
    pub keys: Vec<MatchKey>,
}

/// Everything one step of a write does (see [`Store::apply`]), in this order: documents,
/// merges of events, deletions, event writes, then mentions.
#[derive(Debug, Default)]
pub struct Batch {
    /// Documents removed (a new version came under another id), with their mentions.
    pub delete_documents: Vec<String>,
    /// Documents whose stored mentions go (they are extracted again or replaced).
    pub clear_mentions: Vec<String>,
    /// Documents to store (replacing one with the same id).
    pub put_documents: Vec<PutDocument>,
    /// `(from, into)`: every mention, part and key of `from` moves to `into`, and `from`
    /// goes.
    pub merge_events: Vec<(String, String)>,
    /// Events that go (their mentions were moved or removed).
    pub delete_events: Vec<String>,
    /// Events written (new ones, and stored ones with new fields).
    pub put_events: Vec<EventWrite>,
    /// Stored mentions moving to another event: `(doc, seq, event)`.
    pub move_mentions: Vec<(String, u32, String)>,
    /// The mentions of these documents.
    pub put_mentions: Vec<PutMentions>,
    /// `(kind, event, into)` in order; the store stamps them with the commit time.
    pub changes: Vec<(ChangeKind, String, Option<String>)>,
    /// [`ingest::extraction_fingerprint`] the stored mentions were extracted with.
    pub extraction_fingerprint: Option<String>,
}

/// Sizes of a store.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct Counts {
    pub documents: u64,
    pub mentions: u64,
    pub events: u64,
    pub changes: u64,
}

/// The order of a list of events.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Sort {
    /// Oldest first (unknown dates last), then id.
    #[default]
    Date,
    /// Newest first (unknown dates last), then id descending.
    DateDesc,
    /// Fewest (minimum) fatalities first, unknown last.
    Fatalities,
    FatalitiesDesc,
    /// Fewest reporting documents first.
    Sources,
    SourcesDesc,
}

impl Sort {
    /// Every sort, in the order the API lists them.
    pub const ALL: [Sort; 6] = [
        Sort::Date,
        Sort::DateDesc,
        Sort::Fatalities,
        Sort::FatalitiesDesc,
        Sort::Sources,
        Sort::SourcesDesc,
    ];

    /// The name [`Sort::parse`] reads.
    pub fn name(self) -> &'static str {
        match self {
            Sort::Date => "date",
            Sort::DateDesc => "-date",
            Sort::Fatalities => "fatalities",
            Sort::FatalitiesDesc => "-fatalities",
            Sort::Sources => "sources",
            Sort::SourcesDesc => "-sources",
        }
    }

    pub fn parse(s: &str) -> Option<Sort> {
        Sort::ALL.into_iter().find(|sort| sort.name() == s)
    }
}

/// Which slice of a filtered list of events to read.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Page {
    pub sort: Sort,
    /// At most this many; all when `None`.
    pub limit: Option<u64>,
    /// Skip this many first.
    pub offset: u64,
}

/// One value of a breakdown and how many events have it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Tally {
    pub key: String,
    pub count: u64,
}

/// How many events have one event type and sub-event type.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct TypeTally {
    pub event_type: String,
    pub sub_event_type: String,
    pub count: u64,
}

/// Counts of the events passing a filter.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Stats {
    pub total: u64,
    /// Events whose date is unknown (not in `by_day`).
    pub undated: u64,
    /// By first possible day, in day order.
    pub by_day: Vec<Tally>,
    /// By `event_type` and `sub_event_type`, most first.
    pub by_type: Vec<TypeTally>,
    /// By ISO country code (events without a place are not counted), most first.
    pub by_country: Vec<Tally>,
    /// By canonical actor name, as actor1 or actor2, most first.
    pub by_actor: Vec<Tally>,
}

/// What kind of failure a [`StoreError`] is, for callers that answer differently (the API
/// says 503 to a busy store and 507 to a full disk).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ErrorKind {
    /// Another writer held the store longer than the busy timeout: try again later.
    Busy,
    /// The disk (or the file system's quota) is full: nothing of the write was stored.
    Full,
    /// The file is damaged (or not a rasid store): `rasid check` says more.
    Damaged,
    /// The store cannot be written (read-only media or permissions).
    ReadOnly,
    Other,
}

/// A storage error, with what was being done.
#[derive(Debug)]
pub struct StoreError {
    pub kind: ErrorKind,
    pub message: String,
}

impl StoreError {
    pub fn new(kind: ErrorKind, message: impl Into<String>) -> StoreError {
        StoreError {
            kind,
            message: message.into(),
        }
    }

    pub fn other(message: impl Into<String>) -> StoreError {
        StoreError::new(ErrorKind::Other, message)
    }

    pub fn damaged(message: impl Into<String>) -> StoreError {
        StoreError::new(ErrorKind::Damaged, message)
    }
}

impl fmt::Display for StoreError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message)
    }
}

impl std::error::Error for StoreError {}

pub type Result<T> = std::result::Result<T, StoreError>;

/// Documents a search of several words reads at most to find where the words stand.
pub const SEARCH_READ_CAP: u64 = 2_000;

/// A page of documents a search query matches.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SearchPage {
    /// How many documents match: exact, or, when `total_exact` is false, those among the
    /// first [`SEARCH_READ_CAP`] documents holding every word.
    pub total: u64,
    pub total_exact: bool,
    pub documents: Vec<SearchHit>,
}

/// A document a search query matches.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SearchHit {
    pub document: StoredDocument,
    /// Where the query occurs: character ranges of the original text.
    pub matches: Vec<(usize, usize)>,
}

/// The storage layer that ingest works on. Reads see the last committed state, and within
/// a write ([`Store::begin_write`] … [`Store::commit`]) the write's own steps too.
pub trait Store {
    /// The [`ingest::extraction_fingerprint`] the stored mentions were extracted with, if any.
    fn extraction_fingerprint(&self) -> Result<Option<String>>;
    fn document(&self, id: &str) -> Result<Option<StoredDocument>>;
    /// Ids of every stored document, in id order.
    fn document_ids(&self) -> Result<Vec<String>>;
    /// The stored documents with these ids, in id order.
    fn documents_meta(&self, ids: &[String]) -> Result<Vec<DocumentMeta>>;
    /// The stored documents with any of these URLs, oldest first.
    fn documents_by_url(&self, urls: &[String]) -> Result<Vec<DocumentMeta>>;
    /// The stored documents with any of these content hashes, oldest first.
    fn documents_by_hash(&self, hashes: &[String]) -> Result<Vec<DocumentMeta>>;
    /// The distinct keys of stored events of the probe's type near its place and days.
    fn keys_near(&self, probe: &Probe) -> Result<Vec<StoredKey>>;
    /// The summaries of these events (those stored).
    fn event_states(&self, ids: &[String]) -> Result<Vec<EventState>>;
    /// Which of these ids are stored events.
    fn stored_events(&self, ids: &[String]) -> Result<Vec<String>>;
    /// Events with a mention in any of these documents.
    fn events_of_documents(&self, docs: &[String]) -> Result<Vec<String>>;
    /// Every mention of these events, by document and position.
    fn mentions_of_events(&self, events: &[String]) -> Result<Vec<StoredMention>>;
    /// Every mention of these documents, by document and position.
    fn mentions_of_documents(&self, docs: &[String]) -> Result<Vec<StoredMention>>;
    /// The stored documents that may be copies of a text with this sketch (they share a
    /// band of it), with their sketches.
    fn candidate_copies(&self, sketch: &Sketch) -> Result<Vec<(String, Sketch)>>;
    /// The sketches of these documents (those that have one).
    fn sketches(&self, docs: &[String]) -> Result<Vec<(String, Sketch)>>;
    /// The documents that have a part in more than one of these events.
    fn documents_shared_by(&self, events: &[String]) -> Result<Vec<String>>;
    /// Events that answer any of these ("رداً على") or that they answer.
    fn events_linked_to(&self, ids: &[String]) -> Result<Vec<String>>;
    fn events_by_id(&self, ids: &[String]) -> Result<Vec<Event>>;
    fn counts(&self) -> Result<Counts>;
    /// Starts a write: waits (up to the busy timeout) until no other writer writes, then
    /// holds the store until [`Store::commit`] or [`Store::rollback`], so that what the
    /// write reads stays true while it writes.
    fn begin_write(&mut self) -> Result<()>;
    /// Writes a step within the write begun.
    fn apply(&mut self, batch: &Batch) -> Result<()>;
    /// Ends the write, keeping all its steps, whole (a crash keeps all or none of it).
    fn commit(&mut self) -> Result<()>;
    /// Ends the write, keeping none of its steps.
    fn rollback(&mut self);
    /// Puts every committed write on disk, so that a power cut loses none of it.
    fn sync(&mut self) -> Result<()>;
}

/// The reads of the commands and the API over a store: lists, counts, search, the log.
pub trait Queries: Store {
    /// The page of the events passing the filter, as stored JSON (EVENTS.md).
    fn events_json(&self, filter: &Filter, page: &Page) -> Result<Vec<String>>;
    /// The page of the events passing the filter.
    fn events(&self, filter: &Filter, page: &Page) -> Result<Vec<Event>> {
        self.events_json(filter, page)?
            .iter()
            .map(|body| {
                serde_json::from_str(body)
                    .map_err(|e| StoreError::damaged(format!("a stored event does not parse: {e}")))
            })
            .collect()
    }
    /// How many events pass the filter; with a cap, counting stops there (a cheap bound for
    /// broad filters over large stores).
    fn count_events(&self, filter: &Filter, cap: Option<u64>) -> Result<u64>;
    /// Counts of the events passing the filter by day, type, country and actor (the `top`
    /// most frequent countries and actors).
    fn stats(&self, filter: &Filter, top: usize) -> Result<Stats>;
    /// `(event, responds_to)` links with either end in `ids`.
    fn links_touching(&self, ids: &[String]) -> Result<Vec<(String, String)>>;
    /// How the event with this id last left the store, if it ever did: the last change
    /// that merged it into another or deleted it.
    fn removal(&self, id: &str) -> Result<Option<Change>>;
    /// Ids of the documents whose search index holds every one of `terms`
    /// (rasid_text::search::index_terms), in id order: `limit` of them from `offset`.
    fn search_candidates(&self, terms: &[&str], limit: u64, offset: u64) -> Result<Vec<String>>;
    /// How many documents [`Queries::search_candidates`] would list without a limit.
    fn count_search_candidates(&self, terms: &[&str]) -> Result<u64>;
    /// The documents the query matches (rasid_text::search), in id order: the page
    /// `offset..offset + limit`, each with where the query occurs in it.
    fn search_documents(&self, query: &Query, limit: u64, offset: u64) -> Result<SearchPage> {
        let terms = query.terms();
        let hit = |id: String| -> Result<Option<SearchHit>> {
            let Some(document) = self.document(&id)? else {
                return Ok(None);
            };
            let folded = rasid_text::fold(&document.text);
            let matches: Vec<(usize, usize)> = query
                .find(&folded.text)
                .into_iter()
                .map(|(start, end)| folded.original_span(start, end))
                .collect();
            Ok((!matches.is_empty()).then_some(SearchHit { document, matches }))
        };
        if query.words().len() == 1 {
            // a document that holds the one term holds the word: the index answers exactly
            let total = self.count_search_candidates(&terms)?;
            let mut documents = Vec::new();
            for id in self.search_candidates(&terms, limit, offset)? {
                documents.extend(hit(id)?);
            }
            return Ok(SearchPage {
                total,
                total_exact: true,
                documents,
            });
        }
        // the index does not know where the words stand: each document is read to see
        // whether they follow each other, up to a bound
        let candidates = self.search_candidates(&terms, SEARCH_READ_CAP + 1, 0)?;
        let total_exact = candidates.len() as u64 <= SEARCH_READ_CAP;
        let mut matching = Vec::new();
        for id in candidates.into_iter().take(SEARCH_READ_CAP as usize) {
            matching.extend(hit(id)?);
        }
        Ok(SearchPage {
            total: matching.len() as u64,
            total_exact,
            documents: matching
                .into_iter()
                .skip(usize::try_from(offset).unwrap_or(usize::MAX))
                .take(usize::try_from(limit).unwrap_or(usize::MAX))
                .collect(),
        })
    }
    /// Changes after `since` (RFC 3339 UTC, as stored) and after log position `after`, in
    /// log order; at most `limit` when one is given.
    fn changes_since(&self, since: &str, after: i64, limit: Option<u64>) -> Result<Vec<Change>>;
}
