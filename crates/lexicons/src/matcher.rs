//! One Aho-Corasick automaton over every folded lexicon form, and the scan that keeps only
//! matches standing at word boundaries (after optional proclitics).

use crate::{Kind, LexiconError, Lexicons, PatternTarget};
use daachorse::{CharwiseDoubleArrayAhoCorasick, CharwiseDoubleArrayAhoCorasickBuilder, MatchKind};
use rasid_text::fold_str;
use rasid_text::tokens::{ends_word, proclitic_before};
use std::collections::{HashMap, HashSet};

/// A lexicon match in folded text.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Hit {
    pub kind: Kind,
    pub entry: u32,
    /// Byte range of the matched form in the folded text (proclitics excluded).
    pub start: usize,
    pub end: usize,
    /// Byte length of the proclitics before `start` in the same word.
    pub proclitic: u8,
}

/// Per automaton pattern, every entry it stands for, in one flat array.
pub(crate) struct Targets {
    /// Where the targets of each pattern begin in `all` (one more than there are patterns).
    starts: Vec<u32>,
    all: Vec<PatternTarget>,
}

impl Targets {
    fn of(&self, pattern: u32) -> &[PatternTarget] {
        let p = pattern as usize;
        &self.all[self.starts[p] as usize..self.starts[p + 1] as usize]
    }

    /// Number of patterns.
    pub fn len(&self) -> usize {
        self.starts.len() - 1
    }
}

#[derive(Default)]
pub(crate) struct PatternSet {
    index: HashMap<String, usize>,
    targets: Vec<Vec<PatternTarget>>,
    not_places: HashSet<String>,
}

impl PatternSet {
    /// Words that must not become place patterns, in any form.
    pub fn never_places(&mut self, words: HashSet<String>) {
        self.not_places = words;
    }

    /// A stopword, alone or behind one proclitic letter (بانه is ب + انه).
    fn is_common_word(&self, folded: &str) -> bool {
        self.not_places.contains(folded)
            || ["و", "ف", "ب", "ل", "ك"].iter().any(|p| {
                folded
                    .strip_prefix(p)
                    .is_some_and(|rest| self.not_places.contains(rest))
            })
    }

    /// Adds the forms of one entry. A trailing `*` marks an open-ended stem. Names with the
    /// article also get their bare form, usable after `لل` (للميليشيات).
    pub fn add_names(&mut self, kind: Kind, entry: usize, forms: &[String], article: bool) {
        for form in forms {
            let (form, open_end) = match form.strip_suffix('*') {
                Some(stem) => (stem, true),
                None => (form.as_str(), false),
            };
            let folded = fold_str(form);
            if folded.chars().count() < 2 || (kind == Kind::Place && self.is_common_word(&folded)) {
                continue;
            }
            let target = PatternTarget {
                kind,
                entry: entry as u32,
                open_end,
                article_dropped: false,
            };
            if article {
                let bare = folded
                    .strip_prefix("ال")
                    .filter(|b| b.chars().count() >= 3)
                    .filter(|b| kind != Kind::Place || !self.not_places.contains(*b));
                if let Some(bare) = bare {
                    let bare = bare.to_string();
                    self.add(
                        bare,
                        PatternTarget {
                            article_dropped: true,
                            ..target
                        },
                    );
                }
            }
            self.add(folded, target);
        }
    }

    fn add(&mut self, pattern: String, target: PatternTarget) {
        let next = self.targets.len();
        let slot = *self.index.entry(pattern).or_insert(next);
        if slot == next {
            self.targets.push(Vec::new());
        }
        if !self.targets[slot].contains(&target) {
            self.targets[slot].push(target);
        }
    }

    /// The automaton, whose value for a pattern is its index shifted left by one, the low bit
    /// telling whether one of its targets is an open stem (so that a match that does not end
    /// its word is set aside without looking at its targets), and the targets.
    pub fn compile(self) -> Result<(CharwiseDoubleArrayAhoCorasick<u32>, Targets), LexiconError> {
        let open = |v: usize| self.targets[v].iter().any(|t| t.open_end);
        let patvals = self
            .index
            .iter()
            .map(|(p, &v)| (p.as_str(), (v as u32) << 1 | u32::from(open(v))));
        let automaton = CharwiseDoubleArrayAhoCorasickBuilder::new()
            .match_kind(MatchKind::Standard)
            .build_with_values(patvals)
            .map_err(|e| LexiconError::Automaton(e.to_string()))?;
        let mut targets = Targets {
            starts: Vec::with_capacity(self.targets.len() + 1),
            all: Vec::new(),
        };
        for of_pattern in self.targets {
            targets.starts.push(targets.all.len() as u32);
            targets.all.extend(of_pattern);
        }
        targets.starts.push(targets.all.len() as u32);
        Ok((automaton, targets))
    }
}

