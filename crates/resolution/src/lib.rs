//! Resolution stage: one document's mentions with places geocoded, actors canonicalised,
//! gaps filled from the document's context, and evidence turned into original offsets.

pub mod geocode;

use geocode::{geocode, DocumentPlaces, Geocoded};
use rasid_extraction::mention::{name_from, Name};
use rasid_extraction::{find_mentions, Analysis, DateValue, Document, Mention, PlaceMention, Span};
use rasid_lexicons::{Actor, ActorKind, Lexicons};
use serde::{Deserialize, Deserializer, Serialize};
use std::borrow::Cow;

/// An actor with its canonical name and the words the text used for it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ResolvedActor {
    pub entry: u32,
    pub name: String,
    /// Surface form in the original text.
    pub name_ar: String,
    pub inter: u8,
    pub country: String,
    /// Canonical names of its coalitions, innermost first.
    pub parents: Vec<String>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ResolvedPlace {
    pub entry: u32,
    pub name: String,
    pub name_ar: String,
    pub country: String,
    pub admin1: String,
    pub lat: f64,
    pub lon: f64,
    pub precision: u8,
}

/// A supporting span: a field name and a character range of the original text.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct SpanRef {
    #[serde(deserialize_with = "evidence_field")]
    pub field: Name,
    pub start: usize,
    pub end: usize,
}

/// A mention as stored between runs (serde), so that a store can merge it again later
/// without extracting its document anew.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ResolvedMention {
    pub event_type: String,
    pub sub_event_type: String,
    pub date: DateValue,
    /// Publication day of the document that told it (bounds an unknown date): given with
    /// the document, or read from its text or URL ([`Document::publication`]).
    pub published: Option<rasid_text::Day>,
    pub actor1: Option<ResolvedActor>,
    pub actor2: Option<ResolvedActor>,
    pub place: ResolvedPlace,
    pub weapons: Vec<String>,
    pub fatalities: Option<(u32, u32)>,
    pub injured: Option<(u32, u32)>,
    pub claimants: Vec<String>,
    /// Indices (into this document's resolved mentions) of the acts this one answers.
    pub responds_to: Vec<usize>,
    pub background: bool,
    /// Index of the sentence of the document that told it.
    pub sentence: usize,
    pub evidence: Vec<SpanRef>,
}

/// The fields an evidence span can support.
pub const EVIDENCE_FIELDS: [&str; 9] = [
    "trigger",
    "location",
    "date",
    "weapon",
    "actor1",
    "actor2",
    "fatalities",
    "injured",
    "claimant",
];

fn evidence_field<'de, D: Deserializer<'de>>(d: D) -> Result<Name, D::Error> {
    name_from(d, &EVIDENCE_FIELDS, "evidence field")
}

/// How many sentences back a mention without a place may borrow one.
const CONTEXT_SENTENCES: usize = 2;

/// Runs extraction and resolution over one document.
pub fn resolve_document(doc: &Document, lex: &Lexicons) -> Vec<ResolvedMention> {
    resolve(&Analysis::of_document(doc, lex), &doc.text)
}

/// Extraction and resolution over a document already analysed, whose original text is
/// `text`: for callers that use the analysis for more (a store takes its search terms
/// from the folded text and its words).
pub fn resolve(analysis: &Analysis, text: &str) -> Vec<ResolvedMention> {
    let lex = analysis.lex;
    let mut mentions = find_mentions(analysis);
    fill_from_context(&mut mentions, lex);
    let places = DocumentPlaces::new(
        lex,
        // the places named and the containers they are named in («بريف X»)
        mentions
            .iter()
            .filter_map(|m| m.place.as_ref())
            .flat_map(|p| [p.candidates.as_slice(), p.context.as_slice()]),
        mentions
            .iter()
            .flat_map(|m| [m.actor1, m.actor2])
            .flatten()
            .map(|a| lex.actors[a.actor as usize].country.as_str()),
    );
    // resolved index of each mention that has a place
    let original = Original::new(text);
    let mut index = vec![None; mentions.len()];
    let mut out = Vec::new();
    for (i, m) in mentions.iter().enumerate() {
        let Some(r) = resolve_mention(analysis, &original, m, &places) else {
            continue;
        };
        index[i] = Some(out.len());
        out.push(r);
    }
    for (i, m) in mentions.iter().enumerate() {
        if let Some(at) = index[i] {
            out[at].responds_to = m.responds_to.iter().filter_map(|&j| index[j]).collect();
        }
    }
    out
}

