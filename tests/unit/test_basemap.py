"""The offline basemap: a whole MapLibre style served by the app, its colours, labels and glyphs."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from incidents.basemap import (
    FONTSTACKS,
    LABEL_CLASSES,
    LAND,
    WATER,
    distance_ruler,
    metres_per_pixel,
    offline_style,
    scale_bar,
)

ROOT = Path(__file__).resolve().parents[2]
STATIC = ROOT / "static"
URL = "http://localhost:8501/app/static"


def luminance(colour: str) -> float:
    """WCAG 2 relative luminance of #RRGGBB."""
    channels = [int(colour[i : i + 2], 16) / 255 for i in (1, 3, 5)]
    r, g, b = (c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4 for c in channels)
    return 0.2126 * r + 0.7152 * g + 0.0722 * b


def contrast(a: str, b: str) -> float:
    light, dark = sorted((luminance(a), luminance(b)), reverse=True)
    return (light + 0.05) / (dark + 0.05)


@pytest.fixture(scope="module")
def style() -> dict:
    return offline_style(URL, distance_ruler(35.0, 38.0, 5.6, 620, 340))


@pytest.fixture(scope="module")
def labels() -> list[dict]:
    return json.loads((STATIC / "basemap" / "labels.geojson").read_text(encoding="utf-8"))["features"]


def served_path(url: str) -> Path:
    assert url.startswith(URL + "/")
    return STATIC / url.removeprefix(URL + "/")


def test_style_is_a_whole_local_maplibre_style(style):
    assert style["version"] == 8
    assert style["glyphs"] == f"{URL}/basemap/glyphs/{{fontstack}}/{{range}}.pbf"
    ids = [layer["id"] for layer in style["layers"]]
    assert len(ids) == len(set(ids))
    assert ids[:4] == ["water", "land", "coastline", "borders"]
    for layer in style["layers"]:
        if layer["type"] != "background":
            assert layer["source"] in style["sources"], layer["id"]
    for source in style["sources"].values():
        if isinstance(source["data"], str):  # a URL: served by the app itself, and there
            assert served_path(source["data"]).is_file()


def test_every_fontstack_a_label_uses_is_shipped(style):
    used = {font for layer in style["layers"] if layer["type"] == "symbol" for font in layer["layout"]["text-font"]}
    assert used <= set(FONTSTACKS)
    for font in used:
        path = served_path(style["glyphs"].replace("{fontstack}", font).replace("{range}", "0-255"))
        assert path.stat().st_size > 10_000, path


def test_glyphs_are_maplibre_pbfs_of_sdf_bitmaps():
    from tools.build_glyphs import BUFFER, MESSAGES

    message = MESSAGES["glyphs"]()
    message.ParseFromString((STATIC / "basemap" / "glyphs" / "NotoSans-Regular" / "0-255.pbf").read_bytes())
    (stack,) = message.stacks
    assert (stack.name, stack.range) == ("NotoSans-Regular", "0-255")
    glyphs = {glyph.id: glyph for glyph in stack.glyphs}
    assert set(range(ord("A"), ord("Z") + 1)) <= set(glyphs)
    letter = glyphs[ord("H")]
    assert len(letter.bitmap) == (letter.width + 2 * BUFFER) * (letter.height + 2 * BUFFER)
    assert 10 <= letter.height <= 20
    assert letter.advance > letter.width / 2
    assert max(letter.bitmap) > 192 > min(letter.bitmap)  # inside and outside the edge


def test_labels_appear_by_zoom_and_below_the_markers(style):
    layers = {layer["id"]: layer for layer in style["layers"]}
    for kind, minzoom in LABEL_CLASSES.items():
        layer = layers[f"label-{kind}"]
        assert layer["minzoom"] == minzoom
        assert ["<=", ["get", "rank"], ["zoom"]] in layer["filter"]
        assert ["==", ["get", "class"], kind] in layer["filter"]
    # The countries before the cities before the places: the earlier class names first.
    assert LABEL_CLASSES["country"] < LABEL_CLASSES["capital"] < LABEL_CLASSES["place"]
    # Labels are layers of the style, and plotly adds its traces above every style layer.
    assert all(layer.get("source") != "incidents" for layer in style["layers"])


def test_land_and_water_and_every_label_are_legible(style):
    assert contrast(LAND, WATER) >= 3
    for layer in style["layers"]:
        if layer["type"] == "symbol":
            paint = layer["paint"]
            assert contrast(paint["text-color"], paint["text-halo-color"]) >= 4.5, layer["id"]
    layers = {layer["id"]: layer for layer in style["layers"]}
    assert layers["water"]["paint"]["background-color"] == WATER
    assert layers["land"]["paint"]["fill-color"] == LAND
    assert contrast(layers["coastline"]["paint"]["line-color"], LAND) >= 3


def test_the_labels_name_the_regions_and_the_places_of_the_records(labels):
    names = {(item["properties"]["name"], item["properties"]["class"]) for item in labels}
    for expected in [("Tartus", "place"), ("Al Tanf", "place"), ("Latakia", "place"), ("Kaliningrad", "place"),
                     ("Black Sea", "sea"), ("Baltic Sea", "sea"), ("Taiwan Strait", "strait"),
                     ("Syria", "country"), ("Taiwan", "country"), ("Damascus", "capital")]:  # fmt: skip
        assert expected in names
    for item in labels:
        assert item["properties"]["class"] in LABEL_CLASSES
        assert 0 <= item["properties"]["rank"] <= 8
        lon, lat = item["geometry"]["coordinates"]
        assert -180 <= lon <= 180
        assert -90 <= lat <= 90


@pytest.mark.parametrize(
    ("zoom", "lat", "metres"),
    [(0, 0, 78_271.52), (5, 0, 2_445.98), (5, 60, 1_222.99), (10, 35, 62.6135)],
)
def test_metres_per_pixel_is_web_mercator_at_512_px_tiles(zoom, lat, metres):
    assert metres_per_pixel(zoom, lat) == pytest.approx(metres, rel=1e-4)


@pytest.mark.parametrize(
    ("zoom", "lat", "km"), [(5.6, 35, 100), (4.5, 57, 200), (6.1, 24, 100), (2, 0, 2000), (12, 60, 1)]
)
def test_scale_bar_is_a_round_distance_at_most_120_px(zoom, lat, km):
    distance, pixels = scale_bar(zoom, lat)
    assert distance == km
    assert 40 <= pixels <= 120
    assert pixels * metres_per_pixel(zoom, lat) == pytest.approx(distance * 1000)


def test_distance_ruler_is_as_long_as_its_label_says():
    from incidents.geo import geodesic_km

    ruler = distance_ruler(35.0, 38.0, 5.6, 620, 340)
    line, label = ruler["features"]
    (west, lat), (east, _) = line["geometry"]["coordinates"]
    km = float(label["properties"]["text"].removesuffix(" km"))
    assert geodesic_km((lat, west), (lat, east)) == pytest.approx(km, rel=0.02)
    assert west < 38.0  # lower left of the view
    assert lat < 35.0
