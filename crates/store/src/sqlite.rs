//! The default store: one SQLite file, written in WAL mode, one transaction per batch.

use crate::filter::{ActorPlan, SqlHints, SqlValue};
use crate::{
    Batch, Change, ChangeKind, Counts, DocumentMeta, ErrorKind, EventState, Filter, Page, Probe,
    Queries, Result, Sort, Stats, Store, StoreError, StoredDocument, StoredKey, StoredMention,
    Tally, TypeTally,
};
use rasid_merge::{DocPart, Event, MatchKey, Sketch};
use rasid_resolution::ResolvedMention;
use rusqlite::{params, params_from_iter, Connection, OptionalExtension};
use std::collections::{HashMap, HashSet};
use std::path::{Path, PathBuf};
use std::time::Duration;

/// A step of a migration that needs Rust code (the fold, JSON), run after its SQL.
type Backfill = fn(&rusqlite::Transaction) -> rusqlite::Result<()>;

/// Schema migrations in order: version, SQL, backfill.
const MIGRATIONS: &[(i64, &str, Option<Backfill>)] = &[
    (1, include_str!("migrations/sqlite/0001_init.sql"), None),
    (
        2,
        include_str!("migrations/sqlite/0002_serve.sql"),
        Some(backfill_serve),
    ),
    (
        3,
        include_str!("migrations/sqlite/0003_search_words.sql"),
        Some(backfill_search),
    ),
    (
        4,
        include_str!("migrations/sqlite/0004_integer_keys.sql"),
        None,
    ),
    (
        5,
        include_str!("migrations/sqlite/0005_log_removals.sql"),
        None,
    ),
    (
        6,
        include_str!("migrations/sqlite/0006_summaries.sql"),
        Some(backfill_summaries),
    ),
    (
        7,
        include_str!("migrations/sqlite/0007_drop_sources_and_links.sql"),
        None,
    ),
];

/// Fills what migration 2 added for the events already stored: the actor names of each
/// event. (Its trigram search index is replaced by migration 3, which fills its own.)
fn backfill_serve(tx: &rusqlite::Transaction) -> rusqlite::Result<()> {
    let mut events = tx.prepare("SELECT id, body FROM event_bodies")?;
    let mut rows = events.query([])?;
    while let Some(row) = rows.next()? {
        let (id, body): (String, String) = (row.get(0)?, row.get(1)?);
        let event: Event = serde_json::from_str(&body)
            .map_err(|e| rusqlite::Error::ToSqlConversionFailure(Box::new(e)))?;
        // version 2's table, keyed by the text id
        let mut insert =
            tx.prepare_cached("INSERT INTO event_actors (actor, event_id) VALUES (?1, ?2)")?;
        for key in actor_keys(&event) {
            insert.execute(params![key, id])?;
        }
    }
    Ok(())
}

/// Fills the word index of migration 3 with the documents already stored.
fn backfill_search(tx: &rusqlite::Transaction) -> rusqlite::Result<()> {
    let mut docs = tx.prepare("SELECT rowid, text FROM documents")?;
    let mut rows = docs.query([])?;
    while let Some(row) = rows.next()? {
        let (rowid, text): (i64, String) = (row.get(0)?, row.get(1)?);
        let folded = rasid_text::fold(&text).text;
        let terms = rasid_text::search::index_terms(&folded, &rasid_text::tokens::tokens(&folded));
        index_document(tx, rowid, &terms)?;
    }
    Ok(())
}

/// Fills what migration 6 added from the whole events and mentions older stores kept:
/// each event's summary and parts (as the stored event had them), and each mention's act
/// within its document, match key and links.
fn backfill_summaries(tx: &rusqlite::Transaction) -> rusqlite::Result<()> {
    let bad = |e: serde_json::Error| rusqlite::Error::ToSqlConversionFailure(Box::new(e));
    {
        let mut events = tx.prepare("SELECT event_key, body FROM event_bodies")?;
        let mut rows = events.query([])?;
        let mut put_summary =
            tx.prepare("INSERT INTO event_summaries (event_key, summary) VALUES (?1, ?2)")?;
        let mut put_part =
            tx.prepare("INSERT INTO event_docs (event_key, doc_id, part) VALUES (?1, ?2, ?3)")?;
        while let Some(row) = rows.next()? {
            let (key, body): (i64, String) = (row.get(0)?, row.get(1)?);
            let event: Event = serde_json::from_str(&body).map_err(bad)?;
            let (summary, parts) = rasid_merge::Summary::from_event(&event);
            put_summary.execute(params![key, to_json(&summary)?])?;
            for part in parts {
                put_part.execute(params![key, part.doc, to_json(&part)?])?;
            }
        }
    }
    {
        let mut texts = tx.prepare("SELECT key, text FROM documents")?;
        let mut rows = texts.query([])?;
        let mut put = tx.prepare("UPDATE documents SET sketch = ?2 WHERE key = ?1")?;
        while let Some(row) = rows.next()? {
            let (key, text): (i64, String) = (row.get(0)?, row.get(1)?);
            let folded = rasid_text::fold(&text).text;
            let sketch = rasid_text::sketch::sketch(&folded, &rasid_text::tokens::tokens(&folded));
            put.execute(params![key, sketch.as_ref().map(sketch_bytes)])?;
            put_bands(tx, key, sketch.as_ref())?;
        }
    }
    let docs: Vec<i64> = tx
        .prepare("SELECT DISTINCT doc_key FROM mentions ORDER BY doc_key")?
        .query_map([], |r| r.get(0))?
        .collect::<rusqlite::Result<_>>()?;
    let mut read =
        tx.prepare("SELECT seq, event_key, body FROM mentions WHERE doc_key = ?1 ORDER BY seq")?;
    let mut cluster =
        tx.prepare("UPDATE mentions SET cluster = ?3 WHERE doc_key = ?1 AND seq = ?2")?;
    let mut link = tx.prepare(
        "INSERT OR IGNORE INTO mention_links (doc_key, seq, target) VALUES (?1, ?2, ?3)",
    )?;
    for doc in docs {
        let rows: Vec<(i64, i64, String)> = read
            .query_map([doc], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))?
            .collect::<rusqlite::Result<_>>()?;
        let mentions: Vec<ResolvedMention> = rows
            .iter()
            .map(|(_, _, body)| serde_json::from_str(body).map_err(bad))
            .collect::<rusqlite::Result<_>>()?;
        let keys: Vec<MatchKey> = mentions.iter().map(MatchKey::of).collect();
        let clusters = rasid_merge::document_clusters(&mentions, &keys);
        for (((seq, event, _), m), (k, c)) in
            rows.iter().zip(&mentions).zip(keys.iter().zip(clusters))
        {
            cluster.execute(params![doc, seq, c])?;
            for target in &m.responds_to {
                link.execute(params![doc, seq, *target as i64])?;
            }
            put_match_key(tx, *event, k)?;
        }
    }
    Ok(())
}

/// Days since 1970-01-01 a key's act may lie on, every day when unknown (see migration 6).
fn day_numbers(days: Option<(rasid_text::Day, rasid_text::Day)>) -> (i64, i64) {
    match days {
        Some((f, l)) => (f.days_since_epoch(), l.days_since_epoch()),
        None => (-ANY_DAY_NUMBER, ANY_DAY_NUMBER),
    }
}

/// Beyond any day a text gives, and exact in the R*Tree's 32-bit coordinates.
const ANY_DAY_NUMBER: i64 = 10_000_000;

/// Stores a match key of the event under `event_key`, with its place and days, unless the
/// event has it already.
fn put_match_key(conn: &Connection, event_key: i64, k: &MatchKey) -> rusqlite::Result<()> {
    let added = conn
        .prepare_cached(
            "INSERT OR IGNORE INTO match_keys (event_key, signature, event_type, sub_event_type, key)
             VALUES (?1, ?2, ?3, ?4, ?5)",
        )?
        .execute(params![event_key, k.signature(), k.event_type, k.sub_event_type, to_json(k)?])?;
    if added == 1 {
        let (first, last) = day_numbers(k.days);
        conn.prepare_cached(
            "INSERT INTO match_keys_where (id, min_lat, max_lat, min_lon, max_lon, first_day, last_day)
             VALUES (?1, ?2, ?2, ?3, ?3, ?4, ?5)",
        )?
        .execute(params![conn.last_insert_rowid(), k.place.lat, k.place.lon, first, last])?;
    }
    Ok(())
}

/// Removes every match key of the event under `event_key`.
fn delete_match_keys(conn: &Connection, event_key: i64) -> rusqlite::Result<()> {
    for sql in [
        "DELETE FROM match_keys_where WHERE id IN (SELECT id FROM match_keys WHERE event_key = ?1)",
        "DELETE FROM match_keys WHERE event_key = ?1",
    ] {
        conn.prepare_cached(sql)?.execute([event_key])?;
    }
    Ok(())
}

/// Every name the event's actors go by, lower case: each actor and its coalitions.
fn actor_keys(e: &Event) -> Vec<String> {
    let mut keys: Vec<String> = [&e.actor1, &e.actor2]
        .into_iter()
        .flatten()
        .flat_map(|a| std::iter::once(&a.name).chain(&a.parents))
        .map(|n| n.to_lowercase())
        .collect();
    keys.sort_unstable();
    keys.dedup();
    keys
}

/// Adds the search terms of a document to the index under the document's key (its row id).
fn index_document(conn: &Connection, key: i64, terms: &str) -> rusqlite::Result<()> {
    conn.prepare_cached("INSERT INTO documents_fts (rowid, terms) VALUES (?1, ?2)")?
        .execute(params![key, terms])?;
    Ok(())
}

/// A sketch as stored: its values, little-endian.
fn sketch_bytes(s: &Sketch) -> Vec<u8> {
    s.iter().flat_map(|v| v.to_le_bytes()).collect()
}

/// A stored sketch, `None` when it is not one.
fn sketch_of(bytes: &[u8]) -> Option<Sketch> {
    let mut out = [0u32; rasid_text::sketch::SKETCH_SIZE];
    if bytes.len() != out.len() * 4 {
        return None;
    }
    for (v, chunk) in out.iter_mut().zip(bytes.chunks_exact(4)) {
        *v = u32::from_le_bytes(chunk.try_into().ok()?);
    }
    Some(out)
}

/// Replaces the bands of the document with this key by those of its sketch.
fn put_bands(conn: &Connection, key: i64, sketch: Option<&Sketch>) -> rusqlite::Result<()> {
    conn.prepare_cached("DELETE FROM document_bands WHERE doc_key = ?1")?
        .execute([key])?;
    if let Some(sketch) = sketch {
        let mut put = conn.prepare_cached(
            "INSERT OR IGNORE INTO document_bands (band, doc_key) VALUES (?1, ?2)",
        )?;
        for band in rasid_text::sketch::bands(sketch) {
            put.execute(params![band, key])?;
        }
    }
    Ok(())
}

/// Removes the document with this key from the search index.
fn unindex_document(conn: &Connection, key: i64) -> rusqlite::Result<()> {
    conn.prepare_cached("DELETE FROM documents_fts WHERE rowid = ?1")?
        .execute([key])?;
    Ok(())
}

/// The tables whose rows have integer keys (schema 4).
#[derive(Clone, Copy)]
enum Keyed {
    Documents,
    Events,
}

impl Keyed {
    fn name(self) -> &'static str {
        match self {
            Keyed::Documents => "documents",
            Keyed::Events => "events",
        }
    }
}

/// The keys of the documents or events a batch names that are stored, read for the whole
/// batch at its start (one query per [`IN_CHUNK`] ids, not one per row) and kept up to
/// date as the batch writes.
struct Keys<'b> {
    table: Keyed,
    keys: HashMap<&'b str, i64>,
}

impl<'b> Keys<'b> {
    fn read(
        conn: &Connection,
        table: Keyed,
        ids: impl IntoIterator<Item = &'b str>,
    ) -> rusqlite::Result<Keys<'b>> {
        let asked: HashSet<&'b str> = ids.into_iter().collect();
        let ids: Vec<&'b str> = asked.iter().copied().collect();
        let rows: Vec<(String, i64)> = rows_for_list(
            conn,
            &format!(
                "SELECT id, key FROM {} WHERE id IN ({{list}})",
                table.name()
            ),
            &ids,
            |r| Ok((r.get(0)?, r.get(1)?)),
        )?;
        // each id as the batch holds it (the query returns only ids it asked for)
        let keys = rows
            .into_iter()
            .filter_map(|(id, key)| Some((*asked.get(id.as_str())?, key)))
            .collect();
        Ok(Keys { table, keys })
    }

    fn get(&self, id: &str) -> Option<i64> {
        self.keys.get(id).copied()
    }

    /// The key of an id a mention refers to, which must be stored or written by the batch.
    fn of_mentioned(&self, id: &str) -> rusqlite::Result<i64> {
        self.get(id).ok_or_else(|| {
            let why = format!(
                "a mention refers to {id}, which is not in the {} table",
                self.table.name()
            );
            rusqlite::Error::ToSqlConversionFailure(why.into())
        })
    }
}

