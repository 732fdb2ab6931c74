//! The words of one document sorted into what they are: places, actors, triggers, weapons,
//! markers, dates and counts, per sentence and clause, with clutter removed.

use crate::clutter::{clutter_ranges, inside};
use crate::document::{DaySource, Document};
use rasid_lexicons::{ActorKind, Feature, Hit, Kind, Lexicons, MarkerKind};
use rasid_text::dates::{find_dates_around, DateKey, DateMention};
use rasid_text::numbers::{find_counts_around, Count};
use rasid_text::published::printed_day;
use rasid_text::tokens::{sentences, tokens, Token};
use rasid_text::{fold, Day, Folded};
use std::collections::HashSet;

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
    /// The publication day the dates are reckoned from (see [`Document::publication`]).
    pub published: Option<Day>,
    /// The day printed at the top of the text ([`rasid_text::published::printed_day`]) and
    /// where: the page's day, not the day of an act it tells; the evidence of every date
    /// reckoned from it when it is `published`.
    pub printed: Option<(Day, Span)>,
    pub tokens: Vec<Token>,
    /// Lexicon hits outside clutter, overlaps resolved, sorted by start.
    pub hits: Vec<Hit>,
    /// Date expressions and counts, each sorted by start: the lookups below cut them by
    /// binary search, so that a long document costs each mention its clause, not the
    /// whole document.
    pub dates: Vec<DateMention>,
    pub counts: Vec<Count>,
    /// `date_reach[i]`: the furthest end of `dates[..=i]` (dates may nest), so that
    /// whether a range lies inside a date is one binary search.
    date_reach: Vec<usize>,
    /// Sentences outside clutter, as byte ranges.
    pub sentences: Vec<Span>,
    /// `hits` by kind, and the markers among them by marker kind: the lookups of extraction
    /// go through these rather than through every hit.
    by_kind: Groups,
    markers: Groups,
}

/// Hits in groups (by kind, by marker kind), each group in text order.
struct Groups {
    hits: Vec<Hit>,
    /// Group `g` is `hits[starts[g]..starts[g + 1]]`.
    starts: Vec<usize>,
}

impl Groups {
    /// Groups `hits` (in text order) by `group`: counted, then placed (no sorting).
    fn new<'h>(hits: impl Iterator<Item = &'h Hit>, group: impl Fn(&Hit) -> usize) -> Self {
        let keyed: Vec<(usize, Hit)> = hits.map(|h| (group(h), *h)).collect();
        let groups = keyed.iter().map(|&(g, _)| g + 1).max().unwrap_or(0);
        let mut starts = vec![0; groups + 1];
        for &(g, _) in &keyed {
            starts[g + 1] += 1;
        }
        for g in 0..groups {
            starts[g + 1] += starts[g];
        }
        // every slot is overwritten below; the copies only give the vector its length
        let mut grouped: Vec<Hit> = keyed.iter().map(|&(_, h)| h).collect();
        let mut next = starts.clone();
        for &(g, h) in &keyed {
            grouped[next[g]] = h;
            next[g] += 1;
        }
        Groups {
            hits: grouped,
            starts,
        }
    }

    /// The hits of group `g` inside `span`.
    fn in_span(&self, g: usize, span: Span) -> impl Iterator<Item = &Hit> {
        let group = match (self.starts.get(g), self.starts.get(g + 1)) {
            (Some(&s), Some(&e)) => &self.hits[s..e],
            _ => &[],
        };
        let first = group.partition_point(|h| h.start < span.start);
        group[first..]
            .iter()
            .take_while(move |h| h.start < span.end)
            .filter(move |h| h.end <= span.end)
    }
}

impl<'a> Analysis<'a> {
    /// The analysis of a document, its dates reckoned from its publication day, given or
    /// read from its text or URL ([`Document::publication`]).
    pub fn of_document(doc: &Document, lex: &'a Lexicons) -> Self {
        let publication = doc.publication();
        let mut analysis = Analysis::new(&doc.text, publication.map(|p| p.day), lex);
        analysis.printed = match publication.map(|p| (p.day, p.source)) {
            Some((day, DaySource::Printed(span))) => Some((day, span)),
            // a page with a day given may print one too
            Some((_, DaySource::Given)) => {
                printed_day(&doc.text).map(|(day, start, end)| (day, Span { start, end }))
            }
            // a day is read from the URL only when none is printed
            Some((_, DaySource::Url)) | None => None,
        };
        analysis
    }

