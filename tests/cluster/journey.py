"""One reader's scripted journey through the balancer, in Chromium (Playwright's async API, so
one process can drive many sessions at once): the cluster test and ``bench/load.py`` share it.

Open a shared view link, change a filter, open an incident; each action is timed from the
click to the page showing its result (the count, the panel), which needs a full rerun on the
replica the session is pinned to.
"""

from __future__ import annotations

import contextlib
import os
import re
import time
from dataclasses import dataclass, field
from urllib.parse import parse_qs, urlsplit

from playwright.async_api import BrowserContext, Page, expect

from incidents.catalog import load_catalog
from incidents.view import apply, parse_view
from tests.e2e.browser import FIND_TIMELINE_POINT, IDLE, PANEL_HEADING

CATALOG = load_catalog()
TOTAL = len(CATALOG.frame)
VIEW = "region=black-sea"
FILTERED = "region=black-sea&type=collision"
INCIDENT = "2023-03-14-black-sea-su27-mq9-collision"
TITLE = CATALOG.records[INCIDENT].title
TIMEOUT = 120_000  # ms; 50 sessions on two cores are slow, and a wait ends as soon as its condition holds

# Counts the page's script runs from now on: a rerun after a replica died proves the page
# reconnected to a live one (a dead session keeps showing its last render).
COUNT_RUNS = """() => {
    const app = document.querySelector('[data-testid="stApp"]');
    window.atlasRuns = 0;
    // Records, not the attribute's value now: one batch may hold a whole run (running, notRunning).
    new MutationObserver((records) => {
        window.atlasRuns += records.filter(r => r.oldValue !== 'running').length;
    }).observe(app, {attributes: true, attributeOldValue: true, attributeFilter: ['data-test-script-state']});
}"""


def count_text(query: str) -> str:
    """The count the page shows for a link (computed by the same filter code, not hard-coded)."""
    return f"{len(apply(CATALOG.frame, parse_view(query).state)):,} of {TOTAL:,}"


@dataclass
class Timings:
    """Seconds per step of one journey; ``error`` names the step that failed, if one did."""

    open_s: float | None = None
    filter_s: float | None = None
    incident_s: float | None = None
    error: str | None = None
    replica: str | None = None
    extra: dict[str, float] = field(default_factory=dict)

    @property
    def reruns(self) -> list[float]:
        return [value for value in (self.filter_s, self.incident_s) if value is not None]


async def replica_of(context: BrowserContext, url: str) -> str:
    """The replica this visitor's affinity cookie maps to (asks the balancer, same cookies).
    nginx names every replica it tried, a dead one first: the last one answered."""
    response = await context.request.get(f"{url}/_stcore/health")
    return response.headers.get("x-atlas-replica", "").split(", ")[-1]


async def wait_idle(page: Page) -> None:
    await page.wait_for_selector(IDLE, timeout=TIMEOUT)
    await expect(page.get_by_test_id("stStatusWidget")).to_have_count(0, timeout=TIMEOUT)


def count_of(page: Page):
    return page.get_by_test_id("stMetricValue").first


async def open_view(page: Page, url: str) -> float:
    start = time.perf_counter()
    await page.goto(f"{url}/?{VIEW}", timeout=TIMEOUT)
    await expect(count_of(page)).to_have_text(count_text(VIEW), timeout=TIMEOUT)
    await wait_idle(page)
    return time.perf_counter() - start


async def change_filter(page: Page, label: str = "Collision", expected: str = FILTERED) -> float:
    """Add ``label`` under "Incident type"; timed from the option's click to the count of the
    ``expected`` link."""
    widget = page.get_by_test_id("stMultiSelect").filter(has=page.get_by_text("Incident type", exact=True)).first
    box = widget.locator("input")
    await box.click(timeout=TIMEOUT)
    await box.fill(label, timeout=TIMEOUT)
    option = page.get_by_role("option", name=label, exact=True)
    await option.wait_for(timeout=TIMEOUT)
    start = time.perf_counter()
    await option.click(timeout=TIMEOUT)
    await expect(count_of(page)).to_have_text(count_text(expected), timeout=TIMEOUT)
    elapsed = time.perf_counter() - start
    await page.keyboard.press("Escape")
    await wait_idle(page)
    return elapsed


async def open_incident(page: Page) -> float:
    """Click the one incident left on the timeline; timed from the click to its panel."""
    row = int(CATALOG.frame.index[CATALOG.frame["id"] == INCIDENT][0])
    handle = await page.wait_for_function(f"() => ({FIND_TIMELINE_POINT})({row})", timeout=TIMEOUT)
    position = await handle.json_value()
    start = time.perf_counter()
    await page.mouse.click(*position)
    await expect(page.locator(PANEL_HEADING)).to_have_text(TITLE, timeout=TIMEOUT)
    elapsed = time.perf_counter() - start
    await expect(page).to_have_url(re.compile(f"incident={INCIDENT}"), timeout=TIMEOUT)
    await wait_idle(page)
    return elapsed


async def same_view(page: Page, query: str = FILTERED) -> None:
    """The view of the finished journey (or of ``query`` with the incident open): its count,
    its open incident, its link."""
    await expect(count_of(page)).to_have_text(count_text(query), timeout=TIMEOUT)
    await expect(page.locator(PANEL_HEADING)).to_have_text(TITLE, timeout=TIMEOUT)
    link = {key: sorted(values) for key, values in parse_qs(urlsplit(page.url).query).items() if key != "v"}
    assert link == {key: sorted(values) for key, values in parse_qs(f"{query}&incident={INCIDENT}").items()}, page.url


async def journey(context: BrowserContext, url: str) -> Timings:
    """The whole journey in a fresh page of ``context``; an exception becomes ``error``."""
    timings = Timings()
    step = "replica"
    page = None
    try:
        timings.replica = await replica_of(context, url)
        page = await context.new_page()
        step = "open"
        timings.open_s = await open_view(page, url)
        step = "filter"
        timings.filter_s = await change_filter(page)
        step = "incident"
        timings.incident_s = await open_incident(page)
        step = "view"
        await same_view(page)
    except Exception as error:  # a load test counts failures instead of stopping at the first
        timings.error = f"{step}: {type(error).__name__}: {str(error).splitlines()[0][:200]}"
        if page is not None and os.environ.get("JOURNEY_SHOTS"):  # what the page showed, to debug
            with contextlib.suppress(Exception):
                await page.screenshot(path=f"{os.environ['JOURNEY_SHOTS']}/{id(page)}-{step}.png")
    return timings
