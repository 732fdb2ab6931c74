//! Bytes to text: the byte order mark first, then the charset of an HTTP `Content-Type`, then
//! the page's own declaration (`<meta charset>` / `<meta http-equiv="Content-Type">` in HTML,
//! the XML declaration in feeds), then detection with `chardetng`.
//!
//! A declaration of UTF-8 that the bytes contradict (invalid UTF-8) is overridden by detection,
//! since mislabelled windows-1256 pages are common. Invalid bytes never stop decoding: they
//! become U+FFFD and are counted in [`Decoded::replaced`].

use crate::shorten;
use encoding_rs::{Encoding, UTF_16BE, UTF_16LE, UTF_8, WINDOWS_1252};

/// What kind of markup the bytes hold: it decides which in-document declaration is read.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Markup {
    /// `<meta charset>` and `<meta http-equiv="Content-Type" content="…; charset=…">`.
    Html,
    /// `<?xml … encoding="…"?>`.
    Xml,
    /// No declaration: BOM, content type, detection.
    Text,
}

/// Where the encoding came from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum EncodingSource {
    Bom,
    ContentType,
    /// `<meta>` in HTML or the XML declaration.
    Declaration,
    Detected,
}

/// Decoded text and how it was decoded.
#[derive(Debug, Clone)]
pub struct Decoded {
    pub text: String,
    pub encoding: &'static Encoding,
    pub source: EncodingSource,
    /// Malformed byte sequences replaced by U+FFFD.
    pub replaced: usize,
    /// A declared encoding that was not used, and why (for the report).
    pub note: Option<String>,
}

/// How many bytes of a document are searched for an in-document declaration.
const PRESCAN_BYTES: usize = 4096;

/// Decodes `bytes`; `content_type` is an HTTP `Content-Type` value, when there is one.
pub fn decode(bytes: &[u8], content_type: Option<&str>, markup: Markup) -> Decoded {
    if let Some((encoding, bom_len)) = Encoding::for_bom(bytes) {
        return finish(&bytes[bom_len..], encoding, EncodingSource::Bom, None);
    }
    let mut note = None;
    let declared = content_type
        .and_then(charset_of_content_type)
        .map(|label| (label, EncodingSource::ContentType))
        .or_else(|| {
            let head = &bytes[..bytes.len().min(PRESCAN_BYTES)];
            match markup {
                Markup::Html => meta_charset(head),
                Markup::Xml => xml_declared_encoding(head),
                Markup::Text => None,
            }
            .map(|label| (label, EncodingSource::Declaration))
        });
    if let Some((label, source)) = declared {
        match Encoding::for_label(label.trim().as_bytes()) {
            Some(encoding) => {
                // as browsers do: a page cannot declare itself UTF-16 in ASCII, and
                // x-user-defined is windows-1252 for text purposes
                let encoding = if encoding == UTF_16LE || encoding == UTF_16BE {
                    UTF_8
                } else if encoding.name() == "x-user-defined" {
                    WINDOWS_1252
                } else {
                    encoding
                };
                if encoding == UTF_8 && !mostly_utf8(bytes) {
                    note = Some(format!(
                        "declared {label:?} but the bytes are not UTF-8; encoding detected instead"
                    ));
                } else {
                    return finish(bytes, encoding, source, None);
                }
            }
            None => {
                note = Some(format!(
                    "unknown encoding {:?} declared; encoding detected instead",
                    shorten(&label, 40)
                ))
            }
        }
    } else if markup == Markup::Xml && std::str::from_utf8(bytes).is_ok() {
        // XML without a declaration is UTF-8
        return finish(bytes, UTF_8, EncodingSource::Declaration, None);
    }
    let encoding = detect(bytes);
    finish(bytes, encoding, EncodingSource::Detected, note)
}

