"""`make bench`: the Atlas against the plain plotly-express page at 1k, 10k, 100k and 1M.

For each size, in a fresh process (``bench.measure``): cold load and validation from Parquet,
one rerun after a filter change (filter + every figure and the table serialised as Streamlit
sends them), the bytes that rerun sends, and peak memory; the same rerun and bytes for the
baseline page (``bench.baseline``). Where Chromium is installed, also the time from
navigation to the map drawn at 1k, 10k and 100k, the server memory a second browser
session adds, and the published view's size and opening (``bench.published``). Prints a
table and writes ``bench/results.md``.
"""

from __future__ import annotations

import json
import os
import platform
import statistics
import subprocess
import sys
import time
from datetime import date
from pathlib import Path

from bench import published, sections
from incidents.synth import write_synthetic

ROOT = Path(__file__).resolve().parents[1]
OUT = ROOT / "bench" / "out"
SIZES = [1_000, 10_000, 100_000, 1_000_000]
BROWSER_SIZES = [1_000, 10_000, 100_000]
TARGETS = {
    "rerun_100k_ms": 100,
    "speedup_100k": 10,
    "bytes_mb": 2,
    "load_100k_s": 2,
    "second_session_mb": 20,
    "worst_link_ratio": 2,
}


def dataset(size: int) -> Path:
    path = OUT / f"synthetic-{size}.parquet"
    if not path.exists():
        OUT.mkdir(parents=True, exist_ok=True)
        write_synthetic(size, seed=1, path=path)
    return path


# RSS after downloading the whole 100k view, then this many more (issue 11).
DOWNLOADS = {100_000: 10}


def measure(size: int, data: Path | None = None) -> dict:
    repeat, baseline_repeat = (3, 1) if size >= 1_000_000 else (7, 3)
    command = [sys.executable, "-m", "bench.measure", "--data", str(data or dataset(size)), "--repeat", str(repeat),
               "--baseline-repeat", str(baseline_repeat), "--downloads", str(DOWNLOADS.get(size, 0))]  # fmt: skip
    output = subprocess.run(command, cwd=ROOT, capture_output=True, text=True, check=True, timeout=1800).stdout
    return json.loads(output.strip().splitlines()[-1])


BAND = """() => { const gd = document.querySelector('.st-key-timeline .js-plotly-plot');
    return !!(gd && gd._fullLayout && gd._fullLayout.shapes && gd._fullLayout.shapes.length); }"""


def first_step_seconds(browser, url: str) -> float:
    """Play pressed -> the first step's window drawn on the timeline (median of 3 visitors)."""
    from tests.e2e.browser import wait_idle, wait_map_drawn

    times = []
    for _ in range(3):
        context = browser.new_context(viewport={"width": 1440, "height": 900})
        page = context.new_page()
        page.goto(url)
        wait_idle(page)
        wait_map_drawn(page)
        start = time.perf_counter()
        page.get_by_role("button", name="Play").click()
        page.wait_for_function(BAND, timeout=60_000)
        times.append(time.perf_counter() - start)
        context.close()
    return statistics.median(times)


# The map is drawn: MapLibre has loaded and rendered; returns how many points its traces hold
# (a filter change is redrawn when that number changes and the map has loaded again).
MAP_READY = """() => { const gd = document.querySelector('.st-key-map .js-plotly-plot');
    const map = gd && gd._fullLayout && gd._fullLayout.map && gd._fullLayout.map._subplot
        && gd._fullLayout.map._subplot.map;
    if (!map || !map.loaded() || !gd._fullData) return 0;
    const layers = map.getStyle().layers.map(l => l.id).filter(id => id.endsWith('-circle'));
    if (!map.queryRenderedFeatures({layers}).length) return 0;
    return gd._fullData.reduce((n, t) => n + ((t.mode || '').includes('markers') && t.lat ? t.lat.length : 0), 0); }"""