/// The rows of `sql`, whose `{list}` stands for a list of placeholders, for `values`: one
/// query per [`IN_CHUNK`] values, rows in the order of the chunks.
fn rows_for_list<T, V: rusqlite::ToSql>(
    conn: &Connection,
    sql: &str,
    values: &[V],
    row: impl Fn(&rusqlite::Row) -> rusqlite::Result<T>,
) -> rusqlite::Result<Vec<T>> {
    let mut out = Vec::new();
    for chunk in values.chunks(IN_CHUNK) {
        let sql = sql.replace("{list}", &vec!["?"; chunk.len()].join(","));
        let mut st = conn.prepare_cached(&sql)?;
        let rows = st.query_map(params_from_iter(chunk), &row)?;
        for r in rows {
            out.push(r?);
        }
    }
    Ok(out)
}

/// An FTS5 query for documents holding every term: each a quoted string, quotes doubled.
fn fts_all_of(terms: &[&str]) -> String {
    let quoted: Vec<String> = terms
        .iter()
        .map(|t| format!("\"{}\"", t.replace('"', "\"\"")))
        .collect();
    quoted.join(" AND ")
}

/// The `ORDER BY` of a sort (portable: `NULLS LAST` where the engines' defaults differ).
fn order_by(sort: Sort) -> &'static str {
    match sort {
        Sort::Date => "date_start IS NULL, date_start, id",
        Sort::DateDesc => "date_start DESC NULLS LAST, id DESC",
        Sort::Fatalities => "fatalities_min IS NULL, fatalities_min, id",
        Sort::FatalitiesDesc => "fatalities_min DESC NULLS LAST, id",
        Sort::Sources => "n_sources, id",
        Sort::SourcesDesc => "n_sources DESC, id",
    }
}

/// Most ids bound in one `IN (…)` list (SQLite allows 32,766 parameters).
const IN_CHUNK: usize = 500;

pub struct SqliteStore {
    conn: Connection,
    path: PathBuf,
    /// Opened as it is on disk, without the write-ahead log's shared memory: the folder
    /// or the file cannot be written (read-only media).
    immutable: bool,
}

fn fail<'a>(path: &'a Path, doing: &str) -> impl Fn(rusqlite::Error) -> StoreError + 'a {
    let doing = doing.to_string();
    move |e| {
        let kind = error_kind(&e);
        let why = match kind {
            ErrorKind::Busy => " (another process is writing the store; try again)",
            ErrorKind::Full => " (the disk is full; nothing of this write was stored)",
            ErrorKind::Damaged => " (the store is damaged: see `rasid check`)",
            ErrorKind::ReadOnly => " (the store cannot be written here)",
            ErrorKind::Other => "",
        };
        StoreError::new(kind, format!("{}: {doing}: {e}{why}", path.display()))
    }
}

/// The kind of failure an SQLite error is.
fn error_kind(e: &rusqlite::Error) -> ErrorKind {
    use rusqlite::ErrorCode as C;
    if matches!(e, rusqlite::Error::FromSqlConversionFailure(..)) {
        return ErrorKind::Damaged;
    }
    match e.sqlite_error_code() {
        Some(C::DatabaseBusy | C::DatabaseLocked) => ErrorKind::Busy,
        Some(C::DiskFull) => ErrorKind::Full,
        Some(C::DatabaseCorrupt | C::NotADatabase) => ErrorKind::Damaged,
        Some(C::ReadOnly | C::CannotOpen) => ErrorKind::ReadOnly,
        _ => ErrorKind::Other,
    }
}

/// Most problems [`SqliteStore::check`] lists.
pub const CHECK_PROBLEMS: usize = 50;

/// How long a writer waits for another writer before giving up with a busy error.
pub const WRITE_WAIT: Duration = Duration::from_secs(10);

/// A store is never an empty file (creating one writes its schema before it takes the
/// store's name): an empty file is something else, or a store that lost its content.
fn refuse_empty(path: &Path) -> Result<()> {
    match std::fs::metadata(path) {
        Ok(m) if m.is_file() && m.len() == 0 => Err(StoreError::damaged(format!(
            "{}: the file is empty (0 bytes), which a rasid store never is: if it held a store, the store is lost; remove the file to start a new store there",
            path.display()
        ))),
        _ => Ok(()),
    }
}

/// Whether the file or its folder cannot be written, as their permissions say (read-only
/// media refuse writes even where the permissions allow them: see `open_read_only`).
fn read_only_place(path: &Path) -> bool {
    let unwritable = |p: &Path| std::fs::metadata(p).is_ok_and(|m| m.permissions().readonly());
    let folder = path
        .parent()
        .filter(|d| !d.as_os_str().is_empty())
        .unwrap_or(Path::new("."));
    unwritable(path) || unwritable(folder)
}

/// Creates a store at `path`: its schema is written under a name of its own in the same
/// folder, which then takes `path` (unless another process made a store there meanwhile),
/// so that a store file is never half made.
fn create(path: &Path) -> Result<()> {
    let mut name = path.as_os_str().to_owned();
    name.push(format!(".new-{}", std::process::id()));
    let new = PathBuf::from(name);
    let cleanup = |p: &Path| {
        for suffix in ["", "-wal", "-shm", "-journal"] {
            let mut name = p.as_os_str().to_owned();
            name.push(suffix);
            let _ = std::fs::remove_file(PathBuf::from(name));
        }
    };
    cleanup(&new);
    let made = (|| {
        let conn = Connection::open(&new).map_err(fail(path, "cannot create the database"))?;
        let mut store = SqliteStore::with(conn, &new, false);
        store.configure()?;
        store.migrate()?;
        // into the file itself, the log emptied: the file alone is the store
        store
            .conn
            .execute_batch("PRAGMA wal_checkpoint(TRUNCATE)")
            .map_err(fail(path, "cannot write the new database"))?;
        drop(store);
        std::fs::File::open(&new)
            .and_then(|f| f.sync_all())
            .map_err(|e| {
                StoreError::other(format!(
                    "{}: cannot write the new database: {e}",
                    path.display()
                ))
            })?;
        // a link does not replace what another process may have made at `path`
        match std::fs::hard_link(&new, path) {
            Ok(()) => Ok(()),
            Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => Ok(()),
            // no links on this file system: the rename may replace a store made meanwhile
            // by another process, which is as new and empty as this one
            Err(_) => std::fs::rename(&new, path).map_err(|e| {
                StoreError::other(format!(
                    "{}: cannot create the database: {e}",
                    path.display()
                ))
            }),
        }
    })();
    cleanup(&new);
    made
}

/// A path as the file part of an SQLite URI: `%`, `?` and `#` escaped.
fn uri_path(path: &Path) -> String {
    let mut out = String::new();
    for c in path.to_string_lossy().chars() {
        match c {
            '%' | '?' | '#' => out.push_str(&format!("%{:02X}", c as u32)),
            c => out.push(c),
        }
    }
    out
}

impl SqliteStore {
    /// Opens the store at `path` to write, creating it (schema and all, before it takes
    /// the name) if there is none. An existing store is checked (`PRAGMA quick_check`) and
    /// migrated to the current schema.
    pub fn open(path: &Path) -> Result<SqliteStore> {
        refuse_empty(path)?;
        if !path.exists() {
            create(path)?;
        }
        let conn = Connection::open(path).map_err(fail(path, "cannot open the database"))?;
        let mut store = SqliteStore::with(conn, path, false);
        store.configure()?;
        store.quick_check()?;
        store.migrate()?;
        Ok(store)
    }

    fn with(conn: Connection, path: &Path, immutable: bool) -> SqliteStore {
        // every statement of a batch stays prepared (the default cache holds 16)
        conn.set_prepared_statement_cache_capacity(64);
        // plans that do not depend on the values bound: SQLite built with STAT4 prepares a
        // statement again whenever a value bound in a range changes (every search of the
        // keys near a mention), and the store keeps no statistics that would use them
        let _ = conn.set_db_config(
            rusqlite::config::DbConfig::SQLITE_DBCONFIG_ENABLE_QPSG,
            true,
        );
        SqliteStore {
            conn,
            path: path.to_path_buf(),
            immutable,
        }
    }

    /// How long [`Store::begin_write`] waits for another writer (default [`WRITE_WAIT`]).
    pub fn set_write_wait(&self, wait: Duration) -> Result<()> {
        self.conn
            .busy_timeout(wait)
            .map_err(fail(&self.path, "cannot set the busy timeout"))
    }

    /// Opens an existing store for reading only (many may read while one writes). The
    /// schema must be the current one (see [`SqliteStore::open_for_reading`]). A store whose
    /// folder or file cannot be written (read-only media) is read as it is on disk.
    pub fn open_read_only(path: &Path) -> Result<SqliteStore> {
        refuse_empty(path)?;
        let shared = if read_only_place(path) {
            None
        } else {
            match SqliteStore::read_only(path, false) {
                // a WAL store needs its shared-memory file, which a folder on read-only
                // media cannot hold
                Err(e) if e.kind == ErrorKind::ReadOnly => None,
                other => Some(other),
            }
        };
        shared.unwrap_or_else(|| SqliteStore::read_only(path, true))
    }

    fn read_only(path: &Path, immutable: bool) -> Result<SqliteStore> {
        use rusqlite::OpenFlags;
        let mut flags = OpenFlags::SQLITE_OPEN_READ_ONLY | OpenFlags::SQLITE_OPEN_NO_MUTEX;
        let conn = if immutable {
            flags |= OpenFlags::SQLITE_OPEN_URI;
            let uri = format!("file:{}?immutable=1", uri_path(path));
            Connection::open_with_flags(uri, flags)
        } else {
            Connection::open_with_flags(path, flags)
        }
        .map_err(fail(path, "cannot open the database"))?;
        let store = SqliteStore::with(conn, path, immutable);
        store
            .conn
            .execute_batch("PRAGMA cache_size = -32768; PRAGMA temp_store = MEMORY;")
            .map_err(fail(path, "not a rasid database (or not SQLite)"))?;
        store.set_write_wait(WRITE_WAIT)?;
        let newest = MIGRATIONS.last().map_or(0, |m| m.0);
        let version = store.schema_version()?;
        if version != newest {
            return Err(StoreError::other(format!(
                "{}: schema version {version}, this rasid reads version {newest}: open it once with `rasid ingest` (which upgrades it) where it can be written",
                path.display()
            )));
        }
        Ok(store)
    }

    /// Opens an existing store to read it: read-only, after upgrading its schema if it is
    /// older and can be written.
    pub fn open_for_reading(path: &Path) -> Result<SqliteStore> {
        refuse_empty(path)?;
        if !path.exists() {
            return Err(StoreError::other(format!(
                "{}: no such store; create it with `rasid ingest --db {} INPUT...`",
                path.display(),
                path.display()
            )));
        }
        let newest = MIGRATIONS.last().map_or(0, |m| m.0);
        match SqliteStore::open_read_only(path) {
            Err(e) if !read_only_place(path) => {
                let old = SqliteStore::read_only(path, false)
                    .err()
                    .is_some_and(|e| e.message.contains("schema version"));
                if !old {
                    return Err(e);
                }
                drop(SqliteStore::open(path)?);
                SqliteStore::open_read_only(path)
            }
            opened => opened.and_then(|s| {
                (s.schema_version()? == newest).then_some(s).ok_or_else(|| {
                    StoreError::other(format!("{}: cannot read this schema", path.display()))
                })
            }),
        }
    }

    /// Whether the store was opened as it is on disk (its folder or file cannot be
    /// written): commits still in its write-ahead log are not seen.
    pub fn immutable(&self) -> bool {
        self.immutable
    }

    fn schema_version(&self) -> Result<i64> {
        self.conn
            .query_row(
                "SELECT COALESCE(MAX(version), 0) FROM schema_migrations",
                [],
                |r| r.get(0),
            )
            .map_err(|e| match error_kind(&e) {
                ErrorKind::ReadOnly | ErrorKind::Damaged | ErrorKind::Busy => {
                    fail(&self.path, "cannot read the schema version")(e)
                }
                _ => StoreError::other(format!(
                    "{}: not a rasid database (no schema version): {e}",
                    self.path.display()
                )),
            })
    }

    /// SQLite's quick check of the file's structure: a damaged store is said to be, before
    /// anything is written on top of it.
    fn quick_check(&self) -> Result<()> {
        let problems = self.integrity("quick_check")?;
        if problems.is_empty() {
            return Ok(());
        }
        Err(StoreError::damaged(format!(
            "{}: the store is damaged ({}); nothing was written to it. `rasid check` tells more; restore it from a copy, or ingest the documents again into a new store",
            self.path.display(),
            problems.join("; ")
        )))
    }

