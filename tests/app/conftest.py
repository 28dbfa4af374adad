from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from components.data import DATA_ENV
from tests.markdown_view import shown

APP = str(Path(__file__).resolve().parents[2] / "app.py")


def run_app(query: dict | None = None, data=None, monkeypatch=None) -> AppTest:
    if data is not None:
        monkeypatch.setenv(DATA_ENV, str(data))
    app = AppTest.from_file(APP, default_timeout=60)
    for key, value in (query or {}).items():
        app.query_params[key] = value
    app.run()
    assert not app.exception, [e.value for e in app.exception]
    return app


@pytest.fixture
def fixture_app(fixture_data, monkeypatch):
    def run(query: dict | None = None) -> AppTest:
        return run_app(query, fixture_data, monkeypatch)

    return run


@pytest.fixture
def shipped_app(monkeypatch):
    monkeypatch.delenv(DATA_ENV, raising=False)

    def run(query: dict | None = None) -> AppTest:
        return run_app(query)

    return run


def table_ids(app: AppTest) -> list[str]:
    (table,) = [frame for frame in app.dataframe if "title" in frame.value.columns]
    return [re.search(r"incident=([^&]+)", link).group(1) for link in table.value["id"]]


def chart_specs(app: AppTest) -> list[dict]:
    return [json.loads(chart.proto.spec) for chart in app.get("plotly_chart")]


def chart_spec(app: AppTest, key: str) -> dict:
    """The figure of the chart with this key (its element id ends with the key)."""
    (chart,) = [chart for chart in app.get("plotly_chart") if chart.proto.id.endswith(f"-{key}")]
    return json.loads(chart.proto.spec)


def chart_rows(spec: dict, frame=None) -> set[int]:
    """Row numbers (customdata) of every selectable point in a figure. A marker shared by
    several incidents ("@lat,lon") counts for each of them (``frame``: the catalog frame)."""
    rows = set()
    for trace in spec["data"]:
        data = trace.get("customdata")
        if isinstance(data, dict):  # plotly ships typed arrays as {"dtype", "bdata"}
            import base64

            import numpy as np

            data = np.frombuffer(base64.b64decode(data["bdata"]), dtype=data["dtype"]).tolist()
        for value in data or []:
            if isinstance(value, str) and value.startswith("@"):
                rows.update(_group_rows(value, frame))
            else:
                rows.add(int(value))
    return rows


def _group_rows(key: str, frame) -> set[int]:
    from components.mapview import members

    assert frame is not None, "pass the view's frame to count the incidents of a shared marker"
    return {int(row) for row in members(frame, key).index}  # the catalog frame's index is the row


def notice_texts(app: AppTest) -> str:
    return "\n".join(shown(element.value) for element in [*app.warning, *app.info, *app.error])


def page_texts(app: AppTest, kind: str = "markdown") -> str:
    """What a reader sees of every element of one kind (markdown, caption, subheader, ...)."""
    return "\n".join(shown(element.value) for element in getattr(app, kind))
