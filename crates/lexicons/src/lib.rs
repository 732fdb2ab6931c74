//! Lexicons of rasid: places, actors, event triggers, weapons, markers and clutter, read from
//! the data files described in `data/LEXICONS.md` and compiled into one automaton over
//! folded text.

pub mod entries;
mod matcher;
pub mod tsv;

pub use entries::*;
pub use matcher::Hit;

use daachorse::CharwiseDoubleArrayAhoCorasick;
use rasid_text::dates::DateKey;
use rasid_text::hash::{fnv1a_from, FNV_OFFSET};
use std::collections::HashSet;
use std::path::Path;
use tsv::TsvError;

/// The contents of every lexicon file, by file name.
pub struct Sources<'a> {
    pub places: &'a str,
    pub sites: &'a str,
    pub actors: &'a str,
    pub triggers: &'a str,
    pub weapons: &'a str,
    pub markers: &'a str,
    pub clutter: &'a str,
    pub stopwords: &'a str,
    pub ordinary_words: &'a str,
}

impl Sources<'static> {
    /// The lexicons shipped in the repository's `data/` folder, built into the binary.
    pub fn embedded() -> Self {
        Sources {
            places: include_str!("../../../data/places.tsv"),
            sites: include_str!("../../../data/sites.tsv"),
            actors: include_str!("../../../data/actors.tsv"),
            triggers: include_str!("../../../data/triggers.tsv"),
            weapons: include_str!("../../../data/weapons.tsv"),
            markers: include_str!("../../../data/markers.tsv"),
            clutter: include_str!("../../../data/clutter.tsv"),
            stopwords: include_str!("../../../data/stopwords.tsv"),
            ordinary_words: include_str!("../../../data/ordinary-words.tsv"),
        }
    }
}

impl Sources<'_> {
    /// A hash of every file's contents (FNV-1a, 64 bits): stored results extracted with
    /// other lexicons are stale.
    pub fn fingerprint(&self) -> u64 {
        let files = [
            self.places,
            self.sites,
            self.actors,
            self.triggers,
            self.weapons,
            self.markers,
            self.clutter,
            self.stopwords,
            self.ordinary_words,
        ];
        files.iter().fold(FNV_OFFSET, |h, file| {
            // the length keeps the file boundaries apart
            let h = fnv1a_from(h, &(file.len() as u64).to_le_bytes());
            fnv1a_from(h, file.as_bytes())
        })
    }
}

/// What a pattern of the automaton stands for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct PatternTarget {
    pub kind: Kind,
    /// Index into the list of entries of that kind.
    pub entry: u32,
    /// The pattern may run on into more letters (a stem such as `استهدف*`).
    pub open_end: bool,
    /// The pattern is a name with its article `ال` dropped, valid only after `لل`.
    pub article_dropped: bool,
}

/// All lexicons, compiled.
pub struct Lexicons {
    /// [`Sources::fingerprint`] of the files these lexicons were built from.
    pub fingerprint: u64,
    pub places: Vec<Place>,
    pub actors: Vec<Actor>,
    pub triggers: Vec<Trigger>,
    pub weapons: Vec<Weapon>,
    pub markers: Vec<Marker>,
    pub clutter: Vec<Clutter>,
    automaton: CharwiseDoubleArrayAhoCorasick<u32>,
    /// Per automaton pattern, every entry it stands for.
    targets: matcher::Targets,
    /// Per actor entry, the entry of the force it stands for (itself, or the one an
    /// adjective or person `refers` to).
    stands_for: Vec<u32>,
    /// Place-name forms that are also ordinary words (folded).
    ordinary_words: HashSet<String>,
    /// Words that are dictionary words as a whole: a place name inside is not read after
    /// a proclitic («بحر» is not ب + «حر»).
    whole_words: HashSet<String>,
}

#[derive(Debug)]
pub enum LexiconError {
    Io { path: String, error: std::io::Error },
    Format(TsvError),
    Automaton(String),
}

impl std::fmt::Display for LexiconError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            LexiconError::Io { path, error } => write!(f, "cannot read lexicon {path}: {error}"),
            LexiconError::Format(e) => write!(f, "lexicon {e}"),
            LexiconError::Automaton(e) => write!(f, "cannot compile the lexicons: {e}"),
        }
    }
}

impl std::error::Error for LexiconError {}

impl From<TsvError> for LexiconError {
    fn from(e: TsvError) -> Self {
        LexiconError::Format(e)
    }
}

impl Lexicons {
    /// The lexicons built into the binary.
    pub fn embedded() -> Result<Self, LexiconError> {
        Self::from_sources(&Sources::embedded())
    }

    /// Reads the lexicon files of a data folder (same names as `data/`).
    pub fn load_dir(dir: &Path) -> Result<Self, LexiconError> {
        let read = |name: &str| {
            let path = dir.join(name);
            std::fs::read_to_string(&path).map_err(|error| LexiconError::Io {
                path: path.display().to_string(),
                error,
            })
        };
        let files = [
            "places.tsv",
            "sites.tsv",
            "actors.tsv",
            "triggers.tsv",
            "weapons.tsv",
            "markers.tsv",
            "clutter.tsv",
            "stopwords.tsv",
            "ordinary-words.tsv",
        ]
        .map(read);
        let [places, sites, actors, triggers, weapons, markers, clutter, stopwords, ordinary_words] =
            files;
        Self::from_sources(&Sources {
            places: &places?,
            sites: &sites?,
            actors: &actors?,
            triggers: &triggers?,
            weapons: &weapons?,
            markers: &markers?,
            clutter: &clutter?,
            stopwords: &stopwords?,
            ordinary_words: &ordinary_words?,
        })
    }

