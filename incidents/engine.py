"""Query engines under the view: the same filters as pandas masks or as ibis queries.

``incidents.filters`` declares each link key once, with a pandas narrowing (``narrow``) and
the same filter as an ibis predicate (``express``). An engine answers what a rerun asks of
the data (which rows, how many, per month, per map cell, the drawn sample, two periods
compared) either in memory with pandas (``PandasEngine``, the baseline) or as queries that
ibis compiles for a backend (``QueryEngine``): DuckDB embedded by default, Apache Spark by
configuration, over the compiled catalog frame or a catalog Parquet file. Only aggregates,
the drawn rows (at most a limit) and the open record come back into Python.

``INCIDENTS_ENGINE`` = ``duckdb`` | ``pandas`` | ``spark`` selects the engine (unset: pandas
for a catalog held in memory, DuckDB for a file too large for it); ``INCIDENTS_SPARK_MASTER``
is the Spark master URL (default ``local[2]``). docs/architecture.md, "Query engine".
"""

from __future__ import annotations

import contextlib
import functools
import operator
import os
import tempfile
import threading
from abc import ABC, abstractmethod
from collections import OrderedDict
from collections.abc import Sequence
from contextlib import AbstractContextManager
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal, cast

import numpy as np
import pandas as pd

from incidents import periods
from incidents.filters import PARAMS, Context
from incidents.geo import Gazetteer
from incidents.view import COMPARED, SHOWN_COLUMNS, ViewState, mask

ENGINE_ENV = "INCIDENTS_ENGINE"
SPARK_MASTER_ENV = "INCIDENTS_SPARK_MASTER"
DEFAULT_SPARK_MASTER = "local[2]"
ENGINES = ("duckdb", "pandas", "spark")
EngineName = Literal["duckdb", "pandas", "spark"]
TABLE = "catalog"


def configured_engine() -> EngineName | None:
    """The engine ``$INCIDENTS_ENGINE`` names (None when unset: the data path chooses);
    ValueError for a name that is not an engine, so start-up says so."""
    name = (os.environ.get(ENGINE_ENV) or "").strip().lower()
    if not name:
        return None
    if name not in ENGINES:
        raise ValueError(f"${ENGINE_ENV}={name!r} is not one of {', '.join(ENGINES)}")
    return cast(EngineName, name)


def spark_master() -> str:
    return os.environ.get(SPARK_MASTER_ENV) or DEFAULT_SPARK_MASTER


@dataclass(frozen=True)
class Bins:
    """Map cells of ``cell_deg`` degrees: per cell the mean position of its incidents and
    their count (what ``geo.grid_bins`` gives, computed where the data is)."""

    lats: np.ndarray
    lons: np.ndarray
    counts: np.ndarray


@dataclass(frozen=True)
class Extent:
    """How many incidents a view holds and where and when they lie: the bounding box of
    their positions, the first date and the last day of any span."""

    count: int
    south: float
    north: float
    west: float
    east: float
    first: pd.Timestamp
    last: pd.Timestamp


class Engine(ABC):
    """What a rerun asks of the data, whatever runs it."""

    name: str

    @abstractmethod
    def rows(self, state: ViewState) -> np.ndarray:
        """The catalog rows (column ``row``) the view keeps, ascending."""

    @abstractmethod
    def count(self, state: ViewState) -> int: ...

    @abstractmethod
    def ids(self, state: ViewState) -> list[str]:
        """The ids the view keeps, sorted (the parity tests compare these)."""

    @abstractmethod
    def monthly(self, state: ViewState, column: str) -> pd.DataFrame:
        """Incidents per month and value of ``column``: columns month (first day), value, count."""

    @abstractmethod
    def bins(self, state: ViewState, cell_deg: float) -> Bins: ...

    @abstractmethod
    def sample(self, state: ViewState, limit: int, columns: Sequence[str] = SHOWN_COLUMNS) -> pd.DataFrame:
        """The newest ``limit`` rows of the view (what is drawn or tabled), newest first."""

    @abstractmethod
    def playback_count(self, state: ViewState, window: periods.Window) -> int:
        """How many incidents of the view overlap a playback window."""

    @abstractmethod
    def comparison(self, state: ViewState) -> dict[str, pd.DataFrame]:
        """``view.comparison``: counts per type, region and initiator in the two periods."""


def _months(dates: pd.Series) -> pd.Series:
    months: pd.Series = dates.dt.to_period("M").dt.to_timestamp()
    return months


