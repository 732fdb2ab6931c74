//! The publication day a document carries itself, for one that comes without it: the date
//! printed at its top, on a line of its own («الخميس 5 فبراير 2024», «2025-09-21 10:30»,
//! «11-يونيو-2024», «الجمعة , سبتمبر 20 2024»),
//! after a label («نشر في 15 سبتمبر، 2025») or as a dateline before the report («دمشق - 24
//! آذار 2023 - قتل…»); or the full date in the path of its URL (`/2023/03/24/`,
//! `/24/03/2023/`, a slug holding `2023-03-24`).
//!
//! Only a full date counts (a day of a month of a given year): a weekday or a date without
//! its year printed at the top would need the publication day to be read. Days outside
//! [`EARLIEST`]..=[`LATEST`] are refused. The caller decides which source wins (a day given
//! with the document first, then the text, then the URL).

use crate::dates::{find_dates, DateKind, DateMention, Precision};
use crate::fold::fold;
use crate::Day;

/// The earliest publication day believed: Arabic news on the web starts in the 1990s, and
/// an earlier full date at the top of a page is the day of what the page is about (an
/// anniversary, a war), not of the page.
pub const EARLIEST: Day = Day {
    year: 1990,
    month: 1,
    day: 1,
};

/// The latest publication day believed. Extraction is pure (no clock, so that a document
/// gives the same mentions whenever it is read), so the bound is fixed: later days are
/// typing errors or not dates.
pub const LATEST: Day = Day {
    year: 2099,
    month: 12,
    day: 31,
};

/// A printed date stands within the first `HEAD_CHARS` characters of the text and within
/// its first `HEAD_LINES` lines that hold a word or a number: a page's top holds the headline, the
/// outlet's and the editors' names, a section name, a byline and the date (eight lines
/// cover such tops); further down, a date belongs to the report (the day of an act).
pub const HEAD_CHARS: usize = 500;
pub const HEAD_LINES: usize = 8;

/// Words a date line may hold besides its date (a weekday before a numeric date, a time's
/// «م», a byline «كتب: …», a label): with more, the line is a sentence telling of a date.
const DATE_LINE_WORDS: usize = 6;

/// Of those, how many may stand before the date («نشر في», «آخر تحديث:», a weekday).
const DATE_LINE_LEAD: usize = 3;

/// Words a dateline may put before its date: the place, the outlet's name, a date of
/// another calendar with «الموافق» («جيلب 16 ربيع الأول 1441 – الموافق 13 نوفمبر 2019
/// (صونا) –»).
const DATELINE_LEAD: usize = 8;

/// Labels that open a line to say the page's day, however long the line goes on after the
/// date («date 2025-08-30 شكرا لقراءتكم …»), folded.
const LABELS: &[&str] = &[
    "نشر",
    "نشر في",
    "نشر بتاريخ",
    "تاريخ النشر",
    "بتاريخ",
    "اخر تحديث",
    "تم التحديث",
    "تحديث",
    "date",
    "published",
    "published on",
    "updated",
    "posted on",
];

/// The day printed at the top of `text` (see the module), with the byte range of its date
/// in the fold of `text`: folding maps each character by itself, so the fold of the top is
/// the top of the fold and the range holds for the whole text.
pub fn printed_day(text: &str) -> Option<(Day, usize, usize)> {
    let head = head_of(text);
    if !may_hold_a_year(head) {
        return None;
    }
    let head = fold(head).text;
    let lines = word_lines(&head);
    for date in find_dates(&head, None) {
        let Some(&(start, end)) = lines.iter().find(|l| l.0 <= date.start && date.end <= l.1)
        else {
            // past the lines of the top (a date across lines is no printed date either)
            if lines.last().is_some_and(|l| date.start >= l.1) {
                break;
            }
            continue;
        };
        let Some(day) = full_day(&date) else {
            continue;
        };
        let before = &head[start..date.start];
        let after = &head[date.end..end];
        if date_line(before, after) || labelled(before) || dateline(before, after) {
            return Some((day, date.start, date.end));
        }
    }
    None
}

