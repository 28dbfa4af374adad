"""Query engines (incidents/engine.py): DuckDB answers every view as pandas and a brute-force
check do, and hostile text in any key is a notice or no rows, never an error."""

from __future__ import annotations

from urllib.parse import urlencode

import numpy as np
import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from incidents import engine, periods
from incidents.filters import PARAMS
from incidents.view import ViewState, mask, parse_view
from tests.engine_parity import HOSTILE_TEXT, brute_force_ids, views
from tests.unit.test_view import FILTER_CASES


@pytest.fixture(scope="module")
def frame(fixture_catalog):
    return fixture_catalog.frame.assign(row=np.arange(len(fixture_catalog.frame)))


@pytest.fixture(scope="module")
def engines(frame):
    return {"pandas": engine.over_frame(frame, "pandas"), "duckdb": engine.over_frame(frame, "duckdb")}


@pytest.fixture(scope="module")
def curated():
    from incidents.catalog import load_catalog

    data = load_catalog().frame
    data = data.assign(row=np.arange(len(data)))
    return data, engine.over_frame(data, "pandas"), engine.over_frame(data, "duckdb")


@pytest.mark.parametrize(("query", "expected"), FILTER_CASES, ids=[case[0] or "empty" for case in FILTER_CASES])
def test_every_engine_keeps_the_rows_the_link_contract_names(engines, frame, query, expected):
    state = parse_view(query).state
    assert brute_force_ids(frame, state) == sorted(expected)
    for name, found in engines.items():
        assert found.ids(state) == sorted(expected), name
        assert found.count(state) == len(expected), name


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(data=st.data())
def test_duckdb_and_pandas_agree_with_brute_force_on_random_views(curated, data):
    frame, in_memory, duckdb = curated
    state = data.draw(views(frame))
    expected = brute_force_ids(frame, state)
    assert in_memory.ids(state) == expected
    assert duckdb.ids(state) == expected


AGGREGATED = ["", "initiator=RU", "type=shootdown&type=strike", "from=2023-01-01&to=2024-06-30", "q=drone",
              "near=Tartus&radius_km=500", "platform=uav&region=syria"]  # fmt: skip


@pytest.mark.parametrize("query", AGGREGATED)
def test_aggregates_are_computed_alike_in_the_engine(curated, query):
    _frame, in_memory, duckdb = curated
    state = parse_view(query).state
    assert duckdb.count(state) == in_memory.count(state)
    np.testing.assert_array_equal(duckdb.rows(state), in_memory.rows(state))
    for column in ("type", "region", "initiator"):
        pd.testing.assert_frame_equal(duckdb.monthly(state, column), in_memory.monthly(state, column))
    for cell in (0.5, 5.0):
        ours, theirs = duckdb.bins(state, cell), in_memory.bins(state, cell)
        np.testing.assert_array_equal(ours.counts, theirs.counts)
        np.testing.assert_allclose(ours.lats, theirs.lats)
        np.testing.assert_allclose(ours.lons, theirs.lons)
    assert duckdb.sample(state, 25)["id"].tolist() == in_memory.sample(state, 25)["id"].tolist()
    window = periods.playback_window(pd.Timestamp("2023-07-01").date(), 3)
    assert duckdb.playback_count(state, window) == in_memory.playback_count(state, window)


def _sorted(table: pd.DataFrame) -> pd.DataFrame:
    return table.sort_values(list(table.columns[:1])).reset_index(drop=True)


def test_two_periods_are_compared_alike_in_the_engine(curated):
    _frame, in_memory, duckdb = curated
    state = parse_view("compare=2022&compare=2023&group=violations").state
    ours, theirs = duckdb.comparison(state), in_memory.comparison(state)
    assert set(ours) == set(theirs) == {"type", "region", "initiators"}
    for column, table in theirs.items():
        assert len(table) > 0
        pd.testing.assert_frame_equal(_sorted(ours[column]), _sorted(table), check_dtype=False)


def test_the_sample_is_the_newest_rows_and_at_most_the_limit(curated):
    frame, _in_memory, duckdb = curated
    sample = duckdb.sample(ViewState(), 10)
    assert len(sample) == 10
    assert sample["date"].is_monotonic_decreasing
    assert sample["date"].iloc[-1] >= frame["date"].sort_values().iloc[-10]