/// A mention without a place takes it from the act told just before it (a report's
/// follow-up sentences rarely repeat it); attackers extraction could not name are
/// unidentified, as ACLED codes them.
fn fill_from_context(mentions: &mut [Mention], lex: &Lexicons) {
    for i in 0..mentions.len() {
        let (before, rest) = mentions.split_at_mut(i);
        let m = &mut rest[0];
        if m.place.is_none() {
            m.place = before
                .iter()
                .rev()
                .take_while(|p| m.sentence - p.sentence <= CONTEXT_SENTENCES)
                .find_map(|p| p.place.clone());
        }
        if m.actor1.is_none()
            && m.event_type != "Protests"
            && m.event_type != "Strategic developments"
        {
            m.actor1 = lex
                .actors
                .iter()
                .position(|a| a.id == "unidentified")
                .map(|i| rasid_extraction::ActorMention {
                    actor: i as u32,
                    span: Span { start: 0, end: 0 },
                });
        }
    }
}

/// Pieces of the original text by character range: how many characters start before each
/// block of 64 bytes (counted in one pass over the bytes), and a short walk from there.
struct Original<'t> {
    text: &'t str,
    chars_before_block: Vec<usize>,
}

impl<'t> Original<'t> {
    const BLOCK: usize = 64;

    fn new(text: &'t str) -> Self {
        let mut before = 0;
        let chars_before_block = text
            .as_bytes()
            .chunks(Self::BLOCK)
            .map(|block| {
                let at = before;
                // a character starts at every byte that does not continue one
                before += block.iter().filter(|&&b| b & 0xC0 != 0x80).count();
                at
            })
            .collect();
        Original {
            text,
            chars_before_block,
        }
    }

    /// Byte offset of character `index` (the end of the text past its last character).
    fn byte_of(&self, index: usize) -> usize {
        let block = self
            .chars_before_block
            .partition_point(|&c| c <= index)
            .saturating_sub(1);
        let Some(&before) = self.chars_before_block.get(block) else {
            return self.text.len();
        };
        let mut from = block * Self::BLOCK;
        while !self.text.is_char_boundary(from) {
            from += 1;
        }
        self.text[from..]
            .char_indices()
            .nth(index - before)
            .map_or(self.text.len(), |(at, _)| from + at)
    }

    /// The characters `start..end`.
    fn chars(&self, (start, end): (usize, usize)) -> &'t str {
        &self.text[self.byte_of(start)..self.byte_of(end)]
    }
}

/// The place of a mention and where it stands: the place named, or when no candidate of
/// it fits the document (a village of that name in another country, "بالقرب من دبيس في
/// مدينة الشحيل") the place it was named in, as a place near which the act happened.
fn placed<'m>(
    lex: &Lexicons,
    named: &'m PlaceMention,
    places: &DocumentPlaces,
) -> Option<(Cow<'m, PlaceMention>, Geocoded)> {
    if let Some(geo) = geocode(lex, named, places) {
        return Some((Cow::Borrowed(named), geo));
    }
    let (span, n) = named.named_in?;
    let within = PlaceMention {
        candidates: named.context.get(..n)?.to_vec(),
        span,
        near: true,
        context: named.context.clone(),
        named_in: None,
        country_hint: None,
    };
    let geo = geocode(lex, &within, &places.without(lex, &named.candidates))?;
    Some((Cow::Owned(within), geo))
}

