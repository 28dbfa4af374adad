"""Datasets in the export format (CSV, Parquet, JSON, GeoJSON) as a catalog.

Researchers load their own coding or event data with tens or hundreds of thousands of rows,
so flat files are validated column by column with vectorised checks, not record by record:
bad rows are reported (how many, which columns, first examples) and the valid rows load.
A row becomes a full ``Incident`` only when someone opens it.
"""

from __future__ import annotations

import hashlib
import json
import os
import threading
from collections import OrderedDict
from collections.abc import Hashable, Iterable, Iterator, Mapping
from pathlib import Path
from typing import Any, SupportsInt, cast

import numpy as np
import pandas as pd
import pyarrow.parquet as pq
from pydantic import ValidationError

from incidents.flat import NAMES, REQUIRED, SEPARATOR, incident_from_row, per_unique
from incidents.model import ID_PATTERN, Incident, is_actor_code
from incidents.problems import Problem, problems_from_validation
from incidents.vocab import AIRSPACE, ESCALATION, REGIONS, TYPES, VERIFICATION, vocabulary

TABULAR_SUFFIXES = (".csv", ".parquet")
DOCUMENT_SUFFIXES = (".json", ".geojson")
# The row number a spreadsheet shows (the header is row 1), kept through validation so that a
# row whose full record fails later is reported where a person can find it.
ROW = "_row"
MAX_ROWS_ENV = "INCIDENTS_MAX_ROWS"
DEFAULT_MAX_ROWS = 2_000_000
EXAMPLES = 3
# The longest field a curated record has is under 3,000 characters; a cell a hundred times
# longer is not a record but a way to make every page that shows it slow.
MAX_CELL_CHARS = 20_000
MAX_JSON_CELL_CHARS = 200_000


def max_rows() -> int:
    return int(os.environ.get(MAX_ROWS_ENV) or DEFAULT_MAX_ROWS)


# A Parquet file queried where it lies (incidents/dataset.py) is never held whole, so its
# limit is what a compile (validation, a sort) does in reasonable time on one machine.
MAX_QUERIED_ROWS_ENV = "INCIDENTS_MAX_QUERIED_ROWS"
DEFAULT_MAX_QUERIED_ROWS = 20_000_000


def max_queried_rows() -> int:
    return int(os.environ.get(MAX_QUERIED_ROWS_ENV) or DEFAULT_MAX_QUERIED_ROWS)


class TooManyRows(ValueError):
    """A file with more rows than $INCIDENTS_MAX_ROWS (held in memory) or
    $INCIDENTS_MAX_QUERIED_ROWS (a Parquet file queried where it lies): refused whole, never
    half-loaded."""

    def __init__(self, rows: int, more: bool = False, queried: bool = False):
        self.rows = rows
        limit, env = (max_queried_rows(), MAX_QUERIED_ROWS_ENV) if queried else (max_rows(), MAX_ROWS_ENV)
        counted = f"more than {limit:,}" if more else f"{rows:,}"
        super().__init__(
            f"{counted} rows exceed the limit of {limit:,} (${env}); the file was not loaded: "
            "raise the limit or split the file"
        )


def parquet_rows(path: Path) -> int:
    """A Parquet file's row count from its footer, without reading a row."""
    return int(pq.ParquetFile(path).metadata.num_rows)


def read_table(path: Path) -> pd.DataFrame:
    """A flat file's rows as read; TooManyRows past the limit (a Parquet file is refused from
    its footer, a CSV after reading at most one row more than the limit)."""
    if path.suffix == ".parquet":
        if (rows := parquet_rows(path)) > max_rows():
            raise TooManyRows(rows)
        return pd.read_parquet(path)
    table = pd.read_csv(path, dtype=str, keep_default_na=False, nrows=max_rows() + 1)
    if len(table) > max_rows():
        raise TooManyRows(len(table), more=True)
    # Undo the export's formula guard (incidents.safe_text.csv_cell): one leading quote.
    return cast(pd.DataFrame, table.apply(lambda column: column.str.removeprefix("'")))  # the stubs: Any


