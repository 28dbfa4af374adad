"""The page on a Parquet file queried where it lies (incidents/dataset.py): every part of it
renders from the query engine, never from a frame of every row."""

from __future__ import annotations

import base64
import re

import numpy as np
import pytest

from components import data
from incidents.compiled import CACHE_ENV
from incidents.queried import QUERIED_ABOVE_ENV, Queried
from incidents.synth import write_synthetic
from incidents.view import parse_view
from tests.app.conftest import chart_spec, notice_texts, page_texts, run_app, table_ids

ROWS = 12_000


def _values(array) -> list:
    """A figure's array, which plotly ships as a typed array ({"dtype", "bdata"}) or a list."""
    if isinstance(array, dict):
        return np.frombuffer(base64.b64decode(array["bdata"]), dtype=array["dtype"]).tolist()
    return list(array)


@pytest.fixture(scope="module")
def large_file(tmp_path_factory):
    path = tmp_path_factory.mktemp("queried") / "synthetic.parquet"
    write_synthetic(ROWS, 3, path)
    return path


@pytest.fixture
def queried_app(large_file, tmp_path_factory, monkeypatch):
    monkeypatch.setenv(QUERIED_ABOVE_ENV, "1000")
    monkeypatch.setenv(CACHE_ENV, str(tmp_path_factory.getbasetemp() / "compiled"))

    def run(query: dict | None = None):
        return run_app(query, large_file, monkeypatch)

    return run


def test_the_page_queries_a_large_file_and_draws_its_counts(queried_app):
    app = queried_app()
    assert isinstance(data.current_dataset(), Queried)
    assert app.metric[0].value == f"{ROWS:,} of {ROWS:,}"
    (binned,) = [trace for trace in chart_spec(app, "map")["data"] if str(trace.get("name")).startswith("Binned")]
    assert sum(_values(binned["marker"]["color"])) == ROWS  # every incident in one cell
    captions = page_texts(app, "caption")
    assert f"{ROWS:,} incidents are too many to draw one by one" in captions
    assert f"Map of {ROWS:,} incidents in" in captions
    assert "as counts per grid cell" in captions
    assert re.search(r"Map of 12,000 incidents in [A-Za-z ]+ 1,\d{3},", captions)  # thousands grouped
    assert f"Showing the newest 1,000 of {ROWS:,} incidents; the downloads hold all" in captions
    timeline = chart_spec(app, "timeline")["data"]
    assert sum(sum(_values(trace["text"])) for trace in timeline if trace.get("text") is not None) == ROWS
    assert len(table_ids(app)) == 1_000


def test_a_narrow_view_of_a_large_file_draws_its_incidents_and_opens_one(queried_app):
    app = queried_app({"type": "shootdown", "region": "syria"})
    shown = int(app.metric[0].value.split(" of ")[0].replace(",", ""))
    assert 0 < shown <= 5_000
    ids = table_ids(app)
    assert len(ids) == min(shown, 1_000)
    opened = queried_app({"type": "shootdown", "region": "syria", "incident": ids[0]})
    assert opened.metric[0].value == app.metric[0].value
    title = data.current_dataset().titles([ids[0]])[ids[0]]
    assert title in "\n".join(page_texts(opened, kind) for kind in ("markdown", "subheader", "header"))
    assert not notice_texts(opened)
    assert any(button.label == "Download incident brief" for button in opened.get("download_button"))


def test_a_large_file_compares_two_years_and_offers_its_downloads(queried_app):
    app = queried_app({"compare": ["2022", "2023"]})
    count = data.current_dataset().engine.count
    (by_type,) = [frame.value for frame in app.dataframe if "Type" in frame.value.columns]
    for year in (2022, 2023):
        year_view = parse_view(f"from={year}-01-01&to={year}-12-31").state
        assert by_type[str(year)].sum() == count(year_view)
    labels = [button.label for button in app.get("download_button")]
    assert labels[:4] == ["CSV", "GeoJSON", "JSON", "Data package"]
    assert "Download as web page" in labels


def test_hostile_link_values_on_a_large_file_are_dropped_or_find_nothing(queried_app):
    app = queried_app({"q": "'; DROP TABLE catalog; --", "near": "x') OR 1=1 --", "incident": "2020-01-01-x'--"})
    assert app.metric[0].value == f"0 of {ROWS:,}"
    notices = notice_texts(app)
    assert "near" in notices
    assert "2020-01-01-x'--" in notices
