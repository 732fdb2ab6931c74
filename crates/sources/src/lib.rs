//! `rasid-sources`: raw input files to rasid [`Document`]s.
//!
//! HTML pages, RSS 2.0 / Atom feeds and WARC archives (plain or `.warc.gz`, e.g. Common Crawl
//! News) become documents: decoded (see [`encoding`]), stripped to their main text (see
//! [`html`]), with title, publication day, outlet and url. The crate does no file I/O: its
//! functions take bytes (or, for archives, any [`Read`]) and a name; the caller reads files.
//!
//! Every function returns an [`Extracted`]: the documents, the items skipped with a reason
//! ([`SkipReason`]: not Arabic, empty, not an HTML page, a URL seen before in the same
//! input) and the problems met. Nothing
//! panics on bad input; a problem names where it is (`item 3`, `record 12`), and the other
//! items are still read.
//!
//! # Document ids
//!
//! - an HTML page: the `name` given (the file name, as for plain-text files);
//! - a feed item or a WARC record: [`url_id`] of its link / `WARC-Target-URI` —
//!   `url-` followed by the 16 hex digits of the 64-bit FNV-1a hash of the URL with surrounding
//!   spaces and any `#fragment` removed. The same URL always gives the same id, on every
//!   machine and version. An item without a link uses its guid / id the same way; without
//!   either, `NAME#N` (N the item's number from 1). A WARC record without a target URI uses its
//!   `WARC-Record-ID`.
//!
//! # Language
//!
//! A document whose letters are less than [`MIN_ARABIC_SHARE`] Arabic (see [`arabic_share`])
//! is skipped as [`SkipReason::NotArabic`]; one with no body after extraction as
//! [`SkipReason::Empty`] (a page with a title but no paragraphs is empty; a feed item with only
//! a title is not, as headlines carry events).

use std::collections::HashSet;
use std::fmt;
use std::io::Read;

pub use rasid_extraction::Document;
use rasid_text::Day;

pub mod date;
pub mod encoding;
pub mod feed;
pub mod html;
pub mod jsonl;
pub mod record;
pub mod warc;

pub use encoding::{decode, Decoded, EncodingSource, Markup};
pub use feed::{parse_feed, Feed, FeedItem};
pub use html::{extract_page, fragment_text, Page};
pub use record::{document_from_json, DOCUMENT_FIELDS};
pub use warc::{open_warc, parse_http_response, WarcItem, WarcReader, WarcRecord};

/// The first `max_chars` characters of `s`, with an ellipsis when more followed: input
/// quoted in an error message.
pub(crate) fn shorten(s: &str, max_chars: usize) -> String {
    match s.char_indices().nth(max_chars) {
        Some((at, _)) => format!("{}…", &s[..at]),
        None => s.to_string(),
    }
}

/// Least share of Arabic letters among all letters for a document to count as Arabic. Half:
/// Arabic news quotes English names and acronyms (CNN, ISIS, F-16), rarely as many letters as
/// the Arabic around them, while an English or French page has next to no Arabic letters.
pub const MIN_ARABIC_SHARE: f64 = 0.5;

/// The kinds of raw input this crate reads.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SourceKind {
    Html,
    Feed,
    Warc,
}

impl fmt::Display for SourceKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            SourceKind::Html => "HTML page",
            SourceKind::Feed => "feed",
            SourceKind::Warc => "WARC archive",
        })
    }
}

/// The kind a file name says: `.html`, `.htm`, `.xhtml`, `.shtml`; `.xml`, `.rss`, `.atom`;
/// `.warc`, `.warc.gz` (case-insensitive).
pub fn kind_from_name(name: &str) -> Option<SourceKind> {
    let lower = name.to_ascii_lowercase();
    if lower.ends_with(".warc") || lower.ends_with(".warc.gz") {
        return Some(SourceKind::Warc);
    }
    let extension = lower.rsplit_once('.')?.1;
    match extension {
        "html" | "htm" | "xhtml" | "shtml" => Some(SourceKind::Html),
        "xml" | "rss" | "atom" => Some(SourceKind::Feed),
        _ => None,
    }
}

