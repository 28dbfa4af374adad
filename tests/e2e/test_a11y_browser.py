"""Accessibility in the browser (issue 15): axe-core on four pages, a keyboard journey, a phone
journey and the printed page, in headless Chromium against the real app.

axe-core comes from npm at the version package-lock.json pins (`make axe`, part of `make test`)
and is injected from node_modules, so no test fetches anything at run time. A violation of
impact serious or critical fails the test; moderate and minor ones are listed in the report
file (AXE_REPORT, default tmp/axe-report.md) and printed.
"""

from __future__ import annotations

import json
import os
import re
from pathlib import Path

import pytest
from playwright.sync_api import Page, expect

from incidents import brief, export
from incidents.catalog import load_catalog
from incidents.view import apply, parse_view
from tests.e2e.browser import IDLE, ROOT, TIMEOUT, wait_idle, wait_map_drawn
from tests.e2e.test_browser import metric

pytestmark = pytest.mark.e2e
CATALOG = load_catalog()
AXE = ROOT / "node_modules" / "axe-core" / "axe.min.js"
REPORT = Path(os.environ.get("AXE_REPORT") or ROOT / "tmp" / "axe-report.md")
PHONE = {"width": 390, "height": 844}
TABLET = {"width": 768, "height": 1024}
SYRIA_JULY_2023 = "region=syria&from=2023-07-01&to=2023-07-31"
BLACK_SEA = "2023-03-14-black-sea-su27-mq9-collision"
UNTITLED_SOURCE = "2012-06-22-syria-shoots-down-turkish-rf4e"  # a record with sources without a title
FAILING_IMPACTS = {"serious", "critical"}

# Violations inside Streamlit's own DOM that the app cannot change, as (rule, CSS selector
# fragment of the node, reason). None is needed with Streamlit 1.67: the contrast of its
# captions, quotes and pills is fixed by the page's style sheet (components/page_support),
# and the code blocks wrap instead of scrolling. A new entry needs its reason here; a whole
# rule is never switched off.
STREAMLIT_EXCLUSIONS: list[tuple[str, str, str]] = []


@pytest.fixture(scope="module")
def axe_script() -> Path:
    if not AXE.exists():
        message = f"{AXE.relative_to(ROOT)} is missing: run `make axe` (npm ci of package-lock.json)"
        if os.environ.get("CI"):
            pytest.fail(f"CI=true: {message}")
        pytest.skip(message)
    return AXE


@pytest.fixture(scope="module")
def report():
    REPORT.parent.mkdir(parents=True, exist_ok=True)
    lines = ["# axe-core: moderate and minor findings of the browser suite", ""]
    yield lines
    REPORT.write_text("\n".join(lines) + "\n", encoding="utf-8")
    print("\n".join(lines))


def excluded(rule: str, target: str) -> bool:
    return any(rule == ex_rule and fragment in target for ex_rule, fragment, _ in STREAMLIT_EXCLUSIONS)


def run_axe(page: Page, script: Path) -> list[dict]:
    page.add_script_tag(path=str(script))
    result = page.evaluate("async () => (await axe.run(document, {resultTypes: ['violations']})).violations")
    found = []
    for violation in result:
        nodes = [n for n in violation["nodes"] if not excluded(violation["id"], " ".join(map(str, n["target"])))]
        if nodes:
            found.append({**violation, "nodes": nodes})
    return found


def describe(violation: dict) -> str:
    first = violation["nodes"][0]
    return (
        f"- {violation['impact']} `{violation['id']}` on {len(violation['nodes'])} node(s): {violation['help']}; "
        f"first: {json.dumps(first['target'])} {first.get('failureSummary', '')[:200]!r}"
    )


# Under CI's two parallel browser suites a first page has taken over 30 s.
LOAD_TIMEOUT = 135_000


def open_page(page: Page, url: str) -> None:
    page.goto(url, timeout=LOAD_TIMEOUT)
    page.wait_for_selector(IDLE, timeout=LOAD_TIMEOUT)
    expect(page.get_by_test_id("stStatusWidget")).to_have_count(0, timeout=LOAD_TIMEOUT)
    page.wait_for_selector("#atlas-live", state="attached", timeout=TIMEOUT)


def status(page: Page) -> str:
    return page.locator("#atlas-live").text_content(timeout=TIMEOUT) or ""


def expected_count(query: str) -> int:
    return len(apply(CATALOG.frame, parse_view(query).state))


PAGES = {
    "default": ("", None),
    "incident": (f"incident={BLACK_SEA}", None),
    "filtered-with-notices": (f"{SYRIA_JULY_2023}&type=dogfight", None),
    "phone": (SYRIA_JULY_2023, PHONE),
}


