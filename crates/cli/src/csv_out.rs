//! Events as CSV with ACLED's columns, names and meanings wherever ACLED has one, followed by
//! rasid's own columns (ranges, weapons, response links, documents, Arabic names).

use std::collections::{HashMap, HashSet};
use std::io::Write;

use rasid_extraction::Document;
use rasid_merge::{ActorRef, Event, Range};

/// The header, in order: ACLED's columns, then rasid's.
const HEADER: [&str; 43] = [
    "event_id_cnty",
    "event_date",
    "year",
    "time_precision",
    "disorder_type",
    "event_type",
    "sub_event_type",
    "actor1",
    "assoc_actor_1",
    "inter1",
    "actor2",
    "assoc_actor_2",
    "inter2",
    "interaction",
    "civilian_targeting",
    "iso",
    "region",
    "country",
    "admin1",
    "admin2",
    "admin3",
    "location",
    "latitude",
    "longitude",
    "geo_precision",
    "source",
    "source_scale",
    "notes",
    "fatalities",
    "tags",
    "timestamp",
    // rasid's own
    "fatalities_max",
    "injured_min",
    "injured_max",
    "weapons",
    "responds_to",
    "n_sources",
    "documents",
    "date_start",
    "date_end",
    "actor1_ar",
    "actor2_ar",
    "location_ar",
];

/// ACLED's inter code for civilians.
const CIVILIANS: u8 = 7;

/// One country: ISO 3166 alpha-2, alpha-3 and numeric codes, English name, ACLED region.
struct Country {
    iso2: &'static str,
    iso3: &'static str,
    numeric: u16,
    name: &'static str,
    region: &'static str,
}

const fn country(
    iso2: &'static str,
    iso3: &'static str,
    numeric: u16,
    name: &'static str,
    region: &'static str,
) -> Country {
    Country {
        iso2,
        iso3,
        numeric,
        name,
        region,
    }
}

const ME: &str = "Middle East";
const NA: &str = "Northern Africa";
const EA: &str = "Eastern Africa";

/// The countries Arabic news reports conflict in most, with ACLED's names and regions.
const COUNTRIES: &[Country] = &[
    country("SY", "SYR", 760, "Syria", ME),
    country("IQ", "IRQ", 368, "Iraq", ME),
    country("YE", "YEM", 887, "Yemen", ME),
    country("LB", "LBN", 422, "Lebanon", ME),
    country("PS", "PSE", 275, "Palestine", ME),
    country("IL", "ISR", 376, "Israel", ME),
    country("JO", "JOR", 400, "Jordan", ME),
    country("SA", "SAU", 682, "Saudi Arabia", ME),
    country("AE", "ARE", 784, "United Arab Emirates", ME),
    country("QA", "QAT", 634, "Qatar", ME),
    country("BH", "BHR", 48, "Bahrain", ME),
    country("KW", "KWT", 414, "Kuwait", ME),
    country("OM", "OMN", 512, "Oman", ME),
    country("IR", "IRN", 364, "Iran", ME),
    country("TR", "TUR", 792, "Turkey", ME),
    country("EG", "EGY", 818, "Egypt", NA),
    country("LY", "LBY", 434, "Libya", NA),
    country("TN", "TUN", 788, "Tunisia", NA),
    country("DZ", "DZA", 12, "Algeria", NA),
    country("MA", "MAR", 504, "Morocco", NA),
    country("SD", "SDN", 729, "Sudan", NA),
    country("SO", "SOM", 706, "Somalia", EA),
    country("SS", "SSD", 728, "South Sudan", EA),
    country("ET", "ETH", 231, "Ethiopia", EA),
    country("ER", "ERI", 232, "Eritrea", EA),
    country("DJ", "DJI", 262, "Djibouti", EA),
    country("KE", "KEN", 404, "Kenya", EA),
    country("UG", "UGA", 800, "Uganda", EA),
    country("MR", "MRT", 478, "Mauritania", "Western Africa"),
    country("TD", "TCD", 148, "Chad", "Middle Africa"),
];

fn find_country(code: &str) -> Option<&'static Country> {
    COUNTRIES
        .iter()
        .find(|c| c.iso2.eq_ignore_ascii_case(code) || c.iso3.eq_ignore_ascii_case(code))
}

