//! The default store: one SQLite file, written in WAL mode, one transaction per batch.

use crate::filter::SqlValue;
use crate::{
    Batch, Change, ChangeKind, Counts, DocumentMeta, Filter, Probe, Result, Store, StoreError,
    StoredDocument, StoredMentions,
};
use rasid_merge::Event;
use rusqlite::{params, params_from_iter, Connection, OptionalExtension};
use std::path::{Path, PathBuf};

/// Schema migrations in order: version, SQL.
const MIGRATIONS: &[(i64, &str)] = &[(1, include_str!("migrations/sqlite/0001_init.sql"))];

/// The stored days of a mention whose act may lie on any day.
const ANY_DAY: (&str, &str) = ("0000-01-01", "9999-12-31");

/// Most ids bound in one `IN (…)` list (SQLite allows 32,766 parameters).
const IN_CHUNK: usize = 500;

pub struct SqliteStore {
    conn: Connection,
    path: PathBuf,
}

fn fail<'a>(path: &'a Path, doing: &str) -> impl Fn(rusqlite::Error) -> StoreError + 'a {
    let doing = doing.to_string();
    move |e| StoreError(format!("{}: {doing}: {e}", path.display()))
}

impl SqliteStore {
    /// Opens the store at `path`, creating the file and its schema if needed.
    pub fn open(path: &Path) -> Result<SqliteStore> {
        let conn = Connection::open(path).map_err(fail(path, "cannot open the database"))?;
        // every statement of a batch stays prepared (the default cache holds 16)
        conn.set_prepared_statement_cache_capacity(64);
        let mut store = SqliteStore {
            conn,
            path: path.to_path_buf(),
        };
        store.configure()?;
        store.migrate()?;
        Ok(store)
    }

    pub fn path(&self) -> &Path {
        &self.path
    }

    fn configure(&self) -> Result<()> {
        // WAL: a killed process leaves the last committed batch intact; NORMAL sync is
        // durable against process crashes (a power cut may lose the last commits). A 64 MiB
        // page cache keeps the indexes that batches write all over (ids are hashes) in memory.
        self.conn
            .execute_batch(
                "PRAGMA page_size = 8192; PRAGMA journal_mode = WAL; PRAGMA synchronous = NORMAL; PRAGMA foreign_keys = ON;
                 PRAGMA cache_size = -65536; PRAGMA temp_store = MEMORY; PRAGMA wal_autocheckpoint = 16384;",
            )
            .map_err(fail(&self.path, "not a rasid database (or not SQLite)"))?;
        self.conn
            .busy_timeout(std::time::Duration::from_secs(10))
            .map_err(fail(&self.path, "cannot set the busy timeout"))
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
            return Err(StoreError(format!(
                "{}: schema version {current} was written by a newer rasid (this one knows up to {newest})",
                path.display()
            )));
        }
        for (version, sql) in MIGRATIONS.iter().filter(|m| m.0 > current) {
            let tx = self
                .conn
                .transaction()
                .map_err(fail(&path, "cannot start a migration"))?;
            tx.execute_batch(sql)
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

    fn document_where(&self, cond: &str, value: &str) -> Result<Option<DocumentMeta>> {
        let sql = format!(
            "SELECT id, url, outlet, published, ingested, content_hash FROM documents WHERE {cond} LIMIT 1"
        );
        self.conn
            .prepare_cached(&sql)
            .and_then(|mut st| st.query_row([value], Self::meta_row).optional())
            .map_err(fail(&self.path, "cannot read documents"))
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

    fn parse_event(&self, body: &str) -> Result<Event> {
        serde_json::from_str(body).map_err(|e| {
            StoreError(format!(
                "{}: a stored event does not parse: {e}",
                self.path.display()
            ))
        })
    }
}

fn to_sql(v: &SqlValue) -> rusqlite::types::Value {
    match v {
        SqlValue::Text(s) => rusqlite::types::Value::Text(s.clone()),
        SqlValue::Real(r) => rusqlite::types::Value::Real(*r),
        SqlValue::Int(i) => rusqlite::types::Value::Integer(*i),
    }
}

/// `|name|coalition|…|` of both actors, lower case, for the actor filter.
fn actor_names(e: &Event) -> String {
    let mut names = String::from("|");
    for a in [&e.actor1, &e.actor2].into_iter().flatten() {
        for n in std::iter::once(&a.name).chain(&a.parents) {
            names.push_str(&n.to_lowercase());
            names.push('|');
        }
    }
    names
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

    fn document_by_id(&self, id: &str) -> Result<Option<DocumentMeta>> {
        self.document_where("id = ?1", id)
    }

    fn document_by_url(&self, url: &str) -> Result<Option<DocumentMeta>> {
        self.document_where("url = ?1", url)
    }

    fn document_by_hash(&self, hash: &str) -> Result<Option<DocumentMeta>> {
        self.document_where("content_hash = ?1", hash)
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
        let mut out = Vec::new();
        for chunk in ids.chunks(IN_CHUNK) {
            let sql = format!(
                "SELECT id, url, outlet, published, ingested, content_hash FROM documents WHERE id IN ({}) ORDER BY id",
                vec!["?"; chunk.len()].join(",")
            );
            let rows = self
                .conn
                .prepare_cached(&sql)
                .and_then(|mut st| {
                    st.query_map(params_from_iter(chunk), Self::meta_row)?
                        .collect::<rusqlite::Result<Vec<_>>>()
                })
                .map_err(fail(&self.path, "cannot read documents"))?;
            out.extend(rows);
        }
        Ok(out)
    }

    fn events_near(&self, p: &Probe) -> Result<Vec<String>> {
        let (first, last) = match &p.days {
            Some((first, last)) => (first.as_str(), last.as_str()),
            None => (ANY_DAY.0, ANY_DAY.1),
        };
        self.conn
            .prepare_cached(
                "SELECT event_id FROM mentions
                 WHERE event_type = ?1 AND sub_event_type = ?2 AND possible_last >= ?3
                   AND possible_first <= ?4 AND lat >= ?5 AND lat <= ?6 AND lon >= ?7 AND lon <= ?8",
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
                    |r| r.get(0),
                )?
                .collect::<rusqlite::Result<Vec<_>>>()
            })
            .map_err(fail(&self.path, "cannot search mentions"))
    }