@pytest.mark.parametrize("name", PAGES)
def test_axe_finds_no_serious_or_critical_violation(name, visitor, app_url, axe_script, report):
    query, viewport = PAGES[name]
    page = visitor(viewport).page
    open_page(page, f"{app_url}/?{query}")
    wait_map_drawn(page)
    if name == "incident":
        expect(page.locator(".st-key-incident-panel h2")).to_have_text(CATALOG.records[BLACK_SEA].title)
    if name == "filtered-with-notices":
        expect(page.get_by_test_id("stMain")).to_contain_text("type=dogfight")
    violations = run_axe(page, axe_script)
    report.append(f"## {name} (?{query}{', ' + str(viewport) if viewport else ''})")
    report.extend([describe(v) for v in violations if v["impact"] not in FAILING_IMPACTS] or ["- none"])
    report.append("")
    failing = [describe(v) for v in violations if v["impact"] in FAILING_IMPACTS]
    assert failing == [], "\n".join(failing)


ACTIVE = """() => {
    const a = document.activeElement;
    return {tag: a.tagName, text: (a.textContent || '').trim(),
            table: !!a.closest('.st-key-results [data-testid=stDataFrame]'),
            panel: !!a.closest('.st-key-incident-panel')};
}"""


def active(page: Page) -> dict:
    return page.evaluate(ACTIVE)


def test_keyboard_journey_skip_link_enter_on_a_row_focus_and_escape(visitor, app_url):
    page = visitor().page
    open_page(page, f"{app_url}/?{SYRIA_JULY_2023}")
    shown = apply(CATALOG.frame, parse_view(SYRIA_JULY_2023).state)
    expect(page.locator("#atlas-live")).to_have_text(f"{len(shown)} of {len(CATALOG.frame)} incidents shown.")

    # The downloads: two Tabs and Enter, then the first download (61 Tabs before).
    page.keyboard.press("Tab")
    page.keyboard.press("Tab")
    assert active(page)["text"] == "Skip to the downloads"
    page.keyboard.press("Enter")
    page.wait_for_function("() => document.activeElement.tagName === 'H2'", timeout=TIMEOUT)
    assert active(page)["text"] == "Download and cite"
    page.keyboard.press("Tab")
    focused = active(page)
    assert focused["tag"] == "BUTTON"
    assert focused["text"].endswith("CSV")  # after the icon's ligature name

    open_page(page, f"{app_url}/?{SYRIA_JULY_2023}")
    page.keyboard.press("Tab")
    assert active(page) == {"tag": "A", "text": "Skip to the results table", "table": False, "panel": False}
    page.keyboard.press("Enter")
    page.wait_for_function("() => document.activeElement.tagName === 'H2'", timeout=TIMEOUT)
    assert active(page)["text"] == "Incidents"

    # Past the table's own toolbar buttons, Tab reaches the grid's cells (once the grid is
    # drawn: under CI's load it can come after the heading).
    page.wait_for_selector(".st-key-results [data-testid=stDataFrame] canvas", timeout=TIMEOUT)
    for _ in range(8):
        page.keyboard.press("Tab")
        if active(page)["table"] and active(page)["tag"] != "BUTTON":
            break
    assert active(page)["table"], active(page)
    page.keyboard.press("Enter")
    expect(page).to_have_url(re.compile(r"incident="), timeout=TIMEOUT)
    opened = re.search(r"incident=([^&]+)", page.url).group(1)
    assert opened in set(shown["id"])
    title = CATALOG.records[opened].title
    page.wait_for_function("() => document.activeElement.tagName === 'H2'", timeout=TIMEOUT)
    assert active(page) == {"tag": "H2", "text": title, "table": False, "panel": True}
    expect(page.locator("#atlas-live")).to_contain_text(f"Open: {title}", timeout=TIMEOUT)

    page.keyboard.press("Escape")
    expect(page).not_to_have_url(re.compile(r"incident="), timeout=TIMEOUT)
    page.wait_for_function("() => !!document.activeElement.closest('[data-testid=stDataFrame]')", timeout=TIMEOUT)
    expect(page.get_by_text("Click an incident on the map")).to_be_visible(timeout=TIMEOUT)


