"""A cited link in a real browser: "Show this view as of version X" puts the release in the
URL, and the URL alone reopens the old incidents on map and table."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from incidents.releases import RELEASES_ENV
from tests.e2e.browser import TIMEOUT, start_app, stop_app, wait_idle, wait_map_drawn
from tests.e2e.conftest import Session
from tests.e2e.test_browser import metric, open_page, query_of
from tests.factories import write_two_releases

pytestmark = pytest.mark.e2e


@pytest.fixture(scope="module")
def releases_app(browser, tmp_path_factory):
    data, folder, first, second = write_two_releases(tmp_path_factory.mktemp("releases"))
    process, url = start_app({"INCIDENTS_DATA": str(data), RELEASES_ENV: str(folder)})
    yield url, first, second
    stop_app(process)


def test_the_as_of_button_makes_a_link_that_reopens_the_old_view(browser, releases_app):
    url, first, _ = releases_app
    sessions = [Session(browser, url), Session(browser, url)]
    try:
        page = sessions[0].page
        # Graded official or unverified then: the Syria flares and the European drones; now the
        # flares are contested, the drones' record is gone and a new official Syria record came.
        query = "region=syria&region=western-europe&verification=official&verification=unverified"
        open_page(page, f"{url}/?{query}&v={first}")
        assert metric(page) == "1 of 7"
        page.get_by_role("button", name=f"Show this view as of version {first}").click()
        expect(page).to_have_url(re.compile(f"asof={first}"), timeout=TIMEOUT)
        wait_idle(page)
        expect(page.get_by_text(f"As of data release {first}, released 2026-01-05")).to_be_visible(timeout=TIMEOUT)
        assert metric(page) == "2 of 7"  # the release had 7 records, 2 of them in this view
        assert wait_map_drawn(page) > 0

        colleague = sessions[1].page
        open_page(colleague, page.url)
        expect(colleague.get_by_text(f"As of data release {first}")).to_be_visible(timeout=TIMEOUT)
        assert query_of(colleague)["asof"] == [first]
        assert metric(colleague) == "2 of 7"
        assert wait_map_drawn(colleague) > 0
    finally:
        for session in sessions:
            session.close()
    assert [u for s in sessions for u in s.external_requests()] == []