/// The kind the first bytes of a file show (a UTF-8/UTF-16 BOM and leading whitespace
/// skipped): `WARC/`, the gzip magic (a compressed archive: only WARC is read compressed),
/// `<rss`, `<feed`, `<rdf:RDF` (after an XML declaration and comments), `<!DOCTYPE html`,
/// `<html` and other HTML start tags.
pub fn sniff(head: &[u8]) -> Option<SourceKind> {
    if head.starts_with(&[0x1F, 0x8B]) {
        return Some(SourceKind::Warc);
    }
    let text = sniff_text(head);
    let text = text.trim_start();
    if text.starts_with("WARC/") {
        return Some(SourceKind::Warc);
    }
    if !text.starts_with('<') {
        return None;
    }
    let mut end = text.len().min(4096);
    while !text.is_char_boundary(end) {
        end -= 1;
    }
    let lower = text[..end].to_ascii_lowercase();
    // the first element after declarations, comments and the doctype
    let mut rest = lower.as_str();
    loop {
        rest = rest.trim_start();
        if rest.starts_with("<?") {
            rest = rest.split_once("?>").map_or("", |(_, r)| r);
        } else if rest.starts_with("<!--") {
            rest = rest.split_once("-->").map_or("", |(_, r)| r);
        } else if rest.starts_with("<!doctype") {
            if rest.starts_with("<!doctype html") {
                return Some(SourceKind::Html);
            }
            rest = rest.split_once('>').map_or("", |(_, r)| r);
        } else {
            break;
        }
    }
    let tag: String = rest
        .strip_prefix('<')?
        .chars()
        .take_while(|c| c.is_ascii_alphanumeric() || *c == ':' || *c == '-')
        .collect();
    match tag.as_str() {
        "rss" | "feed" | "rdf:rdf" => Some(SourceKind::Feed),
        "html" | "head" | "body" | "meta" | "title" | "div" | "p" | "article" | "link"
        | "script" | "style" | "base" | "main" | "section" | "header" | "table" | "h1" => {
            Some(SourceKind::Html)
        }
        _ => None,
    }
}

/// The start of a file as text for sniffing (UTF-16 reduced to its ASCII).
fn sniff_text(head: &[u8]) -> String {
    let head = &head[..head.len().min(8192)];
    if head.starts_with(&[0xFF, 0xFE]) || head.starts_with(&[0xFE, 0xFF]) {
        let body = &head[2..];
        let (pick, _) = if head[0] == 0xFF { (0, 1) } else { (1, 0) };
        return body
            .chunks(2)
            .filter_map(|c| c.get(pick).copied())
            .filter(|&b| b != 0)
            .map(char::from)
            .collect();
    }
    let head = head.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(head);
    String::from_utf8_lossy(head).into_owned()
}

/// Limits on what one input may produce.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Limits {
    /// Largest document text, in bytes.
    pub max_text_bytes: usize,
    /// Largest WARC record block or decompressed HTTP payload, in bytes.
    pub max_record_bytes: usize,
}

impl Default for Limits {
    fn default() -> Self {
        Limits {
            max_text_bytes: 8 << 20,
            max_record_bytes: 32 << 20,
        }
    }
}

/// Why an item gave no document (not an error).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum SkipReason {
    /// Less than [`MIN_ARABIC_SHARE`] of its letters are Arabic.
    NotArabic,
    /// No text after extraction.
    Empty,
    /// A WARC response that is not an HTML page (another content type, or a status other
    /// than 2xx: redirects, errors).
    NotHtml,
    /// A feed item or WARC record whose id (its URL) was already given by an earlier one.
    Duplicate,
}

impl SkipReason {
    pub fn as_str(self) -> &'static str {
        match self {
            SkipReason::NotArabic => "not Arabic",
            SkipReason::Empty => "empty",
            SkipReason::NotHtml => "not an HTML page",
            SkipReason::Duplicate => "duplicate URL",
        }
    }
}

impl fmt::Display for SkipReason {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// An item that gave no document.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Skipped {
    /// The id the document would have had.
    pub id: String,
    pub reason: SkipReason,
}

/// Something wrong with an input or one of its items.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Problem {
    /// Where in the input (`item 3`, `record 12 (https://…)`), `None` for the whole input.
    pub at: Option<String>,
    pub message: String,
    /// `true` when the item or input could not be read (or only partly); `false` for a
    /// notice about something read anyway (a replaced invalid byte, an undeclared encoding
    /// that had to be guessed after a wrong declaration).
    pub fatal: bool,
}