def test_keyboard_opens_every_incident_at_a_shared_map_point(visitor, app_url):
    # Syria, July 2023: five incidents share one published point, one marker on the map. The
    # select box of shared points opens the marker's list by keyboard alone.
    page = visitor().page
    open_page(page, f"{app_url}/?{SYRIA_JULY_2023}")
    shown = apply(CATALOG.frame, parse_view(SYRIA_JULY_2023).state)
    chooser = page.get_by_label("Incidents sharing one point on the map")
    chooser.focus()
    page.keyboard.press("ArrowDown")  # opens the list of points
    option = page.get_by_role("option").first
    expect(option).to_contain_text("5 incidents", timeout=TIMEOUT)
    page.keyboard.press("Enter")
    wait_idle(page)
    listed = page.locator(".st-key-shared-point-list [class*='st-key-group-']:not(.st-key-group-close)")
    expect(listed).to_have_count(5, timeout=TIMEOUT)
    # Focus lands on the list's first incident (the page script), as on opening an incident.
    expect(listed.first.get_by_role("button")).to_be_focused(timeout=TIMEOUT)
    page.keyboard.press("Enter")
    expect(page).to_have_url(re.compile(r"incident="), timeout=TIMEOUT)
    opened = re.search(r"incident=([^&]+)", page.url).group(1)
    assert opened in set(shown["id"])
    page.wait_for_function("() => document.activeElement.tagName === 'H2'", timeout=TIMEOUT)
    assert active(page) == {"tag": "H2", "text": CATALOG.records[opened].title, "table": False, "panel": True}

    # Escape closes the incident and focus returns to the list's button it came from.
    page.keyboard.press("Escape")
    expect(page).not_to_have_url(re.compile(r"incident="), timeout=TIMEOUT)
    expect(page.locator(f".st-key-group-{opened} button")).to_be_focused(timeout=TIMEOUT)
    # Closing the list returns focus to the select box of shared points.
    close = page.locator(".st-key-group-close button")
    for _ in range(8):  # past the list's other incidents
        page.keyboard.press("Tab")
        if close.evaluate("button => button === document.activeElement"):
            break
    expect(close).to_be_focused()
    page.keyboard.press("Enter")
    expect(listed).to_have_count(0, timeout=TIMEOUT)
    expect(chooser).to_be_focused(timeout=TIMEOUT)


def boxes(page: Page, selector: str) -> list[dict]:
    return page.evaluate(
        """(selector) => [...document.querySelectorAll(selector)]
            .filter(e => e.getClientRects().length && getComputedStyle(e).visibility !== 'hidden')
            .map(e => { const r = e.getBoundingClientRect();
                        return {x: r.x, y: r.y, width: r.width, height: r.height,
                                name: e.getAttribute('aria-label') || (e.textContent || '').trim().slice(0, 40)}; })""",
        selector,
    )


def test_phone_journey_filter_open_and_download(visitor, app_url):
    page = visitor(PHONE).page
    open_page(page, f"{app_url}/?from=2023-07-01&to=2023-07-31")
    sidebar = page.get_by_test_id("stSidebar")
    expect(sidebar).to_have_attribute("data-collapsed", "true")
    # The count, then the map, then the timeline, one above the other.
    wait_map_drawn(page)
    page.wait_for_function("() => document.querySelectorAll('.js-plotly-plot').length >= 2", timeout=TIMEOUT)
    count_top = page.get_by_test_id("stMetric").bounding_box()["y"]
    charts = [box["y"] for box in boxes(page, ".js-plotly-plot")]
    assert count_top < charts[0] < charts[1]
    # Tap targets of the main column are at least 24 px.
    small = [b for b in boxes(page, "[data-testid=stMain] button, [data-testid=stMain] a[href]")
             if b["width"] and (b["height"] < 24 or b["width"] < 24)]  # fmt: skip
    assert small == []

    page.get_by_test_id("stExpandSidebarButton").click()
    expect(sidebar).to_have_attribute("data-collapsed", "false", timeout=TIMEOUT)
    dates = sidebar.get_by_test_id("stDateInput").locator("input")
    for index, value in enumerate(("2023-07-01", "2023-07-31")):
        field = dates.nth(index)
        assert field.input_value() == value
        # The whole date shows: nothing of it scrolls out of the field.
        assert field.evaluate("e => e.scrollWidth <= e.clientWidth"), value
    # Stacked, each field as wide as the sidebar's content (side by side each had 102 px).
    sidebar_width = sidebar.bounding_box()["width"]
    widgets = sidebar.get_by_test_id("stDateInput")
    assert all(widgets.nth(i).bounding_box()["width"] > 0.6 * sidebar_width for i in range(2))
    assert widgets.nth(0).bounding_box()["y"] < widgets.nth(1).bounding_box()["y"]
    region = sidebar.get_by_test_id("stMultiSelect").filter(has=page.get_by_text("Region", exact=True))
    region.locator("input").click()
    region.locator("input").fill("Syria")
    page.get_by_role("option", name="Syria").click(timeout=TIMEOUT)
    page.keyboard.press("Escape")
    expect(page).to_have_url(re.compile(r"region=syria"), timeout=TIMEOUT)
    wait_idle(page)
    expected = expected_count(SYRIA_JULY_2023)
    expect(page.locator("#atlas-live")).to_have_text(f"{expected} of {len(CATALOG.frame)} incidents shown.")
    assert metric(page) == f"{expected} of {len(CATALOG.frame)}"
    sidebar.get_by_test_id("stSidebarHeader").get_by_role("button").last.click()
    expect(sidebar).to_have_attribute("data-collapsed", "true", timeout=TIMEOUT)

    # The table's first columns are the date and the title.
    headers = page.locator(".st-key-results [data-testid=stDataFrame] th").all_text_contents()
    assert [h for h in headers if h][:2] == ["date", "title"]

    # Tap a row's selection box (the grid's first, narrow column); rows are 35 px under a
    # 35 px header, in the order of the view.
    row = 3
    incident = apply(CATALOG.frame, parse_view(SYRIA_JULY_2023).state)["id"].iloc[row]
    grid = page.locator(".st-key-results [data-testid=stDataFrame] canvas").first
    grid.scroll_into_view_if_needed()
    box = grid.bounding_box()
    page.mouse.click(box["x"] + 15, box["y"] + 35 + 35 * row + 17)
    expect(page).to_have_url(re.compile(f"incident={incident}"), timeout=TIMEOUT)
    wait_idle(page)
    expect(page.locator(".st-key-incident-panel h2")).to_have_text(CATALOG.records[incident].title)

    with page.expect_download(timeout=LOAD_TIMEOUT) as download:  # a lazy download reruns the page first
        page.get_by_role("button", name="Download incident brief").click()
    assert download.value.suggested_filename == brief.brief_file_name(incident, CATALOG.version)
    html = Path(download.value.path()).read_text(encoding="utf-8")
    assert all(str(source.url) in html for source in CATALOG.records[incident].sources)

    with page.expect_download(timeout=LOAD_TIMEOUT) as download:  # a lazy download reruns the page first
        page.get_by_role("button", name="CSV", exact=True).click()
    tag = export.view_tag(parse_view(SYRIA_JULY_2023).state)
    assert re.fullmatch(rf"airspace-incidents_{CATALOG.version}_\d{{4}}-\d\d-\d\d_view-{tag}\.csv",
                        download.value.suggested_filename)  # fmt: skip
    assert len(Path(download.value.path()).read_text(encoding="utf-8").splitlines()) > expected


