//! Merge stage: one event per act, within and across documents, with response links.

pub mod event;

pub use event::{ActorRef, Event, EventDate, Evidence, Location, Range, Source};

use rasid_extraction::Document;
use rasid_lexicons::Lexicons;
use rasid_resolution::geocode::km;
use rasid_resolution::{resolve_document, ResolvedActor, ResolvedMention};
use rasid_text::hash::fnv1a;
use rasid_text::Day;
use std::collections::HashMap;

/// The resolved mentions of one document.
pub struct DocumentMentions {
    pub doc: String,
    pub mentions: Vec<ResolvedMention>,
}

/// The whole pipeline over a set of documents: extraction and resolution of each, then
/// the merge of all.
pub fn extract_events(docs: &[Document], lex: &Lexicons) -> Vec<Event> {
    let mentions: Vec<DocumentMentions> = docs
        .iter()
        .map(|d| DocumentMentions {
            doc: d.id.clone(),
            mentions: resolve_document(d, lex),
        })
        .collect();
    merge(&mentions, lex)
}

/// Places closer than this are one location for merging (twin towns such as Al-Bukamal
/// and Al-Qaim lie 10 km apart and are separate events).
pub const SAME_PLACE_KM: f64 = 3.0;

/// Merges the mentions of all documents into events: mentions of one act (same type and
/// sub-type, same place, overlapping dates, compatible actors) become one event listing
/// every document, whatever the order of the documents.
pub fn merge(docs: &[DocumentMentions], lex: &Lexicons) -> Vec<Event> {
    merge_with_members(docs, lex).events
}

/// The events of a merge, and which event each mention went to.
pub struct Merged {
    pub events: Vec<Event>,
    /// For each document given (in the order given), for each of its mentions, the index
    /// of its event in `events`.
    pub event_of_mention: Vec<Vec<usize>>,
}

/// [`merge`], also telling which event each mention joined (a store keeps that to merge
/// later documents incrementally).
pub fn merge_with_members(given: &[DocumentMentions], lex: &Lexicons) -> Merged {
    // documents in id order, so that the result does not depend on the order given
    let mut by_id: Vec<usize> = (0..given.len()).collect();
    by_id.sort_by(|&a, &b| given[a].doc.cmp(&given[b].doc));
    let sorted: Vec<&DocumentMentions> = by_id.iter().map(|&d| &given[d]).collect();
    let docs = &sorted[..];
    let all: Vec<(usize, &ResolvedMention)> = docs
        .iter()
        .enumerate()
        .flat_map(|(d, dm)| dm.mentions.iter().map(move |m| (d, m)))
        .collect();
    let mut clusters = UnionFind::new(all.len());
    for (i, j) in candidate_pairs(&all) {
        let same_doc = all[i].0 == all[j].0;
        if compatible(all[i].1, all[j].1, same_doc, lex) {
            clusters.union(i, j);
        }
    }
    join_coarse_mentions(&all, &mut clusters, lex);
    // clusters in order of first mention
    let mut order: Vec<usize> = Vec::new();
    let mut members: HashMap<usize, Vec<usize>> = HashMap::new();
    for i in 0..all.len() {
        let root = clusters.find(i);
        if !members.contains_key(&root) {
            order.push(root);
        }
        members.entry(root).or_default().push(i);
    }
    let mut offset = Vec::with_capacity(docs.len());
    let mut n = 0;
    for dm in docs {
        offset.push(n);
        n += dm.mentions.len();
    }
    let mut events: Vec<Event> = order
        .iter()
        .map(|root| {
            let first = members[root][0];
            let (d, _) = all[first];
            Event {
                id: event_id(&docs[d].doc, first - offset[d]),
                ..build_event(&members[root], &all, docs)
            }
        })
        .collect();
    // response links, from mention indices to event ids
    let event_of: HashMap<usize, usize> = order
        .iter()
        .enumerate()
        .flat_map(|(e, root)| members[root].iter().map(move |&i| (i, e)))
        .collect();
    for (i, (d, m)) in all.iter().enumerate() {
        let from = event_of[&i];
        for &target in &m.responds_to {
            let to = event_of[&(offset[*d] + target)];
            let id = events[to].id.clone();
            if to != from && !events[from].responds_to.contains(&id) {
                events[from].responds_to.push(id);
            }
        }
    }
    let mut event_of_mention = vec![Vec::new(); given.len()];
    for (d, &g) in by_id.iter().enumerate() {
        event_of_mention[g] = (0..docs[d].mentions.len())
            .map(|k| event_of[&(offset[d] + k)])
            .collect();
    }
    Merged {
        events,
        event_of_mention,
    }
}

