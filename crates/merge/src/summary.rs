//! An event as what it keeps of its mentions: a [`Summary`] of the fields (finest place,
//! dates, actor tallies, weapons, casualty ranges) and one [`DocPart`] per reporting
//! document (its sources and evidence).
//!
//! A summary is a fold over the event's mentions whose every step is associative and
//! commutative, with ties broken by the mention's position among all reports
//! ([`MemberKey`]: document id, then index in the document). So it does not depend on the
//! order mentions come in, two summaries combine into the summary of both events
//! ([`Summary::absorb`]), and a store adds a report to an event of thousands of reports by
//! reading and writing the summary and one part, never the other reports.

use crate::event::{ActorRef, Event, EventDate, Evidence, Location, Range, Source};
use rasid_resolution::{ResolvedActor, ResolvedMention};
use rasid_text::Day;
use serde::{Deserialize, Serialize};
use std::collections::HashSet;

/// Where a mention stands among all reports: its document's id, then its index there.
pub type MemberKey = (String, u32);

/// The fields of an event, kept so that more mentions and other events can join it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Summary {
    pub event_type: String,
    /// The most specific telling's sub-type: the first report that names a weapon, else
    /// the first report (`(sub-type, names a weapon, member)`).
    pub sub_event_type: (String, bool, MemberKey),
    /// The finest place told (lowest precision), the first report's among equals.
    pub place: Option<(Location, MemberKey)>,
    pub date: DateSummary,
    /// The actors of each role, in the order of their first reports.
    pub actor1: Vec<ActorTally>,
    pub actor2: Vec<ActorTally>,
    /// Each weapon with the first place it was named (member, then position in its list),
    /// in that order.
    pub weapons: Vec<(String, MemberKey, u32)>,
    pub fatalities: Option<Range>,
    pub injured: Option<Range>,
}

/// How often an actor (by canonical name) fills a role, and its first report.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ActorTally {
    pub actor: ActorRef,
    pub count: u32,
    pub first: MemberKey,
}

/// The dates of the mentions in four classes: said in the text or only assumed from the
/// publication day, by day or coarser. Mentions without a known first and last day count
/// only towards `said`.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct DateSummary {
    /// Whether any mention's date is said in the text.
    pub said: bool,
    /// `[assumed coarse, assumed day, said coarse, said day]`.
    pub classes: [DateClass; 4],
}

/// A class of dates; an empty one is stored as `{}`.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct DateClass {
    #[serde(default, skip_serializing_if = "is_zero")]
    pub count: u32,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub first: Option<Day>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub last: Option<Day>,
    /// The precision of the class's first mention (what the class says when it is alone).
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub precision: String,
}

fn is_zero(n: &u32) -> bool {
    *n == 0
}

impl DateClass {
    fn add(&mut self, first: Day, last: Day, precision: &str) {
        if self.count == 0 {
            self.precision = precision.to_string();
        }
        self.count += 1;
        self.first = Some(self.first.map_or(first, |f| f.min(first)));
        self.last = Some(self.last.map_or(last, |l| l.max(last)));
    }

    fn absorb(&mut self, other: &DateClass) {
        if other.count == 0 {
            return;
        }
        if self.count == 0 {
            *self = other.clone();
            return;
        }
        self.count += other.count;
        self.first = match (self.first, other.first) {
            (Some(a), Some(b)) => Some(a.min(b)),
            (a, b) => a.or(b),
        };
        self.last = self.last.max(other.last);
    }
}

impl DateSummary {
    fn add(&mut self, m: &ResolvedMention) {
        let said = m.date.span.is_some();
        self.said |= said;
        if let (Some(first), Some(last)) = (m.date.first, m.date.last) {
            let day = m.date.precision == "day";
            self.classes[usize::from(said) * 2 + usize::from(day)].add(
                first,
                last,
                m.date.precision,
            );
        }
    }

    fn absorb(&mut self, other: &DateSummary) {
        self.said |= other.said;
        for (mine, theirs) in self.classes.iter_mut().zip(&other.classes) {
            mine.absorb(theirs);
        }
    }