    /// A full check: SQLite's integrity check of the file, then every stored JSON value
    /// parses and the tables agree (each mention's document and event exist; each event
    /// has its summary, documents and mentions, and counts its sources right). The problems
    /// found, at most [`CHECK_PROBLEMS`]; none when the store is sound.
    pub fn check(&self) -> Result<Vec<String>> {
        // a file too damaged to be read through says so at the first step that meets it
        self.check_all().or_else(|e| match e.kind {
            ErrorKind::Damaged => Ok(vec![e.message]),
            _ => Err(e),
        })
    }

    fn check_all(&self) -> Result<Vec<String>> {
        let mut problems = self.integrity("integrity_check")?;
        let json_columns = [
            (
                "event_summaries",
                "summary",
                "event_key",
                "the summary of event",
            ),
            ("event_bodies", "body", "event_key", "the body of event"),
            (
                "event_docs",
                "part",
                "event_key",
                "a document part of event",
            ),
            ("match_keys", "key", "event_key", "a match key of event"),
            ("mentions", "body", "doc_key", "a mention of document"),
        ];
        for (table, column, owner, what) in json_columns {
            let mut st = self
                .conn
                .prepare(&format!("SELECT {owner}, {column} FROM {table}"))
                .map_err(fail(&self.path, "cannot check the store"))?;
            let mut rows = st
                .query([])
                .map_err(fail(&self.path, "cannot check the store"))?;
            while let Some(row) = rows
                .next()
                .map_err(fail(&self.path, "cannot check the store"))?
            {
                let key: i64 = row
                    .get(0)
                    .map_err(fail(&self.path, "cannot check the store"))?;
                let text: String = match row.get(1) {
                    Ok(t) => t,
                    Err(e) => {
                        problems.push(format!("{what} with key {key}: not text: {e}"));
                        continue;
                    }
                };
                if let Err(e) = serde_json::from_str::<serde_json::Value>(&text) {
                    problems.push(format!("{what} with key {key} does not parse: {e}"));
                }
                if problems.len() >= CHECK_PROBLEMS {
                    return Ok(problems);
                }
            }
        }
        let counts = [
            ("mentions of no stored document", "SELECT COUNT(*) FROM mentions WHERE doc_key NOT IN (SELECT key FROM documents)"),
            ("mentions of no stored event", "SELECT COUNT(*) FROM mentions WHERE event_key NOT IN (SELECT key FROM events)"),
            ("events without a summary", "SELECT COUNT(*) FROM events WHERE key NOT IN (SELECT event_key FROM event_summaries)"),
            ("events without documents", "SELECT COUNT(*) FROM events WHERE key NOT IN (SELECT event_key FROM event_docs)"),
            ("events without mentions", "SELECT COUNT(*) FROM events WHERE key NOT IN (SELECT event_key FROM mentions)"),
            ("events whose count of sources is wrong", "SELECT COUNT(*) FROM events AS e WHERE n_sources != (SELECT COUNT(*) FROM event_docs WHERE event_key = e.key)"),
            ("match keys of no stored event", "SELECT COUNT(*) FROM match_keys WHERE event_key NOT IN (SELECT key FROM events)"),
            ("match keys without their place and days", "SELECT COUNT(*) FROM match_keys WHERE id NOT IN (SELECT id FROM match_keys_where)"),
            ("places and days of no match key", "SELECT COUNT(*) FROM match_keys_where WHERE id NOT IN (SELECT id FROM match_keys)"),
        ];
        for (what, sql) in counts {
            let n: i64 = self
                .conn
                .query_row(sql, [], |r| r.get(0))
                .map_err(fail(&self.path, "cannot check the store"))?;
            if n > 0 {
                problems.push(format!("{n} {what}"));
            }
        }
        problems.truncate(CHECK_PROBLEMS);
        Ok(problems)
    }

    /// The problems `PRAGMA quick_check` or `integrity_check` finds (at most 20).
    fn integrity(&self, pragma: &str) -> Result<Vec<String>> {
        let rows: Vec<String> = self
            .conn
            .prepare(&format!("PRAGMA {pragma}(20)"))
            .and_then(|mut st| {
                st.query_map([], |r| r.get::<_, String>(0))?
                    .collect::<rusqlite::Result<Vec<String>>>()
            })
            .map_err(fail(&self.path, "cannot check the store"))?;
        Ok(rows.into_iter().filter(|r| r != "ok").collect())
    }

    pub fn path(&self) -> &Path {
        &self.path
    }

    fn configure(&self) -> Result<()> {
        // WAL: a killed process leaves the last committed batch intact; NORMAL sync is
        // durable against process crashes (a power cut may lose the last commits). Pages of
        // 32 KiB (a new file's; an existing one keeps its own): a batch writes mostly at the
        // ends of tables and indexes, and larger pages there mean fewer pages and log frames.
        self.conn
            .execute_batch(
                "PRAGMA page_size = 32768; PRAGMA journal_mode = WAL; PRAGMA synchronous = NORMAL;
                 PRAGMA foreign_keys = ON; PRAGMA cache_size = -65536; PRAGMA temp_store = MEMORY;",
            )
            .map_err(fail(&self.path, "not a rasid database (or not SQLite)"))?;
        // the log is copied into the file once it holds 128 MiB, whatever the page size
        let page: i64 = self
            .conn
            .query_row("PRAGMA page_size", [], |r| r.get(0))
            .map_err(fail(&self.path, "cannot read the page size"))?;
        self.conn
            .execute_batch(&format!(
                "PRAGMA wal_autocheckpoint = {};",
                (128 << 20) / page.max(512)
            ))
            .map_err(fail(&self.path, "cannot set the checkpoint size"))?;
        self.set_write_wait(WRITE_WAIT)
    }

    fn migrate(&mut self) -> Result<()> {
        let path = self.path.clone();
        self.conn
            .execute_batch(
                "CREATE TABLE IF NOT EXISTS schema_migrations (version INTEGER PRIMARY KEY, applied TEXT NOT NULL)",
            )
            .map_err(fail(&path, "not a rasid database (or not SQLite)"))?;
        let current: i64 = self
            .conn
            .query_row(
                "SELECT COALESCE(MAX(version), 0) FROM schema_migrations",
                [],
                |r| r.get(0),
            )
            .map_err(fail(&path, "cannot read the schema version"))?;
        let newest = MIGRATIONS.last().map_or(0, |m| m.0);
        if current > newest {
            return Err(StoreError::other(format!(
                "{}: schema version {current} was written by a newer rasid (this one knows up to {newest})",
                path.display()
            )));
        }
        for (version, sql, backfill) in MIGRATIONS.iter().filter(|m| m.0 > current) {
            // immediate: of two processes opening an old store at once, one migrates and
            // the other, waiting, finds the version done
            let tx = rusqlite::Transaction::new_unchecked(
                &self.conn,
                rusqlite::TransactionBehavior::Immediate,
            )
            .map_err(fail(&path, "cannot start a migration"))?;
            let done: bool = tx
                .query_row(
                    "SELECT EXISTS (SELECT 1 FROM schema_migrations WHERE version = ?1)",
                    [version],
                    |r| r.get(0),
                )
                .map_err(fail(&path, "cannot read the schema version"))?;
            if done {
                continue;
            }
            tx.execute_batch(sql)
                .and_then(|()| backfill.map_or(Ok(()), |b| b(&tx)))
                .map_err(fail(&path, &format!("migration {version} failed")))?;
            tx.execute(
                "INSERT INTO schema_migrations (version, applied) VALUES (?1, ?2)",
                params![version, crate::time::now()],
            )
            .map_err(fail(&path, "cannot record the migration"))?;
            tx.commit()
                .map_err(fail(&path, "cannot commit the migration"))?;
        }
        Ok(())
    }

    fn meta_row(row: &rusqlite::Row) -> rusqlite::Result<DocumentMeta> {
        Ok(DocumentMeta {
            id: row.get(0)?,
            url: row.get(1)?,
            outlet: row.get(2)?,
            published: row.get(3)?,
            ingested: row.get(4)?,
            content_hash: row.get(5)?,
        })
    }

    /// [`rows_for_list`] on the store's connection.
    fn rows_for_list<T>(
        &self,
        sql: &str,
        values: &[String],
        row: impl Fn(&rusqlite::Row) -> rusqlite::Result<T>,
        doing: &str,
    ) -> Result<Vec<T>> {
        rows_for_list(&self.conn, sql, values, row).map_err(fail(&self.path, doing))
    }

    /// The documents whose `column` holds one of `values`, in order of arrival (key).
    fn documents_where_in(&self, column: &str, values: &[String]) -> Result<Vec<DocumentMeta>> {
        let mut out: Vec<(i64, DocumentMeta)> = self.rows_for_list(
            &format!(
                "SELECT id, url, outlet, published, ingested, content_hash, key FROM documents
                 WHERE {column} IN ({{list}})"
            ),
            values,
            |r| Ok((r.get(6)?, Self::meta_row(r)?)),
            "cannot read documents",
        )?;
        // a document matching values of two chunks comes once
        out.sort_by_key(|(key, _)| *key);
        out.dedup_by_key(|(key, _)| *key);
        Ok(out.into_iter().map(|(_, doc)| doc).collect())
    }

    /// Runs `sql` (one parameter) for each of `ids`, collecting one text column, sorted
    /// and without repeats. One cached statement serves every id.
    fn strings_for(&self, sql: &str, ids: &[String]) -> Result<Vec<String>> {
        let mut st = self
            .conn
            .prepare_cached(sql)
            .map_err(fail(&self.path, "cannot prepare a query"))?;
        let mut out = Vec::new();
        for id in ids {
            let rows = st
                .query_map([id], |r| r.get::<_, String>(0))
                .and_then(|rows| rows.collect::<rusqlite::Result<Vec<String>>>())
                .map_err(fail(&self.path, "cannot query"))?;
            out.extend(rows);
        }
        out.sort_unstable();
        out.dedup();
        Ok(out)
    }

    /// What the store knows that speeds up filtered queries.
    fn hints(&self) -> Result<SqlHints> {
        let span: Option<String> = self
            .conn
            .prepare_cached("SELECT value FROM meta WHERE key = 'max_date_span_days'")
            .and_then(|mut st| st.query_row([], |r| r.get(0)).optional())
            .map_err(fail(&self.path, "cannot read the store's metadata"))?;
        Ok(SqlHints {
            max_date_span_days: span.and_then(|s| s.parse().ok()),
            actor: ActorPlan::Collect,
        })
    }

    /// Runs a query with bound values whose rows are one column.
    fn query_column<T: rusqlite::types::FromSql>(
        &self,
        sql: &str,
        values: &[SqlValue],
        doing: &str,
    ) -> Result<Vec<T>> {
        let params: Vec<rusqlite::types::Value> = values.iter().map(to_sql).collect();
        self.conn
            .prepare_cached(sql)
            .and_then(|mut st| {
                st.query_map(params_from_iter(params), |r| r.get::<_, T>(0))?
                    .collect::<rusqlite::Result<Vec<_>>>()
            })
            .map_err(fail(&self.path, doing))
    }

    /// Runs a `SELECT COUNT(*)` with bound values.
    fn query_count(&self, sql: &str, values: &[SqlValue]) -> Result<u64> {
        let params: Vec<rusqlite::types::Value> = values.iter().map(to_sql).collect();
        self.conn
            .prepare_cached(sql)
            .and_then(|mut st| st.query_row(params_from_iter(params), |r| r.get::<_, i64>(0)))
            .map(|n| n as u64)
            .map_err(fail(&self.path, "cannot count"))
    }

    /// Runs a query whose rows are `(key, count)`.
    fn query_tallies(&self, sql: &str, values: &[SqlValue]) -> Result<Vec<Tally>> {
        let params: Vec<rusqlite::types::Value> = values.iter().map(to_sql).collect();
        self.conn
            .prepare_cached(sql)
            .and_then(|mut st| {
                st.query_map(params_from_iter(params), |r| {
                    Ok(Tally {
                        key: r.get(0)?,
                        count: r.get::<_, i64>(1)? as u64,
                    })
                })?
                .collect::<rusqlite::Result<Vec<_>>>()
            })
            .map_err(fail(&self.path, "cannot count events"))
    }

    /// Runs a query whose rows are `(seq, at, kind, event_id, into_id)` of the change log.
    fn query_changes(&self, sql: &str, values: &[SqlValue]) -> Result<Vec<Change>> {
        let params: Vec<rusqlite::types::Value> = values.iter().map(to_sql).collect();
        let rows = self
            .conn
            .prepare_cached(sql)
            .and_then(|mut st| {
                st.query_map(params_from_iter(params), |r| {
                    Ok((
                        r.get::<_, i64>(0)?,
                        r.get::<_, String>(1)?,
                        r.get::<_, String>(2)?,
                        r.get::<_, String>(3)?,
                        r.get::<_, Option<String>>(4)?,
                    ))
                })?
                .collect::<rusqlite::Result<Vec<_>>>()
            })
            .map_err(fail(&self.path, "cannot read the change log"))?;
        rows.into_iter()
            .map(|(seq, at, kind, event, into)| {
                let kind = ChangeKind::parse(&kind).ok_or_else(|| {
                    StoreError::other(format!(
                        "{}: unknown change kind {kind:?} in the log",
                        self.path.display()
                    ))
                })?;
                Ok(Change {
                    seq,
                    at,
                    kind,
                    event,
                    into,
                })
            })
            .collect()
    }

