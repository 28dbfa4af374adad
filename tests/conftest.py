from __future__ import annotations

import pytest

from incidents.catalog import load_catalog
from tests.factories import write_fixture_dataset


@pytest.fixture(scope="session")
def fixture_data(tmp_path_factory):
    return write_fixture_dataset(tmp_path_factory.mktemp("fixture-data"))


@pytest.fixture(scope="session")
def fixture_catalog(fixture_data):
    catalog = load_catalog(fixture_data)
    assert catalog.problems == [], catalog.problems
    return catalog
