"""A reader's journey on a Parquet file queried where it lies (incidents/dataset.py), in
Chromium: counts per grid cell, a cell narrows the view, a marker opens its incident, and the
view downloads with exactly the incidents the page counts."""

from __future__ import annotations

import re

import pandas as pd
import pytest
from playwright.sync_api import expect

from incidents.compiled import CACHE_ENV
from incidents.queried import QUERIED_ABOVE_ENV
from incidents.synth import write_synthetic
from tests.e2e.browser import (
    FIND_MAP,
    PANEL_HEADING,
    TIMEOUT,
    map_point,
    start_app,
    stop_app,
    wait_idle,
    wait_map_drawn,
    wait_map_settled,
)
from tests.e2e.conftest import Session

pytestmark = pytest.mark.e2e
ROWS = 12_000

# The largest grid cell of the map, in page pixels (the map scrolled into view).
LARGEST_CELL = f"""() => {{
    const gd = ({FIND_MAP})();
    gd.scrollIntoView({{block: 'center'}});
    const index = gd._fullData.findIndex(trace => String(trace.name).startsWith('Binned'));
    if (index < 0) return null;
    const counts = Array.from(gd._fullData[index].marker.color);
    const largest = counts.indexOf(Math.max(...counts));
    const map = gd._fullLayout.map._subplot.map;
    const point = map.project(gd.calcdata[index][largest].lonlat);
    const box = map.getCanvas().getBoundingClientRect();
    return [box.x + point.x, box.y + point.y];
}}"""

# The catalog row of the first single marker on the map.
FIRST_MARKER = f"""() => {{
    const gd = ({FIND_MAP})();
    const trace = gd._fullData.find(t => t.mode === 'markers' && t.hovertext && t.customdata
                                         && typeof t.customdata[0] === 'number');
    return trace ? trace.customdata[0] : null;
}}"""


@pytest.fixture(scope="module")
def queried_url(browser, tmp_path_factory):
    folder = tmp_path_factory.mktemp("queried-browser")
    data = folder / "synthetic.parquet"
    write_synthetic(ROWS, 5, data)
    process, url = start_app({"INCIDENTS_DATA": str(data), QUERIED_ABOVE_ENV: "1000", CACHE_ENV: str(folder)})
    yield url
    stop_app(process)


def _shown(page) -> int:
    return int(page.get_by_test_id("stMetricValue").first.inner_text().split(" of ")[0].replace(",", ""))


def test_a_large_file_narrows_by_a_cell_opens_a_marker_and_downloads_its_view(browser, queried_url):
    session = Session(browser, queried_url)
    page = session.page
    try:
        page.goto(queried_url)
        wait_idle(page)
        assert _shown(page) == ROWS
        expect(page.get_by_text("as counts per grid cell")).to_be_visible(timeout=TIMEOUT)
        wait_map_drawn(page)
        wait_map_settled(page)
        page.mouse.click(*page.evaluate(LARGEST_CELL))
        expect(page).to_have_url(re.compile(r"near=.*radius_km="), timeout=TIMEOUT)
        wait_idle(page)
        narrowed = _shown(page)
        assert 0 < narrowed < ROWS
        if narrowed > 5_000:  # still a cell's worth: narrow by type until markers are drawn
            page.goto(page.url + "&type=shootdown")
            wait_idle(page)
            narrowed = _shown(page)
        wait_map_drawn(page)
        wait_map_settled(page)
        row = page.evaluate(FIRST_MARKER)
        assert row is not None, "no single marker drawn"
        page.mouse.click(*map_point(page, row))
        expect(page).to_have_url(re.compile(r"incident="), timeout=TIMEOUT)
        wait_idle(page)
        expect(page.locator(PANEL_HEADING)).not_to_be_empty(timeout=TIMEOUT)
        assert _shown(page) == narrowed
        with page.expect_download(timeout=3 * TIMEOUT) as download:
            page.get_by_role("button", name="CSV", exact=True).click()
        written = pd.read_csv(download.value.path())
        assert len(written) == narrowed
        assert written["id"].is_unique
        assert session.external_requests() == []
    finally:
        session.close()