/// Whether text has what every full printed date has, a year: four digits in a row
/// («2024», «٢٠٢٤», «۲۰۲۴»), or a numeric date of three parts («5/2/24»). Folding and
/// finding dates cost more than the rest of a document's top; most tops hold no year.
fn may_hold_a_year(text: &str) -> bool {
    let digit =
        |c: char| c.is_ascii_digit() || ('٠'..='٩').contains(&c) || ('۰'..='۹').contains(&c);
    text.split(|c: char| !(digit(c) || matches!(c, '/' | '.' | '-' | '\u{066B}')))
        .any(|token| {
            let mut run = 0;
            let mut longest = 0;
            for c in token.chars() {
                run = if digit(c) { run + 1 } else { 0 };
                longest = longest.max(run);
            }
            let parts = token
                .split(['/', '.', '-', '\u{066B}'])
                .filter(|p| !p.is_empty())
                .count();
            longest >= 4 || parts >= 3
        })
}

/// The first `HEAD_CHARS` characters of `text`, cut back to a space so that no number or
/// word is cut in two.
fn head_of(text: &str) -> &str {
    let Some((cut, _)) = text.char_indices().nth(HEAD_CHARS) else {
        return text;
    };
    if text[cut..].starts_with(char::is_whitespace) {
        return &text[..cut];
    }
    &text[..text[..cut].rfind(char::is_whitespace).unwrap_or(0)]
}

/// Byte ranges of the first `HEAD_LINES` lines of `text` that hold a word or a number.
fn word_lines(text: &str) -> Vec<(usize, usize)> {
    let mut at = 0;
    let mut lines = Vec::new();
    for line in text.split('\n') {
        let range = (at, at + line.len());
        at = range.1 + 1;
        if line.chars().any(char::is_alphanumeric) {
            lines.push(range);
            if lines.len() == HEAD_LINES {
                break;
            }
        }
    }
    lines
}

/// Pieces of `text` between spaces that hold a letter: words, not numbers, times or marks.
fn words(text: &str) -> usize {
    text.split_whitespace()
        .filter(|w| w.chars().any(char::is_alphabetic))
        .count()
}

/// The day of a date that names one day of a given year, when plausible.
fn full_day(date: &DateMention) -> Option<Day> {
    let day = date.first.filter(|&d| Some(d) == date.last)?;
    let full = date.kind == DateKind::Absolute && date.precision == Precision::Day;
    (full && !date.reckoned && plausible(day)).then_some(day)
}

/// Whether `day` can be a publication day (see [`EARLIEST`] and [`LATEST`]).
pub fn plausible(day: Day) -> bool {
    (EARLIEST..=LATEST).contains(&day)
}

/// A line that holds little but its date: «السبت 17 أبريل 2021 06:35 م».
fn date_line(before: &str, after: &str) -> bool {
    let lead = words(before);
    lead <= DATE_LINE_LEAD && lead + words(after) <= DATE_LINE_WORDS
}

/// A line that a label opens, right before the date: «نشر في: 5 شباط 2024».
fn labelled(before: &str) -> bool {
    let label = before
        .trim_end_matches([' ', ':', '-', '|', ',', '،'])
        .trim();
    LABELS.contains(&label)
}

/// A dateline: a few words (the place, the outlet), the date, then a dash, possibly after the
/// outlet in brackets, or the end of the line: «ود مدني، 14 نوفمبر 2024 – قتل…».
fn dateline(before: &str, after: &str) -> bool {
    let after = after.trim_start();
    let after = match after.strip_prefix('(').and_then(|a| a.split_once(')')) {
        Some((_, rest)) => rest.trim_start(),
        None => after,
    };
    words(before) <= DATELINE_LEAD && (after.is_empty() || after.starts_with('-'))
}

/// The full date in the path of `url` (not its host, query or fragment), when plausible:
/// three segments year/month/day (`/2023/03/24/`) or day/month/year (`/24/03/2023/`), or a
/// segment holding year-month-day (`/news/2023-03-24-slug`). A path with month/day/year is
/// read as day/month/year, and refused where that is no day (`/03/24/2023/`).
pub fn url_day(url: &str) -> Option<Day> {
    let path = url_path(url);
    let segments: Vec<&str> = path.split('/').collect();
    let in_segments = segments.windows(3).find_map(|s| {
        let number = |s: &str, len: std::ops::RangeInclusive<usize>| {
            let digits = len.contains(&s.len()) && s.bytes().all(|b| b.is_ascii_digit());
            digits.then(|| s.parse::<i32>().ok()).flatten()
        };
        let (y, m, d) = match (number(s[0], 4..=4), number(s[2], 4..=4)) {
            (Some(y), _) => (y, number(s[1], 1..=2)?, number(s[2], 1..=2)?),
            (_, Some(y)) => (y, number(s[1], 1..=2)?, number(s[0], 1..=2)?),
            _ => return None,
        };
        Day::new(y, u8::try_from(m).ok()?, u8::try_from(d).ok()?)
    });
    in_segments
        .or_else(|| segments.iter().find_map(|s| iso_in(s)))
        .filter(|&d| plausible(d))
}

