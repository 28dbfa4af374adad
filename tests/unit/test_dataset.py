"""A file queried where it lies answers the page as the same file held in memory does
(incidents/dataset.py, incidents/queried.py): the same counts, rows, charts' counts, records and files."""

from __future__ import annotations

import io
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from components.overview import monthly_counts
from incidents import export
from incidents import queried as queried_files
from incidents.catalog import load_catalog
from incidents.compiled import CACHE_ENV
from incidents.dataset import DRAWN_ROWS, NEWEST_ROWS, InMemory, prepare_held
from incidents.engine import PandasEngine
from incidents.filters import COLOR_FIELDS
from incidents.queried import Queried, open_queried
from incidents.synth import write_synthetic
from incidents.tabular import MAX_QUERIED_ROWS_ENV
from incidents.view import ViewState, parse_view
from tests.unit.test_export_path import one_bad_row  # noqa: F401 - the fixture

SYNTHETIC_ROWS = 12_000


def _held(path: Path) -> InMemory:
    catalog = prepare_held(load_catalog(path))
    return InMemory(catalog, PandasEngine(catalog.frame))


@pytest.fixture(scope="module")
def cache(tmp_path_factory):
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv(CACHE_ENV, str(tmp_path_factory.mktemp("compiled")))
        yield


@pytest.fixture(scope="module")
def synthetic(tmp_path_factory, cache) -> tuple[InMemory, Queried]:
    """12,000 fictional incidents: views of more than DRAWN_ROWS are drawn as counts."""
    path = tmp_path_factory.mktemp("synthetic") / "synthetic.parquet"
    write_synthetic(SYNTHETIC_ROWS, 7, path)
    queried = open_queried(path, path.name)
    assert isinstance(queried, Queried)
    return _held(path), queried


@pytest.fixture(scope="module")
def curated(tmp_path_factory, cache) -> tuple[InMemory, Queried]:
    """The shipped records as a flat Parquet file: series, related incidents, real sources."""
    path = tmp_path_factory.mktemp("curated") / "records.parquet"
    path.write_bytes(export.to_parquet(load_catalog().records.values()))
    queried = open_queried(path, path.name)
    assert isinstance(queried, Queried)
    return _held(path), queried


VIEWS = [
    "",
    "type=unsafe_intercept&type=drone_incursion",
    "type=shootdown&region=syria",
    "group=violations",
    "region=black_sea&from=2015-01-01&to=2019-12-31",
    "initiator=RU",
    "target=US&verification=official",
    "platform=uav",
    "q=synthetic+0000042",
    "near=43,33&radius_km=900",
    "from=2024-06-01",
    "color=region",
    "color=initiator&region=baltic",
]


@pytest.mark.parametrize("query", VIEWS)
def test_a_queried_view_draws_what_the_view_held_in_memory_draws(synthetic, query):
    held, queried = synthetic
    state = parse_view(query).state
    whole, drawn = held.drawn(state), queried.drawn(state)
    assert drawn.total == whole.total
    newest = whole.frame.sort_values(["date", "id"]).tail(DRAWN_ROWS if whole.total <= DRAWN_ROWS else NEWEST_ROWS)
    assert drawn.frame["id"].tolist() == newest["id"].tolist()
    colour = f"colour_{state.color}"
    assert drawn.frame[colour].tolist() == newest[colour].tolist()
    assert drawn.frame["hover"].tolist() == newest["hover"].tolist()
    assert drawn.complete == (whole.total <= DRAWN_ROWS)


@pytest.mark.parametrize("query", [view for view in VIEWS if view not in ("q=synthetic+0000042",)])
def test_a_large_queried_view_is_counted_as_the_held_one_is(synthetic, query):
    held, queried = synthetic
    state = parse_view(query).state
    drawn = queried.drawn(state)
    summary = queried.summary(state, drawn)
    whole = held.drawn(state).frame
    if drawn.complete:
        assert summary is None
        return
    assert summary is not None
    expected = monthly_counts(whole, state.color, held.colours(state.color))
    assert summary.monthly.codes == expected.codes
    np.testing.assert_array_equal(summary.monthly.months, expected.months)
    np.testing.assert_array_equal(summary.monthly.counts, expected.counts)
    assert summary.types.sort_index().to_dict() == whole["type"].value_counts().sort_index().to_dict()
    assert summary.regions.sort_index().to_dict() == whole["region"].value_counts().sort_index().to_dict()
    bins = held.engine.bins(state, drawn.cell_deg)
    assert drawn.bins is not None
    np.testing.assert_array_equal(drawn.bins.counts, bins.counts)
    np.testing.assert_allclose(drawn.bins.lats, bins.lats)
    assert drawn.span() == (whole["date"].min().date().replace(day=1), drawn.span()[1])