/// Latitude difference (degrees) beyond which two places are surely more than
/// [`SAME_PLACE_KM`] apart (a degree of latitude is 111 km everywhere).
pub const SAME_PLACE_LAT: f64 = SAME_PLACE_KM / 111.0;

/// The pairs of mentions that could be compatible: same type and sub-type, latitudes within
/// [`SAME_PLACE_LAT`]. Every other pair fails [`same_place`], so skipping it changes
/// nothing and keeps the merge near-linear instead of quadratic.
fn candidate_pairs(all: &[(usize, &ResolvedMention)]) -> Vec<(usize, usize)> {
    let mut order: Vec<usize> = (0..all.len()).collect();
    let key = |i: usize| (&all[i].1.event_type, &all[i].1.sub_event_type);
    order.sort_by(|&a, &b| {
        key(a)
            .cmp(&key(b))
            .then(all[a].1.place.lat.total_cmp(&all[b].1.place.lat))
    });
    let mut pairs = Vec::new();
    for (n, &i) in order.iter().enumerate() {
        for &j in &order[n + 1..] {
            if key(j) != key(i) || all[j].1.place.lat - all[i].1.place.lat > SAME_PLACE_LAT {
                break;
            }
            pairs.push((i.max(j), i.min(j)));
        }
    }
    pairs
}

/// Within a document, mentions of one act may leave out the date or the attacker. Across
/// documents the evidence must agree positively: overlapping known dates (or, when one is
/// unknown, the same named attacker) and no conflicting weapons.
fn compatible(a: &ResolvedMention, b: &ResolvedMention, same_doc: bool, lex: &Lexicons) -> bool {
    // within a document, a date only assumed (the publication day) yields to a date said
    let assumed = same_doc && (a.date.span.is_none() || b.date.span.is_none());
    let base = a.event_type == b.event_type
        && a.sub_event_type == b.sub_event_type
        && same_place(a, b)
        && (assumed || dates_overlap(a, b))
        && actors_compatible(a.actor1.as_ref(), b.actor1.as_ref(), lex)
        && actors_compatible(a.actor2.as_ref(), b.actor2.as_ref(), lex);
    if !base || same_doc {
        return base;
    }
    let both_dated = a.date.first.is_some() && b.date.first.is_some();
    let same_named_actor = match (named(a, lex), named(b, lex)) {
        (Some(x), Some(y)) => actors_compatible(Some(x), Some(y), lex),
        _ => false,
    };
    let weapons_agree = a.weapons.is_empty()
        || b.weapons.is_empty()
        || a.weapons.iter().any(|w| b.weapons.contains(w));
    (both_dated || same_named_actor) && weapons_agree
}

/// Within one document, a mention placing an act only roughly (a headline's "شرقي سوريا",
/// "قرب الحسكة") is the same act as the one finer event it agrees with, told elsewhere in
/// the document; when several finer events would fit, it stays apart.
fn join_coarse_mentions(
    all: &[(usize, &ResolvedMention)],
    clusters: &mut UnionFind,
    lex: &Lexicons,
) {
    for (i, (doc, coarse)) in all.iter().enumerate() {
        if coarse.place.precision < 2 {
            continue;
        }
        let mut fitting: Vec<usize> = Vec::new();
        for (j, (other_doc, fine)) in all.iter().enumerate() {
            if j == i || other_doc != doc || !covers(coarse, fine, lex) {
                continue;
            }
            let root = clusters.find(j);
            if !fitting.contains(&root) {
                fitting.push(root);
            }
        }
        if let [only] = fitting[..] {
            clusters.union(i, only);
        }
    }
}