def _text(table: pd.DataFrame, column: str) -> pd.Series:
    return table[column].fillna("").astype(str).str.strip()


class Tally:
    """Failing rows per (column, message): how many, and the first examples. A file checked
    in chunks (incidents/compiled.py) keeps one tally across them."""

    def __init__(self) -> None:
        self.found: dict[tuple[str, str], list[Any]] = {}

    def add(self, column: str, message: str, count: int, examples: list[str]) -> None:
        entry = self.found.setdefault((column, message), [0, []])
        entry[0] += count
        entry[1].extend(examples[: EXAMPLES - len(entry[1])])

    def problems(self, path: str) -> list[Problem]:
        return [
            Problem(path, column, f"{count:,} rows {message}, e.g. {', '.join(examples)}")
            for (column, message), (count, examples) in self.found.items()
        ]


class RowChecks:
    """Collects, per column, which rows fail and why; reports counts and first examples."""

    def __init__(self, table: pd.DataFrame, path: str, tally: Tally | None = None):
        self.table, self.path = table, path
        self.bad = np.zeros(len(table), dtype=bool)
        self.tally = tally or Tally()

    @property
    def problems(self) -> list[Problem]:
        return self.tally.problems(self.path)

    def fail(self, column: str, mask: np.ndarray, message: str) -> None:
        mask = np.asarray(mask, dtype=bool)
        if not mask.any():
            return
        self.bad |= mask
        rows = np.flatnonzero(mask)
        # ROW holds row numbers; the stubs' scalar union for iat also has bytes.
        examples = [
            f"row {self.table[ROW].iat[row]} ({self.table['id'].iat[row] if 'id' in self.table else '?'}: "  # type: ignore[str-bytes-safe]
            f"{str(self.table[column].iat[row])[:40]!r})"
            for row in rows[:EXAMPLES]
        ]
        self.tally.add(column, message, len(rows), examples)


def _in_vocabulary(checks: RowChecks, column: str, name: str, optional: bool = False) -> None:
    values = _text(checks.table, column)
    allowed = set(vocabulary(name).codes) | ({""} if optional else set())
    # Empty required values are reported once, as empty, not again here.
    checks.fail(column, (~values.isin(allowed) & (values != "")).to_numpy(), f"not in vocab/{name}.yaml")


def _actor_codes_valid(values: pd.Series) -> np.ndarray:
    def valid(text: str) -> bool:
        return all(is_actor_code(part.strip()) for part in text.split(SEPARATOR))

    return per_unique(values, valid).to_numpy(dtype=bool)


def _no_rows() -> pd.DataFrame:
    return pd.DataFrame({column: pd.Series(dtype="str") for column in NAMES})