def test_playback_draws_the_incidents_of_its_window_in_either(synthetic):
    held, queried = synthetic
    state = parse_view("at=2023-07&span=3").state
    for data in (held, queried):
        playing = data.playing(state, data.drawn(state.replace(at=None)))
        expected = held.drawn(parse_view("from=2023-05-01&to=2023-07-31").state).total
        assert playing.total == expected


def test_the_whole_data_gives_the_same_options_colours_and_dates(synthetic):
    held, queried = synthetic
    assert queried.total == held.total == SYNTHETIC_ROWS
    assert queried.filter_options() == held.filter_options()
    for field in COLOR_FIELDS:
        assert queried.colours(field) == held.colours(field), field
        assert queried.grouped(field) == held.grouped(field), field
    assert queried.span() == held.span()
    assert queried.years() == held.years()
    assert queried.version == held.version


def test_an_incident_opens_with_its_record_row_and_series_in_either(curated):
    held, queried = curated
    series = held.frame.dropna(subset=["series"]).iloc[0]["id"]
    for incident_id in (series, held.frame["id"].iloc[0], held.frame["id"].iloc[-1]):
        record, problems = queried.record(incident_id)
        assert problems == []
        assert record == held.record(incident_id)[0]
        assert queried.id_of_row(queried.row_of(incident_id)) == incident_id
        members = {queried.id_of_row(row) for row in queried.series_rows(record)}
        assert members == {held.id_of_row(row) for row in held.series_rows(record)}
        assert queried.titles(list(record.related)) == held.titles(list(record.related))
    assert queried.record("2099-01-01-no-such-incident") == (None, [])
    assert queried.row_of("2099-01-01-no-such-incident") is None


def test_the_printed_table_lists_the_same_source_urls(curated):
    held, queried = curated
    ids = held.frame["id"].tolist()[:40]
    assert queried.source_urls(ids) == held.source_urls(ids)


@pytest.mark.parametrize("fmt", list(export.FORMATS))
@pytest.mark.parametrize("query", ["region=black_sea", "type=unsafe_intercept&initiator=CN", "incident=x&color=region"])
def test_a_queried_view_downloads_the_same_file_as_the_held_one(curated, fmt, query):
    held, queried = curated
    state = parse_view(query).state
    assert queried.export(state, fmt) == held.export(state, fmt)


def test_a_queried_view_publishes_the_same_page_as_the_held_one(curated):
    held, queried = curated
    state = parse_view("region=syria&color=initiator").state
    assert queried.publish(state, "?region=syria") == held.publish(state, "?region=syria")


def test_a_view_too_large_for_records_downloads_the_files_own_rows_as_csv(synthetic, monkeypatch):
    held, queried = synthetic
    monkeypatch.setattr(queried_files, "RECORD_ROWS", 1_000)
    state = parse_view("type=unsafe_intercept").state
    total = held.drawn(state).total
    offered = queried.downloads(total)
    assert offered.formats == ("csv",)
    assert not offered.page
    assert "CSV only" in (offered.note or "")
    written = pd.read_csv(io.BytesIO(queried.export(state, "csv")))
    assert sorted(written["id"]) == sorted(held.drawn(state).frame["id"])
    assert list(written.columns) == list(pd.read_parquet(queried.source).columns)
    with pytest.raises(ValueError, match="cannot be downloaded as geojson"):
        queried.export(state, "geojson")
    with pytest.raises(ValueError, match="too large for one web page"):
        queried.publish(state, "")
    monkeypatch.setattr(queried_files, "CSV_ROWS", 2_000)
    assert queried.downloads(total).formats == ()