def _open_and_filter(browser, url: str) -> tuple[float, float]:
    """Seconds from navigation to the map drawn, and from choosing one incident type in the
    "Incident type" filter to the map redrawn with fewer points."""
    from tests.e2e.browser import wait_idle

    context = browser.new_context(viewport={"width": 1440, "height": 900})
    page = context.new_page()
    start = time.perf_counter()
    page.goto(url, timeout=120_000)  # the 30 s default was not enough at 100k with every layer
    before = page.wait_for_function(MAP_READY, timeout=120_000).json_value()
    opened = time.perf_counter() - start
    wait_idle(page)
    widget = page.get_by_test_id("stMultiSelect").filter(has=page.get_by_text("Incident type", exact=True)).first
    widget.click()
    start = time.perf_counter()
    page.get_by_role("option", name="Collision", exact=True).click()
    page.wait_for_function(f"() => {{ const n = ({MAP_READY})(); return n > 0 && n !== {before}; }}", timeout=120_000)
    changed = time.perf_counter() - start
    context.close()
    return opened, changed


def map_versus_bare(browser, env: dict, label: str, rounds: int = 3) -> dict:
    """The Atlas page (with and without every airspace layer) against the bare map page, the
    three alternating in one run; medians."""
    from tests.e2e.browser import start_app, stop_app

    atlas, url = start_app(env)
    # Streamlit serves static/ from beside the script it runs: the bare page needs the basemap.
    served = ROOT / "bench" / "static"
    if not served.exists():
        served.symlink_to(ROOT / "static", target_is_directory=True)
    bare, bare_url = start_app(env, script="bench/bare_map.py")
    layers = "&".join(f"layer={name}" for name in LAYERS)
    samples: dict[str, list[tuple[float, float]]] = {"atlas": [], "bare": [], "layers": []}
    try:
        _open_and_filter(browser, url)  # warm the data caches of both servers once
        _open_and_filter(browser, bare_url)
        for _ in range(rounds):
            samples["atlas"].append(_open_and_filter(browser, url))
            samples["bare"].append(_open_and_filter(browser, bare_url))
            samples["layers"].append(_open_and_filter(browser, f"{url}/?{layers}"))
    finally:
        for process in (atlas, bare):
            stop_app(process)
    result = {"label": label}
    for name, values in samples.items():
        result[f"{name}_open_s"] = statistics.median(v[0] for v in values)
        result[f"{name}_filter_s"] = statistics.median(v[1] for v in values)
    return result


LAYERS = ("cn-ecs-adiz", "tw-median-line", "jp-adiz-outer-line-1-7", "vatspy-firs", "pla-tracks")


def map_lines(rows: list[dict]) -> list[str]:
    lines = ["## Map: the Atlas against a bare map page (issue 13) and with every layer (issue 16)", "",
             "Chromium, 1440x900; medians of 3 rounds alternating the three pages in one run. *Open*: navigation to "
             "the map drawn; *filter*: choosing one type in \"Incident type\" to the map redrawn. The bare page "
             "(`bench/bare_map.py`) is one `go.Scattermap` of the same points on the same offline basemap.", "",
             "| incidents | Atlas open | bare open | ratio | Atlas filter | bare filter | ratio "
             "| all layers open | ratio to no layers | all layers filter | ratio |",
             "|---|---|---|---|---|---|---|---|---|---|---|"]  # fmt: skip
    for row in rows:
        lines.append(
            f"| {row['label']} | {row['atlas_open_s']:.2f} s | {row['bare_open_s']:.2f} s "
            f"| {row['atlas_open_s'] / row['bare_open_s']:.2f}x | {row['atlas_filter_s']:.2f} s "
            f"| {row['bare_filter_s']:.2f} s | {row['atlas_filter_s'] / row['bare_filter_s']:.2f}x "
            f"| {row['layers_open_s']:.2f} s | {row['layers_open_s'] / row['atlas_open_s']:.2f}x "
            f"| {row['layers_filter_s']:.2f} s | {row['layers_filter_s'] / row['atlas_filter_s']:.2f}x |"
        )
    return lines