fn covers(coarse: &ResolvedMention, fine: &ResolvedMention, lex: &Lexicons) -> bool {
    let (p, q) = (&coarse.place, &fine.place);
    let inside = if p.precision >= 3 {
        p.country == q.country
    } else {
        km(p.lat, p.lon, q.lat, q.lon) <= COARSE_PLACE_KM
    };
    coarse.sentence != fine.sentence
        && q.precision < p.precision
        && inside
        && coarse.event_type == fine.event_type
        && coarse.sub_event_type == fine.sub_event_type
        && dates_overlap(coarse, fine)
        && actors_compatible(coarse.actor1.as_ref(), fine.actor1.as_ref(), lex)
        && actors_compatible(coarse.actor2.as_ref(), fine.actor2.as_ref(), lex)
}

/// A coarse location ("near X", "the countryside of X") covers this far.
const COARSE_PLACE_KM: f64 = 120.0;

fn named<'m>(m: &'m ResolvedMention, lex: &Lexicons) -> Option<&'m ResolvedActor> {
    m.actor1.as_ref().filter(|x| !unidentified(x, lex))
}

fn unidentified(x: &ResolvedActor, lex: &Lexicons) -> bool {
    lex.actors[x.entry as usize].id.starts_with("unidentified")
}

fn same_place(a: &ResolvedMention, b: &ResolvedMention) -> bool {
    let (p, q) = (&a.place, &b.place);
    p.entry == q.entry
        || (p.precision == q.precision
            && p.precision < 3
            && km(p.lat, p.lon, q.lat, q.lon) <= SAME_PLACE_KM)
}

/// Days before its publication that an act told without a date may lie: news tells
/// recent acts, and an undated "strike on the base" two years apart is not one act.
pub const UNDATED_WINDOW_DAYS: i64 = 30;

/// The days a mention's act may have happened on: its date, else the window before its
/// document's publication, else anything (`None`).
pub fn possible_days(m: &ResolvedMention) -> Option<(Day, Day)> {
    match (m.date.first, m.date.last) {
        (Some(first), Some(last)) => Some((first, last)),
        _ => m.published.map(|p| (p.add_days(-UNDATED_WINDOW_DAYS), p)),
    }
}

fn dates_overlap(a: &ResolvedMention, b: &ResolvedMention) -> bool {
    match (possible_days(a), possible_days(b)) {
        (Some((s0, e0)), Some((s1, e1))) => s0 <= e1 && s1 <= e0,
        _ => true,
    }
}

/// Same actor, an unknown one, or one inside the other's coalition.
fn actors_compatible(a: Option<&ResolvedActor>, b: Option<&ResolvedActor>, lex: &Lexicons) -> bool {
    let (Some(a), Some(b)) = (a, b) else {
        return true;
    };
    a.name == b.name
        || unidentified(a, lex)
        || unidentified(b, lex)
        || a.parents.contains(&b.name)
        || b.parents.contains(&a.name)
        || (!a.country.is_empty() && a.country == b.country && a.inter == b.inter)
}