/// Writes `events` as CSV; `docs` supply the outlets named in `source`, and `timestamp`
/// (Unix seconds of the run) fills ACLED's `timestamp` column.
pub fn write_csv<W: Write>(
    events: &[Event],
    docs: &[Document],
    timestamp: i64,
    out: W,
) -> std::io::Result<()> {
    let outlets: HashMap<&str, &str> = docs
        .iter()
        .filter_map(|d| Some((d.id.as_str(), d.outlet.as_deref()?)))
        .collect();
    let ids: HashMap<&str, String> = events
        .iter()
        .map(|e| (e.id.as_str(), event_id_cnty(e)))
        .collect();
    let mut writer = csv::Writer::from_writer(out);
    writer.write_record(HEADER)?;
    for event in events {
        writer.write_record(row(event, &outlets, &ids, timestamp))?;
    }
    writer.flush()
}

/// ACLED-style id: the country's alpha-3 code, then the event id without its `ev-` prefix.
fn event_id_cnty(event: &Event) -> String {
    let suffix = event.id.strip_prefix("ev-").unwrap_or(&event.id);
    let prefix = match event.location.as_ref() {
        Some(l) => match find_country(&l.country) {
            Some(c) => c.iso3.to_string(),
            None if !l.country.is_empty() => l.country.to_ascii_uppercase(),
            None => "XXX".to_string(),
        },
        None => "XXX".to_string(),
    };
    format!("{prefix}{suffix}")
}

fn row(
    event: &Event,
    outlets: &HashMap<&str, &str>,
    ids: &HashMap<&str, String>,
    timestamp: i64,
) -> Vec<String> {
    let location = event.location.as_ref();
    let country_code = location.map(|l| l.country.as_str()).unwrap_or("");
    let country = find_country(country_code);
    let country_name = match country {
        Some(c) => c.name.to_string(),
        None => country_code.to_string(),
    };
    let start = event.date.start.clone().unwrap_or_default();
    let end = event.date.end.clone().unwrap_or_default();
    let inter = |a: &Option<ActorRef>| a.as_ref().map(|a| a.inter);
    let (inter1, inter2) = (inter(&event.actor1), inter(&event.actor2));
    let civilian_targeting =
        inter2 == Some(CIVILIANS) || event.event_type == "Violence against civilians";
    let name = |a: &Option<ActorRef>| a.as_ref().map(|a| a.name.clone()).unwrap_or_default();
    let name_ar = |a: &Option<ActorRef>| a.as_ref().map(|a| a.name_ar.clone()).unwrap_or_default();
    let responds_to: Vec<String> = event
        .responds_to
        .iter()
        .map(|id| ids.get(id.as_str()).cloned().unwrap_or_else(|| id.clone()))
        .collect();
    vec![
        ids.get(event.id.as_str())
            .cloned()
            .unwrap_or_else(|| event_id_cnty(event)),
        start.clone(),
        start.get(..4).unwrap_or("").to_string(),
        time_precision(&event.date.precision, &start, &end).to_string(),
        disorder_type(&event.event_type, &event.sub_event_type).to_string(),
        event.event_type.clone(),
        event.sub_event_type.clone(),
        name(&event.actor1),
        String::new(),
        inter1.map(|i| i.to_string()).unwrap_or_default(),
        name(&event.actor2),
        String::new(),
        inter2.map(|i| i.to_string()).unwrap_or_default(),
        interaction(inter1, inter2),
        if civilian_targeting {
            "Civilian targeting".to_string()
        } else {
            String::new()
        },
        country.map(|c| c.numeric.to_string()).unwrap_or_default(),
        country.map(|c| c.region.to_string()).unwrap_or_default(),
        country_name.clone(),
        location.map(|l| l.admin1.clone()).unwrap_or_default(),
        String::new(),
        String::new(),
        location.map(|l| l.name.clone()).unwrap_or_default(),
        location.map(|l| l.lat.to_string()).unwrap_or_default(),
        location.map(|l| l.lon.to_string()).unwrap_or_default(),
        location
            .map(|l| l.precision.to_string())
            .unwrap_or_default(),
        sources(event, outlets),
        if event.sources.is_empty() && event.docs.is_empty() {
            String::new()
        } else {
            "Other".to_string()
        },
        notes(event, &country_name),
        event.fatalities.map(|f| f.min).unwrap_or(0).to_string(),
        String::new(),
        timestamp.to_string(),
        event
            .fatalities
            .map(|f| f.max.to_string())
            .unwrap_or_default(),
        event.injured.map(|i| i.min.to_string()).unwrap_or_default(),
        event.injured.map(|i| i.max.to_string()).unwrap_or_default(),
        event.weapons.join("; "),
        responds_to.join("; "),
        event.docs.len().to_string(),
        event.docs.join("; "),
        start,
        end,
        name_ar(&event.actor1),
        name_ar(&event.actor2),
        location.map(|l| l.name_ar.clone()).unwrap_or_default(),
    ]
}

