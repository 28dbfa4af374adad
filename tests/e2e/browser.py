"""Starting the app and reading a page in Chromium: shared by the browser tests and the benchmark."""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

from playwright.sync_api import Frame, Page, expect

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


def chromium_path() -> str | None:
    return os.environ.get("CHROMIUM") or shutil.which("chromium") or shutil.which("chromium-browser")


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


LOGS = ROOT / "tmp" / "e2e-servers"


def log_tail(log: Path, characters: int = 4000) -> str:
    return log.read_text(errors="replace")[-characters:] if log.exists() else ""


def wait_for_health(url: str, process: subprocess.Popen, log: Path, timeout: float = 60) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"streamlit exited with {process.returncode}:\n{log_tail(log)}")
        try:
            with urllib.request.urlopen(f"{url}/_stcore/health", timeout=2) as response:  # noqa: S310 - localhost
                if response.status == 200:
                    return
        except OSError:
            time.sleep(0.3)
    raise TimeoutError(f"streamlit did not answer on {url} within {timeout}s:\n{log_tail(log)}")


def start_app(env_extra: dict | None = None, script: str = "app.py") -> tuple[subprocess.Popen, str]:
    port = free_port()
    env = {**os.environ, **(env_extra or {})}
    if script == "app.py":
        command = [sys.executable, "-m", "components.serve"]
    else:  # a benchmark's baseline page
        command = [sys.executable, "-m", "streamlit", "run", script]
    command += ["--server.port", str(port), "--server.address", "127.0.0.1"]
    # The server's output goes to a file, never to a pipe: nobody reads a pipe while the tests
    # run, and once its 64 KiB buffer is full the server blocks on its next log line and
    # every later page load times out.
    LOGS.mkdir(parents=True, exist_ok=True)
    log = LOGS / f"{Path(script).stem}-{port}.log"
    with log.open("wb") as output:
        process = subprocess.Popen(command, cwd=ROOT, env=env, stdout=output, stderr=subprocess.STDOUT)
    url = f"http://localhost:{port}"
    wait_for_health(url, process, log)
    return process, url


def stop_app(process: subprocess.Popen) -> None:
    """Stop a server; kill it if it does not stop in time (a session still running can hold
    Streamlit's shutdown)."""
    process.terminate()
    try:
        process.wait(timeout=20)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait(timeout=20)


def memory_mb(pid: int) -> float:
    """Resident memory of a process (Linux /proc), in MiB."""
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    raise RuntimeError(f"no VmRSS for {pid}")


TIMEOUT = 45_000
IDLE = '[data-testid="stApp"][data-test-script-state="notRunning"]'

FIND_MAP = """() => [...document.querySelectorAll('.js-plotly-plot')]
    .find(gd => gd._fullLayout && gd._fullLayout.map && gd._fullLayout.map._subplot)"""


def wait_idle(page: Page) -> None:
    page.wait_for_selector(IDLE, timeout=TIMEOUT)
    expect(page.get_by_test_id("stStatusWidget")).to_have_count(0, timeout=TIMEOUT)


# A page's first map is part of its load: under CI's two parallel suites (browser tests beside
# DuckDB-heavy unit tests) Chromium's software rendering of it has taken over 45 s.
FIRST_MAP_TIMEOUT = 3 * TIMEOUT


def wait_map_drawn(page: Page, timeout: float = FIRST_MAP_TIMEOUT) -> int:
    """Waits until MapLibre has rendered incident points; returns how many it drew. As patient
    as a navigation: a page's first map is part of its load, and under CI's two parallel suites
    Chromium's software rendering of it has taken over 45 s (the phone journey, once)."""
    script = f"""() => {{
        const gd = ({FIND_MAP})();
        if (!gd) return 0;
        const map = gd._fullLayout.map._subplot.map;
        if (!map.loaded()) return 0;
        const layers = map.getStyle().layers.map(l => l.id).filter(id => id.endsWith('-circle'));
        return map.queryRenderedFeatures({{layers}}).length;
    }}"""
    return page.wait_for_function(script, timeout=timeout).json_value()


# The page fits the map to the view after MapLibre loads and checks the fit again every
# 400 ms (components/mapview.py); a click aimed before then can land where the point was.
MAP_SETTLED = f"""() => {{
    const gd = ({FIND_MAP})();
    if (!gd || !gd.dataset.atlasFitted) return false;
    return gd.dataset.atlasSettled === gd.dataset.atlasFitted && !gd._fullLayout.map._subplot.map.isMoving();
}}"""


def wait_map_settled(page: Page | Frame) -> None:
    page.wait_for_function(MAP_SETTLED, timeout=TIMEOUT)


# A single marker's trace on the dashboard's map (the shared markers and the rings under the
# markers carry no hover text of their own).
SINGLE_MARKERS = "trace.mode === 'markers' && trace.hovertext"


def map_point(
    page: Page | Frame, value: object, find_map: str = FIND_MAP, trace_test: str = SINGLE_MARKERS
) -> list[float] | None:
    """Where the map marker whose customdata is ``value`` sits, in the frame's pixels (the map
    scrolled into view), or None: the map is ``find_map``'s plotly graph, the markers those of
    the traces ``trace_test`` (a JavaScript test of ``trace``) accepts."""
    script = f"""(value) => {{
        const gd = ({find_map})();
        gd.scrollIntoView({{block: 'center'}});
        const map = gd._fullLayout.map._subplot.map;
        for (const [i, trace] of gd._fullData.entries()) {{
            if (!({trace_test})) continue;
            const index = Array.from(trace.customdata || []).indexOf(value);
            if (index < 0) continue;
            const point = map.project(gd.calcdata[i][index].lonlat);
            const box = map.getCanvas().getBoundingClientRect();
            return [box.x + point.x, box.y + point.y];
        }}
        return null;
    }}"""
    return page.evaluate(script, value)


# The open incident's title: level 2 under the page's title (issue 15's heading outline).
PANEL_HEADING = ".st-key-incident-panel h2"

# Where an incident (by catalog row) sits on the timeline, in page pixels, or null.
FIND_TIMELINE_POINT = """(row) => {
    const gd = [...document.querySelectorAll('.js-plotly-plot')]
        .find(g => g._fullLayout && g._fullLayout.xaxis && g._fullLayout.xaxis.type === 'date'
              && (g._fullData || []).some(t => t.mode === 'markers' && t.customdata));
    if (!gd) return null;
    gd.scrollIntoView({block: 'center'});
    const { xaxis, yaxis, _size } = gd._fullLayout;
    for (const [i, trace] of gd._fullData.entries()) {
        const index = Array.from(trace.customdata || []).indexOf(row);
        if (index >= 0 && trace.mode === 'markers') {
            const point = gd.calcdata[i][index];
            const box = gd.getBoundingClientRect();
            return [box.x + _size.l + xaxis.c2p(point.x), box.y + _size.t + yaxis.c2p(point.y)];
        }
    }
    return null;
}"""