/// The most likely encoding of undeclared bytes (UTF-8 when they are valid UTF-8).
pub fn detect(bytes: &[u8]) -> &'static Encoding {
    if mostly_utf8(bytes) {
        return UTF_8;
    }
    let mut detector = chardetng::EncodingDetector::new(chardetng::Iso2022JpDetection::Deny);
    // a bounded sample keeps detection cheap on large pages
    let sample = &bytes[..bytes.len().min(256 << 10)];
    detector.feed(sample, sample.len() == bytes.len());
    detector.guess(None, chardetng::Utf8Detection::Allow)
}

/// Whether bytes are UTF-8 but for a few bad sequences (at most one in twenty non-ASCII
/// characters, as in a page cut inside a character or with one stray byte): such a page is
/// decoded as UTF-8 with replacements rather than guessed as another encoding.
fn mostly_utf8(bytes: &[u8]) -> bool {
    let (mut good, mut bad) = (0usize, 0usize);
    for chunk in bytes.utf8_chunks() {
        good += chunk.valid().chars().filter(|c| !c.is_ascii()).count();
        if !chunk.invalid().is_empty() {
            bad += 1;
        }
    }
    bad == 0 || (good > 0 && bad * 20 <= good)
}

fn finish(
    bytes: &[u8],
    encoding: &'static Encoding,
    source: EncodingSource,
    note: Option<String>,
) -> Decoded {
    let (text, had_errors) = encoding.decode_without_bom_handling(bytes);
    let replaced = if had_errors {
        text.chars().filter(|&c| c == '\u{FFFD}').count()
            - count_encoded_replacement_chars(bytes, encoding)
    } else {
        0
    };
    Decoded {
        text: text.into_owned(),
        encoding,
        source,
        replaced,
        note,
    }
}

/// U+FFFD characters that were really in the input (UTF-8 only), so that they are not counted
/// as replacements.
fn count_encoded_replacement_chars(bytes: &[u8], encoding: &'static Encoding) -> usize {
    if encoding != UTF_8 {
        return 0;
    }
    bytes.windows(3).filter(|w| w == b"\xEF\xBF\xBD").count()
}

/// The `charset` parameter of a `Content-Type` value.
pub fn charset_of_content_type(content_type: &str) -> Option<String> {
    content_type.split(';').skip(1).find_map(|param| {
        let (name, value) = param.split_once('=')?;
        if !name.trim().eq_ignore_ascii_case("charset") {
            return None;
        }
        let value = value.trim().trim_matches(|c| c == '"' || c == '\'').trim();
        (!value.is_empty()).then(|| value.to_string())
    })
}

/// The encoding declared by a `<meta>` tag in the first bytes of an HTML page (a simplified
/// version of the HTML prescan: comments are skipped, attributes parsed loosely).
pub fn meta_charset(head: &[u8]) -> Option<String> {
    let lower: Vec<u8> = head.to_ascii_lowercase();
    let mut at = 0;
    while at < lower.len() {
        if lower[at..].starts_with(b"<!--") {
            at = find(&lower, at + 4, b"-->").map_or(lower.len(), |end| end + 3);
            continue;
        }
        if lower[at..].starts_with(b"<meta") && lower.get(at + 5).is_some_and(is_tag_space) {
            let end = find(&lower, at, b">").unwrap_or(lower.len());
            let attrs = parse_attributes(&head[at + 5..end]);
            let get = |name: &str| {
                attrs
                    .iter()
                    .find(|(n, _)| n.eq_ignore_ascii_case(name))
                    .map(|(_, v)| v.as_str())
            };
            if let Some(charset) = get("charset").filter(|c| !c.trim().is_empty()) {
                return Some(charset.trim().to_string());
            }
            let is_content_type =
                get("http-equiv").is_some_and(|v| v.trim().eq_ignore_ascii_case("content-type"));
            if is_content_type {
                if let Some(charset) = get("content").and_then(charset_of_content_type) {
                    return Some(charset);
                }
            }
            at = end;
            continue;
        }
        at += 1;
    }
    None
}