/// What one input gave.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Extracted {
    pub documents: Vec<Document>,
    pub skipped: Vec<Skipped>,
    pub problems: Vec<Problem>,
}

impl Extracted {
    fn problem(&mut self, at: Option<String>, message: impl Into<String>) {
        self.problems.push(Problem {
            at,
            message: message.into(),
            fatal: true,
        });
    }

    fn notice(&mut self, at: Option<String>, message: impl Into<String>) {
        self.problems.push(Problem {
            at,
            message: message.into(),
            fatal: false,
        });
    }

    /// Notes what decoding did that the user should know.
    fn decoding_notices(&mut self, at: &Option<String>, decoded: &Decoded) {
        if let Some(note) = &decoded.note {
            self.notice(at.clone(), note.clone());
        }
        if decoded.replaced > 0 {
            self.notice(
                at.clone(),
                format!(
                    "{} invalid byte sequence{} for {} replaced by U+FFFD",
                    decoded.replaced,
                    if decoded.replaced == 1 { "" } else { "s" },
                    decoded.encoding.name()
                ),
            );
        }
    }

    /// Keeps a document, or records why not: too large, not Arabic, empty, or (when `seen` is
    /// given) an id already seen.
    fn accept(
        &mut self,
        doc: Document,
        at: Option<String>,
        limits: &Limits,
        seen: Option<&mut HashSet<String>>,
    ) {
        if let Some(seen) = seen {
            if !seen.insert(doc.id.clone()) {
                return self.skipped.push(Skipped {
                    id: doc.id,
                    reason: SkipReason::Duplicate,
                });
            }
        }
        if doc.text.trim().is_empty() {
            return self.skipped.push(Skipped {
                id: doc.id,
                reason: SkipReason::Empty,
            });
        }
        if doc.text.len() > limits.max_text_bytes {
            let message = format!(
                "document too large ({} bytes of text > {})",
                doc.text.len(),
                limits.max_text_bytes
            );
            return self.problem(at, message);
        }
        if !is_arabic(&doc.text) {
            return self.skipped.push(Skipped {
                id: doc.id,
                reason: SkipReason::NotArabic,
            });
        }
        self.documents.push(doc);
    }
}

/// Reads an input of the kind its name or first bytes show; an error when neither does.
pub fn read_source(
    bytes: &[u8],
    name: &str,
    content_type: Option<&str>,
    limits: &Limits,
) -> Extracted {
    match kind_from_name(name).or_else(|| sniff(bytes)) {
        Some(SourceKind::Html) => read_html(bytes, name, content_type, limits),
        Some(SourceKind::Feed) => read_feed(bytes, name, limits),
        Some(SourceKind::Warc) => read_warc(bytes, name, limits),
        None => {
            let mut out = Extracted::default();
            out.problem(None, "not an HTML page, a feed or a WARC archive");
            out
        }
    }
}

/// One HTML page: one document whose id is `name`; `content_type` is the HTTP
/// `Content-Type`, when known.
pub fn read_html(
    bytes: &[u8],
    name: &str,
    content_type: Option<&str>,
    limits: &Limits,
) -> Extracted {
    let mut out = Extracted::default();
    if looks_binary(bytes) {
        out.problem(None, "binary data, not an HTML page");
        return out;
    }
    let decoded = decode(bytes, content_type, Markup::Html);
    out.decoding_notices(&None, &decoded);
    let page = extract_page(&decoded.text);
    if let Some(at) = page.cut_at {
        out.notice(None, nesting_notice(at));
    }
    let doc = page_document(&page, name.to_string(), page.url.clone(), None);
    out.accept(doc, None, limits, None);
    out
}

/// The document of an extracted page: empty when the page has no body.
fn page_document(
    page: &Page,
    id: String,
    url: Option<String>,
    fallback_day: Option<Day>,
) -> Document {
    let text = if page.paragraphs.is_empty() {
        String::new()
    } else {
        page.text()
    };
    let outlet = page
        .outlet
        .clone()
        .or_else(|| url.as_deref().and_then(host));
    Document {
        id,
        text,
        url,
        outlet,
        published: page.published,
    }
    .or_published(fallback_day)
}

