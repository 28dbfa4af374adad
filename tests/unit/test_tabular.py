"""Other datasets: the export formats load back, bad rows are reported, valid rows load."""

from __future__ import annotations

import json

import numpy as np
import pandas as pd
import pytest

from components.selection import NarrowTo, OpenRow, box_window, point_action
from incidents import export
from incidents.catalog import load_catalog
from incidents.flat import CATALOG_COLUMNS, incident_from_row
from incidents.synth import synthetic_table
from incidents.tabular import MAX_ROWS_ENV, file_version, parquet_footer
from incidents.vocab import vocabulary


@pytest.fixture(scope="module")
def shipped():
    return load_catalog()


def write_export(catalog, fmt: str, folder) -> object:
    incidents = [catalog.records[i] for i in catalog.frame["id"]]
    path = folder / f"dataset.{fmt}"
    if fmt == "parquet":
        path.write_bytes(export.to_parquet(incidents))
    else:
        path.write_text(export.render(fmt, incidents, catalog.version), encoding="utf-8")
    return path


@pytest.mark.parametrize("fmt", ["csv", "parquet", "json", "geojson"])
def test_an_export_loads_back_as_the_same_catalog(shipped, tmp_path, fmt):
    loaded = load_catalog(write_export(shipped, fmt, tmp_path))
    assert loaded.problems == []
    for column in CATALOG_COLUMNS:
        assert loaded.frame[column].astype(str).tolist() == shipped.frame[column].astype(str).tolist(), column
    for incident_id in shipped.frame["id"]:
        assert loaded.records[incident_id] == shipped.records[incident_id]


def test_synthetic_data_is_deterministic_valid_and_spread():
    table = synthetic_table(3000, seed=7)
    assert table.equals(synthetic_table(3000, seed=7))
    assert not table.equals(synthetic_table(3000, seed=8))
    assert table["region"].nunique() >= 10
    assert set(table["type"]) == set(vocabulary("types").codes)
    rng = np.random.default_rng(0)
    for position in rng.choice(len(table), size=100, replace=False):
        incident = incident_from_row(table.iloc[position].to_dict())
        assert "Synthetic" in incident.title
        assert str(incident.sources[0].url).startswith("https://example.org/synthetic/")


@pytest.fixture
def synthetic_csv(tmp_path):
    def write(table: pd.DataFrame):
        path = tmp_path / "data.csv"
        table.to_csv(path, index=False)
        return path

    return write


def problems_by_field(catalog) -> dict[str, str]:
    fields: dict[str, str] = {}
    for problem in catalog.problems:
        fields[problem.field] = "; ".join(filter(None, [fields.get(problem.field), problem.message]))
    return fields


BROKEN_ROWS = [
    ("lat", "north", "lat", "rows are not numbers in [-90, 90]"),
    ("lon", "181", "lon", "rows are not numbers in [-180, 180]"),
    ("date", "2023-02-30", "date", "rows are not real dates"),
    ("type", "dogfight", "type", "rows not in vocab/types.yaml"),
    ("region", "atlantis", "region", "rows not in vocab/regions.yaml"),
    ("verification", "", "verification", "rows are empty"),
    ("initiator_country", "XX", "initiator_country", "rows hold unknown country or actor codes"),
    ("source_urls", "javascript:alert(1)", "source_urls", "rows are missing or not http(s) URLs"),
    ("id", "not an id", "id", "rows are not YYYY-MM-DD-slug ids"),
    ("radius_km", "-5", "radius_km", "rows are not positive numbers"),
    ("actors_json", "{broken", "actors_json", "rows are not JSON lists"),
]


@pytest.mark.parametrize(("column", "value", "field", "message"), BROKEN_ROWS, ids=[c[0] for c in BROKEN_ROWS])
def test_broken_rows_are_counted_with_examples_and_the_rest_load(synthetic_csv, column, value, field, message):
    table = synthetic_table(50, seed=2).astype(str)
    table.loc[[3, 17], column] = value
    catalog = load_catalog(synthetic_csv(table))
    problem = problems_by_field(catalog)[field]
    assert problem.startswith(f"2 rows {message.removeprefix('rows ')}"), problem
    assert "row 5 (" in problem  # row 3 of the data is line 5 of the file (header + 1-based)
    assert len(catalog.frame) == 48


def test_duplicate_ids_keep_the_first(synthetic_csv):
    table = synthetic_table(10, seed=2).astype(str)
    table.loc[4, "id"] = table.loc[1, "id"]
    catalog = load_catalog(synthetic_csv(table))
    assert "1 rows repeat an earlier id" in problems_by_field(catalog)["id"]
    assert len(catalog.frame) == 9


