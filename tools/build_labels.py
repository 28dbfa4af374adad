"""Build static/basemap/labels.geojson: the basemap's names, one Point per label.

    python tools/build_labels.py NE_DIR COUNTRIES_GEOJSON OUT

NE_DIR holds Natural Earth as GeoJSON (public domain; the files of the
martynafford/natural-earth-geojson conversion, CC0): ``ne_10m_geography_marine_polys.json``
(seas, gulfs, straits) and ``ne_50m_populated_places.json`` (capitals, major cities).
COUNTRIES_GEOJSON is the world-atlas 1:50m countries that ``tools/build_basemap.mjs`` writes
(Natural Earth too). The places the records name come from ``incidents/gazetteer.yaml``.

Each feature has ``name``, ``class`` (country, sea, strait, capital, place) and ``rank``: the
map zoom from which the style shows it (incidents/basemap.py). The output is deterministic:
sorted, coordinates rounded to 0.001 degrees.
"""

from __future__ import annotations

import json
import math
import re
import sys
import warnings
from pathlib import Path

import antimeridian
import yaml
from shapely.geometry import GeometryCollection, MultiPolygon, Point, Polygon, box, shape
from shapely.ops import polylabel
from shapely.validation import make_valid

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from incidents.geo import GAZETTEER_PATH, Gazetteer, Place, normalise  # noqa: E402

CLASSES = ("country", "sea", "strait", "capital", "place")
MARINE_CLASSES = {"ocean": "sea", "sea": "sea", "gulf": "sea", "bay": "sea",
                  "strait": "strait", "channel": "strait", "sound": "strait"}  # fmt: skip
# A large country or sea is named again in each 8-degree cell it fills well, from a
# closer zoom, so a regional map of European Russia or the eastern Mediterranean names them.
CELL_DEG = 8
CELL_MIN_KM2 = 60_000
CELL_MIN_AREA_KM2 = {"country": 300_000, "sea": 200_000}
CELL_MIN_APART_DEG = 5


def largest_polygon(geometry) -> Polygon:
    if isinstance(geometry, MultiPolygon):
        return max(geometry.geoms, key=lambda part: part.area)
    return geometry


def label_point(geometry) -> tuple[float, float]:
    """The pole of inaccessibility of the largest part: a point well inside, not a centroid
    that may fall in the sea."""
    polygon = largest_polygon(geometry)
    point = polylabel(polygon, tolerance=0.05)
    return point.x, point.y


def area_km2(geometry) -> float:
    polygon = largest_polygon(geometry)
    return polygon.area * 111.32**2 * math.cos(math.radians(polygon.centroid.y))


def cell_points(geometry) -> list[tuple[float, float]]:
    """A label point in each grid cell where the shape covers at least CELL_MIN_KM2 (the
    cell holding the main label point is left out)."""
    main = label_point(geometry)
    points = [main]
    geometry = make_valid(geometry)
    west, south, east, north = geometry.bounds
    for x in range(math.floor(west / CELL_DEG), math.ceil(east / CELL_DEG)):
        for y in range(math.floor(south / CELL_DEG), math.ceil(north / CELL_DEG)):
            cell = box(x * CELL_DEG, y * CELL_DEG, (x + 1) * CELL_DEG, (y + 1) * CELL_DEG)
            if cell.contains(Point(main)):
                continue
            piece = geometry.intersection(cell)
            if isinstance(piece, GeometryCollection):
                piece = MultiPolygon([part for part in piece.geoms if isinstance(part, Polygon)])
            if piece.is_empty or not isinstance(piece, Polygon | MultiPolygon) or area_km2(piece) < CELL_MIN_KM2:
                continue
            point = label_point(piece)
            if all(math.dist(point, other) >= CELL_MIN_APART_DEG for other in points):
                points.append(point)
    return points[1:]


def feature(name: str, kind: str, rank: int, lon: float, lat: float) -> dict:
    return {
        "type": "Feature",
        "properties": {"name": name, "class": kind, "rank": rank},
        "geometry": {"type": "Point", "coordinates": [round(lon, 3), round(lat, 3)]},
    }


def countries(path: Path) -> list[dict]:
    collection = json.loads(path.read_text(encoding="utf-8"))
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        collection = antimeridian.fix_geojson(collection, fix_winding=True)
    labels = []
    for item in collection["features"]:
        name = item["properties"]["name"]
        if not item["geometry"] or name == "Antarctica":
            continue
        geometry = shape(item["geometry"])
        area = area_km2(geometry)
        rank = 1 if area > 1.5e6 else 2 if area > 2.5e5 else 3 if area > 4e4 else 4 if area > 8e3 else 5
        labels.append(feature(name, "country", rank, *label_point(geometry)))
        if area > CELL_MIN_AREA_KM2["country"]:
            labels += [feature(name, "country", max(rank + 2, 4), *point) for point in cell_points(geometry)]
    return labels


