//! Calendar days of the proleptic Gregorian calendar: validation, ISO form, arithmetic
//! through days since 1970-01-01 (Howard Hinnant's civil algorithms) and weekdays.

use std::fmt;

use serde::{de, Deserialize, Deserializer, Serialize, Serializer};

/// One calendar day. Build it with [`Day::new`] to get a valid one; ordering is
/// chronological.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Day {
    pub year: i32,
    pub month: u8,
    pub day: u8,
}

/// Whether `year` is a leap year of the Gregorian calendar.
pub fn is_leap_year(year: i32) -> bool {
    year % 4 == 0 && (year % 100 != 0 || year % 400 == 0)
}

/// Number of days of `month` (1..=12) in `year`; 0 for a month out of range.
pub fn last_day_of_month(year: i32, month: u8) -> u8 {
    const DAYS: [u8; 12] = [31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];
    match month {
        2 if is_leap_year(year) => 29,
        1..=12 => DAYS[usize::from(month - 1)],
        _ => 0,
    }
}

impl Day {
    /// The earliest representable day.
    pub const MIN: Day = Day {
        year: i32::MIN,
        month: 1,
        day: 1,
    };
    /// The latest representable day.
    pub const MAX: Day = Day {
        year: i32::MAX,
        month: 12,
        day: 31,
    };

    /// The day `year-month-day` when it exists.
    pub fn new(year: i32, month: u8, day: u8) -> Option<Day> {
        (day >= 1 && day <= last_day_of_month(year, month)).then_some(Day { year, month, day })
    }

    /// Number of days of `month` in `year` (see [`last_day_of_month`]).
    pub fn last_day_of_month(year: i32, month: u8) -> u8 {
        last_day_of_month(year, month)
    }

    /// First day of this day's month.
    pub fn first_of_month(self) -> Day {
        Day { day: 1, ..self }
    }

    /// Last day of this day's month.
    pub fn last_of_month(self) -> Day {
        Day {
            day: last_day_of_month(self.year, self.month).max(1),
            ..self
        }
    }

    /// Parses `YYYY-MM-DD` (an optional `-` sign and more year digits allowed), optionally
    /// followed by a time part starting with `T`, `t` or a space ("2024-02-05T10:00:00Z").
    pub fn parse_iso(s: &str) -> Option<Day> {
        let b = s.as_bytes();
        let negative = b.first() == Some(&b'-');
        let from = usize::from(negative);
        let year_len = b[from..].iter().take_while(|c| c.is_ascii_digit()).count();
        if !(4..=10).contains(&year_len) {
            return None;
        }
        let at = from + year_len;
        let rest = &b[at..];
        if rest.len() < 6 || rest[0] != b'-' || rest[3] != b'-' {
            return None;
        }
        if rest.len() > 6 && !matches!(rest[6], b'T' | b't' | b' ') {
            return None;
        }
        let magnitude = digits_value(&b[from..at])?;
        let year = i32::try_from(if negative { -magnitude } else { magnitude }).ok()?;
        let month = u8::try_from(digits_value(&rest[1..3])?).ok()?;
        let day = u8::try_from(digits_value(&rest[4..6])?).ok()?;
        Day::new(year, month, day)
    }

    /// Days since 1970-01-01 (negative before it).
    pub fn days_since_epoch(self) -> i64 {
        let month = i64::from(self.month);
        let year = i64::from(self.year) - i64::from(month <= 2);
        let era = year.div_euclid(400);
        let year_of_era = year.rem_euclid(400);
        let day_of_year = (153 * ((month + 9) % 12) + 2) / 5 + i64::from(self.day) - 1;
        let day_of_era = year_of_era * 365 + year_of_era / 4 - year_of_era / 100 + day_of_year;
        era * 146_097 + day_of_era - 719_468
    }