class PandasEngine(Engine):
    """The in-memory baseline: ``view.mask`` over the catalog frame."""

    name = "pandas"

    def __init__(self, frame: pd.DataFrame, gazetteer: Gazetteer | None = None):
        self.frame = frame
        self.gazetteer = gazetteer

    def _kept(self, state: ViewState) -> pd.DataFrame:
        return self.frame.loc[mask(self.frame, state, self.gazetteer)]

    def rows(self, state: ViewState) -> np.ndarray:
        kept = np.flatnonzero(mask(self.frame, state, self.gazetteer))
        return np.sort(self.frame["row"].to_numpy()[kept]) if "row" in self.frame else kept

    def count(self, state: ViewState) -> int:
        return int(mask(self.frame, state, self.gazetteer).sum())

    def ids(self, state: ViewState) -> list[str]:
        return sorted(self._kept(state)["id"].astype(str))

    def monthly(self, state: ViewState, column: str) -> pd.DataFrame:
        kept = self._kept(state)
        counts = kept.groupby([_months(kept["date"]), kept[column]], dropna=False).size()
        return _monthly_frame(counts.reset_index(name="count"), column)

    def bins(self, state: ViewState, cell_deg: float) -> Bins:
        kept = self._kept(state)
        keys = _cell_keys(kept["lat"].to_numpy(), kept["lon"].to_numpy(), cell_deg)
        grouped = kept.groupby(keys)
        return _bins(grouped["lat"].mean(), grouped["lon"].mean(), grouped.size())

    def sample(self, state: ViewState, limit: int, columns: Sequence[str] = SHOWN_COLUMNS) -> pd.DataFrame:
        kept = self._kept(state)
        newest = kept.sort_values(["date", "id"], ascending=False, kind="stable").head(limit)
        return newest[[c for c in columns if c in newest]].reset_index(drop=True)

    def playback_count(self, state: ViewState, window: periods.Window) -> int:
        return int(periods.overlaps(self._kept(state), window).sum())

    def comparison(self, state: ViewState) -> dict[str, pd.DataFrame]:
        from incidents.view import comparison

        return comparison(self.frame, state, self.gazetteer)


def _cell_keys(lats: np.ndarray, lons: np.ndarray, cell_deg: float) -> np.ndarray:
    rows = np.floor((lats + 90) / cell_deg).astype(np.int64)
    cols = np.floor((lons + 180) / cell_deg).astype(np.int64)
    keys: np.ndarray = rows * 100_000 + cols
    return keys


def _bins(lats: pd.Series, lons: pd.Series, counts: pd.Series) -> Bins:
    order = np.argsort(lats.index.to_numpy())
    return Bins(
        lats.to_numpy(dtype=np.float64)[order],
        lons.to_numpy(dtype=np.float64)[order],
        counts.to_numpy(dtype=np.int64)[order],
    )


def _monthly_frame(counts: pd.DataFrame, column: str) -> pd.DataFrame:
    counts = counts.rename(columns={counts.columns[0]: "month", column: "value"})
    counts["month"] = pd.to_datetime(counts["month"]).astype("datetime64[ns]")
    counts["value"] = counts["value"].astype(object).where(counts["value"].notna(), None)
    counts["count"] = counts["count"].astype(np.int64)
    return counts.sort_values(["month", "value"], na_position="first", kind="stable").reset_index(drop=True)