/// ACLED's time precision: 1 a known day, 2 a span of up to a week, 3 a month or less precise.
fn time_precision(precision: &str, start: &str, end: &str) -> u8 {
    match precision {
        _ if start.is_empty() => 3,
        "day" => 1,
        "range" => match (days(start), days(end)) {
            (Some(s), Some(e)) if s == e => 1,
            (Some(s), Some(e)) if (e - s).abs() <= 7 => 2,
            _ => 3,
        },
        _ => 3,
    }
}

/// Days since 1970-01-01 of an ISO day `YYYY-MM-DD`.
fn days(iso: &str) -> Option<i64> {
    let mut parts = iso.get(..10)?.splitn(3, '-');
    let y: i64 = parts.next()?.parse().ok()?;
    let m: i64 = parts.next()?.parse().ok()?;
    let d: i64 = parts.next()?.parse().ok()?;
    if !(1..=12).contains(&m) || !(1..=31).contains(&d) {
        return None;
    }
    // days from civil (Howard Hinnant)
    let y = if m <= 2 { y - 1 } else { y };
    let era = y.div_euclid(400);
    let yoe = y - era * 400;
    let mp = (m + 9) % 12;
    let doy = (153 * mp + 2) / 5 + d - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    Some(era * 146_097 + doe - 719_468)
}

/// ACLED's disorder type for an event and sub-event type.
fn disorder_type(event_type: &str, sub_event_type: &str) -> &'static str {
    match (event_type, sub_event_type) {
        ("Protests", "Excessive force against protesters") => "Political violence; Demonstrations",
        ("Riots", "Mob violence") => "Political violence",
        ("Protests" | "Riots", _) => "Demonstrations",
        ("Strategic developments", _) => "Strategic developments",
        ("Battles" | "Explosions/Remote violence" | "Violence against civilians", _) => {
            "Political violence"
        }
        _ => "",
    }
}

/// ACLED's interaction code: the two inter codes, smaller first (`13`, `28`); one actor
/// alone gives its code times ten (`10`, `60`).
fn interaction(inter1: Option<u8>, inter2: Option<u8>) -> String {
    match (inter1, inter2) {
        (Some(a), Some(b)) => {
            let (lo, hi) = if a <= b { (a, b) } else { (b, a) };
            (u32::from(lo) * 10 + u32::from(hi)).to_string()
        }
        (Some(a), None) | (None, Some(a)) => (u32::from(a) * 10).to_string(),
        (None, None) => String::new(),
    }
}

/// The claimants named in the texts, then the outlets of the reporting documents.
fn sources(event: &Event, outlets: &HashMap<&str, &str>) -> String {
    let mut seen = HashSet::new();
    let mut names: Vec<&str> = Vec::new();
    let claimants = event.sources.iter().filter_map(|s| s.claimant.as_deref());
    let docs = event
        .docs
        .iter()
        .map(String::as_str)
        .chain(event.sources.iter().map(|s| s.doc.as_str()));
    let doc_outlets = docs.filter_map(|d| outlets.get(d).copied());
    for name in claimants.chain(doc_outlets) {
        if !name.is_empty() && seen.insert(name) {
            names.push(name);
        }
    }
    names.join("; ")
}

fn range(r: Range) -> String {
    if r.min == r.max {
        r.min.to_string()
    } else {
        format!("{}-{}", r.min, r.max)
    }
}

