//! Words, clitics and sentences of folded text. All offsets are byte offsets into the
//! folded text.

/// A word of the folded text: a maximal run of letters and digits.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Token {
    pub start: usize,
    pub end: usize,
}

impl Token {
    pub fn text<'a>(&self, folded: &'a str) -> &'a str {
        &folded[self.start..self.end]
    }
}

/// Letters and digits that make up words (Arabic block letters, Latin, digits).
pub fn is_word_char(c: char) -> bool {
    if ('\u{0600}'..='\u{06FF}').contains(&c) {
        return arabic_word_chars()[c as usize - 0x0600];
    }
    is_word_char_slow(c)
}

fn is_word_char_slow(c: char) -> bool {
    matches!(c, '\u{0621}'..='\u{064A}' | '\u{066E}'..='\u{06D3}' | '\u{06FA}'..='\u{06FF}')
        || c.is_ascii_alphanumeric()
        || (c.is_alphanumeric() && !c.is_ascii())
}

/// [`is_word_char`] of the Arabic block (U+0600 to U+06FF), from a table: its marks and
/// punctuation would otherwise go through the slow Unicode lookup, and they are frequent.
fn arabic_word_chars() -> &'static [bool; 256] {
    static TABLE: std::sync::OnceLock<[bool; 256]> = std::sync::OnceLock::new();
    TABLE.get_or_init(|| {
        std::array::from_fn(|k| char::from_u32(0x0600 + k as u32).is_some_and(is_word_char_slow))
    })
}

/// Whether the character starting at byte `at` is a word character, and its length: ASCII
/// and the Arabic block (two bytes, lead D8 to DB) are read from the bytes directly.
#[inline]
fn word_char_at(text: &str, at: usize, arabic: &[bool; 256]) -> (bool, usize) {
    let bytes = text.as_bytes();
    match bytes[at] {
        b @ 0..=0x7F => (b.is_ascii_alphanumeric(), 1),
        b @ 0xD8..=0xDB => {
            let index = usize::from(b & 0x03) << 6 | usize::from(bytes[at + 1] & 0x3F);
            (arabic[index], 2)
        }
        _ => {
            let c = text[at..].chars().next().unwrap_or_default();
            (is_word_char(c), c.len_utf8())
        }
    }
}

/// [`word_char_at`] for the character ending at byte `at`.
#[inline]
fn word_char_before(text: &str, at: usize, arabic: &[bool; 256]) -> (bool, usize) {
    let bytes = text.as_bytes();
    let last = bytes[at - 1];
    if last < 0x80 {
        return (last.is_ascii_alphanumeric(), 1);
    }
    // a lead byte two back starts a two-byte character (a longer one has only
    // continuation bytes there)
    if at >= 2 && (0xD8..=0xDB).contains(&bytes[at - 2]) {
        let index = usize::from(bytes[at - 2] & 0x03) << 6 | usize::from(last & 0x3F);
        return (arabic[index], 2);
    }
    let c = text[..at].chars().next_back().unwrap_or_default();
    (is_word_char(c), c.len_utf8())
}

/// The words of `text` in order.
pub fn tokens(text: &str) -> Vec<Token> {
    let arabic = arabic_word_chars();
    // about one word in six bytes of Arabic text: room for most without growing
    let mut out = Vec::with_capacity(text.len() / 6);
    let mut start = None;
    let mut i = 0;
    while i < text.len() {
        let (word, len) = word_char_at(text, i, arabic);
        match (word, start) {
            (true, None) => start = Some(i),
            (false, Some(s)) => {
                out.push(Token { start: s, end: i });
                start = None;
            }
            _ => {}
        }
        i += len;
    }
    if let Some(s) = start {
        out.push(Token {
            start: s,
            end: text.len(),
        });
    }
    out
}