/// A feed file: one document per item.
pub fn read_feed(bytes: &[u8], name: &str, limits: &Limits) -> Extracted {
    let mut out = Extracted::default();
    if looks_binary(bytes) {
        out.problem(None, "binary data, not a feed");
        return out;
    }
    let decoded = decode(bytes, None, Markup::Xml);
    out.decoding_notices(&None, &decoded);
    let (feed, error) = parse_feed(&decoded.text);
    let mut seen = HashSet::new();
    for (i, item) in feed.items.iter().enumerate() {
        let id = item
            .link
            .as_deref()
            .or(item.guid.as_deref())
            .map(url_id)
            .unwrap_or_else(|| format!("{name}#{}", i + 1));
        let url = item.link.clone();
        let doc = Document {
            id,
            text: item.text(),
            outlet: feed.title.clone().or_else(|| url.as_deref().and_then(host)),
            url,
            published: item.published,
        };
        out.accept(
            doc,
            Some(format!("item {}", i + 1)),
            limits,
            Some(&mut seen),
        );
    }
    match error {
        Some(e) => {
            let message = if feed.items.is_empty() {
                e.message
            } else {
                format!("{} (after {} items)", e.message, feed.items.len())
            };
            out.problem(None, message);
        }
        None if feed.items.is_empty() => out.problem(None, "no items in this feed"),
        None => {}
    }
    out
}

/// A WARC archive, plain or gzip: `response` records with an HTML payload become documents
/// (see the crate documentation for their ids); other records are passed over. The whole
/// archive's documents at once: [`warc_documents`] gives them a record at a time.
pub fn read_warc<R: Read>(input: R, name: &str, limits: &Limits) -> Extracted {
    let mut out = Extracted::default();
    for record in warc_documents(input, name, limits) {
        out.documents.extend(record.documents);
        out.skipped.extend(record.skipped);
        out.problems.extend(record.problems);
    }
    out
}

/// The documents of a WARC archive (as [`read_warc`]) one record at a time: each item is what
/// one record gave, so that a caller storing documents as they come holds one record's, not
/// the archive's.
pub fn warc_documents<'a, R: Read + 'a>(
    input: R,
    name: &str,
    limits: &Limits,
) -> WarcDocuments<'a> {
    WarcDocuments {
        records: open_warc(input, limits.max_record_bytes),
        name: name.to_string(),
        limits: *limits,
        seen: HashSet::new(),
        count: 0,
        ended: false,
    }
}

/// See [`warc_documents`]. After the last record, an archive that had none gives one more
/// item: the problem saying so.
pub struct WarcDocuments<'a> {
    records: WarcReader<Box<dyn std::io::BufRead + 'a>>,
    name: String,
    limits: Limits,
    /// Ids given by the records before: a URL fetched twice is skipped the second time.
    seen: HashSet<String>,
    /// Records read so far.
    count: usize,
    ended: bool,
}

impl Iterator for WarcDocuments<'_> {
    type Item = Extracted;

    fn next(&mut self) -> Option<Extracted> {
        if self.ended {
            return None;
        }
        let mut out = Extracted::default();
        match self.records.next() {
            Some(item) => {
                self.count += 1;
                self.record(item, &mut out);
            }
            None => {
                self.ended = true;
                if self.count > 0 {
                    return None;
                }
                out.problem(None, "no records: an empty WARC file");
            }
        }
        Some(out)
    }
}

