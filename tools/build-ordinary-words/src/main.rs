//! `build-ordinary-words`: builds `data/ordinary-words.tsv`, the place-name forms that are
//! also ordinary Arabic words, out of the Ayaspell Arabic Hunspell dictionary
//! (`shared/data/hunspell-ar/`, MPL 1.1) and the gazetteer (`data/places.tsv`,
//! `data/sites.tsv`).
//!
//! Usage: `build-ordinary-words [SHARED_DIR] [DATA_DIR] [OUT]` (defaults `../shared/data`,
//! `data` and `data/ordinary-words.tsv`).
//!
//! The dictionary's stems are expanded with the affix rules of `ar.aff` (suffixes, then
//! prefixes, following continuation classes) and folded like lexicon forms
//! (`rasid_text::fold_str`). Two kinds of rows come out:
//! - `word`: a one-word place name (or its bare form without the article) that is a
//!   dictionary form, or a dictionary form behind a noun proclitic (و ف ب ل ال …). Names of
//!   countries, provinces and cities of 100,000 people or more are left out: they are
//!   places even where they are words.
//! - `whole`: a word made of a proclitic and a place name that is a dictionary form by
//!   itself, without any prefix («بحر» is not ب + «حر»).
//!
//! The output is sorted and holds no date or path, so a rebuild gives the same bytes.

use rasid_lexicons::{parse_places, Feature, Place};
use rasid_text::fold_str;
use rasid_text::tokens::PROCLITICS;
use std::collections::{BTreeSet, HashMap, HashSet};
use std::path::Path;

/// Affix expansion depth: a chain of suffix classes (a null suffix that only adds classes
/// counts as one), then of prefix classes.
const SUFFIX_DEPTH: usize = 3;
const PREFIX_DEPTH: usize = 2;

/// The proclitics of a noun (not the future س of verbs, nor ك, rare before a place).
const NOUN_PROCLITICS: &[&str] = &[
    "و", "ف", "ب", "ل", "ال", "وال", "فال", "بال", "لل", "ولل", "فلل", "وب", "فب", "ول", "فل",
];

/// A place this large is known as a place even where its name is a word.
const LARGE_CITY: u64 = 100_000;

struct Rule {
    strip: Vec<char>,
    add: Vec<char>,
    /// Continuation classes the affixed form takes on.
    flags: Vec<String>,
    /// One set of allowed letters per position (`None`: any letter), and whether a set is
    /// negated.
    cond: Vec<Option<(bool, Vec<char>)>>,
}

impl Rule {
    fn applies(&self, word: &[char], prefix: bool) -> bool {
        if word.len() < self.strip.len() || word.len() < self.cond.len() {
            return false;
        }
        let at = if prefix {
            0
        } else {
            word.len() - self.cond.len()
        };
        let stripped = if prefix {
            word.starts_with(&self.strip)
        } else {
            word.ends_with(&self.strip)
        };
        stripped
            && self.cond.iter().enumerate().all(|(i, c)| match c {
                None => true,
                Some((negated, set)) => set.contains(&word[at + i]) != *negated,
            })
    }

    fn apply(&self, word: &[char], prefix: bool) -> Vec<char> {
        if prefix {
            let mut out = self.add.clone();
            out.extend_from_slice(&word[self.strip.len()..]);
            out
        } else {
            let mut out = word[..word.len() - self.strip.len()].to_vec();
            out.extend_from_slice(&self.add);
            out
        }
    }
}

#[derive(Default)]
struct Affixes {
    /// `AF` flag vectors, numbered from 1 in the order of the file.
    aliases: Vec<Vec<String>>,
    prefixes: HashMap<String, Vec<Rule>>,
    suffixes: HashMap<String, Vec<Rule>>,
}

impl Affixes {
    /// The flags of a `/…` field: a number names an `AF` vector; otherwise two-letter flags
    /// (`FLAG long`).
    fn flags(&self, field: &str) -> Vec<String> {
        if let Ok(n) = field.parse::<usize>() {
            return n
                .checked_sub(1)
                .and_then(|i| self.aliases.get(i))
                .cloned()
                .unwrap_or_default();
        }
        let chars: Vec<char> = field.chars().collect();
        chars.chunks(2).map(|c| c.iter().collect()).collect()
    }

