use super::*;
use crate::warc::tests::{gzip, record};
use encoding_rs::{ISO_8859_6, WINDOWS_1256};

const LEAD: &str = "أغارت طائرة حربية مساء أمس الأحد على موقع عسكري في محيط بلدة القريتين، \
ما أدى إلى مقتل ستة عناصر وإصابة آخرين، وفق ما أفادت مصادر ميدانية.";
const BODY: &str = "وأضافت المصادر أن الغارة أحدثت دمارا واسعا في الموقع، وأن سيارات الإسعاف \
عملت لساعات على نقل الجرحى إلى المستشفيات القريبة.";

fn limits() -> Limits {
    Limits::default()
}

fn day(s: &str) -> Option<Day> {
    Day::parse_iso(s)
}

fn page(charset: &str, title: &str, body: &str) -> String {
    format!(
        "<!DOCTYPE html><html><head>{charset}<meta property=\"og:title\" content=\"{title}\">\
         <meta property=\"article:published_time\" content=\"2024-06-03T07:00:00+03:00\"></head>\
         <body><nav><a href='/'>الرئيسية</a></nav><div class='article-body'>{body}</div></body></html>"
    )
}

fn paragraphs() -> String {
    format!("<p>{LEAD}</p><p>{BODY}</p>")
}

#[test]
fn html_windows_1256_and_iso_8859_6() {
    let html = page(
        "<meta http-equiv='Content-Type' content='text/html; charset=windows-1256'>",
        "غارة على القريتين",
        &paragraphs(),
    );
    let (bytes, _, bad) = WINDOWS_1256.encode(&html);
    assert!(!bad && std::str::from_utf8(&bytes).is_err());
    let out = read_html(&bytes, "qaryatayn.html", None, &limits());
    assert_eq!(out.problems, []);
    assert_eq!(out.documents.len(), 1);
    let doc = &out.documents[0];
    assert_eq!(doc.id, "qaryatayn.html");
    assert_eq!(doc.text, format!("غارة على القريتين\n{LEAD}\n{BODY}"));
    assert_eq!(doc.published, day("2024-06-03"));

    let html = page(
        "<meta charset=\"iso-8859-6\">",
        "غارة على القريتين",
        &paragraphs(),
    );
    let (bytes, _, bad) = ISO_8859_6.encode(&html);
    assert!(!bad);
    let iso = read_html(&bytes, "qaryatayn.html", None, &limits());
    assert_eq!(iso.problems, []);
    assert_eq!(iso.documents, out.documents);
}

#[test]
fn html_skips_and_problems() {
    let english = page(
        "<meta charset=utf-8>",
        "Air strike",
        "<p>An air strike hit a military post near the town last night, sources said.</p>",
    );
    let out = read_html(english.as_bytes(), "en.html", None, &limits());
    assert_eq!(out.documents, []);
    assert_eq!(out.skipped[0].reason, SkipReason::NotArabic);

    let empty = page("", "عنوان فقط", "<div class='share'>شارك</div>");
    let out = read_html(empty.as_bytes(), "empty.html", None, &limits());
    assert_eq!(out.skipped[0].reason, SkipReason::Empty);
    assert_eq!(out.skipped[0].id, "empty.html");

    let out = read_html(
        b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR",
        "img.html",
        None,
        &limits(),
    );
    assert!(out.problems[0].fatal);
    assert!(out.problems[0].message.starts_with("binary"));

    let mut bytes = page("<meta charset=utf-8>", "غارة", &paragraphs()).into_bytes();
    bytes.extend_from_slice(b"<p>\xD9</p>");
    let out = read_html(&bytes, "bad.html", None, &limits());
    assert_eq!(out.documents.len(), 1, "{out:?}");
    assert!(out.problems.iter().all(|p| !p.fatal), "{out:?}");

    let small = Limits {
        max_text_bytes: 100,
        ..Limits::default()
    };
    let html = page("", "غارة", &paragraphs());
    let out = read_html(html.as_bytes(), "big.html", None, &small);
    assert!(out.problems[0].message.starts_with("document too large"));
}

fn rss(encoding: &str) -> String {
    format!(
        r#"<?xml version="1.0" encoding="{encoding}"?>
<rss version="2.0"><channel><title>صحيفة الوادي المتخيلة</title>
<item><title>غارة على القريتين</title><link>https://wadi.example/a/1</link>
<pubDate>Mon, 03 Jun 2024 07:00:00 +0300</pubDate><description>{LEAD}</description></item>
<item><title>Football results</title><link>https://wadi.example/a/2</link><description>The home side won two nil.</description></item>
<item><title></title><description><![CDATA[<p> </p>]]></description></item>
<item><title>قصف مدفعي على ريف حماة</title><guid>wadi-3</guid></item>
</channel></rss>"#
    )
}