@pytest.mark.parametrize("limit", [1, 7, 30, 10_000])
@pytest.mark.parametrize("query", ["", "region=syria", "type=shootdown&from=2020-01-01", "region=nowhere-at-all"])
def test_the_sample_is_the_brute_force_newest_rows_for_any_limit(curated, query, limit):
    frame, _in_memory, duckdb = curated
    state = parse_view(query).state
    kept = frame.loc[mask(frame, state)].sort_values(["date", "id"], ascending=False)
    assert duckdb.sample(state, limit)["id"].tolist() == kept["id"].head(limit).tolist()
    assert duckdb.count(state) == len(kept)


def test_the_count_and_the_sample_of_one_view_share_one_scan_of_its_months(curated, monkeypatch):
    _frame, _in_memory, duckdb = curated
    state = parse_view("region=black-sea&from=2019-01-01").state
    queries: list[object] = []
    run = duckdb._run
    monkeypatch.setattr(duckdb, "_run", lambda expression: queries.append(expression) or run(expression))
    duckdb.count(state)
    duckdb.sample(state, 5)
    duckdb.count(state)
    assert len(queries) == 2  # the months, then the newest rows
    # The monthly chart's scan gives the months of another view as well.
    other = parse_view("region=syria").state
    monthly = duckdb.monthly(other, "type")
    assert duckdb.count(other) == monthly["count"].sum()
    duckdb.sample(other, 5)
    assert len(queries) == 4  # its monthly chart, then its newest rows


def test_sessions_in_many_threads_query_one_duckdb_engine_at_once(curated):
    # Streamlit runs each session in a thread and the page shares one engine per dataset;
    # DuckDB's connection refused every call made while another ran ("connection is busy").
    from concurrent.futures import ThreadPoolExecutor

    _frame, in_memory, duckdb = curated
    queries = ["region=syria", "type=shootdown", "initiator=RU", "q=drone", "platform=uav", ""]
    expected = {query: in_memory.ids(parse_view(query).state) for query in queries}

    def session(turn: int) -> tuple[str, list[str]]:
        query = queries[turn % len(queries)]
        state = parse_view(query).state
        duckdb.monthly(state, "type")
        duckdb.sample(state, 5)
        return query, duckdb.ids(state)

    with ThreadPoolExecutor(max_workers=6) as pool:
        answers = list(pool.map(session, range(36)))
    assert all(ids == expected[query] for query, ids in answers)


TEXT_KEYS = [param.key for param in PARAMS if param.filters] + ["incident", "layer", "color", "v", "at", "compare"]


@pytest.mark.parametrize("value", HOSTILE_TEXT)
@pytest.mark.parametrize("key", TEXT_KEYS)
def test_sql_shaped_text_in_any_key_is_a_notice_or_no_rows(engines, frame, key, value):
    parsed = parse_view(urlencode({key: value}))
    for name, found in engines.items():
        ids = found.ids(parsed.state)
        named = [notice for notice in parsed.notices if notice.key == key]
        assert named or ids == [] or ids == brute_force_ids(frame, parsed.state), (name, ids)
        if not named and getattr(parsed.state, _attribute(key)) not in ((), "", None):
            assert ids == brute_force_ids(frame, parsed.state)
    # The table is still there, whole.
    assert engines["duckdb"].count(ViewState()) == len(frame)


def _attribute(key: str) -> str:
    return next(param.attribute for param in PARAMS if param.key == key)


def test_hostile_platform_and_words_match_nothing_rather_than_everything(engines):
    for query in ("q=%27+OR+%271%27%3D%271", "platform=.%2A", "platform=%27%29%3B+DROP+TABLE+catalog%3B+--"):
        state = parse_view(query).state
        assert engines["duckdb"].ids(state) == [] == engines["pandas"].ids(state)


def test_the_engine_is_chosen_by_name_and_a_wrong_name_is_refused(monkeypatch):
    monkeypatch.delenv(engine.ENGINE_ENV, raising=False)
    assert engine.configured_engine() is None
    monkeypatch.setenv(engine.ENGINE_ENV, "DuckDB")
    assert engine.configured_engine() == "duckdb"
    monkeypatch.setenv(engine.ENGINE_ENV, "oracle")
    with pytest.raises(ValueError, match="not one of duckdb, pandas, spark"):
        engine.configured_engine()
    monkeypatch.setenv(engine.SPARK_MASTER_ENV, "spark://cluster:7077")
    assert engine.spark_master() == "spark://cluster:7077"


def test_duckdb_memory_is_bounded_by_configuration(monkeypatch):
    monkeypatch.setenv(engine.DUCKDB_MEMORY_ENV, "300MB")
    backend = engine.duckdb_backend()
    (limit,) = backend.raw_sql("SELECT current_setting('memory_limit')").fetchone()
    assert limit.replace(" ", "").upper() in {"300.0MB", "286.1MIB", "300MB"}, limit
