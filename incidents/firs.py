"""VATSpy's FIR boundaries -> the flight information regions of the Atlas's regions.

``python -m incidents layers firs --source DIR -o incidents/layers/vatspy-firs.geojson``
reads a clone of github.com/vatsimnetwork/vatspy-data-project (CC BY-SA 4.0): the
boundaries (Boundaries.geojson) of every FIR whose id is a 4-letter ICAO code listed in
VATSpy.dat's [FIRs] section, kept when it meets one of the regions' boxes
(incidents/vocab/regions.yaml). Sub-sectors (ids with a suffix) are left out. Geometries are
simplified to 0.01 degree and rounded to 3 decimals. Community data for a flight simulator
network, not an official publication.
"""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import shapely

from incidents.vocab import vocabulary

REPOSITORY = "https://github.com/vatsimnetwork/vatspy-data-project"
SIMPLIFY_DEG = 0.01
PRECISION = 3
_ICAO = re.compile(r"^[A-Z]{4}$")


def fir_names(dat_text: str) -> dict[str, str]:
    """ICAO -> name from VATSpy.dat's [FIRs] section (``ICAO|NAME|PREFIX|BOUNDARY``): the
    first line whose boundary is the ICAO code itself."""
    names: dict[str, str] = {}
    section = False
    for line in dat_text.splitlines():
        if line.startswith("["):
            section = line.strip() == "[FIRs]"
            continue
        if not section or line.startswith(";") or line.count("|") < 3:
            continue
        icao, name, _prefix, boundary = (part.strip() for part in line.split("|")[:4])
        if _ICAO.match(icao) and boundary == icao and icao not in names:
            names[icao] = name
    return names


def region_boxes() -> shapely.Geometry:
    boxes = [
        shapely.box(*box)
        for entry in vocabulary("regions").entries.values()
        for box in entry.get("bbox", [])  # 'other' has no box
    ]
    return shapely.union_all(boxes)


def _rounded(geometry: dict[str, Any]) -> dict[str, Any]:
    def walk(value: Any) -> Any:
        if isinstance(value, float):
            return round(value, PRECISION) + 0.0
        return [walk(item) for item in value] if isinstance(value, list) else value

    return {"type": geometry["type"], "coordinates": walk(geometry["coordinates"])}


def _closed(geometry: dict[str, Any]) -> dict[str, Any]:
    """Some source rings do not repeat their first position at the end; close them."""
    polygons = geometry["coordinates"] if geometry["type"] == "MultiPolygon" else [geometry["coordinates"]]
    closed = [[ring if ring[0] == ring[-1] else [*ring, ring[0]] for ring in polygon] for polygon in polygons]
    return {"type": "MultiPolygon", "coordinates": closed}


def convert_firs(source: Path) -> list[dict[str, Any]]:
    names = fir_names((source / "VATSpy.dat").read_text(encoding="utf-8"))
    boundaries = json.loads((source / "Boundaries.geojson").read_text(encoding="utf-8"))["features"]
    regions = region_boxes()
    kept: dict[str, dict[str, Any]] = {}
    for feature in boundaries:
        props = feature.get("properties") or {}
        icao = str(props.get("id", ""))
        if icao not in names or icao in kept:
            continue
        geometry = shapely.from_geojson(json.dumps(_closed(feature["geometry"])))
        if not geometry.intersects(regions):
            continue
        simple = shapely.make_valid(shapely.simplify(geometry, SIMPLIFY_DEG, preserve_topology=True))
        simple = shapely.set_precision(simple, 10.0**-PRECISION)
        polygons = shapely.get_parts(simple)
        polygons = [part for part in polygons if part.geom_type == "Polygon" and not part.is_empty]
        if not polygons:
            continue
        shape = shapely.MultiPolygon(polygons) if len(polygons) > 1 else polygons[0]
        shape = shapely.orient_polygons(shape)  # RFC 7946: exteriors counterclockwise
        kept[icao] = {
            "type": "Feature",
            "properties": {"icao": icao, "name": names[icao], "oceanic": str(props.get("oceanic")) == "1"},
            "geometry": _rounded(json.loads(shapely.to_geojson(shape))),
        }
    return [kept[icao] for icao in sorted(kept)]


def write_firs(source: Path, output: Path, commit: str | None) -> int:
    features = convert_firs(source)
    header = {"type": "FeatureCollection", "source": {"repository": REPOSITORY, "commit": commit}}
    head = json.dumps(header, separators=(",", ":"))[:-1]
    lines = [json.dumps(feature, ensure_ascii=False, separators=(",", ":")) for feature in features]
    output.write_text(head + ',"features":[\n' + ",\n".join(lines) + "\n]}\n", encoding="utf-8")
    return len(features)
