//! The words of one document sorted into what they are: places, actors, triggers, weapons,
//! markers, dates and counts, per sentence and clause, with clutter removed.

use crate::clutter::{clutter_ranges, inside};
use rasid_lexicons::{ActorKind, Feature, Hit, Kind, Lexicons, MarkerKind};
use rasid_text::dates::{find_dates, DateMention};
use rasid_text::numbers::{find_counts, Count};
use rasid_text::tokens::{sentences, tokens, Token};
use rasid_text::{fold, Day, Folded};

/// A byte range of the folded text.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, serde::Serialize, serde::Deserialize,
)]
pub struct Span {
    pub start: usize,
    pub end: usize,
}

impl Span {
    pub fn of(hit: &Hit) -> Span {
        Span {
            start: hit.start,
            end: hit.end,
        }
    }
}

/// A document prepared for extraction.
pub struct Analysis<'a> {
    pub lex: &'a Lexicons,
    pub folded: Folded,
    pub published: Option<Day>,
    pub tokens: Vec<Token>,
    /// Lexicon hits outside clutter, overlaps resolved, sorted by start.
    pub hits: Vec<Hit>,
    pub dates: Vec<DateMention>,
    pub counts: Vec<Count>,
    /// Sentences outside clutter, as byte ranges.
    pub sentences: Vec<Span>,
}

impl<'a> Analysis<'a> {
    pub fn new(text: &str, published: Option<Day>, lex: &'a Lexicons) -> Self {
        let folded = fold(text);
        let raw = lex.scan(&folded.text);
        let clutter = clutter_ranges(&folded.text, &raw, lex);
        let hits = resolve_overlaps(
            raw.into_iter()
                .filter(|h| h.kind != Kind::Clutter && !inside(&clutter, h.start))
                .collect(),
            lex,
        );
        let sentences = sentences(&folded.text)
            .into_iter()
            .filter(|&(s, _)| !inside(&clutter, s))
            .map(|(start, end)| Span { start, end })
            .collect();
        Analysis {
            lex,
            tokens: tokens(&folded.text),
            dates: find_dates(&folded.text, published),
            counts: find_counts(&folded.text),
            hits,
            sentences,
            folded,
            published,
        }
    }

    pub fn text(&self) -> &str {
        &self.folded.text
    }

    /// Index of the first token starting at or after `pos`.
    pub fn token_at(&self, pos: usize) -> usize {
        self.tokens.partition_point(|t| t.start < pos)
    }

    /// Number of words strictly between two byte positions.
    pub fn words_between(&self, from: usize, to: usize) -> usize {
        if to <= from {
            return 0;
        }
        self.token_at(to).saturating_sub(self.token_at(from))
    }

    /// Hits of one kind inside `span`.
    pub fn hits_in(&self, span: Span, kind: Kind) -> impl Iterator<Item = &Hit> {
        let first = self.hits.partition_point(|h| h.start < span.start);
        self.hits[first..]
            .iter()
            .take_while(move |h| h.start < span.end)
            .filter(move |h| h.kind == kind && h.end <= span.end)
    }

    /// Markers of one kind inside `span`.
    pub fn markers_in(&self, span: Span, kind: MarkerKind) -> impl Iterator<Item = &Hit> {
        self.hits_in(span, Kind::Marker)
            .filter(move |h| self.lex.markers[h.entry as usize].kind == kind)
    }

    /// Whether a marker of `kind` ends within `words` words before `pos` inside `span`.
    pub fn marker_before(&self, span: Span, pos: usize, kind: MarkerKind, words: usize) -> bool {
        self.markers_in(span, kind)
            .any(|m| m.end <= pos && self.words_between(m.end, pos) <= words)
    }

    /// The marker of `kind` ending closest before `pos` within `words` words.
    pub fn nearest_marker_before(
        &self,
        span: Span,
        pos: usize,
        kind: MarkerKind,
        words: usize,
    ) -> Option<&Hit> {
        self.markers_in(span, kind)
            .filter(|m| m.end <= pos && self.words_between(m.end, pos) <= words)
            .last()
    }

    /// Whether a marker of `kind` starts within `words` words after `pos`.
    pub fn marker_after(&self, span: Span, pos: usize, kind: MarkerKind, words: usize) -> bool {
        self.markers_in(span, kind)
            .any(|m| m.start >= pos && self.words_between(pos, m.start) <= words)
    }

    /// The folded word just before `pos` (proclitics included), if any.
    pub fn word_before(&self, pos: usize) -> Option<&str> {
        let i = self.token_at(pos);
        i.checked_sub(1).map(|i| self.tokens[i].text(self.text()))
    }

    /// Original character range for a folded span.
    pub fn original(&self, span: Span) -> (usize, usize) {
        self.folded.original_span(span.start, span.end)
    }

    /// Whether a place entry is a well-known area or site (it may stand anywhere), rather
    /// than a small locality that needs a locative word before it.
    pub fn place_is_prominent(&self, entry: u32) -> bool {
        let p = &self.lex.places[entry as usize];
        match p.feature {
            Feature::Country | Feature::Admin1 | Feature::Site | Feature::Region => true,
            Feature::City => true,
            Feature::Town => p.population >= 50_000,
            _ => false,
        }
    }
}

/// Within each kind, keeps the longest of overlapping hits (leftmost first). Places and
/// triggers inside a longer actor name (المقاومة الإسلامية في العراق) are dropped, and so
/// are places that are also a trigger or marker word.
fn resolve_overlaps(mut hits: Vec<Hit>, lex: &Lexicons) -> Vec<Hit> {
    hits.sort_by_key(|h| (h.start, std::cmp::Reverse(h.end)));
    let mut kept: Vec<Hit> = Vec::with_capacity(hits.len());
    for h in hits {
        let same_kind_overlap = kept.iter().rev().take(16).any(|k| {
            k.kind == h.kind
                && k.start < h.end
                && h.start < k.end
                && !(h.kind == Kind::Marker
                    && lex.markers[k.entry as usize].kind != lex.markers[h.entry as usize].kind)
                && !(h.kind == Kind::Place && k.start == h.start && k.end == h.end)
        });
        if same_kind_overlap {
            continue;
        }
        kept.push(h);
    }
    let covers = |outer: &Hit, inner: &Hit| {
        outer.start <= inner.start
            && inner.end <= outer.end
            && (outer.end - outer.start) > (inner.end - inner.start)
    };
    let actors: Vec<Hit> = kept
        .iter()
        .filter(|h| {
            h.kind == Kind::Actor && lex.actors[h.entry as usize].kind != ActorKind::Adjective
        })
        .copied()
        .collect();
    let words: Vec<Hit> = kept
        .iter()
        .filter(|h| matches!(h.kind, Kind::Trigger | Kind::Weapon))
        .copied()
        .collect();
    kept.retain(|h| match h.kind {
        Kind::Place => {
            !actors.iter().any(|a| covers(a, h))
                && !words.iter().any(|w| w.start <= h.start && h.end <= w.end)
        }
        Kind::Trigger => !actors.iter().any(|a| covers(a, h)),
        _ => true,
    });
    kept
}
