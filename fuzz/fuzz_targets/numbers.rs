//! Count finding never panics and returns well-formed counts: spans on char boundaries
//! inside the text, in order, `min <= max`.
#![no_main]

use libfuzzer_sys::fuzz_target;
use rasid_text::fold;
use rasid_text::numbers::find_counts;

fn check(text: &str) {
    let mut previous_end = 0;
    for c in find_counts(text) {
        assert!(
            c.start <= c.end && c.end <= text.len(),
            "{c:?} in {} bytes",
            text.len()
        );
        assert!(
            text.is_char_boundary(c.start) && text.is_char_boundary(c.end),
            "{c:?}"
        );
        assert!(
            c.start >= previous_end,
            "overlapping or unordered counts: {c:?}"
        );
        previous_end = c.end;
        assert!(c.min <= c.max, "{c:?}");
    }
}

fuzz_target!(|original: &str| {
    check(&fold(original).text);
    // the contract is folded text, but no &str may make it panic
    check(original);
});
