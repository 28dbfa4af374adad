"""A Parquet file too large to hold, queried where it lies (docs/architecture.md, "The page on
a file queried where it lies").

``open_queried`` compiles the file once (incidents/compiled.py) and opens a ``Queried``
dataset over the compiled catalog: it answers the page (incidents/dataset.py) with queries
(DuckDB by default, Spark by configuration), bringing back counts, at most ``DRAWN_ROWS`` rows
and the open record. A view of at most ``RECORD_ROWS`` incidents becomes a small catalog of its
own rows for the downloads and the published page, so every file is written by the same code
as for the curated data; larger views are written as the file's own rows by DuckDB.
"""

from __future__ import annotations

import os
import tempfile
from collections import OrderedDict
from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager
from datetime import date
from pathlib import Path
from typing import cast

import duckdb
import numpy as np
import pandas as pd
import pyarrow as pa

from incidents import export, publish
from incidents.about import Coverage, SourceShares, coverage_of
from incidents.catalog import Catalog, incident_frame
from incidents.compiled import SOURCE_ROW, Compiled, compiled
from incidents.dataset import DRAWN_ROWS, NEWEST_ROWS, Dataset, Downloads, Drawn, InMemory, Summary, present
from incidents.engine import EngineName, PandasEngine, QueryEngine, over_parquet
from incidents.filters import COLOR_FIELDS
from incidents.flat import catalog_frame, split
from incidents.geo import bin_cell_size
from incidents.model import Incident
from incidents.palette import OTHER
from incidents.problems import Problem
from incidents.stats import MonthlyCounts
from incidents.tabular import ROW, RowRecords, parquet_rows, validate_table
from incidents.view import ViewState, codes_counted

# A Parquet file of more rows is queried where it lies rather than loaded: pandas took 15 s
# and 2.6 GB to load 1M rows, DuckDB answers the first render of it in 0.2 s (bench/engines.md).
QUERIED_ABOVE_ROWS = 200_000
# A queried view of at most this many incidents is written by the same code as the curated
# data (every format, records validated whole); building records runs at ~20k a second.
RECORD_ROWS = 50_000
# Larger views download as CSV only, the source's own rows written by DuckDB, up to this many.
CSV_ROWS = 2_000_000