/// Proclitic sequences that may stand between a word boundary and a lexicon match
/// (folded forms): conjunctions و ف, prepositions ب ل ك, the article ال, the future س,
/// and their combinations.
pub const PROCLITICS: &[&str] = &[
    "و", "ف", "ب", "ل", "ك", "س", "ال", "وال", "فال", "بال", "كال", "لل", "ولل", "فلل", "وب", "فب",
    "ول", "فل", "وك", "فك", "وس", "فس", "وبال", "فبال", "وكال", "وللل",
];

/// Enclitic pronouns that may follow a verb or noun (folded forms).
pub const ENCLITICS: &[&str] = &["ه", "ها", "هم", "هما", "هن", "ك", "كم", "نا", "ني", "ي"];

/// Start of the word containing byte `pos`.
pub fn word_start(text: &str, pos: usize) -> usize {
    text[..pos]
        .char_indices()
        .rev()
        .take_while(|&(_, c)| is_word_char(c))
        .last()
        .map_or(pos, |(i, _)| i)
}

/// End of the word containing the byte before `pos`.
pub fn word_end(text: &str, pos: usize) -> usize {
    text[pos..]
        .char_indices()
        .find(|&(_, c)| !is_word_char(c))
        .map_or(text.len(), |(i, _)| pos + i)
}

/// Letters in the longest proclitic sequence (وللل، وبال).
const MAX_PROCLITIC_LETTERS: usize = 4;

/// When a match starting at `pos` begins a word or follows only proclitics within its
/// word, the proclitic string before it (possibly empty).
pub fn proclitic_before(text: &str, pos: usize) -> Option<&str> {
    // no need to look further back for the word start than a proclitic can reach
    let arabic = arabic_word_chars();
    let mut start = pos;
    for letters in 0..=MAX_PROCLITIC_LETTERS {
        if start == 0 {
            break;
        }
        let (word, len) = word_char_before(text, start, arabic);
        if !word {
            break;
        }
        if letters == MAX_PROCLITIC_LETTERS {
            return None;
        }
        start -= len;
    }
    let prefix = &text[start..pos];
    // compared bytewise: a call to memcmp costs more than these few bytes
    let is_proclitic = |p: &&str| p.len() == prefix.len() && p.bytes().eq(prefix.bytes());
    (prefix.is_empty() || PROCLITICS.iter().any(is_proclitic)).then_some(prefix)
}

/// Whether a match ending at `pos` ends its word (no letter follows).
#[inline]
pub fn ends_word(text: &str, pos: usize) -> bool {
    pos == text.len() || !word_char_at(text, pos, arabic_word_chars()).0
}

/// Whether a match ending at `pos` ends its word or is followed only by an enclitic.
pub fn ends_word_or_enclitic(text: &str, pos: usize) -> bool {
    let end = word_end(text, pos);
    end == pos || ENCLITICS.contains(&&text[pos..end])
}

/// Sentence ranges `[start, end)` of `text`: split at full stops (not decimal points),
/// question and exclamation marks, the Arabic semicolon and line breaks.
pub fn sentences(text: &str) -> Vec<(usize, usize)> {
    let bytes = text.as_bytes();
    let mut out = Vec::new();
    let mut start = 0;
    for i in sentence_mark_bytes(bytes) {
        let mark = match bytes[i] {
            b'\n' | b'!' | b'?' => Some(i),
            b'.' => {
                let digit_before = i > 0 && bytes[i - 1].is_ascii_digit();
                let digit_after = bytes.get(i + 1).is_some_and(|b| b.is_ascii_digit());
                (!(digit_before && digit_after)).then_some(i)
            }
            _ => (i > 0 && bytes[i - 1] == 0xD8).then(|| i - 1),
        };
        if let Some(at) = mark {
            push_trimmed(text, start, at, &mut out);
            start = i + 1;
        }
    }
    push_trimmed(text, start, text.len(), &mut out);
    out
}