class QueryEngine(Engine):
    """The view as ibis queries over one table (``catalog``) of a backend: DuckDB or Spark.

    The same expressions run on either; each Param's ``express`` builds its predicate."""

    def __init__(self, name: str, backend: Any, table: Any, gazetteer: Gazetteer | None = None):
        self.name = name
        self.backend = backend
        self.table = table
        self.gazetteer = gazetteer
        # Answers remembered for the last ANSWERS_KEPT (kind, view, column): a rerun asks the
        # count, the months and the sample of one view, and the charts of it again on a click.
        self._answers: OrderedDict[tuple[str, ViewState, str], Any] = OrderedDict()
        self._answers_lock = threading.Lock()
        self._query_lock: AbstractContextManager[Any] = (
            threading.Lock() if name == "duckdb" else contextlib.nullcontext()
        )

    # --- the filter -------------------------------------------------------------------------

    def predicate(self, state: ViewState) -> Any:
        """Every declared filter whose value is set, combined with AND (``view.mask``)."""
        context = Context(state, self.gazetteer)
        found = [
            param.express(self.table, getattr(state, param.attribute), context)
            for param in PARAMS
            if param.express is not None and getattr(state, param.attribute) != param.empty
        ]
        if not found:
            return None
        return functools.reduce(operator.and_, found).fill_null(False)

    def kept(self, state: ViewState) -> Any:
        predicate = self.predicate(state)
        return self.table if predicate is None else self.table.filter(predicate)

    def _run(self, expression: Any) -> Any:
        # One DuckDB connection serves every session's thread, and it refuses a second call
        # while one runs ("connection is busy"); DuckDB spreads each query over the cores,
        # so queuing them costs little. Spark takes concurrent jobs.
        with self._query_lock:
            return self.backend.execute(expression)

    # --- what a rerun asks ------------------------------------------------------------------

    def rows(self, state: ViewState) -> np.ndarray:
        found = self._run(self.kept(state).select("row"))
        return np.sort(found["row"].to_numpy(dtype=np.int64))

    def count(self, state: ViewState) -> int:
        # From the view's months, which the sample needs too: one scan serves both.
        return int(self.month_totals(state).sum())

    def month_totals(self, state: ViewState) -> pd.Series:
        """Incidents of the view per month (first day of the month, ascending), remembered."""
        totals = self._recalled(("totals", state, ""))
        if totals is not None:
            return cast(pd.Series, totals)
        kept = self.kept(state)
        found = _months_of_keys(self._run(kept.group_by(_month_key(kept)).aggregate(n=kept.count())))
        totals = found.set_index("month")["n"].astype(np.int64).sort_index()
        self._remember(("totals", state, ""), totals)
        return cast(pd.Series, totals)

    def _recalled(self, key: tuple[str, ViewState, str]) -> Any:
        with self._answers_lock:
            if key in self._answers:
                self._answers.move_to_end(key)
                return self._answers[key]
        return None

    def _remember(self, key: tuple[str, ViewState, str], answer: Any) -> None:
        with self._answers_lock:
            self._answers[key] = answer
            while len(self._answers) > ANSWERS_KEPT:
                self._answers.popitem(last=False)

    def ids(self, state: ViewState) -> list[str]:
        return sorted(self._run(self.kept(state).select("id"))["id"].astype(str))

    def monthly(self, state: ViewState, column: str) -> pd.DataFrame:
        """Remembered: a large view's page asks it for the drawn rows and again for its charts."""
        remembered = self._recalled(("monthly", state, column))
        if remembered is not None:
            return cast(pd.DataFrame, remembered)
        kept = self.kept(state)
        counts = self._run(kept.group_by([_month_key(kept), kept[column].name("value")]).aggregate(count=kept.count()))
        found = _monthly_frame(_months_of_keys(counts)[["month", "value", "count"]], "value")
        # The chart's months summed are the view's months: the count and the sample need no scan.
        totals = found.groupby("month")["count"].sum().astype(np.int64).sort_index()
        self._remember(("totals", state, ""), totals)
        self._remember(("monthly", state, column), found)
        return found

    def bins(self, state: ViewState, cell_deg: float) -> Bins:
        kept = self.kept(state)
        key = ((kept["lat"] + 90) / cell_deg).floor().cast("int64") * 100_000 + (
            (kept["lon"] + 180) / cell_deg
        ).floor().cast("int64")
        found = self._run(
            kept.group_by(key.name("cell")).aggregate(lat=kept["lat"].mean(), lon=kept["lon"].mean(), n=kept.count())
        ).set_index("cell")
        return _bins(found["lat"], found["lon"], found["n"])

    def sample(self, state: ViewState, limit: int, columns: Sequence[str] = SHOWN_COLUMNS) -> pd.DataFrame:
        # The view's months (shared with the count) tell from which month on the newest
        # ``limit`` rows lie; only rows from then on are ordered and read. A compiled catalog
        # is stored in date order, so DuckDB skips every older row group. One ordered query
        # over the whole view read every shown column of every row.
        kept = self.kept(state)
        present = [c for c in columns if c in self.table.columns]
        since = _month_of_newest(self.month_totals(state), limit)
        if since is None:
            return cast(pd.DataFrame, self._run(self.table.select(present).limit(0)))
        recent = kept.filter(kept["date"] >= since.to_pydatetime())
        found = self._run(recent.order_by([recent["date"].desc(), recent["id"].desc()]).limit(limit).select(present))
        return cast(pd.DataFrame, found).reset_index(drop=True)

    # --- what a queried dataset asks beyond a rerun's charts (incidents/dataset.py) --------

    def extent(self, state: ViewState) -> Extent | None:
        """The view's count, bounding box and dates in one aggregate (None when empty)."""
        kept = self.kept(state)
        found = self._run(
            kept.aggregate(
                n=kept.count(), south=kept["lat"].min(), north=kept["lat"].max(), west=kept["lon"].min(),
                east=kept["lon"].max(), first=kept["date"].min(), last=kept["end"].max(),
            )
        ).iloc[0]  # fmt: skip
        if not found["n"]:
            return None
        return Extent(
            int(found["n"]), float(found["south"]), float(found["north"]), float(found["west"]),
            float(found["east"]), pd.Timestamp(found["first"]), pd.Timestamp(found["last"]),
        )  # fmt: skip

    def value_counts(self, column: str, state: ViewState | None = None) -> pd.Series:
        """Incidents per value of ``column`` in the view (default: the whole data), by value."""
        kept = self.table if state is None else self.kept(state)
        found = self._run(kept.group_by(kept[column].name("value")).aggregate(n=kept.count()))
        values = found["value"].astype(object).where(found["value"].notna(), "")
        return pd.Series(found["n"].astype(np.int64).to_numpy(), index=pd.Index(values, name=column), name="count")

    def where(self, condition: Any, columns: Sequence[str]) -> pd.DataFrame:
        """The rows of the whole data meeting ``condition`` (an ibis predicate on ``table``)."""
        return cast(pd.DataFrame, self._run(self.table.filter(condition).select(list(columns))))

    def kept_among(self, state: ViewState, incident_ids: Sequence[str]) -> set[str]:
        """Which of these incidents the view keeps."""
        kept = self.kept(state)
        return set(self._run(kept.filter(kept["id"].isin(list(incident_ids))).select("id"))["id"].astype(str))

    def view_values(self, state: ViewState, column: str) -> np.ndarray:
        """One column of every row of the view (e.g. its source rows, for an export)."""
        return cast(np.ndarray, self._run(self.kept(state).select(column))[column].to_numpy())

    def playback_count(self, state: ViewState, window: periods.Window) -> int:
        kept = self.kept(state)
        inside = _window_predicate(kept, window)
        return int(self._run(kept.count() if inside is None else kept.filter(inside).count()))

    def comparison(self, state: ViewState) -> dict[str, pd.DataFrame]:
        if len(state.compare) != 2:
            return {}
        undated = self.kept(state.replace(date_from=None, date_to=None))
        return {column: self._compare(undated, state.compare, column) for column in COMPARED}

    def _compare(self, undated: Any, windows: Sequence[periods.Window], column: str) -> pd.DataFrame:
        counts = []
        for window in windows:
            inside = _window_predicate(undated, window)
            part = undated if inside is None else undated.filter(inside)
            found = self._run(part.group_by(part[column].name("value")).aggregate(n=part.count()))
            counts.append(found)
        return _comparison_frame(counts, column)


