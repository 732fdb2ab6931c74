#!/usr/bin/env python3
"""Checks the exports of one store against each other and the formats' rules.

usage: check-export.py EVENTS.csv EVENTS.geojson EVENTS.jsonl

- the CSV loads with Python's csv module and with pandas, has ACLED's column names (in
  ACLED's order, rasid's own columns after them) and one row per event of the JSON Lines;
- the GeoJSON is an RFC 7946 FeatureCollection: strict JSON (no NaN), no "crs" member,
  Features with an id, object properties and a null or Point geometry whose coordinates are
  [longitude, latitude] in range, one Feature per event.
Prints what it checked; exits 1 with the reasons when anything fails.
"""

import csv
import json
import sys

ACLED_COLUMNS = [
    "event_id_cnty", "event_date", "year", "time_precision", "disorder_type", "event_type",
    "sub_event_type", "actor1", "assoc_actor_1", "inter1", "actor2", "assoc_actor_2", "inter2",
    "interaction", "civilian_targeting", "iso", "region", "country", "admin1", "admin2",
    "admin3", "location", "latitude", "longitude", "geo_precision", "source", "source_scale",
    "notes", "fatalities", "tags", "timestamp",
]
RASID_COLUMNS = [
    "fatalities_max", "injured_min", "injured_max", "weapons", "responds_to", "n_sources",
    "documents",
]

problems = []


def check(ok, message):
    if not ok:
        problems.append(message)


def no_constant(name):
    raise ValueError(f"not JSON: {name}")


def check_csv(path, events):
    with open(path, newline="", encoding="utf-8") as f:
        rows = list(csv.DictReader(f))
        f.seek(0)
        header = next(csv.reader(f))
    check(header[: len(ACLED_COLUMNS)] == ACLED_COLUMNS, f"{path}: ACLED columns not first, in order")
    for c in RASID_COLUMNS:
        check(c in header, f"{path}: no column {c}")
    check(len(rows) == len(events), f"{path}: {len(rows)} rows for {len(events)} events")
    ids = [r["event_id_cnty"] for r in rows]
    check(len(set(ids)) == len(ids), f"{path}: event_id_cnty repeats")
    for r, e in zip(rows, events):
        # ACLED's fatalities: the conservative (minimum) figure, 0 when none is reported
        fatalities = (e.get("fatalities") or {}).get("min", 0)
        check(
            r["fatalities"] == str(fatalities),
            f"{path}: fatalities of {e['id']} is {r['fatalities']}, not the minimum {fatalities}",
        )
    print(f"check-export: csv module: {len(rows)} rows, {len(header)} columns")
    try:
        import pandas
    except ImportError:
        problems.append("pandas is not installed (apt install python3-pandas)")
        return
    frame = pandas.read_csv(path, keep_default_na=False)
    check(list(frame.columns) == header, f"{path}: pandas reads other columns")
    check(len(frame) == len(events), f"{path}: pandas reads {len(frame)} rows")
    if len(frame):
        lat = pandas.to_numeric(frame["latitude"], errors="coerce")
        check(lat.notna().all(), f"{path}: latitude not numeric everywhere")
        check(frame["year"].astype(str).str.fullmatch(r"\d{4}|").all(), f"{path}: year not YYYY")
    print(f"check-export: pandas {pandas.__version__}: {len(frame)} rows, {len(frame.columns)} columns")


def check_geojson(path, events):
    with open(path, encoding="utf-8") as f:
        doc = json.load(f, parse_constant=no_constant)
    check(doc.get("type") == "FeatureCollection", f"{path}: not a FeatureCollection")
    check("crs" not in doc, f"{path}: RFC 7946 has no crs member")
    features = doc.get("features")
    check(isinstance(features, list), f"{path}: features is not an array")
    features = features if isinstance(features, list) else []
    check(len(features) == len(events), f"{path}: {len(features)} features for {len(events)} events")
    points = 0
    for i, feat in enumerate(features):
        where = f"{path}: feature {i}"
        check(feat.get("type") == "Feature", f"{where}: type is not Feature")
        check(isinstance(feat.get("id"), (str, int, float)), f"{where}: id is not a string or number")
        check("properties" in feat and isinstance(feat["properties"], (dict, type(None))), f"{where}: properties")
        check("geometry" in feat, f"{where}: no geometry member")
        geom = feat.get("geometry")
        if geom is None:
            continue
        check(geom.get("type") == "Point", f"{where}: geometry is not a Point")
        coords = geom.get("coordinates")
        ok = (
            isinstance(coords, list)
            and len(coords) in (2, 3)
            and all(isinstance(v, (int, float)) and not isinstance(v, bool) for v in coords)
        )
        check(ok, f"{where}: coordinates are not a position")
        if ok:
            lon, lat = coords[0], coords[1]
            check(-180 <= lon <= 180 and -90 <= lat <= 90, f"{where}: position out of range")
            points += 1
    by_id = {e["id"]: e for e in events}
    for feat in features:
        e = by_id.get(feat.get("id"))
        check(e is not None, f"{path}: feature {feat.get('id')} is no event")
        if e and e.get("location") and feat.get("geometry"):
            lon, lat = feat["geometry"]["coordinates"][:2]
            check(
                abs(lon - e["location"]["lon"]) < 1e-5 and abs(lat - e["location"]["lat"]) < 1e-5,
                f"{path}: feature {e['id']} is not at longitude, latitude of its event",
            )
    print(f"check-export: geojson: {len(features)} features, {points} points, RFC 7946 rules hold")


def main():
    if len(sys.argv) != 4:
        print(__doc__)
        return 2
    csv_path, geojson_path, jsonl_path = sys.argv[1:]
    with open(jsonl_path, encoding="utf-8") as f:
        events = [json.loads(line) for line in f if line.strip()]
    check(len(events) > 0, f"{jsonl_path}: no events")
    check_csv(csv_path, events)
    check_geojson(geojson_path, events)
    for p in problems:
        print(f"check-export: FAIL {p}")
    if problems:
        return 1
    print(f"check-export: {len(events)} events: csv, pandas and geojson agree")
    return 0


if __name__ == "__main__":
    sys.exit(main())
