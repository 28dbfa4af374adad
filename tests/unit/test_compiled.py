"""A large Parquet file compiled a batch at a time (incidents/compiled.py): the same valid
rows and the same problems as validating it whole, read by the query engine."""

from __future__ import annotations

import pandas as pd
import pytest

from incidents import compiled, engine
from incidents.catalog import load_catalog
from incidents.flat import incident_from_row, typed
from incidents.queried import read_source_rows
from incidents.synth import synthetic_table
from incidents.tabular import MAX_QUERIED_ROWS_ENV
from incidents.view import ViewState, parse_view


@pytest.fixture
def flawed(tmp_path, monkeypatch):
    """120 rows in batches of 50: an id repeated across batches, bad codes in two batches."""
    monkeypatch.setattr(compiled, "BATCH_ROWS", 50)
    monkeypatch.setenv(compiled.CACHE_ENV, str(tmp_path / "cache"))
    table = synthetic_table(120)
    table.loc[80, "id"] = table.loc[5, "id"]
    table.loc[[10, 110], "type"] = "dogfight"
    table.loc[60, "lat"] = 123.0
    path = tmp_path / "flawed.parquet"
    typed(table).to_parquet(path, index=False)
    return path, table


def test_batches_give_the_rows_and_problems_of_the_whole_file(flawed):
    path, _table = flawed
    whole = load_catalog(path)
    result = compiled.compiled(path, str(path))
    assert result.rows == len(whole.frame) == 116
    assert [(p.field, p.message) for p in result.problems] == [(p.field, p.message) for p in whole.problems]
    assert any("2 rows not in vocab/types.yaml, e.g. row 12" in p.message for p in result.problems)
    assert any(p.field == "id" and "1 rows repeat an earlier id, e.g. row 82" in p.message for p in result.problems)
    queried = engine.over_parquet(result.path)
    assert queried.ids(ViewState()) == sorted(whole.frame["id"])
    for query in ("type=shootdown", "initiator=RU&platform=uav", "q=synthetic+0000042", "near=43,33&radius_km=900"):
        state = parse_view(query).state
        assert queried.ids(state) == sorted(engine.over_frame(whole.frame, "pandas").ids(state))
    assert result.version == whole.version


def test_a_compiled_file_is_reused_until_the_source_changes(flawed):
    path, table = flawed
    first = compiled.compiled(path, str(path))
    built = first.path.stat().st_mtime_ns
    assert compiled.compiled(path, str(path)).path.stat().st_mtime_ns == built
    typed(table.head(30)).to_parquet(path, index=False)
    assert compiled.compiled(path, str(path)).rows == 29  # row 10 of the 30 has a bad type


def test_a_file_over_the_row_limit_is_refused_before_any_row_is_read(flawed, monkeypatch):
    path, _table = flawed
    monkeypatch.setenv(MAX_QUERIED_ROWS_ENV, "100")
    result = compiled.compiled(path, "flawed.parquet")
    assert result.rows == 0
    assert "120 rows exceed the limit of 100" in result.problems[0].message


def test_a_record_is_read_from_its_row_of_the_source(flawed):
    path, table = flawed
    result = compiled.compiled(path, str(path))
    catalog = pd.read_parquet(result.path)
    source_row = int(catalog.loc[catalog["id"] == table.loc[7, "id"], compiled.SOURCE_ROW].iloc[0])
    assert source_row == 9  # the header is row 1
    (row,) = read_source_rows(path, [source_row]).to_dict("records")
    assert incident_from_row(row).id == table.loc[7, "id"]


def test_the_compiled_catalog_is_stored_in_date_order_in_row_groups_of_dates(flawed):
    # The newest rows (the drawn sample, the table) then lie in the last row groups, which
    # DuckDB reads alone; batches of 50 were each ordered only within themselves.
    import pyarrow.parquet as pq

    path, _table = flawed
    result = compiled.compiled(path, str(path))
    stored = pq.read_table(result.path, columns=["date", "id"]).to_pandas()
    assert stored["date"].is_monotonic_increasing
    assert list(stored["id"]) == list(stored.sort_values(["date", "id"])["id"])
    assert not list(result.path.parent.glob("*.partial"))
    assert not list(result.path.parent.glob("*.sorting"))


def test_two_servers_compiling_one_new_file_at_once_both_get_it_whole(flawed):
    """Replicas started together on a new file compile it at the same time into one cache:
    each works in files of its own and the finished file replaces the target whole."""
    from concurrent.futures import ThreadPoolExecutor

    path, _table = flawed
    with ThreadPoolExecutor(2) as pool:
        results = list(pool.map(lambda _: compiled.compiled(path, str(path)), range(2)))
    assert [result.rows for result in results] == [116, 116]
    assert len(pd.read_parquet(results[0].path)) == 116
    assert sorted(p.name for p in results[0].path.parent.iterdir()) == sorted(
        [results[0].path.name, results[0].path.with_suffix(".json").name]
    )
