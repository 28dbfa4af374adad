"""The dashboard inside another page's iframe with Streamlit's ``embed=true`` (the README's
embed snippet): the link's view keys apply and a click on the map opens an incident."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import Frame
from playwright.sync_api import TimeoutError as PlaywrightTimeout

from incidents.catalog import load_catalog
from incidents.view import apply, parse_view
from tests.e2e.browser import TIMEOUT, map_point, wait_idle, wait_map_drawn, wait_map_settled

pytestmark = pytest.mark.e2e
CATALOG = load_catalog()
QUERY = "region=black-sea&type=collision&type=unsafe_intercept"


def embedding_page(app_url: str, query: str) -> str:
    """A page of someone else's site that embeds one view, as the README shows."""
    return f"""<!DOCTYPE html><html><body><h1>An article</h1>
<iframe id="atlas" src="{app_url}/?embed=true&amp;{query.replace("&", "&amp;")}" title="Airspace Incident Atlas"
        width="1300" height="1400" style="border:0"></iframe></body></html>"""


def click_row_on_map(frame: Frame, offset: dict, row: int) -> None:
    wait_map_settled(frame)
    position = map_point(frame, row)
    assert position, f"row {row} is not a single marker on the map"
    frame.page.mouse.click(offset["x"] + position[0], offset["y"] + position[1])


def test_an_embedded_view_keeps_its_keys_and_a_click_opens_an_incident(visitor, app_url, tmp_path):
    shown = apply(CATALOG.frame, parse_view(QUERY).state)
    session = visitor({"width": 1400, "height": 1500})
    host = tmp_path / "article.html"
    host.write_text(embedding_page(app_url, QUERY), encoding="utf-8")
    session.page.goto(host.as_uri(), wait_until="domcontentloaded", timeout=3 * TIMEOUT)  # the iframe loads below
    iframe = session.page.locator("#atlas")
    frame = iframe.element_handle(timeout=TIMEOUT).content_frame()
    assert frame is not None
    frame.wait_for_load_state(timeout=3 * TIMEOUT)
    wait_idle(frame)  # a Frame answers what a Page does here
    # The view key applies: the count is the view's, not the whole dataset's.
    metric = frame.get_by_test_id("stMetricValue").first.inner_text()
    assert metric == f"{len(shown)} of {len(CATALOG.frame)}"
    assert wait_map_drawn(frame) > 0
    # Streamlit's embed keys are no view keys: no notice names them.
    assert "embed" not in frame.locator("[data-testid='stAlert']").all_inner_texts().__str__()
    # A click on a lone marker opens that incident in the embedded page.
    lone = shown.groupby([shown["lat"].round(2), shown["lon"].round(2)])["id"].transform("size") == 1
    target = shown[lone].iloc[0]
    row = int(CATALOG.frame.index[CATALOG.frame["id"] == target["id"]][0])  # the map's customdata
    for _ in range(3):  # a click while the map still fits can miss the marker: click again
        click_row_on_map(frame, iframe.bounding_box(), row)
        try:
            frame.wait_for_function(f"() => location.search.includes('incident={target['id']}')", timeout=TIMEOUT / 3)
            break
        except PlaywrightTimeout:
            continue
    frame.wait_for_function(f"() => location.search.includes('incident={target['id']}')", timeout=TIMEOUT)
    wait_idle(frame)
    assert re.search(r"[?&]embed=true", frame.url), "the page stays embedded"
    heading = frame.get_by_role("heading", name=CATALOG.records[target["id"]].title)
    heading.first.wait_for(timeout=TIMEOUT)