    fn parse(text: &str) -> Affixes {
        let mut aff = Affixes::default();
        for line in text.lines() {
            let line = line.split('#').next().unwrap_or("");
            let f: Vec<&str> = line.split_whitespace().collect();
            match f.as_slice() {
                ["AF", vector, ..] if vector.parse::<usize>().is_err() => {
                    let chars: Vec<char> = vector.chars().collect();
                    aff.aliases
                        .push(chars.chunks(2).map(|c| c.iter().collect()).collect());
                }
                [kind @ ("PFX" | "SFX"), flag, strip, add, cond, ..] => {
                    let (add, cont) = add.split_once('/').unwrap_or((add, ""));
                    let rule = Rule {
                        strip: letters(strip),
                        add: letters(add),
                        flags: if cont.is_empty() {
                            Vec::new()
                        } else {
                            aff.flags(cont)
                        },
                        cond: condition(cond),
                    };
                    let table = if *kind == "PFX" {
                        &mut aff.prefixes
                    } else {
                        &mut aff.suffixes
                    };
                    table.entry(flag.to_string()).or_default().push(rule);
                }
                _ => {}
            }
        }
        aff
    }
}

/// The letters of an affix field (`0` is none).
fn letters(field: &str) -> Vec<char> {
    if field == "0" {
        Vec::new()
    } else {
        field.chars().collect()
    }
}

/// A Hunspell condition: letters, `.` and `[…]`/`[^…]` sets, one per position.
fn condition(cond: &str) -> Vec<Option<(bool, Vec<char>)>> {
    if cond == "." {
        return Vec::new();
    }
    let mut out = Vec::new();
    let mut chars = cond.chars();
    while let Some(c) = chars.next() {
        match c {
            '.' => out.push(None),
            '[' => {
                let mut set: Vec<char> = chars.by_ref().take_while(|&c| c != ']').collect();
                let negated = set.first() == Some(&'^');
                if negated {
                    set.remove(0);
                }
                out.push(Some((negated, set)));
            }
            c => out.push(Some((false, vec![c]))),
        }
    }
    out
}

/// Every surface form of the dictionary, folded: those with a prefix, and those without
/// (words as such).
struct Forms {
    all: HashSet<String>,
    unprefixed: HashSet<String>,
}

/// Expands every stem of `dic`, keeping only the forms `wanted` holds.
fn expand(aff: &Affixes, dic: &str, wanted: &HashSet<String>) -> Forms {
    let mut forms = Forms {
        all: HashSet::new(),
        unprefixed: HashSet::new(),
    };
    let longest = wanted.iter().map(|w| w.chars().count()).max().unwrap_or(0);
    for line in dic.lines().skip(1) {
        // section banners (`::::`, `names.dic`), comments and counts are not stems
        let entry = line.split('\t').next().unwrap_or("");
        let (stem, flags) = entry.split_once('/').unwrap_or((entry, ""));
        if stem.is_empty()
            || !stem
                .chars()
                .all(|c| ('\u{621}'..='\u{64a}').contains(&c) || c == '\u{622}')
        {
            continue;
        }
        let flags = if flags.is_empty() {
            Vec::new()
        } else {
            aff.flags(flags)
        };
        // suffixes chain through their continuation classes; prefixes then take the
        // stem's classes and those of the suffixes applied (Hunspell's cross product)
        let stem: Vec<char> = stem.chars().collect();
        let mut suffixed = vec![(stem.clone(), flags.clone())];
        let mut frontier = vec![(stem, flags.clone(), flags)];
        for _ in 0..SUFFIX_DEPTH {
            let mut next = Vec::new();
            for (word, classes, prefix_classes) in &frontier {
                for rule in classes.iter().filter_map(|f| aff.suffixes.get(f)).flatten() {
                    if rule.applies(word, false) {
                        let mut prefix_classes = prefix_classes.clone();
                        prefix_classes.extend(rule.flags.iter().cloned());
                        let word = rule.apply(word, false);
                        suffixed.push((word.clone(), prefix_classes.clone()));
                        next.push((word, rule.flags.clone(), prefix_classes));
                    }
                }
            }
            frontier = next;
        }
        let mut prefixed = Vec::new();
        let mut frontier = suffixed.clone();
        for _ in 0..PREFIX_DEPTH {
            let mut next = Vec::new();
            for (word, classes) in &frontier {
                for rule in classes.iter().filter_map(|f| aff.prefixes.get(f)).flatten() {
                    if rule.applies(word, true) {
                        next.push((rule.apply(word, true), rule.flags.clone()));
                    }
                }
            }
            prefixed.extend(next.iter().cloned());
            frontier = next;
        }
        let keep = |word: &[char]| {
            // folding never lengthens a word: a longer one cannot be wanted
            if word.len() > longest {
                return None;
            }
            let folded = fold_str(&word.iter().collect::<String>());
            wanted.contains(&folded).then_some(folded)
        };
        for (word, _) in &suffixed {
            if let Some(f) = keep(word) {
                forms.unprefixed.insert(f.clone());
                forms.all.insert(f);
            }
        }
        for (word, _) in &prefixed {
            if let Some(f) = keep(word) {
                forms.all.insert(f);
            }
        }
    }
    forms
}

