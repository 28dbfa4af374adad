"""The Spark parity suite runs under `make parity` (ATLAS_SPARK=1), which installs pyspark and
a Java runtime; `make test` does not collect it, so it pays nothing for Spark's start-up."""

from __future__ import annotations

import os

import numpy as np
import pytest

collect_ignore_glob = [] if os.environ.get("ATLAS_SPARK") == "1" else ["test_*.py"]


@pytest.fixture(scope="session")
def curated_frame():
    from incidents.catalog import load_catalog

    frame = load_catalog().frame
    return frame.assign(row=np.arange(len(frame)))


@pytest.fixture(scope="session")
def spark_backend():
    from incidents import engine

    backend = engine.spark_backend()
    yield backend
    backend._session.stop()
