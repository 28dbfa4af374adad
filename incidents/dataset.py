"""One dataset as a page asks it: held in memory, or queried where it lies.

A rerun asks a dataset for the view's drawn rows (``Drawn``), and for a view too large to
draw, the counts that stand in for it (``Summary``); besides those, the open record, the
colours, the filter options and the files. Two kinds answer alike:

- ``InMemory``: a ``Catalog`` whose frame holds every row (the curated records, a flat file
  of up to ``queried.QUERIED_ABOVE_ROWS`` rows, a release), filtered by an engine (incidents/engine.py).
- ``Queried`` (incidents/queried.py): a Parquet file of more rows, compiled once and asked by
  a query engine (DuckDB, or Spark by configuration). Nothing of it is held.

docs/architecture.md, "The page on a file queried where it lies".
"""

from __future__ import annotations

import threading
from abc import ABC, abstractmethod
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date

import pandas as pd

from incidents import export, periods, publish, view
from incidents.about import Coverage, SourceShares, coverage, curated_shares
from incidents.catalog import Catalog
from incidents.engine import Bins, Engine
from incidents.filters import COLOR_FIELDS
from incidents.model import Incident
from incidents.palette import add_colour_columns, add_hover_column, colour_map, grouped, value_counts
from incidents.problems import Problem
from incidents.stats import MonthlyCounts
from incidents.view import ViewState

# Above this many incidents the map draws counts per grid cell instead of points: the
# browser, not the server, is the bottleneck at scale (docs/architecture.md, "Size thresholds").
DRAWN_ROWS = 5_000
# What the table lists of a view larger than that (the newest rows), and so all that a large
# queried view brings back as rows.
NEWEST_ROWS = 1_000


@dataclass(frozen=True)
class Drawn:
    """What the map, the timeline and the table draw of a view: its rows (ascending date),
    all of them or, for a queried view of more than ``DRAWN_ROWS``, the newest ``NEWEST_ROWS``
    (the table's) with the map's grid cells of the whole view (``bins``, ``cell_deg``) and its
    months (``months``: the first day of its first month and the last of its last)."""

    frame: pd.DataFrame
    total: int
    bins: Bins | None = None
    cell_deg: float = 1.0
    months: tuple[date, date] | None = None

    @property
    def complete(self) -> bool:
        return len(self.frame) >= self.total

    def fit_points(self) -> pd.DataFrame:
        """What the map fits to when nothing is open or near: the rows, or for a view larger
        than them, its grid cells' positions."""
        if self.bins is None:
            return self.frame
        return pd.DataFrame({"lat": self.bins.lats, "lon": self.bins.lons})

    def shared_points(self) -> list[view.SharedPoint]:
        """The positions several incidents share (the keyboard's way to their lists): none
        for a view drawn as grid cells, where no marker is shared."""
        return view.shared_points(self.frame) if self.complete else []

    def span(self) -> tuple[date, date] | None:
        """The view's first date and last day, or its months' (what playback runs over)."""
        if not self.complete and self.months is not None:
            return self.months
        if self.frame.empty:
            return None
        return self.frame["date"].min().date(), self.frame["end"].max().date()


@dataclass(frozen=True)
class Summary:
    """A view too large to draw, counted: per month by the colour-by field, by type, by region."""

    monthly: MonthlyCounts
    types: pd.Series
    regions: pd.Series

    @property
    def total(self) -> int:
        return int(self.monthly.counts.sum())


@dataclass(frozen=True)
class Downloads:
    """Which files a view can be downloaded as, whether as a web page, and why not the others."""

    formats: tuple[str, ...]
    page: bool = True
    note: str | None = None