    /// A stored JSON value; one that does not parse means a damaged store.
    fn parse<T: serde::de::DeserializeOwned>(&self, json: &str, what: &str) -> Result<T> {
        serde_json::from_str(json).map_err(|e| {
            StoreError::damaged(format!(
                "{}: {what} does not parse: {e} (the store is damaged: see `rasid check`)",
                self.path.display()
            ))
        })
    }

    /// The event stored under `key`, as stored whole or put together from its parts.
    fn event_at(&self, key: i64, id: &str) -> Result<Event> {
        let body: Option<String> = self
            .conn
            .prepare_cached("SELECT body FROM event_bodies WHERE event_key = ?1")
            .and_then(|mut st| st.query_row([key], |r| r.get(0)).optional())
            .map_err(fail(&self.path, "cannot read an event"))?;
        match body {
            Some(body) => self.parse(&body, &format!("the body of event {id}")),
            None => assemble(&self.conn, key, id.to_string())
                .map_err(fail(&self.path, "cannot read an event")),
        }
    }

    /// The events that the mentions of the event stored under `key` answer.
    fn answered_by(&self, key: i64) -> Result<Vec<String>> {
        answered_by(&self.conn, key).map_err(fail(&self.path, "cannot read an event's links"))
    }

    /// The events whose mentions answer a mention of the event stored under `key`.
    fn answering(&self, key: i64) -> Result<Vec<String>> {
        linked(
            &self.conn,
            key,
            "SELECT DISTINCT se.id FROM mentions AS t
               JOIN mention_links AS l ON l.doc_key = t.doc_key AND l.target = t.seq
               JOIN mentions AS s ON s.doc_key = l.doc_key AND s.seq = l.seq
               JOIN events AS se ON se.key = s.event_key
             WHERE t.event_key = ?1 AND s.event_key != ?1",
        )
        .map_err(fail(&self.path, "cannot read an event's links"))
    }

    /// Mentions by a query whose rows are `(doc, seq, cluster, event, body)`, in document
    /// and position order.
    fn stored_mentions(&self, sql: &str, values: &[String]) -> Result<Vec<StoredMention>> {
        let rows: Vec<(String, u32, u32, String, String)> = self.rows_for_list(
            sql,
            values,
            |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?, r.get(4)?)),
            "cannot read mentions",
        )?;
        let mut out = rows
            .into_iter()
            .map(|(doc, seq, cluster, event, body)| {
                Ok(StoredMention {
                    mention: self.parse(&body, &format!("mention {seq} of document {doc}"))?,
                    doc,
                    seq,
                    cluster,
                    event,
                })
            })
            .collect::<Result<Vec<_>>>()?;
        out.sort_by(|a, b| (&a.doc, a.seq).cmp(&(&b.doc, b.seq)));
        out.dedup_by(|a, b| (&a.doc, a.seq) == (&b.doc, b.seq));
        Ok(out)
    }
}

fn to_sql(v: &SqlValue) -> rusqlite::types::Value {
    match v {
        SqlValue::Text(s) => rusqlite::types::Value::Text(s.clone()),
        SqlValue::Real(r) => rusqlite::types::Value::Real(*r),
        SqlValue::Int(i) => rusqlite::types::Value::Integer(*i),
    }
}

impl Store for SqliteStore {
    fn extraction_fingerprint(&self) -> Result<Option<String>> {
        self.conn
            .query_row(
                "SELECT value FROM meta WHERE key = 'extraction_fingerprint'",
                [],
                |r| r.get(0),
            )
            .optional()
            .map_err(fail(&self.path, "cannot read the store's metadata"))
    }

    fn document(&self, id: &str) -> Result<Option<StoredDocument>> {
        self.conn
            .prepare_cached(
                "SELECT id, url, outlet, published, ingested, content_hash, text FROM documents WHERE id = ?1",
            )
            .and_then(|mut st| {
                st.query_row([id], |r| {
                    Ok(StoredDocument {
                        meta: Self::meta_row(r)?,
                        text: r.get(6)?,
                    })
                })
                .optional()
            })
            .map_err(fail(&self.path, "cannot read a document"))
    }

    fn document_ids(&self) -> Result<Vec<String>> {
        self.conn
            .prepare_cached("SELECT id FROM documents ORDER BY id")
            .and_then(|mut st| {
                st.query_map([], |r| r.get(0))?
                    .collect::<rusqlite::Result<Vec<String>>>()
            })
            .map_err(fail(&self.path, "cannot list documents"))
    }

    fn documents_meta(&self, ids: &[String]) -> Result<Vec<DocumentMeta>> {
        let mut docs = self.documents_where_in("id", ids)?;
        docs.sort_by(|a, b| a.id.cmp(&b.id));
        Ok(docs)
    }

    fn documents_by_url(&self, urls: &[String]) -> Result<Vec<DocumentMeta>> {
        self.documents_where_in("url", urls)
    }

    fn documents_by_hash(&self, hashes: &[String]) -> Result<Vec<DocumentMeta>> {
        self.documents_where_in("content_hash", hashes)
    }

    fn keys_near(&self, p: &Probe) -> Result<Vec<StoredKey>> {
        let (first, last) = day_numbers(p.days);
        let rows: Vec<(String, i64, String)> = self
            .conn
            .prepare_cached(
                "SELECT e.id, e.key, k.key FROM match_keys_where AS w
                   JOIN match_keys AS k ON k.id = w.id JOIN events AS e ON e.key = k.event_key
                 WHERE w.max_lat >= ?5 AND w.min_lat <= ?6 AND w.max_lon >= ?7
                   AND w.min_lon <= ?8 AND w.last_day >= ?3 AND w.first_day <= ?4
                   AND k.event_type = ?1 AND k.sub_event_type = ?2",
            )
            .and_then(|mut st| {
                st.query_map(
                    params![
                        p.event_type,
                        p.sub_event_type,
                        first,
                        last,
                        p.min_lat,
                        p.max_lat,
                        p.min_lon,
                        p.max_lon
                    ],
                    |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)),
                )?
                .collect::<rusqlite::Result<Vec<_>>>()
            })
            .map_err(fail(&self.path, "cannot search the events' keys"))?;
        rows.into_iter()
            .map(|(event, order, key)| {
                Ok(StoredKey {
                    key: self.parse(&key, &format!("a match key of event {event}"))?,
                    event,
                    order,
                })
            })
            .collect()
    }

    fn event_states(&self, ids: &[String]) -> Result<Vec<EventState>> {
        let rows: Vec<(String, i64, String)> = self.rows_for_list(
            "SELECT e.id, e.key, s.summary FROM events AS e
               JOIN event_summaries AS s ON s.event_key = e.key
             WHERE e.id IN ({list})",
            ids,
            |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)),
            "cannot read events",
        )?;
        rows.into_iter()
            .map(|(id, order, summary)| {
                Ok(EventState {
                    summary: self.parse(&summary, &format!("the summary of event {id}"))?,
                    id,
                    order,
                })
            })
            .collect()
    }

    fn stored_events(&self, ids: &[String]) -> Result<Vec<String>> {
        self.rows_for_list(
            "SELECT id FROM events WHERE id IN ({list})",
            ids,
            |r| r.get(0),
            "cannot read events",
        )
    }

    fn events_of_documents(&self, docs: &[String]) -> Result<Vec<String>> {
        self.strings_for(
            "SELECT e.id FROM documents AS d JOIN mentions AS m ON m.doc_key = d.key
               JOIN events AS e ON e.key = m.event_key
             WHERE d.id = ?1",
            docs,
        )
    }

    fn mentions_of_events(&self, events: &[String]) -> Result<Vec<StoredMention>> {
        self.stored_mentions(
            "SELECT d.id, m.seq, m.cluster, e.id, m.body FROM events AS e
               JOIN mentions AS m ON m.event_key = e.key JOIN documents AS d ON d.key = m.doc_key
             WHERE e.id IN ({list})",
            events,
        )
    }

    fn mentions_of_documents(&self, docs: &[String]) -> Result<Vec<StoredMention>> {
        self.stored_mentions(
            "SELECT d.id, m.seq, m.cluster, e.id, m.body FROM documents AS d
               JOIN mentions AS m ON m.doc_key = d.key JOIN events AS e ON e.key = m.event_key
             WHERE d.id IN ({list})",
            docs,
        )
    }

    fn candidate_copies(&self, sketch: &Sketch) -> Result<Vec<(String, Sketch)>> {
        let bands: Vec<i64> = rasid_text::sketch::bands(sketch).to_vec();
        let rows: Vec<(String, Vec<u8>)> = rows_for_list(
            &self.conn,
            "SELECT DISTINCT d.id, d.sketch FROM document_bands AS b JOIN documents AS d ON d.key = b.doc_key
             WHERE b.band IN ({list}) AND d.sketch IS NOT NULL",
            &bands,
            |r| Ok((r.get(0)?, r.get(1)?)),
        )
        .map_err(fail(&self.path, "cannot look for copies of a document"))?;
        let mut out: Vec<(String, Sketch)> = rows
            .into_iter()
            .filter_map(|(id, bytes)| Some((id, sketch_of(&bytes)?)))
            .collect();
        out.sort_by(|a, b| a.0.cmp(&b.0));
        out.dedup_by(|a, b| a.0 == b.0);
        Ok(out)
    }

    fn sketches(&self, docs: &[String]) -> Result<Vec<(String, Sketch)>> {
        let rows: Vec<(String, Option<Vec<u8>>)> = self.rows_for_list(
            "SELECT id, sketch FROM documents WHERE id IN ({list})",
            docs,
            |r| Ok((r.get(0)?, r.get(1)?)),
            "cannot read documents",
        )?;
        Ok(rows
            .into_iter()
            .filter_map(|(id, bytes)| Some((id, sketch_of(&bytes?)?)))
            .collect())
    }

    fn documents_shared_by(&self, events: &[String]) -> Result<Vec<String>> {
        let docs: Vec<String> = self.rows_for_list(
            "SELECT p.doc_id FROM events AS e JOIN event_docs AS p ON p.event_key = e.key
             WHERE e.id IN ({list})",
            events,
            |r| r.get(0),
            "cannot read the documents of events",
        )?;
        let mut seen: HashMap<String, usize> = HashMap::new();
        for d in docs {
            *seen.entry(d).or_default() += 1;
        }
        let mut shared: Vec<String> = seen
            .into_iter()
            .filter(|(_, n)| *n > 1)
            .map(|(d, _)| d)
            .collect();
        shared.sort_unstable();
        Ok(shared)
    }

    fn events_linked_to(&self, ids: &[String]) -> Result<Vec<String>> {
        let mut linked: Vec<String> = self
            .links_touching(ids)?
            .into_iter()
            .flat_map(|(from, to)| [from, to])
            .filter(|e| !ids.contains(e))
            .collect();
        linked.sort_unstable();
        linked.dedup();
        Ok(linked)
    }

    fn events_by_id(&self, ids: &[String]) -> Result<Vec<Event>> {
        let mut events = Vec::new();
        let mut st = self
            .conn
            .prepare_cached("SELECT key FROM events WHERE id = ?1")
            .map_err(fail(&self.path, "cannot prepare a query"))?;
        let mut seen = HashSet::new();
        for id in ids {
            if !seen.insert(id) {
                continue;
            }
            let key: Option<i64> = st
                .query_row([id], |r| r.get(0))
                .optional()
                .map_err(fail(&self.path, "cannot read an event"))?;
            if let Some(key) = key {
                events.push(self.event_at(key, id)?);
            }
        }
        events.sort_by(|a, b| a.id.cmp(&b.id));
        Ok(events)
    }

    fn counts(&self) -> Result<Counts> {
        let count = |table: &str| -> Result<u64> {
            self.conn
                .query_row(&format!("SELECT COUNT(*) FROM {table}"), [], |r| {
                    r.get::<_, i64>(0)
                })
                .map(|n| n as u64)
                .map_err(fail(&self.path, "cannot count rows"))
        };
        Ok(Counts {
            documents: count("documents")?,
            mentions: count("mentions")?,
            events: count("events")?,
            changes: count("changes")?,
        })
    }

    fn begin_write(&mut self) -> Result<()> {
        // IMMEDIATE takes the write lock now, waiting out another writer for the busy
        // timeout; a deferred transaction that has read cannot wait for it later
        self.conn
            .execute_batch("BEGIN IMMEDIATE")
            .map_err(fail(&self.path, "cannot start a write"))
    }

    fn apply(&mut self, batch: &Batch) -> Result<()> {
        let path = self.path.clone();
        run_batch(&self.conn, batch).map_err(fail(&path, "cannot write a batch"))
    }

    fn commit(&mut self) -> Result<()> {
        let committed = self.conn.execute_batch("COMMIT").map_err(fail(
            &self.path,
            "cannot commit a batch (nothing of it was stored)",
        ));
        if committed.is_err() {
            self.rollback();
        }
        committed
    }

    fn sync(&mut self) -> Result<()> {
        // commits in WAL mode with synchronous = NORMAL are whole after a crash but reach
        // the disk only at the next checkpoint: syncing the log (and the file, for what a
        // checkpoint already copied) makes every commit so far survive a power cut
        let mut wal = self.path.clone().into_os_string();
        wal.push("-wal");
        for file in [PathBuf::from(wal), self.path.clone()] {
            match std::fs::File::open(&file) {
                Ok(f) => f.sync_all().map_err(|e| {
                    StoreError::other(format!("{}: cannot sync to disk: {e}", file.display()))
                })?,
                Err(e) if e.kind() == std::io::ErrorKind::NotFound => {}
                Err(e) => {
                    return Err(StoreError::other(format!(
                        "{}: cannot open to sync: {e}",
                        file.display()
                    )))
                }
            }
        }
        Ok(())
    }

    fn rollback(&mut self) {
        // nothing to undo when the transaction is already gone (a failed COMMIT ends it)
        if !self.conn.is_autocommit() {
            let _ = self.conn.execute_batch("ROLLBACK");
        }
    }
}

