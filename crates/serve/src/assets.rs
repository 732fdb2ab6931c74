//! The observatory page, embedded in the binary: HTML, script, style and the borders of
//! the region (see `web/README.md`).

use axum::extract::Path;
use axum::http::{header, HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};

/// `(name, content type, bytes)` of the files under `/assets/`.
const ASSETS: [(&str, &str, &[u8]); 4] = [
    (
        "app.js",
        "text/javascript; charset=utf-8",
        include_bytes!("../web/app.js"),
    ),
    (
        "app.css",
        "text/css; charset=utf-8",
        include_bytes!("../web/app.css"),
    ),
    (
        "borders.json",
        "application/json",
        include_bytes!("../web/borders.json"),
    ),
    (
        "favicon.svg",
        "image/svg+xml",
        include_bytes!("../web/favicon.svg"),
    ),
];

const INDEX: &[u8] = include_bytes!("../web/index.html");

/// A validator that changes whenever the file does (the binary is the version).
fn etag(bytes: &[u8]) -> String {
    format!("\"{:016x}\"", rasid_text::hash::fnv1a(bytes))
}

/// The validators of the index (first) and of [`ASSETS`], hashed once.
fn etags() -> &'static [String] {
    static TAGS: std::sync::OnceLock<Vec<String>> = std::sync::OnceLock::new();
    TAGS.get_or_init(|| {
        std::iter::once(INDEX)
            .chain(ASSETS.iter().map(|a| a.2))
            .map(etag)
            .collect()
    })
}

fn file(
    content_type: &'static str,
    bytes: &'static [u8],
    tag: &str,
    headers: &HeaderMap,
) -> Response {
    let cached = headers
        .get(header::IF_NONE_MATCH)
        .is_some_and(|v| v.as_bytes() == tag.as_bytes());
    let common = [
        (header::ETAG, tag.to_string()),
        (header::CACHE_CONTROL, "no-cache".to_string()),
    ];
    if cached {
        return (StatusCode::NOT_MODIFIED, common).into_response();
    }
    (
        common,
        [(header::CONTENT_TYPE, content_type.to_string())],
        bytes,
    )
        .into_response()
}

/// `GET /`.
pub async fn index(headers: HeaderMap) -> Response {
    file("text/html; charset=utf-8", INDEX, &etags()[0], &headers)
}

/// `GET /assets/{name}`.
pub async fn asset(Path(name): Path<String>, headers: HeaderMap) -> Response {
    match ASSETS.iter().position(|(n, _, _)| *n == name) {
        Some(k) => {
            let (_, content_type, bytes) = ASSETS[k];
            file(content_type, bytes, &etags()[k + 1], &headers)
        }
        None => (StatusCode::NOT_FOUND, "no such file").into_response(),
    }
}
