"""One benchmark size in a fresh process: ``python -m bench.measure --size N --data FILE``.

Prints one JSON line: cold load, rerun time and bytes of the Atlas page and of the baseline,
and the process's peak memory. ``bench/run.py`` runs it per size and writes the table.
"""

from __future__ import annotations

import argparse
import json
import resource
import statistics
import time
from pathlib import Path

import plotly.io
from streamlit.dataframe_util import convert_anything_to_arrow_bytes

from bench.baseline import baseline_page
from components.map import build_map_figure
from components.overview import build_monthly_figure, build_type_counts_figure, monthly_counts
from components.table import shown_rows, table_frame
from components.timeline import build_timeline_figure
from incidents import export, periods, view
from incidents.catalog import load_catalog
from incidents.dataset import prepare_held
from incidents.palette import colour_map, value_counts
from incidents.view import MAX_REPEATED, apply, parse_view, view_query

# The filter change measured: a researcher narrows to three types (about half the data).
QUERY = "type=unsafe_intercept&type=airspace_violation&type=drone_incursion"
# The most work a link may ask for (issue 10): every repeated key at its cap, q at its word
# cap with words that match almost every row, the longest values the parser accepts.
_WORDS = ["a", "e", "i", "o", "n", "s", "t", "r"]
WORST_QUERY = "&".join(
    [f"q={' '.join(_WORDS)}", "near=35.0,38.5", "radius_km=20000"]
    + [f"platform=p{number}-{'x' * 50}" for number in range(MAX_REPEATED - 1)]
    + ["platform=fighter"]
    + [f"initiator={code}" for code in ["RU", "CN", "US", "IR", "KP", *["unknown"] * (MAX_REPEATED - 5)]]
    + [f"q={'y' * 150}"]
)


def timed(function, repeat: int) -> tuple[float, object]:
    times, result = [], None
    for _ in range(repeat):
        start = time.perf_counter()
        result = function()
        times.append(time.perf_counter() - start)
    return statistics.median(times), result


def atlas_rerun(catalog, state) -> int:
    """What one rerun of app.py sends after a filter change: filter, every figure, the table."""
    frame = apply(catalog.frame, state)
    colours = colour_map(state.color, value_counts(catalog.frame, state.color))
    figures = [
        build_map_figure(frame, state.color, colours, view_key=view_query(state)),
        build_timeline_figure(frame, state.color, colours),
        build_type_counts_figure(frame["type"].value_counts()),
        build_monthly_figure(monthly_counts(frame, state.color, colours), state.color, colours),
    ]
    sent = sum(len(plotly.io.to_json(figure, validate=False)) for figure in figures)
    table = table_frame(shown_rows(frame), lambda incident_id: f"?incident={incident_id}")
    return sent + len(convert_anything_to_arrow_bytes(table))


def playback_step(catalog, state, at) -> int:
    """What one playback step sends: only the fragment (map of the month's window, timeline
    with its band), not the page (components/playback.py)."""
    frame = apply(catalog.frame, state)
    colours = colour_map(state.color, value_counts(catalog.frame, state.color))
    stepped = state.replace(at=at)
    figures = [
        build_map_figure(view.playback_frame(frame, stepped), state.color, colours, fit_to=frame),
        build_timeline_figure(frame, state.color, colours, playing=view.playback_window(stepped)),
    ]
    return sum(len(plotly.io.to_json(figure, validate=False)) for figure in figures)


def rss_mb() -> float:
    """Resident memory now (not the peak): what a download leaves behind."""
    with open("/proc/self/statm", encoding="ascii") as statm:
        return int(statm.read().split()[1]) * resource.getpagesize() / 2**20


def download_memory(catalog, downloads: int) -> dict:
    """RSS before any download, after one download of the whole view, and after ``downloads``
    more (issue 11: records built for a download must not stay in memory)."""
    everything = parse_view("").state
    before = rss_mb()
    export.export_view(catalog, everything, "csv")
    after_one = rss_mb()
    for _ in range(downloads):
        export.export_view(catalog, everything, "csv")
    return {"rss_before_mb": before, "rss_after_1_download_mb": after_one,
            f"rss_after_{downloads + 1}_downloads_mb": rss_mb()}  # fmt: skip


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--data", required=True)
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--baseline-repeat", type=int, default=3)
    parser.add_argument("--downloads", type=int, default=0, help="measure RSS after 1 + N whole-view downloads")
    args = parser.parse_args()
    load_time, catalog = timed(lambda: load_catalog(Path(args.data)), max(1, args.repeat // 2))
    state = parse_view(QUERY).state
    prepare_held(catalog)  # as components.data does once per dataset
    atlas_rerun(catalog, state)  # warm imports and caches once, as a running server has
    rerun_time, sent = timed(lambda: atlas_rerun(catalog, state), args.repeat)
    worst = parse_view(WORST_QUERY).state
    worst_time, _ = timed(lambda: atlas_rerun(catalog, worst), args.repeat)
    baseline_time, baseline_sent = (None, None)
    if args.baseline_repeat:
        baseline_time, baseline_sent = timed(lambda: baseline_page(catalog.frame, state), args.baseline_repeat)
    month = periods.add_months(catalog.frame["date"].max().date().replace(day=1), -6)
    step_time, step_bytes = timed(lambda: playback_step(catalog, state, month), args.repeat)
    peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    memory = download_memory(catalog, args.downloads) if args.downloads else {}
    print(json.dumps({
        "rows": len(catalog.frame), "problems": len(catalog.problems), "load_s": load_time,
        "rerun_s": rerun_time, "worst_link_rerun_s": worst_time, "bytes": sent, "baseline_s": baseline_time,
        "baseline_bytes": baseline_sent,
        "peak_mb": peak_mb, "step_s": step_time, "step_bytes": step_bytes, **memory,
    }))  # fmt: skip


if __name__ == "__main__":
    main()
