//! Plane geometry on lon/lat degrees: simplification, clipping to a box, label points
//! and the quantised, delta-encoded form written to `borders.json`.

/// A position as `[lon, lat]` in degrees.
pub type Point = [f64; 2];

/// An axis-aligned box in degrees.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct BBox {
    pub min_lon: f64,
    pub min_lat: f64,
    pub max_lon: f64,
    pub max_lat: f64,
}

impl BBox {
    pub fn of(points: &[Point]) -> Option<BBox> {
        let first = points.first()?;
        let mut b = BBox {
            min_lon: first[0],
            min_lat: first[1],
            max_lon: first[0],
            max_lat: first[1],
        };
        for p in points {
            b.min_lon = b.min_lon.min(p[0]);
            b.min_lat = b.min_lat.min(p[1]);
            b.max_lon = b.max_lon.max(p[0]);
            b.max_lat = b.max_lat.max(p[1]);
        }
        Some(b)
    }

    pub fn intersects(&self, other: &BBox) -> bool {
        self.min_lon <= other.max_lon
            && other.min_lon <= self.max_lon
            && self.min_lat <= other.max_lat
            && other.min_lat <= self.max_lat
    }
}

fn distance_to_segment(p: Point, a: Point, b: Point) -> f64 {
    let (dx, dy) = (b[0] - a[0], b[1] - a[1]);
    let len2 = dx * dx + dy * dy;
    let t = if len2 == 0.0 {
        0.0
    } else {
        (((p[0] - a[0]) * dx + (p[1] - a[1]) * dy) / len2).clamp(0.0, 1.0)
    };
    let (ex, ey) = (p[0] - (a[0] + t * dx), p[1] - (a[1] + t * dy));
    (ex * ex + ey * ey).sqrt()
}

/// Douglas–Peucker: keeps the endpoints (so lines that meet at a shared endpoint still
/// meet) and every point farther than `tolerance` from the simplified line.
pub fn simplify(line: &[Point], tolerance: f64) -> Vec<Point> {
    if line.len() < 3 {
        return line.to_vec();
    }
    let mut keep = vec![false; line.len()];
    keep[0] = true;
    keep[line.len() - 1] = true;
    let mut ranges = vec![(0, line.len() - 1)];
    while let Some((first, last)) = ranges.pop() {
        let mut farthest = (0.0, 0);
        for i in first + 1..last {
            let d = distance_to_segment(line[i], line[first], line[last]);
            if d > farthest.0 {
                farthest = (d, i);
            }
        }
        if farthest.0 > tolerance {
            keep[farthest.1] = true;
            ranges.push((first, farthest.1));
            ranges.push((farthest.1, last));
        }
    }
    line.iter()
        .zip(keep)
        .filter_map(|(p, k)| k.then_some(*p))
        .collect()
}

/// Liang–Barsky: the part of segment `a`–`b` inside the box as parameters `t0..t1` of
/// `a + t (b - a)`, or `None` when no part is inside.
fn clip_segment(a: Point, b: Point, bbox: &BBox) -> Option<(f64, f64)> {
    let (dx, dy) = (b[0] - a[0], b[1] - a[1]);
    let (mut t0, mut t1) = (0.0_f64, 1.0_f64);
    for (p, q) in [
        (-dx, a[0] - bbox.min_lon),
        (dx, bbox.max_lon - a[0]),
        (-dy, a[1] - bbox.min_lat),
        (dy, bbox.max_lat - a[1]),
    ] {
        if p == 0.0 {
            if q < 0.0 {
                return None;
            }
        } else {
            let r = q / p;
            if p < 0.0 {
                t0 = t0.max(r);
            } else {
                t1 = t1.min(r);
            }
        }
    }
    (t0 <= t1).then_some((t0, t1))
}

fn lerp(a: Point, b: Point, t: f64) -> Point {
    [a[0] + t * (b[0] - a[0]), a[1] + t * (b[1] - a[1])]
}