    /// Parses and compiles lexicons from file contents.
    pub fn from_sources(s: &Sources) -> Result<Self, LexiconError> {
        let mut places = parse_places("places.tsv", s.places)?;
        places.extend(parse_places("sites.tsv", s.sites)?);
        let actors = parse_actors("actors.tsv", s.actors)?;
        let triggers = parse_triggers("triggers.tsv", s.triggers)?;
        let weapons = parse_weapons("weapons.tsv", s.weapons)?;
        let markers = parse_markers("markers.tsv", s.markers)?;
        let clutter = parse_clutter("clutter.tsv", s.clutter)?;

        let mut builder = matcher::PatternSet::default();
        builder.never_places(parse_stopwords("stopwords.tsv", s.stopwords)?);
        let (ordinary_words, whole_words) =
            parse_ordinary_words("ordinary-words.tsv", s.ordinary_words)?;
        for (i, p) in places.iter().enumerate() {
            builder.add_names(Kind::Place, i, &p.names_ar, true);
        }
        for (i, a) in actors.iter().enumerate() {
            builder.add_names(Kind::Actor, i, &a.forms, true);
        }
        for (i, t) in triggers.iter().enumerate() {
            builder.add_names(Kind::Trigger, i, &t.forms, false);
        }
        for (i, w) in weapons.iter().enumerate() {
            builder.add_names(Kind::Weapon, i, &w.forms, false);
        }
        for (i, m) in markers.iter().enumerate() {
            builder.add_names(Kind::Marker, i, &m.forms, false);
        }
        for (i, c) in clutter.iter().enumerate() {
            builder.add_names(Kind::Clutter, i, &c.forms, false);
        }
        // the words the date and count finders look around; their tables live with them
        for (class, key) in DateKey::ALL.into_iter().enumerate() {
            let words: Vec<String> = rasid_text::dates::key_words()
                .filter(|&(_, k)| k == key)
                .map(|(word, _)| word.to_string())
                .collect();
            builder.add_names(Kind::DateWord, class, &words, true);
        }
        let number_words: Vec<String> = rasid_text::numbers::number_words().collect();
        builder.add_names(Kind::NumberWord, 0, &number_words, false);
        let (automaton, targets) = builder.compile()?;
        let stands_for = actors
            .iter()
            .enumerate()
            .map(|(i, a)| {
                actors
                    .iter()
                    .position(|x| !a.refers.is_empty() && x.id == a.refers)
                    .unwrap_or(i) as u32
            })
            .collect();
        Ok(Lexicons {
            fingerprint: s.fingerprint(),
            stands_for,
            places,
            actors,
            triggers,
            weapons,
            markers,
            clutter,
            automaton,
            targets,
            ordinary_words,
            whole_words,
        })
    }

    /// Whether a folded place-name form is also an ordinary word, a place only with a cue.
    pub fn is_ordinary_word(&self, form: &str) -> bool {
        self.ordinary_words.contains(form)
    }

    /// Number of distinct patterns in the automaton.
    pub fn pattern_count(&self) -> usize {
        self.targets.len()
    }

    /// Heap size of the automaton in bytes.
    pub fn automaton_bytes(&self) -> usize {
        self.automaton.heap_bytes()
    }

    /// The automaton itself, for measuring a bare pass over text.
    pub fn automaton(&self) -> &CharwiseDoubleArrayAhoCorasick<u32> {
        &self.automaton
    }

    /// Actor entry by its id.
    pub fn actor_by_id(&self, id: &str) -> Option<&Actor> {
        self.actors.iter().find(|a| a.id == id)
    }

    /// The ids of an actor and of every coalition above it.
    pub fn coalition_chain<'a>(&'a self, actor: &'a Actor) -> Vec<&'a str> {
        let mut ids = vec![actor.id.as_str()];
        let mut parent = actor.parent.as_str();
        while let Some(p) = self.actor_by_id(parent) {
            if ids.contains(&p.id.as_str()) {
                break;
            }
            ids.push(p.id.as_str());
            parent = p.parent.as_str();
        }
        ids
    }

    /// Whether two actors are on one side: the same, of one country, or one inside the
    /// other's coalition.
    pub fn same_side(&self, x: &Actor, y: &Actor) -> bool {
        x.id == y.id
            || (!x.country.is_empty() && x.country == y.country)
            || self.coalition_chain(x).contains(&y.id.as_str())
            || self.coalition_chain(y).contains(&x.id.as_str())
    }

    /// The actor entry an actor entry stands for: adjectives and persons name a force.
    pub fn stands_for(&self, entry: u32) -> u32 {
        self.stands_for
            .get(entry as usize)
            .copied()
            .unwrap_or(entry)
    }
}
