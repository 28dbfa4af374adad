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
from collections.abc import Iterator, Mapping
from pathlib import Path

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc
from pydantic import ValidationError

from incidents.export import CSV_COLUMNS, SEPARATOR
from incidents.model import ID_PATTERN, UNKNOWN_ACTOR, Incident, is_country_code
from incidents.problems import Problem, problems_from_validation
from incidents.vocab import AIRSPACE, ESCALATION, NON_STATE_ACTORS, REGIONS, TYPES, VERIFICATION, vocabulary

TABULAR_SUFFIXES = (".csv", ".parquet")
DOCUMENT_SUFFIXES = (".json", ".geojson")
REQUIRED = ("id", "title", "date", "type", "region", "lat", "lon", "verification", "summary", "actors_json",
            "sources_json")  # fmt: skip
MAX_ROWS_ENV = "INCIDENTS_MAX_ROWS"
DEFAULT_MAX_ROWS = 2_000_000
EXAMPLES = 3
# The longest field a curated record has is under 3,000 characters; a cell a hundred times
# longer is not a record but a way to make every page that shows it slow.
MAX_CELL_CHARS = 20_000
MAX_JSON_CELL_CHARS = 200_000


def max_rows() -> int:
    return int(os.environ.get(MAX_ROWS_ENV) or DEFAULT_MAX_ROWS)


def read_table(path: Path) -> pd.DataFrame:
    if path.suffix == ".parquet":
        return pd.read_parquet(path)
    table = pd.read_csv(path, dtype=str, keep_default_na=False)
    # Undo the export's formula guard (incidents.safe_text.csv_cell): one leading quote.
    return table.apply(lambda column: column.str.removeprefix("'"))


def _text(table: pd.DataFrame, column: str) -> pd.Series:
    return table[column].fillna("").astype(str).str.strip()


class RowChecks:
    """Collects, per column, which rows fail and why; reports counts and first examples."""

    def __init__(self, table: pd.DataFrame, path: str):
        self.table, self.path = table, path
        self.bad = np.zeros(len(table), dtype=bool)
        self.problems: list[Problem] = []

    def fail(self, column: str, mask: np.ndarray, message: str) -> None:
        mask = np.asarray(mask, dtype=bool)
        if not mask.any():
            return
        self.bad |= mask
        rows = np.flatnonzero(mask)
        examples = ", ".join(
            f"row {row + 2} ({self.table['id'].iat[row] if 'id' in self.table else '?'}: "
            f"{str(self.table[column].iat[row])[:40]!r})"
            for row in rows[:EXAMPLES]
        )
        self.problems.append(Problem(self.path, column, f"{len(rows):,} rows {message}, e.g. {examples}"))


def _in_vocabulary(checks: RowChecks, column: str, name: str, optional: bool = False) -> None:
    values = _text(checks.table, column)
    allowed = set(vocabulary(name).codes) | ({""} if optional else set())
    # Empty required values are reported once, as empty, not again here.
    checks.fail(column, (~values.isin(allowed) & (values != "")).to_numpy(), f"not in vocab/{name}.yaml")


def _is_actor_code(code: str) -> bool:
    return code == UNKNOWN_ACTOR or code in vocabulary(NON_STATE_ACTORS) or is_country_code(code)


def _actor_codes_valid(values: pd.Series) -> np.ndarray:
    def valid(text: str) -> bool:
        return all(_is_actor_code(part.strip()) for part in text.split(SEPARATOR))

    return _per_unique(values, valid).to_numpy(dtype=bool)


def validate_table(table: pd.DataFrame, path: str) -> tuple[pd.DataFrame, list[Problem]]:
    """The valid rows (normalised) and the problems of the others."""
    problems: list[Problem] = []
    if len(table) > max_rows():
        problems.append(Problem(path, "(file)", f"{len(table):,} rows exceed the limit of {max_rows():,} "
                                f"(${MAX_ROWS_ENV}); rows after {max_rows():,} were not loaded"))  # fmt: skip
        table = table.iloc[: max_rows()]
    missing = [column for column in REQUIRED if column not in table.columns]
    if missing:
        problems.append(Problem(path, "(columns)", f"required columns missing: {', '.join(missing)}; no row can load"))
        return pd.DataFrame({column: pd.Series(dtype="str") for column in CSV_COLUMNS}), problems
    absent = [column for column in CSV_COLUMNS if column not in table.columns]
    table = table.reset_index(drop=True).copy()
    for column in absent:
        table[column] = ""
    checks = RowChecks(table, path)
    for column in CSV_COLUMNS:
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
    return valid, problems + checks.problems