/// A short English summary in the manner of ACLED's notes.
fn notes(event: &Event, country: &str) -> String {
    let mut s = match (&event.date.start, &event.date.end) {
        (Some(start), Some(end)) if start != end => format!("Between {start} and {end}, "),
        (Some(start), _) => format!("On {start}, "),
        (None, _) => "On an unknown date, ".to_string(),
    };
    if let Some(a) = &event.actor1 {
        s.push_str(&a.name);
        s.push_str(": ");
    }
    let what = if event.sub_event_type.is_empty() {
        &event.event_type
    } else {
        &event.sub_event_type
    };
    s.push_str(&what.to_lowercase());
    if let Some(l) = &event.location {
        s.push_str(" at ");
        s.push_str(&l.name);
        if !country.is_empty() {
            s.push_str(&format!(" ({country})"));
        }
    }
    if let Some(a) = &event.actor2 {
        s.push_str(" against ");
        s.push_str(&a.name);
    }
    s.push('.');
    if let Some(f) = event.fatalities {
        s.push_str(&format!(" Fatalities: {}.", range(f)));
    }
    if let Some(i) = event.injured {
        s.push_str(&format!(" Injured: {}.", range(i)));
    }
    let n = event.docs.len();
    s.push_str(&format!(" {n} source{}.", if n == 1 { "" } else { "s" }));
    s
}

#[cfg(test)]
mod tests {
    use super::*;
    use rasid_merge::{EventDate, Evidence, Location, Source};

    fn actor(name: &str, name_ar: &str, inter: u8) -> ActorRef {
        ActorRef {
            name: name.into(),
            name_ar: name_ar.into(),
            inter,
            country: None,
            parents: Vec::new(),
        }
    }

    fn strike() -> Event {
        Event {
            id: "ev-3f2a9c".into(),
            docs: vec!["p001".into(), "p007".into()],
            event_type: "Explosions/Remote violence".into(),
            sub_event_type: "Air/drone strike".into(),
            date: EventDate {
                start: Some("2024-02-02".into()),
                end: Some("2024-02-02".into()),
                precision: "day".into(),
            },
            actor1: Some(actor("United States", "الولايات المتحدة", 8)),
            actor2: Some(actor(
                "Islamic Resistance in Iraq",
                "المقاومة الإسلامية في العراق",
                3,
            )),
            location: Some(Location {
                name: "Al-Bukamal".into(),
                name_ar: "البوكمال".into(),
                country: "SY".into(),
                admin1: "Deir ez-Zor".into(),
                lat: 34.4535,
                lon: 40.9367,
                precision: 1,
            }),
            weapons: vec!["aircraft".into(), "missile".into()],
            fatalities: Some(Range { min: 3, max: 5 }),
            injured: Some(Range { min: 40, max: 40 }),
            responds_to: vec!["ev-0001".into()],
            sources: vec![
                Source {
                    doc: "p001".into(),
                    claimant: Some("CENTCOM".into()),
                },
                Source {
                    doc: "p007".into(),
                    claimant: None,
                },
            ],
            evidence: vec![Evidence {
                doc: "p001".into(),
                start: 10,
                end: 15,
                field: "trigger".into(),
            }],
        }
    }

    fn attack() -> Event {
        Event {
            id: "ev-0001".into(),
            docs: vec!["p001".into()],
            event_type: "Explosions/Remote violence".into(),
            sub_event_type: "Air/drone strike".into(),
            date: EventDate {
                start: None,
                end: None,
                precision: "unknown".into(),
            },
            actor1: Some(actor(
                "Islamic Resistance in Iraq",
                "المقاومة الإسلامية، في العراق",
                3,
            )),
            actor2: None,
            location: Some(Location {
                name: "Tower 22".into(),
                name_ar: "البرج 22".into(),
                country: "JO".into(),
                admin1: "Mafraq".into(),
                lat: 33.3,
                lon: 38.7,
                precision: 1,
            }),
            weapons: vec!["drone".into()],
            fatalities: None,
            injured: None,
            responds_to: Vec::new(),
            sources: vec![Source {
                doc: "p001".into(),
                claimant: None,
            }],
            evidence: Vec::new(),
        }
    }

