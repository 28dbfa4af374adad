"""The map as a researcher uses it (issues 13 and 16), in headless Chromium: no incident hidden,
proximity drawn, the view fitted at the map's real width, layers drawn offline."""

from __future__ import annotations

import pytest
from playwright.sync_api import Page
from playwright.sync_api import TimeoutError as PlaywrightTimeout

from incidents.catalog import load_catalog
from incidents.view import apply, parse_view
from tests.e2e.browser import FIRST_MAP_TIMEOUT, TIMEOUT, map_point, wait_idle, wait_map_drawn, wait_map_settled

pytestmark = pytest.mark.e2e
CATALOG = load_catalog()
SYRIA_JULY = "region=syria&from=2023-07-01&to=2023-07-31"
PHONE = {"width": 390, "height": 844}
GD = "document.querySelector('.st-key-map .js-plotly-plot')"


def open_at(visitor, query: str, viewport: dict | None = None) -> Page:
    session = visitor(viewport)
    # Two browser suites share two cores in CI: a page may take longer than the 30 s default.
    session.page.goto(f"{session.app_url}/?{query}", timeout=3 * TIMEOUT)
    wait_idle(session.page)
    wait_map_drawn(session.page)
    wait_map_settled(session.page)  # the view is fitted and still
    return session.page


def shown_ids(query: str) -> list[str]:
    return apply(CATALOG.frame, parse_view(query).state)["id"].tolist()


def markers(page: Page) -> dict:
    """Singles (row numbers) and shared markers (their hovers) the map draws."""
    return page.wait_for_function(
        f"""() => {{ const gd = {GD}; if (!gd || !gd._fullData) return null;
        const singles = [], groups = [];
        for (const trace of gd._fullData) {{
            if (trace.mode !== 'markers' || !trace.customdata || trace.name === 'Open incident') continue;
            Array.from(trace.customdata).forEach((data, i) => {{
                if (typeof data === 'string' && data.startsWith('@')) {{
                    if (trace.hovertext) groups.push([data, trace.hovertext[i]]);
                }} else if (trace.name !== 'Same series') singles.push(Number(data));
            }});
        }}
        return {{singles, groups}}; }}""",
        timeout=FIRST_MAP_TIMEOUT,
    ).json_value()


def click_customdata(page: Page, value) -> None:
    wait_map_settled(page)
    position = map_point(page, value)
    assert position, f"{value} is on the map"
    page.mouse.click(*position)


def test_syria_july_2023_every_incident_is_a_marker_or_counted_in_a_shared_one(visitor):
    page = open_at(visitor, SYRIA_JULY)
    drawn = markers(page)
    expected = shown_ids(SYRIA_JULY)
    counted = sum(int(hover.split("<b>")[1].split(" ")[0]) for _, hover in drawn["groups"])
    assert len(drawn["singles"]) + counted == len(expected) == 7
    (key, hover) = max(drawn["groups"], key=lambda group: int(group[1].split("<b>")[1].split(" ")[0]))
    together = int(hover.split("<b>")[1].split(" ")[0])
    assert together >= 4, "four or more July 2023 incidents share one published point"
    listed = page.locator("[class*='st-key-group-2023-']")
    for _ in range(3):  # a click while the map still moves can miss the marker: click again
        click_customdata(page, key)
        try:
            listed.first.wait_for(timeout=TIMEOUT / 3)
            break
        except PlaywrightTimeout:
            continue
    listed.first.wait_for(timeout=TIMEOUT)
    assert listed.count() == together
    third = listed.nth(2).get_attribute("class").split("st-key-group-")[1].split(" ")[0]
    listed.nth(2).locator("button").focus()
    page.keyboard.press("Enter")  # the list works by keyboard
    page.wait_for_function(f"() => location.search.includes('incident={third}')", timeout=TIMEOUT)


def test_near_tartus_draws_the_place_and_its_circle_and_fits_it(visitor):
    page = open_at(visitor, "near=Tartus&radius_km=300")
    found = page.wait_for_function(
        f"""() => {{ const gd = {GD}; if (!gd || !gd._fullData || gd.dataset.atlasChecks === undefined) return null;
        const ring = gd._fullData.find(t => String(t.name).startsWith('Within 300 km of Tartus'));
        const map = gd._fullLayout.map._subplot.map; if (!ring) return null;
        const bounds = map.getBounds();
        const inside = ring.lat.every((lat, i) => bounds.contains([ring.lon[i], lat]));
        return inside ? {{points: ring.lat.length, inside}} : null; }}""",
        timeout=FIRST_MAP_TIMEOUT,
    ).json_value()
    assert found["points"] > 30
    assert found["inside"], "the view fits the whole circle"


@pytest.mark.parametrize("query", ["", "region=south-china-sea"])
def test_on_a_phone_every_filtered_incident_is_inside_the_map(visitor, query):
    page = open_at(visitor, query, PHONE)
    count = f"""() => {{ const gd = {GD}; if (!gd || gd.dataset.atlasFitted === undefined) return null;
        const map = gd._fullLayout.map._subplot.map; const bounds = map.getBounds(); let outside = 0, n = 0;
        for (const trace of gd._fullData) {{
            if (trace.mode !== 'markers' || !trace.customdata) continue;
            trace.lat.forEach((lat, i) => {{ n += 1; if (!bounds.contains([trace.lon[i], lat])) outside += 1; }});
        }}
        return {{outside, n}}; }}"""
    # The fit is re-checked in the browser for a moment after load (plotly may apply its own
    # view first), so wait for the fitted view rather than read the first one.
    try:
        page.wait_for_function(f"() => {{ const c = ({count})(); return c && c.n > 0 && c.outside === 0; }}",
                               timeout=FIRST_MAP_TIMEOUT)  # fmt: skip
    except PlaywrightTimeout:
        pytest.fail(f"incidents outside the phone's map: {page.evaluate(count)}")


def test_a_layer_link_draws_the_layer_with_no_request_beyond_localhost(visitor):
    page = open_at(visitor, "layer=cn-ecs-adiz&layer=tw-median-line&layer=pla-tracks&from=2022-08-01&to=2022-08-31")
    names = page.evaluate(f"() => {GD}._fullData.map(t => t.name)")
    assert any("East China Sea Air Defense" in name for name in names)
    assert any(name.startswith("Taiwan Strait median line") for name in names)
    assert any(name.startswith("PLA tracks") for name in names)
    # the visitor fixture fails the test on any request to another host


def test_the_built_in_basemap_has_text_labels_and_water_unlike_land(visitor):
    page = open_at(visitor, "region=syria")
    style = page.evaluate(
        f"""() => {{ const map = {GD}._fullLayout.map._subplot.map; const style = map.getStyle();
        const colour = (type) => style.layers.filter(l => l.type === type)
            .map(l => l.paint && (l.paint['background-color'] || l.paint['fill-color']));
        const symbols = map.queryRenderedFeatures().filter(f => f.layer.type === 'symbol');
        return {{labels: style.layers.filter(l => l.type === 'symbol' && l.layout && l.layout['text-field']).length,
                 water: colour('background'), land: colour('fill'), glyphs: style.glyphs,
                 shown: symbols.map(f => f.properties.name)}}; }}"""
    )
    assert style["labels"] >= 3
    assert style["water"][0] != style["land"][0]
    assert style["glyphs"].startswith("http://localhost")
    assert {"Syria", "Damascus"} <= set(style["shown"]), "a newcomer can read where this is"