    /// Whether `date` is the day printed at the top of the text (the page's own day).
    pub fn is_printed(&self, date: &DateMention) -> bool {
        self.printed
            .is_some_and(|(_, s)| (s.start, s.end) == (date.start, date.end))
    }

    /// Where the publication day is printed, when it is.
    pub fn published_print(&self) -> Option<Span> {
        self.printed
            .filter(|&(day, _)| Some(day) == self.published)
            .map(|(_, span)| span)
    }

    /// The analysis of `text`, its dates reckoned from `published`.
    pub fn new(text: &str, published: Option<Day>, lex: &'a Lexicons) -> Self {
        let folded = fold(text);
        let raw = lex.scan(&folded.text);
        let tokens = tokens(&folded.text);
        // the date and count finders look only around the words the automaton found for them
        let word_of = |h: &Hit| tokens.partition_point(|t| t.end <= h.start);
        let date_words: Vec<(usize, DateKey)> = raw
            .iter()
            .filter(|h| h.kind == Kind::DateWord)
            .map(|h| (word_of(h), DateKey::ALL[h.entry as usize]))
            .collect();
        let number_words: Vec<usize> = raw
            .iter()
            .filter(|h| h.kind == Kind::NumberWord)
            .map(word_of)
            .collect();
        let mut dates = find_dates_around(&folded.text, &tokens, &date_words, published);
        dates.sort_by_key(|d| (d.start, d.end));
        let mut counts = find_counts_around(&folded.text, &tokens, &number_words);
        counts.sort_by_key(|c| (c.start, c.end));
        let date_reach = dates
            .iter()
            .scan(0, |reach, d| {
                *reach = d.end.max(*reach);
                Some(*reach)
            })
            .collect();
        let clutter = clutter_ranges(&folded.text, &raw, lex);
        let hits = resolve_overlaps(
            raw.into_iter()
                .filter(|h| is_entry(h.kind) && !inside(&clutter, h.start))
                .collect(),
            lex,
        );
        let sentences = sentences(&folded.text)
            .into_iter()
            .filter(|&(s, _)| !inside(&clutter, s))
            .map(|(start, end)| Span { start, end })
            .collect();
        let by_kind = Groups::new(hits.iter(), |h| h.kind as usize);
        let markers = Groups::new(hits.iter().filter(|h| h.kind == Kind::Marker), |h| {
            lex.markers[h.entry as usize].kind as usize
        });
        let mut a = Analysis {
            lex,
            tokens,
            dates,
            counts,
            date_reach,
            hits,
            sentences,
            folded,
            published,
            printed: None,
            by_kind,
            markers,
        };
        a.drop_uncued_ordinary_places();
        a
    }

    /// A place name that is also an ordinary word («زمار», «حرير»: `ordinary-words.tsv`) is
    /// that word unless something says it is a place; such hits are dropped.
    fn drop_uncued_ordinary_places(&mut self) {
        let ordinary = |a: &Self, h: &Hit| {
            h.kind == Kind::Place && a.lex.is_ordinary_word(&a.text()[h.start..h.end])
        };
        if !self.hits.iter().any(|h| ordinary(self, h)) {
            return;
        }
        // the provinces of the other places the document names
        let regions: HashSet<(&str, &str)> = self
            .hits
            .iter()
            .filter(|h| h.kind == Kind::Place && !ordinary(self, h))
            .filter(|h| self.place_is_prominent(h.entry))
            .map(|h| &self.lex.places[h.entry as usize])
            .filter(|p| !p.admin1.is_empty())
            .map(|p| (p.country.as_str(), p.admin1.as_str()))
            .collect();
        // in text order, so that a place listed after an ordinary word read as a place
        // («بلدات جسر الشغور وإنب وسرمانية») is listed too
        let mut cued: Vec<(usize, usize)> = Vec::new();
        let mut keep = Vec::with_capacity(self.hits.len());
        for h in &self.hits {
            let kept = !ordinary(self, h) || self.place_cued(h, &regions, &cued);
            if kept && ordinary(self, h) {
                cued.push((h.start, h.end));
            }
            keep.push(kept);
        }
        if keep.iter().all(|&k| k) {
            return;
        }
        let mut keep = keep.into_iter();
        self.hits.retain(|_| keep.next().unwrap_or(true));
        let lex = self.lex;
        self.by_kind = Groups::new(self.hits.iter(), |h| h.kind as usize);
        self.markers = Groups::new(self.hits.iter().filter(|h| h.kind == Kind::Marker), |h| {
            lex.markers[h.entry as usize].kind as usize
        });
    }