def validate_table(
    table: pd.DataFrame, path: str, first_row: int = 2, tally: Tally | None = None
) -> tuple[pd.DataFrame, list[Problem]]:
    """The valid rows (normalised) and the problems of the others. A chunk of a larger file
    passes the row number of its first row and the tally shared by every chunk; the row
    problems are then the tally's to report."""
    problems: list[Problem] = []
    if len(table) > max_rows():
        return _no_rows(), [Problem(path, "(file)", str(TooManyRows(len(table))))]
    missing = [column for column in REQUIRED if column not in table.columns]
    if missing:
        problems.append(Problem(path, "(columns)", f"required columns missing: {', '.join(missing)}; no row can load"))
        return _no_rows(), problems
    absent = [column for column in NAMES if column not in table.columns]
    table = table.reset_index(drop=True).copy()
    table[ROW] = np.arange(first_row, first_row + len(table))
    for column in absent:
        table[column] = ""
    checks = RowChecks(table, path, tally)
    for column in NAMES:
        if pd.api.types.is_numeric_dtype(table[column]):
            continue
        limit = MAX_JSON_CELL_CHARS if column.endswith("_json") else MAX_CELL_CHARS
        too_long = (table[column].astype(str).str.len() > limit).to_numpy()
        checks.fail(column, too_long, f"are longer than {limit:,} characters")
    for column in ("id", "title", "summary", "type", "region", "verification"):
        checks.fail(column, (_text(table, column) == "").to_numpy(), "are empty")
    ids = _text(table, "id")
    well_formed = ids.str.match(ID_PATTERN.pattern).to_numpy(dtype=bool)
    checks.fail("id", ~well_formed & (ids != "").to_numpy(), "are not YYYY-MM-DD-slug ids")
    checks.fail("id", ids.duplicated().to_numpy() & well_formed, "repeat an earlier id")
    start = pd.to_datetime(_text(table, "date"), format="%Y-%m-%d", errors="coerce")
    checks.fail("date", start.isna().to_numpy(), "are not real dates (YYYY-MM-DD)")
    end_text = _text(table, "end_date")
    end = pd.to_datetime(end_text, format="%Y-%m-%d", errors="coerce")
    checks.fail("end_date", ((end_text != "") & end.isna()).to_numpy(), "are not real dates")
    checks.fail("end_date", (end < start).to_numpy(), "are before the date")
    precision = _text(table, "date_precision").replace("", "day")
    checks.fail("date_precision", ~precision.isin(["day", "month", "year"]).to_numpy(), "are not day/month/year")
    for column, low, high in (("lat", -90, 90), ("lon", -180, 180)):
        values = pd.to_numeric(table[column], errors="coerce")
        checks.fail(column, (values.isna() | (values < low) | (values > high)).to_numpy(),
                    f"are not numbers in [{low}, {high}]")  # fmt: skip
    radius_text = table["radius_km"].astype(str).replace({"nan": "", "<NA>": "", "None": ""})
    radius = pd.to_numeric(radius_text, errors="coerce")
    checks.fail("radius_km", ((radius_text != "") & ~(radius > 0)).to_numpy(), "are not positive numbers")
    for column, name in (("type", TYPES), ("region", REGIONS), ("verification", VERIFICATION)):
        _in_vocabulary(checks, column, name)
    _in_vocabulary(checks, "escalation_risk", ESCALATION, optional=True)
    _in_vocabulary(checks, "airspace", AIRSPACE, optional=True)
    for column in ("initiator_country", "target_country"):
        values = _text(table, column)
        checks.fail(column, ~(_actor_codes_valid(values) | (values == "")), "hold unknown country or actor codes")
    url = r"https?://\S+"
    url_ok = _text(table, "source_urls").str.fullmatch(rf"{url}(?: \| {url})*").to_numpy(dtype=bool)
    checks.fail("source_urls", ~url_ok, "are missing or not http(s) URLs")
    for column in ("actors_json", "sources_json"):
        text = _text(table, column)
        checks.fail(column, ~(text.str.startswith("[") & text.str.endswith("]")).to_numpy(), "are not JSON lists")
    valid = table[~checks.bad].reset_index(drop=True)
    valid["date_precision"] = precision[~checks.bad].to_numpy()
    return valid, problems + ([] if tally is not None else checks.problems)


