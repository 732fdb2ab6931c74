//! `POST /api/documents` reads its body a document at a time: besides the body, memory
//! holds about one document, never a tree of the whole body. Measured by counting the
//! bytes allocated (one test in this file, so that nothing else allocates meanwhile).

use axum::body::Body;
use axum::http::{header, Request, StatusCode};
use rasid_serve::{router, App, Config};
use rasid_store::SqliteStore;
use serde_json::json;
use std::alloc::{GlobalAlloc, Layout, System};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;
use tower::ServiceExt;

/// The system allocator, counting the bytes in use and the most in use at once.
struct Counting;

static IN_USE: AtomicUsize = AtomicUsize::new(0);
static PEAK: AtomicUsize = AtomicUsize::new(0);

fn grew(by: usize) {
    let now = IN_USE.fetch_add(by, Ordering::SeqCst) + by;
    PEAK.fetch_max(now, Ordering::SeqCst);
}

unsafe impl GlobalAlloc for Counting {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        let p = unsafe { System.alloc(layout) };
        if !p.is_null() {
            grew(layout.size());
        }
        p
    }

    unsafe fn dealloc(&self, p: *mut u8, layout: Layout) {
        unsafe { System.dealloc(p, layout) };
        IN_USE.fetch_sub(layout.size(), Ordering::SeqCst);
    }

    unsafe fn realloc(&self, p: *mut u8, layout: Layout, new_size: usize) -> *mut u8 {
        let moved = unsafe { System.realloc(p, layout, new_size) };
        if !moved.is_null() {
            if new_size >= layout.size() {
                grew(new_size - layout.size());
            } else {
                IN_USE.fetch_sub(layout.size() - new_size, Ordering::SeqCst);
            }
        }
        moved
    }
}

#[global_allocator]
static ALLOCATOR: Counting = Counting;

const TOKEN: &str = "a-test-token-of-some-length";

#[tokio::test]
async fn a_posted_body_costs_about_one_document_besides_itself() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("empty.db");
    drop(SqliteStore::open(&db).unwrap());
    let app = App::open(Config {
        db,
        token: Some(TOKEN.into()),
        cors_origin: None,
        lexicons: None,
    })
    .unwrap();
    let app = router(Arc::new(app));
    // six documents of 6 MiB of English text (checked, then skipped as not Arabic)
    let document = 6 << 20;
    let docs: Vec<_> = (0..6)
        .map(|i| json!({"id": format!("en-{i}"), "text": "a".repeat(document)}))
        .collect();
    let body = serde_json::to_vec(&docs).unwrap();
    drop(docs);
    let request = Request::post("/api/documents")
        .header(header::AUTHORIZATION, format!("Bearer {TOKEN}"))
        .header(header::CONTENT_TYPE, "application/json")
        .body(Body::from(body))
        .unwrap();
    let before = IN_USE.load(Ordering::SeqCst);
    PEAK.store(before, Ordering::SeqCst);
    let response = app.oneshot(request).await.unwrap();
    let extra = PEAK.load(Ordering::SeqCst) - before;
    assert_eq!(response.status(), StatusCode::OK);
    // a tree of the body, or every document besides the body, would be 36 MiB more
    assert!(
        extra < 2 * document + (2 << 20),
        "{} MiB besides the body",
        extra >> 20
    );
}
