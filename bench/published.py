"""The published view (issue 17): file size, and page open to map drawn against a bare plotly page.

The bare page is what a plotly user would write for the same points: ``px.scatter_map`` saved
with ``write_html`` (plotly.js inlined whole) on plotly's offline ``white-bg`` style, so it
makes no request either. Both pages are served by a static server on 127.0.0.1, because a
bare plotly map never draws from ``file://`` in Chromium (its MapLibre worker is refused; the
published page works around that, see incidents/page/view.js); the published page is also
timed from ``file://``, which is how a reader opens it. Fresh browser context per open,
alternating the pages, medians. Part of ``make bench`` (bench/run.py); ``python -m
bench.published`` runs only this and rewrites its section of bench/results.md.
"""

from __future__ import annotations

import functools
import statistics
import threading
import time
from datetime import date
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import plotly.express as px

from components.map import fit_view
from incidents import publish, view
from incidents.catalog import DATA_DIR, load_catalog

ROOT = Path(__file__).resolve().parents[1]
OUT = ROOT / "bench" / "out" / "published"
ROUNDS = 3
TARGET_RATIO = 1.2
SECTION = "## Published view"

# Points MapLibre has drawn (the published page: its incident traces only, not the rings).
# Each trace is one GeoJSON source, so once the map has loaded and some of its points are
# rendered, all are (as bench/run.py's MAP_READY).
DRAWN = """(incidentsOnly) => { const gd = document.querySelector('.js-plotly-plot');
    const map = gd && gd._fullLayout && gd._fullLayout.map && gd._fullLayout.map._subplot
        && gd._fullLayout.map._subplot.map;
    if (!map || !map.loaded()) return 0;
    const layers = map.getStyle().layers.map(l => l.id)
        .filter(id => id.endsWith('-circle') && (!incidentsOnly || id.includes('incidents-')));
    return map.queryRenderedFeatures({layers}).length; }"""


def write_pages(data: Path, name: str) -> tuple[Path, Path, int]:
    """The published page of the whole dataset and the bare page of the same points."""
    OUT.mkdir(parents=True, exist_ok=True)
    catalog = load_catalog(data)
    state = view.parse_view("").state
    published = OUT / f"{name}-published.html"
    published.write_text(publish.publish_view(catalog, state, "", date.today()).content, encoding="utf-8")
    frame = view.apply(catalog.frame, state)
    bare = OUT / f"{name}-bare.html"
    # Fitted as the dashboard fits its map (components/map.py), so every point is in view.
    fitted = fit_view(frame["lat"].to_numpy(), frame["lon"].to_numpy(), width_px=1440, height_px=420)
    figure = px.scatter_map(frame, lat="lat", lon="lon", hover_name="title", map_style="white-bg",
                            zoom=fitted["zoom"], center=fitted["center"], height=420)  # fmt: skip
    figure.write_html(bare, include_plotlyjs=True, full_html=True)
    return published, bare, len(frame)


# The published page adds the basemap's place names after its first draw (incidents/page/view.js);
# when they are rendered too, the map is complete.
LABELLED = """() => { const map = document.querySelector('.js-plotly-plot')._fullLayout.map._subplot.map;
    const labels = map.getStyle().layers.filter(l => l.type === 'symbol').map(l => l.id);
    return labels.length > 0 && map.queryRenderedFeatures({layers: labels}).length > 0; }"""


def _open(browser, url: str, incidents_only: bool) -> float:
    """Seconds from navigation to MapLibre having drawn every point, in a fresh context that
    aborts any request beyond this machine (for the published page, the seconds to its place
    names are kept in ``_labelled``)."""
    context = browser.new_context(viewport={"width": 1440, "height": 900})
    context.route("**/*", lambda route: route.continue_() if _local(route.request.url) else route.abort())
    page = context.new_page()
    start = time.perf_counter()
    page.goto(url, timeout=120_000)
    page.wait_for_function(f"() => ({DRAWN})({str(incidents_only).lower()}) > 0", timeout=120_000)
    elapsed = time.perf_counter() - start
    if incidents_only:
        page.wait_for_function(LABELLED, timeout=120_000)
        _labelled.append(time.perf_counter() - start)
    context.close()
    return elapsed


_labelled: list[float] = []


def _local(url: str) -> bool:
    return url.startswith(("file:", "data:", "blob:", "http://127.0.0.1"))


