//! Date finding never panics, with or without a publication day, and returns well-formed
//! mentions: spans on char boundaries inside the text, in order, `first <= last`.
#![no_main]

use libfuzzer_sys::fuzz_target;
use rasid_text::dates::find_dates;
use rasid_text::{fold, Day};

fn check(text: &str, published: Option<Day>) {
    let mut previous_end = 0;
    for m in find_dates(text, published) {
        assert!(
            m.start <= m.end && m.end <= text.len(),
            "{m:?} in {} bytes",
            text.len()
        );
        assert!(
            text.is_char_boundary(m.start) && text.is_char_boundary(m.end),
            "{m:?}"
        );
        assert!(
            m.start >= previous_end,
            "overlapping or unordered mentions: {m:?}"
        );
        previous_end = m.end;
        assert_eq!(m.first.is_some(), m.last.is_some(), "{m:?}");
        if let (Some(first), Some(last)) = (m.first, m.last) {
            assert!(first <= last, "{m:?}");
        }
    }
}

fuzz_target!(|input: (i32, &str)| {
    let (days, original) = input;
    let folded = fold(original).text;
    let published = Day::from_days_since_epoch(i64::from(days) % 200_000);
    check(&folded, None);
    check(&folded, Some(published));
    // extreme publication days must not overflow either
    check(&folded, Some(Day::MIN));
    check(&folded, Some(Day::MAX));
    // the contract is folded text, but no &str may make it panic
    check(original, Some(published));
});
