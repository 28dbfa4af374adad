"""A link pasted into `python -m incidents export` yields exactly what the page shows."""

from __future__ import annotations

import io
import json

import pandas as pd
import pytest

from tests.app.conftest import table_ids
from tests.app.test_app import as_params
from tests.unit.test_cli import run_cli

QUERIES = [
    "",
    "type=unsafe_intercept&type=shootdown",
    "initiator=RU&from=2021-01-01",
    "platform=uav&verification=contested",
    "near=Tartus&radius_km=100",
    "q=shahed",
    "region=syria&type=collision",  # empty view
    "incident=2020-01-02-a-black-sea-intercept&color=region",
]


def exported_ids(fmt: str, query: str, data) -> list[str]:
    result = run_cli("export", "--query", query, "--format", fmt, "--data", str(data))
    assert result.returncode == 0, result.stderr
    if fmt == "csv":
        return pd.read_csv(io.StringIO(result.stdout), dtype={"id": str})["id"].tolist()
    if fmt == "geojson":
        return [feature["id"] for feature in json.loads(result.stdout)["features"]]
    return [record["id"] for record in json.loads(result.stdout)["records"]]


@pytest.mark.parametrize("query", QUERIES, ids=[q or "empty" for q in QUERIES])
def test_cli_export_equals_what_the_app_shows(fixture_app, fixture_data, query):
    shown = table_ids(fixture_app(as_params(query)))
    for fmt in ("csv", "geojson", "json"):
        assert exported_ids(fmt, f"https://atlas.example/?{query}", fixture_data) == shown, fmt
