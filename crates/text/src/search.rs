//! Word search over folded text. A query's words match a document's words whole, in
//! order, with the proclitics of [`PROCLITICS`] (و ف ب ل ك س ال …) allowed before the
//! first word and an enclitic pronoun of [`ENCLITICS`] after the last; the article of the
//! query's first word is optional, so الموصل finds الموصل، بالموصل، للموصل and موصل.
//!
//! A search index keeps, for each document, every form its words take without those
//! clitics ([`index_terms`]): a document holds all of a query's [`Query::terms`] whenever
//! the query matches it, and [`Query::find`] tells where (and whether the words stand in
//! order, next to each other).

use crate::fold::fold_str;
use crate::hash::FastSet;
use crate::tokens::{tokens, Token, ENCLITICS, PROCLITICS};

/// The article, optional at the start of a query.
const ARTICLE: &str = "ال";

/// Letters a word keeps at least once a clitic is taken off: shorter rests are function
/// words (له، ان، من), not what a longer word holds (الله، الان، منه).
const MIN_REST_LETTERS: usize = 3;

fn long_enough(rest: &str) -> bool {
    rest.chars().nth(MIN_REST_LETTERS - 1).is_some()
}

/// Whether `a` and `b` hold the same bytes, compared one by one: for clitics of a few
/// bytes a call to memcmp costs more than the comparison.
fn same_bytes(a: &[u8], b: &[u8]) -> bool {
    a.len() == b.len() && a.iter().zip(b).all(|(x, y)| x == y)
}

/// Per character of the Arabic block (U+0600–U+06FF): whether a clitic of `list` starts
/// with it (`last`: ends with it). Words that cannot carry a clitic skip the comparisons.
fn edge_letters(list: &[&str], last: bool) -> [bool; 256] {
    let mut table = [false; 256];
    for clitic in list {
        let edge = if last {
            clitic.chars().next_back()
        } else {
            clitic.chars().next()
        };
        if let Some(k) = edge
            .and_then(|c| (c as usize).checked_sub(0x0600))
            .filter(|&k| k < 256)
        {
            table[k] = true;
        }
    }
    table
}

fn in_table(table: &[bool; 256], c: Option<char>) -> bool {
    c.and_then(|c| (c as usize).checked_sub(0x0600))
        .is_some_and(|k| k < 256 && table[k])
}

/// `word` and what is left of it after each proclitic it starts with.
fn without_proclitics(word: &str) -> impl Iterator<Item = &str> {
    static FIRST: std::sync::OnceLock<[bool; 256]> = std::sync::OnceLock::new();
    let first = FIRST.get_or_init(|| edge_letters(PROCLITICS, false));
    let candidates = if in_table(first, word.chars().next()) {
        PROCLITICS
    } else {
        &[]
    };
    let rests = candidates.iter().filter_map(move |p| {
        let rest = word.get(p.len()..)?;
        (same_bytes(&word.as_bytes()[..p.len()], p.as_bytes()) && long_enough(rest)).then_some(rest)
    });
    std::iter::once(word).chain(rests)
}

/// `word` and what is left of it after each enclitic it ends with.
fn without_enclitics(word: &str) -> impl Iterator<Item = &str> {
    static LAST: std::sync::OnceLock<[bool; 256]> = std::sync::OnceLock::new();
    let last = LAST.get_or_init(|| edge_letters(ENCLITICS, true));
    let candidates = if in_table(last, word.chars().next_back()) {
        ENCLITICS
    } else {
        &[]
    };
    let rests = candidates.iter().filter_map(move |e| {
        let rest = word.get(..word.len().checked_sub(e.len())?)?;
        (same_bytes(&word.as_bytes()[rest.len()..], e.as_bytes()) && long_enough(rest))
            .then_some(rest)
    });
    std::iter::once(word).chain(rests)
}

/// The terms a search index keeps for a folded text whose words are `words` (its
/// [`tokens`]): each word, and each of its forms without a proclitic, an enclitic or both;
/// each once, in the order of their first occurrence, separated by spaces (so that the
/// index's tokenizer may be FTS5's plain `ascii` one, which splits at ASCII spaces and
/// punctuation only).
pub fn index_terms(folded: &str, words: &[Token]) -> String {
    // sized for every word once and about two forms of each, so that the sets rarely grow
    let mut seen_words: FastSet<&str> =
        FastSet::with_capacity_and_hasher(words.len(), Default::default());
    let mut seen: FastSet<&str> =
        FastSet::with_capacity_and_hasher(2 * words.len(), Default::default());
    let mut out = String::with_capacity(folded.len() * 2);
    for token in words {
        let word = token.text(folded);
        // a word said again brings no form that its first time did not
        if !seen_words.insert(word) {
            continue;
        }
        for form in without_proclitics(word) {
            for term in without_enclitics(form) {
                if seen.insert(term) {
                    if !out.is_empty() {
                        out.push(' ');
                    }
                    out.push_str(term);
                }
            }
        }
    }
    out
}