impl WarcDocuments<'_> {
    /// What one record gives (after an error the reader yields nothing more).
    fn record(&mut self, item: Result<WarcItem, warc::WarcError>, out: &mut Extracted) {
        let limits = &self.limits;
        let record = match item {
            Ok(WarcItem::Record(record)) => record,
            Ok(WarcItem::TooLarge { headers, length }) => {
                let uri = headers
                    .iter()
                    .find(|(n, _)| n.eq_ignore_ascii_case("WARC-Target-URI"))
                    .map(|(_, v)| v.clone())
                    .unwrap_or_default();
                out.problem(
                    Some(record_label(self.count, &uri)),
                    format!(
                        "record too large ({length} bytes > {})",
                        limits.max_record_bytes
                    ),
                );
                return;
            }
            Err(e) => {
                out.problem(
                    Some(format!("record {} (byte {})", e.record, e.offset)),
                    e.message,
                );
                return;
            }
        };
        if record.record_type().as_deref() != Some("response") {
            return;
        }
        let uri = record.target_uri().map(str::to_string);
        let at = Some(record_label(self.count, uri.as_deref().unwrap_or("")));
        let id = match (&uri, record.header("WARC-Record-ID")) {
            (Some(u), _) => url_id(u),
            (None, Some(rid)) => rid.trim().to_string(),
            (None, None) => format!("{}#{}", self.name, self.count),
        };
        let is_http = record
            .header("Content-Type")
            .is_none_or(|t| t.to_ascii_lowercase().contains("application/http"));
        if !is_http {
            return out.skipped.push(Skipped {
                id,
                reason: SkipReason::NotHtml,
            });
        }
        let response = match parse_http_response(&record.block, limits.max_record_bytes) {
            Ok(r) => r,
            Err(message) => return out.problem(at, message),
        };
        let content_type = response.header("Content-Type").map(str::to_string);
        let html = match content_type.as_deref() {
            Some(t) => {
                let t = t.to_ascii_lowercase();
                t.contains("text/html") || t.contains("application/xhtml")
            }
            None => sniff(&response.body) == Some(SourceKind::Html),
        };
        if !(200..300).contains(&response.status) || !html || looks_binary(&response.body) {
            return out.skipped.push(Skipped {
                id,
                reason: SkipReason::NotHtml,
            });
        }
        let decoded = decode(&response.body, content_type.as_deref(), Markup::Html);
        out.decoding_notices(&at, &decoded);
        let page = extract_page(&decoded.text);
        if let Some(cut) = page.cut_at {
            out.notice(at.clone(), nesting_notice(cut));
        }
        let warc_day = record.header("WARC-Date").and_then(date::parse_published);
        let doc = page_document(&page, id, uri.or(page.url.clone()), warc_day);
        out.accept(doc, at, limits, Some(&mut self.seen));
    }
}

fn nesting_notice(at: usize) -> String {
    format!(
        "elements nested more than {} deep; the page was read up to character {at}",
        html::MAX_NESTING
    )
}

fn record_label(n: usize, uri: &str) -> String {
    if uri.is_empty() {
        format!("record {n}")
    } else {
        format!("record {n} ({uri})")
    }
}

/// Whether bytes are binary data rather than text of some encoding: NUL bytes near the start
/// (UTF-16 with a BOM excepted).
fn looks_binary(bytes: &[u8]) -> bool {
    if bytes.starts_with(&[0xFF, 0xFE]) || bytes.starts_with(&[0xFE, 0xFF]) {
        return false;
    }
    bytes[..bytes.len().min(8192)].contains(&0)
}

/// The id of a document from its URL (see the crate documentation).
pub fn url_id(url: &str) -> String {
    let url = url.trim();
    let url = url.split_once('#').map_or(url, |(u, _)| u);
    format!("url-{:016x}", rasid_text::hash::fnv1a(url.as_bytes()))
}

/// The host of an absolute http(s) URL, without `www.`.
pub fn host(url: &str) -> Option<String> {
    let rest = url
        .trim()
        .strip_prefix("https://")
        .or_else(|| url.trim().strip_prefix("http://"))?;
    let host = rest.split(['/', '?', '#']).next()?;
    let host = host.rsplit('@').next()?;
    let host = host.split(':').next()?;
    let host = host.strip_prefix("www.").unwrap_or(host);
    (!host.is_empty()).then(|| host.to_ascii_lowercase())
}

fn is_arabic_letter(c: char) -> bool {
    matches!(c,
        '\u{0600}'..='\u{06FF}'
        | '\u{0750}'..='\u{077F}'
        | '\u{08A0}'..='\u{08FF}'
        | '\u{FB50}'..='\u{FDFF}'
        | '\u{FE70}'..='\u{FEFF}')
        && c.is_alphabetic()
}

/// The share of Arabic letters among the letters of `text` (`None` when it has no letters).
pub fn arabic_share(text: &str) -> Option<f64> {
    let (mut arabic, mut letters) = (0usize, 0usize);
    for c in text.chars().filter(|c| c.is_alphabetic()) {
        letters += 1;
        if is_arabic_letter(c) {
            arabic += 1;
        }
    }
    (letters > 0).then(|| arabic as f64 / letters as f64)
}

/// Whether `text` counts as Arabic: at least [`MIN_ARABIC_SHARE`] of its letters are.
pub fn is_arabic(text: &str) -> bool {
    arabic_share(text).is_some_and(|share| share >= MIN_ARABIC_SHARE)
}

#[cfg(test)]
mod tests;
