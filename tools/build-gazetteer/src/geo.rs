//! Distances and point-in-polygon tests over GeoJSON (Multi)Polygons.

use serde_json::Value;

/// Great-circle distance in kilometres.
pub fn haversine_km(lat1: f64, lon1: f64, lat2: f64, lon2: f64) -> f64 {
    let (p1, p2) = (lat1.to_radians(), lat2.to_radians());
    let dp = (lat2 - lat1).to_radians();
    let dl = (lon2 - lon1).to_radians();
    let a = (dp / 2.0).sin().powi(2) + p1.cos() * p2.cos() * (dl / 2.0).sin().powi(2);
    2.0 * 6371.0 * a.sqrt().asin()
}

/// A ring of (lon, lat) points.
type Ring = Vec<(f64, f64)>;

/// A (multi)polygon: polygons, each an outer ring then holes; with a bounding box.
#[derive(Debug, Clone, Default)]
pub struct Shape {
    polygons: Vec<Vec<Ring>>,
    bbox: (f64, f64, f64, f64),
}

impl Shape {
    /// Reads a GeoJSON geometry object of type Polygon or MultiPolygon.
    pub fn from_geojson(geometry: &Value) -> Option<Shape> {
        let coords = geometry.get("coordinates")?;
        let polygons: Vec<Vec<Ring>> = match geometry.get("type")?.as_str()? {
            "Polygon" => vec![read_polygon(coords)?],
            "MultiPolygon" => coords
                .as_array()?
                .iter()
                .map(read_polygon)
                .collect::<Option<_>>()?,
            _ => return None,
        };
        let mut bbox = (f64::MAX, f64::MAX, f64::MIN, f64::MIN);
        for &(x, y) in polygons.iter().flat_map(|p| p.first()).flatten() {
            bbox.0 = bbox.0.min(x);
            bbox.1 = bbox.1.min(y);
            bbox.2 = bbox.2.max(x);
            bbox.3 = bbox.3.max(y);
        }
        Some(Shape { polygons, bbox })
    }

    /// Whether the point lies inside (in an outer ring and in none of its holes).
    pub fn contains(&self, lat: f64, lon: f64) -> bool {
        let (x0, y0, x1, y1) = self.bbox;
        if lon < x0 || lon > x1 || lat < y0 || lat > y1 {
            return false;
        }
        self.polygons.iter().any(|rings| {
            let mut it = rings.iter();
            match it.next() {
                Some(outer) if in_ring(outer, lon, lat) => !it.any(|h| in_ring(h, lon, lat)),
                _ => false,
            }
        })
    }
}

fn read_polygon(v: &Value) -> Option<Vec<Ring>> {
    v.as_array()?
        .iter()
        .map(|ring| {
            ring.as_array()?
                .iter()
                .map(|p| Some((p.get(0)?.as_f64()?, p.get(1)?.as_f64()?)))
                .collect::<Option<Ring>>()
        })
        .collect()
}

/// Even-odd ray casting.
fn in_ring(ring: &[(f64, f64)], x: f64, y: f64) -> bool {
    let mut inside = false;
    let n = ring.len();
    if n < 3 {
        return false;
    }
    let mut j = n - 1;
    for i in 0..n {
        let (xi, yi) = ring[i];
        let (xj, yj) = ring[j];
        if (yi > y) != (yj > y) && x < (xj - xi) * (y - yi) / (yj - yi) + xi {
            inside = !inside;
        }
        j = i;
    }
    inside
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn distance_between_known_towns() {
        // Al-Bukamal to Al-Qaim, about 9 km.
        let d = haversine_km(34.45, 40.9186, 34.3925, 40.9895);
        assert!((8.0..10.0).contains(&d), "{d}");
        assert_eq!(haversine_km(33.0, 44.0, 33.0, 44.0), 0.0);
    }

    #[test]
    fn point_in_polygon_with_hole() {
        let g: Value = serde_json::from_str(
            r#"{"type":"Polygon","coordinates":[
                [[0,0],[10,0],[10,10],[0,10],[0,0]],
                [[4,4],[6,4],[6,6],[4,6],[4,4]]]}"#,
        )
        .unwrap();
        let s = Shape::from_geojson(&g).unwrap();
        assert!(s.contains(1.0, 1.0));
        assert!(!s.contains(5.0, 5.0));
        assert!(!s.contains(11.0, 5.0));
        let m: Value = serde_json::from_str(
            r#"{"type":"MultiPolygon","coordinates":[[[[0,0],[1,0],[1,1],[0,0]]],[[[20,20],[30,20],[30,30],[20,30],[20,20]]]]}"#,
        )
        .unwrap();
        let s = Shape::from_geojson(&m).unwrap();
        assert!(s.contains(25.0, 25.0));
        assert!(!s.contains(15.0, 15.0));
        let p: Value = serde_json::from_str(r#"{"type":"Point","coordinates":[1,2]}"#).unwrap();
        assert!(Shape::from_geojson(&p).is_none());
    }
}