/// A search query: its folded words.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Query {
    words: Vec<String>,
    /// The first word as a document's word must contain it: without its article.
    first: String,
    /// Whether the first word had an article that was taken off.
    article: bool,
}

impl Query {
    /// The words of `query`, folded as documents are; `None` when it has no word.
    pub fn parse(query: &str) -> Option<Query> {
        let folded = fold_str(query);
        let words: Vec<String> = tokens(&folded)
            .iter()
            .map(|t| t.text(&folded).to_string())
            .collect();
        let first_word = words.first()?;
        let bare = first_word
            .strip_prefix(ARTICLE)
            .filter(|rest| long_enough(rest));
        Some(Query {
            first: bare.unwrap_or(first_word).to_string(),
            article: bare.is_some(),
            words,
        })
    }

    pub fn words(&self) -> &[String] {
        &self.words
    }

    /// Letters and digits in the query's words.
    pub fn letters(&self) -> usize {
        self.words.iter().map(|w| w.chars().count()).sum()
    }

    /// The terms a matching document holds (see [`index_terms`]): the first word without
    /// its article, and the others as they are.
    pub fn terms(&self) -> Vec<&str> {
        let mut terms: Vec<&str> = std::iter::once(self.first.as_str())
            .chain(self.words[1..].iter().map(String::as_str))
            .collect();
        terms.sort_unstable();
        terms.dedup();
        terms
    }

    /// Where the query occurs in `folded`: byte ranges from the first word (with its
    /// article when the query has one and the text too) to the end of the last word
    /// (without its enclitic). The words must follow each other with only spaces between.
    pub fn find(&self, folded: &str) -> Vec<(usize, usize)> {
        let words = tokens(folded);
        let n = self.words.len();
        let mut found = Vec::new();
        let mut i = 0;
        while i + n <= words.len() {
            match self.match_at(folded, &words[i..i + n]) {
                Some(span) => {
                    found.push(span);
                    i += n;
                }
                None => i += 1,
            }
        }
        found
    }

