//! HTML main-text extraction never panics, on any bytes and any decoded text: the page's text
//! is its title and paragraphs, one per line, none of them blank; a whole page read through
//! `read_html` gives at most one document, with the name as its id.
#![no_main]

use libfuzzer_sys::fuzz_target;
use rasid_sources::{decode, extract_page, fragment_text, read_html, Limits, Markup};

fuzz_target!(|data: &[u8]| {
    let decoded = decode(data, None, Markup::Html);
    let page = extract_page(&decoded.text);
    for p in &page.paragraphs {
        assert!(!p.trim().is_empty(), "blank paragraph in {page:?}");
        assert!(!p.contains('\n'), "paragraph with a line break: {p:?}");
    }
    if let Some(cut) = page.cut_at {
        assert!(cut <= decoded.text.len() && decoded.text.is_char_boundary(cut));
    }
    let text = page.text();
    assert_eq!(
        text.lines().count(),
        page.title.iter().count() + page.paragraphs.len()
    );
    let _ = fragment_text(&decoded.text);
    let out = read_html(
        data,
        "page.html",
        Some("text/html; charset=windows-1256"),
        &Limits::default(),
    );
    assert!(out.documents.len() + out.skipped.len() <= 1);
    for doc in &out.documents {
        assert_eq!(doc.id, "page.html");
    }
});
