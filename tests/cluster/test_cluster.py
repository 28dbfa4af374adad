"""The cluster smoke test: two replicas behind nginx, one reader's journey, one replica killed.

Sessions are sticky (every request of a visitor reaches one replica) yet spread over both
(all from 127.0.0.1, so not by address); when the replica of a reader dies, the page
reconnects through the balancer to the other one and shows the same view, and a reader on the
surviving replica notices nothing.
"""

from __future__ import annotations

import asyncio

import pytest
from playwright.async_api import Browser, BrowserContext, async_playwright, expect

from deploy.cluster import Cluster
from tests.cluster import journey
from tests.e2e.browser import CHROMIUM_FLAGS, chromium_path

pytestmark = pytest.mark.e2e
VIEWPORT = {"width": 1440, "height": 900}
BOTH_TYPES = "region=black-sea&type=collision&type=unsafe_intercept"


async def one_visitor_per_replica(browser: Browser, cluster: Cluster) -> dict[str, BrowserContext]:
    """Fresh visitors until each replica has one (each has a 1 in 2 chance per visitor)."""
    visitors: dict[str, BrowserContext] = {}
    for _ in range(24):
        context = await browser.new_context(viewport=VIEWPORT)
        replica = await journey.replica_of(context, cluster.url)
        if replica in visitors:
            await context.close()
            continue
        visitors[replica] = context
        if len(visitors) == len(cluster.replicas):
            return visitors
    raise AssertionError(f"24 visitors reached only {list(visitors)}: sessions do not spread")


async def scenario(cluster: Cluster) -> None:
    async with async_playwright() as playwright:
        browser = await playwright.chromium.launch(executable_path=chromium_path(), args=CHROMIUM_FLAGS)
        visitors = await one_visitor_per_replica(browser, cluster)
        assert set(visitors) == {replica.address for replica in cluster.replicas}
        (doomed, reader), (survivor, bystander) = visitors.items()

        timings = await journey.journey(reader, cluster.url)
        assert timings.error is None, timings.error
        assert await journey.replica_of(reader, cluster.url) == doomed, "the session moved without a failure"
        page = reader.pages[0]
        other = await bystander.new_page()
        await journey.open_view(other, cluster.url)
        reconnects: list[str] = []
        other.on("websocket", lambda socket: reconnects.append(socket.url))
        await page.evaluate(journey.COUNT_RUNS)

        cluster.kill(next(replica for replica in cluster.replicas if replica.address == doomed))

        # The reader's page reconnects through nginx, reruns on the survivor, shows the same view.
        await page.wait_for_function("() => window.atlasRuns > 0", timeout=journey.TIMEOUT)
        await journey.wait_idle(page)
        await journey.same_view(page)
        assert await journey.replica_of(reader, cluster.url) == survivor
        # Nothing lost: the next change applies on top of that view, on the survivor.
        await journey.change_filter(page, "Unsafe intercept", BOTH_TYPES)
        await journey.same_view(page, BOTH_TYPES)
        await page.reload()
        await journey.wait_idle(page)
        await journey.same_view(page, BOTH_TYPES)

        # The bystander's session was on the survivor all along: no reconnect, still working.
        await journey.change_filter(other, "Collision", journey.FILTERED)
        assert reconnects == []
        for shown in (page, other):
            await expect(shown.get_by_test_id("stException")).to_have_count(0)
        await browser.close()


@pytest.mark.timeout(900)  # three Chromium pages and three servers on two shared cores
def test_sticky_sessions_spread_and_survive_a_replica_kill(two_replicas):
    asyncio.run(scenario(two_replicas))
