"""Airspace layers: shipped metadata, bad files, zone facts, the tracks conversion."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from incidents import layers as layers_module
from incidents.airspace import FACT_COLUMNS, zone_facts
from incidents.cli import main
from incidents.layers import AUTHORITIES, LAYERS_DIR, load_layers, read_layer
from incidents.tracks import CATEGORIES, convert_features, parse_description, source_count, write_tracks

ROOT = Path(__file__).resolve().parents[2]
PLA_SAMPLE = ROOT / "tests" / "data" / "pla_source"
SHIPPED = sorted(LAYERS_DIR.glob("*.geojson"))


@pytest.fixture(scope="module")
def shipped():
    found, problems = load_layers(extra=None, shipped=LAYERS_DIR)
    return found, problems


# --- shipped layers ---------------------------------------------------------------------------


def test_every_shipped_layer_loads_without_a_problem(shipped):
    found, problems = shipped
    assert problems == []
    assert sorted(layer.id for layer in found) == sorted(path.stem for path in SHIPPED)


@pytest.mark.parametrize("path", SHIPPED, ids=lambda p: p.stem)
def test_every_shipped_layer_cites_its_source_and_licence(path):
    layer, problems = read_layer(path)
    assert problems == []
    assert layer is not None
    meta = layer.meta
    assert meta.authority in AUTHORITIES
    assert meta.source.url.startswith(("http://", "https://"))
    assert meta.source.publisher
    assert meta.licence.name
    assert meta.licence.attribution
    if meta.licence.file:
        assert (LAYERS_DIR / meta.licence.file).is_file()
    if meta.authority != "official coordinates":
        assert meta.caveat, "a layer that is not official says how far to trust it"
    readme = (LAYERS_DIR / "README.md").read_text(encoding="utf-8")
    assert f"`{meta.id}`" in readme
    assert meta.source.url in readme


@pytest.mark.parametrize("name", ["pla-tracks", "vatspy-firs"])
def test_converted_layers_record_the_source_commit_they_were_built_from(name):
    data = json.loads((LAYERS_DIR / f"{name}.geojson").read_text(encoding="utf-8"))
    layer, _ = read_layer(LAYERS_DIR / f"{name}.geojson")
    assert layer is not None
    assert layer.meta.source.commit == data["source"]["commit"]


def test_the_shipped_tracks_label_every_category_and_keep_the_caveat():
    data = json.loads((LAYERS_DIR / "pla-tracks.geojson").read_text(encoding="utf-8"))
    used = {code for feature in data["features"] for code in feature["properties"].get("categories", [])}
    assert used <= set(data["categories"]) == set(CATEGORIES)
    dates = [feature["properties"]["date"] for feature in data["features"]]
    assert dates == sorted(dates)
    assert dates[0] >= "2022-08-01"
    assert dates[-1] <= "2024-07-31"
    layer, _ = read_layer(LAYERS_DIR / "pla-tracks.geojson")
    assert layer is not None
    assert "schematic maps" in (layer.meta.caveat or "")


# --- zone facts -------------------------------------------------------------------------------


def frame(*rows: tuple[float | None, float | None, float | None, str]) -> pd.DataFrame:
    return pd.DataFrame(
        {
            "lat": [row[0] for row in rows],
            "lon": [row[1] for row in rows],
            "radius_km": [row[2] for row in rows],
            "date": pd.to_datetime([row[3] for row in rows]),
        },
        index=[f"r{i}" for i in range(len(rows))],
    )


ASIAN_ZONES = ("cn-ecs-adiz", "vatspy-firs:RCAA", "vatspy-firs:RJJJ", "vatspy-firs:ZSHA", "vatspy-firs:RKRR")

# (what, lat, lon, radius_km, date, zone ids expected inside, ids expected absent)
ZONE_CASES = [
    ("East China Sea intercept, 2014", 28.5, 125.5, 20, "2014-05-24", ["cn-ecs-adiz"], []),
    ("same point before the zone was declared", 28.5, 125.5, 20, "2013-01-10", [], ["cn-ecs-adiz"]),
    (
        "Taiwan Strait, east of the zone's south-west corner",
        23.5,
        119.0,
        20,
        "2023-04-08",
        ["vatspy-firs:RCAA"],
        ["cn-ecs-adiz"],
    ),
    ("Black Sea", 43.5, 34.0, 200, "2023-03-14", [], list(ASIAN_ZONES)),
]


@pytest.mark.parametrize(
    ("what", "lat", "lon", "radius", "day", "inside", "outside"), ZONE_CASES, ids=[c[0] for c in ZONE_CASES]
)
def test_point_in_zone_facts_for_known_cases(shipped, what, lat, lon, radius, day, inside, outside):
    facts = zone_facts(frame((lat, lon, radius, day)), shipped[0])
    zones = facts["zones"].iloc[0]
    for zone in inside:
        assert f"|{zone}|" in zones, what
    for zone in outside:
        assert f"|{zone}|" not in zones, what


def test_an_uncertainty_circle_across_a_boundary_makes_the_placement_uncertain(shipped):
    # 33.0N 123.0E is inside the zone, about 20 km south of its northern edge (33°11'N).
    facts = zone_facts(frame((33.0, 123.0, 50, "2020-01-01"), (33.0, 123.0, 5, "2020-01-01")), shipped[0])
    assert "|cn-ecs-adiz|" in facts["zones"].iloc[0]
    assert "|cn-ecs-adiz|" in facts["zone_edges"].iloc[0]
    assert "|cn-ecs-adiz|" not in facts["zone_edges"].iloc[1]


def test_distance_to_the_coast_and_land(shipped):
    # Taipei (on land), a point in the strait, a point far out in the Pacific.
    facts = zone_facts(frame((25.04, 121.56, 5, "2020-01-01"), (24.5, 119.8, 5, "2020-01-01"),
                             (30.0, -140.0, 5, "2020-01-01")), shipped[0])  # fmt: skip
    assert facts["on_land"].tolist() == [True, False, False]
    assert facts["coast_km"].iloc[0] < 40
    assert 20 < facts["coast_km"].iloc[1] < 100
    assert facts["coast_km"].iloc[2] > 1000


def test_rows_without_coordinates_get_empty_facts(shipped):
    facts = zone_facts(frame((None, None, None, "2020-01-01"), (28.5, 125.5, 10, "2020-01-01")), shipped[0])
    assert list(facts.columns) == list(FACT_COLUMNS)
    assert list(facts.index) == ["r0", "r1"]
    assert facts["zones"].iloc[0] == ""
    assert facts["zone_edges"].iloc[0] == ""
    assert np.isnan(facts["coast_km"].iloc[0])
    assert not facts["on_land"].iloc[0]


def write_layer(folder: Path, layer_id: str, geometry: object, kind: str = "zone", meta: dict | None = None) -> Path:
    path = folder / f"{layer_id}.geojson"
    path.write_text(json.dumps({"type": "FeatureCollection", "features": [
        {"type": "Feature", "properties": {"name": layer_id}, "geometry": geometry}]}), encoding="utf-8")  # fmt: skip
    fields = {
        "id": layer_id, "title": f"Test layer {layer_id}", "kind": kind, "authority": "community data",
        "source": {"publisher": "Test", "url": "https://example.org/layer"},
        "licence": {"name": "CC0", "attribution": "test"}, "caveat": "a test layer",
    } if meta is None else meta  # fmt: skip
    path.with_suffix(".yaml").write_text(json.dumps(fields), encoding="utf-8")
    return path


def test_an_antimeridian_zone_split_at_180_contains_points_on_both_sides(tmp_path):
    split = {"type": "MultiPolygon", "coordinates": [
        [[[170, 50], [180, 50], [180, 60], [170, 60], [170, 50]]],
        [[[-180, 50], [-170, 50], [-170, 60], [-180, 60], [-180, 50]]]]}  # fmt: skip
    write_layer(tmp_path, "bering-test", split)
    found, problems = load_layers(extra=tmp_path, shipped=None)
    assert problems == []
    facts = zone_facts(frame((55, 179.5, 10, "2020-01-01"), (55, -179.5, 10, "2020-01-01"), (55, 0, 10, "2020-01-01"),
                             (55, 179.99, 50, "2020-01-01")), found)  # fmt: skip
    assert facts["zones"].tolist()[:3] == ["|bering-test|", "|bering-test|", ""]
    # The split seam at 180 is drawn as boundary, so a circle over it counts as uncertain.
    assert facts["zones"].iloc[3] == "|bering-test|"


# --- bad layers -------------------------------------------------------------------------------

BOWTIE = {"type": "Polygon", "coordinates": [[[0, 0], [1, 1], [1, 0], [0, 1], [0, 0]]]}
SQUARE = {"type": "Polygon", "coordinates": [[[0, 0], [1, 0], [1, 1], [0, 1], [0, 0]]]}


def bad_cases(folder: Path) -> dict[str, tuple[Path, str]]:
    cases = {}
    cases["not-geojson"] = (folder / "not-geojson.geojson", "not GeoJSON")
    cases["not-geojson"][0].write_text("<html>nope</html>", encoding="utf-8")
    write_layer(folder, "not-geojson", SQUARE)
    (folder / "not-geojson.geojson").write_text("<html>nope</html>", encoding="utf-8")
    cases["bowtie"] = (write_layer(folder, "bowtie", BOWTIE), "invalid geometry")
    path = write_layer(folder, "no-meta", SQUARE)
    path.with_suffix(".yaml").unlink()
    cases["no-meta"] = (path, "missing metadata")
    huge = {"type": "Polygon", "coordinates": [[[0, 0], [500, 0], [1, 1], [0, 0]]]}
    cases["huge"] = (write_layer(folder, "huge", huge), "outside [-180, 180]")
    cases["unsplit"] = (write_layer(folder, "unsplit", {"type": "Polygon", "coordinates": [
        [[170, 50], [-170, 50], [-170, 60], [170, 60], [170, 50]]]}), "antimeridian")  # fmt: skip
    cases["wrong-kind"] = (write_layer(folder, "wrong-kind", {"type": "Point", "coordinates": [1, 1]}), "not one of")
    bad_meta = {"id": "bad-meta", "kind": "zone"}
    cases["bad-meta"] = (write_layer(folder, "bad-meta", SQUARE, meta=bad_meta), "required")
    cases["other-id"] = (write_layer(folder, "other-id", SQUARE, meta=None), "differs from the file name")
    meta = json.loads((folder / "other-id.yaml").read_text())
    (folder / "other-id.yaml").write_text(json.dumps(meta | {"id": "something-else"}), encoding="utf-8")
    cases["cn-ecs-adiz"] = (write_layer(folder, "cn-ecs-adiz", SQUARE), "already used")
    cases["nan"] = (folder / "nan.geojson", "not GeoJSON")
    write_layer(folder, "nan", SQUARE)
    nan_point = '{"type": "Feature", "properties": {}, "geometry": {"type": "Point", "coordinates": [NaN, 1]}}'
    (folder / "nan.geojson").write_text('{"type": "FeatureCollection", "features": [' + nan_point + "]}")
    return cases


def test_bad_layers_each_give_a_problem_naming_the_file_and_the_rest_keep_working(tmp_path):
    cases = bad_cases(tmp_path)
    write_layer(tmp_path, "good-extra", SQUARE)
    found, problems = load_layers(extra=tmp_path)
    ids = {layer.id for layer in found}
    assert {path.stem for path in SHIPPED} | {"good-extra"} == ids
    for name, (path, words) in cases.items():
        named = [problem for problem in problems if Path(problem.path).stem == path.stem]
        assert named, f"{name}: no problem reported"
        assert any(words in problem.message for problem in named), f"{name}: {named}"


def test_a_layer_file_over_the_size_bound_is_refused_unread(tmp_path, monkeypatch):
    path = write_layer(tmp_path, "big", SQUARE)
    monkeypatch.setattr(layers_module, "MAX_FILE_BYTES", 10)
    layer, problems = read_layer(path)
    assert layer is None
    assert "larger than" in problems[0].message
    assert problems[0].path == str(path)


def test_layers_env_adds_a_folder(tmp_path, monkeypatch):
    write_layer(tmp_path, "from-env", SQUARE)
    monkeypatch.setenv("INCIDENTS_LAYERS", str(tmp_path))
    found, problems = load_layers()
    assert "from-env" in {layer.id for layer in found}
    assert problems == []
    monkeypatch.setenv("INCIDENTS_LAYERS", str(tmp_path / "missing"))
    found, problems = load_layers()
    assert problems
    assert "not a folder" in problems[0].message
    assert len(found) == len(SHIPPED)


# --- the tracks conversion --------------------------------------------------------------------

DESCRIPTIONS = [
    ("0743-1735時主戰機及無人機計13架次（其中12架次逾越中線）", 13, True, 12),
    ("1024-1031時輔戰機計1架", 1, False, None),
    ("11日0857-1224時主、輔戰機計6架次；12日0227-0600時無人機1架", 7, False, None),
    ("0759-2040時殲擊機等主、輔戰機計8架次（其中4架逾越中線）", 8, True, 4),
    ("（7架逾越中線進入西南空域）", None, True, 7),
    (None, None, None, None),
]


@pytest.mark.parametrize(("text", "sorties", "crossed", "crossings"), DESCRIPTIONS)
def test_descriptions_are_parsed_for_what_they_state(text, sorties, crossed, crossings):
    parsed = parse_description(text)
    assert (parsed.sorties, parsed.crossed_median, parsed.median_crossings) == (sorties, crossed, crossings)


def test_converting_the_tracks_is_deterministic_and_keeps_every_feature(tmp_path):
    first, second = tmp_path / "a.geojson", tmp_path / "b.geojson"
    assert write_tracks(PLA_SAMPLE, first, "0" * 40) == source_count(PLA_SAMPLE) == 7
    write_tracks(PLA_SAMPLE, second, "0" * 40)
    assert first.read_bytes() == second.read_bytes()
    data = json.loads(first.read_text(encoding="utf-8"))
    assert data["source"]["commit"] == "0" * 40
    props = [feature["properties"] for feature in data["features"]]
    assert [p["date"] for p in props] == sorted(p["date"] for p in props)
    by_text = {p.get("text"): p for p in props}
    stated = by_text["0743-1735時主戰機及無人機計13架次（其中12架次逾越中線）"]
    assert (stated["sorties"], stated["crossed_median"], stated["median_crossings"]) == (13, True, 12)
    assert stated["categories"] == ["main-combat", "drone"]
    assert by_text["7/31_054A江凱II型護衛艦（599）"]["date"] == "2022-08-01"  # the release's date
    repaired = next(p for p in props if p["date"] == "2022-08-04")
    assert repaired["aircraft_zh"] == "轟-6k機"
    assert repaired["aircraft"] == "H-6K bomber"
    rounded = next(f for f in data["features"] if f["properties"]["date"] == "2022-08-05")
    assert rounded["geometry"]["coordinates"] == [[119.5, 24.0], [120.123, 24.5]]


def test_converted_tracks_load_as_a_layer(tmp_path):
    write_tracks(PLA_SAMPLE, tmp_path / "pla-tracks.geojson", None)
    (tmp_path / "pla-tracks.yaml").write_text((LAYERS_DIR / "pla-tracks.yaml").read_text(encoding="utf-8"))
    layer, problems = read_layer(tmp_path / "pla-tracks.geojson")
    assert problems == []
    assert layer is not None
    assert len(layer.features) == len(convert_features(PLA_SAMPLE))


def test_the_cli_converts_and_checks(tmp_path, capsys):
    output = tmp_path / "t.geojson"
    assert main(["layers", "tracks", "--source", str(PLA_SAMPLE), "--commit", "1" * 40, "-o", str(output)]) == 0
    assert "wrote 7 features" in capsys.readouterr().out
    assert main(["layers", "check"]) == 0
    assert "pla-tracks: tracks" in capsys.readouterr().out
    assert main(["layers", "tracks", "--source", str(tmp_path / "missing"), "-o", str(output)]) == 2