def test_missing_required_columns_are_named_and_nothing_loads(synthetic_csv):
    catalog = load_catalog(synthetic_csv(synthetic_table(10).drop(columns=["lat", "summary"])))
    assert problems_by_field(catalog)["(columns)"].startswith("required columns missing: lat, summary")
    assert catalog.frame.empty


def test_missing_optional_columns_load(synthetic_csv):
    catalog = load_catalog(synthetic_csv(synthetic_table(10).drop(columns=["tags", "notes", "claims_json"])))
    assert catalog.problems == []
    assert len(catalog.frame) == 10


def test_a_csv_over_the_row_limit_is_refused_with_a_notice_not_half_loaded(synthetic_csv, monkeypatch):
    monkeypatch.setenv(MAX_ROWS_ENV, "6")
    catalog = load_catalog(synthetic_csv(synthetic_table(10)))
    message = problems_by_field(catalog)["(file)"]
    assert "more than 6 rows exceed the limit of 6" in message
    assert "the file was not loaded" in message
    assert catalog.frame.empty


def test_a_parquet_file_over_the_row_limit_is_refused_from_its_footer(tmp_path, monkeypatch):
    path = tmp_path / "big.parquet"
    synthetic_table(10).to_parquet(path)
    monkeypatch.setenv(MAX_ROWS_ENV, "6")
    catalog = load_catalog(path)
    assert "10 rows exceed the limit of 6" in problems_by_field(catalog)["(file)"]
    assert catalog.frame.empty
    monkeypatch.setenv(MAX_ROWS_ENV, "10")
    assert len(load_catalog(path).frame) == 10


def test_a_parquet_version_changes_with_the_content_and_is_read_from_the_footer(tmp_path):
    first, second = tmp_path / "a.parquet", tmp_path / "b.parquet"
    synthetic_table(10).to_parquet(first)
    changed = synthetic_table(10)
    changed.loc[3, "title"] = "Another title"
    changed.to_parquet(second)
    assert file_version(first, 10) != file_version(second, 10)
    assert file_version(first, 10) == file_version(first, 10) != file_version(first, 9)
    assert parquet_footer(first).endswith(b"PAR1")
    assert len(parquet_footer(first)) < first.stat().st_size


def test_unreadable_file_is_a_problem_not_a_crash(tmp_path):
    path = tmp_path / "data.parquet"
    path.write_bytes(b"not parquet at all")
    catalog = load_catalog(path)
    assert catalog.frame.empty
    assert "cannot read .parquet file" in problems_by_field(catalog)["(file)"]


def test_json_export_with_a_broken_record_reports_it(shipped, tmp_path):
    path = write_export(shipped, "json", tmp_path)
    document = json.loads(path.read_text())
    document["records"][1]["location"]["lat"] = 95
    path.write_text(json.dumps(document))
    catalog = load_catalog(path)
    assert [(p.path.rsplit("#", 1)[1], p.field) for p in catalog.problems] == [("2", "location.lat")]
    assert len(catalog.frame) == len(shipped.frame) - 1


def test_row_whose_nested_json_is_invalid_is_reported_when_opened(synthetic_csv):
    table = synthetic_table(5, seed=2).astype(str)
    table.loc[2, "sources_json"] = '[{"publisher": "x", "url": "ftp://nowhere"}]'
    catalog = load_catalog(synthetic_csv(table))
    incident, problems = catalog.record(table.loc[2, "id"])
    assert incident is None
    assert problems[0].field == "sources[1].url"
    assert catalog.record(table.loc[1, "id"])[0] is not None


@pytest.mark.parametrize(
    ("customdata", "expected"),
    [
        (7, OpenRow(7)),
        ([7], OpenRow(7)),
        ([44.5, 33.25, 120.0], NarrowTo(near="44.500,33.250", radius_km=120.0)),
        # A map cell as the browser sends it: a row of a typed array arrives as an object.
        ({"0": 44.5, "1": 33.25, "2": 120.0}, NarrowTo(near="44.500,33.250", radius_km=120.0)),
        ("2023-02", NarrowTo(start=pd.Timestamp("2023-02-01").date(), end=pd.Timestamp("2023-02-28").date())),
        (None, None),
    ],
)
def test_clicked_point_means_open_or_narrow(customdata, expected):
    assert point_action({"customdata": customdata}) == expected


def test_box_across_the_timeline_sets_the_window():
    window = box_window({"x": ["2023-05-20 12:00", "2023-01-03"]})
    assert (window.start.isoformat(), window.end.isoformat()) == ("2023-01-03", "2023-05-20")
    # the case: dragging across 1-31 July gave 2023-06-30 to 2023-07-30 before
    july = box_window({"x": ["2023-06-30 21:47:12.5", "2023-07-31 02:10"]})
    assert (july.start.isoformat(), july.end.isoformat()) == ("2023-07-01", "2023-07-31")
