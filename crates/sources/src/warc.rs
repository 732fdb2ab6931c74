//! A small streaming WARC reader (WARC 1.0 / 1.1, plain or gzip, including the per-record
//! gzip members of Common Crawl files) and the HTTP responses inside `response` records.
//!
//! Records are read one at a time from any [`BufRead`], so a multi-gigabyte archive is never
//! held in memory; a record larger than the limit is skipped without being stored. A truncated
//! or corrupt file ends the reading with an error saying at which record and byte; the
//! records before it are kept.

use crate::shorten;
use std::borrow::Cow;
use std::io::{self, BufRead, BufReader, Read};

use flate2::bufread::MultiGzDecoder;

/// Largest header section of a WARC record or an HTTP response.
const MAX_HEADER_BYTES: usize = 256 << 10;

/// One WARC record: its named fields and its content block.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct WarcRecord {
    /// Header fields in order, names as written.
    pub headers: Vec<(String, String)>,
    pub block: Vec<u8>,
}

impl WarcRecord {
    /// The first field called `name` (case-insensitive).
    pub fn header(&self, name: &str) -> Option<&str> {
        header(&self.headers, name)
    }

    /// `WARC-Type`, lower-case.
    pub fn record_type(&self) -> Option<String> {
        self.header("WARC-Type")
            .map(|t| t.trim().to_ascii_lowercase())
    }

    /// `WARC-Target-URI`, without the angle brackets some writers put around it.
    pub fn target_uri(&self) -> Option<&str> {
        self.header("WARC-Target-URI")
            .map(|u| u.trim().trim_start_matches('<').trim_end_matches('>'))
            .filter(|u| !u.is_empty())
    }
}

fn header<'a>(headers: &'a [(String, String)], name: &str) -> Option<&'a str> {
    headers
        .iter()
        .find(|(n, _)| n.eq_ignore_ascii_case(name))
        .map(|(_, v)| v.as_str())
}

/// What the reader yields for one record.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum WarcItem {
    Record(WarcRecord),
    /// A record whose block is over the limit: skipped, with its headers.
    TooLarge {
        headers: Vec<(String, String)>,
        length: u64,
    },
}

/// A problem that ends the reading of an archive.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct WarcError {
    /// Number of the record (from 1) where it happened.
    pub record: usize,
    /// Offset in the (decompressed) stream.
    pub offset: u64,
    pub message: String,
}

/// Reads records one by one; after an error it yields nothing more.
pub struct WarcReader<R> {
    reader: R,
    max_block: usize,
    offset: u64,
    records: usize,
    done: bool,
}

/// A reader for `input`, decompressing it when it starts with the gzip magic bytes.
pub fn open_warc<'a, R: Read + 'a>(
    input: R,
    max_block: usize,
) -> WarcReader<Box<dyn BufRead + 'a>> {
    let mut buffered = BufReader::with_capacity(64 << 10, input);
    let gzip = matches!(buffered.fill_buf(), Ok(head) if head.starts_with(&[0x1F, 0x8B]));
    let reader: Box<dyn BufRead + 'a> = if gzip {
        Box::new(BufReader::with_capacity(
            64 << 10,
            MultiGzDecoder::new(buffered),
        ))
    } else {
        Box::new(buffered)
    };
    WarcReader::new(reader, max_block)
}

impl<R: BufRead> WarcReader<R> {
    pub fn new(reader: R, max_block: usize) -> Self {
        WarcReader {
            reader,
            max_block,
            offset: 0,
            records: 0,
            done: false,
        }
    }

    fn fail(&mut self, message: String) -> Option<Result<WarcItem, WarcError>> {
        self.done = true;
        Some(Err(WarcError {
            record: self.records,
            offset: self.offset,
            message,
        }))
    }

    /// Reads one line (with its end) into `buf`, at most `cap` bytes; `Ok(false)` at the end.
    fn line(&mut self, buf: &mut Vec<u8>, cap: usize) -> io::Result<bool> {
        buf.clear();
        let n = (&mut self.reader).take(cap as u64).read_until(b'\n', buf)?;
        self.offset += n as u64;
        Ok(n > 0)
    }
}

impl<R: BufRead> Iterator for WarcReader<R> {
    type Item = Result<WarcItem, WarcError>;