HOSTILE = ["'; DROP TABLE catalog; --", '" OR 1=1 --', "x') UNION SELECT * FROM duckdb_settings() --", "%_\\"]


@pytest.mark.parametrize("value", HOSTILE)
@pytest.mark.parametrize("key", ["q", "series", "initiator", "target", "platform", "near", "incident", "region"])
def test_sql_shaped_link_values_find_nothing_or_are_dropped_never_an_error(synthetic, key, value):
    _held_data, queried = synthetic
    parsed = parse_view({key: value})
    drawn = queried.drawn(parsed.state)
    assert drawn.total in (0, SYNTHETIC_ROWS)
    assert drawn.total == 0 or parsed.notices or parsed.state == ViewState()
    assert queried.record(value) == (None, [])


def test_a_file_over_the_queried_row_limit_is_refused_with_a_notice(curated, monkeypatch):
    _held_data, queried = curated
    monkeypatch.setenv(MAX_QUERIED_ROWS_ENV, "10")
    refused = open_queried(queried.source, "records.parquet")
    assert refused.total == 0
    assert "rows exceed the limit of 10 ($INCIDENTS_MAX_QUERIED_ROWS)" in refused.problems[0].message


def test_only_a_parquet_file_over_the_threshold_is_queried(curated, fixture_data, monkeypatch):
    _held_data, queried = curated
    assert not queried_files.is_queried(queried.source)  # 400 rows, under the default threshold
    monkeypatch.setenv(queried_files.QUERIED_ABOVE_ENV, "100")
    assert queried_files.is_queried(queried.source)
    assert not queried_files.is_queried(fixture_data)


def test_a_queried_download_names_a_row_whose_record_does_not_validate(one_bad_row, tmp_path, cache):  # noqa: F811
    """As on a held file: the download leaves the row out, and the page then says which."""
    path, bad_id = one_bad_row
    flat = tmp_path / "one-bad-row.parquet"
    pd.read_csv(path, dtype=str, keep_default_na=False).to_parquet(flat, index=False)
    queried = open_queried(flat, flat.name)
    assert queried.known_invalid([bad_id]) == []
    written = pd.read_csv(io.StringIO(queried.export(ViewState(), "csv")), dtype=str)["id"].tolist()
    assert bad_id not in written
    (problem,) = queried.known_invalid([bad_id])
    assert str(problem).startswith("row 4: actors[1].country: 'XX' is neither")


def test_the_cli_exports_a_queried_view_as_the_page_does(curated, tmp_path, monkeypatch, capsys):
    from incidents.cli import main

    held, queried = curated
    monkeypatch.setenv(queried_files.QUERIED_ABOVE_ENV, "100")
    output = tmp_path / "view.csv"
    assert main(["export", "--data", str(queried.source), "--query", "region=syria", "-o", str(output)]) == 0
    assert output.read_text(encoding="utf-8") == held.export(parse_view("region=syria").state, "csv")


def test_the_cli_writes_a_view_too_large_for_records_as_the_files_own_rows(synthetic, tmp_path, monkeypatch, capsys):
    from incidents import cli

    held, queried = synthetic
    monkeypatch.setenv(queried_files.QUERIED_ABOVE_ENV, "1000")
    monkeypatch.setattr(cli, "RECORD_ROWS", 1_000)
    output = tmp_path / "view.parquet"
    query = ["--data", str(queried.source), "--query", "type=unsafe_intercept"]
    assert cli.main(["export", *query, "--format", "parquet", "-o", str(output)]) == 0
    expected = held.drawn(parse_view("type=unsafe_intercept").state).frame
    written = pd.read_parquet(output)
    assert sorted(written["id"]) == sorted(expected["id"])
    assert "the file's own rows" in capsys.readouterr().err
    assert cli.main(["export", *query, "--format", "geojson", "-o", str(tmp_path / "view.geojson")]) == 2
    assert "is larger than 1,000" in capsys.readouterr().err


def test_the_about_panel_counts_each_collection_of_a_queried_file_as_of_the_held_one(curated):
    held, queried = curated
    collections, shares = queried.about()
    assert collections == held.about()[0]
    assert any(row.records for row in collections)
    assert shares is None  # the sources' shares need every record built