class Queried(Dataset):
    """A compiled catalog (``compiled``) of the flat Parquet file ``source``, asked by ``engine``."""

    RECORDS_KEPT = 256  # opened records remembered (a rerun asks for the open one again)

    def __init__(self, compiled: Compiled, source: Path, shown: str, engine: QueryEngine):
        super().__init__()
        self.compiled = compiled
        self.source = source
        self.shown = shown
        self.engine = engine
        self.version = compiled.version
        self.problems = compiled.problems
        whole = engine.extent(ViewState())
        if whole is None:  # a compiled file keeps at least one row (incidents/compiled.py)
            raise ValueError(f"{shown}: no valid row to query")
        self.total = whole.count
        self._whole = whole
        self._records: OrderedDict[str, tuple[Incident | None, list[Problem], int | None]] = OrderedDict()
        self._invalid: dict[str, list[Problem]] = {}

    # --- the whole data, asked once -----------------------------------------------------

    def _count(self, field: str) -> pd.Series:
        return self.engine.value_counts(field)

    def filter_options(self) -> dict[str, list[str]]:
        return {
            "initiators": codes_counted(self.counts("initiators")),
            "targets": codes_counted(self.counts("targets")),
        }

    def colour_maps(self) -> dict[str, dict[str, str]]:
        return {field: self.colours(field) for field in COLOR_FIELDS}

    def span(self) -> tuple[date, date] | None:
        return self._whole.first.date(), max(self._whole.last.date(), self._whole.first.date())

    def years(self) -> list[int]:
        months = self.engine.month_totals(ViewState())
        return sorted({int(month.year) for month in months.index})

    # --- one incident -------------------------------------------------------------------

    def _lookup(self, incident_id: str) -> tuple[Incident | None, list[Problem], int | None]:
        """The record, its problems and its row, read from the source once and remembered."""
        with self._lock:
            if incident_id in self._records:
                self._records.move_to_end(incident_id)
                return self._records[incident_id]
        found = self.engine.where(self.engine.table["id"] == incident_id, ["row", SOURCE_ROW])
        if found.empty:
            result: tuple[Incident | None, list[Problem], int | None] = (None, [], None)
        else:
            catalog = self._catalog_of(found[SOURCE_ROW].tolist())
            record, problems = catalog.record(incident_id)
            result = (record, problems, int(found["row"].to_numpy()[0]))
        with self._lock:
            self._records[incident_id] = result
            while len(self._records) > self.RECORDS_KEPT:
                self._records.popitem(last=False)
            if result[1]:
                self._invalid[incident_id] = result[1]
        return result

    def record(self, incident_id: str | None) -> tuple[Incident | None, list[Problem]]:
        if not incident_id:
            return None, []
        record, problems, _ = self._lookup(incident_id)
        return record, problems

    def row_of(self, incident_id: str | None) -> int | None:
        return self._lookup(incident_id)[2] if incident_id else None

    def id_of_row(self, row: int) -> str | None:
        found = self.engine.where(self.engine.table["row"] == int(row), ["id"])
        return str(found["id"].iat[0]) if len(found) else None

    def titles(self, incident_ids: list[str]) -> dict[str, str]:
        if not incident_ids:
            return {}
        found = self.engine.where(self.engine.table["id"].isin(list(incident_ids)), ["id", "title"])
        return dict(zip(found["id"], found["title"], strict=True))

    def series_rows(self, incident: Incident | None) -> list[int]:
        if incident is None or not (incident.related or incident.series):
            return []
        table = self.engine.table
        members = table["id"].isin(list(incident.related)) if incident.related else None
        if incident.series:
            same = table["series"] == incident.series
            members = same if members is None else members | same
        found = self.engine.where(members & (table["id"] != incident.id), ["row"])
        return sorted(int(row) for row in found["row"])

    # --- a view -------------------------------------------------------------------------

    def drawn(self, state: ViewState) -> Drawn:
        # The view's months by the colour-by field first: one scan gives the count, the months
        # the newest rows lie in (so the sample reads only those), and the timeline's counts.
        monthly = self.engine.monthly(state, state.color)
        total = int(monthly["count"].sum())
        limit = DRAWN_ROWS if total <= DRAWN_ROWS else NEWEST_ROWS  # all to draw, or the table's
        rows = self._presented(self.engine.sample(state, limit).iloc[::-1].reset_index(drop=True))
        if total <= DRAWN_ROWS:
            return Drawn(rows, total)
        cell = self._cell_size(rows)
        months = pd.DatetimeIndex(monthly["month"])
        span = (months.min().date(), (months.max() + pd.offsets.MonthEnd(0)).date())
        return Drawn(rows, total, self.engine.bins(state, cell), cell, span)

    def _cell_size(self, rows: pd.DataFrame) -> float:
        """The map's grid cell for a large view: from the drawn (newest) rows' extent, which
        costs no query, but never finer than a quarter of the whole data's cell, so a view
        whose older incidents lie far from its newest stays within ~240 cells across."""
        whole = self._whole
        coarsest = bin_cell_size(np.array([whole.south, whole.north]), np.array([whole.west, whole.east])) / 4
        return max(bin_cell_size(rows["lat"].to_numpy(), rows["lon"].to_numpy()), coarsest)

    def summary(self, state: ViewState, drawn: Drawn) -> Summary | None:
        if drawn.complete:
            return None
        long = self.engine.monthly(state, state.color)
        monthly = MonthlyCounts.of_long(long, self.colours(state.color), OTHER)
        return Summary(monthly, self._per_value(state, long, "type"), self._per_value(state, long, "region"))

    def _per_value(self, state: ViewState, long: pd.DataFrame, field: str) -> pd.Series:
        """The view's incidents per value of ``field``: summed from the monthly counts when
        they are by it (the default colour is the type), else one query."""
        if state.color == field:
            return long.groupby("value")["count"].sum().astype(np.int64)
        return self.engine.value_counts(field, state)

    def _presented(self, rows: pd.DataFrame) -> pd.DataFrame:
        """The presentation columns a held catalog precomputes at load, for the drawn rows."""
        return present(rows.copy(), self.colour_maps())

    def _kept_ids(self, state: ViewState, incident_ids: Sequence[str]) -> set[str]:
        if not incident_ids:
            return set()
        return self.engine.kept_among(state, incident_ids)

    def comparison(self, state: ViewState) -> dict[str, pd.DataFrame]:
        return self.engine.comparison(state)

    # --- records of a view --------------------------------------------------------------

    def _catalog_of(self, source_rows: Sequence[int]) -> Catalog:
        """These rows of the source file as a catalog of their own (validated as a file's)."""
        table = read_source_rows(self.source, source_rows)
        numbers = table.pop(ROW).to_numpy()
        valid, problems = validate_table(table, self.shown, 0)
        valid[ROW] = numbers[valid[ROW].to_numpy()]
        return Catalog(catalog_frame(valid), RowRecords(valid, self.shown), problems, self.version)

    def view_catalog(self, state: ViewState) -> Catalog:
        """The view's rows as a catalog: ``view.apply`` on it keeps them all, so the export
        and publish code of a held catalog writes the same files."""
        return self._catalog_of(sorted(int(row) for row in self.engine.view_values(state, SOURCE_ROW)))

    def known_invalid(self, incident_ids: Iterable[str]) -> list[Problem]:
        with self._lock:
            return [problem for incident_id in incident_ids for problem in self._invalid.get(incident_id, [])]

    def source_urls(self, incident_ids: Iterable[str]) -> dict[str, list[str]]:
        # From the compiled catalog, whose rows passed the file's checks: reading 300 rows of
        # the source file for the printed table took half a second at 10M rows.
        ids = list(incident_ids)
        if not ids:
            return {}
        found = self.engine.where(self.engine.table["id"].isin(ids), ["id", "source_urls"])
        pairs = zip(found["id"], found["source_urls"], strict=True)
        return {str(incident_id): split(urls) for incident_id, urls in pairs}

    def downloads(self, total: int) -> Downloads:
        if total <= RECORD_ROWS:
            return Downloads(tuple(export.FORMATS))
        if total <= CSV_ROWS:
            note = (f"A view of more than {RECORD_ROWS:,} incidents downloads as CSV only (the file's own rows) "
                    "and not as a web page. Narrow the view for the other formats.")  # fmt: skip
            return Downloads(("csv",), False, note)
        note = (f"A view of more than {CSV_ROWS:,} incidents is too large to download here. Narrow the view, "
                "or write it whole: python -m incidents export --data FILE --query 'LINK' -o view.csv")  # fmt: skip
        return Downloads((), False, note)

    def _noting_invalid(self, catalog: Catalog) -> Catalog:
        """After ``catalog`` (a view's) has built its records, remember the rows found invalid,
        so the page names them as a held file's page does (``known_invalid``)."""
        found = {incident_id: catalog.known_invalid([incident_id]) for incident_id in catalog.frame["id"]}
        with self._lock:
            self._invalid.update({incident_id: problems for incident_id, problems in found.items() if problems})
        return catalog

    def export(self, state: ViewState, fmt: str) -> str | bytes:
        total = self.engine.count(state)
        if total <= RECORD_ROWS:
            catalog = self.view_catalog(state)
            content = export.export_view(catalog, state, fmt).content
            self._noting_invalid(catalog)
            return content
        if fmt != "csv" or total > CSV_ROWS:
            raise ValueError(f"a view of {total:,} incidents cannot be downloaded as {fmt}")
        with tempfile.TemporaryDirectory() as folder:
            written = Path(folder) / "view.csv"
            self.write_rows(state, written, "csv")
            return written.read_bytes()

    def write_rows(self, state: ViewState, output: Path, fmt: str) -> int:
        """Write the view's rows of the source, as they are in it and in its order, to
        ``output`` as CSV or Parquet, streamed by DuckDB (any size; the CLI's export of a view
        too large to build records for). Returns how many rows were written."""
        rows = pa.table({"source_row": pa.array(self.engine.view_values(state, SOURCE_ROW).astype(np.int64))})
        return write_source_rows(self.source, rows, output, fmt)

    def publish(self, state: ViewState, link: str) -> str:
        total = self.engine.count(state)
        if total > RECORD_ROWS:
            raise ValueError(f"a view of {total:,} incidents is too large for one web page")
        catalog = self.view_catalog(state)
        content = publish.publish_view(catalog, state, link, colours=self.colours(state.color)).content
        self._noting_invalid(catalog)
        return content

    def about(self) -> tuple[tuple[Coverage, ...], SourceShares | None]:
        # Each collection's records and dates by one aggregate query; the sources' shares need
        # every record built, which a file this size is not (None: the panel leaves them out).
        def members(code: str) -> tuple[int, date | None, date | None]:
            found = self.engine.extent(ViewState(collections=(code,)))
            return (0, None, None) if found is None else (found.count, found.first.date(), found.last.date())

        return coverage_of(members), None