class Dataset(ABC):
    """What a page asks of its data, whether held or queried."""

    version: str
    problems: list[Problem]
    total: int
    has_zones: bool = False

    def __init__(self) -> None:
        self._counts: dict[str, pd.Series] = {}
        self._lock = threading.Lock()

    @property
    def rejected_files(self) -> list[str]:
        return sorted({problem.path for problem in self.problems})

    @abstractmethod
    def filter_options(self) -> dict[str, list[str]]: ...

    def counts(self, field: str) -> pd.Series:
        """Incidents of the whole data per value of ``field`` (``palette.value_counts``),
        counted once per dataset."""
        with self._lock:
            if field not in self._counts:
                self._counts[field] = self._count(field)
            return self._counts[field]

    @abstractmethod
    def _count(self, field: str) -> pd.Series: ...

    def colours(self, field: str) -> dict[str, str]:
        return colour_map(field, self.counts(field))

    def grouped(self, field: str) -> list[str]:
        return grouped(field, self.counts(field))

    @abstractmethod
    def span(self) -> tuple[date, date] | None:
        """The whole data's first date and last day (the window controls' bounds)."""

    @abstractmethod
    def years(self) -> list[int]: ...

    @abstractmethod
    def record(self, incident_id: str | None) -> tuple[Incident | None, list[Problem]]: ...

    @abstractmethod
    def row_of(self, incident_id: str | None) -> int | None:
        """The incident's ``row`` (what the charts carry), if it is in the data."""

    @abstractmethod
    def id_of_row(self, row: int) -> str | None: ...

    @abstractmethod
    def titles(self, incident_ids: list[str]) -> dict[str, str]: ...

    @abstractmethod
    def series_rows(self, incident: Incident | None) -> list[int]: ...

    def airspace_facts(self, incident: Incident) -> dict[str, object] | None:
        return None

    @abstractmethod
    def drawn(self, state: ViewState) -> Drawn: ...

    def summary(self, state: ViewState, drawn: Drawn) -> Summary | None:
        """The counts standing in for a view too large to draw (None: ``drawn`` is complete)."""
        return None

    def playing(self, state: ViewState, drawn: Drawn) -> Drawn:
        """What the map draws at the playback position ``state.at`` (``drawn`` when not
        playing): the view's incidents whose span overlaps the playback window."""
        window = view.playback_window(state)
        if window is None:
            return drawn
        if drawn.complete:
            frame = view.playback_frame(drawn.frame, state)
            return Drawn(frame, len(frame))
        narrowed = playing_state(state, window)
        return self.drawn(narrowed) if narrowed is not None else Drawn(drawn.frame.iloc[:0], 0)

    def shown_ids(self, state: ViewState, drawn: Drawn, incident_ids: Sequence[str]) -> set[str]:
        """Which of these incidents the view keeps (the panel marks related ones outside it)."""
        if drawn.complete:
            return set(drawn.frame["id"]) & set(incident_ids)
        return self._kept_ids(state, incident_ids)

    def _kept_ids(self, state: ViewState, incident_ids: Sequence[str]) -> set[str]:
        raise NotImplementedError("a dataset whose views are drawn whole never asks")

    @abstractmethod
    def comparison(self, state: ViewState) -> dict[str, pd.DataFrame]: ...

    @abstractmethod
    def known_invalid(self, incident_ids: Iterable[str]) -> list[Problem]: ...

    @abstractmethod
    def source_urls(self, incident_ids: Iterable[str]) -> dict[str, list[str]]:
        """Each incident's source URLs (the printed table lists them)."""

    def downloads(self, total: int) -> Downloads:
        return Downloads(tuple(export.FORMATS))

    @abstractmethod
    def export(self, state: ViewState, fmt: str) -> str | bytes: ...

    @abstractmethod
    def publish(self, state: ViewState, link: str) -> str:
        """The view as one web page (ValueError for a view ``downloads`` says is too large)."""

    @abstractmethod
    def about(self) -> tuple[tuple[Coverage, ...], SourceShares | None]: ...


# --- held in memory ---------------------------------------------------------------------------