def _month_key(table: Any) -> Any:
    """Each row's month as one integer (year * 12 + month - 1): grouping by it took 66 ms where
    grouping by the truncated timestamp took 87 ms (DuckDB, 10M rows, 2 cores)."""
    return (table["date"].year() * 12 + table["date"].month() - 1).name("month")


def _months_of_keys(found: pd.DataFrame) -> pd.DataFrame:
    """``_month_key``'s integers back to the first day of each month."""
    found = found.dropna(subset=["month"])
    months = (found["month"].to_numpy(dtype=np.int64) - 1970 * 12).astype("datetime64[M]")
    return found.assign(month=months.astype("datetime64[ns]"))


# Answers a query engine remembers (a few sessions' current views; each a few KB).
ANSWERS_KEPT = 128


def _month_of_newest(totals: pd.Series, limit: int) -> pd.Timestamp | None:
    """The first day of the month from which on the view's newest ``limit`` rows lie (the
    oldest month when the view has fewer); None for an empty view or limit."""
    if limit <= 0 or totals.empty or totals.sum() == 0:
        return None
    newest_first = totals[totals > 0].iloc[::-1]
    reached = np.flatnonzero(newest_first.cumsum().to_numpy() >= limit)
    month = newest_first.index[reached[0]] if len(reached) else newest_first.index[-1]
    return pd.Timestamp(month)


def _window_predicate(table: Any, window: periods.Window) -> Any:
    found = []
    if window.start is not None:
        found.append(table["end"] >= pd.Timestamp(window.start).to_pydatetime())
    if window.end is not None:
        found.append(table["date"] <= pd.Timestamp(window.end).to_pydatetime())
    return functools.reduce(operator.and_, found) if found else None