    fn documents_of_events(&self, events: &[String]) -> Result<Vec<String>> {
        self.strings_for("SELECT doc_id FROM mentions WHERE event_id = ?1", events)
    }

    fn events_of_documents(&self, docs: &[String]) -> Result<Vec<String>> {
        self.strings_for("SELECT event_id FROM mentions WHERE doc_id = ?1", docs)
    }

    fn mentions_of_documents(&self, docs: &[String]) -> Result<Vec<StoredMentions>> {
        let mut out: Vec<StoredMentions> = Vec::new();
        for chunk in docs.chunks(IN_CHUNK) {
            let sql = format!(
                "SELECT doc_id, event_id, body FROM mentions WHERE doc_id IN ({}) ORDER BY doc_id, seq",
                vec!["?"; chunk.len()].join(",")
            );
            let rows = self
                .conn
                .prepare_cached(&sql)
                .and_then(|mut st| {
                    st.query_map(params_from_iter(chunk), |r| {
                        Ok((
                            r.get::<_, String>(0)?,
                            r.get::<_, String>(1)?,
                            r.get::<_, String>(2)?,
                        ))
                    })?
                    .collect::<rusqlite::Result<Vec<_>>>()
                })
                .map_err(fail(&self.path, "cannot read mentions"))?;
            for (doc, event, body) in rows {
                let mention = serde_json::from_str(&body).map_err(|e| {
                    StoreError(format!(
                        "{}: a stored mention of {doc} does not parse: {e}",
                        self.path.display()
                    ))
                })?;
                match out.last_mut() {
                    Some(last) if last.doc == doc => last.mentions.push((event, mention)),
                    _ => out.push(StoredMentions {
                        doc,
                        mentions: vec![(event, mention)],
                    }),
                }
            }
        }
        Ok(out)
    }

    fn events_by_id(&self, ids: &[String]) -> Result<Vec<Event>> {
        let bodies = self.strings_for("SELECT body FROM events WHERE id = ?1", ids)?;
        let mut events = bodies
            .iter()
            .map(|b| self.parse_event(b))
            .collect::<Result<Vec<Event>>>()?;
        events.sort_by(|a, b| a.id.cmp(&b.id));
        Ok(events)
    }