    /// Dates said in the text win over dates assumed from publication, day-precise ones
    /// over ranges; ranges widen to cover every report.
    pub fn date(&self) -> EventDate {
        let said = usize::from(self.said) * 2;
        let (coarse, day) = (&self.classes[said], &self.classes[said + 1]);
        let best = if day.count > 0 { day } else { coarse };
        let precision = match (best.first, best.last) {
            (Some(s), Some(e)) if s == e => "day",
            (Some(_), Some(_)) if best.count == 1 => best.precision.as_str(),
            (Some(_), Some(_)) => "range",
            _ => "unknown",
        };
        EventDate {
            start: best.first.map(|d| d.to_string()),
            end: best.last.map(|d| d.to_string()),
            precision: precision.to_string(),
        }
    }
}

/// Lists of a summary stay in the order of their first reports, so that equal summaries are
/// equal values whatever order their mentions came in.
fn by_first_report(tallies: &mut [ActorTally]) {
    tallies.sort_by(|a, b| a.first.cmp(&b.first));
}

fn add_actor(tallies: &mut Vec<ActorTally>, a: &ResolvedActor, key: &MemberKey) {
    match tallies.iter_mut().find(|t| t.actor.name == a.name) {
        Some(t) => {
            t.count += 1;
            if *key < t.first {
                t.actor = actor_ref(a);
                t.first = key.clone();
            }
        }
        None => tallies.push(ActorTally {
            actor: actor_ref(a),
            count: 1,
            first: key.clone(),
        }),
    }
    by_first_report(tallies);
}

fn absorb_actors(tallies: &mut Vec<ActorTally>, other: &[ActorTally]) {
    for o in other {
        match tallies.iter_mut().find(|t| t.actor.name == o.actor.name) {
            Some(t) => {
                t.count += o.count;
                if o.first < t.first {
                    t.actor = o.actor.clone();
                    t.first = o.first.clone();
                }
            }
            None => tallies.push(o.clone()),
        }
    }
    by_first_report(tallies);
}

fn actor_ref(a: &ResolvedActor) -> ActorRef {
    ActorRef {
        name: a.name.clone(),
        name_ar: a.name_ar.clone(),
        inter: a.inter,
        country: (!a.country.is_empty()).then(|| a.country.clone()),
        parents: a.parents.clone(),
    }
}

/// The actor named most often; among equals a named one over an unidentified one, then
/// the most specific (deepest in its coalition), then the first reported.
fn pick_actor(tallies: &[ActorTally]) -> Option<ActorRef> {
    let named = |t: &ActorTally| !t.actor.name.starts_with(crate::key::UNIDENTIFIED);
    tallies
        .iter()
        .max_by(|a, b| {
            (named(a), a.count, a.actor.parents.len())
                .cmp(&(named(b), b.count, b.actor.parents.len()))
                .then_with(|| b.first.cmp(&a.first))
        })
        .map(|t| t.actor.clone())
}

fn widen(range: &mut Option<Range>, min: u32, max: u32) {
    *range = Some(match *range {
        None => Range { min, max },
        Some(r) => Range {
            min: r.min.min(min),
            max: r.max.max(max),
        },
    });
}

impl Summary {
    /// The summary of one mention (`key`: where it stands among all reports).
    pub fn of(m: &ResolvedMention, key: MemberKey) -> Summary {
        let mut s = Summary {
            event_type: m.event_type.clone(),
            sub_event_type: (m.sub_event_type.clone(), !m.weapons.is_empty(), key.clone()),
            place: None,
            date: DateSummary::default(),
            actor1: Vec::new(),
            actor2: Vec::new(),
            weapons: Vec::new(),
            fatalities: None,
            injured: None,
        };
        s.add(m, key);
        s
    }

