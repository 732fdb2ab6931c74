//! Readers of the upstream files: the world-atlas TopoJSON countries, the Natural Earth
//! admin-1 GeoJSON, and the country codes and Arabic names that label them.

use crate::geometry::{BBox, Point};
use serde_json::Value;
use std::collections::{HashMap, HashSet};

pub type Error = Box<dyn std::error::Error>;

/// A country of the TopoJSON: polygons of rings, each ring a list of arc references
/// (`i` is arc `i`, `!i` — that is `-i - 1` — is arc `i` reversed).
pub struct TopoCountry {
    /// ISO 3166-1 numeric code; world-atlas leaves it out for a few disputed areas.
    pub numeric: Option<u32>,
    pub name: String,
    pub polygons: Vec<Vec<Vec<i64>>>,
}

pub struct Topology {
    pub arcs: Vec<Vec<Point>>,
    pub countries: Vec<TopoCountry>,
}

fn field<'a>(v: &'a Value, key: &str, what: &str) -> Result<&'a Value, Error> {
    v.get(key)
        .ok_or_else(|| format!("{what}: no {key:?}").into())
}

fn numbers(v: &Value, what: &str) -> Result<Vec<f64>, Error> {
    v.as_array()
        .ok_or_else(|| format!("{what}: not an array"))?
        .iter()
        .map(|n| {
            n.as_f64()
                .ok_or_else(|| format!("{what}: not a number").into())
        })
        .collect()
}

/// Arcs of a quantised topology: each position after the first is a difference from the
/// one before, in units of `transform.scale` from `transform.translate`.
pub fn decode_arcs(arcs: &Value, transform: &Value) -> Result<Vec<Vec<Point>>, Error> {
    let scale = numbers(field(transform, "scale", "transform")?, "scale")?;
    let translate = numbers(field(transform, "translate", "transform")?, "translate")?;
    if scale.len() != 2 || translate.len() != 2 {
        return Err("transform: scale and translate need two numbers".into());
    }
    let arcs = arcs.as_array().ok_or("arcs: not an array")?;
    arcs.iter()
        .map(|arc| {
            let mut position = [0.0, 0.0];
            arc.as_array()
                .ok_or("arc: not an array")?
                .iter()
                .map(|delta| {
                    let d = numbers(delta, "arc position")?;
                    position[0] += d.first().ok_or("arc position: empty")?;
                    position[1] += d.get(1).ok_or("arc position: one number")?;
                    Ok([
                        position[0] * scale[0] + translate[0],
                        position[1] * scale[1] + translate[1],
                    ])
                })
                .collect()
        })
        .collect()
}

fn arc_refs(v: &Value) -> Result<Vec<i64>, Error> {
    v.as_array()
        .ok_or("ring: not an array")?
        .iter()
        .map(|r| r.as_i64().ok_or_else(|| "ring: not an arc index".into()))
        .collect()
}

pub fn parse_topology(text: &str) -> Result<Topology, Error> {
    let root: Value = serde_json::from_str(text)?;
    let arcs = decode_arcs(
        field(&root, "arcs", "topology")?,
        field(&root, "transform", "topology")?,
    )?;
    let geometries = root
        .pointer("/objects/countries/geometries")
        .and_then(Value::as_array)
        .ok_or("topology: no objects.countries.geometries")?;
    let mut countries = Vec::new();
    for g in geometries {
        let name = g
            .pointer("/properties/name")
            .and_then(Value::as_str)
            .ok_or("country without properties.name")?
            .to_string();
        let rings_of = |polygon: &Value| -> Result<Vec<Vec<i64>>, Error> {
            polygon
                .as_array()
                .ok_or("polygon: not an array")?
                .iter()
                .map(arc_refs)
                .collect()
        };
        let arcs = field(g, "arcs", &name)?;
        let polygons = match g.get("type").and_then(Value::as_str) {
            Some("Polygon") => vec![rings_of(arcs)?],
            Some("MultiPolygon") => arcs
                .as_array()
                .ok_or("multipolygon: not an array")?
                .iter()
                .map(rings_of)
                .collect::<Result<_, _>>()?,
            other => return Err(format!("{name}: unexpected geometry {other:?}").into()),
        };
        let numeric = g
            .get("id")
            .and_then(Value::as_str)
            .and_then(|s| s.parse().ok());
        countries.push(TopoCountry {
            numeric,
            name,
            polygons,
        });
    }
    Ok(Topology { arcs, countries })
}