/// The keys of the documents and events a batch names that are stored, read for the whole
/// batch and kept up to date as it writes.
fn doc_and_event_keys<'b>(
    conn: &Connection,
    batch: &'b Batch,
) -> rusqlite::Result<(Keys<'b>, Keys<'b>)> {
    let docs = Keys::read(
        conn,
        Keyed::Documents,
        batch
            .delete_documents
            .iter()
            .chain(&batch.clear_mentions)
            .chain(batch.put_documents.iter().map(|d| &d.meta.id))
            .chain(batch.put_mentions.iter().map(|m| &m.doc))
            .chain(batch.move_mentions.iter().map(|(d, _, _)| d))
            .map(String::as_str),
    )?;
    let events = Keys::read(
        conn,
        Keyed::Events,
        batch
            .merge_events
            .iter()
            .flat_map(|(from, into)| [from, into])
            .chain(&batch.delete_events)
            .chain(batch.put_events.iter().map(|e| &e.id))
            .chain(batch.move_mentions.iter().map(|(_, _, e)| e))
            .chain(
                batch
                    .put_mentions
                    .iter()
                    .flat_map(|m| m.mentions.iter().map(|(e, _, _)| e)),
            )
            .map(String::as_str),
    )?;
    Ok((docs, events))
}

/// Removes a document's mentions and their links.
fn delete_mentions_of(conn: &Connection, doc_key: i64) -> rusqlite::Result<()> {
    for sql in [
        "DELETE FROM mentions WHERE doc_key = ?1",
        "DELETE FROM mention_links WHERE doc_key = ?1",
    ] {
        conn.prepare_cached(sql)?.execute([doc_key])?;
    }
    Ok(())
}

/// Removes an event's own rows (not its mentions).
fn delete_event_rows(conn: &Connection, key: i64) -> rusqlite::Result<()> {
    for sql in [
        "DELETE FROM events WHERE key = ?1",
        "DELETE FROM event_summaries WHERE event_key = ?1",
        "DELETE FROM event_docs WHERE event_key = ?1",
        "DELETE FROM event_actors WHERE event_key = ?1",
        "DELETE FROM event_bodies WHERE event_key = ?1",
    ] {
        conn.prepare_cached(sql)?.execute([key])?;
    }
    delete_match_keys(conn, key)
}

fn to_json<T: serde::Serialize>(value: &T) -> rusqlite::Result<String> {
    serde_json::to_string(value).map_err(|e| rusqlite::Error::ToSqlConversionFailure(Box::new(e)))
}

/// Writes a step of a write (see [`Batch`] for the order).
fn run_batch(conn: &Connection, batch: &Batch) -> rusqlite::Result<()> {
    let (mut doc_keys, mut event_keys) = doc_and_event_keys(conn, batch)?;
    for id in &batch.delete_documents {
        if let Some(key) = doc_keys.keys.remove(id.as_str()) {
            unindex_document(conn, key)?;
            delete_mentions_of(conn, key)?;
            put_bands(conn, key, None)?;
            conn.prepare_cached("DELETE FROM documents WHERE key = ?1")?
                .execute([key])?;
        }
    }
    for id in &batch.clear_mentions {
        if let Some(key) = doc_keys.get(id) {
            delete_mentions_of(conn, key)?;
        }
    }
    // the documents stored before: only they may have mentions to replace
    let stored_before: HashSet<i64> = doc_keys.keys.values().copied().collect();
    {
        // an update keeps the key (and row) of the stored version
        let mut upsert = conn.prepare_cached(
            "INSERT INTO documents (id, url, outlet, published, ingested, content_hash, text, sketch)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)
             ON CONFLICT (id) DO UPDATE SET url = excluded.url, outlet = excluded.outlet,
               published = excluded.published, ingested = excluded.ingested,
               content_hash = excluded.content_hash, text = excluded.text,
               sketch = excluded.sketch",
        )?;
        for d in &batch.put_documents {
            let m = &d.meta;
            let stored = doc_keys.get(&m.id);
            if let Some(key) = stored {
                unindex_document(conn, key)?;
            }
            upsert.execute(params![
                m.id,
                m.url,
                m.outlet,
                m.published,
                m.ingested,
                m.content_hash,
                d.text,
                d.sketch.as_ref().map(sketch_bytes)
            ])?;
            let key = stored.unwrap_or_else(|| conn.last_insert_rowid());
            index_document(conn, key, &d.search_terms)?;
            put_bands(conn, key, d.sketch.as_ref())?;
            doc_keys.keys.insert(&m.id, key);
        }
    }
    for (from, into) in &batch.merge_events {
        let (Some(from_key), Some(into_key)) = (event_keys.get(from), event_keys.get(into)) else {
            continue;
        };
        // the keys `into` lacks move with their boxes; the others go with `from`
        for sql in [
            "UPDATE mentions SET event_key = ?2 WHERE event_key = ?1",
            "INSERT OR REPLACE INTO event_docs (event_key, doc_id, part)
               SELECT ?2, doc_id, part FROM event_docs WHERE event_key = ?1",
            "UPDATE OR IGNORE match_keys SET event_key = ?2 WHERE event_key = ?1",
        ] {
            conn.prepare_cached(sql)?.execute([from_key, into_key])?;
        }
        delete_event_rows(conn, from_key)?;
        event_keys.keys.remove(from.as_str());
    }
    for id in &batch.delete_events {
        if let Some(key) = event_keys.keys.remove(id.as_str()) {
            delete_event_rows(conn, key)?;
        }
    }
    let now = crate::time::now();
    put_events(conn, batch, &now, &mut event_keys)?;
    {
        let mut moved = conn
            .prepare_cached("UPDATE mentions SET event_key = ?3 WHERE doc_key = ?1 AND seq = ?2")?;
        for (doc, seq, event) in &batch.move_mentions {
            moved.execute(params![
                doc_keys.of_mentioned(doc)?,
                seq,
                event_keys.of_mentioned(event)?
            ])?;
        }
    }
    {
        let mut insert = conn.prepare_cached(
            "INSERT INTO mentions (doc_key, seq, event_key, cluster, body) VALUES (?1, ?2, ?3, ?4, ?5)",
        )?;
        let mut link = conn.prepare_cached(
            "INSERT OR IGNORE INTO mention_links (doc_key, seq, target) VALUES (?1, ?2, ?3)",
        )?;
        for dm in &batch.put_mentions {
            let doc_key = doc_keys.of_mentioned(&dm.doc)?;
            if stored_before.contains(&doc_key) {
                delete_mentions_of(conn, doc_key)?;
            }
            for (seq, (event, cluster, m)) in dm.mentions.iter().enumerate() {
                insert.execute(params![
                    doc_key,
                    seq as i64,
                    event_keys.of_mentioned(event)?,
                    cluster,
                    to_json(m)?
                ])?;
                for target in &m.responds_to {
                    link.execute(params![doc_key, seq as i64, *target as i64])?;
                }
            }
        }
    }
    refresh_bodies(conn, batch, &event_keys)?;
    if !batch.changes.is_empty() {
        // the log's times never go back, even if the clock does
        let last: Option<String> =
            conn.query_row("SELECT MAX(at) FROM changes", [], |r| r.get(0))?;
        let at = last.filter(|l| *l > now).unwrap_or(now);
        let mut insert = conn.prepare_cached(
            "INSERT INTO changes (at, kind, event_id, into_id) VALUES (?1, ?2, ?3, ?4)",
        )?;
        for (kind, event, into) in &batch.changes {
            insert.execute(params![at, kind.as_str(), event, into])?;
        }
    }
    if let Some(f) = &batch.extraction_fingerprint {
        conn.prepare_cached(
            "INSERT INTO meta (key, value) VALUES ('extraction_fingerprint', ?1)
             ON CONFLICT (key) DO UPDATE SET value = excluded.value",
        )?
        .execute([f])?;
    }
    Ok(())
}

/// A stored JSON value that does not parse: the store is damaged (an SQLite-side error, so
/// that a write step can carry it; [`error_kind`] calls it damage).
fn unparsable(what: String, e: serde_json::Error) -> rusqlite::Error {
    rusqlite::Error::FromSqlConversionFailure(
        0,
        rusqlite::types::Type::Text,
        format!("{what} does not parse: {e}").into(),
    )
}

fn parse_stored<T: serde::de::DeserializeOwned>(
    json: &str,
    what: impl Fn() -> String,
) -> rusqlite::Result<T> {
    serde_json::from_str(json).map_err(|e| unparsable(what(), e))
}

/// The event stored under `key` put together: its summary, its documents' parts and the
/// events its mentions answer.
fn assemble(conn: &Connection, key: i64, id: String) -> rusqlite::Result<Event> {
    let summary: String = conn
        .prepare_cached("SELECT summary FROM event_summaries WHERE event_key = ?1")?
        .query_row([key], |r| r.get(0))?;
    let summary: rasid_merge::Summary =
        parse_stored(&summary, || format!("the summary of event {id}"))?;
    let parts: Vec<String> = conn
        .prepare_cached("SELECT part FROM event_docs WHERE event_key = ?1 ORDER BY doc_id")?
        .query_map([key], |r| r.get(0))?
        .collect::<rusqlite::Result<_>>()?;
    let parts: Vec<DocPart> = parts
        .iter()
        .map(|p| parse_stored(p, || format!("a document part of event {id}")))
        .collect::<rusqlite::Result<_>>()?;
    let responds_to = answered_by(conn, key)?;
    Ok(summary.event(id, &parts, responds_to))
}

/// The events that the mentions of the event stored under `key` answer.
fn answered_by(conn: &Connection, key: i64) -> rusqlite::Result<Vec<String>> {
    linked(
        conn,
        key,
        "SELECT DISTINCT te.id FROM mentions AS s
           JOIN mention_links AS l ON l.doc_key = s.doc_key AND l.seq = s.seq
           JOIN mentions AS t ON t.doc_key = l.doc_key AND t.seq = l.target
           JOIN events AS te ON te.key = t.event_key
         WHERE s.event_key = ?1 AND t.event_key != ?1",
    )
}

/// The ids a query of the links of the event stored under `key` (`?1`) gives.
fn linked(conn: &Connection, key: i64, sql: &str) -> rusqlite::Result<Vec<String>> {
    conn.prepare_cached(sql)?
        .query_map([key], |r| r.get(0))?
        .collect()
}

/// Events of at most this many documents keep their whole body, so that a read serves it
/// as stored; a larger event is put together from its parts when read (rewriting its whole
/// body each time a report joins it would make adding reports cost the event's size).
pub const BODY_DOCUMENTS: i64 = 64;