    /// Adds a mention of the same act.
    pub fn add(&mut self, m: &ResolvedMention, key: MemberKey) {
        self.more_specific(&(m.sub_event_type.clone(), !m.weapons.is_empty(), key.clone()));
        let p = &m.place;
        let finer = self
            .place
            .as_ref()
            .is_none_or(|(best, at)| (p.precision, &key) < (best.precision, at));
        if finer {
            let location = Location {
                name: p.name.clone(),
                name_ar: p.name_ar.clone(),
                country: p.country.clone(),
                admin1: p.admin1.clone(),
                lat: p.lat,
                lon: p.lon,
                precision: p.precision,
            };
            self.place = Some((location, key.clone()));
        }
        self.date.add(m);
        if let Some(a) = &m.actor1 {
            add_actor(&mut self.actor1, a, &key);
        }
        if let Some(a) = &m.actor2 {
            add_actor(&mut self.actor2, a, &key);
        }
        for (i, w) in m.weapons.iter().enumerate() {
            self.add_weapon(w, &key, i as u32);
        }
        if let Some((min, max)) = m.fatalities {
            widen(&mut self.fatalities, min, max);
        }
        if let Some((min, max)) = m.injured {
            widen(&mut self.injured, min, max);
        }
    }

    fn add_weapon(&mut self, weapon: &str, key: &MemberKey, position: u32) {
        match self.weapons.iter_mut().find(|(w, _, _)| w == weapon) {
            Some(first) => {
                if (key, position) < (&first.1, first.2) {
                    first.1 = key.clone();
                    first.2 = position;
                }
            }
            None => self
                .weapons
                .push((weapon.to_string(), key.clone(), position)),
        }
        self.weapons
            .sort_by(|a, b| (&a.1, a.2, &a.0).cmp(&(&b.1, b.2, &b.0)));
    }

    /// Keeps the sub-type of a telling that names a weapon over one that does not, the
    /// first report's among equals.
    fn more_specific(&mut self, telling: &(String, bool, MemberKey)) {
        let (mine, theirs) = (&self.sub_event_type, telling);
        if (theirs.1, std::cmp::Reverse(&theirs.2)) > (mine.1, std::cmp::Reverse(&mine.2)) {
            self.sub_event_type = telling.clone();
        }
    }

    /// Takes in another event of the same act: the result is the summary of the mentions
    /// of both.
    pub fn absorb(&mut self, other: &Summary) {
        self.more_specific(&other.sub_event_type);
        if let Some((location, key)) = &other.place {
            let finer = self
                .place
                .as_ref()
                .is_none_or(|(best, at)| (location.precision, key) < (best.precision, at));
            if finer {
                self.place = Some((location.clone(), key.clone()));
            }
        }
        self.date.absorb(&other.date);
        absorb_actors(&mut self.actor1, &other.actor1);
        absorb_actors(&mut self.actor2, &other.actor2);
        for (w, key, position) in &other.weapons {
            self.add_weapon(w, key, *position);
        }
        if let Some(r) = other.fatalities {
            widen(&mut self.fatalities, r.min, r.max);
        }
        if let Some(r) = other.injured {
            widen(&mut self.injured, r.min, r.max);
        }
    }

    pub fn actor1(&self) -> Option<ActorRef> {
        pick_actor(&self.actor1)
    }

    pub fn actor2(&self) -> Option<ActorRef> {
        pick_actor(&self.actor2)
    }

    /// The event: these fields, the parts of its documents (in document id order) and
    /// the events it answers.
    pub fn event(&self, id: String, parts: &[DocPart], mut responds_to: Vec<String>) -> Event {
        responds_to.sort_unstable();
        responds_to.dedup();
        Event {
            id,
            docs: parts.iter().map(|p| p.doc.clone()).collect(),
            event_type: self.event_type.clone(),
            sub_event_type: self.sub_event_type.0.clone(),
            date: self.date.date(),
            actor1: self.actor1(),
            actor2: self.actor2(),
            location: self.place.as_ref().map(|(l, _)| l.clone()),
            weapons: self.weapons.iter().map(|(w, _, _)| w.clone()).collect(),
            fatalities: self.fatalities,
            injured: self.injured,
            responds_to,
            sources: parts.iter().flat_map(DocPart::sources).collect(),
            evidence: parts.iter().flat_map(DocPart::evidence).collect(),
        }
    }
}

