//! Reading the documents named on the command line (see `shared/eval/EVENTS.md`): JSON Lines
//! files of documents, plain-text files (one document each, its id the file name), HTML pages,
//! RSS / Atom feeds and WARC archives (through `rasid-sources`), and folders of them, followed
//! all the way down in name order. In folders, hidden entries are skipped and only `.txt`,
//! `.text`, `.jsonl`, `.json`, `.ndjson`, `.html`, `.htm`, `.xhtml`, `.shtml`, `.xml`, `.rss`,
//! `.atom`, `.warc`, `.warc.gz` and extension-less files are read.
//!
//! The kind of a file comes from its extension; where the extension says nothing (none, or
//! one not listed, or standard input) from its first bytes: `WARC/` or the gzip magic is an
//! archive, `<rss`, `<feed`, `<rdf:RDF` a feed, `<!DOCTYPE html` / `<html` a page, `{` JSON
//! Lines, anything else plain text.
//!
//! An HTML page is one document whose id is the file name; a feed gives one per item and an
//! archive one per HTML response, with ids derived from their URLs (see `rasid-sources`).
//! Items that give no document for a reason that is not an error — not Arabic, empty after
//! extraction, a WARC response that is not an HTML page, a URL already read — are counted in
//! [`Inputs::skipped`], not reported as problems.
//!
//! Bad input never panics and never stops the other documents: each problem becomes an
//! [`InputError`] naming the file (and line), and reading goes on with the next document.
//! JSON Lines files are read line by line with a bounded buffer ([`rasid_sources::jsonl`]), so
//! a multi-gigabyte file is never held in memory at once and an oversized line is skipped
//! without being stored.

use std::collections::HashMap;
use std::ffi::OsString;
use std::fmt;
use std::fs::{self, File};
use std::io::{self, BufRead, BufReader, Read};
use std::path::{Path, PathBuf};

use rasid_extraction::Document;
use rasid_sources::jsonl::{megabytes, not_utf8, parse_record, read_line_capped, too_large};
use rasid_sources::{Extracted, SourceKind};
use rasid_text::Day;

pub use rasid_sources::SkipReason;

/// Largest document text accepted, in bytes.
const MAX_TEXT_BYTES: usize = 8 << 20;
/// Largest JSON Lines line kept in memory: JSON escapes can make a line about three times
/// longer than its text, and the other fields need a little room.
const MAX_LINE_BYTES: usize = 3 * MAX_TEXT_BYTES + (1 << 20);
/// Problems reported for one file before the rest are only counted.
const MAX_ERRORS_PER_FILE: usize = 100;
/// How deep nested folders are followed (a guard against symbolic-link loops).
const MAX_DEPTH: usize = 32;
/// How much of a file's start is checked for NUL bytes.
const SNIFF_BYTES: usize = 8 << 10;

/// A problem with one input: a file, a folder or one line of a JSON Lines file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct InputError {
    /// The path as given (or as found in a folder), plus `:LINE` for a JSON Lines line.
    pub input: String,
    pub message: String,
}

impl fmt::Display for InputError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "rasid: {}: {}", self.input, self.message)
    }
}

impl std::error::Error for InputError {}

/// An item of an input that gave no document, and why (not an error).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SkippedItem {
    /// The path as given (or as found in a folder), plus `: item N` / `: record N (URL)`.
    pub input: String,
    /// The id the document would have had.
    pub id: String,
    pub reason: SkipReason,
}

/// Everything read from the inputs.
#[derive(Debug, Default)]
pub struct Inputs {
    pub documents: Vec<Document>,
    /// Inputs, lines, items or records that could not be read (or only partly).
    pub problems: Vec<InputError>,
    /// Notices about inputs read anyway: invalid bytes replaced by U+FFFD, an encoding
    /// declaration the bytes contradict, a page cut for nesting too deep.
    pub warnings: Vec<InputError>,
    /// Items that gave no document, in input order.
    pub skipped: Vec<SkippedItem>,
}

impl Inputs {
    /// How many items were skipped for each reason, in the order of [`SkipReason`].
    pub fn skipped_counts(&self) -> Vec<(SkipReason, usize)> {
        let mut counts: Vec<(SkipReason, usize)> = Vec::new();
        for item in &self.skipped {
            match counts.iter_mut().find(|(r, _)| *r == item.reason) {
                Some((_, n)) => *n += 1,
                None => counts.push((item.reason, 1)),
            }
        }
        counts.sort();
        counts
    }

    /// The lines to show on standard error besides the problems: one per warning, then one
    /// line with the skipped counts when items were skipped (empty when there is nothing).
    pub fn notices(&self) -> String {
        let mut out = String::new();
        for w in &self.warnings {
            out.push_str(&format!("rasid: {}: warning: {}\n", w.input, w.message));
        }
        let counts = self.skipped_counts();
        if !counts.is_empty() {
            let parts: Vec<String> = counts.iter().map(|(r, n)| format!("{n} {r}")).collect();
            out.push_str(&format!(
                "rasid: {} items skipped ({})\n",
                self.skipped.len(),
                parts.join(", ")
            ));
        }
        out
    }
}

/// Reads every document from `paths` (files, folders, or `-` for standard input) in order.
///
/// `default_published` is given to documents that carry no valid publication day. Documents
/// with problems are reported in [`Inputs::problems`] and left out (or, for a bad
/// `published`, kept without it); a later document whose id was already seen is reported and
/// skipped, except that a feed item or archive record whose URL was already read is counted
/// as skipped (the same article fetched twice is not an input problem).
pub fn read_all(paths: &[PathBuf], default_published: Option<Day>) -> Inputs {
    read_all_with_limits(paths, default_published, Limits::DEFAULT)
}

