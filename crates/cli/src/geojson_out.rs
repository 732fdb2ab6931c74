//! Events as a GeoJSON FeatureCollection (RFC 7946): one Point feature per event at
//! `[longitude, latitude]` (WGS 84, six decimals), flat properties that GIS tools show as
//! columns; an event without a place gets a `null` geometry, as the RFC allows.

use rasid_merge::Event;
use serde_json::{json, Map, Value};
use std::io::Write;

/// Rounds to six decimals (about 0.1 m), the precision RFC 7946 recommends.
fn coordinate(v: f64) -> Value {
    json!((v * 1e6).round() / 1e6)
}

fn feature(e: &Event) -> Value {
    let geometry = match &e.location {
        Some(l) => json!({"type": "Point", "coordinates": [coordinate(l.lon), coordinate(l.lat)]}),
        None => Value::Null,
    };
    let mut p = Map::new();
    let mut put = |k: &str, v: Value| {
        p.insert(k.to_string(), v);
    };
    put("id", json!(e.id));
    put("event_date", json!(e.date.start));
    put("date_end", json!(e.date.end));
    put("date_precision", json!(e.date.precision));
    put("event_type", json!(e.event_type));
    put("sub_event_type", json!(e.sub_event_type));
    for (n, actor) in [(1, &e.actor1), (2, &e.actor2)] {
        put(&format!("actor{n}"), json!(actor.as_ref().map(|a| &a.name)));
        put(
            &format!("actor{n}_ar"),
            json!(actor.as_ref().map(|a| &a.name_ar)),
        );
        put(&format!("inter{n}"), json!(actor.as_ref().map(|a| a.inter)));
    }
    let l = e.location.as_ref();
    put("country", json!(l.map(|l| &l.country)));
    put("admin1", json!(l.map(|l| &l.admin1)));
    put("location", json!(l.map(|l| &l.name)));
    put("location_ar", json!(l.map(|l| &l.name_ar)));
    put("geo_precision", json!(l.map(|l| l.precision)));
    put("fatalities", json!(e.fatalities.map(|r| r.min)));
    put("fatalities_max", json!(e.fatalities.map(|r| r.max)));
    put("injured_min", json!(e.injured.map(|r| r.min)));
    put("injured_max", json!(e.injured.map(|r| r.max)));
    put("weapons", json!(e.weapons.join(";")));
    put("responds_to", json!(e.responds_to.join(";")));
    put("n_sources", json!(e.docs.len()));
    put("documents", json!(e.docs.join(";")));
    json!({"type": "Feature", "id": e.id, "geometry": geometry, "properties": p})
}

/// Writes the events as one FeatureCollection.
pub fn write_geojson<W: Write>(events: &[Event], mut out: W) -> std::io::Result<()> {
    // streamed feature by feature: exports of many events need no second copy in memory
    out.write_all(b"{\"type\":\"FeatureCollection\",\"features\":[\n")?;
    for (i, e) in events.iter().enumerate() {
        if i > 0 {
            out.write_all(b",\n")?;
        }
        serde_json::to_writer(&mut out, &feature(e))?;
    }
    out.write_all(b"\n]}\n")?;
    out.flush()
}

#[cfg(test)]
mod tests {
    use super::*;
    use rasid_merge::{EventDate, Location, Range};

    fn event(id: &str, location: Option<Location>) -> Event {
        Event {
            id: id.into(),
            docs: vec!["a".into(), "b".into()],
            event_type: "Explosions/Remote violence".into(),
            sub_event_type: "Air/drone strike".into(),
            date: EventDate {
                start: Some("2024-01-19".into()),
                end: Some("2024-01-19".into()),
                precision: "day".into(),
            },
            actor1: None,
            actor2: None,
            location,
            weapons: vec!["drone".into()],
            fatalities: Some(Range { min: 2, max: 3 }),
            injured: None,
            responds_to: vec![],
            sources: vec![],
            evidence: vec![],
        }
    }

    #[test]
    fn points_are_longitude_then_latitude_and_unplaced_events_have_no_geometry() {
        let placed = event(
            "ev-1",
            Some(Location {
                name: "Al-Mayadin".into(),
                name_ar: "الميادين".into(),
                country: "SY".into(),
                admin1: "Deir ez-Zor".into(),
                lat: 35.019_166_666,
                lon: 40.451_666_666,
                precision: 1,
            }),
        );
        let mut out = Vec::new();
        write_geojson(&[placed, event("ev-2", None)], &mut out).unwrap();
        let v: Value = serde_json::from_slice(&out).unwrap();
        assert_eq!(v["type"], "FeatureCollection");
        let f = &v["features"][0];
        assert_eq!(f["geometry"]["coordinates"], json!([40.451667, 35.019167]));
        assert_eq!(f["properties"]["fatalities"], 2);
        assert_eq!(f["properties"]["documents"], "a;b");
        assert_eq!(v["features"][1]["geometry"], Value::Null);
        assert!(v.get("crs").is_none());
    }
}