/// The pieces of a polyline inside the box (a line that leaves and re-enters gives two).
pub fn clip_polyline(line: &[Point], bbox: &BBox) -> Vec<Vec<Point>> {
    let mut pieces = Vec::new();
    let mut piece: Vec<Point> = Vec::new();
    for w in line.windows(2) {
        let Some((t0, t1)) = clip_segment(w[0], w[1], bbox) else {
            if piece.len() >= 2 {
                pieces.push(std::mem::take(&mut piece));
            }
            piece.clear();
            continue;
        };
        if t0 > 0.0 && piece.len() >= 2 {
            pieces.push(std::mem::take(&mut piece));
        }
        if piece.is_empty() || t0 > 0.0 {
            piece.clear();
            piece.push(lerp(w[0], w[1], t0));
        }
        piece.push(lerp(w[0], w[1], t1));
        if t1 < 1.0 {
            pieces.push(std::mem::take(&mut piece));
        }
    }
    if piece.len() >= 2 {
        pieces.push(piece);
    }
    pieces.retain(|p| p.len() >= 2);
    pieces
}

/// Sutherland–Hodgman: a closed ring (first point not repeated) cut to the box, for
/// filling; the cut edges run along the box sides.
pub fn clip_ring(ring: &[Point], bbox: &BBox) -> Vec<Point> {
    type Inside = fn(Point, &BBox) -> bool;
    type Cross = fn(Point, Point, &BBox) -> Point;
    let sides: [(Inside, Cross); 4] = [
        (
            |p, b| p[0] >= b.min_lon,
            |a, c, b| lerp(a, c, (b.min_lon - a[0]) / (c[0] - a[0])),
        ),
        (
            |p, b| p[0] <= b.max_lon,
            |a, c, b| lerp(a, c, (b.max_lon - a[0]) / (c[0] - a[0])),
        ),
        (
            |p, b| p[1] >= b.min_lat,
            |a, c, b| lerp(a, c, (b.min_lat - a[1]) / (c[1] - a[1])),
        ),
        (
            |p, b| p[1] <= b.max_lat,
            |a, c, b| lerp(a, c, (b.max_lat - a[1]) / (c[1] - a[1])),
        ),
    ];
    let mut out = ring.to_vec();
    for (inside, cross) in sides {
        let input = std::mem::take(&mut out);
        let Some(&last) = input.last() else {
            break;
        };
        let mut prev = last;
        for &p in &input {
            match (inside(prev, bbox), inside(p, bbox)) {
                (true, true) => out.push(p),
                (true, false) => out.push(cross(prev, p, bbox)),
                (false, true) => {
                    out.push(cross(prev, p, bbox));
                    out.push(p);
                }
                (false, false) => {}
            }
            prev = p;
        }
    }
    out
}

/// Signed area (shoelace), positive for counter-clockwise rings.
pub fn ring_area(ring: &[Point]) -> f64 {
    let n = ring.len();
    (0..n)
        .map(|i| {
            let (a, b) = (ring[i], ring[(i + 1) % n]);
            a[0] * b[1] - b[0] * a[1]
        })
        .sum::<f64>()
        / 2.0
}

/// Longitudes where the ring's edges cross the parallel `lat`, sorted.
fn crossings(ring: &[Point], lat: f64) -> Vec<f64> {
    let n = ring.len();
    let mut xs: Vec<f64> = (0..n)
        .filter_map(|i| {
            let (a, b) = (ring[i], ring[(i + 1) % n]);
            ((a[1] > lat) != (b[1] > lat))
                .then(|| a[0] + (lat - a[1]) / (b[1] - a[1]) * (b[0] - a[0]))
        })
        .collect();
    xs.sort_by(f64::total_cmp);
    xs
}

/// A point inside the ring to anchor its label: the middle of the widest stretch of the
/// ring along the parallel through its centroid's latitude (the centroid itself can fall outside a
/// concave shape).
pub fn label_point(ring: &[Point]) -> Option<Point> {
    let area = ring_area(ring);
    if area == 0.0 {
        return None;
    }
    let n = ring.len();
    let lat = (0..n)
        .map(|i| {
            let (a, b) = (ring[i], ring[(i + 1) % n]);
            (a[1] + b[1]) * (a[0] * b[1] - b[0] * a[1])
        })
        .sum::<f64>()
        / (6.0 * area);
    let xs = crossings(ring, lat);
    let widest = xs
        .chunks_exact(2)
        .max_by(|a, b| (a[1] - a[0]).total_cmp(&(b[1] - b[0])))?;
    Some([(widest[0] + widest[1]) / 2.0, lat])
}

