//! API/web stage of rasid: `rasid serve`, an HTTP API over a store (JSON, described by the
//! OpenAPI document at `/api/openapi.json`) and the observatory page at `/`, embedded in
//! the binary and working without any network.
//!
//! Read-only unless a token is configured; every query value is checked and bound as a
//! SQL parameter; every response carries a Content-Security-Policy that keeps the page to
//! its own origin; CORS headers only for a configured origin. Slow and idle clients are
//! disconnected and connections capped (see [`ConnectionLimits`]).

mod api;
mod assets;
mod connections;
mod error;
mod params;
mod state;

pub use connections::ConnectionLimits;
pub use state::{App, Config, MIN_TOKEN_LEN};

use axum::extract::{Request, State};
use axum::http::{header, HeaderName, HeaderValue, Method, StatusCode};
use axum::middleware::{self, Next};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use axum::Router;
use std::future::Future;
use std::sync::Arc;
use tokio::net::TcpListener;

/// The OpenAPI 3 description of the API.
pub const OPENAPI: &str = include_str!("../openapi.json");

/// Largest body `POST /api/documents` reads.
pub(crate) const MAX_BODY: usize = 64 * 1024 * 1024;

/// Entry points for the fuzz targets of `fuzz/`: not an API.
#[doc(hidden)]
pub mod fuzzing {
    /// Checks a body as `POST /api/documents` does before storing anything: the number of
    /// documents and of those skipped as not Arabic, or the message of the 400.
    pub fn check_posted_body(body: &[u8]) -> Result<(usize, usize), String> {
        crate::api::checked_body(body)
            .map(|(documents, skipped)| (documents.len(), skipped.len()))
            .map_err(|e| e.message)
    }
}

/// Every route of the server.
pub fn router(app: Arc<App>) -> Router {
    let api = Router::new()
        .route("/events", get(api::events))
        .route("/events/{id}", get(api::event))
        .route("/documents", axum::routing::post(api::post_documents))
        .route("/documents/{id}", get(api::document))
        .route("/chains/{id}", get(api::chain))
        .route("/stats", get(api::stats))
        .route("/search", get(api::search))
        .route("/changes", get(api::changes))
        .route("/openapi.json", get(api::openapi))
        .fallback(api::unknown_endpoint)
        .method_not_allowed_fallback(method_not_allowed);
    Router::new()
        .route("/", get(assets::index))
        .route("/assets/{name}", get(assets::asset))
        .nest("/api", api)
        .layer(middleware::from_fn_with_state(Arc::clone(&app), headers))
        .with_state(app)
}

async fn method_not_allowed() -> Response {
    error::ApiError::new(
        StatusCode::METHOD_NOT_ALLOWED,
        "method not allowed here; see /api/openapi.json",
    )
    .into_response()
}

/// On every response: the page loads nothing from elsewhere and is framed nowhere.
const SECURITY_HEADERS: [(HeaderName, &str); 3] = [
    (
        header::CONTENT_SECURITY_POLICY,
        "default-src 'self'; img-src 'self' data:; frame-ancestors 'none'",
    ),
    (header::X_CONTENT_TYPE_OPTIONS, "nosniff"),
    (header::REFERRER_POLICY, "no-referrer"),
];

/// The answer to a CORS preflight from the configured origin.
const PREFLIGHT_HEADERS: [(HeaderName, &str); 3] = [
    (header::ACCESS_CONTROL_ALLOW_METHODS, "GET, POST"),
    (
        header::ACCESS_CONTROL_ALLOW_HEADERS,
        "authorization, content-type",
    ),
    (header::ACCESS_CONTROL_MAX_AGE, "600"),
];

/// Security headers on every response; CORS for the configured origin only.
async fn headers(State(app): State<Arc<App>>, request: Request, next: Next) -> Response {
    let cors = app
        .cors_origin
        .clone()
        .filter(|_| request.uri().path().starts_with("/api/"));
    let preflight = request.method() == Method::OPTIONS && cors.is_some();
    let mut response = if preflight {
        StatusCode::NO_CONTENT.into_response()
    } else {
        next.run(request).await
    };
    let h = response.headers_mut();
    for (name, value) in SECURITY_HEADERS {
        h.insert(name, HeaderValue::from_static(value));
    }
    if let Some(origin) = cors {
        h.insert(header::ACCESS_CONTROL_ALLOW_ORIGIN, origin);
        h.insert(header::VARY, HeaderValue::from_static("Origin"));
        if preflight {
            for (name, value) in PREFLIGHT_HEADERS {
                h.insert(name, HeaderValue::from_static(value));
            }
        }
    }
    response
}

/// Serves until `shutdown` completes, then finishes the requests under way, within the
/// default [`ConnectionLimits`].
pub async fn serve(
    listener: TcpListener,
    app: Arc<App>,
    shutdown: impl Future<Output = ()> + Send + 'static,
) -> std::io::Result<()> {
    serve_with_limits(listener, app, ConnectionLimits::default(), shutdown).await
}

/// [`serve`] within these limits.
pub async fn serve_with_limits(
    listener: TcpListener,
    app: Arc<App>,
    limits: ConnectionLimits,
    shutdown: impl Future<Output = ()> + Send + 'static,
) -> std::io::Result<()> {
    connections::serve(listener, router(app), limits, shutdown).await
}