def test_tablet_layout_keeps_everything_reachable(visitor, app_url):
    page = visitor(TABLET).page
    open_page(page, f"{app_url}/?{SYRIA_JULY_2023}&incident=2023-07-16-syria-su35-unsafe-intercept-mc12")
    wait_map_drawn(page)
    overflow = page.evaluate("() => document.documentElement.scrollWidth - document.documentElement.clientWidth")
    assert overflow <= 0, "the page scrolls sideways at 768 px"
    expect(page.locator(".st-key-incident-panel h2")).to_be_visible()
    expect(page.get_by_role("button", name="CSV", exact=True)).to_be_visible()


PRINTED_CONTROLS = """() => [...document.querySelectorAll(
        'input, button, select, textarea, [role=slider], [role=combobox], [role=checkbox], [role=radio]')]
    .filter(e => e.getClientRects().length && getComputedStyle(e).visibility !== 'hidden')
    .map(e => e.outerHTML.slice(0, 120))"""


def test_print_shows_no_widgets_and_every_source_url(visitor, app_url, tmp_path):
    record = CATALOG.records[UNTITLED_SOURCE]
    page = visitor().page
    open_page(page, f"{app_url}/?incident={UNTITLED_SOURCE}")
    wait_map_drawn(page)
    page.emulate_media(media="print")
    shot = tmp_path / "print.png"
    page.screenshot(path=str(shot), full_page=True)
    assert shot.stat().st_size > 20_000
    assert page.evaluate(PRINTED_CONTROLS) == []
    expect(page.get_by_test_id("stSidebar")).to_be_hidden()

    # The panel's sources: each link prints its URL after it; an untitled source prints
    # "(title not recorded)" and its URL.
    for source in record.sources:
        link = page.locator(f".st-key-incident-panel a[href='{source.url}']")
        printed_url = link.evaluate("a => getComputedStyle(a, '::after').content")
        assert str(source.url) in printed_url
        if not source.title:
            expect(link).to_have_text("(title not recorded)")
    # The view's table on paper, with every source's URL written out.
    table = page.locator(".atlas-print-table")
    expect(table).to_be_visible()
    printed = table.inner_text()
    rows = brief.printed_rows(CATALOG.frame)
    if len(rows) < len(CATALOG.frame):
        assert f"The newest {len(rows)} of the {len(CATALOG.frame)} incidents of this view" in printed
    for incident_id in rows["id"]:
        for source in CATALOG.records[incident_id].sources:
            assert str(source.url) in printed
    # The view's citation, the count and the map.
    expect(page.get_by_text("Airspace Incident Atlas, dataset version").first).to_be_visible()
    expect(page.get_by_test_id("stMetric")).to_be_visible()
    expect(page.locator(".js-plotly-plot").first).to_be_visible()
