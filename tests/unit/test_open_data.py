"""What an open research dataset carries: a valid CITATION.cff and a valid Frictionless data
package that describes every export, checked with the tools archives use."""

from __future__ import annotations

import io
import json
import subprocess
import zipfile
from datetime import date
from pathlib import Path

import frictionless
import pandas as pd
import pytest

from incidents import datapackage, export, flat
from incidents.cli import main
from incidents.view import parse_view

ROOT = Path(__file__).resolve().parents[2]
# cffconvert pins jsonschema<4, so it lives in a venv of its own (Makefile: $(VENV)/cff).
CFFCONVERT = ROOT / ".venv" / "cff" / "bin" / "cffconvert"


def cffconvert_validate(path: Path) -> subprocess.CompletedProcess:
    assert CFFCONVERT.exists(), "run `make dev-setup`: it installs cffconvert into .venv/cff"
    return subprocess.run(
        [str(CFFCONVERT), "--validate", "-i", str(path)], capture_output=True, text=True, timeout=60, check=False
    )


def test_citation_cff_is_valid():
    result = cffconvert_validate(ROOT / "CITATION.cff")
    assert result.returncode == 0, result.stdout + result.stderr
    assert "valid according to schema version 1.2.0" in result.stdout


def test_the_citation_check_can_fail(tmp_path):
    broken = tmp_path / "CITATION.cff"
    broken.write_text((ROOT / "CITATION.cff").read_text(encoding="utf-8").replace("title:", "titel:"), "utf-8")
    assert cffconvert_validate(broken).returncode != 0


def test_the_committed_datapackage_is_what_the_cli_generates(capsys):
    assert main(["datapackage"]) == 0
    assert capsys.readouterr().out == (ROOT / "datapackage.json").read_text(encoding="utf-8")


def test_the_package_describes_every_export_column_in_order():
    names = [field["name"] for field in datapackage.fields()]
    assert names == flat.NAMES
    types = {field["name"]: field["type"] for field in datapackage.fields()}
    assert (types["date"], types["lat"], types["killed"], types["title"]) == ("date", "number", "integer", "string")


@pytest.fixture(scope="module")
def shipped_export(tmp_path_factory):
    from incidents.catalog import load_catalog

    catalog = load_catalog()
    folder = tmp_path_factory.mktemp("package")
    incidents = [catalog.records[i] for i in catalog.frame["id"]]
    (folder / datapackage.CSV_PATH).write_text(export.to_csv(incidents), encoding="utf-8")
    return catalog, folder


def validate(folder: Path, package: dict) -> frictionless.Report:
    (folder / "datapackage.json").write_text(datapackage.dumps(package), encoding="utf-8")
    return frictionless.validate(str(folder / "datapackage.json"))


def test_frictionless_finds_the_shipped_export_valid(shipped_export):
    catalog, folder = shipped_export
    report = validate(folder, datapackage.descriptor(version=catalog.version, query="", created=date(2026, 12, 2)))
    assert report.valid, report.flatten(["rowNumber", "fieldName", "type", "note"])[:5]
    assert report.tasks[0].stats["rows"] == len(catalog.frame)


def test_frictionless_names_a_row_that_breaks_the_schema(shipped_export, tmp_path):
    _, folder = shipped_export
    table = pd.read_csv(folder / datapackage.CSV_PATH, dtype=str, keep_default_na=False)
    table.loc[1, "date"] = "yesterday"
    table.to_csv(tmp_path / datapackage.CSV_PATH, index=False)
    report = validate(tmp_path, datapackage.descriptor())
    assert not report.valid
    assert ("date", "type-error") in {
        (field, kind) for _, field, kind in report.flatten(["rowNumber", "fieldName", "type"])
    }


def test_the_data_package_download_is_a_valid_package_of_the_view(fixture_catalog, tmp_path):
    state = parse_view("region=black-sea&region=syria").state
    content = export.export_view(fixture_catalog, state, "zip", date(2026, 12, 2)).content
    with zipfile.ZipFile(io.BytesIO(content)) as archive:
        archive.extractall(tmp_path)
        package = json.loads(archive.read("datapackage.json"))
    assert package["version"] == fixture_catalog.version
    assert package["view"] == {"query": "region=black-sea&region=syria"}
    (csv_name,) = [path.name for path in tmp_path.glob("*.csv")]
    assert (
        package["resources"][0]["path"]
        == csv_name
        == export.file_name("csv", fixture_catalog.version, date(2026, 12, 2))
    )
    report = frictionless.validate(str(tmp_path / "datapackage.json"))
    assert report.valid
    assert report.tasks[0].stats["rows"] == 2


def test_the_json_export_carries_the_same_metadata(fixture_catalog):
    state = parse_view("type=shootdown").state
    document = json.loads(export.export_view(fixture_catalog, state, "json", date(2026, 12, 2)).content)
    expected = datapackage.descriptor(
        version=fixture_catalog.version, query="type=shootdown", created=date(2026, 12, 2)
    )
    assert document["package"] == expected
    assert [record["id"] for record in document["records"]] == ["2018-07-07-g-gulf-shootdown"]
