//! End-to-end tests of `rasid extract` on raw sources: a windows-1256 HTML page (fixture), the
//! same report as UTF-8 text, a WARC archive and a feed built here, and bad inputs.
//!
//! The fixtures `tests/fixtures/drone_strike_cp1256.html` and
//! `tests/fixtures/drone_strike_cp1256.txt` are made by [`page_html`] and [`page_text`]
//! (an invented report). To rewrite them after changing those functions:
//!
//!     RASID_WRITE_FIXTURES=1 cargo test -p rasid-cli --test sources_cli fixtures
//!
//! Without the variable, the `fixtures_are_generated` test checks the committed bytes.

use serde_json::Value;
use std::fs;
use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::Output;

const PUBLISHED: &str = "2024-04-09";
const TITLE: &str = "مسيرة تستهدف سيارة عسكرية قرب البوكمال";
const PARAGRAPHS: [&str; 3] = [
    "استهدفت طائرة مسيرة مجهولة صباح أمس الاثنين سيارة عسكرية تابعة لميليشيات موالية لإيران قرب \
مدينة البوكمال شرقي سوريا، ما أسفر عن مقتل عنصرين وإصابة ثالث بجروح خطيرة، بحسب المرصد السوري \
لحقوق الإنسان.",
    "وأوضح المرصد أن السيارة كانت تسير على طريق ترابي عندما أصابها صاروخ أطلقته المسيرة، فاحترقت \
بالكامل، فيما طوقت عناصر الميليشيات المكان ومنعت الأهالي من الاقتراب منه.",
    "ولم تعلن أي جهة مسؤوليتها عن الضربة حتى ساعة إعداد هذا الخبر.",
];
/// Headlines of the related-articles block under the article: each reports a strike
/// elsewhere, and none may give an event.
const RELATED: [&str; 3] = [
    "غارة جوية تدمر مستودعا للذخيرة قرب مطار حلب الدولي",
    "مقتل أربعة مدنيين بقصف مدفعي على بلدة كفرنبل في ريف إدلب",
    "طائرات مسيرة تقصف قاعدة عين الأسد غربي العراق",
];
/// Places of the related headlines, as `location.name_ar` would give them.
const RELATED_PLACES: [&str; 5] = ["حلب", "كفرنبل", "إدلب", "عين الأسد", "العراق"];

/// The invented news page, before encoding.
fn page_html() -> String {
    let paragraphs: String = PARAGRAPHS
        .iter()
        .map(|p| format!("      <p>{p}</p>\n"))
        .collect();
    let related: String = RELATED
        .iter()
        .enumerate()
        .map(|(i, h)| format!("        <li><a href=\"/news/{}\">{h}</a></li>\n", 700 + i))
        .collect();
    format!(
        r##"<!DOCTYPE html>
<html lang="ar" dir="rtl">
<head>
  <meta http-equiv="Content-Type" content="text/html; charset=windows-1256">
  <title>{TITLE} | شبكة الفرات المتخيلة</title>
  <meta property="og:title" content="{TITLE}">
  <meta property="og:site_name" content="شبكة الفرات المتخيلة">
  <meta property="article:published_time" content="{PUBLISHED}T10:45:00+03:00">
  <link rel="canonical" href="https://furat.example/news/681">
  <style>body {{ font-family: serif; }}</style>
  <script>var section = "أخبار";</script>
</head>
<body>
  <header id="top">
    <nav class="main-menu"><ul><li><a href="/">الرئيسية</a></li><li><a href="/syria">سوريا</a></li>
    <li><a href="/iraq">العراق</a></li></ul></nav>
  </header>
  <div class="ticker">عاجل: انفجار يهز مستودعا للوقود قرب حمص</div>
  <div class="page">
    <div class="article">
      <h1>{TITLE}</h1>
      <div class="share-bar"><a href="#">فيسبوك</a> <a href="#">تويتر</a> <span>شارك الخبر</span></div>
{paragraphs}      <h3>مقالات ذات صلة</h3>
      <ul>
{related}      </ul>
    </div>
    <div class="sidebar"><h3>الأكثر قراءة</h3><ul><li><a href="/news/650">اشتباكات عنيفة في ريف دير الزور</a></li></ul></div>
  </div>
  <div id="comments"><p>أحد القراء: نطالب بوقف الغارات على المدنيين في كل مكان.</p></div>
  <footer><p>جميع الحقوق محفوظة لشبكة الفرات المتخيلة</p></footer>
</body>
</html>
"##
    )
}

/// The article as plain text: the title, then one paragraph per line.
fn page_text() -> String {
    let mut text = String::from(TITLE);
    for p in PARAGRAPHS {
        text.push('\n');
        text.push_str(p);
    }
    text.push('\n');
    text
}

fn fixtures() -> PathBuf {
    PathBuf::from(concat!(env!("CARGO_MANIFEST_DIR"), "/tests/fixtures"))
}

fn html_fixture() -> PathBuf {
    fixtures().join("drone_strike_cp1256.html")
}

