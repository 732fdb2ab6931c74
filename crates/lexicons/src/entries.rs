//! Lexicon entries and their parsers, one per data file (formats in `data/LEXICONS.md`).

use crate::tsv::{parse, TsvError};
use std::collections::HashSet;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Kind {
    Place,
    Actor,
    Trigger,
    Weapon,
    Marker,
    Clutter,
    /// A key word of dates ([`rasid_text::dates::key_words`]); its entry is the index of its
    /// class in [`rasid_text::dates::DateKey::ALL`]. The date finder looks only around these
    /// words and digits.
    DateWord,
    /// A number word ([`rasid_text::numbers::number_words`]); no entry list: the count
    /// finder looks only around these words and digits.
    NumberWord,
}

/// A place of the gazetteer or of the curated site list.
#[derive(Debug, Clone, PartialEq)]
pub struct Place {
    pub id: String,
    pub names_ar: Vec<String>,
    pub name_en: String,
    pub country: String,
    pub admin1: String,
    pub admin2: String,
    pub feature: Feature,
    pub population: u64,
    pub lat: f64,
    pub lon: f64,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Feature {
    Country,
    Admin1,
    Admin2,
    City,
    Town,
    Village,
    Neighbourhood,
    /// A named site from the curated list: base, field, airport, crossing, port, camp…
    Site,
    /// A sea, strait or other large natural region.
    Region,
}

impl Feature {
    fn parse(s: &str) -> Option<Feature> {
        Some(match s {
            "country" => Feature::Country,
            "admin1" => Feature::Admin1,
            "admin2" => Feature::Admin2,
            "city" => Feature::City,
            "town" => Feature::Town,
            "village" => Feature::Village,
            "neighbourhood" => Feature::Neighbourhood,
            "base" | "airport" | "oilfield" | "gasfield" | "crossing" | "port" | "dam"
            | "prison" | "camp" | "site" | "island" => Feature::Site,
            "strait" | "sea" | "region" => Feature::Region,
            _ => return None,
        })
    }

    /// ACLED geo precision of an event placed at such a feature.
    pub fn precision(self) -> u8 {
        match self {
            Feature::Country | Feature::Admin1 | Feature::Region => 3,
            Feature::Admin2 => 2,
            _ => 1,
        }
    }

    /// Whether the place is an administrative area or larger (context rather than site).
    pub fn is_area(self) -> bool {
        matches!(
            self,
            Feature::Country | Feature::Admin1 | Feature::Admin2 | Feature::Region
        )
    }
}

pub fn parse_places(file: &str, text: &str) -> Result<Vec<Place>, TsvError> {
    let mut out = Vec::new();
    let required = ["id", "names_ar", "country", "feature", "lat", "lon"];
    parse(file, text, &required, |r| {
        let feature = r.required("feature")?;
        out.push(Place {
            id: r.required("id")?.to_string(),
            names_ar: r.list("names_ar").into_iter().map(String::from).collect(),
            name_en: r.get("name_en").to_string(),
            country: r.required("country")?.to_string(),
            admin1: r.get("admin1").to_string(),
            admin2: r.get("admin2").to_string(),
            feature: Feature::parse(feature)
                .ok_or_else(|| r.error(format!("unknown feature {feature:?}")))?,
            population: r.number("population")?,
            lat: r.number("lat")?,
            lon: r.number("lon")?,
        });
        Ok(())
    })?;
    Ok(out)
}

/// What an actor entry is, which decides the roles it can take.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ActorKind {
    /// An armed force, state or not: can be actor1 or actor2.
    Force,
    /// A nationality or affiliation adjective (أمريكية، إسرائيلي): refers to another
    /// entry's actor and attaches to the noun before it.
    Adjective,
    /// A person speaking for an actor (a president, a spokesman): a claimant, and the
    /// actor it refers to when nothing else is named.
    Person,
    /// A news agency, outlet or monitor: a claimant only.
    Media,
    /// Civilians, protesters and other unarmed groups: a target, or actor1 of a protest.
    Civilian,
}

/// An actor: canonical name, Arabic forms, ACLED inter code, country and coalition.
#[derive(Debug, Clone, PartialEq)]
pub struct Actor {
    pub id: String,
    pub name: String,
    pub inter: u8,
    pub country: String,
    /// Id of the coalition it belongs to, if any.
    pub parent: String,
    pub kind: ActorKind,
    /// For adjectives and persons: the id of the actor they stand for.
    pub refers: String,
    pub forms: Vec<String>,
}