/// What one document gives an event: who it says reported or claimed the act, and the
/// spans of its text that support the event's fields.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct DocPart {
    pub doc: String,
    /// In the order the document names them, each once.
    pub claimants: Vec<String>,
    /// `(start, end, field)` in character offsets of the original text, in the order of
    /// the document's mentions, each once.
    pub evidence: Vec<(usize, usize, String)>,
}

impl DocPart {
    /// The part of a document whose mentions of the event are `mentions` (in the
    /// document's order).
    pub fn of<'m>(doc: &str, mentions: impl IntoIterator<Item = &'m ResolvedMention>) -> DocPart {
        let mut part = DocPart {
            doc: doc.to_string(),
            claimants: Vec::new(),
            evidence: Vec::new(),
        };
        // a long document may give one event thousands of spans: no list scans
        let mut seen = HashSet::new();
        for m in mentions {
            for c in &m.claimants {
                if !part.claimants.contains(c) {
                    part.claimants.push(c.clone());
                }
            }
            for e in &m.evidence {
                if seen.insert((e.start, e.end, e.field)) {
                    part.evidence.push((e.start, e.end, e.field.to_string()));
                }
            }
        }
        part
    }

    fn sources(&self) -> Vec<Source> {
        if self.claimants.is_empty() {
            return vec![Source {
                doc: self.doc.clone(),
                claimant: None,
            }];
        }
        self.claimants
            .iter()
            .map(|c| Source {
                doc: self.doc.clone(),
                claimant: Some(c.clone()),
            })
            .collect()
    }

    fn evidence(&self) -> Vec<Evidence> {
        self.evidence
            .iter()
            .map(|(start, end, field)| Evidence {
                doc: self.doc.clone(),
                start: *start,
                end: *end,
                field: field.clone(),
            })
            .collect()
    }
}

impl Summary {
    /// The summary and parts that give back `e` (an event stored whole by an older
    /// store). Each field counts as told once, by the event's first document.
    pub fn from_event(e: &Event) -> (Summary, Vec<DocPart>) {
        let first: MemberKey = (e.docs.first().cloned().unwrap_or_default(), 0);
        let tally = |a: &Option<ActorRef>| -> Vec<ActorTally> {
            a.iter()
                .map(|actor| ActorTally {
                    actor: actor.clone(),
                    count: 1,
                    first: first.clone(),
                })
                .collect()
        };
        let mut date = DateSummary {
            said: true,
            ..DateSummary::default()
        };
        let day = |d: &Option<String>| d.as_deref().and_then(Day::parse_iso);
        if let (Some(start), Some(end)) = (day(&e.date.start), day(&e.date.end)) {
            let class = 2 + usize::from(e.date.precision == "day");
            date.classes[class].add(start, end, &e.date.precision);
        }
        let summary = Summary {
            event_type: e.event_type.clone(),
            sub_event_type: (
                e.sub_event_type.clone(),
                !e.weapons.is_empty(),
                first.clone(),
            ),
            place: e.location.clone().map(|l| (l, first.clone())),
            date,
            actor1: tally(&e.actor1),
            actor2: tally(&e.actor2),
            weapons: e
                .weapons
                .iter()
                .enumerate()
                .map(|(i, w)| (w.clone(), first.clone(), i as u32))
                .collect(),
            fatalities: e.fatalities,
            injured: e.injured,
        };
        let parts = e
            .docs
            .iter()
            .map(|doc| DocPart {
                doc: doc.clone(),
                claimants: e
                    .sources
                    .iter()
                    .filter(|s| &s.doc == doc)
                    .filter_map(|s| s.claimant.clone())
                    .collect(),
                evidence: e
                    .evidence
                    .iter()
                    .filter(|v| &v.doc == doc)
                    .map(|v| (v.start, v.end, v.field.clone()))
                    .collect(),
            })
            .collect();
        (summary, parts)
    }
}