fn build_event(
    member_ids: &[usize],
    all: &[(usize, &ResolvedMention)],
    docs: &[&DocumentMentions],
) -> Event {
    let members: Vec<(usize, &ResolvedMention)> = member_ids.iter().map(|&i| all[i]).collect();
    let first = members[0].1;
    let mut doc_order: Vec<usize> = members.iter().map(|(d, _)| *d).collect();
    doc_order.sort_unstable();
    doc_order.dedup();
    let place = members
        .iter()
        .map(|(_, m)| &m.place)
        .min_by_key(|p| p.precision)
        .unwrap_or(&first.place);
    let mut sources = Vec::new();
    let mut evidence = Vec::new();
    for &d in &doc_order {
        let doc = &docs[d].doc;
        let mut claimants: Vec<&String> = Vec::new();
        for (_, m) in members.iter().filter(|(md, _)| *md == d) {
            for c in &m.claimants {
                if !claimants.contains(&c) {
                    claimants.push(c);
                }
            }
            for e in &m.evidence {
                let ev = Evidence {
                    doc: doc.clone(),
                    start: e.start,
                    end: e.end,
                    field: e.field.to_string(),
                };
                if !evidence.contains(&ev) {
                    evidence.push(ev);
                }
            }
        }
        if claimants.is_empty() {
            sources.push(Source {
                doc: doc.clone(),
                claimant: None,
            });
        }
        for c in claimants {
            sources.push(Source {
                doc: doc.clone(),
                claimant: Some(c.clone()),
            });
        }
    }
    let mut weapons: Vec<String> = Vec::new();
    for (_, m) in &members {
        for w in &m.weapons {
            if !weapons.contains(w) {
                weapons.push(w.clone());
            }
        }
    }
    Event {
        id: String::new(),
        docs: doc_order.iter().map(|&d| docs[d].doc.clone()).collect(),
        event_type: first.event_type.clone(),
        sub_event_type: first.sub_event_type.clone(),
        date: merged_date(&members),
        actor1: pick_actor(members.iter().filter_map(|(_, m)| m.actor1.as_ref())),
        actor2: pick_actor(members.iter().filter_map(|(_, m)| m.actor2.as_ref())),
        location: Some(Location {
            name: place.name.clone(),
            name_ar: place.name_ar.clone(),
            country: place.country.clone(),
            admin1: place.admin1.clone(),
            lat: place.lat,
            lon: place.lon,
            precision: place.precision,
        }),
        weapons,
        fatalities: merged_range(members.iter().filter_map(|(_, m)| m.fatalities)),
        injured: merged_range(members.iter().filter_map(|(_, m)| m.injured)),
        responds_to: Vec::new(),
        sources,
        evidence,
    }
}

/// Dates said in the text win over dates assumed from publication, day-precise ones over
/// ranges; ranges widen to cover every report.
fn merged_date(members: &[(usize, &ResolvedMention)]) -> EventDate {
    let said = members.iter().any(|(_, m)| m.date.span.is_some());
    let known: Vec<_> = members
        .iter()
        .filter(|(_, m)| !said || m.date.span.is_some())
        .filter_map(|(_, m)| Some((m.date.first?, m.date.last?, m.date.precision)))
        .collect();
    let best: Vec<_> = match known.iter().filter(|k| k.2 == "day").count() {
        0 => known.clone(),
        _ => known.iter().filter(|k| k.2 == "day").cloned().collect(),
    };
    let start: Option<Day> = best.iter().map(|k| k.0).min();
    let end: Option<Day> = best.iter().map(|k| k.1).max();
    let precision = match (start, end) {
        (Some(s), Some(e)) if s == e => "day",
        (Some(_), Some(_)) if best.len() == 1 => best[0].2,
        (Some(_), Some(_)) => "range",
        _ => "unknown",
    };
    EventDate {
        start: start.map(|d| d.to_string()),
        end: end.map(|d| d.to_string()),
        precision: precision.to_string(),
    }
}

/// The actor named most often; among equals the most specific (deepest in its coalition),
/// and a named actor over an unidentified one.
fn pick_actor<'a>(actors: impl Iterator<Item = &'a ResolvedActor>) -> Option<ActorRef> {
    let actors: Vec<&ResolvedActor> = actors.collect();
    let count = |a: &ResolvedActor| actors.iter().filter(|b| b.name == a.name).count();
    let named = |a: &ResolvedActor| !a.name.starts_with("Unidentified");
    actors
        .iter()
        .max_by_key(|a| (named(a), count(a), a.parents.len()))
        .map(|a| ActorRef {
            name: a.name.clone(),
            name_ar: a.name_ar.clone(),
            inter: a.inter,
            country: (!a.country.is_empty()).then(|| a.country.clone()),
            parents: a.parents.clone(),
        })
}

fn merged_range(ranges: impl Iterator<Item = (u32, u32)>) -> Option<Range> {
    ranges.fold(None, |acc: Option<Range>, (min, max)| {
        Some(match acc {
            None => Range { min, max },
            Some(r) => Range {
                min: r.min.min(min),
                max: r.max.max(max),
            },
        })
    })
}