QUERIED_ABOVE_ENV = "INCIDENTS_QUERIED_ABOVE_ROWS"


def queried_above_rows() -> int:
    """``QUERIED_ABOVE_ROWS``, or $INCIDENTS_QUERIED_ABOVE_ROWS (the tests query small files)."""
    return int(os.environ.get(QUERIED_ABOVE_ENV) or QUERIED_ABOVE_ROWS)


def is_queried(path: Path) -> bool:
    """Whether the page queries this file where it lies: a Parquet file of more rows than
    ``queried_above_rows`` (its footer says how many, without reading a row)."""
    if not (path.is_file() and path.suffix == ".parquet"):
        return False
    try:
        return parquet_rows(path) > queried_above_rows()
    except Exception:  # not Parquet after all: loading it says why
        return False


def open_queried(source: Path, shown: str, name: EngineName = "duckdb") -> Dataset:
    """The queried dataset of a large Parquet file: compiled once (validated in batches and
    sorted, incidents/compiled.py), then asked by the engine. A file refused whole (too many
    rows, required columns missing) is an empty dataset that says why."""
    built = compiled(source, shown)
    if not built.rows or not built.path.exists():
        empty = Catalog(incident_frame([]), {}, built.problems, built.version)
        return InMemory(empty, PandasEngine(empty.frame))
    return Queried(built, source, shown, cast(QueryEngine, over_parquet(built.path, name)))