fn resolve_mention(
    a: &Analysis,
    original: &Original,
    m: &Mention,
    places: &DocumentPlaces,
) -> Option<ResolvedMention> {
    let lex = a.lex;
    let (place_mention, geo) = placed(lex, m.place.as_ref()?, places)?;
    let entry = &lex.places[geo.entry as usize];
    let surface = |s: Span| -> String { original.chars(a.original(s)).to_string() };
    let mut evidence = Vec::new();
    let mut add = |field: &'static str, span: Span| {
        if span.end > span.start {
            let (start, end) = a.original(span);
            evidence.push(SpanRef { field, start, end });
        }
    };
    add("trigger", m.trigger);
    add("location", place_mention.span);
    if let Some(s) = m.date.span {
        add("date", s);
    }
    // a date reckoned from the day printed at the top rests on that print too (a day read
    // from the URL has no span in the text to show)
    if let Some(s) = a.published_print().filter(|_| m.date_reckoned) {
        add("date", s);
    }
    for (_, s) in &m.weapons {
        add("weapon", *s);
    }
    let actor = |am: Option<rasid_extraction::ActorMention>,
                 field,
                 add: &mut dyn FnMut(&'static str, Span)| {
        am.map(|x| {
            add(field, x.span);
            canonical(lex, x.actor, surface(x.span))
        })
    };
    let actor1 = actor(m.actor1, "actor1", &mut add);
    let actor2 = actor(m.actor2, "actor2", &mut add);
    if let Some(c) = m.fatalities {
        add("fatalities", c.span);
    }
    if let Some(c) = m.injured {
        add("injured", c.span);
    }
    for c in &m.claimants {
        add("claimant", c.span);
    }
    let mut claimants: Vec<String> = Vec::new();
    for c in &m.claimants {
        let name = lex.actors[c.actor as usize].name.clone();
        if !claimants.contains(&name) {
            claimants.push(name);
        }
    }
    evidence.sort_by_key(|e| (e.start, e.field));
    evidence.dedup();
    Some(ResolvedMention {
        event_type: m.event_type.clone(),
        sub_event_type: m.sub_event_type.clone(),
        date: m.date,
        published: a.published,
        actor1,
        actor2,
        place: ResolvedPlace {
            entry: geo.entry,
            name: entry.name_en.clone(),
            name_ar: surface(place_mention.span),
            country: entry.country.clone(),
            admin1: entry.admin1.clone(),
            lat: entry.lat,
            lon: entry.lon,
            precision: geo.precision,
        },
        weapons: m.weapons.iter().map(|(w, _)| w.clone()).collect(),
        fatalities: m.fatalities.map(|c| (c.min, c.max)),
        injured: m.injured.map(|c| (c.min, c.max)),
        claimants,
        responds_to: Vec::new(),
        background: m.background,
        sentence: m.sentence,
        evidence,
    })
}

