"""`make bench-engines`: the query engine (DuckDB) beside today's in-memory pandas path.

For each dataset (the curated records, then 1M and 10M synthetic rows written once to
/tmp/atlas-bench), each engine runs in a fresh process (``measure``):

- *cold open*: from the code imported (as in a running server: the project's modules and the
  engine's libraries, timed apart as *imports*, once per process) to the first query set
  answered (load + first render's data):
  pandas reads and validates the whole file into the catalog frame (``load_catalog``); DuckDB
  opens the compiled catalog Parquet (``incidents.compiled``, built once per file and timed
  apart as *compile*) and queries it;
- *rerun*: the query set of a rerun after a filter change (median of 5, two filters in turn);
- *RSS*: the process's peak resident memory (``VmHWM``);
- *bytes per rerun*: the pickled size of what the query set hands back to Python.

The query set is what the page asks of its data in a rerun (incidents/dataset.py), through
the same code: ``drawn`` (the count, the view's rows to draw, or for a view of more than
5,000 incidents its newest 1,000 rows with the map's grid cells) and ``summary`` (the counts
per month by the colour-by field, per type and per region that stand in for a view too large
to draw). pandas is the page's in-memory path (``InMemory``: the view's rows filtered out of
the catalog frame), DuckDB its queried path (``Queried`` over the compiled file). The page's
own rendering (plotly, Streamlit) is the same for both and is measured by ``make bench``.
10M is never run in CI: ``make bench-engines`` is not part of ``make test`` or ``.ci/run``.
*Compile* is timed in a scratch cache, so it is a real build each run. The CPU
columns (the process's own CPU time, all threads) are the steadier comparison on a shared
machine; the load average at the end of the run is given below.
The pandas path is not run at 10M (`--skip-pandas-above`): it peaks at 2.6 GB at 1M, so ten
times the rows would need about 25 GB by extrapolation, more than the machine has.
"""

from __future__ import annotations

import argparse
import json
import os
import pickle
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any
from unittest import mock

ROOT = Path(__file__).resolve().parents[1]
DATA = Path(tempfile.gettempdir()) / "atlas-bench"
OUT = ROOT / "bench" / "engines.md"
FIRST = ""
RERUNS = ("type=unsafe_intercept&type=drone_incursion&type=airspace_violation", "type=shootdown&region=syria")
TARGETS = {1_000_000: (1.0, 150.0, 600.0), 10_000_000: (3.0, 300.0, 1_500.0)}  # s, ms, MB
BYTES_TARGET_MB = 0.5


def query_set(data: Any, query: str) -> list[Any]:
    from incidents.view import parse_view

    state = parse_view(query).state
    drawn = data.drawn(state)
    return [drawn, data.summary(state, drawn)]


def _open(engine_name: str, data: str) -> Any:
    from incidents import engine
    from incidents.catalog import DATA_DIR, load_catalog
    from incidents.dataset import InMemory, prepare_held
    from incidents.queried import open_queried

    path = Path(data) if data else DATA_DIR
    if engine_name == "duckdb" and path.suffix == ".parquet":
        return open_queried(path, str(path), "duckdb")
    catalog = prepare_held(load_catalog(path))
    return InMemory(catalog, engine.over_frame(catalog.frame, engine_name))  # type: ignore[arg-type]


def measure(engine_name: str, data: str) -> dict[str, float]:
    """One engine on one dataset, in this process (run it in a fresh one)."""
    imports = time.perf_counter()
    _import_code(engine_name)
    imported = time.perf_counter() - imports
    start, start_cpu = time.perf_counter(), time.process_time()
    engine = _open(engine_name, data)
    query_set(engine, FIRST)
    cold, cold_cpu = time.perf_counter() - start, time.process_time() - start_cpu
    reruns, cpu, sizes = [], [], []
    for turn in range(5):
        began, began_cpu = time.perf_counter(), time.process_time()
        result = query_set(engine, RERUNS[turn % 2])
        reruns.append((time.perf_counter() - began) * 1000)
        cpu.append((time.process_time() - began_cpu) * 1000)
        sizes.append(len(pickle.dumps(result)))
    peak_mb = peak_rss_mb()
    return {"cold_s": cold, "cold_cpu_s": cold_cpu, "rerun_ms": statistics.median(reruns),
            "rerun_cpu_ms": statistics.median(cpu), "rss_mb": peak_mb, "bytes_mb": max(sizes) / 1e6,
            "import_s": imported}  # fmt: skip


def _import_code(engine_name: str) -> None:
    """What a running server has imported before any dataset opens: the project's modules
    and the engine's libraries (timed apart, once per process, not per dataset)."""
    import incidents.catalog
    import incidents.compiled
    import incidents.dataset
    import incidents.engine  # noqa: F401

    if engine_name == "duckdb":
        import duckdb  # noqa: F401
        import ibis  # noqa: F401


def peak_rss_mb() -> float:
    """This process's peak resident memory (``VmHWM``). Not ``ru_maxrss``: Linux carries the
    parent's peak into it across exec, and the parent may have just sorted 10M rows."""
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # not Linux


def compile_once(data: Path) -> float:
    """Seconds to compile ``data``, always built afresh (in a scratch cache), then cached where
    the app looks for it, so the measured cold open only opens it."""
    from incidents import compiled

    with tempfile.TemporaryDirectory() as scratch, mock.patch.dict(os.environ, {compiled.CACHE_ENV: scratch}):
        start = time.perf_counter()
        compiled.compiled(data, str(data))
        elapsed = time.perf_counter() - start
    compiled.compiled(data, str(data))
    return elapsed


