//! What decides whether two mentions can tell one act: a mention's [`MatchKey`] holds
//! every field the comparisons read, and nothing else.
//!
//! Two mentions with equal keys compare the same way with any third mention, so a merge
//! compares keys, not mentions: a thousand copies of one report are one key, compared once.
//! A store keeps the distinct keys of each event (with [`MatchKey::signature`]) to find
//! the events a new mention can join without reading their mentions.

use rasid_resolution::geocode::km;
use rasid_resolution::{ResolvedActor, ResolvedMention};
use rasid_text::hash::{fnv1a_from, FNV_OFFSET};
use rasid_text::Day;
use serde::{Deserialize, Serialize};

/// Places closer than this are one location for merging (twin towns such as Al-Bukamal
/// and Al-Qaim lie 10 km apart and are separate events).
pub const SAME_PLACE_KM: f64 = 3.0;

/// Latitude difference (degrees) beyond which two places are surely more than
/// [`SAME_PLACE_KM`] apart (a degree of latitude is 111 km everywhere).
pub const SAME_PLACE_LAT: f64 = SAME_PLACE_KM / 111.0;

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

/// The fields of a mention that identity is decided on.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct MatchKey {
    pub event_type: String,
    pub sub_event_type: String,
    pub place: PlaceKey,
    /// [`possible_days`].
    pub days: Option<(Day, Day)>,
    /// Whether the text gives the act a date (else only its publication bounds it).
    pub dated: bool,
    /// The weekday said of a day not known (a document without a publication day):
    /// [`rasid_extraction::DateValue::weekday`].
    #[serde(default)]
    pub weekday: Option<u8>,
    pub actor1: Option<ActorKey>,
    pub actor2: Option<ActorKey>,
    /// Sorted, without repeats.
    pub weapons: Vec<String>,
    /// Killed and injured as the mention counts them.
    #[serde(default)]
    pub fatalities: Option<(u32, u32)>,
    #[serde(default)]
    pub injured: Option<(u32, u32)>,
    /// Who the text says reported or claimed it (canonical names), sorted, without the
    /// ones that name no particular source ([`GENERIC_CLAIMANT`]).
    #[serde(default)]
    pub claimants: Vec<String>,
}

/// Canonical names of claimants that name no particular source ("مصادر محلية") begin so
/// (data/LEXICONS.md): two reports citing "local sources" share nothing.
pub const GENERIC_CLAIMANT: &str = "Local";