class _Quiet(SimpleHTTPRequestHandler):
    def log_message(self, format, *args) -> None:
        return


def measure_open(browser, published: Path, bare: Path) -> dict:
    server = ThreadingHTTPServer(("127.0.0.1", 0), functools.partial(_Quiet, directory=str(OUT)))
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    base = f"http://127.0.0.1:{server.server_address[1]}"
    samples: dict[str, list[float]] = {"published": [], "bare": [], "published_file": []}
    try:
        _open(browser, f"{base}/{published.name}", True)  # warm the disk cache once each
        _open(browser, f"{base}/{bare.name}", False)
        _labelled.clear()
        for _ in range(ROUNDS):
            samples["published"].append(_open(browser, f"{base}/{published.name}", True))
            samples["bare"].append(_open(browser, f"{base}/{bare.name}", False))
            samples["published_file"].append(_open(browser, published.as_uri(), True))
    finally:
        server.shutdown()
    samples["labelled"] = _labelled[0::2]  # the served page's opens (file:// ones are the others)
    return {name: statistics.median(values) for name, values in samples.items()}


def measure(browser) -> list[dict]:
    from bench.run import dataset  # the synthetic datasets of make bench (bench/out)

    rows = []
    for data, label in ((DATA_DIR, "curated"), (dataset(10_000), "10,000 synthetic")):
        published, bare, points = write_pages(data, label.split()[0].replace(",", ""))
        row = {"label": label, "points": points, "published_mb": published.stat().st_size / 1e6,
               "bare_mb": bare.stat().st_size / 1e6}  # fmt: skip
        row.update(measure_open(browser, published, bare))
        rows.append(row)
    return rows


def lines(rows: list[dict]) -> list[str]:
    out = [SECTION, "",
           f"`python -m incidents publish` of the whole dataset against a bare plotly page of the same points "
           f"(`px.scatter_map(...).write_html(include_plotlyjs=True)`, offline `white-bg` style), both from a "
           f"static server on 127.0.0.1; the published page also from `file://` (the bare page draws no map "
           f"from `file://` in Chromium). Chromium 1440x900, navigation to MapLibre loaded with the incident "
           f"points rendered, a fresh context per open, medians of {ROUNDS} rounds alternating the pages in one "
           f"run. The published map also draws the basemap's land and borders and, up to 3,000 incidents, a "
           f"white ring under each marker; its place names are added once the incidents are drawn ('place "
           f"names' is the time to them). The bare page draws points on a blank background.", "",
           "| incidents | published file | bare file | published open | bare open | ratio | place names "
           "| published from file:// |",
           "|---|---|---|---|---|---|---|---|"]  # fmt: skip
    for row in rows:
        out.append(
            f"| {row['label']} ({row['points']:,}) | {row['published_mb']:.2f} MB | {row['bare_mb']:.2f} MB "
            f"| {row['published']:.2f} s | {row['bare']:.2f} s | {row['published'] / row['bare']:.2f}x "
            f"| {row['labelled']:.2f} s | {row['published_file']:.2f} s |"
        )
    met = all(row["published"] <= TARGET_RATIO * row["bare"] for row in rows)
    out += ["", f"- published page open to map drawn within {TARGET_RATIO}x of the bare page: "
            f"**{'met' if met else 'NOT met'}**"]  # fmt: skip
    return out


def replace_section(report: str, section: list[str]) -> str:
    """bench/results.md with this section put in place of its old one (or before Targets)."""
    text = "\n".join(section) + "\n\n"
    if SECTION in report:
        start = report.index(SECTION)
        following = report.find("\n## ", start + len(SECTION))
        return report[:start] + text + (report[following + 1 :] if following >= 0 else "")
    at = report.find("## Targets")
    return report[:at] + text + report[at:] if at >= 0 else report + "\n" + text


def main() -> None:
    from playwright.sync_api import sync_playwright

    from tests.e2e.browser import CHROMIUM_FLAGS, chromium_path

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=chromium_path(), args=CHROMIUM_FLAGS)
        rows = measure(browser)
        browser.close()
    section = lines(rows)
    results = ROOT / "bench" / "results.md"
    results.write_text(replace_section(results.read_text(encoding="utf-8"), section), encoding="utf-8")
    print("\n".join(section))


if __name__ == "__main__":
    main()