/// The closed ring (first point not repeated) that a list of arc references traces.
pub fn ring_from_arcs(refs: &[i64], arcs: &[Vec<Point>]) -> Vec<Point> {
    let mut ring: Vec<Point> = Vec::new();
    for &r in refs {
        let (index, reversed) = if r < 0 { (!r, true) } else { (r, false) };
        let arc = &arcs[index as usize];
        let points: Vec<Point> = if reversed {
            arc.iter().rev().copied().collect()
        } else {
            arc.clone()
        };
        // Consecutive arcs share their meeting point.
        let skip = usize::from(!ring.is_empty());
        ring.extend(points.into_iter().skip(skip));
    }
    if ring.len() > 1 && ring.first() == ring.last() {
        ring.pop();
    }
    ring
}

/// ISO 3166-1 numeric → alpha-2, from GeoNames countryInfo.
pub fn parse_iso_codes(text: &str) -> Result<HashMap<u32, String>, Error> {
    let root: Value = serde_json::from_str(text)?;
    let countries = root.as_object().ok_or("countries.json: not an object")?;
    Ok(countries
        .iter()
        .filter_map(|(iso2, c)| Some((c.get("isonumeric")?.as_u64()? as u32, iso2.clone())))
        .collect())
}

/// ISO alpha-2 → Arabic country name, from CLDR.
pub fn parse_cldr_arabic(text: &str) -> Result<HashMap<String, String>, Error> {
    let root: Value = serde_json::from_str(text)?;
    let names = root
        .pointer("/main/ar/localeDisplayNames/territories")
        .and_then(Value::as_object)
        .ok_or("territories-ar.json: no main.ar.localeDisplayNames.territories")?;
    Ok(names
        .iter()
        .filter_map(|(code, name)| Some((code.clone(), name.as_str()?.to_string())))
        .collect())
}

pub struct Admin1 {
    pub name: String,
    pub name_ar: String,
    pub country: String,
    /// ISO 3166-2 code, e.g. `SY-DY`.
    pub code: String,
    pub label: Point,
    pub bbox: BBox,
    /// Closed rings (first point repeated at the end, as in GeoJSON).
    pub rings: Vec<Vec<Point>>,
}

fn ring_points(v: &Value) -> Result<Vec<Point>, Error> {
    v.as_array()
        .ok_or("ring: not an array")?
        .iter()
        .map(|p| {
            let n = numbers(p, "position")?;
            match n[..] {
                [lon, lat, ..] => Ok([lon, lat]),
                _ => Err("position: fewer than two numbers".into()),
            }
        })
        .collect()
}

pub fn parse_admin1(text: &str) -> Result<Vec<Admin1>, Error> {
    let root: Value = serde_json::from_str(text)?;
    let features = root
        .get("features")
        .and_then(Value::as_array)
        .ok_or("admin-1: no features")?;
    let mut out = Vec::new();
    for f in features {
        let p = field(f, "properties", "feature")?;
        let text_of = |key: &str| p.get(key).and_then(Value::as_str).unwrap_or("").to_string();
        let name = Some(text_of("name_en"))
            .filter(|n| !n.is_empty())
            .unwrap_or_else(|| text_of("name"));
        let g = field(f, "geometry", &name)?;
        let coordinates = field(g, "coordinates", &name)?;
        let polygons: Vec<&Value> = match g.get("type").and_then(Value::as_str) {
            Some("Polygon") => vec![coordinates],
            Some("MultiPolygon") => coordinates
                .as_array()
                .ok_or("multipolygon: not an array")?
                .iter()
                .collect(),
            other => return Err(format!("{name}: unexpected geometry {other:?}").into()),
        };
        let mut rings = Vec::new();
        for polygon in polygons {
            for ring in polygon.as_array().ok_or("polygon: not an array")? {
                rings.push(ring_points(ring)?);
            }
        }
        let all: Vec<Point> = rings.concat();
        let bbox = BBox::of(&all).ok_or_else(|| format!("{name}: empty geometry"))?;
        let coordinate = |key: &str| p.get(key).and_then(Value::as_f64);
        let label = match (coordinate("longitude"), coordinate("latitude")) {
            (Some(lon), Some(lat)) => [lon, lat],
            _ => [
                (bbox.min_lon + bbox.max_lon) / 2.0,
                (bbox.min_lat + bbox.max_lat) / 2.0,
            ],
        };
        out.push(Admin1 {
            name_ar: text_of("name_ar"),
            country: text_of("iso_a2"),
            code: text_of("iso_3166_2"),
            name,
            label,
            bbox,
            rings,
        });
    }
    Ok(out)
}