/// [`read_all`] without the warnings and skipped items, for the tests.
#[cfg(test)]
fn read_inputs(
    paths: &[PathBuf],
    default_published: Option<Day>,
) -> (Vec<Document>, Vec<InputError>) {
    let inputs = read_all(paths, default_published);
    (inputs.documents, inputs.problems)
}

#[derive(Debug, Clone, Copy)]
struct Limits {
    /// Largest document text, in bytes.
    text: usize,
    /// Largest JSON Lines line, in bytes.
    line: usize,
}

impl Limits {
    const DEFAULT: Limits = Limits {
        text: MAX_TEXT_BYTES,
        line: MAX_LINE_BYTES,
    };

    /// Largest HTML or feed file, and largest WARC record: markup takes room, so four times
    /// the largest text.
    fn markup(&self) -> usize {
        self.text.saturating_mul(4)
    }

    fn sources(&self) -> rasid_sources::Limits {
        rasid_sources::Limits {
            max_text_bytes: self.text,
            max_record_bytes: self.markup(),
        }
    }
}

#[cfg(test)]
fn read_with_limits(
    paths: &[PathBuf],
    default_published: Option<Day>,
    limits: Limits,
) -> (Vec<Document>, Vec<InputError>) {
    let inputs = read_all_with_limits(paths, default_published, limits);
    (inputs.documents, inputs.problems)
}

fn read_all_with_limits(
    paths: &[PathBuf],
    default_published: Option<Day>,
    limits: Limits,
) -> Inputs {
    let mut reader = Reader {
        limits,
        default_published,
        docs: Vec::new(),
        errors: Vec::new(),
        warnings: Vec::new(),
        skipped: Vec::new(),
        seen: HashMap::new(),
    };
    for path in paths {
        reader.path(path);
    }
    Inputs {
        documents: reader.docs,
        problems: reader.errors,
        warnings: reader.warnings,
        skipped: reader.skipped,
    }
}

/// How a file's content is read.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Kind {
    JsonLines,
    Text,
}

struct Reader {
    limits: Limits,
    default_published: Option<Day>,
    docs: Vec<Document>,
    errors: Vec<InputError>,
    warnings: Vec<InputError>,
    skipped: Vec<SkippedItem>,
    /// Where each document id was first seen.
    seen: HashMap<String, String>,
}

/// Counts the problems of one file so that a broken file cannot flood the report.
struct FileErrors {
    label: String,
    reported: usize,
    suppressed: usize,
}

impl FileErrors {
    fn new(label: &str) -> Self {
        FileErrors {
            label: label.to_string(),
            reported: 0,
            suppressed: 0,
        }
    }

    fn report(&mut self, errors: &mut Vec<InputError>, input: String, message: String) {
        if self.reported < MAX_ERRORS_PER_FILE {
            self.reported += 1;
            errors.push(InputError { input, message });
        } else {
            self.suppressed += 1;
        }
    }

    fn finish(self, errors: &mut Vec<InputError>) {
        if self.suppressed > 0 {
            errors.push(InputError {
                input: self.label,
                message: format!("{} more problems in this file not shown", self.suppressed),
            });
        }
    }
}

impl Reader {
    fn error(&mut self, input: impl Into<String>, message: impl Into<String>) {
        self.errors.push(InputError {
            input: input.into(),
            message: message.into(),
        });
    }

    fn path(&mut self, path: &Path) {
        if path.as_os_str() == "-" {
            let stdin = io::stdin();
            self.stream(stdin.lock(), "-", "stdin", None, None);
            return;
        }
        let label = path.display().to_string();
        match fs::metadata(path) {
            Err(e) => self.error(label, describe_io(&e)),
            Ok(meta) if meta.is_dir() => {
                if self.folder(path, 0) == 0 {
                    self.error(label, "no documents in this folder");
                }
            }
            Ok(meta) => self.file(path, Some(meta.len())),
        }
    }

    /// Reads the files of a folder and its sub-folders in name order; returns how many files
    /// it found.
    fn folder(&mut self, dir: &Path, depth: usize) -> usize {
        let label = dir.display().to_string();
        let entries = match fs::read_dir(dir) {
            Ok(entries) => entries,
            Err(e) => {
                self.error(label, describe_io(&e));
                return 0;
            }
        };
        let mut names: Vec<OsString> = Vec::new();
        for entry in entries {
            match entry {
                Ok(entry) => {
                    let name = entry.file_name();
                    if !name.to_string_lossy().starts_with('.') {
                        names.push(name);
                    }
                }
                Err(e) => self.error(label.clone(), describe_io(&e)),
            }
        }
        names.sort();
        let mut files = 0;
        for name in names {
            let path = dir.join(&name);
            match fs::metadata(&path) {
                Err(e) => self.error(path.display().to_string(), describe_io(&e)),
                Ok(meta) if meta.is_dir() => {
                    if depth + 1 >= MAX_DEPTH {
                        self.error(path.display().to_string(), "folders nested too deeply");
                    } else {
                        files += self.folder(&path, depth + 1);
                    }
                }
                Ok(meta) if meta.is_file() && is_document_name(&path) => {
                    files += 1;
                    self.file(&path, Some(meta.len()));
                }
                // other files (README.md, images), sockets, pipes and devices found in a
                // folder are not documents
                Ok(_) => {}
            }
        }
        files
    }

