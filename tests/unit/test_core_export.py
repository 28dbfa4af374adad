"""incidents.export, mutation-tested (make mutation): every format of a view, as other tools read it.

Every test here was written to kill a mutant that the rest of the suite let survive."""

from __future__ import annotations

import io
import json

import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from incidents import export, flat
from incidents.model import Incident
from incidents.view import parse_view
from tests.factories import record


def incident(**changes) -> Incident:
    return Incident.model_validate(record(**changes))


@pytest.fixture(scope="module")
def parquet_table() -> pa.Table:
    outcomes = [{"aircraft_lost": 2, "killed": 0}, {"injured": 3}]
    incidents = [
        incident(id=f"2020-01-0{n}-x", date=f"2020-01-0{n}", outcome=outcome)
        for n, outcome in enumerate(outcomes, start=1)
    ]
    return pq.read_table(io.BytesIO(export.to_parquet(incidents)))


@pytest.mark.parametrize("column", ["aircraft_lost", "aircraft_damaged", "killed", "injured"])
def test_parquet_counts_are_integers_and_missing_counts_are_null(parquet_table, column):
    assert parquet_table.schema.field(column).type == pa.int64()
    expected = {"aircraft_lost": [2, None], "aircraft_damaged": [None, None], "killed": [0, None],
                "injured": [None, 3]}[column]  # fmt: skip
    assert parquet_table.column(column).to_pylist() == expected


@pytest.mark.parametrize("column", ["lat", "lon", "radius_km"])
def test_parquet_coordinates_are_floats(parquet_table, column):
    assert parquet_table.schema.field(column).type == pa.float64()


@pytest.mark.parametrize("column", ["id", "date", "end_date", "time_utc", "initiator_count", "actors_json"])
def test_parquet_text_and_dates_are_strings_with_blanks_not_nulls(parquet_table, column):
    assert parquet_table.schema.field(column).type in (pa.string(), pa.large_string())
    assert None not in parquet_table.column(column).to_pylist()


def test_parquet_has_every_flat_column_in_order_and_no_index(parquet_table):
    assert parquet_table.column_names == flat.NAMES
    assert parquet_table.column("id").to_pylist() == ["2020-01-01-x", "2020-01-02-x"]


def test_csv_prefixes_cells_a_spreadsheet_would_run():
    text = export.to_csv([incident(title="=HYPERLINK(1)")])
    assert pd.read_csv(io.StringIO(text))["title"].tolist() == ["'=HYPERLINK(1)"]
    assert text.splitlines()[0] == ",".join(flat.NAMES)
    assert "\r" not in text  # one newline per row, as on every other platform


def test_geojson_feature_rounds_coordinates_and_flattens_the_location():
    data = record()
    data["location"].update(lat=43.1234567, lon=33.7654321, country="UA")
    feature = export.to_feature(Incident.model_validate(data), "abcdef12")
    assert feature["type"] == "Feature"
    assert feature["id"] == "2020-01-02-test-sea-intercept"
    assert feature["geometry"] == {"type": "Point", "coordinates": [33.76543, 43.12346]}
    properties = feature["properties"]
    assert properties["location_name"] == "Test Sea"
    assert properties["location_region"] == "black-sea"
    assert properties["location_country"] == "UA"
    assert properties["radius_km"] == 100
    assert "location" not in properties
    assert "location_lat" not in properties
    assert "location_lon" not in properties


def test_json_and_geojson_keep_text_unescaped_and_in_order():
    incidents = [incident(title="Перехват"), incident(id="2020-01-03-b", date="2020-01-03")]
    text = export.to_json(incidents, "abcdef12", "q=перехват")
    assert "Перехват" in text
    assert '"query": "q=перехват"' in text
    document = json.loads(text)
    assert list(document) == ["dataset", "dataset_version", "query", "package", "records"]
    assert document["dataset"] == "Airspace Incident Atlas"
    assert json.loads(export.to_json([], "abcdef12"))["query"] == ""
    assert [r["id"] for r in document["records"]] == ["2020-01-02-test-sea-intercept", "2020-01-03-b"]
    collection = json.loads(export.to_geojson(incidents, "abcdef12"))
    assert list(collection) == ["type", "features"]
    assert collection["type"] == "FeatureCollection"
    assert "Перехват" in export.to_geojson(incidents, "abcdef12")


@pytest.mark.parametrize("fmt", ["csv", "geojson", "json", "parquet"])
def test_render_writes_the_format_asked_for(fmt):
    content = export.render(fmt, [incident()], "abcdef12", "region=black-sea")
    if fmt == "parquet":
        assert pq.read_table(io.BytesIO(content)).num_rows == 1
    elif fmt == "csv":
        assert content.startswith("id,title,")
    elif fmt == "geojson":
        assert json.loads(content)["features"][0]["properties"]["dataset_version"] == "abcdef12"
    else:
        assert json.loads(content)["query"] == "region=black-sea"


def test_render_refuses_an_unknown_format_naming_the_choices():
    with pytest.raises(ValueError, match=r"^unknown format 'xlsx'; use one of csv, geojson, json, zip, parquet$"):
        export.render("xlsx", [], "abcdef12")


def test_export_view_holds_what_apply_keeps_in_order_with_its_query(fixture_catalog):
    state = parse_view("initiator=RU&from=2021-01-01").state
    result = export.export_view(fixture_catalog, state, "json")
    document = json.loads(result.content)
    assert [r["id"] for r in document["records"]] == ["2021-06-15-b-syria-flares", "2022-03-01-c-baltic-violation",
                                                      "2023-09-10-e-flank-multi-day"]  # fmt: skip
    assert document["query"] == "from=2021-01-01&initiator=RU"
    assert document["dataset_version"] == fixture_catalog.version
    assert result.written == 3
    assert result.problems == []
