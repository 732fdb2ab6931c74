//! Toponym disambiguation: which gazetteer entry a place name stands for, from the kind of
//! place, its population, the countries the document is about, and the places named with it.

use rasid_extraction::PlaceMention;
use rasid_lexicons::{Feature, Lexicons, Place};

/// What the document says about where it is: weight of each country.
#[derive(Debug, Default, Clone)]
pub struct DocumentPlaces<'a> {
    /// A document names few countries: a list, in the order first named.
    countries: Votes<'a>,
    /// The sum of the weights.
    total: f64,
}

/// Weights by country.
type Votes<'a> = Vec<(&'a str, f64)>;

fn add_vote<'a>(votes: &mut Votes<'a>, country: &'a str, weight: f64) {
    match votes.iter_mut().find(|(c, _)| *c == country) {
        Some((_, w)) => *w += weight,
        None => votes.push((country, weight)),
    }
}

fn vote_of(votes: &Votes, country: &str) -> f64 {
    votes
        .iter()
        .find(|(c, _)| *c == country)
        .map_or(0.0, |&(_, w)| w)
}

fn sum(votes: &Votes) -> f64 {
    votes.iter().map(|&(_, w)| w).sum()
}

impl<'a> DocumentPlaces<'a> {
    /// Counts, per country, the well-known place names of the document (an unambiguous name
    /// counts fully, an ambiguous one is shared among its countries) and the actors with a
    /// country. Villages do not count: they are what this context decides.
    pub fn new(
        lex: &'a Lexicons,
        place_candidates: impl Iterator<Item = &'a [u32]>,
        actor_countries: impl Iterator<Item = &'a str>,
    ) -> Self {
        let mut countries = Votes::new();
        for candidates in place_candidates {
            for (country, share) in own_votes(lex, candidates) {
                add_vote(&mut countries, country, share);
            }
        }
        for c in actor_countries.filter(|c| !c.is_empty()) {
            add_vote(&mut countries, c, 0.5);
        }
        let total = sum(&countries);
        DocumentPlaces { countries, total }
    }

    /// The document's places less the votes of a name found not to be the place it names
    /// (a city named in a far town: see [`geocode`]).
    pub fn without(&self, lex: &'a Lexicons, candidates: &[u32]) -> Self {
        let mut countries = self.countries.clone();
        for (country, share) in own_votes(lex, candidates) {
            add_vote(&mut countries, country, -share);
        }
        let total = sum(&countries);
        DocumentPlaces { countries, total }
    }

    fn total_without(&self, own: &Votes) -> f64 {
        self.total - sum(own)
    }

    /// Share of `country` once the votes of the place being decided are taken out.
    fn share_without(&self, country: &str, own: &Votes) -> f64 {
        let total = self.total_without(own);
        if total <= 0.0 {
            return 0.0;
        }
        let weight = vote_of(&self.countries, country) - vote_of(own, country);
        (weight / total).max(0.0)
    }

    fn country_share(&self, country: &str) -> f64 {
        if self.total == 0.0 {
            return 0.0;
        }
        vote_of(&self.countries, country) / self.total
    }
}

/// How far a place may lie from the town or site the text names it in («بريف Y», «في
/// تلال Y»): a town's countryside, a range of hills.
const CONTAINER_KM: f64 = 80.0;

/// Votes for other countries above which an unsupported city is doubted.
const STRONG_EVIDENCE: f64 = 3.0;

/// The votes one place mention gives the document's countries: one in all, shared among the
/// countries of its candidates (villages excluded).
fn own_votes<'a>(lex: &'a Lexicons, candidates: &[u32]) -> Votes<'a> {
    let mut distinct: Vec<&str> = candidates
        .iter()
        .map(|&c| &lex.places[c as usize])
        .filter(|p| !matches!(p.feature, Feature::Village | Feature::Neighbourhood))
        .map(|p| p.country.as_str())
        .collect();
    distinct.sort_unstable();
    distinct.dedup();
    let share = 1.0 / distinct.len().max(1) as f64;
    distinct.into_iter().map(|c| (c, share)).collect()
}

/// The chosen gazetteer entry and the ACLED geo precision of the event placed there.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Geocoded {
    pub entry: u32,
    pub precision: u8,
}