pub(crate) fn parse_actors(file: &str, text: &str) -> Result<Vec<Actor>, TsvError> {
    let mut out = Vec::new();
    let required = ["id", "name", "inter", "kind", "forms"];
    parse(file, text, &required, |r| {
        let kind = match r.required("kind")? {
            "force" => ActorKind::Force,
            "adjective" => ActorKind::Adjective,
            "person" => ActorKind::Person,
            "media" => ActorKind::Media,
            "civilian" => ActorKind::Civilian,
            other => return Err(r.error(format!("unknown actor kind {other:?}"))),
        };
        let (id, name) = (r.required("id")?, r.required("name")?);
        // the merge tells an unidentified actor (compatible with anyone) by its name
        if id.starts_with("unidentified") != name.starts_with("Unidentified") {
            return Err(r.error(format!(
                "actor {id}: an id beginning \"unidentified\" goes with a name beginning \"Unidentified\", and only then"
            )));
        }
        out.push(Actor {
            id: id.to_string(),
            name: name.to_string(),
            inter: r.number("inter")?,
            country: r.get("country").to_string(),
            parent: r.get("parent").to_string(),
            kind,
            refers: r.get("refers").to_string(),
            forms: r.list("forms").into_iter().map(String::from).collect(),
        });
        Ok(())
    })?;
    check_references(&out, file)?;
    Ok(out)
}

fn check_references(actors: &[Actor], file: &str) -> Result<(), TsvError> {
    for a in actors {
        for target in [&a.parent, &a.refers] {
            if !target.is_empty() && !actors.iter().any(|b| &b.id == target) {
                return Err(TsvError {
                    file: file.to_string(),
                    line: 0,
                    message: format!("actor {} refers to unknown id {target}", a.id),
                });
            }
        }
    }
    Ok(())
}

/// Part of speech of a trigger, which decides where its actors stand.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Pos {
    Verb,
    /// A passive verb: its grammatical subject is the target (قتل، أصيب).
    Passive,
    /// A noun whose genitive names the actor (هجوم الميليشيات).
    Noun,
    /// A verbal noun whose genitive names the target (استهداف القاعدة).
    Masdar,
}

/// A word that reports an act, with the event type it signals.
#[derive(Debug, Clone, PartialEq)]
pub struct Trigger {
    pub forms: Vec<String>,
    pub event_type: String,
    /// The sub-type when the clause names no weapon.
    pub sub_event_type: String,
    /// Whether the weapons of the clause may not change the type.
    pub fixed: bool,
    pub pos: Pos,
    /// Weapon implied by the trigger itself (غارة → aircraft).
    pub weapon: String,
    /// How strongly the word signals an act (1 weak … 3 unambiguous).
    pub strength: u8,
}

pub(crate) fn parse_triggers(file: &str, text: &str) -> Result<Vec<Trigger>, TsvError> {
    let mut out = Vec::new();
    let required = ["forms", "event_type", "sub_event_type", "fixed", "pos"];
    parse(file, text, &required, |r| {
        let pos = match r.required("pos")? {
            "verb" => Pos::Verb,
            "passive" => Pos::Passive,
            "noun" => Pos::Noun,
            "masdar" => Pos::Masdar,
            other => return Err(r.error(format!("unknown pos {other:?}"))),
        };
        out.push(Trigger {
            forms: r.list("forms").into_iter().map(String::from).collect(),
            event_type: r.required("event_type")?.to_string(),
            sub_event_type: r.required("sub_event_type")?.to_string(),
            fixed: r.get("fixed") == "yes",
            pos,
            weapon: r.get("weapon").to_string(),
            strength: r.number("strength")?,
        });
        Ok(())
    })?;
    Ok(out)
}

/// A weapon word and the sub-event type it implies.
#[derive(Debug, Clone, PartialEq)]
pub struct Weapon {
    pub forms: Vec<String>,
    pub weapon: String,
    pub event_type: String,
    pub sub_event_type: String,
}

pub(crate) fn parse_weapons(file: &str, text: &str) -> Result<Vec<Weapon>, TsvError> {
    let mut out = Vec::new();
    parse(file, text, &["forms", "weapon", "sub_event_type"], |r| {
        out.push(Weapon {
            forms: r.list("forms").into_iter().map(String::from).collect(),
            weapon: r.required("weapon")?.to_string(),
            event_type: r.required("event_type")?.to_string(),
            sub_event_type: r.required("sub_event_type")?.to_string(),
        });
        Ok(())
    })?;
    Ok(out)
}

