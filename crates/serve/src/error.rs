//! API errors: a status and a message saying what is wrong, as `{"error": "..."}`.
//!
//! A store error gets the status its kind calls for — busy: 503 with `Retry-After`, so that
//! a client tries again; disk full: 507; damaged and the rest: 500 — and a line on standard
//! error for the operator, naming the store and the cause, which the client does not see.

use axum::http::{header, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::Json;
use rasid_store::{ErrorKind, StoreError};
use std::path::Path;

/// Seconds a client is asked to wait before trying a busy store again: the writer holding
/// it commits a batch at a time, seconds apart at most.
pub const BUSY_RETRY_AFTER_SECS: u32 = 5;

#[derive(Debug)]
pub struct ApiError {
    pub status: StatusCode,
    pub message: String,
    /// `Retry-After` seconds, for a 503.
    pub retry_after: Option<u32>,
    /// The store error behind a 5xx, not yet logged: [`crate::App`] logs it with the
    /// store's path (or the response does, without it).
    pub store_error: Option<StoreError>,
}

impl ApiError {
    pub fn new(status: StatusCode, message: impl Into<String>) -> ApiError {
        ApiError {
            status,
            message: message.into(),
            retry_after: None,
            store_error: None,
        }
    }

    pub fn bad_request(message: impl Into<String>) -> ApiError {
        ApiError::new(StatusCode::BAD_REQUEST, message)
    }

    pub fn not_found(message: impl Into<String>) -> ApiError {
        ApiError::new(StatusCode::NOT_FOUND, message)
    }

    pub fn internal(message: impl Into<String>) -> ApiError {
        ApiError::new(StatusCode::INTERNAL_SERVER_ERROR, message)
    }

    /// Logs the store error behind this one, once, naming the store.
    pub fn log_store_error(&mut self, store: &Path) {
        if let Some(e) = self.store_error.take() {
            eprintln!("{}", store_log_line(Some(store), &e));
        }
    }
}

/// The operator's line for a store error: what kind of failure, the store, the cause.
fn store_log_line(store: Option<&Path>, e: &StoreError) -> String {
    let what = match e.kind {
        ErrorKind::Busy => "the store is busy with another writer",
        ErrorKind::Full => "the disk is full; nothing was stored",
        ErrorKind::Damaged => "the store is damaged",
        ErrorKind::ReadOnly => "the store cannot be written",
        ErrorKind::Other => "the store failed",
    };
    match store {
        // the cause usually starts with the path already
        Some(path) if !e.message.starts_with(&path.display().to_string()) => {
            format!("rasid serve: {what}: {}: {e}", path.display())
        }
        _ => format!("rasid serve: {what}: {e}"),
    }
}

impl From<StoreError> for ApiError {
    fn from(e: StoreError) -> ApiError {
        // the client gets what it can act on; the path and cause go to the log
        let mut error = match e.kind {
            ErrorKind::Busy => ApiError {
                retry_after: Some(BUSY_RETRY_AFTER_SECS),
                ..ApiError::new(
                    StatusCode::SERVICE_UNAVAILABLE,
                    format!(
                        "the store is busy with another writer; try again in {BUSY_RETRY_AFTER_SECS} seconds"
                    ),
                )
            },
            ErrorKind::Full => ApiError::new(
                StatusCode::INSUFFICIENT_STORAGE,
                "the disk is full; nothing was stored",
            ),
            ErrorKind::Damaged => ApiError::internal(
                "the store is damaged; the server log says more",
            ),
            ErrorKind::ReadOnly | ErrorKind::Other => {
                ApiError::internal("the store could not be read; the server log says why")
            }
        };
        error.store_error = Some(e);
        error
    }
}

impl IntoResponse for ApiError {
    fn into_response(mut self) -> Response {
        if let Some(e) = self.store_error.take() {
            eprintln!("{}", store_log_line(None, &e));
        }
        let mut response = (
            self.status,
            Json(serde_json::json!({ "error": self.message })),
        )
            .into_response();
        if let Some(seconds) = self.retry_after {
            response
                .headers_mut()
                .insert(header::RETRY_AFTER, HeaderValue::from(seconds));
        }
        response
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The message and the response a store error of this kind gives.
    fn answer(kind: ErrorKind) -> (String, Response) {
        let e = ApiError::from(StoreError::new(
            kind,
            "/srv/rasid.db: writing a batch: disk I/O error",
        ));
        let message = e.message.clone();
        (message, e.into_response())
    }

    #[test]
    fn a_busy_store_asks_the_client_to_come_back() {
        let (message, response) = answer(ErrorKind::Busy);
        assert!(message.contains("busy with another writer"), "{message}");
        assert_eq!(response.status(), StatusCode::SERVICE_UNAVAILABLE);
        assert_eq!(
            response.headers()[header::RETRY_AFTER],
            BUSY_RETRY_AFTER_SECS.to_string()
        );
    }

    #[test]
    fn a_full_disk_is_507_and_says_nothing_was_stored() {
        let (message, response) = answer(ErrorKind::Full);
        assert_eq!(response.status(), StatusCode::INSUFFICIENT_STORAGE);
        assert_eq!(message, "the disk is full; nothing was stored");
        assert!(response.headers().get(header::RETRY_AFTER).is_none());
    }

    #[test]
    fn a_damaged_store_is_500_and_says_so() {
        let (message, response) = answer(ErrorKind::Damaged);
        assert_eq!(response.status(), StatusCode::INTERNAL_SERVER_ERROR);
        assert!(message.starts_with("the store is damaged"), "{message}");
    }

    #[test]
    fn other_store_errors_are_500_as_before() {
        for kind in [ErrorKind::ReadOnly, ErrorKind::Other] {
            let (message, response) = answer(kind);
            assert_eq!(response.status(), StatusCode::INTERNAL_SERVER_ERROR);
            assert_eq!(
                message,
                "the store could not be read; the server log says why"
            );
        }
    }

    #[test]
    fn the_log_line_names_the_failure_the_store_and_the_cause() {
        let store = Path::new("/srv/rasid.db");
        let e = StoreError::damaged("a stored event does not parse: EOF");
        assert_eq!(
            store_log_line(Some(store), &e),
            "rasid serve: the store is damaged: /srv/rasid.db: a stored event does not parse: EOF"
        );
        // a cause that names the store already is not prefixed again
        let e = StoreError::new(ErrorKind::Full, "/srv/rasid.db: writing a batch: full");
        assert_eq!(
            store_log_line(Some(store), &e),
            "rasid serve: the disk is full; nothing was stored: /srv/rasid.db: writing a batch: full"
        );
        // the error's own log line goes once
        let mut api = ApiError::from(StoreError::other("x"));
        api.log_store_error(store);
        assert!(api.store_error.is_none());
    }
}