    fn next(&mut self) -> Option<Self::Item> {
        if self.done {
            return None;
        }
        let mut line = Vec::new();
        // blank lines between records
        loop {
            match self.line(&mut line, MAX_HEADER_BYTES) {
                Ok(false) => {
                    self.done = true;
                    return None;
                }
                Ok(true) if line.iter().all(u8::is_ascii_whitespace) => continue,
                Ok(true) => break,
                Err(e) => return self.fail(read_error(&e)),
            }
        }
        self.records += 1;
        if !line.starts_with(b"WARC/") {
            let start = String::from_utf8_lossy(&line[..line.len().min(20)]).into_owned();
            return self.fail(format!(
                "not a WARC record (it starts with {:?}, not \"WARC/\")",
                start.trim_end()
            ));
        }
        let mut headers: Vec<(String, String)> = Vec::new();
        let mut header_bytes = 0usize;
        loop {
            match self.line(&mut line, MAX_HEADER_BYTES) {
                Ok(false) => {
                    return self.fail("truncated record: the file ends in its header".into())
                }
                Ok(true) => {}
                Err(e) => return self.fail(read_error(&e)),
            }
            header_bytes += line.len();
            if header_bytes >= MAX_HEADER_BYTES {
                return self.fail("record header too large".into());
            }
            let text = String::from_utf8_lossy(&line);
            let text = text.trim_end_matches(['\r', '\n']);
            if text.is_empty() {
                break;
            }
            if text.starts_with([' ', '\t']) {
                // a continuation line
                if let Some((_, value)) = headers.last_mut() {
                    value.push(' ');
                    value.push_str(text.trim());
                }
                continue;
            }
            match text.split_once(':') {
                Some((name, value)) => {
                    headers.push((name.trim().to_string(), value.trim().to_string()))
                }
                None => {
                    return self.fail(format!(
                        "malformed record header line {:?}",
                        shorten(text, 60)
                    ))
                }
            }
        }
        let length = match header(&headers, "Content-Length").map(|v| v.trim().parse::<u64>()) {
            Some(Ok(length)) => length,
            Some(Err(_)) => return self.fail("invalid Content-Length".into()),
            None => return self.fail("record without Content-Length".into()),
        };
        if length > self.max_block as u64 {
            let skipped = match io::copy(&mut (&mut self.reader).take(length), &mut io::sink()) {
                Ok(n) => n,
                Err(e) => return self.fail(read_error(&e)),
            };
            self.offset += skipped;
            if skipped < length {
                return self.fail(truncated(length, skipped));
            }
            return Some(Ok(WarcItem::TooLarge { headers, length }));
        }
        let mut block = Vec::with_capacity(length.min(1 << 20) as usize);
        match (&mut self.reader).take(length).read_to_end(&mut block) {
            Ok(n) => self.offset += n as u64,
            Err(e) => return self.fail(read_error(&e)),
        }
        if (block.len() as u64) < length {
            return self.fail(truncated(length, block.len() as u64));
        }
        Some(Ok(WarcItem::Record(WarcRecord { headers, block })))
    }
}

fn truncated(expected: u64, got: u64) -> String {
    format!("truncated record: {got} of its {expected} bytes before the end of the file")
}

fn read_error(e: &io::Error) -> String {
    match e.kind() {
        io::ErrorKind::UnexpectedEof => {
            "truncated or corrupt gzip data (unexpected end of the compressed stream)".into()
        }
        io::ErrorKind::InvalidInput | io::ErrorKind::InvalidData => {
            format!("corrupt gzip data: {e}")
        }
        _ => format!("cannot read: {e}"),
    }
}

/// An HTTP response as stored in a `response` record.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct HttpResponse<'a> {
    pub status: u16,
    pub headers: Vec<(String, String)>,
    /// The payload, de-chunked and decompressed (`gzip`, `deflate`) when the headers say so.
    pub body: Cow<'a, [u8]>,
}

impl HttpResponse<'_> {
    pub fn header(&self, name: &str) -> Option<&str> {
        header(&self.headers, name)
    }
}

