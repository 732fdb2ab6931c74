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
    pub actor1: Option<ActorKey>,
    pub actor2: Option<ActorKey>,
    /// Sorted, without repeats.
    pub weapons: Vec<String>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct PlaceKey {
    /// Gazetteer entry.
    pub entry: u32,
    pub precision: u8,
    pub lat: f64,
    pub lon: f64,
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
            },
            days: possible_days(m),
            dated: m.date.first.is_some(),
            actor1: m.actor1.as_ref().map(ActorKey::of),
            actor2: m.actor2.as_ref().map(ActorKey::of),
            weapons,
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
        match self.days {
            Some((f, l)) => {
                h = fnv1a_from(h, &[1]);
                h = fnv1a_from(h, &f.days_since_epoch().to_le_bytes());
                h = fnv1a_from(h, &l.days_since_epoch().to_le_bytes());
            }
            None => h = fnv1a_from(h, &[0]),
        }
        h = fnv1a_from(h, &[u8::from(self.dated)]);
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
        h as i64
    }

    /// The attacker, when one is named.
    fn named_attacker(&self) -> Option<&ActorKey> {
        self.actor1.as_ref().filter(|a| !a.unidentified)
    }
}

/// Whether mentions with these keys, from two different documents, can be one act: the
/// same type, place, overlapping days and compatible actors, and positive agreement: known
/// dates on both sides (or, when one is unknown, the same named attacker) and no
/// conflicting weapons.
pub fn compatible_across_documents(a: &MatchKey, b: &MatchKey) -> bool {
    if !same_act_frame(a, b) || !days_overlap(a.days, b.days) {
        return false;
    }
    let same_named_attacker = match (a.named_attacker(), b.named_attacker()) {
        (Some(x), Some(y)) => actors_compatible(Some(x), Some(y)),
        _ => false,
    };
    let weapons_agree = a.weapons.is_empty()
        || b.weapons.is_empty()
        || a.weapons.iter().any(|w| b.weapons.contains(w));
    ((a.dated && b.dated) || same_named_attacker) && weapons_agree
}

/// Whether two mentions of one document can be one act. A document may tell the date once
/// and leave it out elsewhere: a date only assumed (`said` false: the publication day)
/// yields to one said. Anything compatible across documents is compatible here.
pub fn compatible_in_document(a: &MatchKey, a_said: bool, b: &MatchKey, b_said: bool) -> bool {
    same_act_frame(a, b) && (!a_said || !b_said || days_overlap(a.days, b.days))
}

/// Type, place and actors agree.
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
/// [`SAME_PLACE_KM`].
pub fn same_place(p: &PlaceKey, q: &PlaceKey) -> bool {
    p.entry == q.entry
        || (p.precision == q.precision
            && p.precision < 3
            && km(p.lat, p.lon, q.lat, q.lon) <= SAME_PLACE_KM)
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
            },
            days: Day::new(2024, 1, 19).map(|d| (d, d)),
            dated,
            actor1: attacker.map(|name| ActorKey {
                name: name.into(),
                parents: vec![],
                country: String::new(),
                inter: 8,
                unidentified: false,
            }),
            actor2: None,
            weapons: vec![],
        }
    }

    #[test]
    fn across_documents_an_undated_act_needs_the_same_named_attacker() {
        let undated = key(false, None);
        assert!(!compatible_across_documents(&undated, &undated));
        assert!(compatible_in_document(&undated, false, &undated, false));
        let by = |name| key(false, Some(name));
        assert!(compatible_across_documents(&by("A"), &by("A")));
        assert!(!compatible_across_documents(&by("A"), &by("B")));
        assert!(compatible_across_documents(
            &key(true, None),
            &key(true, Some("A"))
        ));
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
    fn conflicting_weapons_keep_reports_apart() {
        let mut a = key(true, None);
        let mut b = key(true, None);
        a.weapons = vec!["drone".into()];
        b.weapons = vec!["mortar".into()];
        assert!(!compatible_across_documents(&a, &b));
        b.weapons.push("drone".into());
        assert!(compatible_across_documents(&a, &b));
    }
}