def _per_unique(values: pd.Series, function) -> pd.Series:
    """Apply ``function`` once per distinct value: flat datasets repeat the same few actor,
    platform and category combinations across many rows, so this is far cheaper than per row."""
    text = values.fillna("").astype(str)
    mapping = {value: function(value) for value in text.unique()}
    return text.map(mapping)


def _code_set(text: str) -> str:
    parts = list(dict.fromkeys(part.strip() for part in text.split(SEPARATOR) if part.strip()))
    return "|" + "|".join(parts) + "|" if parts else ""


def _codes(values: pd.Series) -> pd.Series:
    """'RU | BY | RU' -> '|RU|BY|', the delimited set the filters match (as catalog._codes)."""
    return _per_unique(values, _code_set)


def _first(values: pd.Series) -> pd.Series:
    return _per_unique(values, lambda text: text.split(SEPARATOR, 1)[0].strip() or None)


def frame_from_table(valid: pd.DataFrame) -> pd.DataFrame:
    """The catalog's tidy frame (catalog.COLUMNS) from validated export-format rows."""
    start = pd.to_datetime(valid["date"], format="%Y-%m-%d")
    end = pd.to_datetime(valid["end_date"].replace("", None), format="%Y-%m-%d", errors="coerce")
    month_end = start + pd.offsets.MonthEnd(0)
    year_end = start + pd.offsets.YearEnd(0)
    precision = valid["date_precision"]
    span_end = end.fillna(start.where(precision == "day", month_end.where(precision == "month", year_end)))
    platforms = (
        valid["initiator_platform"].fillna("") + SEPARATOR + valid["target_platform"].fillna("")
    ).str.casefold()
    categories = valid["initiator_category"].fillna("") + SEPARATOR + valid["target_category"].fillna("")
    words = lambda column: column.fillna("").str.replace(SEPARATOR, " ", regex=False)  # noqa: E731
    frame = pd.DataFrame(
        {
            "id": valid["id"].astype(str),
            "title": valid["title"].astype(str),
            "date": start,
            "end": span_end,
            "date_precision": precision,
            "time_utc": valid["time_utc"].replace("", None),
            "type": valid["type"],
            "escalation_risk": valid["escalation_risk"].replace("", None),
            "verification": valid["verification"],
            "region": valid["region"],
            "location_name": valid["location_name"],
            "lat": pd.to_numeric(valid["lat"]).astype("float64"),
            "lon": pd.to_numeric(valid["lon"]).astype("float64"),
            "radius_km": pd.to_numeric(valid["radius_km"].replace("", None), errors="coerce").astype("float64"),
            "airspace": valid["airspace"].replace("", None),
            "airspace_country": valid["airspace_country"].replace("", None),
        }
    )
    for role in ("initiator", "target"):
        frame[role] = _first(valid[f"{role}_country"])
        for attribute in ("force", "platform", "category"):
            frame[f"{role}_{attribute}"] = _first(valid[f"{role}_{attribute}"])
    frame["initiators"] = _codes(valid["initiator_country"])
    frame["targets"] = _codes(valid["target_country"])
    frame["categories"] = _codes(categories)
    frame["platforms"] = _codes(platforms)
    frame["aircraft_lost"] = pd.to_numeric(valid["aircraft_lost"].replace("", None), errors="coerce").astype("Int64")
    frame["killed"] = pd.to_numeric(valid["killed"].replace("", None), errors="coerce").astype("Int64")
    frame["n_sources"] = valid["source_urls"].str.count(" \\| ").astype(np.int64) + 1
    frame["summary"] = valid["summary"]
    text = (frame["title"] + " " + frame["summary"] + " " + frame["location_name"] + " " + words(platforms) + " "
            + words(valid["tags"]))  # fmt: skip
    # pyarrow's RE2 directly: pandas falls back to Python's re (per row) for this pattern.
    collapsed = pc.utf8_trim_whitespace(pc.replace_substring_regex(pa.array(text), r"\s+", " "))
    frame["search_text"] = pd.Series(collapsed, index=frame.index, dtype="str").str.casefold()
    # The same order as a YAML catalog: by date, then id.
    return frame.sort_values(["date", "id"], kind="stable").reset_index(drop=True)