/// Parses the HTTP response of a `response` record's block; `max_body` bounds decompression.
pub fn parse_http_response(block: &[u8], max_body: usize) -> Result<HttpResponse<'_>, String> {
    let head_end = find(block, b"\r\n\r\n")
        .map(|p| (p, p + 4))
        .or_else(|| find(block, b"\n\n").map(|p| (p, p + 2)));
    let Some((end, body_start)) = head_end else {
        return Err("HTTP response without the end of its headers".into());
    };
    if end > MAX_HEADER_BYTES {
        return Err("HTTP headers too large".into());
    }
    let head = String::from_utf8_lossy(&block[..end]);
    let mut lines = head.lines();
    let status_line = lines.next().unwrap_or("");
    let mut parts = status_line.split_whitespace();
    let status = match (parts.next(), parts.next().map(str::parse::<u16>)) {
        (Some(version), Some(Ok(status))) if version.starts_with("HTTP/") => status,
        _ => {
            return Err(format!(
                "not an HTTP response (status line {:?})",
                shorten(status_line, 60)
            ))
        }
    };
    let headers: Vec<(String, String)> = lines
        .filter_map(|l| l.split_once(':'))
        .map(|(n, v)| (n.trim().to_string(), v.trim().to_string()))
        .collect();
    let mut body: Cow<'_, [u8]> = Cow::Borrowed(&block[body_start..]);
    let chunked = header(&headers, "Transfer-Encoding")
        .is_some_and(|t| t.to_ascii_lowercase().contains("chunked"));
    if chunked {
        if let Some(joined) = dechunk(&body) {
            body = Cow::Owned(joined);
        }
    }
    let encoding = header(&headers, "Content-Encoding")
        .map(|e| e.trim().to_ascii_lowercase())
        .unwrap_or_default();
    match encoding.as_str() {
        "" | "identity" => {}
        "gzip" | "x-gzip" => {
            body = Cow::Owned(inflate(
                flate2::read::MultiGzDecoder::new(&body[..]),
                max_body,
            )?)
        }
        "deflate" => {
            let zlib = inflate(flate2::read::ZlibDecoder::new(&body[..]), max_body);
            body = Cow::Owned(match zlib {
                Ok(b) => b,
                Err(_) => inflate(flate2::read::DeflateDecoder::new(&body[..]), max_body)?,
            });
        }
        other => {
            // many crawlers store the payload decoded (Common Crawl renames the header):
            // only what still looks compressed is refused
            if body.starts_with(&[0x1F, 0x8B]) {
                body = Cow::Owned(inflate(
                    flate2::read::MultiGzDecoder::new(&body[..]),
                    max_body,
                )?);
            } else if !looks_like_text(&body) {
                return Err(format!("unsupported Content-Encoding {other:?}"));
            }
        }
    }
    Ok(HttpResponse {
        status,
        headers,
        body,
    })
}

fn looks_like_text(body: &[u8]) -> bool {
    let head = &body[..body.len().min(512)];
    !head.contains(&0) && head.contains(&b'<')
}

fn inflate<R: Read>(decoder: R, max: usize) -> Result<Vec<u8>, String> {
    let mut out = Vec::new();
    decoder
        .take(max as u64 + 1)
        .read_to_end(&mut out)
        .map_err(|e| format!("cannot decompress the HTTP payload: {e}"))?;
    if out.len() > max {
        return Err("HTTP payload too large once decompressed".into());
    }
    Ok(out)
}

/// Joins the chunks of a chunked body; `None` when it is not well-formed chunked data.
fn dechunk(body: &[u8]) -> Option<Vec<u8>> {
    let mut out = Vec::with_capacity(body.len());
    let mut at = 0;
    loop {
        let line_end = find(&body[at..], b"\n")? + at;
        let size_text = std::str::from_utf8(&body[at..line_end]).ok()?;
        let size_text = size_text.trim().split(';').next()?.trim();
        let size = usize::from_str_radix(size_text, 16).ok()?;
        at = line_end + 1;
        if size == 0 {
            return Some(out);
        }
        let end = at.checked_add(size)?;
        out.extend_from_slice(body.get(at..end)?);
        at = end;
        // the CRLF after the chunk
        while at < body.len() && matches!(body[at], b'\r' | b'\n') && at < end + 2 {
            at += 1;
        }
        if at >= body.len() {
            return Some(out);
        }
    }
}