#[test]
fn feed_items_become_documents() {
    let xml = rss("windows-1256");
    let (bytes, _, _) = WINDOWS_1256.encode(&xml);
    let out = read_feed(&bytes, "wadi.xml", &limits());
    assert_eq!(out.problems, []);
    assert_eq!(out.documents.len(), 2);
    let a = &out.documents[0];
    assert_eq!(a.id, url_id("https://wadi.example/a/1"));
    assert_eq!(a.url.as_deref(), Some("https://wadi.example/a/1"));
    assert_eq!(a.outlet.as_deref(), Some("صحيفة الوادي المتخيلة"));
    assert_eq!(a.published, day("2024-06-03"));
    assert_eq!(a.text, format!("غارة على القريتين\n{LEAD}"));
    let b = &out.documents[1];
    assert_eq!(b.id, url_id("wadi-3"));
    assert_eq!(b.text, "قصف مدفعي على ريف حماة");
    assert_eq!(b.published, None);
    let reasons: Vec<_> = out
        .skipped
        .iter()
        .map(|s| (s.id.as_str(), s.reason))
        .collect();
    assert_eq!(
        reasons,
        [
            (
                url_id("https://wadi.example/a/2").as_str(),
                SkipReason::NotArabic
            ),
            ("wadi.xml#3", SkipReason::Empty)
        ]
    );
}

#[test]
fn feed_problems() {
    let out = read_feed(
        b"<rss><channel><item><title>\xD8\xBA</title></item><item>",
        "x.rss",
        &limits(),
    );
    assert_eq!(out.documents.len(), 1);
    assert!(out.problems[0].message.contains("after 1 items"), "{out:?}");
    let out = read_feed(b"<rss><channel></channel></rss>", "x.rss", &limits());
    assert_eq!(out.problems[0].message, "no items in this feed");
    let out = read_feed(b"<html><body>page</body></html>", "x.xml", &limits());
    assert!(out.problems[0].message.contains("not an RSS or Atom feed"));
}

fn response(charset_header: &str, html: &[u8]) -> Vec<u8> {
    let mut block = format!(
        "HTTP/1.1 200 OK\r\nContent-Type: text/html{charset_header}\r\nContent-Length: {}\r\n\r\n",
        html.len()
    )
    .into_bytes();
    block.extend_from_slice(html);
    block
}

fn archive() -> Vec<u8> {
    // the page declares nothing: the HTTP header gives the charset
    let html = page("", "غارة على القريتين", &paragraphs());
    let (cp1256, _, _) = WINDOWS_1256.encode(&html);
    let no_date = "<html><body><div><p>".to_string() + LEAD + "</p></div></body></html>";
    let records = [
        record(
            "warcinfo",
            "",
            "2024-06-03T10:00:00Z",
            b"software: hand-made",
        ),
        record(
            "request",
            "https://wadi.example/a/1",
            "2024-06-03T10:00:00Z",
            b"GET /a/1 HTTP/1.1\r\n\r\n",
        ),
        record(
            "response",
            "https://wadi.example/a/1",
            "2024-06-04T10:00:00Z",
            &response("; charset=windows-1256", &cp1256),
        ),
        record(
            "response",
            "https://wadi.example/logo.png",
            "2024-06-04T10:00:00Z",
            b"HTTP/1.1 200 OK\r\nContent-Type: image/png\r\n\r\n\x89PNG\0\0",
        ),
        record(
            "response",
            "https://wadi.example/old",
            "2024-06-04T10:00:00Z",
            b"HTTP/1.1 301 Moved\r\nLocation: /new\r\nContent-Type: text/html\r\n\r\n",
        ),
        record(
            "response",
            "https://wadi.example/b",
            "2024-06-05T23:59:00Z",
            &response("", no_date.as_bytes()),
        ),
    ];
    records.concat()
}

#[test]
fn warc_responses_become_documents() {
    for bytes in [archive(), gzip(&archive())] {
        let out = read_warc(&bytes[..], "news.warc", &limits());
        assert_eq!(out.problems, []);
        assert_eq!(out.documents.len(), 2);
        let a = &out.documents[0];
        assert_eq!(a.id, url_id("https://wadi.example/a/1"));
        assert_eq!(a.url.as_deref(), Some("https://wadi.example/a/1"));
        assert_eq!(a.outlet.as_deref(), Some("wadi.example"));
        assert_eq!(a.text, format!("غارة على القريتين\n{LEAD}\n{BODY}"));
        // the page's own day, not the crawl's
        assert_eq!(a.published, day("2024-06-03"));
        let b = &out.documents[1];
        assert_eq!(b.published, day("2024-06-05"));
        assert_eq!(b.text, LEAD);
        let reasons: Vec<_> = out.skipped.iter().map(|s| s.reason).collect();
        assert_eq!(reasons, [SkipReason::NotHtml, SkipReason::NotHtml]);
    }
}

#[test]
fn warc_documents_come_one_record_at_a_time() {
    let bytes = archive();
    let per_record: Vec<Extracted> = warc_documents(&bytes[..], "news.warc", &limits()).collect();
    // warcinfo, request, page, image, redirect, page
    let documents: Vec<usize> = per_record.iter().map(|r| r.documents.len()).collect();
    assert_eq!(documents, [0, 0, 1, 0, 0, 1]);
    let skipped: Vec<usize> = per_record.iter().map(|r| r.skipped.len()).collect();
    assert_eq!(skipped, [0, 0, 0, 1, 1, 0]);
    let whole = read_warc(&bytes[..], "news.warc", &limits());
    let joined: Vec<Document> = per_record.into_iter().flat_map(|r| r.documents).collect();
    assert_eq!(joined, whole.documents);
}

