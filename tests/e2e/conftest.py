"""A real browser against the real app: Debian's Chromium driven by Playwright.

The suite starts ``streamlit run app.py`` on a free localhost port, opens pages in headless
Chromium (never a downloaded browser) and fails any test whose page asks a host other than
localhost for anything. Without Chromium the tests skip, except in CI where that fails.
"""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path
from urllib.parse import urlsplit

import pytest

ROOT = Path(__file__).resolve().parents[2]
CHROMIUM_FLAGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
LOCAL_HOSTS = {"localhost", "127.0.0.1", "[::1]", "::1"}
IDLE = '[data-testid="stApp"][data-test-script-state="notRunning"]'


def chromium_path() -> str | None:
    return os.environ.get("CHROMIUM") or shutil.which("chromium") or shutil.which("chromium-browser")


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def wait_for_health(url: str, process: subprocess.Popen, timeout: float = 60) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"streamlit exited with {process.returncode}")
        try:
            with urllib.request.urlopen(f"{url}/_stcore/health", timeout=2) as response:  # noqa: S310 - localhost
                if response.status == 200:
                    return
        except OSError:
            time.sleep(0.3)
    raise TimeoutError(f"streamlit did not answer on {url} within {timeout}s")


def start_app(env_extra: dict | None = None) -> tuple[subprocess.Popen, str]:
    port = free_port()
    env = {**os.environ, **(env_extra or {})}
    command = [sys.executable, "-m", "streamlit", "run", "app.py", "--server.port", str(port),
               "--server.address", "127.0.0.1"]  # fmt: skip
    process = subprocess.Popen(command, cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    url = f"http://localhost:{port}"
    wait_for_health(url, process)
    return process, url


@pytest.fixture(scope="session")
def app_url(browser):
    process, url = start_app({"INCIDENTS_DATA": ""})
    yield url
    process.terminate()
    process.wait(timeout=20)


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

    def __init__(self, browser, app_url: str):
        self.context = browser.new_context(viewport={"width": 1500, "height": 1500})
        self.requests: list[str] = []
        self.context.on("request", lambda request: self.requests.append(request.url))
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

    def new_visitor() -> Session:
        session = Session(browser, app_url)
        sessions.append(session)
        return session

    yield new_visitor
    outside = [url for session in sessions for url in session.external_requests()]
    for session in sessions:
        session.close()
    assert outside == [], f"the page requested hosts other than localhost: {outside[:5]}"