/// The longest span of days (first to last) that still dates an act well enough for two
/// reports of it to be matched by their dates alone: a day, a night across two days, "in
/// the last days"; a month or a year dates nothing.
pub const DATED_DAYS: i64 = 3;

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct PlaceKey {
    /// Gazetteer entry.
    pub entry: u32,
    pub precision: u8,
    pub lat: f64,
    pub lon: f64,
    /// The name the text gives it, folded (`rasid_text::fold_str`).
    #[serde(default)]
    pub name: String,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ActorKey {
    pub name: String,
    pub parents: Vec<String>,
    pub country: String,
    pub inter: u8,
    /// "Unidentified gunmen": compatible with anyone, and names no attacker.
    pub unidentified: bool,
}

/// Canonical names of actors nobody identified begin so (data/LEXICONS.md).
pub const UNIDENTIFIED: &str = "Unidentified";

impl ActorKey {
    fn of(a: &ResolvedActor) -> ActorKey {
        ActorKey {
            name: a.name.clone(),
            parents: a.parents.clone(),
            country: a.country.clone(),
            inter: a.inter,
            unidentified: a.name.starts_with(UNIDENTIFIED),
        }
    }
}

impl MatchKey {
    pub fn of(m: &ResolvedMention) -> MatchKey {
        let mut weapons = m.weapons.clone();
        weapons.sort_unstable();
        weapons.dedup();
        MatchKey {
            event_type: m.event_type.clone(),
            sub_event_type: m.sub_event_type.clone(),
            place: PlaceKey {
                entry: m.place.entry,
                precision: m.place.precision,
                lat: m.place.lat,
                lon: m.place.lon,
                name: rasid_text::fold_str(&m.place.name_ar),
            },
            days: possible_days(m),
            dated: m.date.first.is_some(),
            weekday: m.date.weekday,
            actor1: m.actor1.as_ref().map(ActorKey::of),
            actor2: m.actor2.as_ref().map(ActorKey::of),
            weapons,
            fatalities: m.fatalities,
            injured: m.injured,
            claimants: {
                let mut c: Vec<String> = m
                    .claimants
                    .iter()
                    .filter(|c| !c.starts_with(GENERIC_CLAIMANT))
                    .cloned()
                    .collect();
                c.sort_unstable();
                c.dedup();
                c
            },
        }
    }

    /// A hash of the whole key, the same on every machine and run (a store keeps it): equal
    /// keys have equal signatures. FNV-1a over every field in order, each string ended by a
    /// 0xFF byte (never in UTF-8) and each list by its length, so that no two keys read as
    /// the same bytes.
    pub fn signature(&self) -> i64 {
        let mut h = FNV_OFFSET;
        let text = |h: &mut u64, s: &str| {
            *h = fnv1a_from(fnv1a_from(*h, s.as_bytes()), &[0xff]);
        };
        text(&mut h, &self.event_type);
        text(&mut h, &self.sub_event_type);
        let p = &self.place;
        h = fnv1a_from(h, &p.entry.to_le_bytes());
        h = fnv1a_from(h, &[p.precision]);
        h = fnv1a_from(h, &p.lat.to_bits().to_le_bytes());
        h = fnv1a_from(h, &p.lon.to_bits().to_le_bytes());
        text(&mut h, &p.name);
        match self.days {
            Some((f, l)) => {
                h = fnv1a_from(h, &[1]);
                h = fnv1a_from(h, &f.days_since_epoch().to_le_bytes());
                h = fnv1a_from(h, &l.days_since_epoch().to_le_bytes());
            }
            None => h = fnv1a_from(h, &[0]),
        }
        h = fnv1a_from(h, &[u8::from(self.dated)]);
        // hashed only when said, so that the keys stored before the field keep their
        // signatures
        if let Some(w) = self.weekday {
            h = fnv1a_from(h, &[2, w]);
        }
        for actor in [&self.actor1, &self.actor2] {
            match actor {
                Some(a) => {
                    h = fnv1a_from(h, &[1]);
                    text(&mut h, &a.name);
                    h = fnv1a_from(h, &(a.parents.len() as u64).to_le_bytes());
                    for parent in &a.parents {
                        text(&mut h, parent);
                    }
                    text(&mut h, &a.country);
                    h = fnv1a_from(h, &[a.inter, u8::from(a.unidentified)]);
                }
                None => h = fnv1a_from(h, &[0]),
            }
        }
        h = fnv1a_from(h, &(self.weapons.len() as u64).to_le_bytes());
        for w in &self.weapons {
            text(&mut h, w);
        }
        for count in [self.fatalities, self.injured] {
            match count {
                Some((min, max)) => {
                    h = fnv1a_from(h, &[1]);
                    h = fnv1a_from(h, &min.to_le_bytes());
                    h = fnv1a_from(h, &max.to_le_bytes());
                }
                None => h = fnv1a_from(h, &[0]),
            }
        }
        h = fnv1a_from(h, &(self.claimants.len() as u64).to_le_bytes());
        for c in &self.claimants {
            text(&mut h, c);
        }
        h as i64
    }

    /// Whether the act has days narrow enough to be matched by ([`DATED_DAYS`]).
    fn well_dated(&self) -> bool {
        self.dated
            && self
                .days
                .is_some_and(|(f, l)| l.days_since_epoch() - f.days_since_epoch() < DATED_DAYS)
    }
}

/// Whether mentions with these keys, from two different documents, can be one act. Reports
/// of one act by different outlets are matched on positive evidence, never on the mere
/// absence of a conflict: the same town or site (precision 1), the same type, compatible
/// actors, no conflicting weapons, and either days that overlap and are each narrow
/// ([`DATED_DAYS`]), or — when neither report gives such a date — a casualty figure both
/// give, or a claim by the same named source. An undated report is never matched to a
/// dated one (it could chain two dated acts of different days into one), and a province
/// or a region says too little to tell two acts in it apart.
pub fn compatible_across_documents(a: &MatchKey, b: &MatchKey) -> bool {
    if a.place.precision != 1 || b.place.precision != 1 {
        return false;
    }
    if !same_act_frame(a, b) || !days_overlap(a.days, b.days) || !weekdays_agree(a, b) {
        return false;
    }
    let weapons_agree = a.weapons.is_empty()
        || b.weapons.is_empty()
        || a.weapons.iter().any(|w| b.weapons.contains(w));
    let evidence = match (a.well_dated(), b.well_dated()) {
        (true, true) => true,
        (false, false) => shared_figure(a, b) || shared_claimant(a, b),
        // an undated report is matched to undated ones only: joined to a dated act, it
        // could chain two dated acts of different days into one
        _ => false,
    };
    weapons_agree && evidence
}

/// Both give a casualty count (of at least two: "a man was killed" is too common to tell
/// acts apart) and the counts meet, or come within a quarter of each other (a toll rises
/// as the hours pass: 8 killed in the morning's report, 10 in the evening's).
fn shared_figure(a: &MatchKey, b: &MatchKey) -> bool {
    let meet = |x: Option<(u32, u32)>, y: Option<(u32, u32)>| match (x, y) {
        (Some((x0, x1)), Some((y0, y1))) => {
            let (low, high) = (x0.max(y0), x1.min(y1));
            x1.max(y1) >= 2 && (low <= high || 4 * u64::from(low) <= 5 * u64::from(high))
        }
        _ => false,
    };
    meet(a.fatalities, b.fatalities) || meet(a.injured, b.injured)
}

/// Both cite the same named source for it.
fn shared_claimant(a: &MatchKey, b: &MatchKey) -> bool {
    a.claimants.iter().any(|c| b.claimants.contains(c))
}

/// Whether two mentions of one document can be one act. A document may tell the date once
/// and leave it out elsewhere: a date only assumed (`said` false: the publication day)
/// yields to one said. Anything compatible across documents is compatible here.
///
/// Within a document the sub-type may differ when one telling names no weapon: the
/// headline's «قصف» and the body's «غارة بطائرة مسيرة», a spokesman's restatement without
/// the weapon, tell one act, whose event takes the most specific telling (see `Summary`);
/// two tellings naming different weapons are two acts.
pub fn compatible_in_document(a: &MatchKey, a_said: bool, b: &MatchKey, b_said: bool) -> bool {
    a.event_type == b.event_type
        && (a.sub_event_type == b.sub_event_type || a.weapons.is_empty() || b.weapons.is_empty())
        && (same_place(&a.place, &b.place) || site_of_town(&a.place, &b.place))
        && same_actors(a, b)
        && (!a_said || !b_said || days_overlap(a.days, b.days))
        && weekdays_agree(a, b)
}

/// Type, sub-type, place and actors agree.
fn same_act_frame(a: &MatchKey, b: &MatchKey) -> bool {
    a.event_type == b.event_type
        && a.sub_event_type == b.sub_event_type
        && same_place(&a.place, &b.place)
        && same_actors(a, b)
}

/// Both roles may be filled by the same actors.
pub fn same_actors(a: &MatchKey, b: &MatchKey) -> bool {
    actors_compatible(a.actor1.as_ref(), b.actor1.as_ref())
        && actors_compatible(a.actor2.as_ref(), b.actor2.as_ref())
}

/// The same gazetteer entry, or two places of one precision (town, near a town) within
/// [`SAME_PLACE_KM`] named alike (one gazetteer's entry and another's for one village).
/// Two villages named differently are two places however close: «تل شنان» and «تل جمعة»
/// shelled in one morning are two events.
pub fn same_place(p: &PlaceKey, q: &PlaceKey) -> bool {
    p.entry == q.entry
        || (p.precision == q.precision
            && p.precision < 3
            && km(p.lat, p.lon, q.lat, q.lon) <= SAME_PLACE_KM
            && named_alike(&p.name, &q.name))
}

/// Names that may be one place's: either unknown, or one within the other once each word's
/// article is dropped («الأسدية», «أسدية»; «حي الشجاعية», «الشجاعية»).
fn named_alike(a: &str, b: &str) -> bool {
    let bare = |name: &str| -> String {
        name.split_whitespace()
            .map(|w| {
                w.strip_prefix("ال")
                    .filter(|r| r.chars().count() >= 2)
                    .unwrap_or(w)
            })
            .collect::<Vec<_>>()
            .join(" ")
    };
    let (a, b) = (bare(a), bare(b));
    a.is_empty() || b.is_empty() || a.contains(&b) || b.contains(&a)
}

/// How far a site named after its town ("مطار أربيل", "سوق الميادين") may lie from the
/// town's point.
pub const SITE_OF_TOWN_KM: f64 = 25.0;

/// Whether one place is a site named after the other, its town: Arabic names a site by a
/// construct phrase ending in the town's name («مطار أربيل», «قاعدة عين الأسد», «سوق
/// المدينة»), and a report may name the town in one sentence and the site in another.
pub fn site_of_town(p: &PlaceKey, q: &PlaceKey) -> bool {
    let named_after = |site: &PlaceKey, town: &PlaceKey| {
        !town.name.is_empty()
            && site.name.len() > town.name.len()
            && site.name.ends_with(&format!(" {}", town.name))
    };
    p.precision == 1
        && q.precision == 1
        && (named_after(p, q) || named_after(q, p))
        && km(p.lat, p.lon, q.lat, q.lon) <= SITE_OF_TOWN_KM
}

/// No two weekdays said of one act: «يوم الخميس» and «يوم الأحد» are two acts even where
/// no calendar day is known, and a weekday said of an act dated to one day must be that
/// day's.
pub fn weekdays_agree(a: &MatchKey, b: &MatchKey) -> bool {
    let on_one_day = |k: &MatchKey| match k.days {
        Some((first, last)) if k.dated && first == last => Some(first.weekday()),
        _ => None,
    };
    let said = |k: &MatchKey| k.weekday.or_else(|| on_one_day(k));
    match (a.weekday, b.weekday) {
        (None, None) => true,
        _ => match (said(a), said(b)) {
            (Some(x), Some(y)) => x == y,
            _ => true,
        },
    }
}

/// Overlapping possible days; an act that may lie on any day overlaps everything.
pub fn days_overlap(a: Option<(Day, Day)>, b: Option<(Day, Day)>) -> bool {
    match (a, b) {
        (Some((s0, e0)), Some((s1, e1))) => s0 <= e1 && s1 <= e0,
        _ => true,
    }
}

/// Same actor, an unknown one, or one inside the other's coalition.
fn actors_compatible(a: Option<&ActorKey>, b: Option<&ActorKey>) -> bool {
    let (Some(a), Some(b)) = (a, b) else {
        return true;
    };
    a.name == b.name
        || a.unidentified
        || b.unidentified
        || a.parents.contains(&b.name)
        || b.parents.contains(&a.name)
        || (!a.country.is_empty() && a.country == b.country && a.inter == b.inter)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn key(dated: bool, attacker: Option<&str>) -> MatchKey {
        MatchKey {
            event_type: "Explosions/Remote violence".into(),
            sub_event_type: "Air/drone strike".into(),
            place: PlaceKey {
                entry: 7,
                precision: 1,
                lat: 35.0,
                lon: 40.0,
                name: "الميادين".into(),
            },
            days: Day::new(2024, 1, 19).map(|d| (d, d)),
            dated,
            weekday: None,
            actor1: attacker.map(|name| ActorKey {
                name: name.into(),
                parents: vec![],
                country: String::new(),
                inter: 8,
                unidentified: false,
            }),
            actor2: None,
            weapons: vec![],
            fatalities: None,
            injured: None,
            claimants: vec![],
        }
    }

    #[test]
    fn across_documents_an_act_is_matched_by_a_narrow_date_a_figure_or_a_claim() {
        let undated = key(false, Some("A"));
        // the same attacker at the same town says nothing of which of its acts this is
        assert!(!compatible_across_documents(&undated, &undated));
        assert!(compatible_in_document(&undated, false, &undated, false));
        assert!(compatible_across_documents(
            &key(true, None),
            &key(true, Some("A"))
        ));
        assert!(!compatible_across_documents(
            &key(true, Some("A")),
            &key(true, Some("B"))
        ));
        let counted = |n: u32| MatchKey {
            fatalities: Some((n, n)),
            ..undated.clone()
        };
        assert!(compatible_across_documents(&counted(5), &counted(5)));
        assert!(!compatible_across_documents(&counted(5), &counted(9)));
        assert!(!compatible_across_documents(&counted(1), &counted(1)));
        // an undated report of five killed is not matched to a dated one
        let dated_count = MatchKey {
            fatalities: Some((5, 5)),
            ..key(true, Some("A"))
        };
        assert!(!compatible_across_documents(&counted(5), &dated_count));
        let claimed = |by: &str| MatchKey {
            claimants: vec![by.into()],
            ..undated.clone()
        };
        assert!(compatible_across_documents(
            &claimed("SOHR"),
            &claimed("SOHR")
        ));
        assert!(!compatible_across_documents(
            &claimed("SOHR"),
            &claimed("SANA")
        ));
    }

    #[test]
    fn a_month_or_a_province_tells_two_acts_apart_no_better_than_nothing() {
        let mut month = key(true, None);
        month.days = Day::new(2024, 1, 1).zip(Day::new(2024, 1, 31));
        assert!(!compatible_across_documents(&month, &key(true, None)));
        let mut province = key(true, None);
        province.place.precision = 3;
        assert!(!compatible_across_documents(&province, &province));
        assert!(compatible_in_document(&province, true, &province, true));
    }

    #[test]
    fn equal_keys_have_equal_signatures_and_different_keys_different_ones() {
        assert_eq!(key(true, None).signature(), key(true, None).signature());
        assert_ne!(key(true, None).signature(), key(false, None).signature());
        assert_ne!(
            key(true, Some("A")).signature(),
            key(true, Some("B")).signature()
        );
    }

    #[test]
    fn a_site_named_after_its_town_is_in_it() {
        let town = key(true, None).place;
        let airport = PlaceKey {
            entry: 8,
            lat: 35.05,
            name: "مطار الميادين".into(),
            ..town.clone()
        };
        assert!(site_of_town(&airport, &town) && site_of_town(&town, &airport));
        let far = PlaceKey {
            lat: 36.0,
            ..airport.clone()
        };
        assert!(!site_of_town(&far, &town));
        let other = PlaceKey {
            name: "مطار دير الزور".into(),
            ..airport
        };
        assert!(!site_of_town(&other, &town));
    }

    #[test]
    fn conflicting_weapons_keep_reports_apart() {
        let mut a = key(true, None);
        let mut b = key(true, None);
        a.weapons = vec!["drone".into()];
        b.weapons = vec!["mortar".into()];
        assert!(!compatible_across_documents(&a, &b));
        b.weapons.push("drone".into());
        assert!(compatible_across_documents(&a, &b));
    }

    #[test]
    fn two_weekdays_are_two_acts() {
        let on = |weekday: u8| MatchKey {
            days: None,
            weekday: Some(weekday),
            ..key(false, None)
        };
        // «يوم الخميس» and «يوم الأحد» in documents without a publication day
        assert!(!compatible_in_document(&on(3), false, &on(6), false));
        assert!(compatible_in_document(&on(3), false, &on(3), false));
        // a weekday said against a calendar day: 19 January 2024 was a Friday
        let dated = key(true, None);
        assert!(weekdays_agree(&on(4), &dated));
        assert!(!weekdays_agree(&on(3), &dated));
        assert!(!compatible_in_document(&on(3), false, &dated, true));
        // no weekday said: nothing to disagree on
        assert!(weekdays_agree(&key(false, None), &dated));
    }

    #[test]
    fn close_villages_named_differently_are_two_places() {
        let village = |entry, lat, name: &str| PlaceKey {
            entry,
            precision: 1,
            lat,
            lon: 40.0,
            name: name.into(),
        };
        // 2 km apart
        let (a, b) = (village(1, 35.0, "تل شنان"), village(2, 35.018, "تل جمعه"));
        assert!(!same_place(&a, &b));
        // two gazetteers' entries for one village, with and without the article
        let (c, d) = (village(3, 35.0, "الاسديه"), village(4, 35.01, "اسديه"));
        assert!(same_place(&c, &d));
        assert!(same_place(&a, &village(5, 35.01, "")));
    }
}