def marine(path: Path) -> list[dict]:
    collection = json.loads(path.read_text(encoding="utf-8"))
    labels = []
    for item in collection["features"]:
        properties = item["properties"]
        kind = MARINE_CLASSES.get(properties["featurecla"])
        name = properties["name"]
        if kind is None or not name or properties["min_label"] > 8:
            continue
        # Natural Earth's min_label is the zoom its cartographers show a name from; the
        # Atlas's maps are small (340 px high), so names come two levels earlier.
        rank = max(0, min(7, math.floor(properties["min_label"]) - 2))
        geometry = shape(item["geometry"])
        labels.append(feature(name, kind, rank, *label_point(geometry)))
        if kind == "sea" and area_km2(geometry) > CELL_MIN_AREA_KM2["sea"]:
            labels += [feature(name, kind, max(rank + 2, 4), *point) for point in cell_points(geometry)]
    return labels


def populated_places(path: Path) -> list[dict]:
    collection = json.loads(path.read_text(encoding="utf-8"))
    labels = []
    for item in collection["features"]:
        properties = item["properties"]
        capital = properties["FEATURECLA"].startswith("Admin-0 capital") and properties["ADM0CAP"]
        if not capital and properties["SCALERANK"] > 2:
            continue
        min_zoom = properties.get("min_zoom") or 5
        rank = max(2, min(6, math.floor(min_zoom) - 1)) if capital else max(4, min(7, math.floor(min_zoom)))
        lon, lat = item["geometry"]["coordinates"]
        labels.append(
            feature(properties["NAME_EN"] or properties["NAME"], "capital" if capital else "place", rank, lon, lat)
        )
    return labels


def places_of(gazetteer: Gazetteer) -> list[Place]:
    return [place for name in gazetteer.names() if (place := gazetteer.lookup(name)) is not None]


def mentions(gazetteer: Gazetteer, records: Path) -> dict[str, int]:
    """How many records name each gazetteer place in their location or title."""
    texts = []
    for path in sorted(records.glob("*/*.yaml")):
        record = yaml.safe_load(path.read_text(encoding="utf-8"))
        texts.append(" " + re.sub(r"[^\w]+", " ", normalise(f"{record['location']['name']} {record['title']}")) + " ")
    counts = {}
    for place in places_of(gazetteer):
        key = " " + re.sub(r"[^\w]+", " ", normalise(place.name)).strip() + " "
        counts[place.name] = sum(key in text for text in texts)
    return counts


def gazetteer_places(gazetteer: Gazetteer, records: Path) -> list[dict]:
    counts = mentions(gazetteer, records)
    labels = []
    for place in places_of(gazetteer):
        rank = 3 if counts[place.name] >= 3 else 4 if counts[place.name] >= 1 else 5
        labels.append(feature(place.name, "place", rank, place.lon, place.lat))
    return labels


def merge(labels: list[dict]) -> list[dict]:
    """One label per name and class (the earliest rank wins); a gazetteer place that is
    already a capital or a city of Natural Earth is kept once, as the earlier of the two."""
    best: dict[tuple[str, str, float, float], dict] = {}
    by_place: dict[str, dict] = {}
    for item in labels:
        properties = item["properties"]
        if properties["class"] in ("capital", "place"):
            key = normalise(properties["name"])
            kept = by_place.get(key)
            if kept is None:
                by_place[key] = item
            else:
                kept_properties = kept["properties"]
                kept_properties["rank"] = min(kept_properties["rank"], properties["rank"])
                if properties["class"] == "capital":
                    kept_properties["class"] = "capital"
            continue
        lon, lat = item["geometry"]["coordinates"]
        best.setdefault((properties["name"], properties["class"], lon, lat), item)
    merged = list(best.values()) + list(by_place.values())
    return sorted(merged, key=lambda item: (CLASSES.index(item["properties"]["class"]), item["properties"]["rank"],
                                            item["properties"]["name"], item["geometry"]["coordinates"]))  # fmt: skip


def main(ne_dir: Path, countries_path: Path, out: Path) -> None:
    gazetteer = Gazetteer.load(GAZETTEER_PATH)
    labels = merge(
        countries(countries_path)
        + marine(ne_dir / "ne_10m_geography_marine_polys.json")
        + populated_places(ne_dir / "ne_50m_populated_places.json")
        + gazetteer_places(gazetteer, ROOT / "incidents" / "data")
    )
    collection = {"type": "FeatureCollection", "features": labels}
    out.write_text(json.dumps(collection, ensure_ascii=False, separators=(",", ":")) + "\n", encoding="utf-8")
    print(f"{out}: {len(labels)} labels, {out.stat().st_size:,} bytes")


if __name__ == "__main__":
    main(Path(sys.argv[1]), Path(sys.argv[2]), Path(sys.argv[3]))