    fn events(&self, filter: &Filter, limit: Option<u64>) -> Result<Vec<Event>> {
        let (cond, mut values) = filter.sql(|n| format!("?{n}"));
        let limit = match limit {
            Some(n) => {
                values.push(SqlValue::Int(i64::try_from(n).unwrap_or(i64::MAX)));
                format!(" LIMIT ?{}", values.len())
            }
            None => String::new(),
        };
        let sql = format!(
            "SELECT body FROM events WHERE {cond} ORDER BY date_start IS NULL, date_start, id{limit}"
        );
        let values: Vec<rusqlite::types::Value> = values.iter().map(to_sql).collect();
        let bodies = self
            .conn
            .prepare_cached(&sql)
            .and_then(|mut st| {
                st.query_map(params_from_iter(values), |r| r.get::<_, String>(0))?
                    .collect::<rusqlite::Result<Vec<_>>>()
            })
            .map_err(fail(&self.path, "cannot read events"))?;
        bodies.iter().map(|b| self.parse_event(b)).collect()
    }

    fn count_events(&self, filter: &Filter) -> Result<u64> {
        let (cond, values) = filter.sql(|n| format!("?{n}"));
        let values: Vec<rusqlite::types::Value> = values.iter().map(to_sql).collect();
        self.conn
            .prepare_cached(&format!("SELECT COUNT(*) FROM events WHERE {cond}"))
            .and_then(|mut st| st.query_row(params_from_iter(values), |r| r.get::<_, i64>(0)))
            .map(|n| n as u64)
            .map_err(fail(&self.path, "cannot count events"))
    }