fn text_fixture() -> PathBuf {
    fixtures().join("drone_strike_cp1256.txt")
}

fn encoded_page() -> Vec<u8> {
    let html = page_html();
    let (bytes, _, unmappable) = encoding_rs::WINDOWS_1256.encode(&html);
    assert!(!unmappable, "the page has characters windows-1256 lacks");
    bytes.into_owned()
}

#[test]
fn fixtures_are_generated() {
    let bytes = encoded_page();
    if std::env::var_os("RASID_WRITE_FIXTURES").is_some() {
        fs::create_dir_all(fixtures()).unwrap();
        fs::write(html_fixture(), &bytes).unwrap();
        fs::write(text_fixture(), page_text()).unwrap();
    }
    let committed = fs::read(html_fixture()).expect("read the HTML fixture");
    assert_eq!(
        committed, bytes,
        "the HTML fixture differs from page_html()"
    );
    // really windows-1256: not UTF-8, and decodes back to the page without errors
    assert!(std::str::from_utf8(&committed).is_err());
    let (decoded, had_errors) = encoding_rs::WINDOWS_1256.decode_without_bom_handling(&committed);
    assert!(!had_errors);
    assert_eq!(decoded, page_html());
    assert_eq!(fs::read_to_string(text_fixture()).unwrap(), page_text());
}

mod common;
use common::{extract as rasid, stderr, told as summary};

fn events(out: &Output) -> Vec<Value> {
    String::from_utf8(out.stdout.clone())
        .expect("UTF-8 output")
        .lines()
        .filter(|l| !l.trim().is_empty())
        .map(|l| serde_json::from_str(l).expect("JSON event"))
        .collect()
}

fn temp_dir(name: &str) -> PathBuf {
    common::temp_dir("sources", name)
}

fn path_str(p: &Path) -> &str {
    p.to_str().unwrap()
}

fn assert_no_related_event(events: &[Value]) {
    for e in events {
        let place = e["location"]["name_ar"].as_str().unwrap_or("");
        assert!(
            !RELATED_PLACES.contains(&place),
            "an event from the related-articles block: {e}"
        );
    }
}

#[test]
fn windows_1256_page_gives_the_events_of_its_text() {
    let html = rasid(&["--published", PUBLISHED, path_str(&html_fixture())]);
    assert_eq!(html.status.code(), Some(0), "{}", stderr(&html));
    let text = rasid(&["--published", PUBLISHED, path_str(&text_fixture())]);
    assert_eq!(text.status.code(), Some(0), "{}", stderr(&text));
    let (html_events, text_events) = (events(&html), events(&text));
    assert!(!text_events.is_empty(), "the text gives no event");
    assert_eq!(summary(&html_events), summary(&text_events));
    assert_no_related_event(&html_events);
    for e in &html_events {
        assert_eq!(e["docs"], serde_json::json!(["drone_strike_cp1256.html"]));
        assert_eq!(e["date"]["start"], "2024-04-08", "{e}");
    }
    // the page's own day is used without --published
    let html = rasid(&[path_str(&html_fixture())]);
    assert_eq!(summary(&events(&html)), summary(&text_events));
}

#[test]
fn the_related_headlines_would_give_events() {
    // the check above means something: the related headlines alone give strike events
    let dir = temp_dir("related");
    let related = dir.join("related.txt");
    fs::write(&related, RELATED.join("\n")).unwrap();
    let out = rasid(&["--published", PUBLISHED, path_str(&related)]);
    let places: Vec<String> = events(&out)
        .iter()
        .filter_map(|e| e["location"]["name_ar"].as_str().map(str::to_string))
        .collect();
    assert!(
        places.iter().any(|p| RELATED_PLACES.contains(&p.as_str())),
        "{places:?}"
    );
    let _ = fs::remove_dir_all(&dir);
}

fn warc_record(kind: &str, uri: &str, block: &[u8]) -> Vec<u8> {
    let mut out = format!(
        "WARC/1.0\r\nWARC-Type: {kind}\r\nWARC-Target-URI: {uri}\r\nWARC-Date: 2024-04-10T03:00:00Z\r\n\
         Content-Type: application/http; msgtype=response\r\nContent-Length: {}\r\n\r\n",
        block.len()
    )
    .into_bytes();
    out.extend_from_slice(block);
    out.extend_from_slice(b"\r\n\r\n");
    out
}

fn gzip(bytes: &[u8]) -> Vec<u8> {
    use flate2::write::GzEncoder;
    let mut e = GzEncoder::new(Vec::new(), flate2::Compression::default());
    e.write_all(bytes).unwrap();
    e.finish().unwrap()
}

