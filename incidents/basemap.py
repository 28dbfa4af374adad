"""The offline basemap: a whole MapLibre style served by the app itself, and a distance hint.

Everything the style names comes from static/basemap (docs/architecture.md, "Basemap"): land
and borders (Natural Earth via world-atlas), labels (Natural Earth and the gazetteer) and the
glyphs MapLibre draws text with (Noto Sans, built by tools/build_glyphs.py). plotly adds the
incident traces above every layer of the style, so no label ever covers a marker.
"""

from __future__ import annotations

import math
from typing import Any

# A MapLibre style fragment: JSON of any shape (expressions are nested lists).
Json = Any

# Colours: land and water differ by at least 3:1 in WCAG contrast, each label's text and its
# halo by at least 4.5:1 (tests/unit/test_basemap.py computes both from the style).
WATER = "#5A8CB4"
LAND = "#F4EFE4"
COASTLINE = "#2F5D84"
BORDER = "#8C7B63"
COUNTRY_TEXT = "#4A4034"
SEA_TEXT = "#FFFFFF"
SEA_HALO = "#1F4A6E"
PLACE_TEXT = "#1E1E1E"
PLACE_HALO = "#FFFFFF"

REGULAR, ITALIC, BOLD = "NotoSans-Regular", "NotoSans-Italic", "NotoSans-Bold"
FONTSTACKS = (REGULAR, ITALIC, BOLD)
GLYPH_RANGES = ((0, 255), (256, 511), (512, 767))

# class -> the zoom from which its first names appear; a label of rank r appears from zoom r.
LABEL_CLASSES = {"sea": 0, "strait": 2, "place": 3, "capital": 2, "country": 1}

EARTH_CIRCUMFERENCE_M = 40_075_016.686  # web mercator's equator
TILE_PX = 512  # MapLibre's zoom 0 shows the world in 512 px


def _size(small: float, large: float) -> list[Json]:
    return ["interpolate", ["linear"], ["zoom"], 2, small, 8, large]


def _shown(kind: str) -> list[Json]:
    """The labels of one class whose rank has been reached. MapLibre evaluates zoom in a
    filter at whole zoom levels, so a label of rank 4 shows from zoom 4."""
    return ["all", ["==", ["get", "class"], kind], ["<=", ["get", "rank"], ["zoom"]]]


def _label_layer(kind: str, font: str, size: list[Json], text: str, halo: str, **layout: Json) -> dict[str, Json]:
    return {
        "id": f"label-{kind}",
        "type": "symbol",
        "source": "labels",
        "minzoom": LABEL_CLASSES[kind],
        "filter": _shown(kind),
        "layout": {
            "text-field": ["get", "name"],
            "text-font": [font],
            "text-size": size,
            "text-max-width": 7,
            "symbol-sort-key": ["get", "rank"],
            **layout,
        },
        "paint": {"text-color": text, "text-halo-color": halo, "text-halo-width": 1.4, "text-halo-blur": 0.2},
    }