/// Picks the most plausible candidate of a place mention.
pub fn geocode(lex: &Lexicons, mention: &PlaceMention, doc: &DocumentPlaces) -> Option<Geocoded> {
    let context: Vec<&Place> = mention
        .context
        .iter()
        .map(|&c| &lex.places[c as usize])
        .collect();
    let hint = mention.country_hint.as_deref();
    let scored = |e: u32| {
        let p = &lex.places[e as usize];
        score(p, &context, doc)
            + if hint == Some(p.country.as_str()) {
                8.0
            } else {
                0.0
            }
    };
    // a town in a country the rest of the document is not about is another place of that
    // name (or a common word); countries, provinces, sites and big cities stand on their own
    let own = own_votes(lex, &mention.candidates);
    let elsewhere = doc.total_without(&own);
    let plausible: Vec<u32> = mention
        .candidates
        .iter()
        .copied()
        .filter(|&c| {
            let p = &lex.places[c as usize];
            // a city the rest of the document never points to, when it points firmly
            // elsewhere, is another place of that name (عدن in a report on Mogadishu)
            let firmly_elsewhere = elsewhere >= STRONG_EVIDENCE;
            let stands_alone = matches!(
                p.feature,
                Feature::Country | Feature::Site | Feature::Region
            ) || p.population >= 1_000_000
                || (!firmly_elsewhere
                    && (p.population >= 10_000
                        || matches!(p.feature, Feature::City | Feature::Admin1)));
            stands_alone
                || hint == Some(p.country.as_str())
                || doc.share_without(&p.country, &own) > 0.0
                || elsewhere == 0.0
        })
        .collect();
    // «X بريف Y»: a village or town X lies in a country of Y; a name with no candidate
    // there is a place the gazetteer lacks, and its act is placed at Y (see `placed`).
    // A city or a site named in a town or site of another country, far from it («موقع X في
    // بلدة Y»), is another place of that name; one may be named by the country across the
    // border from it («البرج 22 قرب الحدود السورية»).
    let small = |c: &u32| {
        matches!(
            lex.places[*c as usize].feature,
            Feature::Village | Feature::Town | Feature::Neighbourhood
        )
    };
    let all_small = plausible.iter().all(small);
    // a country, a province, a region or a sea spans too much to say what lies far from it
    let local_context = context.iter().all(|q| !q.feature.is_area());
    let fits_context = |c: &u32| {
        let p = &lex.places[*c as usize];
        let near = |q: &&&Place| km(q.lat, q.lon, p.lat, p.lon) <= CONTAINER_KM;
        if local_context {
            // a town's village or quarter lies near it; a city or site near it, or in its
            // country
            context
                .iter()
                .any(|q| near(&q) || (!all_small && q.country == p.country))
        } else {
            context.iter().any(|q| q.country == p.country)
        }
    };
    if !context.is_empty() && (all_small || local_context) && !plausible.iter().any(fits_context) {
        return None;
    }
    let entry = *plausible.iter().max_by(|&&x, &&y| {
        let (sx, sy) = (scored(x), scored(y));
        sx.total_cmp(&sy).then(y.cmp(&x))
    })?;
    let place = &lex.places[entry as usize];
    let mut precision = place.feature.precision();
    if mention.near && precision == 1 {
        precision = 2;
    }
    Some(Geocoded { entry, precision })
}

fn feature_weight(f: Feature) -> f64 {
    match f {
        Feature::Site => 6.0,
        Feature::City => 5.0,
        Feature::Admin1 => 4.5,
        Feature::Country => 4.0,
        Feature::Region => 4.0,
        Feature::Town => 3.0,
        Feature::Admin2 => 1.5,
        Feature::Neighbourhood => 1.5,
        Feature::Village => 1.0,
    }
}

fn score(p: &Place, context: &[&Place], doc: &DocumentPlaces) -> f64 {
    let mut s = feature_weight(p.feature) + 0.4 * ((p.population as f64) + 1.0).log10();
    s += 6.0 * doc.country_share(&p.country);
    for c in context {
        if c.country != p.country {
            s -= 2.0;
            continue;
        }
        s += 1.5;
        let same_admin1 = !c.admin1.is_empty() && c.admin1 == p.admin1;
        if same_admin1 && c.feature != Feature::Country {
            s += 3.0;
        }
        if km(c.lat, c.lon, p.lat, p.lon) < 60.0 {
            s += 3.0;
        }
    }
    s
}

/// Great-circle distance in kilometres.
pub fn km(lat1: f64, lon1: f64, lat2: f64, lon2: f64) -> f64 {
    let (p1, p2) = (lat1.to_radians(), lat2.to_radians());
    let dp = (lat2 - lat1).to_radians();
    let dl = (lon2 - lon1).to_radians();
    let h = (dp / 2.0).sin().powi(2) + p1.cos() * p2.cos() * (dl / 2.0).sin().powi(2);
    2.0 * 6371.0 * h.sqrt().asin()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn place(
        id: &str,
        country: &str,
        admin1: &str,
        feature: Feature,
        pop: u64,
        lat: f64,
        lon: f64,
    ) -> Place {
        Place {
            id: id.into(),
            names_ar: vec![],
            name_en: id.into(),
            country: country.into(),
            admin1: admin1.into(),
            admin2: String::new(),
            feature,
            population: pop,
            lat,
            lon,
        }
    }

    #[test]
    fn context_of_a_province_picks_the_place_inside_it() {
        let erbil = place("erbil", "IQ", "Erbil", Feature::City, 900_000, 36.19, 44.01);
        let harir_iq = place("harir-iq", "IQ", "Erbil", Feature::Town, 3000, 36.54, 44.35);
        let harir_sy = place(
            "harir-sy",
            "SY",
            "Al-Hasakah",
            Feature::Village,
            500,
            36.6,
            41.2,
        );
        let doc = DocumentPlaces::default();
        assert!(score(&harir_iq, &[&erbil], &doc) > score(&harir_sy, &[&erbil], &doc));
    }

    #[test]
    fn distance_is_haversine() {
        let d = km(36.19, 44.01, 33.31, 44.36);
        assert!((d - 321.0).abs() < 5.0, "{d}");
    }
}