class RowRecords(Mapping[str, Incident]):
    """Records of a flat dataset, built (and fully validated) only when one is asked for.

    Opened records are kept in a small LRU cache: a reader opens a few, while a download of
    a 100k view builds each record once through ``build`` and keeps none (an unbounded cache
    grew by 6.7 MiB per 1,000 rows, never freed)."""

    CACHED = 256
    CHUNK = 2_000

    def __init__(self, valid: pd.DataFrame, path: str = ""):
        self._table = valid
        self._path = path
        self._position = {incident_id: i for i, incident_id in enumerate(valid["id"].astype(str))}
        self._cache: OrderedDict[str, Incident] = OrderedDict()
        # Rows found invalid so far (by a download or by opening one), so the page can say
        # which incidents of a view its files leave out. Downloads run on another thread.
        self._invalid: dict[str, list[Problem]] = {}
        self._lock = threading.Lock()

    def __getitem__(self, incident_id: str) -> Incident:
        if incident_id in self._cache:
            self._cache.move_to_end(incident_id)
            return self._cache[incident_id]
        incident = self._row_incident(incident_id)
        self._cache[incident_id] = incident
        if len(self._cache) > self.CACHED:
            self._cache.popitem(last=False)
        return incident

    def _row_incident(self, incident_id: str) -> Incident:
        return incident_from_row(self._table.iloc[self._position[incident_id]].to_dict())

    def __iter__(self) -> Iterator[str]:
        return iter(self._position)

    def __len__(self) -> int:
        return len(self._position)

    def __contains__(self, incident_id: object) -> bool:
        return incident_id in self._position

    def row_number(self, incident_id: str) -> int:
        """The row a spreadsheet shows for this incident (the header is row 1)."""
        position = self._position[incident_id]
        # cast: ROW holds row numbers (numpy integers); the stubs' scalar union also has dates and bytes.
        return int(cast(SupportsInt, self._table[ROW].iat[position])) if ROW in self._table else position + 2

    def build(self, incident_id: str) -> tuple[Incident | None, list[Problem]]:
        """The full record, or why the row does not validate as ``row N: field: message``;
        nothing is cached."""
        row = self._table.iloc[self._position[incident_id]].to_dict()
        return self._validated(incident_id, row)

    def _validated(self, incident_id: str, row: Mapping[Hashable, object]) -> tuple[Incident | None, list[Problem]]:
        where = f"row {self.row_number(incident_id)}"
        try:
            return incident_from_row(row), []
        except ValidationError as error:
            problems = problems_from_validation(where, error)
        except (ValueError, TypeError) as error:  # JSON that does not parse, a number that is not
            problems = [Problem(where, "(row)", str(error))]
        with self._lock:
            self._invalid[incident_id] = problems
        return None, problems

    def iter_build(self, incident_ids: Iterable[str], problems: list[Problem]) -> Iterator[Incident]:
        """Records of many rows, converted to dicts a chunk at a time (one ``iloc`` per row
        cost 260 us, a chunk's ``to_dict`` 65 us a row), validated and yielded one by one."""
        ids = list(incident_ids)
        for start in range(0, len(ids), self.CHUNK):
            chunk = ids[start : start + self.CHUNK]
            rows = self._table.iloc[[self._position[i] for i in chunk]].to_dict("records")
            for incident_id, row in zip(chunk, rows, strict=True):
                incident, row_problems = self._validated(incident_id, row)
                problems.extend(row_problems)
                if incident is not None:
                    yield incident

    def known_invalid(self, incident_ids: Iterable[str]) -> list[Problem]:
        """Problems of the rows among ``incident_ids`` found invalid so far."""
        with self._lock:
            invalid = dict(self._invalid)
        if not invalid:
            return []
        return [problem for incident_id in incident_ids if incident_id in invalid for problem in invalid[incident_id]]

    def problem(self, incident_id: str) -> list[Problem]:
        """Why a row's full record does not validate (shown instead of a panel)."""
        if incident_id in self._cache:
            return []
        return self.build(incident_id)[1]

    def check_all(self) -> list[Problem]:
        """Every row validated as a full record (``validate`` of a flat file), cached nowhere."""
        problems: list[Problem] = []
        for _ in self.iter_build(self._position, problems):
            pass
        return problems


def file_version(path: Path, valid_rows: int) -> str:
    """Short content hash of the dataset file (and how many of its rows are valid). A Parquet
    file is hashed by its size and footer (schema, row groups, each column chunk's offsets,
    sizes and statistics), so that a 10M-row file is not read whole to name its version."""
    digest = hashlib.sha256()
    if path.suffix == ".parquet":
        digest.update(parquet_footer(path))
    else:
        with open(path, "rb") as handle:
            for block in iter(lambda: handle.read(1 << 20), b""):
                digest.update(block)
    digest.update(str(valid_rows).encode())
    return digest.hexdigest()[:8]


def parquet_footer(path: Path) -> bytes:
    """The file's size and its Parquet footer (the metadata and its length, ``PAR1``)."""
    size = path.stat().st_size
    with open(path, "rb") as handle:
        handle.seek(max(0, size - 8))
        tail = handle.read(8)
        length = int.from_bytes(tail[:4], "little") if len(tail) == 8 and tail[4:] == b"PAR1" else 0
        handle.seek(max(0, size - 8 - length))
        return str(size).encode() + handle.read(length + 8)


MAX_DOCUMENT_BYTES = 512 * 1024 * 1024
MAX_JSON_DEPTH = 32