def browser_timings() -> dict:
    """Navigation to map drawn (median of 3 fresh visitors) and a second session's memory."""
    from playwright.sync_api import sync_playwright

    from tests.e2e.browser import (
        CHROMIUM_FLAGS,
        chromium_path,
        memory_mb,
        start_app,
        stop_app,
        wait_idle,
        wait_map_drawn,
    )

    if not chromium_path():
        return {}
    results = {}
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=chromium_path(), args=CHROMIUM_FLAGS)
        for size in BROWSER_SIZES:
            process, url = start_app({"INCIDENTS_DATA": str(dataset(size))})
            try:
                warm = browser.new_context(viewport={"width": 1500, "height": 1200})
                first = warm.new_page()
                first.goto(url)  # loads the dataset into the shared cache once
                wait_map_drawn(first)
                times = []
                for _ in range(3):
                    context = browser.new_context(viewport={"width": 1500, "height": 1200})
                    page = context.new_page()
                    start = time.perf_counter()
                    page.goto(url)
                    wait_map_drawn(page)
                    times.append(time.perf_counter() - start)
                    context.close()
                wait_idle(first)
                before = memory_mb(process.pid)
                second = browser.new_context(viewport={"width": 1500, "height": 1200})
                second_page = second.new_page()
                second_page.goto(url)
                wait_map_drawn(second_page)
                wait_idle(second_page)
                time.sleep(1)
                added = memory_mb(process.pid) - before
                second.close()
                warm.close()
                results[size] = {"map_drawn_s": statistics.median(times), "second_session_mb": added}
                if size == 100_000:
                    results[size]["first_step_s"] = first_step_seconds(browser, url)
            finally:
                stop_app(process)
        process, url = start_app({"INCIDENTS_DATA": ""})
        try:
            results["curated"] = {"first_step_s": first_step_seconds(browser, url)}
        finally:
            stop_app(process)
        results["map"] = []
        for env, label in (
            ({"INCIDENTS_DATA": ""}, "187 curated"),
            ({"INCIDENTS_DATA": str(dataset(100_000))}, "100,000"),
        ):
            try:
                results["map"].append(map_versus_bare(browser, env, label))
            except Exception as error:  # report what could not be measured; keep the rest
                print(f"map comparison at {label} failed: {type(error).__name__}: {error}", flush=True)
        try:
            results["published"] = published.measure(browser)
        except Exception as error:  # report what could not be measured; keep the rest
            print(f"published view measurement failed: {type(error).__name__}: {error}", flush=True)
        browser.close()
    return results


def fmt_bytes(value: float | None) -> str:
    return "-" if value is None else f"{value / 1e6:.2f} MB"


def fmt_ms(value: float | None) -> str:
    return "-" if value is None else f"{value * 1000:,.0f} ms"


def table(rows: dict[int, dict], browser: dict[int, dict]) -> str:
    header = ("| incidents | cold load (Parquet) | rerun | worst-link rerun | baseline rerun | speed-up "
              "| bytes / rerun | baseline bytes | peak memory | map drawn (browser) | 2nd session |")  # fmt: skip
    lines = [header, "|" + "---|" * 11]
    for size, row in rows.items():
        speedup = row["baseline_s"] / row["rerun_s"] if row["baseline_s"] else None
        seen = browser.get(size, {})
        drawn = f"{seen['map_drawn_s']:.1f} s" if seen else "-"
        second = f"{seen['second_session_mb']:+.1f} MB" if seen else "-"
        lines.append(
            f"| {size:,} | {row['load_s']:.2f} s | {fmt_ms(row['rerun_s'])} | {fmt_ms(row['worst_link_rerun_s'])} "
            f"({row['worst_link_rerun_s'] / row['rerun_s']:.1f}x) | {fmt_ms(row['baseline_s'])} "
            f"| {f'{speedup:.0f}x' if speedup else '-'} | {fmt_bytes(row['bytes'])} "
            f"| {fmt_bytes(row['baseline_bytes'])} | {row['peak_mb']:,.0f} MB "
            f"| {drawn} | {second} |"
        )
    return "\n".join(lines)


def verdicts(rows: dict[int, dict], browser: dict[int, dict]) -> list[str]:
    at = rows[100_000]
    checks = [
        (f"rerun at 100k <= {TARGETS['rerun_100k_ms']} ms", at["rerun_s"] * 1000 <= TARGETS["rerun_100k_ms"],
         fmt_ms(at["rerun_s"])),
        (f"rerun at 100k >= {TARGETS['speedup_100k']}x faster than the baseline",
         at["baseline_s"] / at["rerun_s"] >= TARGETS["speedup_100k"], f"{at['baseline_s'] / at['rerun_s']:.0f}x"),
        (f"bytes per rerun <= {TARGETS['bytes_mb']} MB at every size",
         all(row["bytes"] <= TARGETS["bytes_mb"] * 1e6 for row in rows.values()),
         ", ".join(fmt_bytes(row["bytes"]) for row in rows.values())),
        (f"worst link's rerun at 100k <= {TARGETS['worst_link_ratio']}x a normal rerun",
         at["worst_link_rerun_s"] <= TARGETS["worst_link_ratio"] * at["rerun_s"],
         f"{fmt_ms(at['worst_link_rerun_s'])} vs {fmt_ms(at['rerun_s'])}"),
        (f"cold load of 100k from Parquet <= {TARGETS['load_100k_s']} s", at["load_s"] <= TARGETS["load_100k_s"],
         f"{at['load_s']:.2f} s"),
    ]  # fmt: skip
    if 100_000 in browser:
        added = browser[100_000]["second_session_mb"]
        checks.append((f"a second session adds < {TARGETS['second_session_mb']} MB at 100k",
                       added < TARGETS["second_session_mb"], f"{added:+.1f} MB"))  # fmt: skip
    else:
        checks.append(("a second session adds < 20 MB", None, "not measured: Chromium not installed"))
    marks = {True: "met", False: "NOT met", None: "not measured"}
    return [f"- {name}: **{marks[ok]}** ({value})" for name, ok, value in checks]


