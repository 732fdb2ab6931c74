//! Scraped page furniture (related-article lists, share buttons, counters, tracking tokens):
//! byte ranges of the folded text that produce no events.

use rasid_lexicons::{ClutterScope, Hit, Kind, Lexicons};

/// Lines longer than this many words are report text even when they contain a clutter
/// phrase; only the phrase itself is dropped then.
const SHORT_LINE_WORDS: usize = 12;

/// Byte ranges of `folded` to ignore, sorted and non-overlapping.
pub fn clutter_ranges(folded: &str, hits: &[Hit], lex: &Lexicons) -> Vec<(usize, usize)> {
    let mut ranges = Vec::new();
    for h in hits.iter().filter(|h| h.kind == Kind::Clutter) {
        let (line_start, line_end) = line_around(folded, h.start);
        let short = folded[line_start..line_end].split_whitespace().count() <= SHORT_LINE_WORDS;
        let range = match lex.clutter[h.entry as usize].scope {
            ClutterScope::Tail if short => (line_start, folded.len()),
            ClutterScope::Line | ClutterScope::Tail if short => (line_start, line_end),
            _ => (h.start - h.proclitic as usize, h.end),
        };
        ranges.push(range);
    }
    ranges.sort_unstable();
    let mut merged: Vec<(usize, usize)> = Vec::new();
    for (s, e) in ranges {
        match merged.last_mut() {
            Some(last) if s <= last.1 => last.1 = last.1.max(e),
            _ => merged.push((s, e)),
        }
    }
    merged
}

fn line_around(text: &str, pos: usize) -> (usize, usize) {
    let start = text[..pos].rfind('\n').map_or(0, |i| i + 1);
    let end = text[pos..].find('\n').map_or(text.len(), |i| pos + i);
    (start, end)
}

/// Whether byte `pos` falls in one of the sorted `ranges`.
pub fn inside(ranges: &[(usize, usize)], pos: usize) -> bool {
    let i = ranges.partition_point(|r| r.1 <= pos);
    ranges.get(i).is_some_and(|r| r.0 <= pos)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::test_lexicons;

    #[test]
    fn related_headlines_after_the_marker_are_dropped() {
        let lex = test_lexicons();
        let text = rasid_text::fold(
            "قصفت طائرات مواقع في البوكمال.\nمقالات ذات صلة\nغارة على حمص\nقصف في إدلب",
        )
        .text;
        let hits = lex.scan(&text);
        let ranges = clutter_ranges(&text, &hits, lex);
        assert_eq!(ranges.len(), 1);
        assert!(inside(&ranges, text.find("غاره").unwrap()));
        assert!(!inside(&ranges, 0));
    }

    #[test]
    fn a_long_line_loses_only_the_phrase() {
        let lex = test_lexicons();
        let text = rasid_text::fold(
            "وقال المصدر إن طائرة مسيرة استهدفت مستودعا للأسلحة في ريف دير الزور الشرقي فجر اليوم",
        )
        .text;
        let hits = lex.scan(&text);
        let ranges = clutter_ranges(&text, &hits, lex);
        assert!(ranges.iter().all(|r| r.1 - r.0 < 20));
    }
}