/// Writes again the bodies of the events the batch changed (written, or logged as new or
/// updated: an event answering one that was merged shows the new id), or drops those of
/// events that grew past [`BODY_DOCUMENTS`].
fn refresh_bodies(conn: &Connection, batch: &Batch, keys: &Keys) -> rusqlite::Result<()> {
    let mut changed: Vec<&str> = batch
        .put_events
        .iter()
        .map(|w| w.id.as_str())
        .chain(
            batch
                .changes
                .iter()
                .filter(|(k, _, _)| matches!(k, ChangeKind::New | ChangeKind::Updated))
                .map(|(_, e, _)| e.as_str()),
        )
        .collect();
    changed.sort_unstable();
    changed.dedup();
    let mut key_of = conn.prepare_cached("SELECT key, n_sources FROM events WHERE id = ?1")?;
    for id in changed {
        let row: Option<(i64, i64)> = match keys.get(id) {
            Some(key) => conn
                .prepare_cached("SELECT key, n_sources FROM events WHERE key = ?1")?
                .query_row([key], |r| Ok((r.get(0)?, r.get(1)?)))
                .optional()?,
            None => key_of
                .query_row([id], |r| Ok((r.get(0)?, r.get(1)?)))
                .optional()?,
        };
        let Some((key, documents)) = row else {
            continue;
        };
        if documents > BODY_DOCUMENTS {
            conn.prepare_cached("DELETE FROM event_bodies WHERE event_key = ?1")?
                .execute([key])?;
            continue;
        }
        let event = assemble(conn, key, id.to_string())?;
        conn.prepare_cached(
            "INSERT INTO event_bodies (event_key, body) VALUES (?1, ?2)
             ON CONFLICT (event_key) DO UPDATE SET body = excluded.body",
        )?
        .execute(params![key, to_json(&event)?])?;
    }
    Ok(())
}

/// Writes the batch's events: their columns, summaries, parts, keys and actor names,
/// updated `now`, adding the keys of new ones to `keys`.
fn put_events<'b>(
    conn: &Connection,
    batch: &'b Batch,
    now: &str,
    keys: &mut Keys<'b>,
) -> rusqlite::Result<()> {
    let mut upsert = conn.prepare_cached(
        "INSERT INTO events (id, date_start, date_end, event_type, sub_event_type, country, admin1,
           lat, lon, actor1, actor2, fatalities_min, n_sources, updated)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, 0, ?13)
         ON CONFLICT (id) DO UPDATE SET date_start = excluded.date_start,
           date_end = excluded.date_end, event_type = excluded.event_type,
           sub_event_type = excluded.sub_event_type, country = excluded.country,
           admin1 = excluded.admin1, lat = excluded.lat, lon = excluded.lon,
           actor1 = excluded.actor1, actor2 = excluded.actor2, fatalities_min = excluded.fatalities_min,
           updated = excluded.updated",
    )?;
    let mut put_summary = conn.prepare_cached(
        "INSERT INTO event_summaries (event_key, summary) VALUES (?1, ?2)
         ON CONFLICT (event_key) DO UPDATE SET summary = excluded.summary",
    )?;
    let mut put_part = conn.prepare_cached(
        "INSERT OR REPLACE INTO event_docs (event_key, doc_id, part) VALUES (?1, ?2, ?3)",
    )?;
    let mut put_actor = conn
        .prepare_cached("INSERT OR IGNORE INTO event_actors (actor, event_key) VALUES (?1, ?2)")?;
    let mut count_sources = conn.prepare_cached(
        "UPDATE events SET n_sources = (SELECT COUNT(*) FROM event_docs WHERE event_key = ?1)
         WHERE key = ?1",
    )?;
    let mut longest: Option<i64> = None;
    for w in &batch.put_events {
        // the filtered columns, from the event's fields without its documents
        let e = w.summary.event(w.id.clone(), &[], Vec::new());
        let loc = e.location.as_ref();
        let stored = keys.get(&w.id);
        upsert.execute(params![
            e.id,
            e.date.start,
            e.date.end,
            e.event_type,
            e.sub_event_type,
            loc.map(|l| &l.country),
            loc.map(|l| &l.admin1),
            loc.map(|l| l.lat),
            loc.map(|l| l.lon),
            e.actor1.as_ref().map(|a| &a.name),
            e.actor2.as_ref().map(|a| &a.name),
            e.fatalities.map(|f| i64::from(f.min)),
            now
        ])?;
        let key = stored.unwrap_or_else(|| conn.last_insert_rowid());
        put_summary.execute(params![key, to_json(&w.summary)?])?;
        if stored.is_some() {
            let mut sqls = vec!["DELETE FROM event_actors WHERE event_key = ?1"];
            if w.complete {
                sqls.push("DELETE FROM event_docs WHERE event_key = ?1");
                delete_match_keys(conn, key)?;
            }
            for sql in sqls {
                conn.prepare_cached(sql)?.execute([key])?;
            }
        }
        for part in &w.parts {
            put_part.execute(params![key, part.doc, to_json(part)?])?;
        }
        for k in &w.keys {
            put_match_key(conn, key, k)?;
        }
        for name in actor_keys(&e) {
            put_actor.execute(params![name, key])?;
        }
        count_sources.execute([key])?;
        let day = |d: &Option<String>| d.as_deref().and_then(rasid_text::Day::parse_iso);
        if let (Some(start), Some(end)) = (day(&e.date.start), day(&e.date.end)) {
            let span = end.days_since_epoch() - start.days_since_epoch();
            longest = longest.max(Some(span));
        }
        keys.keys.insert(&w.id, key);
    }
    if let Some(span) = longest {
        // a bound, never lowered: an event that shrinks or goes keeps it true
        conn.prepare_cached(
            "INSERT INTO meta (key, value) VALUES ('max_date_span_days', ?1)
             ON CONFLICT (key) DO UPDATE SET value = excluded.value
             WHERE CAST(excluded.value AS INTEGER) > CAST(meta.value AS INTEGER)",
        )?
        .execute([span.to_string()])?;
    }
    Ok(())
}

impl Queries for SqliteStore {
    fn events_json(&self, filter: &Filter, page: &Page) -> Result<Vec<String>> {
        // walking events in order and stopping at the page's end: test each one's actor
        let hints = SqlHints {
            actor: ActorPlan::PerEvent,
            ..self.hints()?
        };
        let (cond, mut values) = filter.sql_with(|n| format!("?{n}"), &hints);
        let mut slice = String::new();
        if page.limit.is_some() || page.offset > 0 {
            let limit = page
                .limit
                .map_or(i64::MAX, |n| i64::try_from(n).unwrap_or(i64::MAX));
            values.push(SqlValue::Int(limit));
            values.push(SqlValue::Int(
                i64::try_from(page.offset).unwrap_or(i64::MAX),
            ));
            slice = format!(" LIMIT ?{} OFFSET ?{}", values.len() - 1, values.len());
        }
        // the order and the page from the narrow rows, then only those events' bodies
        let sql = format!(
            "SELECT key, id FROM events WHERE {cond} ORDER BY {}{slice}",
            order_by(page.sort)
        );
        let params: Vec<rusqlite::types::Value> = values.iter().map(to_sql).collect();
        let keys: Vec<(i64, String)> = self
            .conn
            .prepare_cached(&sql)
            .and_then(|mut st| {
                st.query_map(params_from_iter(params), |r| Ok((r.get(0)?, r.get(1)?)))?
                    .collect::<rusqlite::Result<Vec<_>>>()
            })
            .map_err(fail(&self.path, "cannot read events"))?;
        let mut row = self
            .conn
            .prepare_cached("SELECT body FROM event_bodies WHERE event_key = ?1")
            .map_err(fail(&self.path, "cannot prepare a query"))?;
        keys.into_iter()
            .map(|(key, id)| {
                let body: Option<String> = row
                    .query_row([key], |r| r.get(0))
                    .optional()
                    .map_err(fail(&self.path, "cannot read an event"))?;
                match body {
                    // served as stored: checked to be JSON, never spliced in broken
                    Some(body) => {
                        self.parse::<serde::de::IgnoredAny>(
                            &body,
                            &format!("the body of event {id}"),
                        )?;
                        Ok(body)
                    }
                    None => {
                        let event = assemble(&self.conn, key, id)
                            .map_err(fail(&self.path, "cannot read an event"))?;
                        serde_json::to_string(&event).map_err(|e| {
                            StoreError::other(format!(
                                "{}: cannot write an event as JSON: {e}",
                                self.path.display()
                            ))
                        })
                    }
                }
            })
            .collect()
    }

    fn count_events(&self, filter: &Filter, cap: Option<u64>) -> Result<u64> {
        let Some(cap) = cap else {
            let (cond, values) = filter.sql_with(|n| format!("?{n}"), &self.hints()?);
            return self.query_count(
                &format!("SELECT COUNT(*) FROM events WHERE {cond}"),
                &values,
            );
        };
        // up to a cap: walk the actor's events and stop there
        let hints = SqlHints {
            actor: ActorPlan::Walk,
            ..self.hints()?
        };
        let (cond, mut values) = filter.sql_with(|n| format!("?{n}"), &hints);
        values.push(SqlValue::Int(i64::try_from(cap).unwrap_or(i64::MAX)));
        let sql = format!(
            "SELECT COUNT(*) FROM (SELECT 1 FROM {} WHERE {cond} LIMIT ?{}) AS capped",
            filter.sql_from(&hints),
            values.len()
        );
        self.query_count(&sql, &values)
    }

