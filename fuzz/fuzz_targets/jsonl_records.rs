//! The JSON Lines reader of `rasid extract` / `ingest` (`rasid_sources::jsonl`) never panics
//! on any bytes, read through any buffer size with any line cap, and is exact: it finds the
//! lines the input has, each whole (without its line end) when it fits the cap and empty with
//! its full length when not; a record read is a document with an id and a text within the
//! limit, and one refused says why. The first byte picks the buffer size and the cap. The
//! whole input is also read as a body posted to `POST /api/documents` (a document or an
//! array of them, checked a document at a time): 1 to 1,000 documents, or a message.
#![no_main]

use libfuzzer_sys::fuzz_target;
use rasid_sources::jsonl::{parse_record, read_line_capped};
use std::io::BufReader;

fuzz_target!(|data: &[u8]| {
    let Some((&knobs, input)) = data.split_first() else {
        return;
    };
    let capacity = usize::from(knobs % 16) + 1;
    let line_cap = usize::from(knobs / 16) * 64 + 8;
    let text_limit = line_cap / 2;
    let mut reader = BufReader::with_capacity(capacity, input);
    let mut buf = Vec::new();
    // the lines of the input: a last empty part (after a final line end) is no line
    let mut parts: Vec<&[u8]> = input.split(|&b| b == b'\n').collect();
    if parts.last().is_some_and(|p| p.is_empty()) {
        parts.pop();
    }
    let mut parts = parts.into_iter();
    while let Some(len) = read_line_capped(&mut reader, &mut buf, line_cap).expect("reading a slice") {
        let part = parts.next().expect("no more lines than the input has");
        if part.len() <= line_cap {
            let line = part.strip_suffix(b"\r").unwrap_or(part);
            assert_eq!(buf, line);
            assert_eq!(len, line.len());
        } else {
            assert!(buf.is_empty(), "a line over the cap is not kept");
            assert_eq!(len, part.len());
            continue;
        }
        match parse_record(&buf, text_limit) {
            Ok((doc, notes)) => {
                assert!(!doc.id.trim().is_empty());
                assert!(doc.text.len() <= text_limit);
                assert!(notes.iter().all(|n| n.ends_with("; ignored")), "{notes:?}");
            }
            Err(message) => assert!(!message.is_empty()),
        }
    }
    assert!(parts.next().is_none(), "every line of the input is read");
    // the whole input as one JSON value, as a document posted to the API is
    if let Ok(value) = serde_json::from_slice(input) {
        if let Err(message) = rasid_sources::document_from_json(value) {
            assert!(!message.is_empty());
        }
    }
    // and as the body of a POST, read a document at a time
    match rasid_serve::fuzzing::check_posted_body(input) {
        Ok((documents, skipped)) => {
            assert!((1..=1000).contains(&documents), "{documents} documents");
            assert!(skipped <= documents);
        }
        Err(message) => assert!(!message.is_empty()),
    }
});