def _child(*arguments: str) -> Any:
    env = {**os.environ, "INCIDENTS_MAX_ROWS": "20000000"}
    command = [sys.executable, "-m", "bench.engines", *arguments]
    done = subprocess.run(command, cwd=ROOT, capture_output=True, text=True, check=True, timeout=3600, env=env)
    return json.loads(done.stdout.strip().splitlines()[-1])


def synthetic(size: int) -> Path:
    path = DATA / f"synthetic-{size}.parquet"
    if not path.exists():
        from incidents.synth import write_synthetic

        DATA.mkdir(parents=True, exist_ok=True)
        partial = path.with_suffix(".part.parquet")
        write_synthetic(size, 1, partial)
        partial.replace(path)
    return path


def run(sizes: list[int], skip_pandas_above: int) -> list[dict[str, Any]]:
    rows = []
    for size in [0, *sizes]:
        row: dict[str, Any] = {"size": size}
        data = "" if size == 0 else str(synthetic(size))
        if data:
            row["compile_s"] = _child("compile", data)["compile_s"]
        for name in ("pandas", "duckdb"):
            if name == "pandas" and size > skip_pandas_above:
                row[name] = None
                continue
            row[name] = _child("measure", name, data)
            print(size, name, row[name], file=sys.stderr, flush=True)
        rows.append(row)
    return rows


def _cell(result: dict[str, float] | None, key: str, unit: str, digits: int) -> str:
    return "not run" if result is None else f"{result[key]:,.{digits}f} {unit}"


def _ratio(rows: dict[str, Any], key: str) -> str:
    if rows["pandas"] is None:
        return "-"
    return f"{rows['duckdb'][key] / rows['pandas'][key]:.2f}x"


def report(rows: list[dict[str, Any]]) -> str:
    lines = [
        "| incidents | engine | imports (once per process) | cold open | cold open (CPU) | rerun | rerun (CPU) "
        "| peak RSS | bytes per rerun | compile (once per file) |",
        "|---|---|---|---|---|---|---|---|---|---|",
    ]
    for row in rows:
        name = "curated" if row["size"] == 0 else f"{row['size']:,}"
        for engine in ("pandas", "duckdb"):
            result = row[engine]
            compile_text = f"{row['compile_s']:.1f} s" if engine == "duckdb" and "compile_s" in row else "-"
            lines.append(
                f"| {name} | {engine} | {_cell(result, 'import_s', 's', 2)} | {_cell(result, 'cold_s', 's', 2)} | "
                f"{_cell(result, 'cold_cpu_s', 's', 2)} | "
                f"{_cell(result, 'rerun_ms', 'ms', 1)} | {_cell(result, 'rerun_cpu_ms', 'ms', 1)} | "
                f"{_cell(result, 'rss_mb', 'MB', 0)} | {_cell(result, 'bytes_mb', 'MB', 3)} | {compile_text} |"
            )
        lines.append(
            f"| {name} | DuckDB / pandas | {_ratio(row, 'import_s')} | {_ratio(row, 'cold_s')} | "
            f"{_ratio(row, 'cold_cpu_s')} | "
            f"{_ratio(row, 'rerun_ms')} | {_ratio(row, 'rerun_cpu_ms')} | {_ratio(row, 'rss_mb')} | "
            f"{_ratio(row, 'bytes_mb')} | |"
        )
    lines += ["", "Targets (DuckDB):", ""]
    for row in rows:
        if row["size"] in TARGETS and row["duckdb"] is not None:
            cold, rerun, rss = TARGETS[row["size"]]
            got = row["duckdb"]
            checks = [
                (f"cold open <= {cold:g} s", got["cold_s"] <= cold, f"{got['cold_s']:.2f} s"),
                (f"rerun <= {rerun:g} ms", got["rerun_ms"] <= rerun, f"{got['rerun_ms']:.0f} ms"),
                (f"RSS <= {rss:,.0f} MB", got["rss_mb"] <= rss, f"{got['rss_mb']:,.0f} MB"),
                (f"bytes <= {BYTES_TARGET_MB} MB", got["bytes_mb"] <= BYTES_TARGET_MB, f"{got['bytes_mb']:.3f} MB"),
            ]
            for label, met, value in checks:
                lines.append(f"- {row['size']:,}: {label}: **{'met' if met else 'NOT met'}** ({value})")
    return "\n".join(lines) + "\n"


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("action", nargs="?", default="run", choices=["run", "measure", "compile"])
    parser.add_argument("engine", nargs="?", default="")
    parser.add_argument("data", nargs="?", default="")
    parser.add_argument("--sizes", default="1000000,10000000")
    parser.add_argument("--skip-pandas-above", type=int, default=1_000_000)
    options = parser.parse_args()
    if options.action == "measure":
        print(json.dumps(measure(options.engine, options.data)))
    elif options.action == "compile":
        print(json.dumps({"compile_s": compile_once(Path(options.engine))}))
    else:
        sizes = [int(size) for size in options.sizes.split(",") if size]
        table = report(run(sizes, options.skip_pandas_above))
        from bench import large_page

        files = [("curated (held)", None), *((f"{size:,} synthetic (queried)", synthetic(size)) for size in sizes)]
        table += "\n" + large_page.run(files)
        print(table)
        load = ", ".join(f"{value:.1f}" for value in os.getloadavg())
        header = (
            f"Run on {time.strftime('%Y-%m-%d %H:%M UTC', time.gmtime())}, 2 cores; load average at the end: {load}."
        )
        OUT.write_text(
            "# Query engines: DuckDB beside the in-memory pandas path\n\n"
            + (__doc__ or "")
            + "\n"
            + header
            + "\n\n"
            + table
        )


if __name__ == "__main__":
    main()