    /// The day `days` after 1970-01-01, clamped to [`Day::MIN`]..=[`Day::MAX`].
    pub fn from_days_since_epoch(days: i64) -> Day {
        let days = days.clamp(Day::MIN.days_since_epoch(), Day::MAX.days_since_epoch());
        let z = days + 719_468;
        let era = z.div_euclid(146_097);
        let day_of_era = z.rem_euclid(146_097);
        let year_of_era =
            (day_of_era - day_of_era / 1460 + day_of_era / 36_524 - day_of_era / 146_096) / 365;
        let day_of_year = day_of_era - (365 * year_of_era + year_of_era / 4 - year_of_era / 100);
        let shifted_month = (5 * day_of_year + 2) / 153;
        let day = day_of_year - (153 * shifted_month + 2) / 5 + 1;
        let month = if shifted_month < 10 {
            shifted_month + 3
        } else {
            shifted_month - 9
        };
        let year = year_of_era + era * 400 + i64::from(month <= 2);
        Day {
            year: i32::try_from(year).unwrap_or(if year < 0 { i32::MIN } else { i32::MAX }),
            month: month as u8,
            day: day as u8,
        }
    }

    /// This day moved by `days` (negative: back), saturating at [`Day::MIN`] / [`Day::MAX`].
    pub fn add_days(self, days: i64) -> Day {
        Day::from_days_since_epoch(self.days_since_epoch().saturating_add(days))
    }

    /// Day of the week: 0 = Monday … 6 = Sunday.
    pub fn weekday(self) -> u8 {
        // 1970-01-01 was a Thursday (3)
        (self.days_since_epoch() + 3).rem_euclid(7) as u8
    }
}

/// Value of a run of ASCII digits (at most 10, so it fits).
fn digits_value(digits: &[u8]) -> Option<i64> {
    if digits.is_empty() || digits.len() > 10 || !digits.iter().all(u8::is_ascii_digit) {
        return None;
    }
    Some(digits.iter().fold(0, |v, d| v * 10 + i64::from(d - b'0')))
}

impl fmt::Display for Day {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.year < 0 {
            f.write_str("-")?;
        }
        write!(
            f,
            "{:04}-{:02}-{:02}",
            self.year.unsigned_abs(),
            self.month,
            self.day
        )
    }
}

impl Serialize for Day {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.collect_str(self)
    }
}

impl<'de> Deserialize<'de> for Day {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Day, D::Error> {
        deserializer.deserialize_str(DayVisitor)
    }
}

struct DayVisitor;