/// The `encoding` of an XML declaration at the start of `head`.
pub fn xml_declared_encoding(head: &[u8]) -> Option<String> {
    let start = head.iter().position(|b| !b.is_ascii_whitespace())?;
    let head = &head[start..];
    if !head.starts_with(b"<?xml") {
        return None;
    }
    let end = find(head, 0, b"?>")?;
    parse_attributes(&head[5..end])
        .into_iter()
        .find(|(name, _)| name.eq_ignore_ascii_case("encoding"))
        .map(|(_, value)| value.trim().to_string())
        .filter(|v| !v.is_empty())
}

fn is_tag_space(b: &u8) -> bool {
    matches!(b, b' ' | b'\t' | b'\n' | b'\r' | b'\x0C' | b'/')
}

fn find(haystack: &[u8], from: usize, needle: &[u8]) -> Option<usize> {
    haystack
        .get(from..)?
        .windows(needle.len())
        .position(|w| w == needle)
        .map(|p| p + from)
}

/// Loose `name="value"` / `name='value'` / `name=value` / `name` attribute parsing (ASCII).
fn parse_attributes(bytes: &[u8]) -> Vec<(String, String)> {
    let mut out = Vec::new();
    let mut i = 0;
    let n = bytes.len();
    while i < n {
        while i < n && (is_tag_space(&bytes[i]) || bytes[i] == b'?') {
            i += 1;
        }
        let name_start = i;
        while i < n && !is_tag_space(&bytes[i]) && bytes[i] != b'=' {
            i += 1;
        }
        if name_start == i {
            i += 1;
            continue;
        }
        let name = String::from_utf8_lossy(&bytes[name_start..i]).into_owned();
        while i < n && bytes[i].is_ascii_whitespace() {
            i += 1;
        }
        if i >= n || bytes[i] != b'=' {
            out.push((name, String::new()));
            continue;
        }
        i += 1;
        while i < n && bytes[i].is_ascii_whitespace() {
            i += 1;
        }
        let value = if i < n && (bytes[i] == b'"' || bytes[i] == b'\'') {
            let quote = bytes[i];
            let start = i + 1;
            let end = bytes[start..]
                .iter()
                .position(|&b| b == quote)
                .map_or(n, |p| p + start);
            i = (end + 1).min(n);
            &bytes[start..end]
        } else {
            let start = i;
            while i < n && !is_tag_space(&bytes[i]) {
                i += 1;
            }
            &bytes[start..i]
        };
        out.push((name, String::from_utf8_lossy(value).into_owned()));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use encoding_rs::{ISO_8859_6, WINDOWS_1256};

    const REPORT: &str = "استهدفت غارة جوية مخزنا للذخيرة قرب بلدة الصالحية فجر اليوم، \
وأفاد شهود بسماع انفجارات متتالية وتصاعد أعمدة الدخان من الموقع.";

    fn page(charset_meta: &str) -> String {
        format!(
            "<!DOCTYPE html><html><head>{charset_meta}<title>خبر</title></head>\
             <body><p>{REPORT}</p></body></html>"
        )
    }

    #[test]
    fn meta_charset_windows_1256() {
        let html = page(r#"<meta charset="windows-1256">"#);
        let (bytes, _, bad) = WINDOWS_1256.encode(&html);
        assert!(!bad);
        let d = decode(&bytes, None, Markup::Html);
        assert_eq!(d.encoding, WINDOWS_1256);
        assert_eq!(d.source, EncodingSource::Declaration);
        assert_eq!(d.text, html);
        assert_eq!(d.replaced, 0);
    }

    #[test]
    fn http_equiv_iso_8859_6() {
        let html =
            page(r#"<meta http-equiv="Content-Type" content="text/html; charset=ISO-8859-6">"#);
        let (bytes, _, bad) = ISO_8859_6.encode(&html);
        assert!(!bad);
        let d = decode(&bytes, None, Markup::Html);
        assert_eq!(d.encoding, ISO_8859_6);
        assert_eq!(d.text, html);
    }

    #[test]
    fn content_type_wins_over_meta_and_bom_over_both() {
        let html = page(r#"<meta charset="utf-8">"#);
        let (bytes, _, _) = WINDOWS_1256.encode(&html);
        let d = decode(
            &bytes,
            Some("text/html; charset=\"windows-1256\""),
            Markup::Html,
        );
        assert_eq!(d.source, EncodingSource::ContentType);
        assert_eq!(d.text, html);
        let mut with_bom = b"\xEF\xBB\xBF".to_vec();
        with_bom.extend_from_slice(html.as_bytes());
        let d = decode(
            &with_bom,
            Some("text/html; charset=windows-1256"),
            Markup::Html,
        );
        assert_eq!(d.source, EncodingSource::Bom);
        assert_eq!(d.text, html);
    }

    #[test]
    fn undeclared_windows_1256_is_detected() {
        let html = page("");
        let (bytes, _, _) = WINDOWS_1256.encode(&html);
        let d = decode(&bytes, None, Markup::Html);
        assert_eq!(d.source, EncodingSource::Detected);
        assert_eq!(d.encoding, WINDOWS_1256);
        assert_eq!(d.text, html);
    }

    #[test]
    fn false_utf8_declaration_is_overridden() {
        let html = page(r#"<meta charset="utf-8">"#);
        let (bytes, _, _) = WINDOWS_1256.encode(&html);
        let d = decode(&bytes, None, Markup::Html);
        assert_eq!(d.encoding, WINDOWS_1256);
        assert!(d.note.unwrap().contains("not UTF-8"));
        assert_eq!(d.text, html);
    }

    #[test]
    fn xml_declaration_and_default() {
        let xml =
            format!("<?xml version=\"1.0\" encoding=\"windows-1256\"?><rss><t>{REPORT}</t></rss>");
        let (bytes, _, _) = WINDOWS_1256.encode(&xml);
        let d = decode(&bytes, None, Markup::Xml);
        assert_eq!(d.encoding, WINDOWS_1256);
        assert_eq!(d.source, EncodingSource::Declaration);
        assert_eq!(d.text, xml);
        let plain = format!("<rss><t>{REPORT}</t></rss>");
        assert_eq!(decode(plain.as_bytes(), None, Markup::Xml).encoding, UTF_8);
    }

    #[test]
    fn invalid_bytes_are_counted_not_fatal() {
        let mut bytes = format!("<meta charset=utf-8><p>{REPORT}").into_bytes();
        bytes.extend_from_slice(b"\xFF\xFE");
        // declared UTF-8 but invalid: detection runs and still decodes something
        let d = decode(&bytes, None, Markup::Html);
        assert!(!d.text.is_empty());
        let d = decode(
            b"abc\xC3\xA9\xE9",
            Some("text/plain; charset=utf-8"),
            Markup::Text,
        );
        assert!(d.note.is_some()); // as many bad sequences as good characters: detected
                                   // one stray byte in a UTF-8 page: still UTF-8
        let mut page = format!("<meta charset=utf-8><p>{REPORT}").into_bytes();
        page.push(0xD9);
        let d = decode(&page, None, Markup::Html);
        assert_eq!((d.encoding, d.replaced, d.note), (UTF_8, 1, None));
        let d = decode(b"\xEF\xBB\xBFabc\xC3", None, Markup::Text);
        assert_eq!(d.replaced, 1);
        assert_eq!(d.text, "abc\u{FFFD}");
    }

    #[test]
    fn unknown_label_is_noted() {
        let d = decode(b"<meta charset=klingon><p>hello", None, Markup::Html);
        assert!(d.note.unwrap().contains("klingon"));
        assert_eq!(d.text, "<meta charset=klingon><p>hello");
    }

    #[test]
    fn meta_in_comment_is_ignored() {
        let head = b"<!-- <meta charset=iso-8859-6> --><meta content='text/html;charset=windows-1256' http-equiv=content-type>";
        assert_eq!(meta_charset(head).as_deref(), Some("windows-1256"));
        assert_eq!(meta_charset(b"<metadata charset=x>"), None);
    }
}
