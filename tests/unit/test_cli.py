"""The curation CLI: exit codes and what it prints."""

from __future__ import annotations

import contextlib
import io
import json
import subprocess
import sys
from pathlib import Path

import jsonschema
import pytest

from incidents.cli import main
from incidents.geo import Gazetteer, Place, geocode_online
from tests.factories import BASE_RECORD, record, write_record

ROOT = Path(__file__).resolve().parents[2]


def run_cli(*args: str) -> subprocess.CompletedProcess:
    """The CLI in this process (a subprocess per call cost a second of start-up each)."""
    out, err = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        code = main(list(args))
    return subprocess.CompletedProcess(["python", "-m", "incidents", *args], code, out.getvalue(), err.getvalue())


def test_the_module_entry_point_runs_the_cli():
    result = subprocess.run(
        [sys.executable, "-m", "incidents", "schema"], cwd=ROOT, capture_output=True, text=True, timeout=120
    )
    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout)["title"] == "Airspace Incident Atlas record"


def test_validate_shipped_data_exits_0():
    result = run_cli("validate")
    assert result.returncode == 0, result.stdout + result.stderr
    assert result.stdout.strip().splitlines()[-1].endswith("invalid (0 problems)")


def test_validate_broken_record_exits_1_with_path_field_message(tmp_path):
    good = write_record(tmp_path, record(id="2021-05-06-good", date="2021-05-06"))
    bad = write_record(tmp_path, record(location={**BASE_RECORD["location"], "lat": 91}))
    result = run_cli("validate", str(tmp_path))
    assert result.returncode == 1
    lines = result.stdout.strip().splitlines()
    assert lines[0] == f"{bad}: location.lat: Input should be less than or equal to 90"
    assert lines[-1] == "2 files: 1 valid, 1 invalid (1 problems)"
    assert str(good) not in result.stdout


def test_validate_single_file_may_relate_to_shipped_records(tmp_path):
    path = write_record(tmp_path, record(related=["2023-03-14-black-sea-su27-mq9-collision"]))
    assert main(["validate", str(path)]) == 0


def test_validate_missing_path_exits_2(capsys):
    assert main(["validate", "/no/such/folder"]) == 2
    assert "no such file or folder" in capsys.readouterr().err


def test_schema_is_valid_json_schema_and_accepts_a_record():
    result = run_cli("schema")
    assert result.returncode == 0
    schema = json.loads(result.stdout)
    jsonschema.Draft202012Validator.check_schema(schema)
    jsonschema.validate(record(), schema)
    with pytest.raises(jsonschema.ValidationError):
        jsonschema.validate(record(titel="typo"), schema)


def located_nowhere(name: str) -> dict:
    location = {key: value for key, value in BASE_RECORD["location"].items() if key not in {"lat", "lon"}}
    return record(location={**location, "name": name})


def test_geocode_offline_lists_unresolved_names_and_exits_1(tmp_path, capsys):
    write_record(tmp_path, located_nowhere("Qxzv Atoll"))
    gazetteer = tmp_path / "gazetteer.yaml"
    assert main(["geocode", str(tmp_path), "--gazetteer", str(gazetteer)]) == 1
    out = capsys.readouterr().out
    assert "unresolved: Qxzv Atoll" in out
    assert "--online" in out


def test_geocode_offline_resolves_from_the_cache(tmp_path, capsys):
    write_record(tmp_path, located_nowhere("Qxzv Atoll"))
    gazetteer_path = tmp_path / "gazetteer.yaml"
    cache = Gazetteer([Place("Qxzv Atoll", 10.0, 20.0)], gazetteer_path)
    cache.save()
    assert main(["geocode", str(tmp_path), "--gazetteer", str(gazetteer_path)]) == 0
    assert "every location has coordinates" in capsys.readouterr().out


def test_online_geocoding_writes_hits_back_to_the_cache(tmp_path):
    class Hit:
        latitude, longitude = 34.88902, 35.88659

    gazetteer = Gazetteer([], tmp_path / "gazetteer.yaml")
    missing = geocode_online(["Qxzv Port", "Nowhere"], gazetteer, geocode=lambda n: Hit() if n == "Qxzv Port" else None)
    gazetteer.save()
    assert missing == ["Nowhere"]
    reloaded = Gazetteer.load(tmp_path / "gazetteer.yaml")
    assert reloaded.lookup("qxzv port") == Place("Qxzv Port", 34.889, 35.8866, None, "nominatim")