    /// The span of the query when it matches the words `at` (as many as the query has).
    fn match_at(&self, folded: &str, at: &[Token]) -> Option<(usize, usize)> {
        let (head, tail) = at.split_first()?;
        let head_text = head.text(folded);
        let last = tail.len();
        // the first word: a proclitic before it, and an enclitic after it if it is the last
        let start = without_proclitics(head_text)
            .filter(|form| {
                if last == 0 {
                    without_enclitics(form).any(|f| f == self.first)
                } else {
                    *form == self.first
                }
            })
            .map(|form| head.end - form.len())
            .max()?;
        let start = match head_text[..start - head.start].strip_suffix(ARTICLE) {
            Some(_) if self.article => start - ARTICLE.len(),
            _ => start,
        };
        let mut end = start;
        let mut previous = *head;
        for (k, word) in tail.iter().enumerate() {
            let gap = &folded[previous.end..word.start];
            if !gap.chars().all(char::is_whitespace) {
                return None;
            }
            let text = word.text(folded);
            let wanted = &self.words[k + 1];
            let ok = if k + 1 == last {
                without_enclitics(text).any(|f| f == wanted)
            } else {
                text == wanted
            };
            if !ok {
                return None;
            }
            end = word.start + wanted.len();
            previous = *word;
        }
        if last == 0 {
            end = start
                + head_text[start - head.start..]
                    .find(self.first.as_str())
                    .map_or(0, |at| at + self.first.len());
        }
        Some((start, end))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::fold::fold;

    fn found(query: &str, text: &str) -> Vec<String> {
        let q = Query::parse(query).unwrap();
        let folded = fold(text).text;
        q.find(&folded)
            .into_iter()
            .map(|(s, e)| folded[s..e].to_string())
            .collect()
    }

    fn terms_of(text: &str) -> String {
        let folded = fold(text).text;
        index_terms(&folded, &tokens(&folded))
    }

    /// Whether the index terms of `text` hold every term of `query`.
    fn indexed(query: &str, text: &str) -> bool {
        let terms = terms_of(text);
        let terms: Vec<&str> = terms.split(' ').collect();
        Query::parse(query)
            .unwrap()
            .terms()
            .iter()
            .all(|t| terms.contains(t))
    }

    #[test]
    fn a_word_is_found_with_its_clitics_and_without_its_article() {
        let text = "قصفت الطائرات مواقع بالموصل وللموصل أهمية، وفي الموصل هدوء وموصل قديم";
        assert_eq!(
            found("الموصل", text),
            ["الموصل", "موصل", "الموصل", "موصل"],
            "بال and ولل before the word; the article of the query is optional"
        );
        assert!(indexed("الموصل", text));
        // folded: hamza forms and diacritics do not matter
        assert_eq!(found("الأسد", "قاعدة عين الاسَد"), ["الاسد"]);
        // an enclitic after a single word
        assert_eq!(found("قوات", "وقال إن قواتها ردت"), ["قوات"]);
        assert!(indexed("قوات", "وقال إن قواتها ردت"));
    }

    #[test]
    fn clitics_come_off_only_where_a_word_of_three_letters_stays() {
        // الله is not the article and له, الان not ال and ان
        assert!(found("له", "قال الله").is_empty());
        assert!(!indexed("له", "قال الله"));
        assert!(found("ان", "الان").is_empty());
        assert!(found("من", "منه").is_empty());
        // three letters stay: the clitics still come off
        assert_eq!(found("امن", "وزارة الأمن"), ["امن"]);
        assert_eq!(found("علي", "عليه"), ["علي"]);
    }

    #[test]
    fn a_word_inside_another_word_is_not_found() {
        assert!(found("قصف", "القصفيات والمقصف").is_empty());
        assert!(!indexed("قصف", "القصفيات والمقصف"));
        // a proclitic-like first letter is part of the word when nothing else fits
        assert_eq!(found("بغداد", "وصل إلى بغداد وببغداد"), ["بغداد", "بغداد"]);
        assert!(indexed("بغداد", "وصل ببغداد"));
    }

    #[test]
    fn a_phrase_matches_words_next_to_each_other_in_order() {
        let text = "استهدف هجوم قاعدة عين الأسد، ثم قاعدة في عين الأسد";
        assert_eq!(found("عين الاسد", text), ["عين الاسد", "عين الاسد"]);
        assert_eq!(found("قاعدة عين الأسد", text), ["قاعده عين الاسد"]);
        // all the words are indexed, but not next to each other: the index finds the
        // document, the phrase is not in it
        let apart = "عين على الحدود، والأسد في الغابة";
        assert!(indexed("عين الاسد", apart));
        assert!(found("عين الاسد", apart).is_empty());
        // punctuation between the words breaks the phrase
        assert!(found("عين الاسد", "عين، الاسد").is_empty());
        // the first word may carry proclitics, the last an enclitic
        assert_eq!(
            found("كتائب حزب الله", "ونسب الهجوم لكتائب حزب الله"),
            ["كتايب حزب الله"]
        );
    }

    #[test]
    fn queries_without_words_are_refused() {
        assert!(Query::parse("  ،؛ ").is_none());
        assert!(Query::parse("").is_none());
        let q = Query::parse("  الْمَوْصِل  و  ").unwrap();
        assert_eq!(q.words(), ["الموصل", "و"]);
        assert_eq!(q.letters(), 7);
        assert_eq!(q.terms(), ["موصل", "و"]);
    }

    #[test]
    fn index_terms_are_distinct() {
        let terms = terms_of("وبالموصل الموصل، قواتها");
        let terms: Vec<&str> = terms.split(' ').collect();
        let distinct: std::collections::HashSet<&&str> = terms.iter().collect();
        assert_eq!(distinct.len(), terms.len(), "{terms:?}");
        assert!(terms
            .iter()
            .all(|t| !t.is_empty() && t.chars().all(crate::tokens::is_word_char)));
        for t in ["وبالموصل", "بالموصل", "الموصل", "موصل"] {
            assert!(terms.contains(&t), "{t} in {terms:?}");
        }
        assert_eq!(terms_of(""), "");
    }

    #[test]
    fn a_word_said_again_adds_no_term() {
        // the second قواتها is passed over, and its forms are there from the first
        assert_eq!(
            terms_of("قواتها في الموصل، قواتها وبالموصل"),
            "قواتها قوات في الموصل موصل وبالموصل بالموصل"
        );
        assert_eq!(terms_of("قواتها قواتها"), terms_of("قواتها"));
    }
}