# The rows of a flat file whose numbers (a spreadsheet's: the header is row 1) are in the
# table ``wanted``, in the file's order, with their number as ``_row`` (tabular.ROW). The file
# is a bound parameter; nothing is joined into the query's text.
ROWS_OF_SOURCE = (
    "SELECT * EXCLUDE (file_row_number), file_row_number + 2 AS _row "
    "FROM read_parquet($source, file_row_number = true) "
    "WHERE file_row_number IN (SELECT source_row - 2 FROM wanted) ORDER BY file_row_number"
)
# DuckDB's memory for reading or writing a view's rows (it spills to disk beyond).
ROWS_MEMORY = "600MB"


@contextmanager
def _source_rows(source: Path, rows: pa.Table) -> Iterator[duckdb.DuckDBPyRelation]:
    """``ROWS_OF_SOURCE`` as a DuckDB relation, for as long as the block runs."""
    assert ROW == "_row"
    with tempfile.TemporaryDirectory() as spill:
        connection = duckdb.connect(config={"memory_limit": ROWS_MEMORY, "temp_directory": spill})
        try:
            connection.register("wanted", rows)
            yield connection.sql(ROWS_OF_SOURCE, params={"source": str(source)})
        finally:
            connection.close()


def read_source_rows(source: Path, rows: Sequence[int]) -> pd.DataFrame:
    """These rows of the flat file ``source`` (a spreadsheet's numbers), with the number in ``ROW``."""
    with _source_rows(source, pa.table({"source_row": pa.array(list(rows), pa.int64())})) as found:
        return cast(pd.DataFrame, found.df())


def write_source_rows(source: Path, rows: pa.Table, output: Path, fmt: str) -> int:
    """The rows of the flat file ``source`` whose numbers are in ``rows`` (column
    ``source_row``), as they are in it, written to ``output`` as CSV or Parquet, streamed."""
    if fmt not in ("csv", "parquet"):
        raise ValueError(f"the file's own rows are written as csv or parquet, not {fmt}")
    with _source_rows(source, rows) as found:
        kept = found.project(f"* EXCLUDE ({ROW})")
        if fmt == "csv":
            kept.write_csv(str(output), header=True)
        else:
            kept.write_parquet(str(output))
    return rows.num_rows
