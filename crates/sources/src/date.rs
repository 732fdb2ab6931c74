//! Publication days from the date strings of pages, feeds and WARC headers.
//!
//! The day is the calendar day as written, in the publisher's own time zone
//! (`2024-03-16T01:30:00+03:00` is 16 March): that is the day relative dates in the text
//! («أمس») count from.

use rasid_text::Day;

/// An ISO 8601 day or timestamp (`2024-03-16`, `2024-03-16T10:00:00Z`), or an RFC 822 /
/// RFC 2822 date (`Sat, 16 Mar 2024 10:00:00 +0300`, as in RSS `pubDate`).
pub fn parse_published(s: &str) -> Option<Day> {
    let s = s.trim();
    if s.is_empty() {
        return None;
    }
    Day::parse_iso(s).or_else(|| parse_rfc822(s))
}

/// `[Weekday,] DD Mon YYYY [time zone]`; two-digit years are taken as 19xx/20xx as RFC 822
/// readers do.
fn parse_rfc822(s: &str) -> Option<Day> {
    let s = match s.split_once(',') {
        Some((_, rest)) => rest,
        None => s,
    };
    let mut parts = s.split_whitespace();
    let day: u8 = parts.next()?.parse().ok()?;
    let month = month_number(parts.next()?)?;
    let year_text = parts.next()?;
    if year_text.len() > 4 || year_text.is_empty() {
        return None;
    }
    let year: i32 = year_text.parse().ok()?;
    let year = match (year_text.len(), year) {
        (2, y) if y < 50 => 2000 + y,
        (2, y) => 1900 + y,
        (_, y) => y,
    };
    Day::new(year, month, day)
}

fn month_number(name: &str) -> Option<u8> {
    const MONTHS: [&str; 12] = [
        "jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec",
    ];
    let lower = name.to_ascii_lowercase();
    let prefix = lower.get(..3)?;
    MONTHS
        .iter()
        .position(|m| *m == prefix)
        .map(|i| i as u8 + 1)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn day(s: &str) -> Day {
        Day::parse_iso(s).unwrap()
    }

    #[test]
    fn iso_and_rfc822() {
        assert_eq!(parse_published("2024-03-16"), Some(day("2024-03-16")));
        assert_eq!(
            parse_published(" 2024-03-16T01:30:00+03:00 "),
            Some(day("2024-03-16"))
        );
        assert_eq!(
            parse_published("Sat, 16 Mar 2024 10:00:00 +0300"),
            Some(day("2024-03-16"))
        );
        assert_eq!(
            parse_published("5 March 24 10:00 GMT"),
            Some(day("2024-03-05"))
        );
        assert_eq!(parse_published("Mon, 31 Feb 2024 10:00:00 GMT"), None);
        assert_eq!(parse_published("السبت 16 مارس"), None);
        assert_eq!(parse_published(""), None);
        assert_eq!(parse_published("1, ٣ Mar 2024"), None);
    }
}
