//! The feed and WARC readers never panic on any bytes, and what they give is consistent: every
//! problem has a message, documents have ids and non-blank text. The first byte picks the
//! reader, so that one corpus grows inputs for both: even a feed, odd a WARC archive (read
//! plain, and gzip-compressed as a `.warc.gz` would be).
#![no_main]

use libfuzzer_sys::fuzz_target;
use rasid_sources::{parse_feed, read_feed, read_source, read_warc, Extracted, Limits};

fn check(out: &Extracted) {
    for p in &out.problems {
        assert!(!p.message.is_empty());
    }
    for doc in &out.documents {
        assert!(!doc.id.is_empty());
        assert!(!doc.text.trim().is_empty());
    }
}

fuzz_target!(|data: &[u8]| {
    let Some((&selector, rest)) = data.split_first() else {
        return;
    };
    let limits = Limits {
        max_text_bytes: 1 << 16,
        max_record_bytes: 1 << 16,
    };
    if selector % 2 == 0 {
        let (feed, _) = parse_feed(&String::from_utf8_lossy(rest));
        for item in &feed.items {
            let _ = item.text();
        }
        check(&read_feed(rest, "feed.xml", &limits));
    } else {
        check(&read_warc(rest, "archive.warc", &limits));
        if selector % 4 == 1 {
            use std::io::Write;
            let mut gz = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::fast());
            gz.write_all(rest).unwrap();
            let gz = gz.finish().unwrap();
            check(&read_warc(&gz[..], "archive.warc.gz", &limits));
            // and the same bytes cut short, as a truncated download would be
            check(&read_warc(&gz[..gz.len() / 2], "archive.warc.gz", &limits));
        }
    }
    check(&read_source(rest, "input", None, &limits));
});
