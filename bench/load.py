"""`make bench-load`: readers under load on 1, 2 and 3 replicas behind nginx (issue 18).

Each session is a fresh visitor with its own affinity cookie running one journey: open a shared
view link, change a filter, open an incident. By default a session speaks Streamlit's websocket
protocol (``bench/wsclient.py``) and *rerun latency* is the replica's rerun as its client sees
it through nginx; with ``--client browser`` each session is a Chromium context running
``tests/cluster/journey.py`` and the latency runs from the click to the page showing the result.
Fifty Chromium pages do not fit on two cores beside the replicas (when tried, all 50 failed
within their 120 s step timeouts, on 1 and on 2 replicas), hence the default. The baseline, in
the same run: one session alone on one replica.

Bounded and local only: at most 100 sessions, started ``--stagger`` seconds apart; each round
has a deadline; every URL is the local balancer. The fault round (Chromium, a few sessions on
3 replicas; reconnecting is the browser client's work) kills one replica once every journey
has ended and checks that each of its readers' pages reruns on another replica and shows the
same view.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import platform
import statistics
import tempfile
import time
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

from playwright.async_api import Browser, BrowserContext, Page, async_playwright

from bench import sections, wsclient
from deploy.cluster import Cluster, free_port
from tests.cluster import journey
from tests.e2e.browser import CHROMIUM_FLAGS, chromium_path

ROOT = Path(__file__).resolve().parents[1]
RESULTS = ROOT / "bench" / "results.md"
VIEWPORT = {"width": 1440, "height": 900}
TARGET_RATIO = 2.0  # p95 at 50 sessions on 3 replicas <= 2x p95 of one session on one replica


@dataclass
class Round:
    replicas: int
    sessions: int
    timings: list[journey.Timings] = field(default_factory=list)
    seconds: float = 0.0
    recovered: int | None = None  # --fault: pages of the killed replica that showed the same view
    moved: int | None = None  # --fault: pages that were on the killed replica
    recovery_s: list[float] = field(default_factory=list)

    @property
    def reruns(self) -> list[float]:
        return [value for t in self.timings for value in t.reruns]

    @property
    def errors(self) -> list[str]:
        return [t.error for t in self.timings if t.error]

    def spread(self) -> dict[str, int]:
        counts: dict[str, int] = {}
        for t in self.timings:
            counts[t.replica or "?"] = counts.get(t.replica or "?", 0) + 1
        return dict(sorted(counts.items()))


def percentile(values: list[float], share: float) -> float:
    """The ``share`` quantile, interpolated between the sorted samples (inclusive method)."""
    if len(values) == 1:
        return values[0]
    return statistics.quantiles(values, n=100, method="inclusive")[round(share * 100) - 1]


async def run_round(browsers: list[Browser], replicas: int, sessions: int, stagger: float, deadline: float,
                    run_dir: Path, fault: bool = False) -> Round:  # fmt: skip
    """``sessions`` concurrent journeys on ``replicas`` replicas (with ``fault``, then a kill);
    in Chromium contexts over ``browsers``, or without any (``[]``) in the websocket protocol."""
    cluster = Cluster(run_dir / f"r{replicas}-s{sessions}{'-fault' if fault else ''}", free_port())
    result = Round(replicas, sessions)
    contexts: dict[int, BrowserContext] = {}
    try:
        cluster.start(replicas, env={"INCIDENTS_DATA": ""})

        async def one(index: int) -> journey.Timings:
            await asyncio.sleep(index * stagger)
            if not browsers:
                return await wsclient.ws_journey(cluster.url)
            contexts[index] = await browsers[index % len(browsers)].new_context(viewport=VIEWPORT)
            return await journey.journey(contexts[index], cluster.url)

        start = time.perf_counter()
        tasks = [asyncio.create_task(one(i)) for i in range(sessions)]
        await asyncio.wait(tasks, timeout=deadline)
        result.seconds = time.perf_counter() - start
        for task in tasks:
            if not task.done():
                task.cancel()
        result.timings = [task.result() if task.done() and not task.cancelled() else
                          journey.Timings(error="deadline: the round ran out of time") for task in tasks]  # fmt: skip
        if fault:
            await kill_one(cluster, [contexts.get(i) for i in range(sessions)], result)
    finally:
        for context in contexts.values():
            await context.close()
        cluster.stop()
    return result


async def run_baseline(browser: Browser | None, journeys: int, deadline: float, run_dir: Path) -> Round:
    """One session alone on one replica: ``journeys`` journeys one after another, each a fresh
    visitor (the first one also warms the replica, as the load rounds' first do); in Chromium,
    or in the websocket protocol without ``browser``."""
    cluster = Cluster(run_dir / "baseline", free_port())
    result = Round(1, 1)
    try:
        cluster.start(1, env={"INCIDENTS_DATA": ""})
        start = time.perf_counter()
        for _ in range(journeys):
            if browser is None:
                result.timings.append(await asyncio.wait_for(wsclient.ws_journey(cluster.url), deadline))
                continue
            context = await browser.new_context(viewport=VIEWPORT)
            try:
                result.timings.append(await asyncio.wait_for(journey.journey(context, cluster.url), deadline))
            finally:
                await context.close()
        result.seconds = time.perf_counter() - start
    finally:
        cluster.stop()
    return result


async def kill_one(cluster: Cluster, contexts: list[BrowserContext | None], result: Round) -> None:
    """Kill the replica with the most finished journeys; each of its pages must rerun on
    another replica and show the same view."""
    finished = [(c, t) for c, t in zip(contexts, result.timings, strict=True) if c and t.error is None and c.pages]
    counts: dict[str, int] = {}
    for _, t in finished:
        counts[t.replica or ""] = counts.get(t.replica or "", 0) + 1
    if not counts:
        result.moved, result.recovered = 0, 0
        return
    doomed = max(counts, key=lambda address: counts[address])
    pages = [c.pages[0] for c, t in finished if t.replica == doomed]
    for page in pages:
        await page.evaluate(journey.COUNT_RUNS)
    cluster.kill(next(replica for replica in cluster.replicas if replica.address == doomed))
    killed = time.perf_counter()

    async def recovers(page: Page) -> float | None:
        try:
            await page.wait_for_function("() => window.atlasRuns > 0", timeout=journey.TIMEOUT)
            await journey.wait_idle(page)
            await journey.same_view(page)
            return time.perf_counter() - killed
        except Exception:  # counted as not recovered
            return None

    times = await asyncio.gather(*(recovers(page) for page in pages))
    result.moved = len(pages)
    result.recovery_s = [t for t in times if t is not None]
    result.recovered = len(result.recovery_s)


def describe(label: str, result: Round, baseline_p95: float | None) -> str:
    reruns = result.reruns
    opens = [t.open_s for t in result.timings if t.open_s is not None]
    p50, p95 = (percentile(reruns, 0.5), percentile(reruns, 0.95)) if reruns else (float("nan"), float("nan"))
    ratio = f"{p95 / baseline_p95:.1f}x" if baseline_p95 and reruns else "-"
    spread = " / ".join(str(n) for n in result.spread().values())
    opened = f"{statistics.median(opens):.1f} s" if opens else "-"
    return (f"| {label} | {result.replicas} | {result.sessions} | {spread} | {len(reruns)} | {p50:.2f} s | "
            f"{p95:.2f} s | {ratio} | {opened} | {len(result.errors)} | {result.seconds:.0f} s |")  # fmt: skip


CLIENTS = {
    "browser": "a fresh Chromium context ({browsers} Chromium processes, contexts spread over them; viewport "
    "1440x900) running one journey: open `?{view}`, add type *Collision* in the sidebar, click the one incident "
    "left on the timeline. *Rerun latency*: from the click to the page showing the result (new count; the "
    "incident's panel), two per journey, so it includes nginx, the websocket and the browser's drawing, on the "
    "same two cores as the browsers.",
    "ws": "a client of Streamlit's websocket protocol (`bench/wsclient.py`; no browser) through nginx with its "
    "own affinity cookie, running one journey: open `?{view}`, then `?{filtered}` (the filter), then the same "
    "with `incident=` (the incident), each a rerun the replica runs in full (read the view, filter, every figure, "
    "the panel, the table) and checked for the new count or the incident's title and id. *Rerun latency*: from "
    "asking for the rerun to the script finished, two per journey (filter, incident); the browser's drawing is "
    "not included.",
}


def report(baseline: Round, rounds: list[Round], fault: Round | None, options: argparse.Namespace) -> str:
    base_p95 = percentile(baseline.reruns, 0.95) if baseline.reruns else None
    machine = f"{platform.machine()}, {os.cpu_count()} cores, Python {platform.python_version()}, load average {LOAD}"
    client = CLIENTS[options.client].format(browsers=options.browsers, view=journey.VIEW, filtered=journey.FILTERED)
    lines = [
        "## Replicas under load (issue 18)", "",
        f"`make bench-load` (`bench/load.py`) on {date.today().isoformat()} ({machine} at the start; the machine "
        "was shared with other work, so absolute times vary between runs). Replicas of the dashboard (shipped "
        "records) behind nginx on localhost (`deploy/cluster.py`, sticky by a cookie nginx sets). Each session "
        f"is {client} Sessions start {options.stagger:g} s apart. Baseline: one session alone on one replica, "
        f"{options.baseline_journeys} journeys one after another. Percentiles interpolate between samples.",
        "",
        "| round | replicas | sessions | sessions per replica | reruns | p50 | p95 | p95 / baseline p95 | "
        "open (median) | errors | round time |",
        "|---|---|---|---|---|---|---|---|---|---|---|",
        describe("baseline", baseline, None),
        *(describe("load", r, base_p95) for r in rounds),
        "",
    ]  # fmt: skip
    errors = sorted({e for r in [baseline, *rounds] for e in r.errors})
    if errors:
        lines += ["Errors (distinct):", "", *(f"- {e}" for e in errors[:10]), ""]
    three = next((r for r in rounds if r.replicas == 3), None)
    if three and three.reruns and base_p95:
        p95 = percentile(three.reruns, 0.95)
        met = p95 <= TARGET_RATIO * base_p95 and not three.errors
        lines.append(f"Target (3 replicas, {three.sessions} sessions: p95 <= {TARGET_RATIO:g}x the baseline's p95, "
                     f"zero errors): **{'met' if met else 'NOT met'}** ({p95:.2f} s against {base_p95:.2f} s, "
                     f"{p95 / base_p95:.1f}x; {len(three.errors)} errors).")  # fmt: skip
    if fault is not None:
        recovery = (f"median {statistics.median(fault.recovery_s):.1f} s, slowest {max(fault.recovery_s):.1f} s"
                    if fault.recovery_s else "none recovered")  # fmt: skip
        lines += ["", f"Fault (Chromium, 3 replicas, {fault.sessions} sessions; once every journey had ended, "
                  f"the replica holding the most sessions was killed with SIGKILL): {fault.recovered} of {fault.moved} "
                  "of its pages reconnected through nginx, reran on another replica and showed the same view (count, "
                  f"open incident, link); from the kill to the view shown again: {recovery}. Journeys before the "
                  f"kill: {len(fault.errors)} errors."]  # fmt: skip
    return "\n".join(lines) + "\n"


async def main_async(options: argparse.Namespace) -> str:
    with tempfile.TemporaryDirectory(prefix="atlas-load-") as run:
        run_dir = Path(run)
        async with async_playwright() as playwright:
            browsers = [await playwright.chromium.launch(executable_path=chromium_path(), args=CHROMIUM_FLAGS)
                        for _ in range(options.browsers)]  # fmt: skip
            clients = browsers if options.client == "browser" else []
            print(f"baseline: one {options.client} session on one replica ...", flush=True)
            baseline = await run_baseline(clients[0] if clients else None, options.baseline_journeys,
                                          options.deadline, run_dir)  # fmt: skip
            print(describe("baseline", baseline, None), flush=True)
            rounds = []
            for replicas in options.replicas:
                print(f"{options.sessions} {options.client} sessions on {replicas} replica(s) ...", flush=True)
                rounds.append(await run_round(clients, replicas, options.sessions, options.stagger,
                                              options.deadline, run_dir))  # fmt: skip
                print(describe("load", rounds[-1], None), flush=True)
            fault = None
            if options.fault_sessions:  # in Chromium: reconnecting is the browser client's work
                print(f"fault: {options.fault_sessions} browser sessions on 3 replicas, one killed ...", flush=True)
                fault = await run_round(browsers, 3, options.fault_sessions, options.fault_stagger,
                                        options.deadline, run_dir, fault=True)  # fmt: skip
            for browser in browsers:
                await browser.close()
    return report(baseline, rounds, fault, options)


LOAD = "{:.1f} {:.1f} {:.1f}".format(*os.getloadavg())  # before the run: what else the machine was doing


def main() -> None:
    parser = argparse.ArgumentParser(prog="python -m bench.load", description=__doc__.splitlines()[0])
    parser.add_argument("--sessions", type=int, default=50)
    parser.add_argument("--replicas", type=int, nargs="+", default=[1, 2, 3])
    parser.add_argument("--browsers", type=int, default=3, help="Chromium processes the contexts are spread over")
    parser.add_argument("--stagger", type=float, default=0.1, help="seconds between two sessions' starts")
    parser.add_argument("--deadline", type=float, default=540, help="seconds a round may take at most")
    parser.add_argument("--baseline-journeys", type=int, default=4)
    parser.add_argument(
        "--client",
        choices=["ws", "browser"],
        default="ws",
        help="sessions in Streamlit's websocket protocol (default) or as Chromium contexts",
    )
    parser.add_argument("--fault-sessions", type=int, default=6, help="Chromium sessions of the kill round (0: none)")
    parser.add_argument("--fault-stagger", type=float, default=2.0)
    parser.add_argument("--no-write", action="store_true", help="print only; leave bench/results.md alone")
    options = parser.parse_args()
    if options.sessions > 100:
        parser.error("at most 100 sessions: the test is bounded")
    text = asyncio.run(main_async(options))
    print(text)
    if not options.no_write:
        old = RESULTS.read_text(encoding="utf-8") if RESULTS.exists() else ""
        RESULTS.write_text(sections.replace(old, "load", text), encoding="utf-8")


if __name__ == "__main__":
    main()
