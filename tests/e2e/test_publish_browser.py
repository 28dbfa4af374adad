"""A published view (incidents/publish.py) opened from disk in Chromium with every request
outside the file aborted: the map draws the view's incidents, a click opens an incident, and
a hostile record's text runs nothing."""

from __future__ import annotations

from datetime import date

import pytest
from playwright.sync_api import Page
from playwright.sync_api import TimeoutError as PlaywrightTimeout

from incidents import publish, view
from incidents.catalog import load_catalog
from tests import hostile
from tests.e2e.browser import TIMEOUT, map_point

pytestmark = pytest.mark.e2e
QUERY = "region=black-sea"
MAP = "document.getElementById('map')"
# Points MapLibre drew for the incident traces (not the white rings under them, not the open one).
DRAWN = f"""() => {{ const gd = {MAP}; const map = gd && gd._fullLayout && gd._fullLayout.map
    && gd._fullLayout.map._subplot && gd._fullLayout.map._subplot.map;
    if (!map || !map.loaded() || document.body.dataset.ready !== 'true') return 0;
    const layers = map.getStyle().layers.map(l => l.id)
        .filter(id => id.includes('incidents-') && id.endsWith('-circle'));
    return map.queryRenderedFeatures({{layers}}).length; }}"""

# The basemap's place names: added after the incidents, below their layers, and rendered.
LABELLED = f"""() => {{ const map = {MAP}._fullLayout.map._subplot.map;
    const ids = map.getStyle().layers.map(l => l.id);
    const label = ids.indexOf('label-place'), incidents = ids.findIndex(id => id.includes('incidents-'));
    return label >= 0 && label < incidents && map.queryRenderedFeatures({{layers: ['label-place']}}).length > 0; }}"""


class OfflinePage:
    """A browser context that lets the page's own file load and aborts every other request,
    recording what was attempted, every dialog and every console error."""

    def __init__(self, browser, path):
        self.url = path.as_uri()
        self.context = browser.new_context(viewport={"width": 1400, "height": 1100})
        self.requests: list[str] = []
        self.dialogs: list[str] = []
        self.errors: list[str] = []
        self.context.on("request", lambda request: self.requests.append(request.url))
        self.context.route("**/*", self._route)
        self.page: Page = self.context.new_page()
        self.page.on("dialog", self._dialog)
        self.page.on("pageerror", lambda error: self.errors.append(str(error)))
        self.page.on("console", lambda message: message.type == "error" and self.errors.append(message.text))
        self.page.goto(self.url, timeout=3 * TIMEOUT)
        self.drawn = self.page.wait_for_function(f"() => ({DRAWN})() > 0", timeout=3 * TIMEOUT)
        self.page.wait_for_function(f"() => {{ const m = {MAP}._fullLayout.map._subplot.map; return !m.isMoving(); }}")

    def _route(self, route):
        if route.request.url == self.url:
            route.continue_()
        else:
            route.abort()

    def _dialog(self, dialog):
        self.dialogs.append(dialog.message)
        dialog.dismiss()

    def drawn_points(self) -> int:
        return self.page.evaluate(DRAWN)

    def click_map_row(self, row: int) -> None:
        position = map_point(
            self.page, row, find_map=f"() => {MAP}", trace_test="String(trace.uid).startsWith('incidents-')"
        )
        assert position, f"row {row} is not on the map"
        self.page.mouse.click(*position)

    def not_network(self) -> list[str]:
        return [url for url in self.requests if url != self.url and not url.startswith(("data:", "blob:"))]

    def close(self) -> None:
        self.context.close()


@pytest.fixture
def offline(browser):
    pages: list[OfflinePage] = []

    def open_offline(path) -> OfflinePage:
        pages.append(OfflinePage(browser, path))
        return pages[-1]

    yield open_offline
    for page in pages:
        page.close()


def test_a_published_view_opens_offline_draws_its_incidents_and_a_click_opens_one(offline, tmp_path):
    catalog = load_catalog()
    state = view.parse_view(QUERY).state
    ids = view.apply(catalog.frame, state)["id"].tolist()
    path = tmp_path / "view.html"
    path.write_text(publish.publish_view(catalog, state, "", date.today()).content, encoding="utf-8")
    session = offline(path)
    session.page.wait_for_function(f"() => ({DRAWN})() === {len(ids)}", timeout=TIMEOUT)
    assert session.page.locator("#table tbody tr").count() == len(ids)
    # Place names follow the first draw, under the incidents, and are drawn.
    session.page.wait_for_function(LABELLED, timeout=TIMEOUT)
    # An incident alone at its position opens straight from the map.
    alone = session.page.evaluate(
        """() => { const data = JSON.parse(document.getElementById('atlas-data').textContent);
        const key = (i) => data.rows.lat[i].toFixed(2) + ',' + data.rows.lon[i].toFixed(2);
        const keys = data.rows.id.map((_, i) => key(i));
        return keys.findIndex((k) => keys.filter((other) => other === k).length === 1); }"""
    )
    assert alone >= 0
    for _ in range(3):  # a click while MapLibre still settles can miss: click again
        session.click_map_row(alone)
        try:
            session.page.wait_for_function(
                f"() => document.getElementById('details').dataset.incident === '{ids[alone]}'", timeout=TIMEOUT / 3
            )
            break
        except PlaywrightTimeout:
            continue
    details = session.page.locator("#details")
    assert details.get_attribute("data-incident") == ids[alone]
    incident = catalog.records[ids[alone]]
    assert incident.title in details.locator("h2").inner_text()
    links = details.locator("ol a")
    assert links.count() == len(incident.sources)
    assert links.first.get_attribute("href") == str(incident.sources[0].url)
    assert catalog.version in session.page.locator("#citation").inner_text()
    assert session.not_network() == []
    assert session.errors == []


def test_a_hostile_record_in_a_published_view_runs_nothing_and_requests_nothing(offline, tmp_path):
    catalog = load_catalog(hostile.write_hostile_yaml(tmp_path / "data"))
    state = view.parse_view("").state
    path = tmp_path / "hostile.html"
    path.write_text(publish.publish_view(catalog, state, "", date.today()).content, encoding="utf-8")
    session = offline(path)
    rows = catalog.frame["id"].tolist()
    assert session.drawn_points() == len(rows)
    # The three records share one position: the map lists them, and the list opens each.
    hostile_row = rows.index(hostile.HOSTILE_ID)
    for _ in range(3):
        session.click_map_row(hostile_row)
        try:
            session.page.locator("#details li button").first.wait_for(timeout=TIMEOUT / 3)
            break
        except PlaywrightTimeout:
            continue
    listed = session.page.locator("#details li button")
    assert listed.count() == len(rows)
    listed.filter(has_text="Hostile").click()
    details = session.page.locator("#details")
    session.page.wait_for_function(
        f"() => document.getElementById('details').dataset.incident === '{hostile.HOSTILE_ID}'", timeout=TIMEOUT
    )
    # The payloads are on the page as text ...
    assert "<script>window.__pwned=1</script>" in details.locator("h2").inner_text()
    assert "onerror" in details.inner_text()
    # ... and nothing of them became an element, ran, or asked for anything.
    assert session.page.locator("#details img, #details script, #table img, #table script").count() == 0
    assert session.page.locator("#details a").evaluate_all("(links) => links.map(a => a.protocol)") == [
        "https:",
        "https:",
    ]
    session.page.locator("#table tbody button").filter(has_text="Hostile").click()
    session.page.mouse.move(10, 10)
    assert session.page.evaluate("() => window.__pwned") is None
    assert session.dialogs == []
    assert session.not_network() == []
    assert session.errors == []