    fn file(&mut self, path: &Path, size: Option<u64>) {
        let label = path.display().to_string();
        let name = path
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_else(|| label.clone());
        let extension = path
            .extension()
            .map(|e| e.to_string_lossy().to_ascii_lowercase());
        match File::open(path) {
            Ok(file) => self.stream(
                BufReader::with_capacity(64 << 10, file),
                &label,
                &name,
                extension.as_deref(),
                size,
            ),
            Err(e) => self.error(label, describe_io(&e)),
        }
    }

    /// Reads one input, deciding from its extension and first bytes how.
    fn stream<R: BufRead>(
        &mut self,
        mut reader: R,
        label: &str,
        name: &str,
        extension: Option<&str>,
        size: Option<u64>,
    ) {
        let head = match reader.fill_buf() {
            Ok(head) => head,
            Err(e) => return self.error(label, describe_io(&e)),
        };
        let source = match extension {
            Some("jsonl" | "json" | "ndjson" | "txt" | "text") => None,
            _ => rasid_sources::kind_from_name(name).or_else(|| rasid_sources::sniff(head)),
        };
        if let Some(kind) = source {
            return self.source(reader, label, name, kind, size);
        }
        if head.starts_with(&[0xFF, 0xFE]) || head.starts_with(&[0xFE, 0xFF]) {
            return self.error(
                label,
                "not UTF-8: the file is UTF-16; convert it first, e.g. `iconv -f UTF-16 -t UTF-8`",
            );
        }
        let mut size = size;
        if head.starts_with(b"\xEF\xBB\xBF") {
            reader.consume(3);
            size = size.map(|s| s.saturating_sub(3));
        }
        let head = match reader.fill_buf() {
            Ok(head) => head,
            Err(e) => return self.error(label, describe_io(&e)),
        };
        if head[..head.len().min(SNIFF_BYTES)].contains(&0) {
            return self.error(label, "binary file");
        }
        let first = head.iter().find(|b| !b.is_ascii_whitespace()).copied();
        let kind = match extension {
            Some("jsonl" | "json" | "ndjson") => Kind::JsonLines,
            _ if first == Some(b'{') => Kind::JsonLines,
            _ => Kind::Text,
        };
        if kind == Kind::JsonLines && first == Some(b'[') {
            return self.error(
                label,
                "a JSON array, not JSON Lines: write one document object per line",
            );
        }
        match kind {
            Kind::JsonLines => self.json_lines(reader, label),
            Kind::Text => self.text_file(reader, label, name, size),
        }
    }

    /// An HTML page, a feed or a WARC archive, read by `rasid-sources`.
    fn source<R: BufRead>(
        &mut self,
        mut reader: R,
        label: &str,
        name: &str,
        kind: SourceKind,
        size: Option<u64>,
    ) {
        let limits = self.limits.sources();
        let extracted = match kind {
            // archives are read record by record, never whole
            SourceKind::Warc => rasid_sources::read_warc(reader, name, &limits),
            SourceKind::Html | SourceKind::Feed => {
                let cap = self.limits.markup();
                if let Some(size) = size.filter(|&s| s > cap as u64) {
                    return self.error(label, file_too_large(kind, size, cap));
                }
                let mut bytes = Vec::new();
                if let Err(e) = (&mut reader).take(cap as u64 + 1).read_to_end(&mut bytes) {
                    return self.error(label, describe_io(&e));
                }
                if bytes.len() > cap {
                    let rest = io::copy(&mut reader, &mut io::sink()).unwrap_or(0);
                    return self.error(label, file_too_large(kind, bytes.len() as u64 + rest, cap));
                }
                if kind == SourceKind::Html {
                    rasid_sources::read_html(&bytes, name, None, &limits)
                } else {
                    rasid_sources::read_feed(&bytes, name, &limits)
                }
            }
        };
        self.take_extracted(extracted, label, kind);
    }

    /// Keeps the documents of a source and sorts its problems and skipped items.
    fn take_extracted(&mut self, extracted: Extracted, label: &str, kind: SourceKind) {
        let mut problems = FileErrors::new(label);
        let at = |place: &Option<String>| match place {
            Some(place) => format!("{label}: {place}"),
            None => label.to_string(),
        };
        for p in extracted.problems {
            let input = at(&p.at);
            if p.fatal {
                problems.report(&mut self.errors, input, p.message);
            } else if self.warnings.len() < 10 * MAX_ERRORS_PER_FILE {
                self.warnings.push(InputError {
                    input,
                    message: p.message,
                });
            }
        }
        for s in extracted.skipped {
            self.skipped.push(SkippedItem {
                input: label.to_string(),
                id: s.id,
                reason: s.reason,
            });
        }
        for doc in extracted.documents {
            let doc = Document {
                published: doc.published.or(self.default_published),
                ..doc
            };
            // ids made from URLs: the same URL read again is the same article
            if kind != SourceKind::Html && self.seen.contains_key(&doc.id) {
                self.skipped.push(SkippedItem {
                    input: label.to_string(),
                    id: doc.id,
                    reason: SkipReason::Duplicate,
                });
                continue;
            }
            if let Err(message) = self.accept(doc, label) {
                problems.report(&mut self.errors, label.to_string(), message);
            }
        }
        problems.finish(&mut self.errors);
    }

