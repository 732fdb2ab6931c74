//! The JSON endpoints under `/api` (documented in `openapi.json`).

use crate::error::ApiError;
use crate::params::Params;
use crate::state::App;
use axum::extract::{Path, RawQuery, State};
use axum::http::{header, HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::Json;
use rasid_extraction::Document;
use rasid_merge::Event;
use rasid_store::{
    ingest, ChangeKind, DocumentMeta, IngestOptions, Page, Queries, Sort, SqliteStore, Store,
};
use rasid_text::search::Query;
use serde::de::{Deserializer as _, IgnoredAny, SeqAccess, Visitor};
use serde::Serialize;
use serde_json::value::RawValue;
use serde_json::{json, Value};
use std::collections::BTreeSet;
use std::sync::Arc;

type AppState = State<Arc<App>>;

/// Most events in one page of `/api/events`.
pub const MAX_PAGE: u64 = 500;
/// Deepest offset: past it, narrow the filters instead.
pub const MAX_OFFSET: u64 = 100_000;
/// `/api/events` counts the events passing the filters up to this many: an exact count of
/// a broad filter over a large store would cost more than the page itself.
pub const COUNT_CAP: u64 = 1_000;
/// Most events in one retaliation chain.
const MAX_CHAIN: usize = 500;
/// Most documents in one page of search results.
const MAX_SEARCH_PAGE: u64 = 100;
/// Most matches listed per document found.
const MATCHES_PER_DOCUMENT: usize = 50;
/// Characters of context on each side of the first search match.
const SNIPPET_CONTEXT: usize = 80;
/// Longest search query, in characters.
const MAX_QUERY_CHARS: usize = 200;
/// Most changes in one page of the log.
const MAX_CHANGES: u64 = 10_000;
/// Most documents in one POST.
const MAX_POSTED_DOCUMENTS: usize = 1_000;
/// How many values `/api/stats` lists per country and per actor.
const STATS_TOP: usize = 100;
/// Longest id accepted in a path.
const MAX_ID_CHARS: usize = 300;

fn check_id(id: &str) -> Result<(), ApiError> {
    if id.is_empty() || id.chars().count() > MAX_ID_CHARS {
        return Err(ApiError::bad_request(format!(
            "ids have 1 to {MAX_ID_CHARS} characters"
        )));
    }
    Ok(())
}

/// `GET /api/events`: the events passing the filters, a page at a time.
pub async fn events(State(app): AppState, RawQuery(q): RawQuery) -> Result<Response, ApiError> {
    let params = Params::parse(q.as_deref(), true, &["limit", "offset", "sort"])?;
    let filter = params.filter()?;
    let limit = params.number("limit", 100, 1..=MAX_PAGE)?;
    let offset = params.number("offset", 0, 0..=MAX_OFFSET)?;
    let sort_name = params.get("sort").unwrap_or("-date");
    let sort = Sort::parse(sort_name).ok_or_else(|| {
        ApiError::bad_request(format!(
            "sort: expected one of {}, got {sort_name:?}",
            Sort::ALL.map(Sort::name).join(", ")
        ))
    })?;
    let page = Page {
        sort,
        limit: Some(limit),
        offset,
    };
    let (total, bodies) = app
        .read(move |s| {
            let counted = s.count_events(&filter, Some(COUNT_CAP + 1))?;
            Ok((counted, s.events_json(&filter, &page)?))
        })
        .await?;
    let total_exact = total <= COUNT_CAP;
    // the stored bodies are JSON written by this program: spliced in, not parsed again
    let head = json!({
        "total": total.min(COUNT_CAP),
        "total_exact": total_exact,
        "limit": limit,
        "offset": offset,
        "sort": sort.name(),
    })
    .to_string();
    let mut body =
        String::with_capacity(head.len() + 16 + bodies.iter().map(|b| b.len() + 1).sum::<usize>());
    body.push_str(&head[..head.len() - 1]);
    body.push_str(",\"events\":[");
    for (i, event) in bodies.iter().enumerate() {
        if i > 0 {
            body.push(',');
        }
        body.push_str(event);
    }
    body.push_str("]}");
    Ok(([(header::CONTENT_TYPE, "application/json")], body).into_response())
}

/// Why an event id is not stored: it was merged into another, or deleted, or never was.
fn gone(store: &SqliteStore, id: &str) -> Result<ApiError, ApiError> {
    Ok(match store.removal(id)? {
        Some(c) if c.kind == ChangeKind::Merged => ApiError::not_found(format!(
            "event {id:?} was merged into {:?} at {}",
            c.into.unwrap_or_default(),
            c.at
        )),
        Some(c) if c.kind == ChangeKind::Deleted => {
            ApiError::not_found(format!("event {id:?} was deleted at {}", c.at))
        }
        _ => ApiError::not_found(format!("no event {id:?}")),
    })
}

#[derive(Serialize)]
struct DocumentInfo {
    id: String,
    url: Option<String>,
    outlet: Option<String>,
    published: Option<String>,
    ingested: String,
}

impl From<DocumentMeta> for DocumentInfo {
    fn from(m: DocumentMeta) -> DocumentInfo {
        DocumentInfo {
            id: m.id,
            url: m.url,
            outlet: m.outlet,
            published: m.published,
            ingested: m.ingested,
        }
    }
}

#[derive(Serialize)]
struct EventDetail {
    event: Event,
    documents: Vec<DocumentInfo>,
    /// The events this one answers.
    responds_to: Vec<Event>,
    /// The events that answer this one.
    answered_by: Vec<Event>,
}

/// `GET /api/events/{id}`: the event with its documents and linked events.
pub async fn event(State(app): AppState, Path(id): Path<String>) -> Result<Response, ApiError> {
    check_id(&id)?;
    let detail = app
        .read(move |s| {
            let Some(event) = s.events_by_id(std::slice::from_ref(&id))?.pop() else {
                return Err(gone(s, &id)?);
            };
            let documents = s
                .documents_meta(&event.docs)?
                .into_iter()
                .map(DocumentInfo::from)
                .collect();
            let responds_to = s.events_by_id(&event.responds_to)?;
            let answering: Vec<String> = s
                .links_touching(std::slice::from_ref(&id))?
                .into_iter()
                .filter(|(_, target)| *target == id)
                .map(|(from, _)| from)
                .collect();
            let answered_by = s.events_by_id(&answering)?;
            Ok(EventDetail {
                event,
                documents,
                responds_to,
                answered_by,
            })
        })
        .await?;
    Ok(Json(detail).into_response())
}

#[derive(Serialize)]
struct Span {
    event: String,
    field: String,
    start: usize,
    end: usize,
}

#[derive(Serialize)]
struct StoredText {
    #[serde(flatten)]
    meta: DocumentInfo,
    content_hash: String,
    text: String,
}

/// `GET /api/documents/{id}`: the original text and every evidence span found in it.
pub async fn document(State(app): AppState, Path(id): Path<String>) -> Result<Response, ApiError> {
    check_id(&id)?;
    let body = app
        .read(move |s| {
            let Some(doc) = s.document(&id)? else {
                return Err(ApiError::not_found(format!("no document {id:?}")));
            };
            let events = s.events_by_id(&s.events_of_documents(std::slice::from_ref(&id))?)?;
            let mut spans: Vec<Span> = events
                .iter()
                .flat_map(|e| {
                    e.evidence.iter().filter(|v| v.doc == id).map(|v| Span {
                        event: e.id.clone(),
                        field: v.field.clone(),
                        start: v.start,
                        end: v.end,
                    })
                })
                .collect();
            spans.sort_by(|a, b| (a.start, a.end, &a.event).cmp(&(b.start, b.end, &b.event)));
            let content_hash = doc.meta.content_hash.clone();
            Ok(json!({
                "document": StoredText { meta: doc.meta.into(), content_hash, text: doc.text },
                "spans": spans,
            }))
        })
        .await?;
    Ok(Json(body).into_response())
}

/// Oldest first, unknown dates last, then id.
fn time_order(a: &Event, b: &Event) -> std::cmp::Ordering {
    let key = |e: &Event| (e.date.start.is_none(), e.date.start.clone(), e.id.clone());
    key(a).cmp(&key(b))
}

/// `GET /api/chains/{id}`: the events linked to this one by `responds_to`, either way and
/// transitively, in time order.
pub async fn chain(State(app): AppState, Path(id): Path<String>) -> Result<Response, ApiError> {
    check_id(&id)?;
    let body = app
        .read(move |s| {
            if s.events_by_id(std::slice::from_ref(&id))?.is_empty() {
                return Err(gone(s, &id)?);
            }
            let mut members: BTreeSet<String> = BTreeSet::from([id.clone()]);
            let mut links: BTreeSet<(String, String)> = BTreeSet::new();
            let mut frontier = vec![id.clone()];
            while !frontier.is_empty() && members.len() < MAX_CHAIN {
                let mut next = Vec::new();
                for (from, to) in s.links_touching(&frontier)? {
                    for end in [&from, &to] {
                        if members.len() < MAX_CHAIN && members.insert(end.clone()) {
                            next.push(end.clone());
                        }
                    }
                    links.insert((from, to));
                }
                frontier = next;
            }
            let mut events = s.events_by_id(&members.iter().cloned().collect::<Vec<_>>())?;
            events.sort_by(time_order);
            // a link to an event no longer stored has nothing to draw
            let stored: BTreeSet<&str> = events.iter().map(|e| e.id.as_str()).collect();
            let links: Vec<Value> = links
                .iter()
                .filter(|(f, t)| stored.contains(f.as_str()) && stored.contains(t.as_str()))
                .map(|(from, to)| json!({ "from": from, "to": to }))
                .collect();
            Ok(json!({ "events": events, "links": links, "truncated": members.len() >= MAX_CHAIN }))
        })
        .await?;
    Ok(Json(body).into_response())
}

/// `GET /api/stats`: counts of the filtered events by day, type, country and actor.
pub async fn stats(State(app): AppState, RawQuery(q): RawQuery) -> Result<Response, ApiError> {
    let filter = Params::parse(q.as_deref(), true, &[])?.filter()?;
    let stats = app.read(move |s| Ok(s.stats(&filter, STATS_TOP)?)).await?;
    let tallies = |name: &str, list: &[rasid_store::Tally]| -> Vec<Value> {
        list.iter()
            .map(|t| json!({ name: t.key, "count": t.count }))
            .collect()
    };
    Ok(Json(json!({
        "total": stats.total,
        "undated": stats.undated,
        "by_day": tallies("day", &stats.by_day),
        "by_type": stats.by_type,
        "by_country": tallies("country", &stats.by_country),
        "by_actor": tallies("actor", &stats.by_actor),
    }))
    .into_response())
}

/// `GET /api/search?q=`: documents with the query's words, folded (without diacritics,
/// hamza forms or tatweel) and with their clitics, in order; with where they occur.
pub async fn search(State(app): AppState, RawQuery(q): RawQuery) -> Result<Response, ApiError> {
    let params = Params::parse(q.as_deref(), false, &["q", "limit", "offset"])?;
    let text = params.get("q").unwrap_or("");
    if text.chars().count() > MAX_QUERY_CHARS {
        return Err(ApiError::bad_request(format!(
            "q: at most {MAX_QUERY_CHARS} characters"
        )));
    }
    let query = Query::parse(text)
        .filter(|q| q.letters() >= 3)
        .ok_or_else(|| ApiError::bad_request("q: give at least three letters to search for"))?;
    let limit = params.number("limit", 20, 1..=MAX_SEARCH_PAGE)?;
    let offset = params.number("offset", 0, 0..=MAX_OFFSET)?;
    let text = text.to_string();
    let body = app
        .read(move |s| {
            let page = s.search_documents(&query, limit, offset)?;
            let found: Vec<Value> = page
                .documents
                .into_iter()
                .map(|hit| {
                    let (first, first_end) = hit.matches.first().copied().unwrap_or((0, 0));
                    let from = first.saturating_sub(SNIPPET_CONTEXT);
                    let to = first_end + SNIPPET_CONTEXT;
                    // characters from..to, without copying the whole text into characters
                    let snippet: String = hit
                        .document
                        .text
                        .chars()
                        .skip(from)
                        .take(to - from)
                        .collect();
                    let matches: Vec<Value> = hit
                        .matches
                        .iter()
                        .take(MATCHES_PER_DOCUMENT)
                        .map(|(start, end)| json!({ "start": start, "end": end }))
                        .collect();
                    let meta = DocumentInfo::from(hit.document.meta);
                    json!({
                        "id": meta.id, "url": meta.url, "outlet": meta.outlet,
                        "published": meta.published, "matches": matches,
                        "snippet": { "text": snippet, "start": from },
                    })
                })
                .collect();
            Ok(json!({
                "query": text, "words": query.words(), "total": page.total,
                "total_exact": page.total_exact, "limit": limit, "offset": offset,
                "documents": found,
            }))
        })
        .await?;
    Ok(Json(body).into_response())
}

/// `GET /api/changes?since=`: the change log, a page at a time, for syncing copies.
pub async fn changes(State(app): AppState, RawQuery(q): RawQuery) -> Result<Response, ApiError> {
    let params = Params::parse(q.as_deref(), false, &["since", "after", "limit"])?;
    let since = match params.get("since") {
        Some(s) => rasid_store::time::parse_since(s)
            .map_err(|e| ApiError::bad_request(format!("since: {e}")))?,
        None => String::new(),
    };
    let after = params.number("after", 0, 0..=i64::MAX as u64)? as i64;
    let limit = params.number("limit", 1_000, 1..=MAX_CHANGES)?;
    let changes = app
        .read(move |s| Ok(s.changes_since(&since, after, Some(limit))?))
        .await?;
    // a full page may have more after it: the client asks again with after = next_after
    let next_after = (changes.len() as u64 == limit).then(|| changes.last().map(|c| c.seq));
    Ok(Json(json!({ "changes": changes, "next_after": next_after.flatten() })).into_response())
}

/// Whether the request carries the configured token.
fn authorised(app: &App, headers: &HeaderMap) -> Result<(), ApiError> {
    let Some(token) = &app.token else {
        return Err(ApiError::new(
            StatusCode::FORBIDDEN,
            "this server is read-only; start `rasid serve` with --token-file to accept documents",
        ));
    };
    let given = headers
        .get(header::AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.strip_prefix("Bearer "));
    match given {
        None => Err(ApiError::new(
            StatusCode::UNAUTHORIZED,
            "send the token as `Authorization: Bearer TOKEN`",
        )),
        Some(g) if !same_secret(g.trim().as_bytes(), token.as_bytes()) => Err(ApiError::new(
            StatusCode::UNAUTHORIZED,
            "the token is not the one this server was started with",
        )),
        Some(_) => Ok(()),
    }
}

/// Compares secrets in time independent of where they differ.
fn same_secret(a: &[u8], b: &[u8]) -> bool {
    a.len() == b.len() && a.iter().zip(b).fold(0u8, |acc, (x, y)| acc | (x ^ y)) == 0
}

/// One posted document: read as a JSON Lines record is, but strictly (a field the record
/// reader would ignore, or an unknown field, is an error).
fn posted_document(raw: &RawValue, at: usize) -> Result<Document, ApiError> {
    let bad = |what: String| ApiError::bad_request(format!("document {at}: {what}"));
    // one document's tree at a time, never the whole body's
    let value: Value = serde_json::from_str(raw.get()).map_err(|e| bad(e.to_string()))?;
    if let Some(name) = value.as_object().and_then(|o| {
        o.keys()
            .find(|k| !rasid_sources::DOCUMENT_FIELDS.contains(&k.as_str()))
    }) {
        return Err(bad(format!(
            "unknown field {name:?}; documents have {}",
            rasid_sources::DOCUMENT_FIELDS.join(", ")
        )));
    }
    let (doc, notes) = rasid_sources::document_from_json(value).map_err(bad)?;
    if let Some(note) = notes.into_iter().next() {
        return Err(bad(note.trim_end_matches("; ignored").to_string()));
    }
    if doc.text.trim().is_empty() {
        return Err(bad("\"text\" is empty".into()));
    }
    let max_text = rasid_sources::Limits::default().max_text_bytes;
    if doc.text.len() > max_text {
        return Err(bad(format!(
            "\"text\" is longer than {} MiB",
            max_text >> 20
        )));
    }
    if doc.id.chars().count() > MAX_ID_CHARS {
        return Err(bad(format!(
            "\"id\" has more than {MAX_ID_CHARS} characters"
        )));
    }
    Ok(doc)
}

/// `POST /api/documents`: stores and extracts documents (one JSON object or an array),
/// merging their events into the store. Needs the bearer token, checked before the body
/// is read.
pub async fn post_documents(
    State(app): AppState,
    request: axum::extract::Request,
) -> Result<Response, ApiError> {
    authorised(&app, request.headers())?;
    let body = axum::body::to_bytes(request.into_body(), crate::MAX_BODY)
        .await
        .map_err(|e| {
            ApiError::new(
                StatusCode::PAYLOAD_TOO_LARGE,
                format!(
                    "the body could not be read whole (at most {} MiB): {e}",
                    crate::MAX_BODY >> 20
                ),
            )
        })?;
    let summary = app
        .write(move |w| {
            // parsing and checking up to 64 MiB is blocking work too
            let (elements, skipped) = checked_body(&body)?;
            // each document is read again as ingest takes it, a batch at a time: memory
            // holds the body and a batch, not every document besides the body (all were
            // checked above: none fails now)
            let arabic = elements
                .iter()
                .enumerate()
                .filter_map(|(at, raw)| posted_document(raw, at).ok())
                .filter(|d| rasid_sources::is_arabic(&d.text));
            let summary = ingest(
                &mut w.store,
                &w.lexicons,
                arabic,
                &IngestOptions::default(),
                &mut |_| {},
            )?;
            Ok(json!({ "summary": summary, "skipped": skipped }))
        })
        .await
        // a token always comes with a writer
        .ok_or_else(|| ApiError::internal("the store was opened read-only"))??;
    Ok(Json(summary).into_response())
}

/// A posted body checked whole before anything is stored: its documents, each still the
/// JSON text it is in the body, and the ones that are not Arabic, as skipped. Each document
/// is parsed alone, so that memory holds the body and one document.
pub(crate) fn checked_body(body: &[u8]) -> Result<(Vec<&RawValue>, Vec<Value>), ApiError> {
    let elements = posted_elements(body)?;
    let mut ids = Vec::with_capacity(elements.len());
    let mut skipped = Vec::new();
    for (at, raw) in elements.iter().enumerate() {
        let doc = posted_document(raw, at)?;
        if !rasid_sources::is_arabic(&doc.text) {
            skipped.push(json!({ "id": doc.id, "reason": "not_arabic" }));
        }
        ids.push(doc.id);
    }
    let mut seen = BTreeSet::new();
    if let Some(id) = ids.iter().find(|id| !seen.insert(id.as_str())) {
        return Err(ApiError::bad_request(format!(
            "document id {id:?} is given more than once"
        )));
    }
    Ok((elements, skipped))
}

/// The documents of a body as JSON text: the elements of an array, or the body itself.
fn posted_elements(body: &[u8]) -> Result<Vec<&RawValue>, ApiError> {
    let not_json =
        |e: serde_json::Error| ApiError::bad_request(format!("the body is not valid JSON: {e}"));
    // the syntax of the whole body first, without building anything: an error anywhere
    // is reported as such, before any document's
    serde_json::from_slice::<IgnoredAny>(body).map_err(not_json)?;
    let (elements, count) = if body.iter().find(|b| !b.is_ascii_whitespace()) == Some(&b'[') {
        serde_json::Deserializer::from_slice(body)
            .deserialize_seq(Elements)
            .map_err(not_json)?
    } else {
        let whole: &RawValue = serde_json::from_slice(body).map_err(not_json)?;
        (vec![whole], 1)
    };
    if count == 0 || count > MAX_POSTED_DOCUMENTS {
        return Err(ApiError::bad_request(format!(
            "send 1 to {MAX_POSTED_DOCUMENTS} documents"
        )));
    }
    Ok(elements)
}

/// Reads an array as its elements' JSON text, keeping at most [`MAX_POSTED_DOCUMENTS`] of
/// them (the rest only counted, so that an array of millions of tiny values costs nothing).
struct Elements;

impl<'de> Visitor<'de> for Elements {
    type Value = (Vec<&'de RawValue>, usize);

    fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
        f.write_str("an array of documents")
    }

    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Self::Value, A::Error> {
        let mut elements = Vec::new();
        while elements.len() < MAX_POSTED_DOCUMENTS {
            match seq.next_element::<&RawValue>()? {
                Some(element) => elements.push(element),
                None => {
                    let count = elements.len();
                    return Ok((elements, count));
                }
            }
        }
        let mut count = elements.len();
        while seq.next_element::<IgnoredAny>()?.is_some() {
            count += 1;
        }
        Ok((elements, count))
    }
}

/// Anything else under `/api`.
pub async fn unknown_endpoint() -> ApiError {
    ApiError::not_found("no such endpoint; the API is described at /api/openapi.json")
}

/// `GET /api/openapi.json`.
pub async fn openapi() -> Response {
    ([(header::CONTENT_TYPE, "application/json")], crate::OPENAPI).into_response()
}