    fn docs() -> Vec<Document> {
        let doc = |id: &str, outlet: Option<&str>| Document {
            id: id.into(),
            text: "نص".into(),
            url: None,
            outlet: outlet.map(String::from),
            published: None,
        };
        vec![
            doc("p001", Some("Al-Binaa")),
            doc("p007", Some("Enab Baladi, Syria")),
        ]
    }

    fn write(events: &[Event]) -> String {
        let mut out = Vec::new();
        write_csv(events, &docs(), 1_700_000_000, &mut out).unwrap();
        String::from_utf8(out).unwrap()
    }

    fn records(csv_text: &str) -> Vec<HashMap<String, String>> {
        let mut reader = csv::Reader::from_reader(csv_text.as_bytes());
        let header: Vec<String> = reader.headers().unwrap().iter().map(String::from).collect();
        reader
            .records()
            .map(|r| {
                let r = r.unwrap();
                assert_eq!(r.len(), header.len());
                header
                    .iter()
                    .cloned()
                    .zip(r.iter().map(String::from))
                    .collect()
            })
            .collect()
    }

    #[test]
    fn header_is_exact() {
        let text = write(&[]);
        let expected = "event_id_cnty,event_date,year,time_precision,disorder_type,event_type,\
            sub_event_type,actor1,assoc_actor_1,inter1,actor2,assoc_actor_2,inter2,interaction,\
            civilian_targeting,iso,region,country,admin1,admin2,admin3,location,latitude,\
            longitude,geo_precision,source,source_scale,notes,fatalities,tags,timestamp,\
            fatalities_max,injured_min,injured_max,weapons,responds_to,n_sources,documents,\
            date_start,date_end,actor1_ar,actor2_ar,location_ar\n";
        assert_eq!(text, expected);
    }

    #[test]
    fn row_round_trips_through_a_csv_reader() {
        let rows = records(&write(&[attack(), strike()]));
        assert_eq!(rows.len(), 2);
        let r = &rows[1];
        let get = |k: &str| r[k].as_str();
        assert_eq!(get("event_id_cnty"), "SYR3f2a9c");
        assert_eq!(get("event_date"), "2024-02-02");
        assert_eq!(get("year"), "2024");
        assert_eq!(get("time_precision"), "1");
        assert_eq!(get("disorder_type"), "Political violence");
        assert_eq!(get("event_type"), "Explosions/Remote violence");
        assert_eq!(get("sub_event_type"), "Air/drone strike");
        assert_eq!(get("actor1"), "United States");
        assert_eq!(get("inter1"), "8");
        assert_eq!(get("actor2"), "Islamic Resistance in Iraq");
        assert_eq!(get("inter2"), "3");
        assert_eq!(get("interaction"), "38");
        assert_eq!(get("civilian_targeting"), "");
        assert_eq!(get("iso"), "760");
        assert_eq!(get("region"), "Middle East");
        assert_eq!(get("country"), "Syria");
        assert_eq!(get("admin1"), "Deir ez-Zor");
        assert_eq!(get("location"), "Al-Bukamal");
        assert_eq!(get("latitude"), "34.4535");
        assert_eq!(get("longitude"), "40.9367");
        assert_eq!(get("geo_precision"), "1");
        assert_eq!(get("source"), "CENTCOM; Al-Binaa; Enab Baladi, Syria");
        assert_eq!(get("source_scale"), "Other");
        assert_eq!(
            get("notes"),
            "On 2024-02-02, United States: air/drone strike at Al-Bukamal (Syria) against \
             Islamic Resistance in Iraq. Fatalities: 3-5. Injured: 40. 2 sources."
        );
        assert_eq!(get("fatalities"), "3");
        assert_eq!(get("tags"), "");
        assert_eq!(get("timestamp"), "1700000000");
        assert_eq!(get("fatalities_max"), "5");
        assert_eq!(get("injured_min"), "40");
        assert_eq!(get("injured_max"), "40");
        assert_eq!(get("weapons"), "aircraft; missile");
        assert_eq!(get("responds_to"), "JOR0001");
        assert_eq!(get("n_sources"), "2");
        assert_eq!(get("documents"), "p001; p007");
        assert_eq!(get("date_start"), "2024-02-02");
        assert_eq!(get("date_end"), "2024-02-02");
        assert_eq!(get("actor1_ar"), "الولايات المتحدة");
        assert_eq!(get("actor2_ar"), "المقاومة الإسلامية في العراق");
        assert_eq!(get("location_ar"), "البوكمال");
    }