impl de::Visitor<'_> for DayVisitor {
    type Value = Day;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a date as YYYY-MM-DD")
    }

    fn visit_str<E: de::Error>(self, v: &str) -> Result<Day, E> {
        Day::parse_iso(v).ok_or_else(|| E::invalid_value(de::Unexpected::Str(v), &self))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(s: &str) -> Day {
        Day::parse_iso(s).unwrap()
    }

    #[test]
    fn validates_days_and_leap_years() {
        assert!(Day::new(2024, 2, 29).is_some());
        assert!(Day::new(2023, 2, 29).is_none());
        assert!(Day::new(1900, 2, 29).is_none());
        assert!(Day::new(2000, 2, 29).is_some());
        assert!(Day::new(2024, 4, 31).is_none());
        assert!(Day::new(2024, 13, 1).is_none());
        assert!(Day::new(2024, 0, 1).is_none());
        assert!(Day::new(2024, 1, 0).is_none());
        assert_eq!(last_day_of_month(2024, 2), 29);
        assert_eq!(Day::last_day_of_month(2023, 2), 28);
        assert_eq!(last_day_of_month(2023, 12), 31);
        assert_eq!(last_day_of_month(2023, 0), 0);
        assert_eq!(last_day_of_month(2023, 200), 0);
        assert!(is_leap_year(-4) && !is_leap_year(-100) && is_leap_year(i32::MIN));
    }

    #[test]
    fn parses_and_prints_iso() {
        let cases = [
            ("2024-02-05", Some((2024, 2, 5))),
            ("2024-02-05T10:20:00Z", Some((2024, 2, 5))),
            ("2024-02-05 10:20", Some((2024, 2, 5))),
            ("0001-01-01", Some((1, 1, 1))),
            ("-0044-03-15", Some((-44, 3, 15))),
            ("2024-02-30", None),
            ("2024-2-5", None),
            ("24-02-05", None),
            ("2024-02-05x", None),
            ("2024/02/05", None),
            ("", None),
            ("-", None),
            ("99999999999-01-01", None),
            ("٢٠٢٤-٠٢-٠٥", None),
            ("2024-02-٠٥", None),
        ];
        for (text, want) in cases {
            let got = Day::parse_iso(text).map(|x| (x.year, x.month, x.day));
            assert_eq!(got, want, "{text}");
        }
        assert_eq!(d("2024-02-05").to_string(), "2024-02-05");
        assert_eq!(Day::new(7, 3, 9).unwrap().to_string(), "0007-03-09");
        assert_eq!(Day::new(-44, 3, 15).unwrap().to_string(), "-0044-03-15");
        for day in [Day::MIN, Day::MAX, d("1999-12-31")] {
            assert_eq!(Day::parse_iso(&day.to_string()), Some(day));
        }
    }

    #[test]
    fn counts_days_since_epoch() {
        assert_eq!(d("1970-01-01").days_since_epoch(), 0);
        assert_eq!(d("1969-12-31").days_since_epoch(), -1);
        assert_eq!(d("2000-03-01").days_since_epoch(), 11_017);
        assert_eq!(d("2024-02-05").days_since_epoch(), 19_758);
        for n in (-800_000..800_000).step_by(97) {
            let day = Day::from_days_since_epoch(n);
            assert_eq!(day.days_since_epoch(), n);
            assert!(Day::new(day.year, day.month, day.day).is_some());
            assert_eq!(day.add_days(1).days_since_epoch(), n + 1);
        }
    }

    #[test]
    fn adds_days_across_months_years_and_leap_days() {
        let cases = [
            ("2024-02-28", 1, "2024-02-29"),
            ("2024-02-29", 1, "2024-03-01"),
            ("2023-02-28", 1, "2023-03-01"),
            ("2024-01-01", -1, "2023-12-31"),
            ("2024-03-01", -1, "2024-02-29"),
            ("2024-12-31", 1, "2025-01-01"),
            ("2024-01-31", 30, "2024-03-01"),
            ("2024-02-05", 0, "2024-02-05"),
            ("2024-02-05", 366, "2025-02-05"),
        ];
        for (from, n, to) in cases {
            assert_eq!(d(from).add_days(n), d(to), "{from} + {n}");
        }
        assert_eq!(d("2024-02-05").add_days(i64::MAX), Day::MAX);
        assert_eq!(d("2024-02-05").add_days(i64::MIN), Day::MIN);
        assert_eq!(Day::MAX.add_days(1), Day::MAX);
        assert_eq!(Day::MIN.add_days(-1), Day::MIN);
    }

    #[test]
    fn knows_weekdays() {
        assert_eq!(d("1970-01-01").weekday(), 3);
        assert_eq!(d("2024-02-05").weekday(), 0);
        assert_eq!(d("2024-02-04").weekday(), 6);
        assert_eq!(d("2024-02-29").weekday(), 3);
        assert_eq!(d("1969-12-29").weekday(), 0);
        assert!(Day::MIN.weekday() < 7 && Day::MAX.weekday() < 7);
    }

    #[test]
    fn month_bounds() {
        assert_eq!(d("2024-02-10").first_of_month(), d("2024-02-01"));
        assert_eq!(d("2024-02-10").last_of_month(), d("2024-02-29"));
        assert_eq!(d("2023-02-10").last_of_month(), d("2023-02-28"));
    }

    #[test]
    fn is_ordered_chronologically() {
        assert!(d("2023-12-31") < d("2024-01-01"));
        assert!(d("2024-01-31") < d("2024-02-01"));
    }

    /// Serializes through serde's `Serializer` impl for `fmt::Formatter`.
    struct ViaSerde(Day);

    impl fmt::Display for ViaSerde {
        fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
            self.0.serialize(f)
        }
    }

    #[test]
    fn serde_uses_the_iso_string() {
        assert_eq!(ViaSerde(d("2024-02-05")).to_string(), "2024-02-05");
        type Plain<'a> = de::value::BorrowedStrDeserializer<'a, de::value::Error>;
        assert_eq!(
            Day::deserialize(Plain::new("2024-02-05")).unwrap(),
            d("2024-02-05")
        );
        assert!(Day::deserialize(Plain::new("2024-02-30")).is_err());
        assert!(Day::deserialize(Plain::new("yesterday")).is_err());
        let number = de::value::U32Deserializer::<de::value::Error>::new(20240205);
        assert!(Day::deserialize(number).is_err());
    }
}
