"""The page on a large file, as a reader opens it: `INCIDENTS_DATA=<file> make run` in Chromium.

For the curated records (held in memory, the baseline) and the synthetic files that
``bench.engines`` writes (queried where they lie, their compiled catalogs already cached), the
server is started as ``make run`` starts it (``components.serve``) and a headless Chromium on
this machine:

- *first page*: from the server started to the first page rendered (the count shown and the
  script finished), the browser's own loading of Streamlit included;
- *a view by its link*: each of ``VIEWS`` opened as a new page load, seconds to rendered;
- *server memory*: the server's resident memory after them.

Part of ``make bench-engines`` (never in CI); the rows are appended to bench/engines.md.
"""

from __future__ import annotations

import statistics
import time
from dataclasses import dataclass
from pathlib import Path

from tests.e2e.browser import CHROMIUM_FLAGS, chromium_path, memory_mb, start_app, stop_app, wait_idle

VIEWS = (
    "?type=unsafe_intercept&type=drone_incursion",
    "?type=shootdown&region=syria",
    "?region=black-sea&from=2020-01-01",
    "?type=shootdown&region=syria&color=region",
)


def _count(page) -> str:
    return page.get_by_test_id("stMetricValue").first.inner_text()


@dataclass(frozen=True)
class PageResult:
    first_s: float
    views_s: list[float]
    count: str
    rss_mb: float


def measure(data: str) -> PageResult:
    """One dataset's page: first render, each view's render, the server's memory."""
    from playwright.sync_api import sync_playwright

    started = time.perf_counter()
    process, url = start_app({"INCIDENTS_DATA": data})
    try:
        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(executable_path=chromium_path(), args=CHROMIUM_FLAGS)
            page = browser.new_page(viewport={"width": 1500, "height": 1000})
            page.goto(url)
            wait_idle(page)
            first = time.perf_counter() - started
            total = _count(page)
            views = []
            for query in VIEWS:
                began = time.perf_counter()
                page.goto(url + query)
                wait_idle(page)
                views.append(time.perf_counter() - began)
            browser.close()
        return PageResult(first, views, total, memory_mb(process.pid))
    finally:
        stop_app(process)


def report(results: list[tuple[str, PageResult]]) -> str:
    lines = [
        "## The page itself",
        "",
        (__doc__ or "").split("\n\n", 1)[1].strip(),
        "",
        "| data | incidents | first page | a view by its link (median of 4, slowest) | server memory |",
        "|---|---|---|---|---|",
    ]
    for name, result in results:
        views = result.views_s
        lines.append(
            f"| {name} | {result.count} | {result.first_s:.1f} s | {statistics.median(views):.1f} s, "
            f"{max(views):.1f} s | {result.rss_mb:,.0f} MB |"
        )
    return "\n".join(lines) + "\n"


def run(files: list[tuple[str, Path | None]]) -> str:
    """``files``: (name, path) pairs; a path of None is the curated records."""
    return report([(name, measure(str(path) if path else "")) for name, path in files])
