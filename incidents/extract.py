"""A small map extract of one incident as inline SVG: land around the point, the point, and
its uncertainty circle. For the incident brief, which must show where it happened with no
server, no script and no request, on screen and on paper.

The land is the offline basemap's Natural Earth land (public domain), clipped to a box
around the point; the circle is the record's own ``radius_km``, drawn geodesically.
"""

from __future__ import annotations

import json
import math
from collections.abc import Callable
from functools import cache
from pathlib import Path
from typing import Any

import shapely

from incidents.geo import geodesic_circle
from incidents.safe_text import html_text

LAND_FILE = Path(__file__).resolve().parents[1] / "static" / "basemap" / "land.geojson"
WIDTH = 480
MIN_HALF_SPAN_DEG = 2.0  # at least ~220 km of context either side of the point
MAX_HALF_SPAN_DEG = 40.0
KM_PER_DEG = 111.32


@cache
def _land() -> Any:  # shapely is untyped here (pyproject's mypy overrides)
    features = json.loads(LAND_FILE.read_text(encoding="utf-8"))["features"]
    return shapely.union_all([shapely.from_geojson(json.dumps(f["geometry"])) for f in features])


def _box(lat: float, lon: float, radius_km: float) -> tuple[float, float, float, float]:
    """(west, south, east, north) around the point: the circle with room to spare, at least
    MIN_HALF_SPAN_DEG of latitude, and a longitude span that keeps the aspect true there."""
    half_lat = min(max(MIN_HALF_SPAN_DEG, 1.6 * radius_km / KM_PER_DEG), MAX_HALF_SPAN_DEG)
    south, north = max(lat - half_lat, -89.0), min(lat + half_lat, 89.0)
    half_lon = min(half_lat / max(math.cos(math.radians(lat)), 0.1), 179.0)
    return max(lon - half_lon, -180.0), south, min(lon + half_lon, 180.0), north


Project = Callable[[float, float], str]


def _project(box: tuple[float, float, float, float], height: float) -> Project:
    west, south, east, north = box

    def point(lon: float, lat: float) -> str:
        x = (lon - west) / (east - west) * WIDTH
        y = (north - lat) / (north - south) * height
        return f"{x:.1f},{y:.1f}"

    return point


def _rings(geometry: Any) -> list[list[tuple[float, float]]]:
    rings = []
    for polygon in shapely.get_parts(geometry):
        if shapely.get_type_id(polygon) != shapely.GeometryType.POLYGON:
            continue
        rings.append(list(polygon.exterior.coords))
        rings.extend(list(interior.coords) for interior in polygon.interiors)
    return rings


def _path(rings: list[list[tuple[float, float]]], point: Project) -> str:
    return " ".join("M" + " L".join(point(lon, lat) for lon, lat in ring) + "Z" for ring in rings if len(ring) > 2)


def map_extract_svg(lat: float, lon: float, radius_km: float | None, place: str) -> str:
    """The extract as an SVG element with a text alternative naming the place (escaped)."""
    box = _box(lat, lon, radius_km or 0.0)
    west, south, east, north = box
    height = WIDTH * (north - south) / ((east - west) * max(math.cos(math.radians(lat)), 0.1))
    point = _project(box, height)
    land = shapely.clip_by_rect(_land(), west, south, east, north)
    land = shapely.simplify(land, (east - west) / WIDTH, preserve_topology=True)
    parts = [f'<rect width="{WIDTH}" height="{height:.1f}" fill="#dbe7f0"/>']
    land_path = _path(_rings(land), point)
    if land_path:
        parts.append(f'<path d="{land_path}" fill="#f3f0e8" stroke="#8a8a80" stroke-width="0.6" fill-rule="evenodd"/>')
    if radius_km:
        lats, lons = geodesic_circle(lat, lon, radius_km)
        ring = " L".join(point(x, y) for x, y in zip(lons, lats, strict=True))
        parts.append(f'<path d="M{ring}Z" fill="#c0202f" fill-opacity="0.12" stroke="#c0202f" stroke-dasharray="4 3"/>')
    x, y = point(lon, lat).split(",")
    parts.append(f'<circle cx="{x}" cy="{y}" r="5" fill="#c0202f" stroke="#ffffff" stroke-width="1.5"/>')
    within = f", placed to within {radius_km:g} km" if radius_km else ""
    alternative = html_text(f"Map extract: {place} ({lat:.2f}, {lon:.2f}){within}")
    return (
        f'<svg xmlns="http://www.w3.org/2000/svg" role="img" aria-label="{alternative}" '
        f'viewBox="0 0 {WIDTH} {height:.1f}" width="{WIDTH}" height="{height:.0f}">'
        f"<title>{alternative}</title>{''.join(parts)}</svg>"
    )
