"""The cluster tests need Debian's nginx and Chromium (`make nginx browser`); without either
they skip with a message, except under CI=true, where that fails."""

from __future__ import annotations

import os

import pytest

from deploy.cluster import Cluster, free_port, nginx_path
from tests.e2e.browser import chromium_path


def require(found: str | None, message: str) -> None:
    if found:
        return
    if os.environ.get("CI"):
        pytest.fail(f"CI=true: {message}; .ci/run must install it")
    pytest.skip(message)


@pytest.fixture(scope="module")
def two_replicas(tmp_path_factory):
    """Two replicas behind nginx, on free localhost ports, with the shipped records."""
    require(nginx_path(), "nginx is not installed (Debian: make nginx), so the cluster tests did not run")
    require(chromium_path(), "Chromium is not installed (Debian: make browser), so the cluster tests did not run")
    cluster = Cluster(tmp_path_factory.mktemp("cluster"), free_port())
    try:
        cluster.start(2, env={"INCIDENTS_DATA": ""})
        yield cluster
    finally:
        cluster.stop()
