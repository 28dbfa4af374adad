"""One export path: a flat file with a row whose full record is invalid.

Before the fix the dashboard's download held 4 rows while its caption said 5, ``export``
crashed with a pydantic traceback, and ``validate`` of the file said 0 problems.
"""

from __future__ import annotations

import io
import json

import pandas as pd
import pytest

from incidents import export
from incidents.catalog import load_catalog
from incidents.cli import main
from incidents.flat import NAMES
from incidents.tabular import RowRecords
from incidents.view import ViewState, parse_view


@pytest.fixture
def one_bad_row(fixture_catalog, tmp_path):
    """The fixture data as CSV, its third data row's actors JSON naming a country that does
    not exist while the flat country column (which the load checks) stays valid."""
    incidents = [fixture_catalog.records[i] for i in fixture_catalog.frame["id"]]
    table = pd.read_csv(io.StringIO(export.to_csv(incidents)), dtype=str, keep_default_na=False)
    actors = json.loads(table.at[2, "actors_json"])
    actors[0]["country"] = "XX"
    table.at[2, "actors_json"] = json.dumps(actors)
    path = tmp_path / "one-bad-row.csv"
    table.to_csv(path, index=False)
    return path, table.at[2, "id"]


def test_the_export_writes_the_valid_rows_and_names_the_invalid_one(one_bad_row):
    path, bad_id = one_bad_row
    catalog = load_catalog(path)
    result = export.export_view(catalog, ViewState(), "csv")
    written = pd.read_csv(io.StringIO(result.content), dtype=str)["id"].tolist()
    assert bad_id not in written
    assert len(written) == result.written == len(catalog.frame) - 1
    (problem,) = result.problems
    assert str(problem).startswith("row 4: actors[1].country: 'XX' is neither an ISO 3166-1 alpha-2 country code")


def test_the_cli_prints_row_field_message_and_exits_1(one_bad_row, tmp_path, capsys):
    path, bad_id = one_bad_row
    out = tmp_path / "out.csv"
    assert main(["export", "--data", str(path), "-o", str(out)]) == 1
    err = capsys.readouterr().err
    assert err.splitlines()[0].startswith("row 4: actors[1].country: 'XX' is neither")
    assert "Traceback" not in err
    assert bad_id not in pd.read_csv(out, dtype=str)["id"].tolist()


def test_validate_reports_the_same_row(one_bad_row, capsys):
    path, _ = one_bad_row
    assert main(["validate", str(path)]) == 1
    out = capsys.readouterr().out.splitlines()
    assert out[0].startswith("row 4: actors[1].country: 'XX' is neither")
    assert out[-1] == "6 valid rows, 1 problems"


def test_the_catalog_remembers_the_rows_found_invalid_for_the_page(one_bad_row):
    path, bad_id = one_bad_row
    catalog = load_catalog(path)
    ids = catalog.frame["id"]
    assert catalog.known_invalid(ids) == []
    export.export_view(catalog, parse_view("").state, "json")
    assert [problem.path for problem in catalog.known_invalid(ids)] == ["row 4"]
    assert catalog.known_invalid([i for i in ids if i != bad_id]) == []


def test_opened_records_are_kept_in_a_bounded_cache_and_downloads_keep_none(fixture_catalog):
    incidents = [fixture_catalog.records[i] for i in fixture_catalog.frame["id"]]
    table = pd.read_csv(io.StringIO(export.to_csv(incidents)), dtype=str, keep_default_na=False)
    many = pd.concat([table] * 100, ignore_index=True)
    many["id"] = [f"2020-01-02-copy-{n}" for n in range(len(many))]
    many["date"] = "2020-01-02"
    records = RowRecords(many[NAMES])
    for incident_id in many["id"]:
        records.build(incident_id)
    assert len(records._cache) == 0
    for incident_id in many["id"]:
        assert records[incident_id].id == incident_id
    assert len(records._cache) == RowRecords.CACHED < len(many)


def test_the_dataset_signature_looks_at_the_files_at_most_once_per_interval(tmp_path):
    from components.data import SIGNATURE_SECONDS, dataset_signature
    from tests.factories import record, write_record

    path = write_record(tmp_path, record())
    first = dataset_signature(tmp_path, now=1000.0)
    path.write_text(path.read_text(encoding="utf-8") + "\n", encoding="utf-8")  # an edit
    assert dataset_signature(tmp_path, now=1000.0 + SIGNATURE_SECONDS / 2) == first
    assert dataset_signature(tmp_path, now=1000.0 + SIGNATURE_SECONDS) != first