    #[test]
    fn unknown_values_stay_empty_and_fatalities_default_to_zero() {
        let rows = records(&write(&[attack()]));
        let r = &rows[0];
        assert_eq!(r["event_date"], "");
        assert_eq!(r["year"], "");
        assert_eq!(r["time_precision"], "3");
        assert_eq!(r["actor2"], "");
        assert_eq!(r["inter2"], "");
        assert_eq!(r["interaction"], "30");
        assert_eq!(r["fatalities"], "0");
        assert_eq!(r["fatalities_max"], "");
        assert_eq!(r["injured_min"], "");
        assert_eq!(r["country"], "Jordan");
        assert_eq!(r["source"], "Al-Binaa");
        assert_eq!(
            r["notes"],
            "On an unknown date, Islamic Resistance in Iraq: air/drone strike at Tower 22 \
             (Jordan). 1 source."
        );
    }

    #[test]
    fn fields_with_commas_quotes_and_newlines_are_quoted() {
        let mut event = attack();
        event.actor1 = Some(actor("Hamas, \"Qassam\"\nBrigades", "كتائب، \"القسام\"", 3));
        let text = write(std::slice::from_ref(&event));
        assert!(
            text.contains("\"Hamas, \"\"Qassam\"\"\nBrigades\""),
            "{text}"
        );
        assert!(text.contains("\"كتائب، \"\"القسام\"\"\""), "{text}");
        let rows = records(&text);
        assert_eq!(rows[0]["actor1"], "Hamas, \"Qassam\"\nBrigades");
        assert_eq!(rows[0]["actor1_ar"], "كتائب، \"القسام\"");
        assert_eq!(rows[0]["actor2_ar"], "");
    }

    #[test]
    fn civilians_and_unknown_countries() {
        let mut event = attack();
        event.event_type = "Violence against civilians".into();
        event.sub_event_type = "Attack".into();
        event.actor2 = Some(actor("Civilians (Syria)", "مدنيين", 7));
        event.location.as_mut().unwrap().country = "fr".into();
        let r = &records(&write(&[event]))[0];
        assert_eq!(r["civilian_targeting"], "Civilian targeting");
        assert_eq!(r["interaction"], "37");
        assert_eq!(r["event_id_cnty"], "FR0001");
        assert_eq!(r["country"], "fr");
        assert_eq!(r["iso"], "");
        assert_eq!(r["region"], "");
    }

    #[test]
    fn acled_codes() {
        assert_eq!(interaction(Some(1), Some(3)), "13");
        assert_eq!(interaction(Some(3), Some(1)), "13");
        assert_eq!(interaction(Some(8), Some(2)), "28");
        assert_eq!(interaction(None, Some(6)), "60");
        assert_eq!(interaction(None, None), "");
        assert_eq!(
            disorder_type("Battles", "Armed clash"),
            "Political violence"
        );
        assert_eq!(
            disorder_type("Protests", "Peaceful protest"),
            "Demonstrations"
        );
        assert_eq!(
            disorder_type("Riots", "Violent demonstration"),
            "Demonstrations"
        );
        assert_eq!(disorder_type("Riots", "Mob violence"), "Political violence");
        assert_eq!(
            disorder_type("Strategic developments", "Arrests"),
            "Strategic developments"
        );
        assert_eq!(time_precision("day", "2024-02-02", "2024-02-02"), 1);
        assert_eq!(time_precision("range", "2024-02-27", "2024-03-02"), 2);
        assert_eq!(time_precision("range", "2024-02-01", "2024-02-20"), 3);
        assert_eq!(time_precision("month", "2024-02-01", "2024-02-29"), 3);
        assert_eq!(time_precision("unknown", "", ""), 3);
        assert_eq!(days("1970-01-01"), Some(0));
        assert_eq!(days("2024-03-01"), Some(19_783));
        assert_eq!(days("2024-13-01"), None);
    }
}
