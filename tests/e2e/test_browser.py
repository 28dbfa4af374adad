"""The six user journeys of the dashboard, in headless Chromium against `streamlit run app.py`."""

from __future__ import annotations

import os
import re
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import pytest
from playwright.sync_api import Page, expect

from incidents.catalog import load_catalog
from incidents.view import apply, parse_view
from tests.e2e.browser import (
    FIND_TIMELINE_POINT,
    PANEL_HEADING,
    TIMEOUT,
    map_point,
    wait_idle,
    wait_map_drawn,
    wait_map_settled,
)

pytestmark = pytest.mark.e2e
BLACK_SEA = "2023-03-14-black-sea-su27-mq9-collision"
CATALOG = load_catalog()


def open_page(page: Page, url: str) -> None:
    page.goto(url)
    wait_idle(page)


def query_of(page: Page) -> dict[str, list[str]]:
    return parse_qs(urlsplit(page.url).query)


def metric(page: Page) -> str:
    return page.get_by_test_id("stMetricValue").first.inner_text()


def row_of(incident_id: str) -> int:
    return int(CATALOG.frame.index[CATALOG.frame["id"] == incident_id][0])


def click_map_incident(page: Page, incident_id: str) -> None:
    wait_map_drawn(page)
    wait_map_settled(page)
    position = map_point(page, row_of(incident_id))
    assert position, f"{incident_id} is not on the map"
    page.mouse.click(*position)


FIND_TIMELINE = """() => [...document.querySelectorAll('.js-plotly-plot')]
    .find(g => g._fullLayout && g._fullLayout.xaxis && g._fullLayout.xaxis.type === 'date'
          && (g._fullData || []).some(t => t.mode === 'markers' && t.customdata))"""


def click_timeline_incident(page: Page, incident_id: str) -> None:
    page.wait_for_function(f"() => !!({FIND_TIMELINE})()", timeout=TIMEOUT)
    position = page.evaluate(FIND_TIMELINE_POINT, row_of(incident_id))
    assert position, f"{incident_id} is not on the timeline"
    page.mouse.click(*position)


@pytest.fixture
def page_at(visitor, app_url):
    def open_at(query: str = "") -> Page:
        page = visitor().page
        open_page(page, f"{app_url}/{('?' + query) if query else ''}")
        return page

    return open_at


def test_1_default_view(page_at):
    page = page_at()
    total = len(CATALOG.frame)
    assert metric(page) == f"{total} of {total}"
    assert wait_map_drawn(page) > 0
    timeline_points = page.evaluate(
        """() => [...document.querySelectorAll('.js-plotly-plot')]
            .filter(g => g._fullLayout.xaxis && g._fullLayout.xaxis.type === 'date')
            .map(g => g.querySelectorAll('.scatterlayer .points path').length)"""
    )
    assert total in timeline_points


def test_2_click_on_map_opens_incident_and_link_reopens_it(page_at, visitor, app_url):
    page = page_at("region=black-sea")
    click_map_incident(page, BLACK_SEA)
    expect(page).to_have_url(re.compile(f"incident={BLACK_SEA}"), timeout=TIMEOUT)
    wait_idle(page)
    title = CATALOG.records[BLACK_SEA].title
    expect(page.locator(PANEL_HEADING)).to_have_text(title)
    counts = metric(page)

    colleague = visitor().page
    open_page(colleague, page.url)
    expect(colleague.locator(PANEL_HEADING)).to_have_text(title)
    assert metric(colleague) == counts
    assert query_of(colleague)["region"] == ["black-sea"]
    region = colleague.get_by_test_id("stMultiSelect").filter(has=colleague.get_by_text("Region", exact=True))
    assert region.inner_text().count("Black Sea") == 1


def test_3_click_on_timeline_then_back_restores_the_view(page_at):
    page = page_at("type=collision")
    before = page.url
    (incident_id,) = [i for i in CATALOG.frame["id"] if CATALOG.records[i].type == "collision"][:1]
    click_timeline_incident(page, incident_id)
    expect(page).to_have_url(re.compile(f"incident={incident_id}"), timeout=TIMEOUT)
    wait_idle(page)
    expect(page.locator(PANEL_HEADING)).to_have_text(CATALOG.records[incident_id].title)
    page.go_back()
    expect(page).to_have_url(before, timeout=TIMEOUT)
    wait_idle(page)
    expect(page.get_by_text("Click an incident on the map")).to_be_visible(timeout=TIMEOUT)


def test_4_sidebar_filter_changes_the_url_and_survives_reload(page_at):
    page = page_at()
    wait_map_drawn(page)  # the page has finished its first render
    # Typing into the box opens the option list even if a first click landed mid-render.
    search_box = page.get_by_test_id("stMultiSelect").first.locator("input")
    search_box.click()
    search_box.fill("Shoot")
    page.get_by_role("option", name="Shoot-down").click(timeout=TIMEOUT)
    page.keyboard.press("Escape")
    expect(page).to_have_url(re.compile(r"type=shootdown"), timeout=TIMEOUT)
    expected = len(apply(CATALOG.frame, parse_view("type=shootdown").state))
    wait_idle(page)
    assert metric(page) == f"{expected} of {len(CATALOG.frame)}"
    page.reload()
    wait_idle(page)
    expect(page.get_by_test_id("stMultiSelect").first).to_contain_text("Shoot-down")
    assert metric(page) == f"{expected} of {len(CATALOG.frame)}"


def test_5_deep_link_renders_exactly_that_view(page_at):
    query = f"from=2022-01-01&to=2024-12-31&initiator=RU&region=black-sea&color=verification&incident={BLACK_SEA}"
    page = page_at(query)
    expected = apply(CATALOG.frame, parse_view(query).state)
    assert metric(page) == f"{len(expected)} of {len(CATALOG.frame)}"
    expect(page.locator(PANEL_HEADING)).to_have_text(CATALOG.records[BLACK_SEA].title)
    expect(page.get_by_test_id("stSidebar")).to_contain_text("Verification")
    assert wait_map_drawn(page) > 0
    assert page.get_by_test_id("stDateInput").first.locator("input").input_value() == "2022-01-01"


def test_6_broken_link_shows_notices_and_no_error(page_at):
    page = page_at("from=2023-13-01&type=dogfight&incident=2020-02-02-no-such-incident&region=syria")
    body = page.get_by_test_id("stMain")
    expect(body).to_contain_text("`from=2023-13-01`".strip("`"))
    expect(body).to_contain_text("type=dogfight")
    expect(body).to_contain_text("Incident not found")
    expect(page.get_by_test_id("stException")).to_have_count(0)
    expected = len(apply(CATALOG.frame, parse_view("region=syria").state))
    assert metric(page) == f"{expected} of {len(CATALOG.frame)}"


def test_screenshot_of_the_main_view(page_at, tmp_path):
    """`make screenshot` sets SCREENSHOT_PATH=docs/screenshot.png; otherwise it goes to tmp."""
    page = page_at(f"incident={BLACK_SEA}&color=initiator")
    wait_map_drawn(page)
    page.wait_for_timeout(1000)  # let MapLibre finish fading in the basemap tiles it drew
    target = Path(os.environ.get("SCREENSHOT_PATH") or tmp_path / "screenshot.png")
    page.screenshot(path=str(target), full_page=False)
    assert target.stat().st_size > 50_000