def present(rows: pd.DataFrame, colours: dict[str, dict[str, str]]) -> pd.DataFrame:
    """Add the presentation columns the charts read: each colour-by field's category index
    (``colours``: field -> its colour map over the whole data) and the hover line."""
    add_colour_columns(rows, colours)
    add_hover_column(rows)
    return rows


def prepare_held(catalog: Catalog) -> Catalog:
    """A catalog's frame made ready to draw, once per loaded dataset: a stable integer per row
    (charts carry it as customdata, compact, instead of ids) and the presentation columns."""
    frame = catalog.frame
    frame["row"] = range(len(frame))
    present(frame, {field: colour_map(field, value_counts(frame, field)) for field in COLOR_FIELDS})
    return catalog


class InMemory(Dataset):
    """A catalog held whole; ``engine`` filters its frame (pandas, or DuckDB by configuration)."""

    def __init__(self, catalog: Catalog, engine: Engine):
        super().__init__()
        self.catalog = catalog
        self.engine = engine
        self.version = catalog.version
        self.problems = catalog.problems
        self.total = len(catalog.frame)
        self.has_zones = "zones" in catalog.frame

    @property
    def frame(self) -> pd.DataFrame:
        return self.catalog.frame

    def filter_options(self) -> dict[str, list[str]]:
        return self.catalog.filter_options

    def _count(self, field: str) -> pd.Series:
        return value_counts(self.frame, field)

    def span(self) -> tuple[date, date] | None:
        if self.frame.empty:
            return None
        first = self.frame["date"].min().date()
        return first, max(self.frame["end"].max().date(), first)

    def years(self) -> list[int]:
        return sorted(int(year) for year in self.frame["date"].dt.year.unique())

    def record(self, incident_id: str | None) -> tuple[Incident | None, list[Problem]]:
        return self.catalog.record(incident_id)

    def row_of(self, incident_id: str | None) -> int | None:
        return view.row_of(self.frame, incident_id)

    def id_of_row(self, row: int) -> str | None:
        return str(self.frame["id"].iat[row]) if 0 <= row < len(self.frame) else None

    def titles(self, incident_ids: list[str]) -> dict[str, str]:
        return self.catalog.titles(incident_ids)

    def series_rows(self, incident: Incident | None) -> list[int]:
        return view.series_rows(self.frame, incident)

    def airspace_facts(self, incident: Incident) -> dict[str, object] | None:
        return view.airspace_facts(self.frame, incident)

    def drawn(self, state: ViewState) -> Drawn:
        frame = view.rows_shown(self.frame, self.engine.rows(state))
        return Drawn(frame, len(frame))

    def comparison(self, state: ViewState) -> dict[str, pd.DataFrame]:
        return self.engine.comparison(state)

    def known_invalid(self, incident_ids: Iterable[str]) -> list[Problem]:
        return self.catalog.known_invalid(incident_ids)

    def source_urls(self, incident_ids: Iterable[str]) -> dict[str, list[str]]:
        sources = self.catalog.sources(incident_ids)
        return {incident_id: [str(source.url) for source in listed] for incident_id, listed in sources.items()}

    def export(self, state: ViewState, fmt: str) -> str | bytes:
        return export.export_view(self.catalog, state, fmt).content

    def publish(self, state: ViewState, link: str) -> str:
        return publish.publish_view(self.catalog, state, link).content

    def about(self) -> tuple[tuple[Coverage, ...], SourceShares | None]:
        return coverage(self.frame), curated_shares(self.catalog.records)


def playing_state(state: ViewState, window: periods.Window | None) -> ViewState | None:
    """The view narrowed to a playback window (None when the two windows do not meet). An
    incident's span overlaps both the view's window and the playback's exactly when it
    overlaps their intersection (pairwise-meeting intervals on a line share a point), so the
    narrowed view is one date window."""
    if window is None:
        return state
    start = max((d for d in (state.date_from, window.start) if d), default=None)
    end = min((d for d in (state.date_to, window.end) if d), default=None)
    if start and end and start > end:
        return None
    return state.replace(date_from=start, date_to=end, at=None)