def playback_lines(rows: dict[int, dict], curated: dict, browser: dict) -> list[str]:
    """Issue 12: a playback step redraws only the map and the timeline (a fragment)."""
    lines = ["## Playback", "",
             "| incidents | server work per step | bytes per step | full rerun | bytes per full rerun "
             "| play pressed to first step drawn (browser) |", "|---|---|---|---|---|---|"]  # fmt: skip
    for label, row, seen in (("187 curated", curated, browser.get("curated", {})),
                             ("100,000", rows.get(100_000, {}), browser.get(100_000, {}))):  # fmt: skip
        if not row:
            continue
        first = f"{seen['first_step_s']:.2f} s" if "first_step_s" in seen else "-"
        lines.append(f"| {label} | {fmt_ms(row['step_s'])} | {fmt_bytes(row['step_bytes'])} | {fmt_ms(row['rerun_s'])} "
                     f"| {fmt_bytes(row['bytes'])} | {first} |")  # fmt: skip
    return lines


def download_lines(rows: dict[int, dict]) -> list[str]:
    lines = ["## Memory after downloads", ""]
    for size, downloads in DOWNLOADS.items():
        row = rows.get(size, {})
        if "rss_before_mb" not in row:
            continue
        after = row[f"rss_after_{downloads + 1}_downloads_mb"]
        lines.append(
            f"- {size:,} incidents: RSS {row['rss_before_mb']:,.0f} MB before any download, "
            f"{row['rss_after_1_download_mb']:,.0f} MB after one CSV download of the whole view, "
            f"{after:,.0f} MB after {downloads} more ({after - row['rss_after_1_download_mb']:+,.0f} MB)."
        )
    return lines


def main() -> None:
    rows = {}
    for size in SIZES:
        print(f"measuring {size:,} incidents ...", flush=True)
        rows[size] = measure(size)
    print("measuring the curated records ...", flush=True)
    curated = measure(187, ROOT / "incidents" / "data")
    print("measuring in Chromium ...", flush=True)
    browser = browser_timings()
    machine = f"{platform.machine()}, {os.cpu_count()} cores, Python {platform.python_version()}"
    report = "\n".join([
        "# Benchmark results", "",
        f"`make bench` on {date.today().isoformat()} ({machine}). Medians of repeated runs; synthetic data "
        "(`python -m incidents synth`, seed 1). *Rerun* is the server work of one rerun after a filter change "
        "(three incident types, about half the data): filter, build every figure and the table, serialise them "
        "as Streamlit sends them; Streamlit's own per-run overhead (widgets, websocket) is not included. The "
        "baseline is `bench/baseline.py`: plotly express `scatter_map` + `timeline` + histogram and the whole "
        "filtered table. *Worst-link rerun* is the same rerun for the costliest link the bounds accept "
        "(`bench/measure.py` WORST_QUERY: every repeated key at its cap, 8 words matching nearly every row).", "",
        table(rows, browser), "",
        *download_lines(rows), "",
        *playback_lines(rows, curated, browser), "",
        *(map_lines(browser["map"]) if "map" in browser else []), "",
        *(published.lines(browser["published"]) if "published" in browser else []), "",
        "## Targets", "",
        *verdicts(rows, browser), "",
    ])  # fmt: skip
    results = ROOT / "bench" / "results.md"
    old = results.read_text(encoding="utf-8") if results.exists() else ""
    results.write_text(sections.carry_over(old, report, "load"), encoding="utf-8")  # bench/load.py's own
    print(report)


if __name__ == "__main__":
    main()