/// Ids from the event's content, so that the same act gets the same id whatever the input
/// order or machine: type, place, start day and actor1.
/// An event's id: a hash of its first report (the smallest id of a document that tells
/// it, and the mention's position in that document). Every mention belongs to one event,
/// so ids are unique; they do not depend on the order of the input, and they stay when
/// later reports (with greater document ids) join the event or widen its fields.
fn event_id(doc: &str, mention: usize) -> String {
    let h = fnv1a(format!("{doc}#{mention}").as_bytes());
    // FNV-1a barely stirs its last bytes: finish with the splitmix64 mixer so that
    // neighbouring mentions get unrelated ids
    let h = (h ^ (h >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
    let h = (h ^ (h >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
    format!("ev-{:012x}", (h ^ (h >> 31)) >> 16)
}

struct UnionFind {
    parent: Vec<usize>,
}

impl UnionFind {
    fn new(n: usize) -> Self {
        UnionFind {
            parent: (0..n).collect(),
        }
    }

    fn find(&mut self, i: usize) -> usize {
        let mut root = i;
        while self.parent[root] != root {
            root = self.parent[root];
        }
        let mut i = i;
        while self.parent[i] != root {
            let next = self.parent[i];
            self.parent[i] = root;
            i = next;
        }
        root
    }

    fn union(&mut self, a: usize, b: usize) {
        let (ra, rb) = (self.find(a), self.find(b));
        if ra != rb {
            // the smaller index stays root, so clusters keep their first mention as root
            let (keep, join) = if ra < rb { (ra, rb) } else { (rb, ra) };
            self.parent[join] = keep;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn lex() -> &'static Lexicons {
        static LEX: std::sync::OnceLock<Lexicons> = std::sync::OnceLock::new();
        LEX.get_or_init(|| Lexicons::embedded().expect("embedded lexicons"))
    }

    fn doc(id: &str, published: &str, text: &str) -> Document {
        Document {
            id: id.into(),
            text: text.into(),
            url: None,
            outlet: None,
            published: Day::parse_iso(published),
        }
    }

    #[test]
    fn two_reports_of_one_act_are_one_event() {
        let docs = [
            doc("a", "2024-01-20", "قصفت طائرة مسيرة مجهولة أمس مستودعا للأسلحة في مدينة الميادين."),
            doc("b", "2024-01-20", "أفادت مصادر محلية بأن طائرة مسيرة استهدفت أمس مستودعا في الميادين بريف دير الزور، ما أدى إلى مقتل عنصرين."),
        ];
        let events = extract_events(&docs, lex());
        assert_eq!(events.len(), 1, "{events:#?}");
        assert_eq!(events[0].docs, ["a", "b"]);
        assert_eq!(events[0].fatalities, Some(Range { min: 2, max: 2 }));
        assert_eq!(events[0].date.start.as_deref(), Some("2024-01-19"));
    }

    #[test]
    fn different_weapons_at_one_place_stay_apart_across_reports() {
        let docs = [
            doc(
                "a",
                "2024-01-20",
                "قصفت طائرات حربية أمس مواقع في مدينة الميادين.",
            ),
            doc("b", "2024-01-20", "سقطت قذائف هاون أمس على مدينة الميادين."),
        ];
        let events = extract_events(&docs, lex());
        assert_eq!(events.len(), 2, "{events:#?}");
    }

    #[test]
    fn ids_do_not_depend_on_input_order() {
        let docs = vec![
            doc(
                "a",
                "2024-01-20",
                "قصفت طائرات حربية أمس مواقع في مدينة الميادين.",
            ),
            doc(
                "b",
                "2024-01-21",
                "استهدف هجوم بطائرة مسيرة قاعدة التنف اليوم.",
            ),
        ];
        let mut forward: Vec<String> = extract_events(&docs, lex())
            .into_iter()
            .map(|e| e.id)
            .collect();
        let reversed: Vec<Document> = docs.into_iter().rev().collect();
        let mut backward: Vec<String> = extract_events(&reversed, lex())
            .into_iter()
            .map(|e| e.id)
            .collect();
        forward.sort();
        backward.sort();
        assert_eq!(forward, backward);
        assert_eq!(forward.len(), 2);
    }

    #[test]
    fn union_find_keeps_first_as_root() {
        let mut uf = UnionFind::new(4);
        uf.union(3, 1);
        uf.union(1, 2);
        assert_eq!(uf.find(3), 1);
        assert_eq!(uf.find(2), 1);
        assert_eq!(uf.find(0), 0);
    }
}