/// Words that change how a clause is read.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum MarkerKind {
    /// قال، أفاد، بحسب…: who reports what follows.
    Attribution,
    /// توعد، هدد، سوف…: a threat, vow or future act, not an event.
    Threat,
    /// لم، نفى…: a denial or negation.
    Negation,
    /// رداً على، انتقاماً ل…: what follows is the act being answered.
    Response,
    /// منذ، حصيلة، معظم…: an aggregate or generic statement (when no local place is named).
    Aggregate,
    /// إذا، في حال…: a hypothesis.
    Hypothetical,
    /// على، ضد، استهدف…: the next actor is the target.
    Target,
    /// من قبل، شنها…: the next actor is the one acting.
    Agent,
    /// تعرض، تعرضت: the subject before is the target of the act after.
    Passive,
    /// المدعومة من، الموالية ل، التابعة ل: the next actor is a backer of the one before.
    Affiliation,
    /// قرب، ريف، شمال، محيط…: the place after is the reference of a nearby location.
    Near,
    /// في، داخل، بمدينة…: the place after is where the act happened.
    Locative,
    /// من، انطلقت من: the place after is where a projectile came from.
    Origin,
    /// تبنى، أعلن مسؤوليته: the actor claims the act.
    Claim,
    /// قتل، مقتل، قتلى…: the count near it is of people killed.
    Killed,
    /// إصابة، جرحى…: the count near it is of people injured.
    Injured,
    /// جندي، شخص…: one person, when no number is given.
    Person,
    /// جنديين، شخصين…: two persons (Arabic dual).
    PersonDual,
    /// بالتزامن مع، فيما، بينما…: a new clause, possibly another act, begins.
    Clause,
    /// وكان، سبق، في وقت سابق…: the act told is an earlier one.
    Past,
    /// قاعدة، مواقع، سفينة…: a noun for what is attacked; an adjective after it names the
    /// target's side.
    TargetNoun,
    /// بعد، عقب: right before a trigger, an earlier act is told.
    After,
    /// هذا، ذلك: before an act noun, it points back to an act already told.
    Demonstrative,
    /// بين: after a battle word, the two sides follow.
    Between,
    /// في، داخل: the place after it is where the act happened.
    Inside,
    /// الرد، ردها: a response named as a noun; بعد or عقب shortly after it introduces the
    /// act answered ("الرد العسكري بعد العملية").
    ResponseNoun,
    /// التابعة، التابع: the place after it contains the places before it («قرى A وB
    /// التابعة لناحية X»).
    PartOf,
    /// جبل، وادي، عين، أم…: a noun that begins place names; a known name right after it is
    /// the end of a longer name the gazetteer lacks («جبل الزاوية» is not «الزاوية»).
    NamePrefix,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Marker {
    pub forms: Vec<String>,
    pub kind: MarkerKind,
}

pub(crate) fn parse_markers(file: &str, text: &str) -> Result<Vec<Marker>, TsvError> {
    let mut out = Vec::new();
    parse(file, text, &["forms", "marker"], |r| {
        let kind = match r.required("marker")? {
            "attribution" => MarkerKind::Attribution,
            "threat" => MarkerKind::Threat,
            "negation" => MarkerKind::Negation,
            "response" => MarkerKind::Response,
            "aggregate" => MarkerKind::Aggregate,
            "hypothetical" => MarkerKind::Hypothetical,
            "target" => MarkerKind::Target,
            "agent" => MarkerKind::Agent,
            "passive" => MarkerKind::Passive,
            "affiliation" => MarkerKind::Affiliation,
            "near" => MarkerKind::Near,
            "locative" => MarkerKind::Locative,
            "origin" => MarkerKind::Origin,
            "claim" => MarkerKind::Claim,
            "killed" => MarkerKind::Killed,
            "injured" => MarkerKind::Injured,
            "person" => MarkerKind::Person,
            "person_dual" => MarkerKind::PersonDual,
            "clause" => MarkerKind::Clause,
            "past" => MarkerKind::Past,
            "target_noun" => MarkerKind::TargetNoun,
            "after" => MarkerKind::After,
            "demonstrative" => MarkerKind::Demonstrative,
            "between" => MarkerKind::Between,
            "inside" => MarkerKind::Inside,
            "response_noun" => MarkerKind::ResponseNoun,
            "part_of" => MarkerKind::PartOf,
            "name_prefix" => MarkerKind::NamePrefix,
            other => return Err(r.error(format!("unknown marker {other:?}"))),
        };
        out.push(Marker {
            forms: r.list("forms").into_iter().map(String::from).collect(),
            kind,
        });
        Ok(())
    })?;
    Ok(out)
}