    /// A plain-text file: one document whose id is the file name.
    fn text_file<R: BufRead>(&mut self, mut reader: R, label: &str, name: &str, size: Option<u64>) {
        let limit = self.limits.text;
        if let Some(size) = size.filter(|&s| s > limit as u64) {
            return self.error(label, too_large(size, limit));
        }
        let mut bytes = Vec::new();
        if let Err(e) = (&mut reader).take(limit as u64 + 1).read_to_end(&mut bytes) {
            return self.error(label, describe_io(&e));
        }
        if bytes.len() > limit {
            // the file grew, or is a stream: count the rest without keeping it
            let rest = io::copy(&mut reader, &mut io::sink()).unwrap_or(0);
            return self.error(label, too_large(bytes.len() as u64 + rest, limit));
        }
        if bytes.contains(&0) {
            return self.error(label, "binary file");
        }
        let text = match String::from_utf8(bytes) {
            Ok(text) => text,
            Err(e) => {
                let at = e.utf8_error().valid_up_to();
                return self.error(label, not_utf8(e.as_bytes(), at));
            }
        };
        let doc = Document {
            id: name.to_string(),
            text,
            url: None,
            outlet: None,
            published: self.default_published,
        };
        if let Err(message) = self.accept(doc, label) {
            self.error(label, message);
        }
    }

    /// A JSON Lines file: one document object per line, blank lines skipped.
    fn json_lines<R: BufRead>(&mut self, mut reader: R, label: &str) {
        let mut problems = FileErrors::new(label);
        let mut buf = Vec::new();
        let mut line_no = 0usize;
        let mut records = 0usize;
        loop {
            line_no += 1;
            let at = || format!("{label}:{line_no}");
            let len = match read_line_capped(&mut reader, &mut buf, self.limits.line) {
                Ok(Some(len)) => len,
                Ok(None) => break,
                Err(e) => {
                    problems.report(&mut self.errors, at(), describe_io(&e));
                    break;
                }
            };
            if len > self.limits.line {
                records += 1;
                let message = too_large(len as u64, self.limits.text);
                problems.report(&mut self.errors, at(), message);
                continue;
            }
            if buf.iter().all(u8::is_ascii_whitespace) {
                continue;
            }
            records += 1;
            let (doc, notes) = match parse_record(&buf, self.limits.text) {
                Ok(parsed) => parsed,
                Err(message) => {
                    problems.report(&mut self.errors, at(), message);
                    continue;
                }
            };
            for note in notes {
                problems.report(&mut self.errors, at(), note);
            }
            let doc = Document {
                published: doc.published.or(self.default_published),
                ..doc
            };
            if let Err(message) = self.accept(doc, &at()) {
                problems.report(&mut self.errors, at(), message);
            }
        }
        if records == 0 {
            problems.report(&mut self.errors, label.to_string(), "no documents".into());
        }
        problems.finish(&mut self.errors);
    }

    /// Keeps a document unless its text is blank or its id was already seen; a text that is
    /// not Arabic is counted as skipped.
    fn accept(&mut self, doc: Document, at: &str) -> Result<(), String> {
        if doc.text.trim().is_empty() {
            return Err(format!("empty document (id {:?})", doc.id));
        }
        if !rasid_sources::is_arabic(&doc.text) {
            self.skipped.push(SkippedItem {
                input: at.to_string(),
                id: doc.id,
                reason: SkipReason::NotArabic,
            });
            return Ok(());
        }
        if let Some(first) = self.seen.get(&doc.id) {
            return Err(format!(
                "duplicate id {:?} (first seen at {first}); skipped",
                doc.id
            ));
        }
        self.seen.insert(doc.id.clone(), at.to_string());
        self.docs.push(doc);
        Ok(())
    }
}

/// Whether a file found in a folder is read: JSON Lines and text files, and files without an
/// extension (a file named on the command line is always read).
fn is_document_name(path: &Path) -> bool {
    match path.extension() {
        None => true,
        Some(e) => {
            let e = e.to_string_lossy().to_ascii_lowercase();
            matches!(e.as_str(), "txt" | "text" | "jsonl" | "json" | "ndjson")
                || rasid_sources::kind_from_name(&path.to_string_lossy()).is_some()
        }
    }
}

fn file_too_large(kind: SourceKind, size: u64, limit: usize) -> String {
    format!(
        "{kind} too large ({} MB > {} MB)",
        megabytes(size),
        megabytes(limit as u64)
    )
}