fn find(haystack: &[u8], needle: &[u8]) -> Option<usize> {
    haystack.windows(needle.len()).position(|w| w == needle)
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;
    use flate2::write::GzEncoder;
    use std::io::Write;

    /// One WARC record with the given type, URI and block.
    pub(crate) fn record(kind: &str, uri: &str, date: &str, block: &[u8]) -> Vec<u8> {
        let mut out = format!(
            "WARC/1.0\r\nWARC-Type: {kind}\r\nWARC-Target-URI: {uri}\r\nWARC-Date: {date}\r\n\
             WARC-Record-ID: <urn:uuid:{uri}>\r\nContent-Type: application/http; msgtype=response\r\n\
             Content-Length: {}\r\n\r\n",
            block.len()
        )
        .into_bytes();
        out.extend_from_slice(block);
        out.extend_from_slice(b"\r\n\r\n");
        out
    }

    pub(crate) fn gzip(bytes: &[u8]) -> Vec<u8> {
        let mut e = GzEncoder::new(Vec::new(), flate2::Compression::default());
        e.write_all(bytes).unwrap();
        e.finish().unwrap()
    }

    fn all(bytes: &[u8]) -> Vec<Result<WarcItem, WarcError>> {
        open_warc(bytes, 1 << 20).collect()
    }

    #[test]
    fn reads_plain_and_gzipped_member_per_record() {
        let a = record("warcinfo", "", "2024-05-14T10:00:00Z", b"software: test");
        let b = record(
            "response",
            "https://x.example/a",
            "2024-05-14T10:00:00Z",
            b"HTTP/1.1 200 OK\r\n\r\nbody",
        );
        let plain = [a.clone(), b.clone()].concat();
        let items = all(&plain);
        assert_eq!(items.len(), 2);
        let Ok(WarcItem::Record(r)) = &items[1] else {
            panic!("{items:?}")
        };
        assert_eq!(r.record_type().as_deref(), Some("response"));
        assert_eq!(r.target_uri(), Some("https://x.example/a"));
        assert_eq!(r.block, b"HTTP/1.1 200 OK\r\n\r\nbody");
        let members = [gzip(&a), gzip(&b)].concat();
        assert_eq!(all(&members), items);
    }

    #[test]
    fn truncation_and_garbage_are_errors() {
        let b = record(
            "response",
            "https://x.example/a",
            "2024-05-14T10:00:00Z",
            b"HTTP/1.1 200 OK\r\n\r\nbody of the page",
        );
        let items = all(&b[..b.len() - 10]);
        let Err(e) = &items[0] else { panic!() };
        assert!(e.message.starts_with("truncated record"), "{e:?}");
        let gz = gzip(&[b.clone(), b.clone()].concat());
        let items = all(&gz[..gz.len() - 12]);
        assert!(items.iter().any(|i| matches!(i, Err(e) if e.message.contains("gzip") || e.message.contains("truncated"))), "{items:?}");
        let items = all(b"GIF89a\0\0\0");
        assert_eq!(items.len(), 1);
        assert!(items[0]
            .as_ref()
            .unwrap_err()
            .message
            .starts_with("not a WARC record"));
        let items = all(b"WARC/1.0\r\nWARC-Type: response\r\n\r\n");
        assert_eq!(
            items[0].as_ref().unwrap_err().message,
            "record without Content-Length"
        );
    }

    #[test]
    fn oversized_record_is_skipped() {
        let big = record(
            "response",
            "https://x.example/big",
            "2024-05-14T10:00:00Z",
            &vec![b'a'; 5000],
        );
        let small = record(
            "response",
            "https://x.example/s",
            "2024-05-14T10:00:00Z",
            b"HTTP/1.1 200 OK\r\n\r\nx",
        );
        let items: Vec<_> = open_warc(&[big, small].concat()[..], 1000).collect();
        assert!(matches!(
            &items[0],
            Ok(WarcItem::TooLarge { length: 5000, .. })
        ));
        assert!(matches!(&items[1], Ok(WarcItem::Record(_))));
    }

    #[test]
    fn http_responses() {
        let r = parse_http_response(b"HTTP/1.1 200 OK\r\nContent-Type: text/html; charset=windows-1256\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nhello\r\n6\r\n world\r\n0\r\n\r\n", 1000).unwrap();
        assert_eq!(r.status, 200);
        assert_eq!(
            r.header("content-type"),
            Some("text/html; charset=windows-1256")
        );
        assert_eq!(&*r.body, b"hello world");
        let mut gz = b"HTTP/1.0 200 OK\r\nContent-Encoding: gzip\r\n\r\n".to_vec();
        gz.extend_from_slice(&gzip(b"<p>compressed</p>"));
        assert_eq!(
            &*parse_http_response(&gz, 1000).unwrap().body,
            b"<p>compressed</p>"
        );
        assert!(parse_http_response(&gz, 5)
            .unwrap_err()
            .contains("too large"));
        assert!(parse_http_response(b"GET / HTTP/1.1\r\n\r\n", 10).is_err());
        assert!(parse_http_response(b"HTTP/1.1 200", 10).is_err());
        let bad_gzip = b"HTTP/1.1 200 OK\r\nContent-Encoding: gzip\r\n\r\n\x1f\x8b\x08garbage";
        assert!(parse_http_response(bad_gzip, 100).is_err());
    }
}
