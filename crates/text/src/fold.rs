//! Folding of Arabic text for matching, with a map back to the original characters.
//!
//! The folded text is what every later stage matches against; the offset map turns a byte
//! range of the folded text back into a character range of the original, which is what
//! evidence spans report.

use unicode_normalization::UnicodeNormalization;

/// Text folded for matching plus the map back to the original.
#[derive(Debug, Clone)]
pub struct Folded {
    /// The folded text.
    pub text: String,
    /// For each byte of `text` (and one past its end), the index of the original character
    /// (Unicode scalar value) that produced it.
    origin: Vec<u32>,
}

impl Folded {
    /// Original character range `[start, end)` for the folded byte range `[start, end)`.
    /// The end extends over marks dropped by folding right after the last folded character.
    pub fn original_span(&self, start: usize, end: usize) -> (usize, usize) {
        let start = start.min(self.text.len());
        let end = end.clamp(start, self.text.len());
        (self.origin[start] as usize, self.origin[end] as usize)
    }

    /// Number of characters in the original text.
    pub fn original_len(&self) -> usize {
        self.origin[self.text.len()] as usize
    }
}

/// What folding does to one character.
enum Fold {
    Keep,
    Drop,
    To(char),
    /// Compatibility decomposition (presentation forms, ligatures, full-width forms).
    Nfkc,
}

fn classify(c: char) -> Fold {
    match c {
        // harakat, Quranic marks, superscript alef, tatweel
        '\u{064B}'..='\u{065F}' | '\u{0670}' | '\u{06D6}'..='\u{06ED}' | '\u{0640}' => Fold::Drop,
        // zero-width and direction marks, byte order mark
        '\u{200B}'..='\u{200F}' | '\u{202A}'..='\u{202E}' | '\u{2066}'..='\u{2069}' => Fold::Drop,
        '\u{061C}' | '\u{FEFF}' | '\u{00AD}' => Fold::Drop,
        'أ' | 'إ' | 'آ' | 'ٱ' => Fold::To('ا'),
        'ى' | 'ئ' | 'ی' | 'ې' => Fold::To('ي'),
        'ؤ' => Fold::To('و'),
        'ة' | 'ۀ' | 'ە' => Fold::To('ه'),
        'ک' => Fold::To('ك'),
        'گ' => Fold::To('ك'),
        '\u{0660}'..='\u{0669}' => Fold::To(char::from(b'0' + (c as u32 - 0x0660) as u8)),
        '\u{06F0}'..='\u{06F9}' => Fold::To(char::from(b'0' + (c as u32 - 0x06F0) as u8)),
        '«' | '»' | '“' | '”' | '„' | '‟' | '″' | '＂' => Fold::To('"'),
        '‘' | '’' | '‚' | '‛' | '`' | '´' => Fold::To('\''),
        '٫' => Fold::To('.'),
        '٬' => Fold::To(','),
        '٪' => Fold::To('%'),
        '–' | '—' | '−' => Fold::To('-'),
        '\u{00A0}' | '\u{2000}'..='\u{200A}' | '\u{202F}' | '\u{205F}' | '\u{3000}' | '\t' => {
            Fold::To(' ')
        }
        '\r' => Fold::To('\n'),
        'A'..='Z' => Fold::To(c.to_ascii_lowercase()),
        '\u{FB50}'..='\u{FDFF}' | '\u{FE70}'..='\u{FEFF}' | '\u{FF01}'..='\u{FF5E}' => Fold::Nfkc,
        _ => Fold::Keep,
    }
}

/// Folds `original` for matching: NFKC for presentation forms, no diacritics or tatweel,
/// one alef, ي for ى/ئ, و for ؤ, ه for ة, ASCII digits, straight quotes, lower-case Latin.
pub fn fold(original: &str) -> Folded {
    let mut text = String::with_capacity(original.len());
    let mut origin = Vec::with_capacity(original.len() + 1);
    let mut push = |text: &mut String, c: char, index: usize| {
        let before = text.len();
        text.push(c);
        origin.extend(std::iter::repeat_n(index as u32, text.len() - before));
    };
    let mut count = 0;
    for (index, c) in original.chars().enumerate() {
        count = index + 1;
        match classify(c) {
            Fold::Keep => push(&mut text, c, index),
            Fold::Drop => {}
            Fold::To(f) => push(&mut text, f, index),
            Fold::Nfkc => {
                for d in std::iter::once(c).nfkc() {
                    match classify(d) {
                        Fold::Drop => {}
                        Fold::To(f) => push(&mut text, f, index),
                        Fold::Keep | Fold::Nfkc => push(&mut text, d, index),
                    }
                }
            }
        }
    }
    origin.push(count as u32);
    Folded { text, origin }
}

/// Folds a lexicon entry or a query the same way as documents, without keeping the map.
pub fn fold_str(s: &str) -> String {
    let folded = fold(s.trim()).text;
    // collapse runs of spaces so that lexicon phrases match single-spaced text
    let mut out = String::with_capacity(folded.len());
    for word in folded.split_whitespace() {
        if !out.is_empty() {
            out.push(' ');
        }
        out.push_str(word);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn strips_diacritics_and_tatweel() {
        assert_eq!(fold("أَكَّدَتْ").text, "اكدت");
        assert_eq!(fold("الجيـــش").text, "الجيش");
    }

    #[test]
    fn unifies_letter_variants() {
        assert_eq!(fold("إيران أمريكا آثار").text, "ايران امريكا اثار");
        assert_eq!(fold("مستشفى").text, "مستشفي");
        assert_eq!(fold("قاعدة").text, "قاعده");
        assert_eq!(fold("مسؤول").text, "مسوول");
        assert_eq!(fold("مسئول").text, "مسيول");
    }

    #[test]
    fn folds_digits_and_quotes() {
        assert_eq!(fold("قتل ٣ و۴ «جنود»").text, "قتل 3 و4 \"جنود\"");
    }

    #[test]
    fn expands_presentation_forms() {
        assert_eq!(fold("ﻻ").text, "لا");
        assert_eq!(fold("ﺑﻐﺪاد").text, "بغداد");
    }

    #[test]
    fn maps_back_to_original_characters() {
        let original = "قَصَفَتْ طائرةٌ البلدة";
        let f = fold(original);
        let at = f
            .text
            .find("طائره")
            .unwrap_or_else(|| f.text.find("طايره").unwrap());
        let (s, e) = f.original_span(at, at + "طايره".len());
        let chars: Vec<char> = original.chars().collect();
        let span: String = chars[s..e].iter().collect();
        assert_eq!(span, "طائرةٌ");
        assert_eq!(f.original_len(), chars.len());
    }

    #[test]
    fn map_survives_ligatures() {
        let original = "ﻻ بد";
        let f = fold(original);
        assert_eq!(f.text, "لا بد");
        assert_eq!(f.original_span(0, 4), (0, 1));
        assert_eq!(f.original_span(5, 9), (2, 4));
    }

    #[test]
    fn fold_str_collapses_spaces() {
        assert_eq!(fold_str("  دير   الزور "), "دير الزور");
    }
}
