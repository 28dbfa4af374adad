"""A real browser against the real app: Debian's Chromium driven by Playwright.

The suite starts ``streamlit run app.py`` on a free localhost port, opens pages in headless
Chromium (never a downloaded browser) and fails any test whose page asks a host other than
localhost for anything. Without Chromium the tests skip, except in CI where that fails.
"""

from __future__ import annotations

import os
from urllib.parse import urlsplit

import pytest

from tests.e2e.browser import CHROMIUM_FLAGS, TIMEOUT, chromium_path, start_app, stop_app

LOCAL_HOSTS = {"localhost", "127.0.0.1", "[::1]", "::1"}


@pytest.fixture(scope="session")
def app_url(browser):
    process, url = start_app({"INCIDENTS_DATA": ""})
    yield url
    stop_app(process)


@pytest.fixture(scope="session")
def browser():
    if not chromium_path():
        message = "Chromium is not installed (Debian: apt-get install chromium), so the browser tests did not run"
        if os.environ.get("CI"):
            pytest.fail(f"CI=true: {message}; .ci/run must install it")
        pytest.skip(message)
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=chromium_path(), args=CHROMIUM_FLAGS)
        yield browser
        browser.close()


class Session:
    """One browser context (a fresh visitor) with its network requests recorded."""

    def __init__(self, browser, app_url: str, viewport: dict | None = None):
        self.context = browser.new_context(viewport=viewport or {"width": 1500, "height": 1500})
        self.requests: list[str] = []
        self.context.on("request", lambda request: self.requests.append(request.url))
        # Under CI's two parallel browser suites a first page load has taken over 30 s
        # (Playwright's default): every navigation may take as long as the map tests allow.
        self.context.set_default_navigation_timeout(3 * TIMEOUT)
        self.page = self.context.new_page()
        self.app_url = app_url

    def external_requests(self) -> list[str]:
        return [url for url in self.requests if urlsplit(url).scheme in {"http", "https", "ws", "wss"}
                and urlsplit(url).hostname not in LOCAL_HOSTS]  # fmt: skip

    def close(self) -> None:
        self.context.close()


@pytest.fixture
def visitor(browser, app_url):
    sessions: list[Session] = []

    def new_visitor(viewport: dict | None = None) -> Session:
        session = Session(browser, app_url, viewport)
        sessions.append(session)
        return session

    yield new_visitor
    outside = [url for session in sessions for url in session.external_requests()]
    for session in sessions:
        session.close()
    assert outside == [], f"the page requested hosts other than localhost: {outside[:5]}"
