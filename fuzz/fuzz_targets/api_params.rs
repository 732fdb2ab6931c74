//! Any bytes as the query string of the API's read endpoints give a parsed request or a 4xx
//! saying what is wrong, never a panic and never a 500: the real router (`rasid_serve::router`)
//! answers, over a small store built once from invented sentences. The filters and `since`
//! are also parsed directly from the bytes read as text.
//!
//! Input: a first byte choosing the endpoint, then the query string. Bytes a client cannot
//! send in a URL (controls, space, non-ASCII, `#`…) are percent-encoded; `%`, `&`, `=` and
//! `+` are kept, so that decoding itself is fuzzed.
#![no_main]

use axum::body::Body;
use axum::http::{Request, StatusCode};
use axum::Router;
use libfuzzer_sys::fuzz_target;
use rasid_extraction::Document;
use rasid_lexicons::Lexicons;
use rasid_serve::{router, App, Config};
use rasid_store::{ingest, Filter, IngestOptions, SqliteStore, FILTER_NAMES};
use rasid_text::Day;
use std::fmt::Write;
use std::sync::{Arc, OnceLock};
use tokio::runtime::Runtime;
use tower::ServiceExt;

/// Invented reports (no news text), enough for every endpoint to find something.
const REPORTS: [&str; 4] = [
    "قصفت طائرة مسيرة موقعاً عسكرياً في مدينة الميادين بريف دير الزور أمس، ما أدى إلى مقتل ثلاثة عناصر.",
    "أطلقت فصائل مسلحة صواريخ على قاعدة عين الأسد الجوية في محافظة الأنبار فجر اليوم.",
    "ردت القوات بغارة جوية على مواقع الفصائل قرب القائم بعد الهجوم الصاروخي على القاعدة.",
    "انفجرت عبوة ناسفة بدورية عسكرية على طريق الحديدة، وأصيب جنديان بجروح.",
];

const ENDPOINTS: [&str; 4] = ["events", "stats", "search", "changes"];

fn setup() -> &'static (Runtime, Router) {
    static SETUP: OnceLock<(Runtime, Router)> = OnceLock::new();
    SETUP.get_or_init(|| {
        let dir = std::env::temp_dir().join(format!("rasid-fuzz-api-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(&dir).expect("a temporary folder");
        let db = dir.join("fuzz.db");
        let lex = Lexicons::embedded().expect("the embedded lexicons load");
        let docs = REPORTS.iter().enumerate().map(|(i, text)| Document {
            id: format!("r{i}"),
            text: text.to_string(),
            url: None,
            outlet: None,
            published: Day::parse_iso("2024-03-16"),
        });
        let mut store = SqliteStore::open(&db).expect("a new store");
        ingest(&mut store, &lex, docs, &IngestOptions::default(), &mut |_| {}).expect("ingest");
        drop(store);
        let app = App::open(Config {
            db,
            token: None,
            cors_origin: None,
            lexicons: None,
        })
        .expect("the store opens");
        let runtime = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .expect("a runtime");
        (runtime, router(Arc::new(app)))
    })
}

/// The query as a client could send it.
fn as_query(bytes: &[u8]) -> String {
    let mut query = String::with_capacity(bytes.len());
    for &b in bytes {
        if b.is_ascii_graphic() && !b"#\"<>\\^`{|}".contains(&b) {
            query.push(char::from(b));
        } else {
            let _ = write!(query, "%{b:02X}");
        }
    }
    query
}

fuzz_target!(|data: &[u8]| {
    let Some((&which, raw)) = data.split_first() else {
        return;
    };
    let text = String::from_utf8_lossy(raw);
    for name in FILTER_NAMES {
        let _ = Filter::default().set(name, &text);
    }
    let _ = rasid_store::time::parse_since(&text);

    let (runtime, app) = setup();
    let endpoint = ENDPOINTS[usize::from(which) % ENDPOINTS.len()];
    let uri = format!("/api/{endpoint}?{}", as_query(raw));
    let request = Request::get(&uri)
        .body(Body::empty())
        .unwrap_or_else(|e| panic!("{uri}: not a request: {e}"));
    let (status, body) = runtime.block_on(async {
        let response = app.clone().oneshot(request).await.expect("infallible");
        let status = response.status();
        let body = axum::body::to_bytes(response.into_body(), 16 << 20)
            .await
            .expect("a whole body");
        (status, body)
    });
    let json: serde_json::Value = serde_json::from_slice(&body)
        .unwrap_or_else(|e| panic!("{uri}: {status} with a body that is not JSON: {e}"));
    if status != StatusCode::OK {
        assert!(status.is_client_error(), "{uri}: {status} {json}");
        let message = json["error"].as_str().unwrap_or_default();
        assert!(!message.is_empty(), "{uri}: {status} without a message: {json}");
    }
});