impl Lexicons {
    /// Every lexicon match in `folded` that starts a word (after proclitics) and ends one
    /// (unless the form is an open stem), ordered by start, longest first.
    pub fn scan(&self, folded: &str) -> Vec<Hit> {
        // about one hit in fifteen bytes of news text: room for most without growing
        let mut hits = Vec::with_capacity(folded.len() / 15);
        for m in self.automaton.find_overlapping_iter(folded) {
            let (start, end) = (m.start(), m.end());
            let (pattern, open) = (m.value() >> 1, m.value() & 1 == 1);
            let closed = ends_word(folded, end);
            if !(closed || open) {
                continue;
            }
            let Some(prefix) = proclitic_before(folded, start) else {
                continue;
            };
            for t in self.targets.of(pattern) {
                if !(closed || t.open_end) {
                    continue;
                }
                if t.article_dropped && !prefix.ends_with("لل") {
                    continue;
                }
                if t.kind == Kind::Place
                    && !prefix.is_empty()
                    && self
                        .whole_words
                        .contains(&folded[start - prefix.len()..end])
                {
                    continue;
                }
                // in order of start, the longer first: matches come by their end, so a hit
                // goes before the few found already that start after it (ties keep their
                // order, as a stable sort would)
                let key = |h: &Hit| (h.start, std::cmp::Reverse(h.end));
                let at = hits.len()
                    - hits
                        .iter()
                        .rev()
                        .take_while(|h| key(h) > (start, std::cmp::Reverse(end)))
                        .count();
                hits.insert(
                    at,
                    Hit {
                        kind: t.kind,
                        entry: t.entry,
                        start,
                        end,
                        proclitic: prefix.len() as u8,
                    },
                );
            }
        }
        hits
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::Sources;

    fn tiny_sources() -> Sources<'static> {
        Sources {
            places: "id\tnames_ar\tname_en\tcountry\tfeature\tlat\tlon\n\
                     a\tالميادين\tAl-Mayadin\tSY\ttown\t35.0\t40.4\n\
                     b\tدير الزور\tDeir ez-Zor\tSY\tcity\t35.3\t40.1\n",
            sites: "id\tnames_ar\tcountry\tfeature\tlat\tlon\n",
            actors: "id\tname\tinter\tkind\tforms\nm\tMilitias\t3\tforce\tالميليشيات\n",
            triggers: "forms\tevent_type\tsub_event_type\tfixed\tpos\nاستهدف*\tExplosions/Remote violence\tAir/drone strike\tno\tverb\n",
            weapons: "forms\tweapon\tevent_type\tsub_event_type\n",
            markers: "forms\tmarker\n",
            clutter: "forms\tscope\n",
            stopwords: "forms\nان|في\n",
            ordinary_words: "form\tkind\nبحر\twhole\n",
        }
    }

    fn tiny() -> Lexicons {
        Lexicons::from_sources(&tiny_sources()).unwrap()
    }

    fn kinds(lex: &Lexicons, text: &str) -> Vec<(Kind, String)> {
        let folded = rasid_text::fold(text).text;
        lex.scan(&folded)
            .iter()
            .map(|h| (h.kind, folded[h.start..h.end].to_string()))
            .collect()
    }

    #[test]
    fn matches_after_proclitics_only() {
        let lex = tiny();
        assert_eq!(
            kinds(&lex, "وبالميادين"),
            [(Kind::Place, "الميادين".to_string())]
        );
        assert!(kinds(&lex, "كالميادينية").is_empty());
        assert_eq!(
            kinds(&lex, "قرب دير الزور"),
            [(Kind::Place, "دير الزور".to_string())]
        );
    }

    #[test]
    fn hits_come_by_start_the_longer_first() {
        let lex = Lexicons::from_sources(&Sources {
            places: "id\tnames_ar\tname_en\tcountry\tfeature\tlat\tlon\n\
                     a\tدير\tDayr\tSY\tvillage\t35.0\t40.0\n\
                     b\tدير الزور\tDeir ez-Zor\tSY\tcity\t35.3\t40.1\n\
                     c\tالزور\tAz-Zur\tSY\tvillage\t35.1\t40.2\n",
            ..tiny_sources()
        })
        .unwrap();
        let texts = |t: &str| -> Vec<String> { kinds(&lex, t).into_iter().map(|k| k.1).collect() };
        assert_eq!(
            texts("قصف دير الزور ثم الزور"),
            ["دير الزور", "دير", "الزور", "الزور"]
        );
    }

    #[test]
    fn open_stems_and_dropped_articles() {
        let lex = tiny();
        assert_eq!(
            kinds(&lex, "استهدفتها"),
            [(Kind::Trigger, "استهدف".to_string())]
        );
        assert_eq!(
            kinds(&lex, "تابعة للميليشيات"),
            [(Kind::Actor, "ميليشيات".to_string())]
        );
        assert!(kinds(&lex, "ميليشيات").is_empty());
    }

    #[test]
    fn date_and_number_words_are_found_for_their_finders() {
        let lex = tiny();
        let text = rasid_text::fold("وللخميس قتل ثلاثة").text;
        let found: Vec<(Kind, u32, &str)> = lex
            .scan(&text)
            .iter()
            .filter(|h| matches!(h.kind, Kind::DateWord | Kind::NumberWord))
            .map(|h| (h.kind, h.entry, &text[h.start..h.end]))
            .collect();
        let weekday = rasid_text::dates::DateKey::Weekday as u32;
        assert_eq!(
            found,
            [
                (Kind::DateWord, weekday, "خميس"),
                (Kind::NumberWord, 0, "ثلاثه")
            ]
        );
    }
}