    fn stats(&self, filter: &Filter, top: usize) -> Result<Stats> {
        let (cond, mut values) = filter.sql_with(|n| format!("?{n}"), &self.hints()?);
        let by_day = self.query_tallies(
            &format!(
                "SELECT date_start, COUNT(*) FROM events WHERE {cond} AND date_start IS NOT NULL
                 GROUP BY date_start ORDER BY date_start"
            ),
            &values,
        )?;
        let params: Vec<rusqlite::types::Value> = values.iter().map(to_sql).collect();
        let by_type = self
            .conn
            .prepare_cached(&format!(
                "SELECT event_type, sub_event_type, COUNT(*) FROM events WHERE {cond}
                 GROUP BY event_type, sub_event_type ORDER BY 3 DESC, 1, 2"
            ))
            .and_then(|mut st| {
                st.query_map(params_from_iter(params), |r| {
                    Ok(TypeTally {
                        event_type: r.get(0)?,
                        sub_event_type: r.get(1)?,
                        count: r.get::<_, i64>(2)? as u64,
                    })
                })?
                .collect::<rusqlite::Result<Vec<_>>>()
            })
            .map_err(fail(&self.path, "cannot count events"))?;
        // every event has a type and the dated ones a day: the counts follow from those
        let total: u64 = by_type.iter().map(|t| t.count).sum();
        let undated = total.saturating_sub(by_day.iter().map(|t| t.count).sum::<u64>());
        values.push(SqlValue::Int(i64::try_from(top).unwrap_or(i64::MAX)));
        let top_param = values.len();
        let by_country = self.query_tallies(
            &format!(
                "SELECT country, COUNT(*) FROM events WHERE {cond} AND country IS NOT NULL
                 GROUP BY country ORDER BY 2 DESC, 1 LIMIT ?{top_param}"
            ),
            &values,
        )?;
        let by_actor = self.query_tallies(
            &format!(
                "SELECT actor, COUNT(*) FROM (
                   SELECT actor1 AS actor FROM events WHERE {cond}
                   UNION ALL SELECT actor2 AS actor FROM events WHERE {cond}
                 ) AS named WHERE actor IS NOT NULL
                 GROUP BY actor ORDER BY 2 DESC, 1 LIMIT ?{top_param}"
            ),
            &values,
        )?;
        Ok(Stats {
            total,
            undated,
            by_day,
            by_type,
            by_country,
            by_actor,
        })
    }

    fn links_touching(&self, ids: &[String]) -> Result<Vec<(String, String)>> {
        let mut key_of = self
            .conn
            .prepare_cached("SELECT key FROM events WHERE id = ?1")
            .map_err(fail(&self.path, "cannot prepare a query"))?;
        let mut links = Vec::new();
        for id in ids {
            let key: Option<i64> = key_of
                .query_row([id], |r| r.get(0))
                .optional()
                .map_err(fail(&self.path, "cannot read an event"))?;
            let Some(key) = key else { continue };
            links.extend(
                self.answered_by(key)?
                    .into_iter()
                    .map(|to| (id.clone(), to)),
            );
            links.extend(
                self.answering(key)?
                    .into_iter()
                    .map(|from| (from, id.clone())),
            );
        }
        links.sort_unstable();
        links.dedup();
        Ok(links)
    }

    fn removal(&self, id: &str) -> Result<Option<Change>> {
        // the conditions of the partial index `changes_event` (schema 5)
        let rows = self.query_changes(
            "SELECT seq, at, kind, event_id, into_id FROM changes
             WHERE event_id = ?1 AND kind IN ('merged', 'deleted')
             ORDER BY seq DESC LIMIT 1",
            &[SqlValue::Text(id.to_string())],
        )?;
        Ok(rows.into_iter().next())
    }

    fn search_candidates(&self, terms: &[&str], limit: u64, offset: u64) -> Result<Vec<String>> {
        self.query_column(
            "SELECT id FROM documents WHERE key IN
               (SELECT rowid FROM documents_fts WHERE documents_fts MATCH ?1)
             ORDER BY id LIMIT ?2 OFFSET ?3",
            &[
                SqlValue::Text(fts_all_of(terms)),
                SqlValue::Int(i64::try_from(limit).unwrap_or(i64::MAX)),
                SqlValue::Int(i64::try_from(offset).unwrap_or(i64::MAX)),
            ],
            "cannot search documents",
        )
    }

    fn count_search_candidates(&self, terms: &[&str]) -> Result<u64> {
        self.query_count(
            "SELECT COUNT(*) FROM documents_fts WHERE documents_fts MATCH ?1",
            &[SqlValue::Text(fts_all_of(terms))],
        )
    }

    fn changes_since(&self, since: &str, after: i64, limit: Option<u64>) -> Result<Vec<Change>> {
        let mut values = vec![SqlValue::Text(since.to_string()), SqlValue::Int(after)];
        // the log's times never go back (see `run_batch`): its first change after `since`,
        // found on the time index, bounds the numbers to read
        let mut sql = String::from(
            "SELECT seq, at, kind, event_id, into_id FROM changes
             WHERE seq > MAX(?2, (SELECT seq - 1 FROM changes WHERE at > ?1 ORDER BY at, seq LIMIT 1))
               AND at > ?1
             ORDER BY seq",
        );
        if let Some(n) = limit {
            values.push(SqlValue::Int(i64::try_from(n).unwrap_or(i64::MAX)));
            sql.push_str(" LIMIT ?3");
        }
        self.query_changes(&sql, &values)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::testing::{bridged_reports, examples, lex, run, store};
    use crate::SearchPage;
    use rasid_merge::extract_events;
    use rasid_text::search::Query;

    fn ids(events: &[String]) -> Vec<String> {
        events
            .iter()
            .map(|b| serde_json::from_str::<Event>(b).unwrap().id)
            .collect()
    }

    #[test]
    fn pages_of_a_sort_cover_the_list_once() {
        let (_dir, mut s) = store();
        run(&mut s, &examples(), 50);
        let all = Filter::default();
        for sort in Sort::ALL {
            assert_eq!(Sort::parse(sort.name()), Some(sort));
            let whole = ids(&s
                .events_json(
                    &all,
                    &Page {
                        sort,
                        ..Page::default()
                    },
                )
                .unwrap());
            let mut paged = Vec::new();
            for offset in (0..whole.len() as u64 + 2).step_by(2) {
                let page = Page {
                    sort,
                    limit: Some(2),
                    offset,
                };
                paged.extend(ids(&s.events_json(&all, &page).unwrap()));
            }
            assert_eq!(paged, whole, "{sort:?}");
        }
        let newest = s
            .events(
                &all,
                &Page {
                    sort: Sort::DateDesc,
                    ..Page::default()
                },
            )
            .unwrap();
        let starts: Vec<_> = newest.iter().filter_map(|e| e.date.start.clone()).collect();
        assert!(starts.windows(2).all(|w| w[0] >= w[1]), "{starts:?}");
        assert!(newest.last().unwrap().date.start.is_none() || starts.len() == newest.len());
    }

    #[test]
    fn filters_give_the_same_events_with_the_hints_as_without() {
        let (_dir, mut s) = store();
        run(&mut s, &examples(), 50);
        let hints = s.hints().unwrap();
        assert!(hints.max_date_span_days.is_some());
        let all = s.events(&Filter::default(), &Page::default()).unwrap();
        let actor = all
            .iter()
            .find_map(|e| e.actor1.as_ref())
            .unwrap()
            .name
            .clone();
        for day in [
            "2024-03-01",
            "2024-03-11",
            "2024-03-14",
            "2024-04-25",
            "2024-06-01",
        ] {
            let mut f = Filter::default();
            f.set("from", day).unwrap();
            let by_hand = all
                .iter()
                .filter(|e| e.date.end.as_deref().is_some_and(|end| end >= day))
                .count() as u64;
            assert_eq!(s.count_events(&f, None).unwrap(), by_hand, "from {day}");
            assert_eq!(
                s.events(&f, &Page::default()).unwrap().len() as u64,
                by_hand
            );
            f.set("actor", &actor).unwrap();
            let counted = s.count_events(&f, None).unwrap();
            assert_eq!(
                s.events(&f, &Page::default()).unwrap().len() as u64,
                counted
            );
            assert_eq!(s.count_events(&f, Some(1)).unwrap(), counted.min(1));
        }
    }

    #[test]
    fn changes_since_a_time_are_those_logged_after_it() {
        let (_dir, mut s) = store();
        let docs = examples();
        for part in docs.chunks(3) {
            run(&mut s, part, 3);
        }
        let all = s.changes_since("", 0, None).unwrap();
        let times: std::collections::BTreeSet<&str> = all.iter().map(|c| c.at.as_str()).collect();
        assert!(times.len() > 1);
        for since in times.iter().copied().chain(["", "9999"]) {
            for after in [0, all[all.len() / 2].seq] {
                let want: Vec<i64> = all
                    .iter()
                    .filter(|c| c.at.as_str() > since && c.seq > after)
                    .map(|c| c.seq)
                    .collect();
                let got: Vec<i64> = s
                    .changes_since(since, after, None)
                    .unwrap()
                    .iter()
                    .map(|c| c.seq)
                    .collect();
                assert_eq!(got, want, "since {since:?}, after {after}");
            }
        }
    }

    #[test]
    fn the_removal_of_an_event_is_its_last_merge_or_deletion() {
        // two stored events joined by a report: the younger is merged into the older
        let (_dir, mut s) = store();
        for report in bridged_reports() {
            run(&mut s, &[report], 2);
        }
        let log = s.changes_since("", 0, None).unwrap();
        let stored: HashSet<String> = s
            .events(&Filter::default(), &Page::default())
            .unwrap()
            .into_iter()
            .map(|e| e.id)
            .collect();
        let gone: Vec<&Change> = log.iter().filter(|c| !stored.contains(&c.event)).collect();
        assert!(gone.iter().any(|c| c.kind == ChangeKind::Merged));
        for c in &gone {
            let last = log.iter().rev().find(|l| {
                l.event == c.event && matches!(l.kind, ChangeKind::Merged | ChangeKind::Deleted)
            });
            assert_eq!(s.removal(&c.event).unwrap().as_ref(), last);
            assert!(
                last.is_some(),
                "{} left the store without a removal",
                c.event
            );
        }
        for id in &stored {
            let removed = log.iter().any(|l| {
                &l.event == id && matches!(l.kind, ChangeKind::Merged | ChangeKind::Deleted)
            });
            assert_eq!(s.removal(id).unwrap().is_some(), removed);
        }
        // the question is answered from the partial index, not by reading the log
        let plan: String = s
            .conn
            .query_row(
                "EXPLAIN QUERY PLAN SELECT seq FROM changes
                 WHERE event_id = 'x' AND kind IN ('merged', 'deleted') ORDER BY seq DESC LIMIT 1",
                [],
                |r| r.get(3),
            )
            .unwrap();
        assert!(plan.contains("changes_event"), "{plan}");
    }

    #[test]
    fn documents_are_found_by_many_hashes_and_urls_at_once_each_once() {
        let (_dir, mut s) = store();
        let docs = examples();
        run(&mut s, &docs, 50);
        let stored = s.documents_meta(&s.document_ids().unwrap()).unwrap();
        let first = &stored[0];
        // more values than one query takes, the same one in two of the queries
        let mut hashes = vec![first.content_hash.clone()];
        hashes.extend((0..IN_CHUNK).map(|n| format!("{n:064x}")));
        hashes.push(first.content_hash.clone());
        assert_eq!(s.documents_by_hash(&hashes).unwrap(), vec![first.clone()]);
        let with_url: Vec<&DocumentMeta> = stored.iter().filter(|d| d.url.is_some()).collect();
        assert!(!with_url.is_empty(), "examples with URLs");
        let urls: Vec<String> = with_url.iter().filter_map(|d| d.url.clone()).collect();
        let mut found = s.documents_by_url(&urls).unwrap();
        found.sort_by(|a, b| a.id.cmp(&b.id));
        assert_eq!(found.iter().collect::<Vec<_>>(), with_url);
        assert!(s.documents_by_url(&[]).unwrap().is_empty());
    }

    #[test]
    fn stats_add_up_to_the_total() {
        let (_dir, mut s) = store();
        run(&mut s, &examples(), 50);
        let stats = s.stats(&Filter::default(), 50).unwrap();
        let events = s.events(&Filter::default(), &Page::default()).unwrap();
        assert_eq!(stats.total, events.len() as u64);
        let dated: u64 = stats.by_day.iter().map(|t| t.count).sum();
        assert_eq!(dated + stats.undated, stats.total);
        assert_eq!(
            stats.by_type.iter().map(|t| t.count).sum::<u64>(),
            stats.total
        );
        let with_actor1 = events.iter().filter(|e| e.actor1.is_some()).count() as u64;
        let with_actor2 = events.iter().filter(|e| e.actor2.is_some()).count() as u64;
        let named: u64 = stats.by_actor.iter().map(|t| t.count).sum();
        assert_eq!(named, with_actor1 + with_actor2);
        // the actor filter counts the events of an actor, as actor1, actor2 or coalition
        let first = &stats.by_actor[0];
        let mut by_actor = Filter::default();
        by_actor.set("actor", &first.key).unwrap();
        assert!(s.count_events(&by_actor, None).unwrap() >= first.count.min(1));
    }

    #[test]
    fn links_and_search() {
        let (_dir, mut s) = store();
        let docs = examples();
        run(&mut s, &docs, 50);
        let events = s.events(&Filter::default(), &Page::default()).unwrap();
        let answering: Vec<&Event> = events
            .iter()
            .filter(|e| !e.responds_to.is_empty())
            .collect();
        assert!(!answering.is_empty(), "the examples have a retaliation");
        for e in answering {
            let links = s
                .links_touching(std::slice::from_ref(&e.responds_to[0]))
                .unwrap();
            assert!(links.contains(&(e.id.clone(), e.responds_to[0].clone())));
        }
        // a folded query without hamza finds text written with it, with its clitics
        let search = |q: &str, limit: u64, offset: u64| {
            s.search_documents(&Query::parse(q).unwrap(), limit, offset)
                .unwrap()
        };
        let with_hamza = docs.iter().filter(|d| d.text.contains("الأسد")).count() as u64;
        assert!(with_hamza > 0);
        let found = search("الاسد", 100, 0);
        assert!(found.total_exact);
        assert!(found.total >= with_hamza, "{} < {with_hamza}", found.total);
        assert_eq!(found.documents.len() as u64, found.total);
        for hit in &found.documents {
            let chars: Vec<char> = hit.document.text.chars().collect();
            let (start, end) = hit.matches[0];
            let text: String = chars[start..end].iter().collect();
            assert_eq!(
                rasid_text::fold_str(&text),
                "الاسد",
                "{}",
                hit.document.meta.id
            );
        }
        // pages of a search cover its documents once
        let ids = |page: &SearchPage| -> Vec<String> {
            page.documents
                .iter()
                .map(|h| h.document.meta.id.clone())
                .collect()
        };
        let first = search("الاسد", 1, 0);
        let rest = search("الاسد", 100, 1);
        assert_eq!([ids(&first), ids(&rest)].concat(), ids(&found));
        // a phrase: only documents with the words next to each other
        let phrase = search("عين الأسد", 100, 0);
        let with_phrase = docs.iter().filter(|d| d.text.contains("عين الأسد")).count() as u64;
        assert!(with_phrase > 0);
        assert_eq!(phrase.total, with_phrase);
        assert!(phrase.total_exact);
        // FTS syntax in a query is text, not syntax
        assert_eq!(search("\" OR * NEAR(الاسد", 10, 0).total, 0);
    }

    /// Copies a store into a new file with schema version 3 (text ids throughout, whole
    /// event bodies), the events and documents in another order than their keys'.
    fn copy_as_version_3(original: &SqliteStore, to: &Path) {
        let mut conn = Connection::open(to).unwrap();
        conn.execute_batch(
            "CREATE TABLE schema_migrations (version INTEGER PRIMARY KEY, applied TEXT NOT NULL)",
        )
        .unwrap();
        for (version, sql, _) in &MIGRATIONS[..3] {
            conn.execute_batch(sql).unwrap();
            conn.execute(
                "INSERT INTO schema_migrations VALUES (?1, '2026-01-01T00:00:00.000000Z')",
                [version],
            )
            .unwrap();
        }
        conn.execute("ATTACH ?1 AS now", [original.path().to_str().unwrap()])
            .unwrap();
        let tx = conn.transaction().unwrap();
        tx.execute_batch(
            "INSERT INTO documents (id, url, outlet, published, ingested, content_hash, text)
               SELECT id, url, outlet, published, ingested, content_hash, text
               FROM now.documents ORDER BY id DESC;
             INSERT INTO events (id, date_start, date_end, event_type, sub_event_type, country,
                 admin1, lat, lon, fatalities_min, n_sources, updated, actor1, actor2)
               SELECT id, date_start, date_end, event_type, sub_event_type, country, admin1, lat,
                 lon, fatalities_min, n_sources, updated, actor1, actor2
               FROM now.events ORDER BY id DESC;
             INSERT INTO event_actors (actor, event_id)
               SELECT a.actor, e.id FROM now.event_actors AS a JOIN now.events AS e ON e.key = a.event_key;
             INSERT INTO changes SELECT * FROM now.changes;
             INSERT OR REPLACE INTO meta SELECT * FROM now.meta;",
        )
        .unwrap();
        for e in original
            .events(&Filter::default(), &Page::default())
            .unwrap()
        {
            tx.execute(
                "INSERT INTO event_bodies (id, body) VALUES (?1, ?2)",
                params![e.id, serde_json::to_string(&e).unwrap()],
            )
            .unwrap();
            for source in &e.sources {
                tx.execute(
                    "INSERT OR IGNORE INTO sources (event_id, doc_id, claimant) VALUES (?1, ?2, ?3)",
                    params![e.id, source.doc, source.claimant.as_deref().unwrap_or("")],
                )
                .unwrap();
            }
            for target in &e.responds_to {
                tx.execute("INSERT INTO links VALUES (?1, ?2)", params![e.id, target])
                    .unwrap();
            }
        }
        let docs = original.document_ids().unwrap();
        for m in original.mentions_of_documents(&docs).unwrap() {
            let days = MatchKey::of(&m.mention).days;
            let day = |d: Option<rasid_text::Day>, any: &str| {
                d.map_or(any.to_string(), |d| d.to_string())
            };
            let (first, last) = (
                day(days.map(|d| d.0), "0000-01-01"),
                day(days.map(|d| d.1), "9999-12-31"),
            );
            tx.execute(
                "INSERT INTO mentions (doc_id, seq, event_id, event_type, sub_event_type, lat, lon,
                   possible_first, possible_last, body) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10)",
                params![
                    m.doc,
                    m.seq,
                    m.event,
                    m.mention.event_type,
                    m.mention.sub_event_type,
                    m.mention.place.lat,
                    m.mention.place.lon,
                    first,
                    last,
                    serde_json::to_string(&m.mention).unwrap()
                ],
            )
            .unwrap();
        }
        backfill_search(&tx).unwrap();
        tx.commit().unwrap();
    }

    #[test]
    fn a_version_3_store_is_migrated_to_keys_and_grows_as_the_store_it_was_copied_from() {
        let docs = examples();
        let (first, second) = docs.split_at(docs.len() / 2);
        let (_dir, mut original) = store();
        run(&mut original, first, 3);
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("v3.db");
        copy_as_version_3(&original, &path);
        let mut migrated = SqliteStore::open(&path).unwrap();
        let all = |s: &SqliteStore| s.events_json(&Filter::default(), &Page::default()).unwrap();
        assert_eq!(all(&migrated), all(&original));
        assert_eq!(migrated.counts().unwrap(), original.counts().unwrap());
        let ids: Vec<String> = docs.iter().map(|d| d.id.clone()).collect();
        let mentions = |s: &SqliteStore| -> Vec<(String, u32, u32, String, String)> {
            let stored = s.mentions_of_documents(&ids).unwrap();
            stored
                .into_iter()
                .map(|m| {
                    let body = serde_json::to_string(&m.mention).unwrap();
                    (m.doc, m.seq, m.cluster, m.event, body)
                })
                .collect()
        };
        assert!(!mentions(&original).is_empty());
        assert_eq!(mentions(&migrated), mentions(&original));
        let query = Query::parse("الاسد").unwrap();
        assert_eq!(
            migrated.search_documents(&query, 100, 0).unwrap(),
            original.search_documents(&query, 100, 0).unwrap()
        );
        // the second half merges with the migrated mentions as with the original ones
        let grown = run(&mut original, second, 3);
        assert_eq!(run(&mut migrated, second, 3), grown);
        assert!(grown.events_merged + grown.events_updated > 0);
        assert_eq!(all(&migrated), all(&original));
        assert_eq!(
            migrated.events_of_documents(&ids).unwrap(),
            original.events_of_documents(&ids).unwrap()
        );
    }

    #[test]
    fn a_version_1_store_is_migrated_with_its_events_and_documents() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("v1.db");
        let docs = examples();
        let events = extract_events(&docs, lex());
        {
            let conn = Connection::open(&path).unwrap();
            conn.execute_batch(MIGRATIONS[0].1).unwrap();
            conn.execute_batch(
                "CREATE TABLE schema_migrations (version INTEGER PRIMARY KEY, applied TEXT NOT NULL);
                 INSERT INTO schema_migrations VALUES (1, '2026-01-01T00:00:00.000000Z');",
            )
            .unwrap();
            for d in &docs {
                conn.execute(
                    "INSERT INTO documents (id, ingested, content_hash, text) VALUES (?1, '', '', ?2)",
                    params![d.id, d.text],
                )
                .unwrap();
            }
            for e in &events {
                conn.execute(
                    "INSERT INTO events (id, event_type, sub_event_type, actor_names, n_sources, updated, body)
                     VALUES (?1, ?2, ?3, '', 1, '', ?4)",
                    params![e.id, e.event_type, e.sub_event_type, serde_json::to_string(e).unwrap()],
                )
                .unwrap();
            }
        }
        let s = SqliteStore::open(&path).unwrap();
        let e = events.iter().find(|e| e.actor1.is_some()).unwrap();
        let name = &e.actor1.as_ref().unwrap().name;
        let mut filter = Filter::default();
        filter.set("actor", name).unwrap();
        let found = s.events(&filter, &Page::default()).unwrap();
        assert!(found.iter().any(|f| f.id == e.id));
        let stats = s.stats(&Filter::default(), 10).unwrap();
        assert!(stats.by_actor.iter().any(|t| &t.key == name));
        let query = Query::parse("الاسد").unwrap();
        assert!(s.search_documents(&query, 10, 0).unwrap().total > 0);
    }

    #[test]
    fn an_empty_file_is_no_store_and_a_new_store_is_made_whole() {
        let dir = tempfile::tempdir().unwrap();
        let empty = dir.path().join("empty.db");
        std::fs::write(&empty, b"").unwrap();
        for opened in [
            SqliteStore::open(&empty).err(),
            SqliteStore::open_for_reading(&empty).err(),
            SqliteStore::open_read_only(&empty).err(),
        ] {
            let e = opened.expect("an empty file is refused");
            assert_eq!(e.kind, ErrorKind::Damaged);
            assert!(e.message.contains("empty (0 bytes)"), "{e}");
        }
        assert_eq!(std::fs::metadata(&empty).unwrap().len(), 0);
        // a new store: one file with its schema, nothing left beside it
        let new = dir.path().join("new.db");
        drop(SqliteStore::open(&new).unwrap());
        let mut names: Vec<String> = std::fs::read_dir(dir.path())
            .unwrap()
            .map(|e| e.unwrap().file_name().to_string_lossy().to_string())
            .collect();
        names.sort();
        assert_eq!(names, ["empty.db", "new.db"]);
        let newest = MIGRATIONS.last().unwrap().0;
        assert_eq!(
            SqliteStore::open_read_only(&new)
                .unwrap()
                .schema_version()
                .unwrap(),
            newest
        );
    }

    /// A store of the examples, closed, with the path of its file.
    fn closed_store() -> (tempfile::TempDir, PathBuf) {
        let (dir, mut s) = store();
        run(&mut s, &examples(), 50);
        let path = s.path().to_path_buf();
        drop(s);
        (dir, path)
    }

    #[test]
    fn a_damaged_page_is_found_before_anything_is_written_on_it() {
        let (_dir, path) = closed_store();
        let mut bytes = std::fs::read(&path).unwrap();
        let page = 32768;
        assert!(bytes.len() > 4 * page);
        // the third page, whatever it holds, becomes noise
        for (i, b) in bytes[2 * page..3 * page].iter_mut().enumerate() {
            *b = (i * 7 + 13) as u8;
        }
        std::fs::write(&path, &bytes).unwrap();
        let e = SqliteStore::open(&path)
            .err()
            .expect("a damaged store is refused");
        assert_eq!(e.kind, ErrorKind::Damaged, "{e}");
        assert!(e.message.contains("damaged"), "{e}");
        assert_eq!(std::fs::read(&path).unwrap(), bytes, "nothing written");
        let reader = SqliteStore::open_read_only(&path).unwrap();
        assert!(!reader.check().unwrap().is_empty());
    }

    #[test]
    fn a_stored_value_that_does_not_parse_is_damage_and_said_so() {
        let (_dir, path) = closed_store();
        assert_eq!(
            SqliteStore::open_read_only(&path).unwrap().check().unwrap(),
            Vec::<String>::new()
        );
        {
            // a stored body (what reads serve) and another event's summary (what reports
            // join) cut short
            let conn = Connection::open(&path).unwrap();
            for sql in [
                "UPDATE event_bodies SET body = '{\"id\": ' WHERE event_key = (SELECT MIN(event_key) FROM event_bodies)",
                "UPDATE event_summaries SET summary = '{\"event_type\": ' WHERE event_key = (SELECT MAX(event_key) FROM event_summaries)",
            ] {
                conn.execute(sql, []).unwrap();
            }
        }
        let s = SqliteStore::open_read_only(&path).unwrap();
        let e = s
            .events_json(&Filter::default(), &Page::default())
            .unwrap_err();
        assert_eq!(e.kind, ErrorKind::Damaged);
        assert!(e.message.contains("does not parse"), "{e}");
        let problems = s.check().unwrap();
        assert_eq!(problems.len(), 2, "{problems:?}");
        assert!(problems[0].contains("the summary of event"), "{problems:?}");
        assert!(problems[1].contains("the body of event"), "{problems:?}");
    }

    #[test]
    fn a_store_that_cannot_be_written_is_read_as_it_is_on_disk() {
        use std::os::unix::fs::PermissionsExt;
        let (dir, path) = closed_store();
        let expected = SqliteStore::open_read_only(&path)
            .unwrap()
            .events_json(&Filter::default(), &Page::default())
            .unwrap();
        let mode = |p: &Path, m: u32| {
            std::fs::set_permissions(p, std::fs::Permissions::from_mode(m)).unwrap()
        };
        mode(&path, 0o444);
        mode(dir.path(), 0o555);
        let read = SqliteStore::open_for_reading(&path).map(|s| {
            let events = s.events_json(&Filter::default(), &Page::default());
            (s.immutable(), events)
        });
        mode(dir.path(), 0o755);
        mode(&path, 0o644);
        let (immutable, events) = read.unwrap();
        assert!(immutable);
        assert_eq!(events.unwrap(), expected);
    }

    #[test]
    fn a_store_on_a_read_only_mount_is_read_as_it_is_on_disk() {
        let (dir, path) = closed_store();
        let expected = SqliteStore::open_read_only(&path)
            .unwrap()
            .events_json(&Filter::default(), &Page::default())
            .unwrap();
        let mount = dir.path().join("ro");
        std::fs::create_dir(&mount).unwrap();
        let run = |args: &[&str]| {
            std::process::Command::new(args[0])
                .args(&args[1..])
                .stderr(std::process::Stdio::null())
                .status()
                .is_ok_and(|s| s.success())
        };
        let (from, to) = (dir.path().to_str().unwrap(), mount.to_str().unwrap());
        if !(run(&["mount", "--bind", from, to]) && run(&["mount", "-o", "remount,ro,bind", to])) {
            let _ = run(&["umount", to]);
            eprintln!("skipped: no read-only bind mount here (needs root and mount)");
            return;
        }
        let read = SqliteStore::open_for_reading(&mount.join(path.file_name().unwrap())).map(|s| {
            let events = s.events_json(&Filter::default(), &Page::default());
            (s.immutable(), events)
        });
        assert!(run(&["umount", to]));
        // SQLite reads a cleanly closed store without its shared memory file; one it
        // cannot read so is opened as it is on disk
        let (_, events) = read.unwrap();
        assert_eq!(events.unwrap(), expected);
    }

    #[test]
    fn an_event_of_many_documents_is_put_together_when_read() {
        let docs = crate::testing::one_act_told(BODY_DOCUMENTS as usize + 6);
        let (_dir, mut s) = store();
        run(&mut s, &docs[..10], 7);
        let bodies = |s: &SqliteStore| -> i64 {
            s.conn
                .query_row("SELECT COUNT(*) FROM event_bodies", [], |r| r.get(0))
                .unwrap()
        };
        assert_eq!(bodies(&s), 1);
        run(&mut s, &docs[10..], 7);
        let events = s.events(&Filter::default(), &Page::default()).unwrap();
        assert_eq!(events.len(), 1);
        assert_eq!(events[0].docs.len(), docs.len());
        assert_eq!(
            bodies(&s),
            0,
            "no body kept past {BODY_DOCUMENTS} documents"
        );
        assert_eq!(events, extract_events(&docs, lex()));
        assert_eq!(s.events_by_id(&[events[0].id.clone()]).unwrap(), events);
    }
}
