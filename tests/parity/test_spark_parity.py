"""The same ibis queries on Apache Spark (local mode) keep the same rows as DuckDB, pandas and a
brute-force check, on the fixture data, the curated records and random views."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from incidents import engine
from incidents.view import parse_view
from tests.engine_parity import HOSTILE_TEXT, brute_force_ids, views
from tests.unit.test_view import FILTER_CASES


@pytest.fixture(scope="module")
def fixture_engines(fixture_catalog, spark_backend):
    frame = fixture_catalog.frame.assign(row=np.arange(len(fixture_catalog.frame)))
    return frame, engine.over_frame(frame, "spark", backend=spark_backend), engine.over_frame(frame, "duckdb")


@pytest.fixture(scope="module")
def curated_engines(curated_frame, spark_backend):
    return (
        curated_frame,
        engine.over_frame(curated_frame, "spark", backend=spark_backend),
        engine.over_frame(curated_frame, "duckdb"),
    )


def test_the_engine_is_spark(fixture_engines):
    assert fixture_engines[1].name == "spark"
    assert type(fixture_engines[1].backend).__module__.startswith("ibis.backends.pyspark")


@pytest.mark.parametrize(("query", "expected"), FILTER_CASES, ids=[case[0] or "empty" for case in FILTER_CASES])
def test_spark_keeps_the_rows_the_link_contract_names(fixture_engines, query, expected):
    frame, spark, duckdb = fixture_engines
    state = parse_view(query).state
    assert spark.ids(state) == duckdb.ids(state) == brute_force_ids(frame, state) == sorted(expected)


@pytest.mark.timeout(1200)
@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(data=st.data())
def test_spark_duckdb_and_brute_force_agree_on_random_views(curated_engines, data):
    frame, spark, duckdb = curated_engines
    state = data.draw(views(frame))
    expected = brute_force_ids(frame, state)
    assert duckdb.ids(state) == expected
    assert spark.ids(state) == expected


@pytest.mark.parametrize("value", HOSTILE_TEXT[:5])
@pytest.mark.parametrize("key", ["q", "platform", "near"])
def test_sql_shaped_text_is_inert_on_spark(curated_engines, key, value):
    from urllib.parse import urlencode

    frame, spark, _duckdb = curated_engines
    parsed = parse_view(urlencode({key: value}))
    assert spark.ids(parsed.state) == brute_force_ids(frame, parsed.state)


def test_spark_aggregates_match_the_in_memory_engine(curated_engines):
    frame, spark, _duckdb = curated_engines
    in_memory = engine.over_frame(frame, "pandas")
    state = parse_view("initiator=RU&from=2020-01-01").state
    assert spark.count(state) == in_memory.count(state)
    pd.testing.assert_frame_equal(spark.monthly(state, "type"), in_memory.monthly(state, "type"))
    ours, theirs = spark.bins(state, 1.0), in_memory.bins(state, 1.0)
    np.testing.assert_array_equal(ours.counts, theirs.counts)
    np.testing.assert_allclose(ours.lats, theirs.lats)
    assert spark.sample(state, 20)["id"].tolist() == in_memory.sample(state, 20)["id"].tolist()


@pytest.fixture(scope="module")
def queried_pair(tmp_path_factory, spark_backend):
    """One large file queried where it lies, once by DuckDB and once by Spark (incidents/dataset.py)."""
    from incidents.compiled import CACHE_ENV
    from incidents.queried import open_queried
    from incidents.synth import write_synthetic

    folder = tmp_path_factory.mktemp("queried-spark")
    path = folder / "synthetic.parquet"
    write_synthetic(8_000, 11, path)
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv(CACHE_ENV, str(folder))
        yield open_queried(path, path.name, "duckdb"), open_queried(path, path.name, "spark")


@pytest.mark.parametrize(
    "query",
    ["", "type=shootdown&region=syria", "initiator=RU&color=initiator", "near=43,33&radius_km=900", "from=2024-01-01"],
)
def test_the_page_gets_the_same_data_from_spark_as_from_duckdb(queried_pair, query):
    duck, spark = queried_pair
    state = parse_view(query).state
    ours, theirs = duck.drawn(state), spark.drawn(state)
    assert theirs.total == ours.total
    assert theirs.frame["id"].tolist() == ours.frame["id"].tolist()
    assert theirs.span() == ours.span()
    if ours.bins is not None:
        assert theirs.bins is not None
        np.testing.assert_array_equal(theirs.bins.counts, ours.bins.counts)
        np.testing.assert_allclose(theirs.bins.lats, ours.bins.lats, rtol=1e-6)
    summary, other = duck.summary(state, ours), spark.summary(state, theirs)
    if summary is None:
        assert other is None
    else:
        assert other is not None
        np.testing.assert_array_equal(other.monthly.counts, summary.monthly.counts)
        assert other.types.sort_index().to_dict() == summary.types.sort_index().to_dict()
        assert other.regions.sort_index().to_dict() == summary.regions.sort_index().to_dict()
    incident = ours.frame["id"].iloc[-1] if len(ours.frame) else None
    assert spark.record(incident) == duck.record(incident)
    assert spark.filter_options() == duck.filter_options()
