"""The served app's hygiene under a long test run.

A failed CI run (7 browser tests timing out on page load) came from two faults together:
Streamlit's file watcher walked the whole checkout and, as the tests wrote files, logged
"Inotify queue overflowed" hundreds of times; and the test server's log went to a pipe nobody
read, so once 64 KiB had piled up the server blocked on its next log line.
"""

from __future__ import annotations

import asyncio
import os
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest
from websockets.asyncio.client import connect

from bench.wsclient import rerun
from tests.e2e.browser import start_app, stop_app


async def one_page(url: str) -> None:
    """A visitor's first page, in Streamlit's websocket protocol: Streamlit starts watching
    files when a session runs the script, not when the server starts."""
    async with connect(f"ws://{url.removeprefix('http://')}/_stcore/stream", subprotocols=["streamlit"],  # type: ignore[list-item]
                       origin=url, max_size=None, ping_interval=None) as socket:  # fmt: skip
        await rerun(socket, "", ["Airspace Incident Atlas"], timeout=120)


@pytest.fixture(scope="module")
def served():
    process, url = start_app({"INCIDENTS_DATA": ""})
    # In a thread of its own: a browser test's Playwright may hold this thread's event loop.
    with ThreadPoolExecutor(max_workers=1) as worker:
        worker.submit(asyncio.run, one_page(url)).result(timeout=180)
    yield process
    stop_app(process)


def open_files(pid: int) -> list[str]:
    folder = Path(f"/proc/{pid}/fd")
    targets = []
    for entry in folder.iterdir():
        try:
            targets.append(os.readlink(entry))
        except OSError:  # closed between listing and reading
            continue
    return targets


def test_the_server_log_goes_to_a_file_that_cannot_fill_up(served):
    for stream in (1, 2):
        target = os.readlink(f"/proc/{served.pid}/fd/{stream}")
        assert not target.startswith("pipe:"), f"fd {stream} is {target}"
        assert target.endswith(".log")


def test_the_served_app_watches_no_files(served):
    watches = [target for target in open_files(served.pid) if "inotify" in target]
    assert watches == []