def offline_style(static_url: str, hint: dict[str, Json] | None = None) -> dict[str, Json]:
    """The whole MapLibre style (version 8) of the built-in basemap. ``hint``: a distance
    ruler to draw (``distance_ruler``), or None."""
    base = f"{static_url}/basemap"
    near_point = {
        "text-variable-anchor": ["left", "right", "top", "bottom"],
        "text-radial-offset": 0.45,
        "text-justify": "auto",
    }
    style: dict[str, Json] = {
        "version": 8,
        "name": "Airspace Incident Atlas (offline)",
        "glyphs": f"{base}/glyphs/{{fontstack}}/{{range}}.pbf",
        "sources": {
            "land": {"type": "geojson", "data": f"{base}/land.geojson"},
            "borders": {"type": "geojson", "data": f"{base}/borders.geojson"},
            "labels": {"type": "geojson", "data": f"{base}/labels.geojson"},
        },
        "layers": [
            {"id": "water", "type": "background", "paint": {"background-color": WATER}},
            {"id": "land", "type": "fill", "source": "land", "paint": {"fill-color": LAND}},
            {
                "id": "coastline",
                "type": "line",
                "source": "land",
                "paint": {"line-color": COASTLINE, "line-width": _size(0.5, 1.2)},
            },
            {
                "id": "borders",
                "type": "line",
                "source": "borders",
                "paint": {"line-color": BORDER, "line-width": _size(0.6, 1.6), "line-dasharray": [3, 1.5]},
            },
            {
                "id": "place-dots",
                "type": "circle",
                "source": "labels",
                "minzoom": LABEL_CLASSES["capital"],
                "filter": [
                    "all",
                    ["in", ["get", "class"], ["literal", ["capital", "place"]]],
                    ["<=", ["get", "rank"], ["zoom"]],
                ],
                "paint": {
                    "circle-radius": 2.2,
                    "circle-color": PLACE_TEXT,
                    "circle-stroke-color": PLACE_HALO,
                    "circle-stroke-width": 1,
                },
            },
            _label_layer("sea", ITALIC, _size(10.5, 14), SEA_TEXT, SEA_HALO, **{"text-letter-spacing": 0.08}),
            _label_layer("strait", ITALIC, _size(10, 12.5), SEA_TEXT, SEA_HALO, **{"text-letter-spacing": 0.05}),
            _label_layer("place", REGULAR, _size(10, 12.5), PLACE_TEXT, PLACE_HALO, **near_point),
            _label_layer("capital", BOLD, _size(10, 13), PLACE_TEXT, PLACE_HALO, **near_point),
            _label_layer(
                "country",
                BOLD,
                _size(10, 15),
                COUNTRY_TEXT,
                LAND,
                **{"text-transform": "uppercase", "text-letter-spacing": 0.12},
            ),
        ],
    }
    if hint is not None:
        style["sources"]["distance-hint"] = {"type": "geojson", "data": hint}
        style["layers"] += [
            {
                "id": "distance-hint-line",
                "type": "line",
                "source": "distance-hint",
                "filter": ["==", ["geometry-type"], "LineString"],
                "paint": {"line-color": PLACE_TEXT, "line-width": 3},
            },
            {
                "id": "distance-hint-text",
                "type": "symbol",
                "source": "distance-hint",
                "filter": ["==", ["geometry-type"], "Point"],
                "layout": {
                    "text-field": ["get", "text"],
                    "text-font": [BOLD],
                    "text-size": 12,
                    "text-anchor": "bottom",
                    "text-offset": [0, -0.3],
                    "text-allow-overlap": True,
                },
                "paint": {"text-color": PLACE_TEXT, "text-halo-color": PLACE_HALO, "text-halo-width": 1.6},
            },
        ]
    return style


def metres_per_pixel(zoom: float, lat: float) -> float:
    """Ground distance of one screen pixel at a web-mercator zoom and latitude."""
    return EARTH_CIRCUMFERENCE_M * math.cos(math.radians(lat)) / (TILE_PX * 2**zoom)


def scale_bar(zoom: float, lat: float, max_px: float = 120) -> tuple[float, float]:
    """The longest round distance (1, 2 or 5 times a power of ten, in km) whose bar is at
    most ``max_px`` long at this zoom and latitude, and that bar's length in pixels."""
    max_km = max_px * metres_per_pixel(zoom, lat) / 1000
    power = 10 ** math.floor(math.log10(max_km))
    km = max(step * power for step in (1, 2, 5) if step * power <= max_km)
    km = float(f"{km:.6g}")
    return km, km * 1000 / metres_per_pixel(zoom, lat)


def _km_text(km: float) -> str:
    return f"{km:g} km" if km >= 1 else f"{km * 1000:g} m"


def distance_ruler(
    centre_lat: float, centre_lon: float, zoom: float, width_px: float, height_px: float
) -> dict[str, Json]:
    """A GeoJSON scale bar for ``offline_style``: a horizontal line of ``scale_bar``'s round
    distance near the lower left of the view, and its label. It is drawn on the map, so it
    stays true as the reader zooms."""
    deg_per_px = 360 / (TILE_PX * 2**zoom)  # longitude degrees per pixel at any latitude

    def mercator_y(lat: float) -> float:
        return math.log(math.tan(math.pi / 4 + math.radians(lat) / 2))

    left_lon = centre_lon - (width_px / 2 - 24) * deg_per_px
    y = mercator_y(centre_lat) - (height_px / 2 - 22) * math.radians(deg_per_px)
    lat = math.degrees(2 * math.atan(math.exp(y)) - math.pi / 2)
    km, bar_px = scale_bar(zoom, lat)
    right_lon = left_lon + bar_px * deg_per_px
    lat, left_lon, right_lon = round(lat, 4), round(left_lon, 4), round(right_lon, 4)
    return {
        "type": "FeatureCollection",
        "features": [
            {
                "type": "Feature",
                "properties": {},
                "geometry": {"type": "LineString", "coordinates": [[left_lon, lat], [right_lon, lat]]},
            },
            {
                "type": "Feature",
                "properties": {"text": _km_text(km)},
                "geometry": {"type": "Point", "coordinates": [round((left_lon + right_lon) / 2, 4), lat]},
            },
        ],
    }
