//! JSON Lines input (one document object per line), read with bounded memory: lines are read
//! with a cap, so that a multi-gigabyte line is skipped without being stored, and each line
//! becomes a document through [`crate::document_from_json`]. The CLI reads files with these;
//! they live here, in a library, so that the fuzz targets reach them too.

use crate::document_from_json;
use rasid_extraction::Document;
use serde_json::Value;
use std::io::{self, BufRead};

/// Reads one line into `buf` without its line end, keeping at most `cap` bytes: a longer line
/// is consumed to its end but not stored (`buf` is left empty). Returns the line's full length
/// in bytes, or `None` at the end of the input.
pub fn read_line_capped<R: BufRead>(
    reader: &mut R,
    buf: &mut Vec<u8>,
    cap: usize,
) -> io::Result<Option<usize>> {
    buf.clear();
    let mut total = 0usize;
    let mut started = false;
    loop {
        let available = match reader.fill_buf() {
            Ok(available) => available,
            Err(e) if e.kind() == io::ErrorKind::Interrupted => continue,
            Err(e) => return Err(e),
        };
        if available.is_empty() {
            break;
        }
        started = true;
        let newline = available.iter().position(|&b| b == b'\n');
        let chunk = &available[..newline.unwrap_or(available.len())];
        total = total.saturating_add(chunk.len());
        if total <= cap {
            buf.extend_from_slice(chunk);
        } else {
            buf.clear();
        }
        let used = chunk.len() + usize::from(newline.is_some());
        reader.consume(used);
        if newline.is_some() {
            break;
        }
    }
    if !started {
        return Ok(None);
    }
    if buf.last() == Some(&b'\r') {
        buf.pop();
        if total <= cap {
            total -= 1;
        }
    }
    Ok(Some(total))
}

/// Reads one JSON Lines record (see [`document_from_json`]) from the bytes of its line, with
/// the text held to `text_limit` bytes. Returns the document and notes on ignored fields, or
/// why the line gives no document.
pub fn parse_record(line: &[u8], text_limit: usize) -> Result<(Document, Vec<String>), String> {
    let line = std::str::from_utf8(line).map_err(|e| not_utf8(line, e.valid_up_to()))?;
    let value: Value =
        serde_json::from_str(line).map_err(|e| format!("not a valid JSON line: {e}"))?;
    let (doc, notes) = document_from_json(value)?;
    if doc.text.len() > text_limit {
        return Err(too_large(doc.text.len() as u64, text_limit));
    }
    Ok((doc, notes))
}

/// "document too large (SIZE MB > LIMIT MB)".
pub fn too_large(size: u64, limit: usize) -> String {
    format!(
        "document too large ({} MB > {} MB)",
        megabytes(size),
        megabytes(limit as u64)
    )
}

/// A size in MiB for a message: whole from 10, else with one decimal.
pub fn megabytes(bytes: u64) -> String {
    let mb = bytes as f64 / (1u64 << 20) as f64;
    if mb >= 10.0 || mb.fract() == 0.0 {
        format!("{mb:.0}")
    } else {
        format!("{mb:.1}")
    }
}

/// Why bytes are not UTF-8, with a hint when they read as Arabic in windows-1256.
pub fn not_utf8(bytes: &[u8], valid_up_to: usize) -> String {
    let mut message = match bytes.get(valid_up_to) {
        Some(b) => format!("not UTF-8 (byte 0x{b:02X} at offset {valid_up_to})"),
        None => "not UTF-8 (truncated character at the end)".to_string(),
    };
    if reads_as_windows_1256_arabic(bytes) {
        message.push_str(
            "; it reads as Arabic in windows-1256: convert it first, \
             e.g. `iconv -f WINDOWS-1256 -t UTF-8`",
        );
    }
    message
}

/// Whether the non-ASCII characters of `bytes`, decoded as windows-1256, are mostly Arabic.
fn reads_as_windows_1256_arabic(bytes: &[u8]) -> bool {
    let sample = &bytes[..bytes.len().min(64 << 10)];
    let (decoded, _) = encoding_rs::WINDOWS_1256.decode_without_bom_handling(sample);
    let (mut arabic, mut other) = (0usize, 0usize);
    for c in decoded.chars().filter(|c| !c.is_ascii()) {
        if ('\u{0600}'..='\u{06FF}').contains(&c) {
            arabic += 1;
        } else {
            other += 1;
        }
    }
    arabic >= 3 && arabic >= 4 * other
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::io::BufReader;

    #[test]
    fn capped_line_reader_reports_full_lengths() {
        let input = b"abc\r\n\nlong line here\nlast";
        let mut reader = BufReader::with_capacity(4, &input[..]);
        let mut buf = Vec::new();
        let mut got = Vec::new();
        while let Some(len) = read_line_capped(&mut reader, &mut buf, 5).unwrap() {
            got.push((len, String::from_utf8(buf.clone()).unwrap()));
        }
        let expected = [(3, "abc"), (0, ""), (14, ""), (4, "last")];
        let expected: Vec<(usize, String)> =
            expected.iter().map(|&(n, s)| (n, s.to_string())).collect();
        assert_eq!(got, expected);
    }

    #[test]
    fn a_lone_carriage_return_is_an_empty_line() {
        let mut reader = BufReader::with_capacity(1, &b"\r\n\r"[..]);
        let mut buf = vec![b'x'];
        assert_eq!(read_line_capped(&mut reader, &mut buf, 5).unwrap(), Some(0));
        assert!(buf.is_empty());
        assert_eq!(read_line_capped(&mut reader, &mut buf, 5).unwrap(), Some(0));
        assert_eq!(read_line_capped(&mut reader, &mut buf, 5).unwrap(), None);
    }

    #[test]
    fn records_are_read_or_refused_with_a_reason() {
        let (doc, notes) =
            parse_record(r#"{"id": "a", "text": "نص", "outlet": 5}"#.as_bytes(), 100).unwrap();
        assert_eq!((doc.id.as_str(), doc.text.as_str()), ("a", "نص"));
        assert_eq!(
            notes,
            ["\"outlet\" must be a string, found a number; ignored"]
        );
        let refused = |line: &[u8], limit: usize| parse_record(line, limit).unwrap_err();
        assert!(refused(b"{\"id\": 1,", 100).starts_with("not a valid JSON line: EOF"));
        assert_eq!(
            refused(b"[1]", 100),
            "expected a JSON object (one document per line), found an array"
        );
        assert!(refused(r#"{"id": "a", "text": "نص نص"}"#.as_bytes(), 4)
            .starts_with("document too large ("));
        assert_eq!(
            refused(b"{\"id\": \"a\", \"text\": \"\xFF\"}", 100),
            "not UTF-8 (byte 0xFF at offset 21)"
        );
        // an Arabic line saved as windows-1256 gets a hint
        let (cp1256, _, _) =
            encoding_rs::WINDOWS_1256.encode(r#"{"id": "a", "text": "قصف مدفعي"}"#);
        assert!(refused(&cp1256, 100).contains("windows-1256"));
    }

    #[test]
    fn sizes_are_given_in_megabytes() {
        assert_eq!(
            too_large(50 << 20, 8 << 20),
            "document too large (50 MB > 8 MB)"
        );
        assert_eq!(megabytes(3 << 19), "1.5");
        assert_eq!(megabytes(0), "0");
    }
}