fn describe_io(e: &io::Error) -> String {
    match e.kind() {
        io::ErrorKind::NotFound => "no such file or folder".into(),
        io::ErrorKind::PermissionDenied => "permission denied".into(),
        _ => format!("cannot read: {e}"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::io::Write;
    use std::sync::atomic::{AtomicUsize, Ordering};

    /// A fresh folder under the system's temporary folder, removed when dropped.
    struct TempDir(PathBuf);

    impl TempDir {
        fn new(name: &str) -> Self {
            static COUNTER: AtomicUsize = AtomicUsize::new(0);
            let n = COUNTER.fetch_add(1, Ordering::SeqCst);
            let dir =
                std::env::temp_dir().join(format!("rasid-input-{}-{n}-{name}", std::process::id()));
            let _ = fs::remove_dir_all(&dir);
            fs::create_dir_all(&dir).unwrap();
            TempDir(dir)
        }

        fn write(&self, name: &str, content: impl AsRef<[u8]>) -> PathBuf {
            let path = self.0.join(name);
            if let Some(parent) = path.parent() {
                fs::create_dir_all(parent).unwrap();
            }
            fs::write(&path, content).unwrap();
            path
        }
    }

    impl Drop for TempDir {
        fn drop(&mut self) {
            let _ = fs::remove_dir_all(&self.0);
        }
    }

    fn read(paths: &[PathBuf]) -> (Vec<Document>, Vec<InputError>) {
        read_inputs(paths, None)
    }

    fn ids(docs: &[Document]) -> Vec<&str> {
        docs.iter().map(|d| d.id.as_str()).collect()
    }

    fn day(s: &str) -> Day {
        Day::parse_iso(s).unwrap()
    }

    const ARABIC: &str = "قصفت طائرة مسيرة قاعدة عسكرية قرب البوكمال.";

    #[test]
    fn reads_json_lines_with_all_fields() {
        let dir = TempDir::new("jsonl");
        let line1 = serde_json::json!({"id": "p001", "text": ARABIC, "url": "https://example.com/a",
            "outlet": "example.com", "published": "2024-02-05"});
        let line2 = serde_json::json!({"id": "p002", "text": "نص ثان", "published": null});
        let path = dir.write("docs.jsonl", format!("{line1}\n\n{line2}\n"));
        let (docs, errors) = read_inputs(&[path], Some(day("2024-01-01")));
        assert!(errors.is_empty(), "{errors:?}");
        assert_eq!(ids(&docs), ["p001", "p002"]);
        assert_eq!(docs[0].text, ARABIC);
        assert_eq!(docs[0].url.as_deref(), Some("https://example.com/a"));
        assert_eq!(docs[0].outlet.as_deref(), Some("example.com"));
        assert_eq!(docs[0].published, Some(day("2024-02-05")));
        // the default applies only where the record has no day
        assert_eq!(docs[1].published, Some(day("2024-01-01")));
        assert_eq!(docs[1].url, None);
    }

    #[test]
    fn reads_plain_text_named_by_file() {
        let dir = TempDir::new("text");
        let path = dir.write("000_1425e9ea262e63fb.txt", ARABIC);
        let (docs, errors) = read_inputs(&[path], Some(day("2024-02-03")));
        assert!(errors.is_empty(), "{errors:?}");
        assert_eq!(ids(&docs), ["000_1425e9ea262e63fb.txt"]);
        assert_eq!(docs[0].text, ARABIC);
        assert_eq!(docs[0].published, Some(day("2024-02-03")));
    }

    #[test]
    fn reads_folders_recursively_in_name_order_skipping_hidden() {
        let dir = TempDir::new("folder");
        dir.write("b.txt", "نص ب");
        dir.write("a.txt", "نص أ");
        dir.write("sub/c.jsonl", r#"{"id": "c1", "text": "نص ج"}"#);
        dir.write(".hidden.txt", "مخفي");
        dir.write(".git/x.txt", "مخفي");
        dir.write("README.md", "not a document");
        dir.write("photo.jpg", b"\xff\xd8\xff\0");
        dir.write("sub/d", "نص د");
        let (docs, errors) = read(std::slice::from_ref(&dir.0));
        assert!(errors.is_empty(), "{errors:?}");
        assert_eq!(ids(&docs), ["a.txt", "b.txt", "c1", "d"]);
    }

    #[test]
    fn empty_folder_is_reported() {
        let dir = TempDir::new("empty-folder");
        dir.write("notes.md", "no documents here");
        let (docs, errors) = read(std::slice::from_ref(&dir.0));
        assert!(docs.is_empty());
        assert_eq!(errors.len(), 1);
        assert_eq!(errors[0].message, "no documents in this folder");
    }

    #[test]
    fn missing_path_does_not_stop_the_others() {
        let dir = TempDir::new("missing");
        let good = dir.write("good.txt", ARABIC);
        let missing = dir.0.join("nope.jsonl");
        let (docs, errors) = read(&[missing.clone(), good]);
        assert_eq!(ids(&docs), ["good.txt"]);
        assert_eq!(errors.len(), 1);
        assert_eq!(errors[0].input, missing.display().to_string());
        assert_eq!(errors[0].message, "no such file or folder");
    }

    #[test]
    fn windows_1256_text_is_reported_with_a_hint() {
        let dir = TempDir::new("cp1256");
        let (bytes, _, unmappable) = encoding_rs::WINDOWS_1256.encode(ARABIC);
        assert!(!unmappable);
        let path = dir.write("report.txt", &bytes);
        let (docs, errors) = read(&[path]);
        assert!(docs.is_empty());
        assert_eq!(errors.len(), 1);
        let message = &errors[0].message;
        assert!(message.starts_with("not UTF-8"), "{message}");
        assert!(message.contains("windows-1256"), "{message}");
    }

    #[test]
    fn other_invalid_utf8_gets_no_arabic_hint() {
        let dir = TempDir::new("latin1");
        let path = dir.write("cafe.txt", b"caf\xe9 au lait");
        let (docs, errors) = read(&[path]);
        assert!(docs.is_empty());
        assert_eq!(errors[0].message, "not UTF-8 (byte 0xE9 at offset 3)");
    }

    #[test]
    fn invalid_utf8_line_is_reported_by_line() {
        let dir = TempDir::new("cp1256-line");
        let (arabic, _, _) = encoding_rs::WINDOWS_1256.encode(ARABIC);
        let mut content = b"{\"id\": \"a\", \"text\": \"".to_vec();
        content.extend_from_slice(&arabic);
        content.extend_from_slice(b"\"}\n{\"id\": \"b\", \"text\": \"\xd9\x86\xd8\xb5\"}\n");
        let path = dir.write("docs.jsonl", content);
        let (docs, errors) = read(std::slice::from_ref(&path));
        assert_eq!(ids(&docs), ["b"]);
        assert_eq!(errors.len(), 1);
        assert_eq!(errors[0].input, format!("{}:1", path.display()));
        assert!(errors[0].message.contains("windows-1256"));
    }

    #[test]
    fn bad_json_line_names_file_and_line() {
        let dir = TempDir::new("bad-json");
        let path = dir.write(
            "docs.jsonl",
            "{\"id\": \"a\", \"text\": \"نص\"}\n{\"id\": \"b\", \"text\": \n{\"id\": \"c\", \"text\": \"نص\"}\n",
        );
        let (docs, errors) = read(std::slice::from_ref(&path));
        assert_eq!(ids(&docs), ["a", "c"]);
        assert_eq!(errors.len(), 1);
        assert_eq!(errors[0].input, format!("{}:2", path.display()));
        assert!(
            errors[0].message.starts_with("not a valid JSON line: EOF"),
            "{}",
            errors[0].message
        );
        assert!(errors[0].to_string().starts_with("rasid: "));
    }

    #[test]
    fn records_need_string_id_and_text() {
        let dir = TempDir::new("fields");
        let path = dir.write(
            "docs.jsonl",
            [
                r#"{"text": "نص"}"#,
                r#"{"id": "b"}"#,
                r#"{"id": "c", "text": 42}"#,
                r#"{"id": ["d"], "text": "نص"}"#,
                r#"["e", "نص"]"#,
                r#"{"id": 7, "text": "نص"}"#,
            ]
            .join("\n"),
        );
        let (docs, errors) = read(std::slice::from_ref(&path));
        assert_eq!(ids(&docs), ["7"]);
        let messages: Vec<&str> = errors.iter().map(|e| e.message.as_str()).collect();
        assert_eq!(
            messages,
            [
                "record has no \"id\"",
                "record \"b\" has no \"text\"",
                "\"text\" of record \"c\" must be a string, found a number",
                "\"id\" must be a string, found an array",
                "expected a JSON object (one document per line), found an array",
            ]
        );
        let lines: Vec<&str> = errors
            .iter()
            .map(|e| e.input.rsplit(':').next().unwrap())
            .collect();
        assert_eq!(lines, ["1", "2", "3", "4", "5"]);
    }

    #[test]
    fn empty_documents_are_reported() {
        let dir = TempDir::new("empty");
        let jsonl = dir.write(
            "docs.jsonl",
            "{\"id\": \"a\", \"text\": \"  \\n\\t \"}\n{\"id\": \"b\", \"text\": \"\"}\n",
        );
        let text = dir.write("blank.txt", " \n \n");
        let (docs, errors) = read(&[jsonl, text]);
        assert!(docs.is_empty());
        assert_eq!(errors.len(), 3);
        assert_eq!(errors[0].message, "empty document (id \"a\")");
        assert_eq!(errors[2].message, "empty document (id \"blank.txt\")");
    }

    #[test]
    fn json_array_file_is_reported_once() {
        let dir = TempDir::new("array");
        let path = dir.write("docs.json", "[\n  {\"id\": \"a\", \"text\": \"نص\"}\n]\n");
        let (docs, errors) = read(&[path]);
        assert!(docs.is_empty());
        assert_eq!(errors.len(), 1);
        assert!(errors[0]
            .message
            .starts_with("a JSON array, not JSON Lines"));
    }

    #[test]
    fn empty_json_lines_file_is_reported() {
        let dir = TempDir::new("empty-jsonl");
        let path = dir.write("docs.jsonl", "\n\n");
        let (docs, errors) = read(&[path]);
        assert!(docs.is_empty());
        assert_eq!(errors[0].message, "no documents");
    }

    #[test]
    fn oversized_documents_are_rejected() {
        let limits = Limits {
            text: 100,
            line: 300,
        };
        let dir = TempDir::new("large");
        let big_text = "ب".repeat(60); // 120 bytes
        let lines = [
            serde_json::json!({"id": "a", "text": big_text}).to_string(),
            serde_json::json!({"id": "b", "text": "x".repeat(400)}).to_string(),
            serde_json::json!({"id": "c", "text": "نص"}).to_string(),
        ];
        let jsonl = dir.write("docs.jsonl", lines.join("\n"));
        let text = dir.write("big.txt", &big_text);
        let (docs, errors) = read_with_limits(&[jsonl, text], None, limits);
        assert_eq!(ids(&docs), ["c"]);
        assert_eq!(errors.len(), 3);
        for e in &errors {
            assert!(e.message.starts_with("document too large ("), "{e}");
        }
        assert!(errors[1].input.ends_with(":2"));
    }

    #[test]
    fn fifty_megabyte_line_is_skipped_without_stopping() {
        let dir = TempDir::new("huge-line");
        let path = dir.0.join("docs.jsonl");
        {
            let mut out = io::BufWriter::new(File::create(&path).unwrap());
            out.write_all(b"{\"id\": \"huge\", \"text\": \"").unwrap();
            let block = vec![b'a'; 1 << 20];
            for _ in 0..50 {
                out.write_all(&block).unwrap();
            }
            out.write_all(b"\"}\n{\"id\": \"small\", \"text\": \"\xd9\x86\xd8\xb5\"}\n")
                .unwrap();
        }
        let (docs, errors) = read(std::slice::from_ref(&path));
        assert_eq!(ids(&docs), ["small"]);
        assert_eq!(errors.len(), 1);
        assert_eq!(errors[0].input, format!("{}:1", path.display()));
        assert_eq!(errors[0].message, "document too large (50 MB > 8 MB)");
    }

    #[test]
    fn binary_files_are_reported() {
        let dir = TempDir::new("binary");
        let png = dir.write("image.png", b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR");
        let jsonl = dir.write("data.jsonl", b"\0\0\0\0{}");
        let (docs, errors) = read(&[png, jsonl]);
        assert!(docs.is_empty());
        assert_eq!(errors.len(), 2);
        assert!(errors.iter().all(|e| e.message == "binary file"));
    }

    #[test]
    fn utf16_is_reported_as_not_utf8() {
        let dir = TempDir::new("utf16");
        let mut bytes = vec![0xFF, 0xFE];
        for unit in "نص".encode_utf16() {
            bytes.extend_from_slice(&unit.to_le_bytes());
        }
        let path = dir.write("report.txt", bytes);
        let (docs, errors) = read(&[path]);
        assert!(docs.is_empty());
        assert!(errors[0].message.contains("UTF-16"), "{}", errors[0]);
    }

    #[test]
    fn duplicate_ids_keep_the_first() {
        let dir = TempDir::new("dup");
        let a = dir.write(
            "a.jsonl",
            "{\"id\": \"x\", \"text\": \"أول\"}\n{\"id\": \"x\", \"text\": \"ثان\"}\n",
        );
        let b = dir.write("b.jsonl", "{\"id\": \"x\", \"text\": \"ثالث\"}\n");
        let (docs, errors) = read(&[a.clone(), b.clone()]);
        assert_eq!(docs.len(), 1);
        assert_eq!(docs[0].text, "أول");
        assert_eq!(errors.len(), 2);
        assert_eq!(errors[0].input, format!("{}:2", a.display()));
        assert_eq!(errors[1].input, format!("{}:1", b.display()));
        assert!(errors[1]
            .message
            .starts_with("duplicate id \"x\" (first seen at"));
    }

    #[test]
    fn bad_published_is_reported_and_document_kept() {
        let dir = TempDir::new("published");
        let path = dir.write(
            "docs.jsonl",
            [
                r#"{"id": "a", "text": "نص", "published": "5 February 2024"}"#,
                r#"{"id": "b", "text": "نص", "published": 20240205}"#,
                r#"{"id": "c", "text": "نص", "published": "2024-02-05T10:30:00Z"}"#,
                r#"{"id": "d", "text": "نص", "published": "", "outlet": 3}"#,
            ]
            .join("\n"),
        );
        let (docs, errors) = read_inputs(std::slice::from_ref(&path), Some(day("2024-01-01")));
        assert_eq!(ids(&docs), ["a", "b", "c", "d"]);
        assert_eq!(docs[0].published, Some(day("2024-01-01")));
        assert_eq!(docs[1].published, Some(day("2024-01-01")));
        assert_eq!(docs[2].published, Some(day("2024-02-05")));
        assert_eq!(docs[3].published, Some(day("2024-01-01")));
        assert_eq!(docs[3].outlet, None);
        let messages: Vec<&str> = errors.iter().map(|e| e.message.as_str()).collect();
        assert_eq!(
            messages,
            [
                "\"published\" is not an ISO day (YYYY-MM-DD): \"5 February 2024\"; ignored",
                "\"published\" must be an ISO day string, found a number; ignored",
                "\"outlet\" must be a string, found a number; ignored",
            ]
        );
    }

    #[test]
    fn json_content_is_sniffed_and_boms_and_crlf_are_handled() {
        let dir = TempDir::new("sniff");
        let sniffed = dir.write(
            "docs.txt",
            "\u{FEFF}{\"id\": \"a\", \"text\": \"نص\"}\r\n{\"id\": \"b\", \"text\": \"نص\"}\r\n",
        );
        let text = dir.write("note", "\u{FEFF}نص عادي\r\n");
        let (docs, errors) = read(&[sniffed, text]);
        assert!(errors.is_empty(), "{errors:?}");
        assert_eq!(ids(&docs), ["a", "b", "note"]);
        assert_eq!(docs[2].text, "نص عادي\r\n");
    }

    #[test]
    fn a_broken_file_reports_a_bounded_number_of_problems() {
        let dir = TempDir::new("flood");
        let mut content = "not json\n".repeat(MAX_ERRORS_PER_FILE + 5);
        content.push_str("{\"id\": \"ok\", \"text\": \"نص\"}\n");
        let path = dir.write("docs.jsonl", content);
        let (docs, errors) = read(std::slice::from_ref(&path));
        assert_eq!(ids(&docs), ["ok"]);
        assert_eq!(errors.len(), MAX_ERRORS_PER_FILE + 1);
        assert_eq!(
            errors.last().unwrap().message,
            "5 more problems in this file not shown"
        );
    }

    fn page(body: &str) -> String {
        format!(
            "<html><head><meta charset='utf-8'><meta property='og:title' content='عنوان الخبر'>\
             </head><body><nav><a href='/'>الرئيسية</a></nav><div><p>{body}</p></div></body></html>"
        )
    }

    fn warc_response(uri: &str, html: &str) -> Vec<u8> {
        let block =
            format!("HTTP/1.1 200 OK\r\nContent-Type: text/html; charset=utf-8\r\n\r\n{html}");
        format!(
            "WARC/1.0\r\nWARC-Type: response\r\nWARC-Target-URI: {uri}\r\n\
             WARC-Date: 2024-02-06T10:00:00Z\r\nContent-Length: {}\r\n\r\n{block}\r\n\r\n",
            block.len()
        )
        .into_bytes()
    }

    #[test]
    fn reads_pages_feeds_and_archives_in_folders() {
        let dir = TempDir::new("sources");
        dir.write("a.html", page(ARABIC));
        dir.write("b.HTM", page("قصف مدفعي على أطراف البلدة"));
        dir.write(
            "sniffed",
            format!("<!DOCTYPE html>{}", page("اشتباكات في الريف")),
        );
        dir.write(
            "c.rss",
            format!(
                "<rss><channel><title>وكالة</title><item><title>{ARABIC}</title>\
                 <link>https://x.example/1</link><pubDate>Mon, 05 Feb 2024 08:00:00 GMT</pubDate>\
                 </item></channel></rss>"
            ),
        );
        dir.write(
            "d.warc",
            warc_response("https://x.example/2", &page(ARABIC)),
        );
        dir.write("notes.md", "not read");
        let (docs, errors) = read_inputs(std::slice::from_ref(&dir.0), Some(day("2024-01-01")));
        assert!(errors.is_empty(), "{errors:?}");
        let expected = [
            "a.html".to_string(),
            "b.HTM".to_string(),
            rasid_sources::url_id("https://x.example/1"),
            rasid_sources::url_id("https://x.example/2"),
            "sniffed".to_string(),
        ];
        assert_eq!(ids(&docs), expected);
        assert_eq!(docs[0].text, format!("عنوان الخبر\n{ARABIC}"));
        assert_eq!(docs[0].published, Some(day("2024-01-01")));
        assert_eq!(docs[2].published, Some(day("2024-02-05")));
        assert_eq!(docs[2].outlet.as_deref(), Some("وكالة"));
        assert_eq!(docs[3].published, Some(day("2024-02-06")));
        assert_eq!(docs[3].url.as_deref(), Some("https://x.example/2"));
    }

    #[test]
    fn skipped_items_are_counted_not_reported() {
        let dir = TempDir::new("skipped");
        let english = dir.write("en.html", page("A drone struck a truck near the town."));
        let empty = dir.write("empty.html", "<html><body><nav>قائمة</nav></body></html>");
        let archive = dir.write(
            "dup.warc",
            [
                warc_response("https://x.example/2", &page(ARABIC)),
                warc_response("https://x.example/2", &page(ARABIC)),
            ]
            .concat(),
        );
        let again = dir.write(
            "again.warc",
            warc_response("https://x.example/2", &page(ARABIC)),
        );
        let inputs = read_all(&[english, empty, archive, again], None);
        assert!(inputs.problems.is_empty(), "{:?}", inputs.problems);
        assert_eq!(inputs.documents.len(), 1);
        assert_eq!(
            inputs.skipped_counts(),
            [
                (SkipReason::NotArabic, 1),
                (SkipReason::Empty, 1),
                (SkipReason::Duplicate, 2)
            ]
        );
        assert_eq!(
            inputs.notices(),
            "rasid: 4 items skipped (1 not Arabic, 1 empty, 2 duplicate URL)\n"
        );
    }

    #[test]
    fn page_problems_and_warnings() {
        let dir = TempDir::new("page-problems");
        let utf16: Vec<u8> = [0xFF, 0xFE]
            .into_iter()
            .chain(page(ARABIC).encode_utf16().flat_map(|u| u.to_le_bytes()))
            .collect();
        let utf16 = dir.write("utf16.html", utf16);
        let mut stray = page(ARABIC).into_bytes();
        stray.extend_from_slice(b"<p>\xD9</p>");
        let stray = dir.write("stray.html", stray);
        let gz = dir.write("broken.warc.gz", [0x1F, 0x8B, 0x08, 0x00, 0x01, 0x02]);
        let inputs = read_all(&[utf16, stray, gz.clone()], None);
        assert_eq!(ids(&inputs.documents), ["utf16.html", "stray.html"]);
        assert_eq!(inputs.problems.len(), 1, "{:?}", inputs.problems);
        assert!(inputs.problems[0]
            .input
            .starts_with(&gz.display().to_string()));
        assert_eq!(inputs.warnings.len(), 1, "{:?}", inputs.warnings);
        assert!(inputs.warnings[0].message.contains("replaced by U+FFFD"));
        assert!(inputs
            .notices()
            .contains(": warning: 1 invalid byte sequence"));
    }

    #[test]
    fn oversized_pages_are_rejected_by_size() {
        let limits = Limits {
            text: 100,
            line: 300,
        };
        let dir = TempDir::new("large-page");
        let path = dir.write("big.html", page(&"ب".repeat(300)));
        let (docs, errors) = read_with_limits(&[path], None, limits);
        assert!(docs.is_empty());
        assert!(
            errors[0].message.starts_with("HTML page too large ("),
            "{errors:?}"
        );
    }

    #[test]
    fn error_display() {
        let e = InputError {
            input: "docs.jsonl:3".into(),
            message: "empty document (id \"p3\")".into(),
        };
        assert_eq!(
            e.to_string(),
            "rasid: docs.jsonl:3: empty document (id \"p3\")"
        );
    }
}