#[test]
fn warc_truncation_keeps_earlier_records() {
    let bytes = archive();
    let out = read_warc(&bytes[..bytes.len() - 30], "news.warc", &limits());
    assert_eq!(out.documents.len(), 1);
    assert_eq!(out.problems.len(), 1);
    assert!(out.problems[0].message.starts_with("truncated record"));
    assert!(out.problems[0]
        .at
        .as_deref()
        .unwrap()
        .starts_with("record 6"));
    let gz = gzip(&bytes);
    let out = read_warc(&gz[..gz.len() / 2], "news.warc.gz", &limits());
    assert_eq!(out.problems.len(), 1, "{out:?}");
    let out = read_warc(&b""[..], "empty.warc", &limits());
    assert_eq!(out.problems[0].message, "no records: an empty WARC file");
    let out = read_warc(
        &[0x1F, 0x8B, 0x08, 0, 1, 2, 3][..],
        "bad.warc.gz",
        &limits(),
    );
    assert_eq!(out.problems.len(), 1, "{out:?}");
}

#[test]
fn read_source_dispatches() {
    let html = page("", "غارة", &paragraphs());
    assert_eq!(
        read_source(html.as_bytes(), "page", None, &limits())
            .documents
            .len(),
        1
    );
    let feed = rss("utf-8");
    assert_eq!(
        read_source(feed.as_bytes(), "feed", None, &limits())
            .documents
            .len(),
        2
    );
    assert_eq!(
        read_source(&archive(), "dump", None, &limits())
            .documents
            .len(),
        2
    );
    let out = read_source(b"plain words", "notes", None, &limits());
    assert!(out.problems[0].fatal);
}

#[test]
fn names_and_sniffing() {
    assert_eq!(kind_from_name("a.HTM"), Some(SourceKind::Html));
    assert_eq!(
        kind_from_name("CC-NEWS-2024.warc.gz"),
        Some(SourceKind::Warc)
    );
    assert_eq!(kind_from_name("feed.atom"), Some(SourceKind::Feed));
    assert_eq!(kind_from_name("x.gz"), None);
    assert_eq!(kind_from_name("readme"), None);
    assert_eq!(
        sniff(b"\xEF\xBB\xBF  <!DOCTYPE HTML><html>"),
        Some(SourceKind::Html)
    );
    assert_eq!(
        sniff(b"<?xml version='1.0'?>\n<!-- c --><rss>"),
        Some(SourceKind::Feed)
    );
    assert_eq!(
        sniff(b"<?xml version='1.0'?><feed xmlns='x'>"),
        Some(SourceKind::Feed)
    );
    assert_eq!(sniff(b"<?xml version='1.0'?><urlset>"), None);
    assert_eq!(sniff(b"WARC/1.1\r\n"), Some(SourceKind::Warc));
    assert_eq!(sniff(&[0x1F, 0x8B, 8]), Some(SourceKind::Warc));
    assert_eq!(sniff("نص عادي".as_bytes()), None);
    assert_eq!(sniff(b"{\"id\": 1}"), None);
    // found by fuzzing: the 4 KB sniffing window cut inside a character
    let mut long = b"<?xml version='1.0'?><rss>".to_vec();
    long.resize(4095, b' ');
    long.extend_from_slice("غارة".as_bytes());
    assert_eq!(sniff(&long), Some(SourceKind::Feed));
    let utf16: Vec<u8> = [0xFF, 0xFE]
        .into_iter()
        .chain("<html>".encode_utf16().flat_map(|u| u.to_le_bytes()))
        .collect();
    assert_eq!(sniff(&utf16), Some(SourceKind::Html));
}

#[test]
fn language_share() {
    assert_eq!(arabic_share("123 ..."), None);
    assert!(is_arabic("قالت شبكة CNN إن الغارة استهدفت موقعا"));
    assert!(!is_arabic("The strike hit a post near القريتين"));
    assert!((arabic_share("ab جد").unwrap() - 0.5).abs() < 1e-9);
}

#[test]
fn url_ids_are_stable() {
    assert_eq!(
        url_id("https://wadi.example/a/1"),
        url_id(" https://wadi.example/a/1#comments ")
    );
    assert_ne!(
        url_id("https://wadi.example/a/1"),
        url_id("https://wadi.example/a/2")
    );
    // fixed forever: FNV-1a 64 of the bytes
    assert_eq!(url_id(""), "url-cbf29ce484222325");
    assert_eq!(url_id("a"), "url-af63dc4c8601ec8c");
    assert_eq!(
        host("https://www.Wadi.example:443/a?b"),
        Some("wadi.example".into())
    );
    assert_eq!(host("ftp://x"), None);
}