/// The boundaries between neighbouring polygons: the edges that two rings share (the
/// polygons of one data set share their vertices exactly), joined into lines that break
/// where three or more polygons meet. Each boundary comes out once, so that lines simplified
/// afterwards still match on both sides; edges of a single ring (coasts, the outline of the
/// whole set) are left out.
pub fn shared_boundaries(rings: &[Vec<Point>]) -> Vec<Vec<Point>> {
    // Vertices are identified at 1e-7 degree.
    let key = |p: Point| ((p[0] * 1e7).round() as i64, (p[1] * 1e7).round() as i64);
    let mut ids: HashMap<(i64, i64), usize> = HashMap::new();
    let mut positions: Vec<Point> = Vec::new();
    let mut edge_uses: HashMap<(usize, usize), u32> = HashMap::new();
    let mut edges: Vec<(usize, usize)> = Vec::new();
    for ring in rings {
        let ring_ids: Vec<usize> = ring
            .iter()
            .map(|&p| {
                *ids.entry(key(p)).or_insert_with(|| {
                    positions.push(p);
                    positions.len() - 1
                })
            })
            .collect();
        for w in ring_ids.windows(2) {
            if w[0] == w[1] {
                continue;
            }
            let edge = (w[0].min(w[1]), w[0].max(w[1]));
            let uses = edge_uses.entry(edge).or_insert(0);
            if *uses == 0 {
                edges.push(edge);
            }
            *uses += 1;
        }
    }
    let mut neighbours: Vec<Vec<usize>> = vec![Vec::new(); positions.len()];
    for &(a, b) in edges.iter().filter(|e| edge_uses[e] >= 2) {
        neighbours[a].push(b);
        neighbours[b].push(a);
    }
    let mut walked: HashSet<(usize, usize)> = HashSet::new();
    let walk = |start: usize, next: usize, walked: &mut HashSet<(usize, usize)>| {
        let mut line = vec![positions[start], positions[next]];
        walked.insert((start.min(next), start.max(next)));
        let mut at = next;
        while neighbours[at].len() == 2 {
            let Some(&to) = neighbours[at]
                .iter()
                .find(|&&n| !walked.contains(&(at.min(n), at.max(n))))
            else {
                break;
            };
            walked.insert((at.min(to), at.max(to)));
            line.push(positions[to]);
            at = to;
        }
        line
    };
    let mut lines = Vec::new();
    // Lines between junctions and ends first, then the closed loops that have none.
    for junctions_only in [true, false] {
        for (start, around) in neighbours.iter().enumerate() {
            if junctions_only == (around.len() == 2) {
                continue;
            }
            for &next in around {
                if !walked.contains(&(start.min(next), start.max(next))) {
                    lines.push(walk(start, next, &mut walked));
                }
            }
        }
    }
    lines
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn arcs_are_decoded_from_deltas_and_the_transform() {
        let arcs: Value =
            serde_json::from_str("[[[10, 20], [1, -2], [3, 0]], [[0, 0], [5, 5]]]").unwrap();
        let transform: Value =
            serde_json::from_str(r#"{"scale": [0.5, 0.25], "translate": [-180, -90]}"#).unwrap();
        let decoded = decode_arcs(&arcs, &transform).unwrap();
        assert_eq!(
            decoded[0],
            vec![[-175.0, -85.0], [-174.5, -85.5], [-173.0, -85.5]]
        );
        assert_eq!(decoded[1], vec![[-180.0, -90.0], [-177.5, -88.75]]);
    }

    #[test]
    fn rings_join_arcs_and_reverse_negative_references() {
        let arcs = vec![
            vec![[0.0, 0.0], [1.0, 0.0], [1.0, 1.0]],
            vec![[0.0, 0.0], [0.0, 1.0], [1.0, 1.0]],
        ];
        assert_eq!(
            ring_from_arcs(&[0, !1], &arcs),
            vec![[0.0, 0.0], [1.0, 0.0], [1.0, 1.0], [0.0, 1.0]]
        );
    }

    #[test]
    fn only_boundaries_between_two_polygons_are_kept_once() {
        // Two unit squares side by side share the edge x = 1.
        let left = vec![[0.0, 0.0], [1.0, 0.0], [1.0, 1.0], [0.0, 1.0], [0.0, 0.0]];
        let right = vec![[1.0, 0.0], [2.0, 0.0], [2.0, 1.0], [1.0, 1.0], [1.0, 0.0]];
        let lines = shared_boundaries(&[left, right]);
        assert_eq!(lines.len(), 1);
        let mut line = lines[0].clone();
        line.sort_by(|a, b| a[1].total_cmp(&b[1]));
        assert_eq!(line, vec![[1.0, 0.0], [1.0, 1.0]]);
    }
}