def _depth(value: object, limit: int) -> int:
    """Nesting depth of parsed JSON, counted without recursion and stopping past ``limit``."""
    deepest, stack = 0, [(value, 1)]
    while stack:
        item, depth = stack.pop()
        if isinstance(item, dict | list) and depth > deepest:
            deepest = depth
            if deepest > limit:
                return deepest
        children = item.values() if isinstance(item, dict) else item if isinstance(item, list) else ()
        stack.extend((child, depth + 1) for child in children if isinstance(child, dict | list))
    return deepest


def read_documents(path: Path) -> tuple[list[dict[str, Any]], list[Problem]]:
    """Records of a JSON export (``records``) or a GeoJSON export (features' properties)."""
    shown = str(path)
    size = path.stat().st_size
    if size > MAX_DOCUMENT_BYTES:
        return [], [Problem(shown, "(file)", f"file is {size:,} bytes; at most {MAX_DOCUMENT_BYTES:,} are read")]
    try:
        document = json.loads(path.read_text(encoding="utf-8"))
    except (UnicodeDecodeError, json.JSONDecodeError) as error:
        return [], [Problem(shown, "(file)", f"not readable JSON: {error}")]
    except RecursionError:
        return [], [Problem(shown, "(file)", f"JSON nested more than {MAX_JSON_DEPTH} levels deep")]
    if _depth(document, MAX_JSON_DEPTH) > MAX_JSON_DEPTH:
        return [], [Problem(shown, "(file)", f"JSON nested more than {MAX_JSON_DEPTH} levels deep")]
    if isinstance(document, dict) and document.get("type") == "FeatureCollection":
        return _features(document.get("features"), shown)
    if isinstance(document, dict) and isinstance(document.get("records"), list):
        return _mappings(document["records"], shown)
    if isinstance(document, list):
        return _mappings(document, shown)
    return [], [Problem(shown, "(file)", "expected a JSON export (with records) or a GeoJSON FeatureCollection")]


def _mappings(items: list[object], shown: str) -> tuple[list[dict[str, Any]], list[Problem]]:
    records, problems = [], []
    for number, item in enumerate(items, start=1):
        if isinstance(item, dict):
            records.append(item)
        else:
            problems.append(Problem(f"{shown}#{number}", "(record)", f"is a {type(item).__name__}, not a record"))
    return records, problems


def _point(geometry: object) -> tuple[float, float] | str:
    """(lon, lat) of a GeoJSON Point geometry, or why it is not one."""
    if not isinstance(geometry, dict) or geometry.get("type") != "Point":
        kind = geometry.get("type") if isinstance(geometry, dict) else type(geometry).__name__
        return f"geometry is {kind!r}, not a Point"
    coordinates = geometry.get("coordinates")
    if (
        not isinstance(coordinates, list)
        or len(coordinates) < 2
        or not all(isinstance(c, int | float) and not isinstance(c, bool) for c in coordinates[:2])
    ):
        return "coordinates are not [longitude, latitude] numbers"
    return float(coordinates[0]), float(coordinates[1])


def _features(features: object, shown: str) -> tuple[list[dict[str, Any]], list[Problem]]:
    if not isinstance(features, list):
        return [], [Problem(shown, "features", "is not a list of features")]
    records, problems = [], []
    for number, feature in enumerate(features, start=1):
        where = f"{shown}#{number}"
        if not isinstance(feature, dict) or not isinstance(feature.get("properties") or {}, dict):
            problems.append(Problem(where, "(feature)", "is not a GeoJSON Feature with properties"))
            continue
        point = _point(feature.get("geometry"))
        if isinstance(point, str):
            problems.append(Problem(where, "geometry", point))
            continue
        lon, lat = point
        properties = dict(feature.get("properties") or {})
        location = {key.removeprefix("location_"): properties.pop(key) for key in list(properties)
                    if key.startswith("location_")}  # fmt: skip
        properties.pop("radius_km", None)
        properties.pop("dataset_version", None)
        records.append({**properties, "location": {**location, "lat": lat, "lon": lon}})
    return records, problems