    fn changes_since(&self, since: &str) -> Result<Vec<Change>> {
        let rows = self
            .conn
            .prepare_cached(
                "SELECT seq, at, kind, event_id, into_id FROM changes WHERE at > ?1 ORDER BY seq",
            )
            .and_then(|mut st| {
                st.query_map([since], |r| {
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
                    StoreError(format!(
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

    fn apply(&mut self, batch: Batch) -> Result<()> {
        let path = self.path.clone();
        let tx = self
            .conn
            .transaction()
            .map_err(fail(&path, "cannot start a transaction"))?;
        let run = |tx: &rusqlite::Transaction| -> rusqlite::Result<()> {
            for id in &batch.delete_documents {
                tx.prepare_cached("DELETE FROM documents WHERE id = ?1")?
                    .execute([id])?;
                tx.prepare_cached("DELETE FROM mentions WHERE doc_id = ?1")?
                    .execute([id])?;
            }
            for d in &batch.put_documents {
                let m = &d.meta;
                tx.prepare_cached(
                    "INSERT INTO documents (id, url, outlet, published, ingested, content_hash, text)
                     VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)
                     ON CONFLICT (id) DO UPDATE SET url = excluded.url, outlet = excluded.outlet,
                       published = excluded.published, ingested = excluded.ingested,
                       content_hash = excluded.content_hash, text = excluded.text",
                )?
                .execute(params![m.id, m.url, m.outlet, m.published, m.ingested, m.content_hash, d.text])?;
            }
            for dm in &batch.put_mentions {
                tx.prepare_cached("DELETE FROM mentions WHERE doc_id = ?1")?
                    .execute([&dm.doc])?;
                let mut insert = tx.prepare_cached(
                    "INSERT INTO mentions (doc_id, seq, event_id, event_type, sub_event_type, lat, lon, possible_first, possible_last, body)
                     VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10)",
                )?;
                for (seq, (event, m)) in dm.mentions.iter().enumerate() {
                    let days =
                        rasid_merge::possible_days(m).map(|(f, l)| (f.to_string(), l.to_string()));
                    let (first, last) = match &days {
                        Some((f, l)) => (f.as_str(), l.as_str()),
                        None => ANY_DAY,
                    };
                    let body = serde_json::to_string(m)
                        .map_err(|e| rusqlite::Error::ToSqlConversionFailure(Box::new(e)))?;
                    insert.execute(params![
                        dm.doc,
                        seq as i64,
                        event,
                        m.event_type,
                        m.sub_event_type,
                        m.place.lat,
                        m.place.lon,
                        first,
                        last,
                        body
                    ])?;
                }
            }
            for id in &batch.delete_events {
                for sql in [
                    "DELETE FROM events WHERE id = ?1",
                    "DELETE FROM sources WHERE event_id = ?1",
                    "DELETE FROM links WHERE event_id = ?1",
                ] {
                    tx.prepare_cached(sql)?.execute([id])?;
                }
            }
            let now = crate::time::now();
            // a new event has no sources or links to replace
            let new: std::collections::HashSet<&str> = batch
                .changes
                .iter()
                .filter(|c| c.0 == ChangeKind::New)
                .map(|c| c.1.as_str())
                .collect();
            for e in &batch.put_events {
                let body = serde_json::to_string(e)
                    .map_err(|err| rusqlite::Error::ToSqlConversionFailure(Box::new(err)))?;
                let loc = e.location.as_ref();
                tx.prepare_cached(
                    "INSERT INTO events (id, date_start, date_end, event_type, sub_event_type, country, admin1,
                       lat, lon, actor_names, fatalities_min, n_sources, updated, body)
                     VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14)
                     ON CONFLICT (id) DO UPDATE SET date_start = excluded.date_start,
                       date_end = excluded.date_end, event_type = excluded.event_type,
                       sub_event_type = excluded.sub_event_type, country = excluded.country,
                       admin1 = excluded.admin1, lat = excluded.lat, lon = excluded.lon,
                       actor_names = excluded.actor_names, fatalities_min = excluded.fatalities_min,
                       n_sources = excluded.n_sources, updated = excluded.updated, body = excluded.body",
                )?
                .execute(params![
                    e.id,
                    e.date.start,
                    e.date.end,
                    e.event_type,
                    e.sub_event_type,
                    loc.map(|l| &l.country),
                    loc.map(|l| &l.admin1),
                    loc.map(|l| l.lat),
                    loc.map(|l| l.lon),
                    actor_names(e),
                    e.fatalities.map(|f| i64::from(f.min)),
                    e.docs.len() as i64,
                    now,
                    body
                ])?;
                if !new.contains(e.id.as_str()) {
                    tx.prepare_cached("DELETE FROM sources WHERE event_id = ?1")?
                        .execute([&e.id])?;
                    tx.prepare_cached("DELETE FROM links WHERE event_id = ?1")?
                        .execute([&e.id])?;
                }
                for s in &e.sources {
                    tx.prepare_cached(
                        "INSERT INTO sources (event_id, doc_id, claimant) VALUES (?1, ?2, ?3)
                         ON CONFLICT DO NOTHING",
                    )?
                    .execute(params![
                        e.id,
                        s.doc,
                        s.claimant.as_deref().unwrap_or("")
                    ])?;
                }
                for target in &e.responds_to {
                    tx.prepare_cached(
                        "INSERT INTO links (event_id, responds_to) VALUES (?1, ?2) ON CONFLICT DO NOTHING",
                    )?
                    .execute(params![e.id, target])?;
                }
            }
            if !batch.changes.is_empty() {
                // the log's times never go back, even if the clock does
                let last: Option<String> =
                    tx.query_row("SELECT MAX(at) FROM changes", [], |r| r.get(0))?;
                let at = last.filter(|l| *l > now).unwrap_or(now);
                let mut insert = tx.prepare_cached(
                    "INSERT INTO changes (at, kind, event_id, into_id) VALUES (?1, ?2, ?3, ?4)",
                )?;
                for (kind, event, into) in &batch.changes {
                    insert.execute(params![at, kind.as_str(), event, into])?;
                }
            }
            if let Some(f) = &batch.extraction_fingerprint {
                tx.prepare_cached(
                    "INSERT INTO meta (key, value) VALUES ('extraction_fingerprint', ?1)
                     ON CONFLICT (key) DO UPDATE SET value = excluded.value",
                )?
                .execute([f])?;
            }
            Ok(())
        };
        run(&tx).map_err(fail(
            &path,
            "cannot write a batch (nothing of it was stored)",
        ))?;
        tx.commit().map_err(fail(
            &path,
            "cannot commit a batch (nothing of it was stored)",
        ))
    }
}