/// The positions, in order, of the bytes that may end a sentence: every mark is ASCII or
/// ؟ ؛ (D8 9F, D8 9B, found by their last byte). Two searches of three bytes each (SIMD),
/// merged.
fn sentence_mark_bytes(bytes: &[u8]) -> impl Iterator<Item = usize> + '_ {
    let mut ascii = memchr::memchr3_iter(b'\n', b'!', b'?', bytes).peekable();
    let mut other = memchr::memchr3_iter(b'.', 0x9F, 0x9B, bytes).peekable();
    std::iter::from_fn(move || match (ascii.peek(), other.peek()) {
        (Some(a), Some(o)) if a < o => ascii.next(),
        (_, Some(_)) => other.next(),
        (Some(_), None) => ascii.next(),
        (None, None) => None,
    })
}

fn push_trimmed(text: &str, start: usize, end: usize, out: &mut Vec<(usize, usize)>) {
    let slice = &text[start..end];
    let lead = slice.len() - slice.trim_start().len();
    let trail = slice.len() - slice.trim_end().len();
    if start + lead < end - trail {
        out.push((start + lead, end - trail));
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn splits_words_at_punctuation() {
        let t = "قصفت، الطائرات \"مواقع\" 85 هدفا";
        let words: Vec<&str> = tokens(t).iter().map(|w| w.text(t)).collect();
        assert_eq!(words, ["قصفت", "الطائرات", "مواقع", "85", "هدفا"]);
    }

    #[test]
    fn accepts_proclitics_only_at_word_start() {
        let t = "وبالبوكمال ومحطة";
        let at = t.find("البوكمال").unwrap();
        assert_eq!(proclitic_before(t, at), Some("وب"));
        let inside = t.find("حطه").unwrap_or_else(|| t.find("حطة").unwrap());
        assert_eq!(proclitic_before(t, inside), None);
        assert_eq!(proclitic_before(t, 0), Some(""));
    }

    #[test]
    fn recognises_word_ends_and_enclitics() {
        let t = "استهدفها امس";
        let end = "استهدف".len();
        assert!(!ends_word(t, end));
        assert!(ends_word_or_enclitic(t, end));
        assert!(ends_word(t, t.find(' ').unwrap()));
    }

    #[test]
    fn splits_sentences_but_not_decimals() {
        let t = "وقع الهجوم عند الساعة 21.50 مساء. وقتل جندي\nخبر ثان؟ نعم";
        let parts: Vec<&str> = sentences(t).iter().map(|&(s, e)| &t[s..e]).collect();
        assert_eq!(
            parts,
            [
                "وقع الهجوم عند الساعة 21.50 مساء",
                "وقتل جندي",
                "خبر ثان",
                "نعم"
            ]
        );
    }

    #[test]
    fn splits_sentences_at_arabic_marks_only() {
        let t = "سقطت قذيفة؛ وأصيب اثنان، ونقلا إلى المستشفى؟ لا";
        let parts: Vec<&str> = sentences(t).iter().map(|&(s, e)| &t[s..e]).collect();
        assert_eq!(parts, ["سقطت قذيفة", "وأصيب اثنان، ونقلا إلى المستشفى", "لا"]);
    }

    #[test]
    fn proclitics_have_at_most_four_letters() {
        let t = "وبالمدينه ومستمدينه";
        assert_eq!(proclitic_before(t, t.find("مدينه").unwrap()), Some("وبال"));
        assert_eq!(proclitic_before(t, t.rfind("مدينه").unwrap()), None);
        assert_eq!(proclitic_before(t, t.rfind("ينه").unwrap()), None);
    }

    #[test]
    fn byte_readings_agree_with_the_character_rule() {
        let arabic = arabic_word_chars();
        let sample: String = ('\u{0600}'..='\u{06FF}')
            .chain("aZ09 ,.-\u{200C}é數🙂".chars())
            .collect();
        let mut at = 0;
        for c in sample.chars() {
            let want = (is_word_char_slow(c), c.len_utf8());
            assert_eq!(word_char_at(&sample, at, arabic), want, "{c:?}");
            at += c.len_utf8();
            assert_eq!(word_char_before(&sample, at, arabic), want, "{c:?}");
        }
    }
}
