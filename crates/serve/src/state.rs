//! What the server holds: the store's readers, the writer (only when a token is
//! configured), the token and the CORS origin.

use crate::error::ApiError;
use axum::http::HeaderValue;
use rasid_lexicons::Lexicons;
use rasid_store::SqliteStore;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};
use tokio::sync::Semaphore;

/// How `rasid serve` is set up.
pub struct Config {
    pub db: PathBuf,
    /// The bearer token `POST /api/documents` needs; without one the server is read-only.
    pub token: Option<String>,
    /// The one origin allowed to call the API from another site; without one, no CORS.
    pub cors_origin: Option<String>,
    /// The lexicons new documents are extracted with (used only with a token).
    pub lexicons: Option<Lexicons>,
}

/// The store's writer and what ingest needs.
pub struct Writer {
    pub store: SqliteStore,
    pub lexicons: Lexicons,
}

pub struct App {
    path: PathBuf,
    /// Idle read-only connections, reused across requests.
    readers: Mutex<Vec<SqliteStore>>,
    /// At most this many queries run at once (one connection each).
    reading: Arc<Semaphore>,
    writer: Option<Mutex<Writer>>,
    pub token: Option<String>,
    /// The CORS origin, checked once at start-up.
    pub cors_origin: Option<HeaderValue>,
}

/// Queries running at once: enough to keep both cores and the disk busy, few enough that
/// a burst waits instead of opening a connection per request.
const READERS: usize = 8;

/// The shortest token accepted: shorter ones are guessable.
pub const MIN_TOKEN_LEN: usize = 16;

impl App {
    /// Opens the store (migrating it to the current schema) and checks the configuration.
    pub fn open(config: Config) -> Result<App, String> {
        let path = config.db;
        if !path.exists() {
            return Err(format!(
                "{}: no such store; create it with `rasid ingest --db {} INPUT...`",
                path.display(),
                path.display()
            ));
        }
        let writer = match config.token {
            Some(ref token) => {
                let store = SqliteStore::open(&path).map_err(|e| e.to_string())?;
                if token.chars().count() < MIN_TOKEN_LEN {
                    return Err(format!(
                        "the token must have at least {MIN_TOKEN_LEN} characters"
                    ));
                }
                let lexicons = match config.lexicons {
                    Some(l) => l,
                    None => Lexicons::embedded().map_err(|e| e.to_string())?,
                };
                Some(Mutex::new(Writer { store, lexicons }))
            }
            None => {
                // upgrades an old schema where the store can be written; reads it as it is
                // on disk where it cannot
                let store = SqliteStore::open_for_reading(&path).map_err(|e| e.to_string())?;
                if store.immutable() {
                    eprintln!(
                        "rasid serve: {}: its folder cannot be written (read-only media?): serving the store as it is on disk",
                        path.display()
                    );
                }
                None
            }
        };
        let cors_origin = config.cors_origin.as_deref().map(cors_origin).transpose()?;
        let first_reader = SqliteStore::open_read_only(&path).map_err(|e| e.to_string())?;
        Ok(App {
            path,
            readers: Mutex::new(vec![first_reader]),
            reading: Arc::new(Semaphore::new(READERS)),
            writer,
            token: config.token,
            cors_origin,
        })
    }

    pub fn path(&self) -> &Path {
        &self.path
    }

    pub fn writable(&self) -> bool {
        self.writer.is_some()
    }

    /// Runs a query on a read-only connection, off the async threads.
    pub async fn read<R, F>(self: &Arc<Self>, query: F) -> Result<R, ApiError>
    where
        R: Send + 'static,
        F: FnOnce(&SqliteStore) -> Result<R, ApiError> + Send + 'static,
    {
        // the slot goes with the query: a client that leaves does not free it early
        let slot = Arc::clone(&self.reading)
            .acquire_owned()
            .await
            .map_err(|_| ApiError::internal("the server is shutting down"))?;
        let app = Arc::clone(self);
        tokio::task::spawn_blocking(move || {
            let _slot = slot;
            let idle = app.readers.lock().map(|mut r| r.pop()).unwrap_or(None);
            let store = match idle {
                Some(s) => s,
                None => SqliteStore::open_read_only(&app.path)
                    .map_err(|e| app.logged(ApiError::from(e)))?,
            };
            let result = query(&store).map_err(|e| app.logged(e));
            if let Ok(mut readers) = app.readers.lock() {
                readers.push(store);
            }
            result
        })
        .await
        .map_err(|e| ApiError::internal(format!("a query failed: {e}")))?
    }

    /// The error with the store error behind it (if any) logged, naming this store.
    fn logged(&self, mut e: ApiError) -> ApiError {
        e.log_store_error(&self.path);
        e
    }

    /// Runs a write with the writer, off the async threads; `None` when read-only.
    pub async fn write<R, F>(self: &Arc<Self>, work: F) -> Option<Result<R, ApiError>>
    where
        R: Send + 'static,
        F: FnOnce(&mut Writer) -> Result<R, ApiError> + Send + 'static,
    {
        self.writer.as_ref()?;
        let app = Arc::clone(self);
        let joined = tokio::task::spawn_blocking(move || {
            let writer = app.writer.as_ref().expect("checked above");
            // a panic while writing leaves no half batch (the transaction rolls back)
            let mut w = writer.lock().unwrap_or_else(|p| p.into_inner());
            work(&mut w).map_err(|e| app.logged(e))
        })
        .await;
        Some(joined.unwrap_or_else(|e| Err(ApiError::internal(format!("a write failed: {e}")))))
    }
}

/// An origin as browsers send it (`scheme://host[:port]`, nothing after), as a header value.
fn cors_origin(origin: &str) -> Result<HeaderValue, String> {
    let bad = || {
        format!("--cors-origin {origin:?}: give an origin such as https://example.org (scheme and host, no path)")
    };
    let (scheme, host) = origin.split_once("://").ok_or_else(bad)?;
    let fine = matches!(scheme, "http" | "https")
        && !host.is_empty()
        && !host.contains(['/', '?', '#', ' ']);
    if !fine {
        return Err(bad());
    }
    HeaderValue::from_str(origin).map_err(|_| bad())
}

#[cfg(test)]
mod tests {
    use super::cors_origin;

    #[test]
    fn a_cors_origin_is_a_scheme_and_a_host() {
        for good in ["https://example.org", "http://127.0.0.1:8080"] {
            assert_eq!(cors_origin(good).unwrap(), good);
        }
        for bad in [
            "example.org",
            "https://example.org/",
            "ftp://x",
            "https://",
            "https://a b",
        ] {
            assert!(
                cors_origin(bad).unwrap_err().contains("--cors-origin"),
                "{bad}"
            );
        }
    }
}
