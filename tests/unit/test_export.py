"""Exports and citations: formats that other tools read back without surprises."""

from __future__ import annotations

import io
import json
import zipfile
from datetime import date

import pandas as pd
import pytest
from geojson_pydantic import FeatureCollection

from incidents import citation, export, flat
from incidents.cli import main
from incidents.model import Incident
from incidents.view import parse_view
from tests.factories import FIXTURE_IDS


@pytest.fixture
def incidents(fixture_catalog) -> list[Incident]:
    return [fixture_catalog.records[i] for i in fixture_catalog.frame["id"]]


def test_csv_round_trips_through_pandas(incidents):
    frame = pd.read_csv(io.StringIO(export.to_csv(incidents)), dtype={"id": str})
    assert frame["id"].tolist() == [i.id for i in incidents]
    assert frame["date"].tolist() == [i.date.isoformat() for i in incidents]
    assert frame["lat"].tolist() == [i.location.lat for i in incidents]
    assert frame["lon"].tolist() == [i.location.lon for i in incidents]
    assert frame["radius_km"].tolist() == [i.location.radius_km for i in incidents]
    assert all(str(i.sources[0].url) in urls for i, urls in zip(incidents, frame["source_urls"], strict=True))


def test_csv_joins_multiple_actors_and_sources():
    from tests.factories import record

    incident = Incident.model_validate(record(sources=[
        {"publisher": "A", "url": "https://example.org/a"}, {"publisher": "B", "title": "T", "url": "https://example.org/b"},
    ]))  # fmt: skip
    row = flat.flat_row(incident)
    assert row["source_urls"] == "https://example.org/a | https://example.org/b"
    assert row["sources"] == "[1] A <https://example.org/a> | [2] B: T <https://example.org/b>"


def test_geojson_is_a_valid_rfc7946_feature_collection_in_lon_lat_order(incidents):
    text = export.to_geojson(incidents, "abcdef12")
    collection = FeatureCollection.model_validate_json(text)
    assert len(collection.features) == len(incidents)
    for feature, incident in zip(json.loads(text)["features"], incidents, strict=True):
        assert feature["geometry"]["coordinates"] == [incident.location.lon, incident.location.lat]
        assert feature["properties"]["radius_km"] == incident.location.radius_km
        assert feature["properties"]["sources"][0]["url"] == str(incident.sources[0].url)
        assert feature["properties"]["dataset_version"] == "abcdef12"


def test_json_holds_full_records_that_validate_again(incidents):
    document = json.loads(export.to_json(incidents, "abcdef12", "region=syria"))
    assert document["dataset_version"] == "abcdef12"
    assert document["query"] == "region=syria"
    again = [Incident.model_validate(data) for data in document["records"]]
    assert again == incidents


@pytest.mark.parametrize("fmt", list(export.FORMATS))
def test_empty_view_gives_a_valid_empty_file(fmt):
    text = export.render(fmt, [], "abcdef12")
    if fmt == "csv":
        assert pd.read_csv(io.StringIO(text)).empty
        assert text.startswith("id,title,date")
    elif fmt == "geojson":
        assert FeatureCollection.model_validate_json(text).features == []
    elif fmt == "zip":
        with zipfile.ZipFile(io.BytesIO(text)) as archive:
            (csv_name,) = [name for name in archive.namelist() if name.endswith(".csv")]
            assert pd.read_csv(io.BytesIO(archive.read(csv_name))).empty
            assert json.loads(archive.read("datapackage.json"))["resources"][0]["path"] == csv_name
    else:
        assert json.loads(text)["records"] == []


def test_file_name_carries_version_and_date():
    assert export.file_name("geojson", "abcdef12", date(2026, 1, 2)) == "airspace-incidents_abcdef12_2026-01-02.geojson"


@pytest.mark.parametrize("query", ["?region=syria", "region=syria", "https://atlas.example/app?region=syria&v=x1"])
def test_cli_accepts_query_with_or_without_question_mark_or_whole_url(fixture_data, tmp_path, query, capsys):
    out = tmp_path / "out.csv"
    code = main(["export", "--query", query, "--format", "csv", "-o", str(out), "--data", str(fixture_data)])
    if "v=x1" in query:
        assert code == 2  # "x1" is not a dataset version: malformed, rejected
        assert "invalid query: v=x1:" in capsys.readouterr().err
        return
    assert code == 0
    assert pd.read_csv(out)["id"].tolist() == ["2021-06-15-b-syria-flares"]


@pytest.mark.parametrize(("query", "bad_key"), [("type=dogfight", "type"), ("from=2023-02-30", "from"),
                                                ("region=syria&radius_km=-1", "radius_km")])  # fmt: skip
def test_cli_rejects_malformed_query_naming_the_key(fixture_data, query, bad_key, capsys):
    assert main(["export", "--query", query, "--data", str(fixture_data)]) == 2
    assert f"invalid query: {bad_key}=" in capsys.readouterr().err


def test_cli_empty_view_writes_valid_file_and_says_so(fixture_data, tmp_path, capsys):
    out = tmp_path / "empty.geojson"
    query = "region=syria&type=collision"
    assert main(["export", "--query", query, "--format", "geojson", "-o", str(out), "--data", str(fixture_data)]) == 0
    assert FeatureCollection.model_validate_json(out.read_text()).features == []
    assert "view is empty" in capsys.readouterr().err


def test_view_citation_has_version_link_and_access_date():
    state = parse_view("type=collision&region=black-sea&from=2023-01-01").state
    link = "http://localhost:8501/?type=collision&region=black-sea&from=2023-01-01&v=abcdef12"
    text = citation.cite_view(state, 3, "abcdef12", link, date(2026, 11, 24))
    assert "dataset version abcdef12" in text
    assert link in text
    assert "accessed 2026-11-24" in text
    assert "View: from 2023-01-01 to the latest record; types: Collision; regions: Black Sea (3 incidents" in text
    bib = citation.bibtex_view(state, 3, "abcdef12", link, date(2026, 11, 24))
    assert bib.startswith("@misc{atlas-abcdef12-20261124,")
    assert f"howpublished = {{\\url{{{link}}}}}" in bib
    assert bib.count("{") == bib.count("}")


def test_incident_citation(fixture_catalog):
    incident = fixture_catalog.records[FIXTURE_IDS[0]]
    text = citation.cite_incident(incident, "abcdef12", "http://x/?incident=1", date(2026, 11, 24))
    assert incident.title in text
    assert incident.id in text
    assert "accessed 2026-11-24" in text


def test_a_data_package_is_the_same_bytes_whenever_it_is_built(incidents, monkeypatch):
    """The same view and day give the same file: the zip's entries are dated by the day, not
    by the clock (a download made a second later differed in its entries' times)."""
    first = export.to_zip(incidents, "abc12345", "region=syria", date(2026, 12, 2))
    monkeypatch.setattr(zipfile.time, "localtime", lambda *_: (2030, 1, 1, 12, 30, 59, 0, 1, 0))
    assert export.to_zip(incidents, "abc12345", "region=syria", date(2026, 12, 2)) == first
    with zipfile.ZipFile(io.BytesIO(first)) as archive:
        assert {info.date_time for info in archive.infolist()} == {(2026, 12, 2, 0, 0, 0)}
