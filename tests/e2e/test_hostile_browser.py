"""A hostile dataset and hostile links in Chromium (issue 10): nothing runs, nothing leaks.

The page fails the test on any request beyond localhost (the ``visitor`` fixture), any
dialog, any script a record smuggled in (``window.__pwned``) and any page error.
"""

from __future__ import annotations

import pytest

from tests import hostile
from tests.e2e.browser import TIMEOUT, start_app, stop_app, wait_idle

pytestmark = pytest.mark.e2e


@pytest.fixture(scope="module", params=["yaml", "csv", "json"])
def hostile_app(request, browser, tmp_path_factory):
    folder = tmp_path_factory.mktemp("hostile")
    writers = {
        "yaml": lambda: hostile.write_hostile_yaml(folder / "data"),
        "csv": lambda: hostile.write_hostile_csv(folder / "hostile.csv"),
        "json": lambda: hostile.write_hostile_json(folder / "hostile.json"),
    }
    data = writers[request.param]()
    process, url = start_app({"INCIDENTS_DATA": str(data)})
    yield url
    stop_app(process)


def _watch(page) -> dict[str, list]:
    seen: dict[str, list] = {"dialogs": [], "errors": []}
    page.on("dialog", lambda dialog: (seen["dialogs"].append(dialog.message), dialog.dismiss()))
    page.on("pageerror", lambda error: seen["errors"].append(str(error)))
    return seen


@pytest.mark.parametrize(
    "query",
    [f"incident={hostile.HOSTILE_ID}&" + "&".join(hostile.HOSTILE_LINKS[:3]), f"incident={hostile.HUGE_ID}"],
    ids=["hostile-record-and-links", "huge-record"],
)
def test_hostile_page_runs_nothing_and_requests_nothing_outside(hostile_app, visitor, query):
    session = visitor()
    page = session.page
    seen = _watch(page)
    page.goto(f"{hostile_app}/?{query}")
    wait_idle(page)
    page.locator(".js-plotly-plot").first.wait_for(timeout=TIMEOUT)
    page.wait_for_timeout(500)  # give smuggled images and scripts their chance to load
    assert page.evaluate("() => window.__pwned") is None
    assert seen == {"dialogs": [], "errors": []}
    anchors = page.eval_on_selector_all("[data-testid=stMain] a[href]", "els => els.map(e => e.getAttribute('href'))")
    assert all(hostile.OUTSIDE not in (href.split("/")[2] if "://" in href else "") for href in anchors), anchors
    assert page.locator(f"[data-testid=stMain] img[src*='{hostile.OUTSIDE}']").count() == 0
    if query.startswith(f"incident={hostile.HOSTILE_ID}"):
        # The payloads are on the page as text, exactly as written.
        text = page.get_by_test_id("stMain").inner_text().replace("\u2060", "")  # invisible word joiners
        assert hostile.IMAGE in text
        assert hostile.ANCHOR in text