def _comparison_frame(counts: list[pd.DataFrame], column: str) -> pd.DataFrame:
    """Per-period counts of values (a delimited set counted per code) -> periods.compare's table."""
    series = []
    for found in counts:
        values = found.dropna(subset=["value"])
        if values["value"].astype(str).str.startswith("|").any():
            exploded = values.assign(value=values["value"].str.strip("|").str.split("|")).explode("value")
            values = exploded[exploded["value"].astype(bool)]
        series.append(values.groupby("value")["n"].sum())
    table = pd.concat(series, axis=1, keys=["first", "second"]).fillna(0).astype(int)
    table["difference"] = table["second"] - table["first"]
    table = table.sort_index()
    table = table.loc[(table["first"] + table["second"]).sort_values(ascending=False, kind="stable").index]
    table.index.name = column
    return table.reset_index()


# --- opening an engine --------------------------------------------------------------------------


DUCKDB_MEMORY_ENV = "INCIDENTS_DUCKDB_MEMORY"
DEFAULT_DUCKDB_MEMORY = "1GB"


def duckdb_memory_limit() -> str:
    """``$INCIDENTS_DUCKDB_MEMORY``, default 1GB: DuckDB's own default is 80% of the machine,
    which it fills with cached Parquet pages."""
    return os.environ.get(DUCKDB_MEMORY_ENV) or DEFAULT_DUCKDB_MEMORY


def duckdb_backend() -> Any:
    """DuckDB in this process, its memory bounded (``duckdb_memory_limit``)."""
    import ibis

    return ibis.duckdb.connect(memory_limit=duckdb_memory_limit())


def spark_backend(master: str | None = None) -> Any:
    """An ibis backend on a Spark session at ``master`` (``local[2]``, ``spark://host:7077``, ...)."""
    import ibis
    from pyspark.sql import SparkSession

    session = (
        SparkSession.builder.master(master or spark_master())
        .appName("airspace-incident-atlas")
        # Dates are calendar days: no time zone may shift them between Python and the JVM.
        .config("spark.sql.session.timeZone", "UTC")
        .config("spark.ui.enabled", "false")
        # Tables are temporary views; nothing is written beside the app (no spark-warehouse/).
        .config("spark.sql.warehouse.dir", str(Path(tempfile.gettempdir()) / "atlas-spark-warehouse"))
        .config("spark.sql.shuffle.partitions", "4")
        .getOrCreate()
    )
    return ibis.pyspark.connect(session)


def _backend(name: EngineName) -> Any:
    return spark_backend() if name == "spark" else duckdb_backend()


# Columns a query needs; the long text of a record (summary, notes) stays in the frame.
QUERY_COLUMNS = (
    "id", "title", "date", "end", "date_precision", "type", "escalation_risk", "verification", "region", "lat",
    "lon", "radius_km", "initiator", "target", "initiators", "targets", "categories", "platforms", "behaviours",
    "collections", "series", "n_sources", "search_text", "zones", "row",
)  # fmt: skip


def over_frame(
    frame: pd.DataFrame, name: EngineName = "duckdb", gazetteer: Gazetteer | None = None, backend: Any = None
) -> Engine:
    """An engine over a catalog frame held in memory (the compiled catalog)."""
    if name == "pandas":
        return PandasEngine(frame, gazetteer)
    backend = backend or _backend(name)
    columns = [c for c in QUERY_COLUMNS if c in frame]
    data = frame[columns] if "row" in frame else frame[columns].assign(row=np.arange(len(frame)))
    # An ibis memtable: each backend registers it once as a temporary table or view (nothing
    # is written to disk); dates as microseconds, strings as plain strings.
    import ibis

    table = ibis.memtable(_arrow_ready(data))
    return QueryEngine(name, backend, table, gazetteer)


def over_parquet(path: Path, name: EngineName = "duckdb", gazetteer: Gazetteer | None = None) -> Engine:
    """An engine over a catalog Parquet file (``compile``'s output); nothing is loaded."""
    if name == "pandas":
        return PandasEngine(pd.read_parquet(path), gazetteer)
    backend = _backend(name)
    return QueryEngine(name, backend, backend.read_parquet(str(path), table_name=TABLE), gazetteer)


def _arrow_ready(frame: pd.DataFrame) -> pd.DataFrame:
    ready = frame.copy()
    for column in ("date", "end"):
        if column in ready:
            ready[column] = ready[column].astype("datetime64[us]")
    for column in ready.columns:
        if ready[column].dtype == object or pd.api.types.is_string_dtype(ready[column]):
            ready[column] = ready[column].astype(object).where(ready[column].notna(), None)
    return ready