/// The path of a URL: after the scheme and host, before the query and fragment.
fn url_path(url: &str) -> &str {
    let rest = url.split_once("://").map_or(url, |(_, rest)| rest);
    let path = rest.find('/').map_or("", |at| &rest[at..]);
    path.split(['?', '#']).next().unwrap_or("")
}

/// A `YYYY-MM-DD` in `s` that no other digit touches.
fn iso_in(s: &str) -> Option<Day> {
    let b = s.as_bytes();
    (0..b.len().saturating_sub(9)).find_map(|i| {
        let touches = |j: Option<usize>| j.and_then(|j| b.get(j)).is_some_and(u8::is_ascii_digit);
        if touches(i.checked_sub(1)) || touches(Some(i + 10)) {
            return None;
        }
        Day::parse_iso(s.get(i..i + 10)?)
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn day(s: &str) -> Day {
        Day::parse_iso(s).unwrap()
    }

    /// The day printed at the top of `text`, and the original text of its date.
    fn printed(text: &str) -> Option<(String, String)> {
        let (d, start, end) = printed_day(text)?;
        let folded = fold(text);
        let (from, to) = folded.original_span(start, end);
        let said: String = text.chars().skip(from).take(to - from).collect();
        Some((d.to_string(), said))
    }

    fn want(d: &str, said: &str) -> Option<(String, String)> {
        Some((d.to_string(), said.to_string()))
    }

    #[test]
    fn a_top_without_a_year_holds_no_printed_date() {
        for text in ["2024", "٢٠٢٤", "الاحد 5/2/24", "5.2.2024", "۱۴۰۳"] {
            assert!(may_hold_a_year(text), "{text}");
        }
        for text in ["قتل 22 مدنيا", "5 شباط", "الساعة 10:30", "12-3"] {
            assert!(!may_hold_a_year(text), "{text}");
        }
    }

    #[test]
    fn a_date_line_at_the_top() {
        let cases = [
            (
                "الخميس 5 فبراير 2024\nقصفت الطائرات مواقع في المدينة أمس.",
                want("2024-02-05", "الخميس 5 فبراير 2024"),
            ),
            (
                "هجوم على قافلة قرب الحدود\nالسبت 17 نيسان 2021 06:35 م\nقتل ثلاثة أمس.",
                want("2021-04-17", "السبت 17 نيسان 2021"),
            ),
            (
                "11-يونيو-2024\nكمين في المدينة\nقتل جنديان أمس.",
                want("2024-06-11", "11-يونيو-2024"),
            ),
            (
                "الجمعة , سبتمبر 20 2024\nاشتباكات في البلدة\nاندلعت اشتباكات اليوم.",
                want("2024-09-20", "الجمعة , سبتمبر 20 2024"),
            ),
            (
                "عاجل\n2025-09-21 10:30\nاندلعت اشتباكات اليوم في البلدة.",
                want("2025-09-21", "2025-09-21"),
            ),
            (
                "الأحد 21-09-2025 | كتب: فلان الفلاني\nاندلعت اشتباكات اليوم.",
                want("2025-09-21", "21-09-2025"),
            ),
            (
                "نشر في: 15 سبتمبر، 2025 عند الساعة العاشرة صباحا بتوقيت المدينة المحلي\nنص.",
                want("2025-09-15", "15 سبتمبر، 2025"),
            ),
        ];
        for (text, expected) in cases {
            assert_eq!(printed(text), expected, "{text}");
        }
    }

    #[test]
    fn a_dateline_before_the_report() {
        let cases = [
            (
                "دمشق - 24 آذار 2023 - قتل جنديان أمس في هجوم على حاجز.",
                want("2023-03-24", "24 آذار 2023"),
            ),
            (
                "الموصل، 3 أيار 2017 (وكالة الأنباء) – اندلعت اشتباكات اليوم.",
                want("2017-05-03", "3 أيار 2017"),
            ),
        ];
        for (text, expected) in cases {
            assert_eq!(printed(text), expected, "{text}");
        }
    }

    #[test]
    fn dates_told_by_the_report_are_not_its_day() {
        let far = format!("{}\n5 شباط 2024\nنص.", "سطر فيه كلام.\n".repeat(HEAD_LINES));
        let deep = format!("{} 5 شباط 2024\nنص.", "كلمة ".repeat(HEAD_CHARS / 5));
        let texts = [
            // a sentence that tells of a day
            "قتل ثلاثة أشخاص في 5 شباط 2024 في هجوم على سوق المدينة المزدحم.",
            // a date without its year, a weekday, a relative day: they need the day itself
            "الخميس 5 شباط\nنص.",
            "الخميس\nنص.",
            "اليوم\nنص.",
            // an anniversary before 1990, a day past 2099
            "ذكرى 5 حزيران 1967\nنص.",
            "5 شباط 2124\nنص.",
            // below the top
            far.as_str(),
            deep.as_str(),
        ];
        for text in texts {
            assert_eq!(printed(text), None, "{text}");
        }
    }

    #[test]
    fn the_top_is_cut_between_words() {
        let text = format!("{}2024-02-05", "ا".repeat(HEAD_CHARS - 4));
        assert_eq!(head_of(&text), "");
        let text = format!("{} 2024-02-05 بعده", "ا".repeat(HEAD_CHARS - 12));
        assert_eq!(head_of(&text), text.trim_end_matches(" بعده"));
        assert_eq!(head_of("قصير"), "قصير");
    }

    #[test]
    fn the_date_of_a_url_path() {
        let cases = [
            ("https://example.com/ar/2023/03/24/slug", Some("2023-03-24")),
            ("https://example.com/2016/2/28", Some("2016-02-28")),
            (
                "https://example.com/news/24/03/2023/123.html",
                Some("2023-03-24"),
            ),
            (
                "https://example.com/news/2023-03-24-slug?id=5",
                Some("2023-03-24"),
            ),
            (
                "https://example.com/الأخبار/هجوم-2019-11-05",
                Some("2019-11-05"),
            ),
            // month/day/year is no day/month/year
            ("https://example.com/03/24/2023/slug", None),
            // no full date, an id, digits around, not the path, impossible, implausible
            ("https://example.com/2023/03/slug", None),
            ("https://example.com/news/2023/12/345", None),
            ("https://example.com/a/12023-03-240", None),
            ("https://2023.example.com/x?date=2023-03-24", None),
            ("https://example.com/2023/02/30/x", None),
            ("https://example.com/1985/06/05/x", None),
            ("", None),
            ("not a url", None),
        ];
        for (url, expected) in cases {
            assert_eq!(url_day(url), expected.map(day), "{url}");
        }
    }

    #[test]
    fn adversarial_inputs() {
        let text =
            "دمشق - 24 آذار 2023 (سانا) –\n\n11-يونيو-2024\r\nالجمعة , سبتمبر 20، 2024 ‏\u{200f}
                    نشر في: 15 سبتمبر، 2025 ٢٠٢٤-٠٢-٠٥ ﻻ 29 شباط 2023";
        for (end, _) in text.char_indices() {
            let prefix = &text[..end];
            if let Some((_, start, end)) = printed_day(prefix) {
                let folded = fold(prefix).text;
                assert!(start < end && end <= folded.len(), "{prefix}");
                assert!(folded.is_char_boundary(start) && folded.is_char_boundary(end));
            }
        }
        let url = "https://مثال.com/٢٠٢٣/03/24/2023/13/01/2023-02-29/1990-01-01-x?#/2024/01/01";
        for (end, _) in url.char_indices() {
            assert!(url_day(&url[..end]).is_none_or(plausible));
        }
        assert_eq!(url_day(url), Some(day("1990-01-01")));
        assert_eq!(url_day("/2024/1/2"), Some(day("2024-01-02")));
        assert_eq!(url_day(":///2024/1/2//"), Some(day("2024-01-02")));
    }

    #[test]
    fn plausible_days() {
        assert!(plausible(day("1990-01-01")) && plausible(day("2099-12-31")));
        assert!(!plausible(day("1989-12-31")) && !plausible(day("2100-01-01")));
    }
}
