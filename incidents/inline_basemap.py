"""The offline basemap made to fit inside one HTML file (docs/architecture.md, "Published views").

The dashboard's style (incidents/basemap.py) names files the app serves; a published page
has no server and may make no request. So the same style gets its sources inline: land and
borders simplified (0.05°, about 5 km, is finer than a marker at the zooms a view opens at)
and rounded to 0.01°, the labels as they are, and one glyph set holding only the characters
the labels use. MapLibre fetches glyphs from a URL template with ``{fontstack}`` and
``{range}``; here that URL is a ``data:`` URL (no network) whose tokens sit in its fragment,
which a data URL ignores, so every font and range gets the same glyph set. That is why the
page draws every label in Noto Sans Regular: the dashboard's italic and bold need a request
per font.
"""

from __future__ import annotations

import base64
import json
import re
from functools import cache
from pathlib import Path
from typing import Any

import shapely

from incidents.basemap import REGULAR, offline_style

BASEMAP_DIR = Path(__file__).resolve().parents[1] / "static" / "basemap"
SIMPLIFY_DEGREES = 0.05
# A polygon smaller than this (square degrees, ~ 10 km x 10 km) is left out: invisible at the
# zooms a view opens at, and most of the simplified land's size.
MIN_AREA = 0.01
_LONG_DECIMALS = re.compile(r"(-?\d+\.\d\d)\d+")


def _compact(geojson: dict[str, Any]) -> str:
    """Minified GeoJSON with coordinates cut to two decimals (about 1 km)."""
    return _LONG_DECIMALS.sub(r"\1", json.dumps(geojson, separators=(",", ":")))


def _simplified(name: str) -> dict[str, Any]:
    source = json.loads((BASEMAP_DIR / f"{name}.geojson").read_text(encoding="utf-8"))
    features = []
    for feature in source["features"]:
        geometry = shapely.from_geojson(json.dumps(feature["geometry"]))
        geometry = shapely.simplify(geometry, SIMPLIFY_DEGREES, preserve_topology=True)
        if shapely.get_type_id(geometry) == shapely.GeometryType.MULTIPOLYGON:
            parts = shapely.get_parts(geometry)
            geometry = shapely.multipolygons(parts[shapely.area(parts) >= MIN_AREA])
        features.append({"type": "Feature", "properties": {}, "geometry": json.loads(shapely.to_geojson(geometry))})
    return {"type": "FeatureCollection", "features": features}


def _labels() -> dict[str, Any]:
    labels: dict[str, Any] = json.loads((BASEMAP_DIR / "labels.geojson").read_text(encoding="utf-8"))
    return labels


# --- glyphs: a subset of the committed PBFs, read and written as protobuf wire format ---------
# glyphs.proto: glyphs { repeated fontstack stacks = 1 }; fontstack { name = 1; range = 2;
# repeated glyph glyphs = 3 }; glyph { uint32 id = 1; ... }. Only what a subset needs is parsed.


def _varint(data: bytes, at: int) -> tuple[int, int]:
    value, shift = 0, 0
    while True:
        byte = data[at]
        at += 1
        value |= (byte & 0x7F) << shift
        if byte < 0x80:
            return value, at
        shift += 7


def _encode_varint(value: int) -> bytes:
    out = bytearray()
    while value >= 0x80:
        out.append((value & 0x7F) | 0x80)
        value >>= 7
    out.append(value)
    return bytes(out)


def _fields(data: bytes) -> list[tuple[int, int, bytes | int]]:
    """(field number, wire type, value) of one message; length-delimited values as bytes."""
    fields: list[tuple[int, int, bytes | int]] = []
    at = 0
    while at < len(data):
        key, at = _varint(data, at)
        number, wire = key >> 3, key & 7
        if wire == 0:
            value, at = _varint(data, at)
            fields.append((number, wire, value))
        elif wire == 2:
            length, at = _varint(data, at)
            fields.append((number, wire, data[at : at + length]))
            at += length
        else:
            raise ValueError(f"unexpected wire type {wire} in a glyph file")
    return fields


def _field(number: int, payload: bytes) -> bytes:
    return _encode_varint(number << 3 | 2) + _encode_varint(len(payload)) + payload


def glyph_subset(font: str, code_points: set[int]) -> bytes:
    """One glyph PBF holding ``font``'s glyphs of ``code_points`` (any range)."""
    kept = []
    for start in sorted({code // 256 * 256 for code in code_points}):
        path = BASEMAP_DIR / "glyphs" / font / f"{start}-{start + 255}.pbf"
        if not path.is_file():
            continue
        for number, _, stack in _fields(path.read_bytes()):
            if number != 1 or not isinstance(stack, bytes):
                continue
            for field_number, _, glyph in _fields(stack):
                if field_number == 3 and isinstance(glyph, bytes) and _glyph_id(glyph) in code_points:
                    kept.append(_field(3, glyph))
    stack = _field(1, font.encode()) + _field(2, b"0-767") + b"".join(kept)
    return _field(1, stack)


def _glyph_id(glyph: bytes) -> int:
    for number, wire, value in _fields(glyph):
        if number == 1 and wire == 0 and isinstance(value, int):
            return value
    return -1


def _label_code_points(labels: dict[str, Any]) -> set[int]:
    text = "".join(str(feature["properties"].get("name", "")) for feature in labels["features"])
    return {ord(char) for char in text} | set(range(32, 127))


def _one_font(layers: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Every symbol layer in the one font the inlined glyphs hold."""
    for layer in layers:
        if "text-font" in layer.get("layout", {}):
            layer["layout"]["text-font"] = [REGULAR]
    return layers


@cache
def inline_style_json() -> str:
    """The whole offline style, with every source and the glyphs inline, as JSON text.
    Built once per process (about a second: simplifying the land)."""
    labels = _labels()
    style = offline_style("")
    glyphs = base64.b64encode(glyph_subset(REGULAR, _label_code_points(labels))).decode()
    style["glyphs"] = f"data:application/x-protobuf;base64,{glyphs}#{{fontstack}}/{{range}}"
    style["sources"] = {
        "land": {"type": "geojson", "data": "@land"},
        "borders": {"type": "geojson", "data": "@borders"},
        "labels": {"type": "geojson", "data": "@labels"},
    }
    style["layers"] = _one_font(style["layers"])
    text = json.dumps(style, separators=(",", ":"))
    # The GeoJSON is spliced in already minified and rounded (json.dumps would print floats whole).
    for name, data in (
        ("land", _compact(_simplified("land"))),
        ("borders", _compact(_simplified("borders"))),
        ("labels", _compact(labels)),
    ):
        text = text.replace(f'"@{name}"', data)
    return text
