//! Timestamps of the store: RFC 3339 in UTC with microseconds, always 27 characters
//! (`2026-11-21T09:30:00.000000Z`), so that comparing the strings compares the times.

use rasid_text::Day;
use std::time::{SystemTime, UNIX_EPOCH};

/// Microseconds since 1970-01-01 as a fixed-width timestamp.
pub fn format_micros(micros: i64) -> String {
    let secs = micros.div_euclid(1_000_000);
    let frac = micros.rem_euclid(1_000_000);
    let day = Day::from_days_since_epoch(secs.div_euclid(86_400));
    let s = secs.rem_euclid(86_400);
    format!(
        "{day}T{:02}:{:02}:{:02}.{frac:06}Z",
        s / 3600,
        s / 60 % 60,
        s % 60
    )
}

/// The current time as a timestamp.
pub fn now() -> String {
    let micros = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0, |d| d.as_micros() as i64);
    format_micros(micros)
}

/// Reads a user's `--since`: a day (`2026-11-21`, its start) or an RFC 3339 time with `Z`
/// or an offset (`2026-11-21T09:30:00+03:00`), seconds fraction optional.
pub fn parse_since(s: &str) -> Result<String, String> {
    let bad = || {
        format!("not a time: {s:?} (expected YYYY-MM-DD or RFC 3339 such as 2026-11-21T09:30:00Z)")
    };
    let s = s.trim();
    // the day is the first 10 bytes: where they end inside a character (any non-ASCII
    // input), it is not a day
    let cut = s.len().min(10);
    if !s.is_char_boundary(cut) {
        return Err(bad());
    }
    let (date, rest) = s.split_at(cut);
    let day = Day::parse_iso(date).ok_or_else(bad)?;
    let mut micros = day.days_since_epoch() * 86_400_000_000;
    if rest.is_empty() {
        return Ok(format_micros(micros));
    }
    let rest = rest
        .strip_prefix('T')
        .or_else(|| rest.strip_prefix(' '))
        .ok_or_else(bad)?;
    let clock = rest.get(..8).ok_or_else(bad)?;
    let fields: Vec<i64> = clock
        .split(':')
        .map(|f| two_digits(f.as_bytes()))
        .collect::<Option<_>>()
        .ok_or_else(bad)?;
    let [h, m, sec] = fields[..] else {
        return Err(bad());
    };
    if h > 23 || m > 59 || sec > 60 {
        return Err(bad());
    }
    micros += (h * 3600 + m * 60 + sec) * 1_000_000;
    let mut rest = &rest[8..];
    if let Some(frac) = rest.strip_prefix('.') {
        let digits = frac.bytes().take_while(u8::is_ascii_digit).count();
        if digits == 0 {
            return Err(bad());
        }
        let padded = format!("{:0<6}", &frac[..digits.min(6)]);
        micros += padded.parse::<i64>().map_err(|_| bad())?;
        rest = &frac[digits..];
    }
    let offset_minutes = match rest {
        "Z" | "z" => 0,
        _ => {
            let sign = match rest.as_bytes().first() {
                Some(b'+') => 1,
                Some(b'-') => -1,
                _ => return Err(bad()),
            };
            let (oh, om) = rest[1..].split_once(':').ok_or_else(bad)?;
            let oh = two_digits(oh.as_bytes()).ok_or_else(bad)?;
            let om = two_digits(om.as_bytes()).ok_or_else(bad)?;
            if oh > 23 || om > 59 {
                return Err(bad());
            }
            sign * (oh * 60 + om)
        }
    };
    Ok(format_micros(micros - offset_minutes * 60_000_000))
}

/// The value of exactly two ASCII digits (`str::parse` would also take `+1`).
fn two_digits(field: &[u8]) -> Option<i64> {
    match field {
        [a @ b'0'..=b'9', b @ b'0'..=b'9'] => Some(i64::from(a - b'0') * 10 + i64::from(b - b'0')),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn timestamps_have_one_width_and_sort_as_times() {
        assert_eq!(format_micros(0), "1970-01-01T00:00:00.000000Z");
        let a = format_micros(1_795_000_000_000_001);
        let b = format_micros(1_795_000_000_100_000);
        assert_eq!(a.len(), 27);
        assert!(a < b);
        assert_eq!(now().len(), 27);
    }

    #[test]
    fn since_accepts_days_and_rfc3339_with_offsets() {
        assert_eq!(
            parse_since("2026-11-21").unwrap(),
            "2026-11-21T00:00:00.000000Z"
        );
        assert_eq!(
            parse_since("2026-11-21T09:30:00Z").unwrap(),
            "2026-11-21T09:30:00.000000Z"
        );
        assert_eq!(
            parse_since("2026-11-21T09:30:00.25+03:00").unwrap(),
            "2026-11-21T06:30:00.250000Z"
        );
        assert_eq!(
            parse_since("2026-11-21T01:00:00-02:30").unwrap(),
            "2026-11-21T03:30:00.000000Z"
        );
    }

    #[test]
    fn since_rejects_what_is_not_a_time() {
        for bad in [
            "",
            "yesterday",
            "2026-13-01",
            "2026-11-21T25:00:00Z",
            "2026-11-21T09:30",
            "2026-11-21T+9:30:00Z",
            "2026-11-21T09:30:00+3:00",
            "2026-11-21T09:30:00+03:+0",
        ] {
            assert!(parse_since(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn since_refuses_any_unicode_without_panicking() {
        // the crash input of issue 14: an Arabic-Indic digit across byte 10
        let e = parse_since("2024-01-0\u{661}").unwrap_err();
        assert!(e.starts_with("not a time: \"2024-01-0\u{661}\""), "{e}");
        for bad in [
            "٢٠٢٤-٠١-٠١",
            "2024-01-01T٠٩:30:00Z",
            "2024-01-01T09:30:0٠Z",
            "2024-01-01T09:30:00.٥Z",
            "2024-01-01T09:30:00+٠٣:00",
            "2024-01-01T09:30:00Zé",
            "é",
            "2024-01-01\u{301}",
        ] {
            assert!(
                parse_since(bad).unwrap_err().starts_with("not a time"),
                "{bad}"
            );
        }
        // every cut of a time followed by a multi-byte character is refused or read
        let text = "2026-11-21T09:30:00.25+03:00ب";
        for (at, _) in text.char_indices() {
            let mut s = text[..at].to_string();
            s.push('ب');
            let _ = parse_since(&s);
        }
    }
}
