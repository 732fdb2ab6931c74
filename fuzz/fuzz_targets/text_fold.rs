//! Folding never panics, its offset map stays within the original text and is monotone, and
//! folding is idempotent; sentences of the folded text are in order, on character
//! boundaries, inside the text.
#![no_main]

use libfuzzer_sys::fuzz_target;
use rasid_text::fold;

fuzz_target!(|input: (u16, u16, &str)| {
    let (a, b, original) = input;
    let folded = fold(original);
    let chars = original.chars().count();
    assert_eq!(folded.original_len(), chars);

    // any byte range, in or out of bounds, in either order
    let (a, b) = (a as usize, b as usize);
    for (start, end) in [(a, b), (b, a), (a % (folded.text.len() + 1), usize::MAX)] {
        let (s, e) = folded.original_span(start, end);
        assert!(s <= e && e <= chars, "span {s}..{e} of {chars} chars");
    }
    // the map is monotone over the folded text
    let mut last = 0;
    for (at, _) in folded.text.char_indices() {
        let (s, _) = folded.original_span(at, at);
        assert!(s >= last && s < chars);
        last = s;
    }

    let mut end = 0;
    for (s, e) in rasid_text::tokens::sentences(&folded.text) {
        assert!(end <= s && s < e && e <= folded.text.len(), "sentence {s}..{e} after {end}");
        assert!(folded.text.is_char_boundary(s) && folded.text.is_char_boundary(e));
        end = e;
    }

    let again = fold(&folded.text);
    assert_eq!(again.text, folded.text, "folding is not idempotent");
});