/// Degrees to integer units of 1/1000 degree (about 100 m).
pub const UNITS_PER_DEGREE: f64 = 1000.0;

pub fn quantise(p: Point) -> [i64; 2] {
    [
        (p[0] * UNITS_PER_DEGREE).round() as i64,
        (p[1] * UNITS_PER_DEGREE).round() as i64,
    ]
}

/// `[x0, y0, dx1, dy1, …]`: the first point in units, then each point's difference from
/// the one before; points that quantise to the same position as the one before are dropped.
pub fn delta_encode(points: &[Point]) -> Vec<i64> {
    let mut out = Vec::with_capacity(points.len() * 2);
    let mut prev: Option<[i64; 2]> = None;
    for &p in points {
        let q = quantise(p);
        match prev {
            Some(r) if r == q => continue,
            Some(r) => out.extend([q[0] - r[0], q[1] - r[1]]),
            None => out.extend(q),
        }
        prev = Some(q);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    const UNIT: BBox = BBox {
        min_lon: 0.0,
        min_lat: 0.0,
        max_lon: 1.0,
        max_lat: 1.0,
    };

    #[test]
    fn simplification_keeps_endpoints_and_corners() {
        let line = [
            [0.0, 0.0],
            [1.0, 0.001],
            [2.0, 0.0],
            [2.0, 2.0],
            [2.001, 3.0],
        ];
        assert_eq!(
            simplify(&line, 0.01),
            vec![[0.0, 0.0], [2.0, 0.0], [2.001, 3.0]]
        );
        let closed = [[0.0, 0.0], [1.0, 0.0], [1.0, 1.0], [0.0, 0.0]];
        assert_eq!(simplify(&closed, 0.01), closed.to_vec());
    }

    #[test]
    fn polylines_leaving_the_box_come_out_in_pieces() {
        let line = [[0.5, 0.5], [1.5, 0.5], [1.5, 0.2], [0.5, 0.2], [0.2, 0.2]];
        let pieces = clip_polyline(&line, &UNIT);
        assert_eq!(
            pieces,
            vec![
                vec![[0.5, 0.5], [1.0, 0.5]],
                vec![[1.0, 0.2], [0.5, 0.2], [0.2, 0.2]]
            ]
        );
        assert!(clip_polyline(&[[2.0, 2.0], [3.0, 3.0]], &UNIT).is_empty());
    }

    #[test]
    fn rings_are_cut_along_the_box() {
        let square = [[0.5, 0.5], [1.5, 0.5], [1.5, 1.5], [0.5, 1.5]];
        let cut = clip_ring(&square, &UNIT);
        assert!((ring_area(&cut) - 0.25).abs() < 1e-12);
        assert!(clip_ring(&[[2.0, 2.0], [3.0, 2.0], [3.0, 3.0]], &UNIT).is_empty());
    }

    #[test]
    fn label_points_fall_inside_concave_rings() {
        // A "U": its centroid lies in the gap between the arms.
        let u = [
            [0.0, 0.0],
            [3.0, 0.0],
            [3.0, 3.0],
            [2.0, 3.0],
            [2.0, 0.5],
            [1.0, 0.5],
            [1.0, 3.0],
            [0.0, 3.0],
        ];
        let p = label_point(&u).unwrap();
        assert!(!(1.0..2.0).contains(&p[0]) || p[1] < 0.5, "{p:?}");
    }

    #[test]
    fn delta_encoding_drops_repeated_positions() {
        let line = [[35.5, 33.9], [35.5001, 33.9], [35.6, 33.8]];
        assert_eq!(delta_encode(&line), vec![35500, 33900, 100, -100]);
    }
}
