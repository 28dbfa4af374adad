"""The reader's journey spoken in Streamlit's own websocket protocol, without a browser.

Fifty Chromium pages do not fit on two cores next to the replicas (bench/load.py), so the
load test can drive sessions the way Streamlit's client does: one websocket per session through
nginx (with the session's affinity cookie and a same-origin ``Origin``), a ``rerun_script``
back message per step, and the forward messages read until ``script_finished``. A step changes
the view by its query string, as a pasted link or the Back button does (the page seeds its
widgets from it), so each rerun does what a filter click makes the replica do: read the view,
filter, draw every figure, the panel and the table. The browser's drawing is not included.
"""

from __future__ import annotations

import asyncio
import time
import urllib.request
from http.cookies import SimpleCookie

from streamlit.proto.BackMsg_pb2 import BackMsg
from streamlit.proto.ForwardMsg_pb2 import ForwardMsg
from websockets.asyncio.client import ClientConnection, connect

from tests.cluster import journey
from tests.cluster.journey import FILTERED, INCIDENT, VIEW, Timings, count_text

COOKIE = "atlas_replica"


def affinity(url: str) -> tuple[str, str]:
    """A fresh visitor's first request: the cookie nginx sets and the replica it maps to."""
    with urllib.request.urlopen(f"{url}/_stcore/health", timeout=30) as response:  # noqa: S310 - localhost
        cookies: SimpleCookie = SimpleCookie()
        for header in response.headers.get_all("Set-Cookie") or []:
            cookies.load(header)
        return cookies[COOKIE].value, response.headers.get("X-Atlas-Replica", "").split(", ")[-1]


async def rerun(socket: ClientConnection, query: str, expected: list[str], timeout: float) -> float:
    """Seconds from asking for a rerun of ``query`` to its script finishing; the run's
    messages must hold every ``expected`` text and no exception."""
    message = BackMsg()
    message.rerun_script.query_string = query
    message.rerun_script.page_script_hash = ""
    start = time.perf_counter()
    await socket.send(message.SerializeToString())
    received = bytearray()
    async with asyncio.timeout(timeout):
        while True:
            forward = ForwardMsg()
            forward.ParseFromString(await socket.recv(decode=False))
            if forward.HasField("delta") and forward.delta.new_element.HasField("exception"):
                raise RuntimeError(f"the page shows an exception: {forward.delta.new_element.exception.message}")
            received += forward.delta.SerializeToString() if forward.HasField("delta") else b""
            if forward.HasField("script_finished"):
                break
    elapsed = time.perf_counter() - start
    missing = [text for text in expected if text.encode() not in received]
    if missing:
        raise RuntimeError(f"the rerun of {query!r} did not show {missing}")
    return elapsed


async def ws_journey(url: str, timeout: float = journey.TIMEOUT / 1000) -> Timings:
    """Open the view link, change a filter, open the incident; an exception becomes ``error``."""
    timings = Timings()
    step = "replica"
    try:
        cookie, timings.replica = await asyncio.to_thread(affinity, url)
        step = "connect"
        host = url.removeprefix("http://")
        async with connect(f"ws://{host}/_stcore/stream", subprotocols=["streamlit"],  # type: ignore[list-item]
                           origin=url, additional_headers={"Cookie": f"{COOKIE}={cookie}"}, max_size=None,
                           open_timeout=timeout, ping_interval=None) as socket:  # fmt: skip
            # No keepalive pings, as a browser sends none: a replica busy with 50 reruns answers
            # a ping late, and websockets' 20 s default then closed the session (a first run).
            step = "open"
            timings.open_s = await rerun(socket, VIEW, [count_text(VIEW)], timeout)
            step = "filter"
            timings.filter_s = await rerun(socket, FILTERED, [count_text(FILTERED)], timeout)
            step = "incident"
            timings.incident_s = await rerun(
                socket, f"{FILTERED}&incident={INCIDENT}", [INCIDENT, journey.TITLE], timeout
            )
    except Exception as error:  # a load test counts failures instead of stopping at the first
        timings.error = f"{step}: {type(error).__name__}: {str(error).splitlines()[0][:200] if str(error) else ''}"
    return timings