    /// Whether a place hit has a cue: a settlement noun (بلدة، قرية، حي…) or a direction
    /// (شمال، قرب) just before it, another place coordinated with it (a list), or في
    /// before it with one of its candidates in a province the document names.
    fn place_cued(
        &self,
        h: &Hit,
        regions: &HashSet<(&str, &str)>,
        cued: &[(usize, usize)],
    ) -> bool {
        let at = h.start - h.proclitic as usize;
        let sentence = self
            .sentences
            .get(self.sentences.partition_point(|s| s.end < h.end))
            .filter(|s| s.start <= at)
            .copied()
            .unwrap_or(Span {
                start: 0,
                end: self.text().len(),
            });
        let settlement = self.settlement_word_before(sentence, at)
            && !self.marker_before(sentence, at, MarkerKind::Inside, 0);
        let direction = self.marker_before(sentence, at, MarkerKind::Near, 1);
        // a neighbour that is itself an ordinary word lists nothing, unless it was read as
        // a place
        let next_place = |p: &&Hit| {
            p.kind == Kind::Place
                && (p.start, p.end) != (h.start, h.end)
                && (!self.lex.is_ordinary_word(&self.text()[p.start..p.end])
                    || cued.contains(&(p.start, p.end)))
        };
        // coordinated by a comma, a dash (a road «X - Y») or و, with no word between
        let coordinated = |end: usize, next: usize| {
            let gap = &self.text()[end..next];
            self.words_between(end, next) == 0
                && (gap.contains(['،', ',', '-']) || self.text()[next..].starts_with('و'))
        };
        let listed = self
            .hits_in(sentence, Kind::Place)
            .filter(next_place)
            .any(|p| {
                (p.end <= at && coordinated(p.end, at))
                    || (p.start >= h.end && coordinated(h.end, p.start - p.proclitic as usize))
            });
        if settlement || direction || listed {
            return true;
        }
        // بـ before a common noun is mostly the preposition of a phrase («بوقف الهجمات»):
        // only في with the document's geography
        self.marker_before(sentence, at, MarkerKind::Inside, 0)
            && self
                .hits_in(Span::of(h), Kind::Place)
                .filter(|p| (p.start, p.end) == (h.start, h.end))
                .map(|p| &self.lex.places[p.entry as usize])
                .any(|p| regions.contains(&(p.country.as_str(), p.admin1.as_str())))
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

    /// Whether the bytes `start..end` lie inside a date expression.
    pub fn in_date(&self, start: usize, end: usize) -> bool {
        let before = self.dates.partition_point(|d| d.start <= start);
        before > 0 && self.date_reach[before - 1] >= end
    }

    /// The counts starting inside `from..to`, in text order.
    pub fn counts_starting_in(&self, from: usize, to: usize) -> &[Count] {
        let first = self.counts.partition_point(|c| c.start < from);
        let end = self.counts.partition_point(|c| c.start < to);
        &self.counts[first..end.max(first)]
    }

    /// The date expressions inside `span`, in text order.
    pub fn dates_in(&self, span: Span) -> impl Iterator<Item = &DateMention> {
        let first = self.dates.partition_point(|d| d.start < span.start);
        self.dates[first..]
            .iter()
            .take_while(move |d| d.start < span.end)
            .filter(move |d| d.end <= span.end)
    }

    /// Hits of one kind inside `span`.
    pub fn hits_in(&self, span: Span, kind: Kind) -> impl Iterator<Item = &Hit> {
        self.by_kind.in_span(kind as usize, span)
    }

    /// Markers of one kind inside `span`.
    pub fn markers_in(&self, span: Span, kind: MarkerKind) -> impl Iterator<Item = &Hit> {
        self.markers.in_span(kind as usize, span)
    }

    /// Whether a marker of `kind` ends within `words` words before `pos` inside `span`.
    pub fn marker_before(&self, span: Span, pos: usize, kind: MarkerKind, words: usize) -> bool {
        // a marker ending by `pos` starts before it
        let before = Span {
            start: span.start,
            end: span.end.min(pos),
        };
        self.markers_in(before, kind)
            .any(|m| m.end <= pos && self.words_between(m.end, pos) <= words)
    }

    /// Whether a locative word heads the name at `pos` («قرية X», «بمدينة X»): right before
    /// it and without the article, as the head of a construct is («تعرضت القاعدة للمرة
    /// الثانية» names no place).
    pub fn settlement_word_before(&self, span: Span, pos: usize) -> bool {
        self.nearest_marker_before(span, pos, MarkerKind::Locative, 0)
            .is_some_and(|m| {
                let proclitic = &self.text()[m.start - m.proclitic as usize..m.start];
                !proclitic.contains("ال") && !self.text()[m.start..m.end].starts_with("ال")
            })
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

/// Hits of lexicon entries (places, actors, triggers, weapons, markers): what extraction
/// reads, as opposed to clutter and the words the date and count finders look around.
fn is_entry(kind: Kind) -> bool {
    !matches!(kind, Kind::Clutter | Kind::DateWord | Kind::NumberWord)
}

/// Within each kind, keeps the longest of overlapping hits (leftmost first). Places and
/// triggers inside a longer actor name (المقاومة الإسلامية في العراق) are dropped, and so
/// are places that are also a trigger or marker word.
fn resolve_overlaps(hits: Vec<Hit>, lex: &Lexicons) -> Vec<Hit> {
    // `hits` come from the scan in its order: by start, longest first
    let mut kept: Vec<Hit> = Vec::with_capacity(hits.len());
    // a hit is compared with the hits of its kind among the last 16 kept: the positions in
    // `kept` of each kind's hits find those without going through the others
    let mut of_kind: Vec<Vec<usize>> = Vec::new();
    for h in hits {
        let kind = h.kind as usize;
        if of_kind.len() <= kind {
            of_kind.resize(kind + 1, Vec::new());
        }
        let window = kept.len().saturating_sub(16);
        let recent = of_kind[kind].iter().rev().take_while(|&&p| p >= window);
        let same_kind_overlap = recent.map(|&p| &kept[p]).any(|k| {
            k.start < h.end
                && h.start < k.end
                && !(h.kind == Kind::Marker
                    && lex.markers[k.entry as usize].kind != lex.markers[h.entry as usize].kind)
                && !(h.kind == Kind::Place && k.start == h.start && k.end == h.end)
        });
        if same_kind_overlap {
            continue;
        }
        of_kind[kind].push(kept.len());
        kept.push(h);
    }
    let covers = |outer: &Hit, inner: &Hit| {
        outer.start <= inner.start
            && inner.end <= outer.end
            && (outer.end - outer.start) > (inner.end - inner.start)
    };
    let actors = Spans::new(
        kept.iter()
            .filter(|h| {
                h.kind == Kind::Actor && lex.actors[h.entry as usize].kind != ActorKind::Adjective
            })
            .copied()
            .collect(),
    );
    let words = Spans::new(
        kept.iter()
            .filter(|h| matches!(h.kind, Kind::Trigger | Kind::Weapon))
            .copied()
            .collect(),
    );
    let in_actor = |h: &Hit| actors.enclosing(h).any(|a| covers(a, h));
    kept.retain(|h| match h.kind {
        Kind::Place => !in_actor(h) && !words.enclosing(h).any(|w| w.end >= h.end),
        Kind::Trigger => !in_actor(h),
        _ => true,
    });
    kept
}

/// Hits sorted by start and the length of the longest: those that may enclose a given hit
/// lie just before it.
struct Spans {
    hits: Vec<Hit>,
    longest: usize,
}

impl Spans {
    fn new(hits: Vec<Hit>) -> Self {
        let longest = hits.iter().map(|h| h.end - h.start).max().unwrap_or(0);
        Spans { hits, longest }
    }

    /// The hits that start at or before `h` and may reach its end.
    fn enclosing(&self, h: &Hit) -> impl Iterator<Item = &Hit> {
        let upto = self.hits.partition_point(|s| s.start <= h.start);
        let (longest, end) = (self.longest, h.end);
        self.hits[..upto]
            .iter()
            .rev()
            .take_while(move |s| s.start + longest >= end)
    }
}
#[cfg(test)]
mod tests {
    use super::*;
    use crate::test_lexicons;
    use rasid_text::dates::find_dates;
    use rasid_text::numbers::find_counts;

    /// Sentences written for this test, dense in dates and counts, with the longest
    /// expressions the finders know and words that only look like them.
    const SENTENCES: &[&str] = &[
        "قصفت الطائرات بعد منتصف ليلة يوم الخامس من الشهر الماضي مواقع قرب النهر",
        "وقع الانفجار مساء يوم الاثنين، الموافق الحادي والعشرين من شباط/فبراير 2024",
        "قبيل فجر أول من أمس الخميس سقطت ثلاث قذائف، وبعد ظهر اليوم سقطت ما لا يقل عن 40",
        "تواصل القصف ما بين ليل الخميس وفجر الجمعة الماضية، ومن الأحد إلى الثلاثاء المقبل",
        "للخميس الثاني على التوالي، وللعام 2019 وللشهر الجاري ولهذا العام",
        "أصيب ما يزيد على مئة وخمسين شخصا بين ثلاثة وعشرين وثلاثين منهم أطفال",
        "قتل من 3 إلى 5 وأصيب عشرات الآلاف ونزح 1.5 مليون و2,500 آخرون",
        "قال الأمين العام إن الرأي العام يتابع، وفي عام 2021 وفي 12/03/2023 وقعت هجمات",
        "مارس الجيش ضغوطا على الأب في نيسان الماضي، وفي أب وقتل أب وابنه",
        "نحو ثلاثمئة وبضعة عشر جنديا، وعدد من المدنيين، وعدة آلاف، وأحد عشر مسلحا",
        "الليلة الماضية وأمس الأول والبارحة وبالأمس وفي 2024م ووالي الولاية",
        "صلاة الجمعة، بين الاثنين، الواحد الأحد، خلال شهر آب، مطلع أيار من العام الماضي",
        "اليوم التالي، ذلك اليوم، اليوم الاثنين، يوم 5 من الشهر الجاري، الساعة 21.50",
        "في الخامس عشر من تشرين الأول، والثاني عشر من كانون الثاني من العام المقبل",
    ];

    fn texts() -> Vec<String> {
        let mut texts: Vec<String> = SENTENCES.iter().map(|s| s.to_string()).collect();
        texts.push(SENTENCES.join("، "));
        texts.push(SENTENCES.join("\n"));
        let examples = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../../examples");
        for entry in std::fs::read_dir(examples).expect("examples folder") {
            let path = entry.expect("examples entry").path();
            if path.extension().is_some_and(|e| e == "txt") {
                texts.push(std::fs::read_to_string(path).expect("example report"));
            }
        }
        texts
    }

    /// Looking for dates and counts only around the key words the automaton finds gives
    /// what trying every word gives.
    #[test]
    fn key_words_find_what_every_word_finds() {
        let lex = test_lexicons();
        for published in [None, Day::new(2024, 2, 9)] {
            for text in texts() {
                let a = Analysis::new(&text, published, lex);
                // every prefix too, so that expressions are cut at every word
                let cuts = a.tokens.iter().map(|t| t.end).chain([a.text().len()]);
                for cut in cuts {
                    let part = &a.text()[..cut];
                    let b = Analysis::new(part, published, lex);
                    assert_eq!(b.dates, find_dates(b.text(), published), "{part}");
                    assert_eq!(b.counts, find_counts(b.text()), "{part}");
                }
            }
        }
    }

    /// The place names found in `text`, each once.
    fn places(text: &str) -> Vec<String> {
        let a = Analysis::new(text, None, test_lexicons());
        let mut names: Vec<String> = a
            .hits
            .iter()
            .filter(|h| h.kind == Kind::Place)
            .map(|h| a.text()[h.start..h.end].to_string())
            .collect();
        names.dedup();
        names
    }

    #[test]
    fn an_ordinary_word_is_a_place_only_with_a_cue() {
        // «حرير» is silk, and a village
        assert!(!places("اشترى التاجر ثوبا من حرير ناعم").contains(&"حرير".to_string()));
        assert_eq!(places("قصفت طائرة مسيرة بلدة حرير"), ["حرير"]);
        assert_eq!(places("سقطت قذيفة شمال حرير"), ["حرير"]);
        // a locative word with the article heads no name: «المرة» is "the time"
        assert!(
            !places("تعرضت القاعدة للمرة الثانية لهجوم بطائرات مسيرة").contains(&"مره".to_string())
        );
    }

    #[test]
    fn no_proclitic_is_taken_off_a_dictionary_word() {
        // «بحر» is a sea, not ب + the place «حر»
        assert!(!places("غرق القارب في بحر هائج").contains(&"حر".to_string()));
    }
}