def _none_if_blank(value: object) -> object:
    if value is None or (isinstance(value, float) and np.isnan(value)) or value is pd.NA:
        return None
    return None if isinstance(value, str) and value.strip() == "" else value


def incident_from_row(row: Mapping) -> Incident:
    """The full record of one export-format row (raises pydantic's ValidationError)."""
    value = {key: _none_if_blank(row.get(key)) for key in CSV_COLUMNS}
    split = lambda text: [part for part in (text or "").split(SEPARATOR) if part]  # noqa: E731
    data = {
        "id": value["id"], "title": value["title"], "date": value["date"],
        "date_precision": value["date_precision"] or "day", "end_date": value["end_date"],
        "time_utc": value["time_utc"], "type": value["type"], "escalation_risk": value["escalation_risk"],
        "location": {
            "name": value["location_name"] or "unnamed", "lat": float(value["lat"]), "lon": float(value["lon"]),
            "radius_km": float(value["radius_km"]) if value["radius_km"] is not None else None,
            "region": value["region"], "airspace": value["airspace"], "country": value["airspace_country"],
        },
        "actors": json.loads(value["actors_json"] or "[]"),
        "outcome": {
            key: int(float(value[key])) if value[key] is not None else None
            for key in ("aircraft_lost", "aircraft_damaged", "killed", "injured")
        } | {"note": value["outcome_note"]},
        "summary": value["summary"], "notes": value["notes"], "verification": value["verification"],
        "sources": json.loads(value["sources_json"] or "[]"),
        "claims": json.loads(value["claims_json"] or "[]"),
        "related": split(value["related"]), "tags": split(value["tags"]), "series": value["series"],
        "collections": split(value["collections"]), "behaviours": split(value["behaviours"]),
    }  # fmt: skip
    return Incident.model_validate(data)


class RowRecords(Mapping[str, Incident]):
    """Records of a flat dataset, built (and validated) only when one is asked for."""

    def __init__(self, valid: pd.DataFrame):
        self._table = valid
        self._position = {incident_id: i for i, incident_id in enumerate(valid["id"].astype(str))}
        self._built: dict[str, Incident] = {}

    def __getitem__(self, incident_id: str) -> Incident:
        if incident_id not in self._built:
            row = self._table.iloc[self._position[incident_id]].to_dict()
            self._built[incident_id] = incident_from_row(row)
        return self._built[incident_id]

    def __iter__(self) -> Iterator[str]:
        return iter(self._position)

    def __len__(self) -> int:
        return len(self._position)

    def __contains__(self, incident_id: object) -> bool:
        return incident_id in self._position

    def problem(self, incident_id: str, path: str) -> list[Problem]:
        """Why a row's full record does not validate (shown instead of a panel)."""
        try:
            self[incident_id]
        except ValidationError as error:
            return problems_from_validation(f"{path}#{incident_id}", error)
        except (ValueError, TypeError) as error:
            return [Problem(f"{path}#{incident_id}", "(row)", str(error))]
        return []


def file_version(path: Path, valid_rows: int) -> str:
    """Short content hash of the dataset file (and how many of its rows are valid)."""
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    digest.update(str(valid_rows).encode())
    return digest.hexdigest()[:8]


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


def read_documents(path: Path) -> tuple[list[dict], list[Problem]]:
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


def _mappings(items: list, shown: str) -> tuple[list[dict], list[Problem]]:
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
    valid = isinstance(coordinates, list) and len(coordinates) >= 2
    if not valid or not all(isinstance(c, int | float) and not isinstance(c, bool) for c in coordinates[:2]):
        return "coordinates are not [longitude, latitude] numbers"
    return float(coordinates[0]), float(coordinates[1])


def _features(features: object, shown: str) -> tuple[list[dict], list[Problem]]:
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