/// An archive with the page (charset in the HTTP header), an image and an English page.
fn archive() -> Vec<u8> {
    let mut http =
        b"HTTP/1.1 200 OK\r\nContent-Type: text/html; charset=windows-1256\r\n\r\n".to_vec();
    http.extend_from_slice(&encoded_page());
    let english =
        b"HTTP/1.1 200 OK\r\nContent-Type: text/html\r\n\r\n<html><body><p>A drone hit a \
truck near the border yesterday, killing two people, officials said.</p></body></html>";
    [
        gzip(&warc_record(
            "response",
            "https://furat.example/news/681",
            &http,
        )),
        gzip(&warc_record(
            "response",
            "https://furat.example/logo.png",
            b"HTTP/1.1 200 OK\r\nContent-Type: image/png\r\n\r\n\x89PNG",
        )),
        gzip(&warc_record(
            "response",
            "https://furat.example/en/681",
            english,
        )),
        gzip(&warc_record(
            "response",
            "https://furat.example/news/681",
            &http,
        )),
    ]
    .concat()
}

#[test]
fn warc_and_feed_inputs_and_skipped_counts() {
    let dir = temp_dir("warc");
    fs::write(dir.join("crawl.warc.gz"), archive()).unwrap();
    let text = rasid(&["--published", PUBLISHED, path_str(&text_fixture())]);
    let out = rasid(&[path_str(&dir)]);
    let err = stderr(&out);
    assert_eq!(out.status.code(), Some(0), "{err}");
    assert_eq!(summary(&events(&out)), summary(&events(&text)));
    assert!(
        err.contains("3 items skipped (1 not Arabic, 1 not an HTML page, 1 duplicate URL)"),
        "{err}"
    );
    // a feed whose item carries the report, sniffed without an extension
    let item: String = PARAGRAPHS.join("&lt;br&gt;");
    let feed = format!(
        "<?xml version=\"1.0\" encoding=\"utf-8\"?><rss version=\"2.0\"><channel><title>الفرات</title>\
         <item><title>{TITLE}</title><link>https://furat.example/news/681</link>\
         <pubDate>Tue, 09 Apr 2024 10:45:00 +0300</pubDate><description>{item}</description></item>\
         </channel></rss>"
    );
    let feed_path = dir.join("feed");
    fs::write(&feed_path, feed).unwrap();
    let out = rasid(&[path_str(&feed_path)]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    assert_eq!(summary(&events(&out)), summary(&events(&text)));
    let _ = fs::remove_dir_all(&dir);
}

#[test]
fn bad_inputs_are_reported_and_the_rest_is_read() {
    let dir = temp_dir("bad");
    let good = dir.join("good.html");
    fs::copy(html_fixture(), &good).unwrap();
    let bad: Vec<(&str, Vec<u8>)> = vec![
        ("binary.html", b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR\0\0".to_vec()),
        (
            "broken.htm",
            b"<html><body><div><p>\xD9\x82\xD8\xB5\xD9\x81 <b><i></div></table>".to_vec(),
        ),
        ("truncated.warc.gz", {
            let a = archive();
            a[..a.len() / 3].to_vec()
        }),
        ("truncated.warc", {
            let mut http = b"HTTP/1.1 200 OK\r\nContent-Type: text/html\r\n\r\n".to_vec();
            http.extend_from_slice(page_html().as_bytes());
            let r = warc_record("response", "https://furat.example/x", &http);
            r[..r.len() - 100].to_vec()
        }),
        (
            "malformed.xml",
            b"<rss><channel><item><title>\xD9\x82</titl></item></channel></rss>".to_vec(),
        ),
        ("notes.rss", b"just some words".to_vec()),
    ];
    let mut paths = vec![good.clone()];
    for (name, bytes) in &bad {
        let p = dir.join(name);
        fs::write(&p, bytes).unwrap();
        paths.push(p);
    }
    // a huge page: rejected by its size without being read
    let huge = dir.join("huge.html");
    let f = fs::File::create(&huge).unwrap();
    f.set_len(40 << 20).unwrap();
    paths.push(huge);
    let args: Vec<&str> = paths.iter().map(|p| path_str(p)).collect();
    let out = rasid(&args);
    let err = stderr(&out);
    assert_eq!(out.status.code(), Some(2), "{err}");
    assert!(!err.contains("panicked"), "{err}");
    for (name, _) in &bad {
        if *name == "broken.htm" {
            continue; // broken HTML is read as browsers do; its text is too short to matter
        }
        assert!(
            err.lines()
                .any(|l| l.starts_with("rasid: ") && l.contains(name)),
            "no problem reported for {name}: {err}"
        );
    }
    assert!(
        err.contains("huge.html: HTML page too large (40 MB > 32 MB)"),
        "{err}"
    );
    assert!(err.contains("binary.html: binary data"), "{err}");
    assert!(err.contains("truncated.warc: record 1 (byte"), "{err}");
    assert!(
        err.contains("malformed.xml: malformed XML at byte"),
        "{err}"
    );
    // the good page is still read
    let events = events(&out);
    assert!(!events.is_empty());
    assert!(events
        .iter()
        .any(|e| e["docs"] == serde_json::json!(["good.html"])));
    let _ = fs::remove_dir_all(&dir);
}