/// The canonical record of an actor entry, with its coalition chain.
pub fn canonical(lex: &Lexicons, entry: u32, surface: String) -> ResolvedActor {
    let actor: &Actor = &lex.actors[entry as usize];
    let mut parents = Vec::new();
    let mut parent = actor.parent.as_str();
    while let Some(p) = (!parent.is_empty())
        .then(|| lex.actor_by_id(parent))
        .flatten()
    {
        if parents.contains(&p.name) || parents.len() > 8 {
            break;
        }
        parents.push(p.name.clone());
        parent = p.parent.as_str();
    }
    let name_ar = if surface.is_empty() && actor.kind == ActorKind::Force {
        actor.forms.first().cloned().unwrap_or_default()
    } else {
        surface
    };
    ResolvedActor {
        entry,
        name: actor.name.clone(),
        name_ar,
        inter: actor.inter,
        country: actor.country.clone(),
        parents,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use rasid_text::Day;

    #[test]
    fn stored_mentions_read_back_as_they_were() {
        let lex = Lexicons::embedded().expect("embedded lexicons");
        let doc = Document {
            id: "a".into(),
            text: "قتل ثلاثة عناصر أمس في غارة لطائرة مسيرة استهدفت مستودعا في مدينة الميادين، \
                   وفق ما أفاد المرصد السوري لحقوق الإنسان."
                .into(),
            url: None,
            outlet: None,
            published: Day::parse_iso("2024-01-21"),
        };
        let mentions = resolve_document(&doc, &lex);
        assert!(!mentions.is_empty());
        let json = serde_json::to_string(&mentions).unwrap();
        let back: Vec<ResolvedMention> = serde_json::from_str(&json).unwrap();
        assert_eq!(back, mentions);
        let unknown = json.replacen("\"trigger\"", "\"colour\"", 1);
        let err = serde_json::from_str::<Vec<ResolvedMention>>(&unknown).unwrap_err();
        assert!(err.to_string().contains("unknown evidence field"), "{err}");
    }

    /// A document of `text` published on 10 March 2024.
    fn doc_of(text: &str) -> Document {
        Document {
            id: "a".into(),
            text: text.into(),
            url: None,
            outlet: None,
            published: Day::parse_iso("2024-03-10"),
        }
    }

    /// The Arabic names of the places `text`'s acts resolve to.
    fn places_of(text: &str, lex: &Lexicons) -> Vec<String> {
        resolve_document(&doc_of(text), lex)
            .into_iter()
            .map(|m| m.place.name_ar)
            .collect()
    }

    #[test]
    fn villages_of_a_list_lie_near_their_container() {
        let lex = Lexicons::embedded().expect("embedded lexicons");
        // «الطويلة» is a town in Yemen and villages in Syria hundreds of kilometres from
        // «تل تمر»: here one the gazetteer lacks, its act placed near the container
        let doc = doc_of("قصفت المدفعية قرى تل جمعة وباب الخير والطويلة بريف بلدة تل تمر.");
        let placed: Vec<(String, String, u8)> = resolve_document(&doc, &lex)
            .into_iter()
            .map(|m| (m.place.name_ar, m.place.country, m.place.precision))
            .collect();
        let at = |name: &str, country: &str, precision| (name.into(), country.into(), precision);
        assert_eq!(
            placed,
            [
                at("تل جمعة", "SY", 1),
                at("باب الخير", "SY", 1),
                at("تل تمر", "SY", 2)
            ]
        );
    }

    #[test]
    fn a_city_named_in_a_far_town_of_another_country_is_another_place() {
        let lex = Lexicons::embedded().expect("embedded lexicons");
        // «الرمثا» is a Jordanian city; named in a Lebanese village it is a place the
        // gazetteer lacks there
        let doc = doc_of("قصفت المدفعية موقع الرمثا في بلدة كفر شوبا.");
        let placed: Vec<(String, u8)> = resolve_document(&doc, &lex)
            .into_iter()
            .map(|m| (m.place.country, m.place.precision))
            .collect();
        assert_eq!(placed, [("LB".to_string(), 2)]);
    }

    #[test]
    fn ordinary_words_that_name_villages_are_no_places_without_a_cue() {
        let lex = Lexicons::embedded().expect("embedded lexicons");
        // each word is a gazetteer name and an ordinary word (data/ordinary-words.tsv)
        for (text, word) in [
            ("قصفت المدفعية مقرا يجتمع فيه كبار القادة.", "كبار"),
            ("انفجرت عبوة ناسفة عند المدخل الرئيسي للسوق.", "المدخل"),
            ("اشتبكت وحدات من الجيش مع مسلحين مجهولين.", "وحدات"),
            ("قصفت الطائرات المنطقة بعد ليلة هادئة.", "هادئة"),
            ("قصفت المدفعية عدة قرى حدودية.", "قرى"),
            ("قصفت الطائرات مصنعا ينتج أقمشة من حرير.", "حرير"),
            ("استهدفت غارة جوية المزارع والمنازل.", "المزارع"),
            ("استهدفت طائرة مسيرة المحطة الكهربائية.", "المحطة"),
            ("قتل ثلاثة مدنيين جراء القصف المدفعي.", "جراء"),
            ("اندلعت اشتباكات استمرت ساعات الليلة الطويلة.", "الطويلة"),
            ("اغتال مسلحون الشيخ سعود أمام منزله.", "سعود"),
            ("قصفت المدفعية الخشمة الجبلية المطلة على الوادي.", "الخشمة"),
        ] {
            let placed = places_of(text, &lex);
            assert!(!placed.iter().any(|p| p == word), "{text}: {placed:?}");
        }
        // with a cue the same word is a place
        assert_eq!(places_of("قصفت المدفعية بلدة حرير.", &lex), ["حرير"]);
    }

    /// The pieces of `text` that support the date of each mention.
    fn date_evidence(text: &str, mentions: &[ResolvedMention]) -> Vec<Vec<String>> {
        let piece = |e: &SpanRef| text.chars().skip(e.start).take(e.end - e.start).collect();
        mentions
            .iter()
            .map(|m| {
                m.evidence
                    .iter()
                    .filter(|e| e.field == "date")
                    .map(piece)
                    .collect()
            })
            .collect()
    }

    #[test]
    fn dates_reckoned_from_a_printed_day_rest_on_it() {
        let lex = Lexicons::embedded().expect("embedded lexicons");
        let text = "القامشلي - 12 تشرين الأول 2022\n\
                    قصفت طائرة مسيرة تركية أمس سيارة في بلدة عامودا.\n\
                    وكانت طائرة مسيرة قد قصفت في 3 تشرين الأول 2022 سيارة في بلدة الدرباسية.";
        let url = "https://example.com/news/2022/10/14/drone";
        let doc = |text: &str, url: Option<&str>, published| Document {
            id: "a".into(),
            text: text.into(),
            url: url.map(str::to_string),
            outlet: None,
            published: Day::parse_iso(published),
        };
        // the day printed at the top: «أمس» is the day before it, and rests on both
        let mentions = resolve_document(&doc(text, Some(url), ""), &lex);
        assert_eq!(mentions.len(), 2, "{mentions:?}");
        assert_eq!(mentions[0].published, Day::parse_iso("2022-10-12"));
        assert_eq!(mentions[0].date.first, Day::parse_iso("2022-10-11"));
        let evidence = date_evidence(text, &mentions);
        assert_eq!(
            evidence,
            [vec!["12 تشرين الأول 2022", "أمس"], vec!["3 تشرين الأول 2022"]]
        );
        // a day given comes first, and has no span
        let given = resolve_document(&doc(text, Some(url), "2022-10-13"), &lex);
        assert_eq!(given[0].date.first, Day::parse_iso("2022-10-12"));
        assert_eq!(date_evidence(text, &given)[0], ["أمس"]);
        // without a printed day, the URL's, which has no span either
        let body = text.split_once('\n').unwrap().1;
        let from_url = resolve_document(&doc(body, Some(url), ""), &lex);
        assert_eq!(from_url[0].published, Day::parse_iso("2022-10-14"));
        assert_eq!(from_url[0].date.first, Day::parse_iso("2022-10-13"));
        assert_eq!(date_evidence(body, &from_url)[0], ["أمس"]);
    }

    #[test]
    fn a_dateline_gives_the_day_of_the_page_not_of_the_act() {
        let lex = Lexicons::embedded().expect("embedded lexicons");
        let dateline = "القامشلي - 12 تشرين الأول 2022 - ";
        let doc = |act: &str, published| Document {
            id: "a".into(),
            text: format!("{dateline}{act}"),
            url: None,
            outlet: None,
            published: Day::parse_iso(published),
        };
        // the days of the one mention, and the pieces of text supporting them
        let date = |doc: &Document| {
            let mentions = resolve_document(doc, &lex);
            assert_eq!(mentions.len(), 1, "{mentions:?}");
            let show = |d: Option<Day>| d.map_or("-".to_string(), |d| d.to_string());
            let d = mentions[0].date;
            let days = format!("{}..{}", show(d.first), show(d.last));
            (days, date_evidence(&doc.text, &mentions).remove(0))
        };
        let yesterday = "قصفت طائرة مسيرة تركية أمس سيارة في بلدة عامودا.";
        let undated = "قصفت طائرة مسيرة تركية سيارة في بلدة عامودا.";
        let (days, said) = date(&doc(yesterday, ""));
        assert_eq!(days, "2022-10-11..2022-10-11");
        assert_eq!(said, ["12 تشرين الأول 2022", "أمس"]);
        // no date said: the day of publication or the one before, as for any report
        let (days, said) = date(&doc(undated, ""));
        assert_eq!(days, "2022-10-11..2022-10-12");
        assert_eq!(said, ["12 تشرين الأول 2022"]);
        // a day given, other than the one printed: the print supports nothing
        let (days, said) = date(&doc(yesterday, "2022-10-13"));
        assert_eq!(days, "2022-10-12..2022-10-12");
        assert_eq!(said, ["أمس"]);
    }

    #[test]
    fn a_place_that_fits_nowhere_gives_way_to_the_town_it_was_named_in() {
        let lex = Lexicons::embedded().expect("embedded lexicons");
        // دبيس is a village of Yemen only; the report is about Deir ez-Zor
        let doc = Document {
            id: "a".into(),
            text: "هاجم مسلحون من العشائر حاجزا لقوات سوريا الديمقراطية بالقرب من دبيس في بلدة \
                   الشحيل شرقي دير الزور."
                .into(),
            url: None,
            outlet: None,
            published: None,
        };
        let mentions = resolve_document(&doc, &lex);
        assert_eq!(mentions.len(), 1, "{mentions:?}");
        let place = &mentions[0].place;
        assert_eq!(
            (place.name.as_str(), place.country.as_str()),
            ("Shahil", "SY")
        );
        assert_eq!(place.precision, 2, "near the town, not in it");
        let location = mentions[0].evidence.iter().find(|e| e.field == "location");
        let (start, end) = location
            .map(|e| (e.start, e.end))
            .expect("location evidence");
        let named: String = doc.text.chars().skip(start).take(end - start).collect();
        assert_eq!(named, "الشحيل");
    }

    #[test]
    fn original_pieces_by_character() {
        let text = "قَصَفَتْ «طائرةٌ» مواقعَ في البلدة. ".repeat(8);
        let original = Original::new(&text);
        let chars: Vec<char> = text.chars().collect();
        for (start, end) in [
            (0, 7),
            (3, 90),
            (63, 65),
            (100, 130),
            (200, 1000),
            (5000, 6000),
        ] {
            let want: String = chars[start.min(chars.len())..end.min(chars.len())]
                .iter()
                .collect();
            assert_eq!(original.chars((start, end)), want, "{start}..{end}");
        }
    }
}
