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
    matches!(c, '\u{0621}'..='\u{064A}' | '\u{066E}'..='\u{06D3}' | '\u{06FA}'..='\u{06FF}')
        || c.is_ascii_alphanumeric()
        || (c.is_alphanumeric() && !c.is_ascii())
}

/// The words of `text` in order.
pub fn tokens(text: &str) -> Vec<Token> {
    let mut out = Vec::new();
    let mut start = None;
    for (i, c) in text.char_indices() {
        match (is_word_char(c), start) {
            (true, None) => start = Some(i),
            (false, Some(s)) => {
                out.push(Token { start: s, end: i });
                start = None;
            }
            _ => {}
        }
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

/// When a match starting at `pos` begins a word or follows only proclitics within its
/// word, the proclitic string before it (possibly empty).
pub fn proclitic_before(text: &str, pos: usize) -> Option<&str> {
    let start = word_start(text, pos);
    let prefix = &text[start..pos];
    (prefix.is_empty() || PROCLITICS.contains(&prefix)).then_some(prefix)
}

/// Whether a match ending at `pos` ends its word (no letter follows).
pub fn ends_word(text: &str, pos: usize) -> bool {
    text[pos..].chars().next().is_none_or(|c| !is_word_char(c))
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
    for (i, c) in text.char_indices() {
        let split = match c {
            '\n' | '!' | '?' | '؟' | '؛' => true,
            '.' => {
                let digit_before = i > 0 && bytes[i - 1].is_ascii_digit();
                let digit_after = bytes.get(i + 1).is_some_and(|b| b.is_ascii_digit());
                !(digit_before && digit_after)
            }
            _ => false,
        };
        if split {
            push_trimmed(text, start, i, &mut out);
            start = i + c.len_utf8();
        }
    }
    push_trimmed(text, start, text.len(), &mut out);
    out
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
}