/// How much scraped clutter a clutter phrase removes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ClutterScope {
    /// The line it is on.
    Line,
    /// The line it is on and everything after it (related-article lists, footers).
    Tail,
    /// The token itself only.
    Token,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Clutter {
    pub forms: Vec<String>,
    pub scope: ClutterScope,
}

pub(crate) fn parse_clutter(file: &str, text: &str) -> Result<Vec<Clutter>, TsvError> {
    let mut out = Vec::new();
    parse(file, text, &["forms", "scope"], |r| {
        let scope = match r.required("scope")? {
            "line" => ClutterScope::Line,
            "tail" => ClutterScope::Tail,
            "token" => ClutterScope::Token,
            other => return Err(r.error(format!("unknown clutter scope {other:?}"))),
        };
        out.push(Clutter {
            forms: r.list("forms").into_iter().map(String::from).collect(),
            scope,
        });
        Ok(())
    })?;
    Ok(out)
}

/// Folded words that are never place names.
/// The place-name forms that are ordinary words (`word`), and the words that are dictionary
/// words as a whole, not a proclitic before a place name (`whole`), both folded.
pub(crate) fn parse_ordinary_words(
    file: &str,
    text: &str,
) -> Result<(HashSet<String>, HashSet<String>), TsvError> {
    let (mut words, mut wholes) = (HashSet::new(), HashSet::new());
    parse(file, text, &["form", "kind"], |r| {
        let form = rasid_text::fold_str(r.required("form")?);
        match r.required("kind")? {
            "word" => words.insert(form),
            "whole" => wholes.insert(form),
            other => return Err(r.error(format!("unknown kind {other:?}"))),
        };
        Ok(())
    })?;
    Ok((words, wholes))
}

pub(crate) fn parse_stopwords(file: &str, text: &str) -> Result<HashSet<String>, TsvError> {
    let mut out = HashSet::new();
    parse(file, text, &["forms"], |r| {
        out.extend(r.list("forms").into_iter().map(rasid_text::fold_str));
        Ok(())
    })?;
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_places_with_features() {
        let text = "id\tnames_ar\tname_en\tcountry\tadmin1\tadmin2\tfeature\tpopulation\tlat\tlon\n\
                    gn:1\tالبوكمال|بوكمال\tAl-Bukamal\tSY\tDeir ez-Zor\t\ttown\t50000\t34.45\t40.93\n";
        let places = parse_places("p.tsv", text).unwrap();
        assert_eq!(places[0].names_ar, ["البوكمال", "بوكمال"]);
        assert_eq!(places[0].feature, Feature::Town);
        assert_eq!(places[0].feature.precision(), 1);
    }

    #[test]
    fn rejects_unknown_feature_and_dangling_parent() {
        let text = "id\tnames_ar\tcountry\tfeature\tlat\tlon\nx\tقرية\tSY\tcastle\t1\t2\n";
        assert!(parse_places("p.tsv", text)
            .unwrap_err()
            .message
            .contains("castle"));
        let text = "id\tname\tinter\tkind\tparent\tforms\nkh\tKH\t2\tforce\tnope\tكتائب\n";
        assert!(parse_actors("a.tsv", text)
            .unwrap_err()
            .message
            .contains("nope"));
    }

    #[test]
    fn unidentified_actors_are_named_as_such() {
        for row in [
            "unidentified_x\tArmed men\t3\tforce\tمسلحون",
            "gunmen\tUnidentified gunmen\t3\tforce\tمسلحون",
        ] {
            let text = format!("id\tname\tinter\tkind\tforms\n{row}\n");
            let err = parse_actors("a.tsv", &text).unwrap_err();
            assert!(err.message.contains("Unidentified"), "{row}");
        }
        let text =
            "id\tname\tinter\tkind\tforms\nunidentified_x\tUnidentified gunmen\t3\tforce\tمسلحون\n";
        assert!(parse_actors("a.tsv", text).is_ok());
    }
}