/// A place known as such even where its name is a word.
fn well_known(p: &Place) -> bool {
    matches!(p.feature, Feature::Country | Feature::Admin1) || p.population >= LARGE_CITY
}

fn read(path: &Path) -> String {
    std::fs::read_to_string(path).unwrap_or_else(|e| {
        eprintln!("build-ordinary-words: cannot read {}: {e}", path.display());
        std::process::exit(1)
    })
}

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let shared = Path::new(args.first().map_or("../shared/data", String::as_str)).to_path_buf();
    let data = Path::new(args.get(1).map_or("data", String::as_str)).to_path_buf();
    let out = args
        .get(2)
        .cloned()
        .unwrap_or_else(|| "data/ordinary-words.tsv".to_string());

    let mut places = Vec::new();
    for file in ["places.tsv", "sites.tsv"] {
        let parsed = parse_places(file, &read(&data.join(file))).unwrap_or_else(|e| {
            eprintln!("build-ordinary-words: {e}");
            std::process::exit(1)
        });
        places.extend(parsed);
    }
    // one-word names, with their bare forms (the matcher reads them after لل)
    let mut names: BTreeSet<String> = BTreeSet::new();
    let mut known: HashSet<String> = HashSet::new();
    for p in &places {
        for name in &p.names_ar {
            let folded = fold_str(name);
            if folded.contains(' ') || folded.chars().count() < 2 {
                continue;
            }
            let bare = folded
                .strip_prefix("ال")
                .filter(|b| b.chars().count() >= 3)
                .map(String::from);
            for form in std::iter::once(folded).chain(bare) {
                if well_known(p) {
                    known.insert(form.clone());
                }
                names.insert(form);
            }
        }
    }
    // every name, every name behind a proclitic, and every name's remainder after one
    let mut wanted: HashSet<String> = HashSet::new();
    for name in &names {
        wanted.insert(name.clone());
        for p in PROCLITICS {
            wanted.insert(format!("{p}{name}"));
            if let Some(rest) = name.strip_prefix(p) {
                wanted.insert(rest.to_string());
            }
        }
    }

    let hunspell = shared.join("hunspell-ar");
    let aff = Affixes::parse(&read(&hunspell.join("ar.aff")));
    let forms = expand(&aff, &read(&hunspell.join("ar.dic")), &wanted);

    let mut rows: BTreeSet<(&str, String)> = BTreeSet::new();
    for name in &names {
        let behind_proclitic = NOUN_PROCLITICS.iter().any(|p| {
            name.strip_prefix(p)
                .is_some_and(|rest| rest.chars().count() >= 3 && forms.all.contains(rest))
        });
        if !known.contains(name) && (forms.all.contains(name) || behind_proclitic) {
            rows.insert(("word", name.clone()));
        }
        for p in PROCLITICS {
            let word = format!("{p}{name}");
            if forms.unprefixed.contains(&word) {
                rows.insert(("whole", word));
            }
        }
    }

    let mut text = String::from(
        "# Place-name forms that are also ordinary Arabic words, built by tools/build-ordinary-words\n\
         # from the Ayaspell Arabic dictionary (Mohamed Kebdani), MPL 1.1, and the gazetteer.\n\
         # This file is under MPL 1.1. See data/LEXICONS.md.\n\
         form\tkind\n",
    );
    for (kind, form) in &rows {
        text.push_str(&format!("{form}\t{kind}\n"));
    }
    std::fs::write(&out, text).unwrap_or_else(|e| {
        eprintln!("build-ordinary-words: cannot write {out}: {e}");
        std::process::exit(1)
    });
    let words = rows.iter().filter(|(k, _)| *k == "word").count();
    eprintln!(
        "build-ordinary-words: {} rows ({words} word, {} whole) to {out}",
        rows.len(),
        rows.len() - words
    );
}
