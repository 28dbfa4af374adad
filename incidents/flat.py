"""One flat record: the column specification every flat form of an incident comes from.

An incident's flat row (CSV, Parquet, the flat part of the datapackage), a flat row back to
an incident, the catalog frame the filters and charts read, and the dashboard table's
columns are all defined here and nowhere else. So are the three small rules they share:
codes as a delimited set ("|RU|BY|"), the end of a span by date precision, and how several
actors' values share one cell (" | ").
"""

from __future__ import annotations

import json
from collections.abc import Callable, Hashable, Iterable, Mapping
from dataclasses import dataclass
from typing import Any, Literal, cast

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from incidents.model import Actor, Incident, Source

SEPARATOR = " | "
ACTOR_FIELDS = ("country", "force", "platform", "category", "count")
FieldType = Literal["string", "number", "integer", "date"]


@dataclass(frozen=True)
class Column:
    name: str
    type: FieldType  # a Frictionless Table Schema type; Parquet keeps numbers as numbers
    description: str
    value: Callable[[Incident], object]  # None or "" when the record has no value
    required: bool = False  # a flat file without this column cannot load any row


def _blank(value: object) -> object:
    return "" if value is None else value


def _joined(values: Iterable[object]) -> str:
    return SEPARATOR.join(str(_blank(value)) for value in values)


def _actors(role: str, attribute: str) -> Callable[[Incident], object]:
    def value(incident: Incident) -> str:
        actors = incident.initiators if role == "initiator" else incident.targets
        return _joined(getattr(actor, attribute) for actor in actors)

    return value


def _source_text(number: int, source: Source) -> str:
    published = f" ({source.published.isoformat()})" if source.published else ""
    title = f": {source.title}" if source.title else ""
    return f"[{number}] {source.publisher}{title}{published} <{source.url}>"


def _json(value: object) -> str:
    return json.dumps(value, ensure_ascii=False, separators=(",", ":"))


def _dump(items: Iterable[Actor] | Iterable[Any]) -> str:
    return _json([item.model_dump(mode="json") for item in items])


def _actor_columns() -> list[Column]:
    words = {"country": "ISO 3166-1 alpha-2 code or actor id", "force": "force", "platform": "platform",
             "category": "platform category code", "count": "number of aircraft"}  # fmt: skip
    return [
        Column(f"{role}_{attribute}", "string", f"{role}s' {words[attribute]}, one per {role}, joined by ' | '",
               _actors(role, attribute))
        for role in ("initiator", "target")
        for attribute in ACTOR_FIELDS
    ]  # fmt: skip


COLUMNS: tuple[Column, ...] = (
    Column("id", "string", "YYYY-MM-DD-slug, unique", lambda i: i.id, required=True),
    Column("title", "string", "short title", lambda i: i.title, required=True),
    Column("date", "date", "local date the incident began", lambda i: i.date.isoformat(), required=True),
    Column("date_precision", "string", "day, month or year", lambda i: str(i.date_precision)),
    Column("end_date", "date", "last day of a multi-day episode",
           lambda i: i.end_date.isoformat() if i.end_date else ""),
    Column("time_utc", "string", "HH:MM UTC, when a source gives a time", lambda i: _blank(i.time_utc)),
    Column("type", "string", "incident type code (vocab/types.yaml)", lambda i: i.type, required=True),
    Column("escalation_risk", "string", "routine, serious or high", lambda i: _blank(i.escalation_risk)),
    Column("verification", "string", "verification grade code", lambda i: i.verification, required=True),
    Column("region", "string", "region code (vocab/regions.yaml)", lambda i: i.location.region, required=True),
    Column("location_name", "string", "place as the sources name it", lambda i: i.location.name),
    Column("lat", "number", "latitude, WGS 84", lambda i: i.location.lat, required=True),
    Column("lon", "number", "longitude, WGS 84", lambda i: i.location.lon, required=True),
    Column("radius_km", "number", "uncertainty of the position in km", lambda i: _blank(i.location.radius_km)),
    Column("airspace", "string", "territorial, international, ...", lambda i: _blank(i.location.airspace)),
    Column("airspace_country", "string", "state whose airspace (ISO code)", lambda i: _blank(i.location.country)),
    *_actor_columns(),
    Column("aircraft_lost", "integer", "aircraft lost", lambda i: _blank(i.outcome.aircraft_lost)),
    Column("aircraft_damaged", "integer", "aircraft damaged", lambda i: _blank(i.outcome.aircraft_damaged)),
    Column("killed", "integer", "people killed", lambda i: _blank(i.outcome.killed)),
    Column("injured", "integer", "people injured", lambda i: _blank(i.outcome.injured)),
    Column("outcome_note", "string", "outcome in words", lambda i: _blank(i.outcome.note)),
    Column("summary", "string", "what happened", lambda i: i.summary, required=True),
    Column("claims", "string", "each party's account: 'party: statement [source number]', joined by ' | '",
           lambda i: SEPARATOR.join(f"{c.party}: {c.statement} [{c.source}]" for c in i.claims)),
    Column("notes", "string", "where sources disagree", lambda i: _blank(i.notes)),
    Column("sources", "string", "'[n] publisher: title (date) <url>', joined by ' | '",
           lambda i: SEPARATOR.join(_source_text(n, s) for n, s in enumerate(i.sources, start=1))),
    Column("source_urls", "string", "source URLs, joined by ' | '", lambda i: _joined(s.url for s in i.sources)),
    Column("related", "string", "ids of related incidents, joined by ' | '", lambda i: SEPARATOR.join(i.related)),
    Column("tags", "string", "tags, joined by ' | '", lambda i: SEPARATOR.join(i.tags)),
    Column("series", "string", "series id (vocab/series.yaml)", lambda i: _blank(i.series)),
    Column("collections", "string", "collection ids, joined by ' | '", lambda i: SEPARATOR.join(i.collections)),
    Column("behaviours", "string", "behaviour codes, joined by ' | '", lambda i: SEPARATOR.join(i.behaviours)),
    # Lossless copies of the nested parts, so a CSV or Parquet export loads back into the
    # Atlas (INCIDENTS_DATA=file.csv) with every actor, claim and source.
    Column("actors_json", "string", "actors as JSON", lambda i: _dump(i.actors), required=True),
    Column("claims_json", "string", "claims as JSON", lambda i: _dump(i.claims)),
    Column("sources_json", "string", "sources as JSON", lambda i: _dump(i.sources), required=True),
)  # fmt: skip

NAMES = [column.name for column in COLUMNS]
REQUIRED = tuple(column.name for column in COLUMNS if column.required)
BY_NAME = {column.name: column for column in COLUMNS}


# --- an incident -> its flat row, and back --------------------------------------------------


def flat_row(incident: Incident) -> dict[str, object]:
    return {column.name: column.value(incident) for column in COLUMNS}


def flat_frame(incidents: Iterable[Incident]) -> pd.DataFrame:
    return pd.DataFrame([flat_row(incident) for incident in incidents], columns=NAMES)


def typed(frame: pd.DataFrame) -> pd.DataFrame:
    """Numbers as numbers (counts as integers), everything else as text: the Parquet form."""
    result = frame.copy()
    for name in result.columns:
        kind = BY_NAME[name].type if name in BY_NAME else "string"
        if kind == "number":
            result[name] = pd.to_numeric(result[name], errors="coerce").astype("float64")
        elif kind == "integer":
            result[name] = pd.to_numeric(result[name], errors="coerce").astype("Int64")
        else:
            result[name] = result[name].fillna("").astype(str)
    return result


def _none_if_blank(value: object) -> object:
    if value is None or (isinstance(value, float) and np.isnan(value)) or value is pd.NA:
        return None
    return None if isinstance(value, str) and value.strip() == "" else value


def split(text: object) -> list[str]:
    """' | '-joined parts of one cell, without empty ones."""
    return [part for part in str(text or "").split(SEPARATOR) if part]


def incident_from_row(row: Mapping[Hashable, object]) -> Incident:
    """The full record of one flat row (raises pydantic's ValidationError, or ValueError for
    JSON that does not parse)."""
    value = {name: _none_if_blank(row.get(name)) for name in NAMES}
    number: Callable[[str], float | None] = lambda name: float(value[name]) if value[name] is not None else None  # type: ignore[arg-type]  # noqa: E731
    count: Callable[[str], int | None] = lambda name: int(float(value[name])) if value[name] is not None else None  # type: ignore[arg-type]  # noqa: E731
    data = {
        "id": value["id"], "title": value["title"], "date": value["date"],
        "date_precision": value["date_precision"] or "day", "end_date": value["end_date"],
        "time_utc": value["time_utc"], "type": value["type"], "escalation_risk": value["escalation_risk"],
        "location": {
            "name": value["location_name"] or "unnamed", "lat": number("lat"), "lon": number("lon"),
            "radius_km": number("radius_km"), "region": value["region"], "airspace": value["airspace"],
            "country": value["airspace_country"],
        },
        "actors": json.loads(str(value["actors_json"] or "[]")),
        "outcome": {key: count(key) for key in ("aircraft_lost", "aircraft_damaged", "killed", "injured")}
        | {"note": value["outcome_note"]},
        "summary": value["summary"], "notes": value["notes"], "verification": value["verification"],
        "sources": json.loads(str(value["sources_json"] or "[]")),
        "claims": json.loads(str(value["claims_json"] or "[]")),
        "related": split(value["related"]), "tags": split(value["tags"]), "series": value["series"],
        "collections": split(value["collections"]), "behaviours": split(value["behaviours"]),
    }  # fmt: skip
    return Incident.model_validate(data)


# --- the rules the flat forms share ---------------------------------------------------------


def code_set(codes: Iterable[object]) -> str:
    """'|RU|BY|': distinct codes in order, as a delimited set that a substring test matches
    exactly (incidents.filters.has_any); empty parts are left out."""
    unique = list(dict.fromkeys(str(code).strip() for code in codes if code is not None and str(code).strip()))
    return "|" + "|".join(unique) + "|" if unique else ""


def per_unique(values: pd.Series, function: Callable[[str], Any]) -> pd.Series:
    """Apply ``function`` once per distinct value: flat datasets repeat the same few actor,
    platform and category combinations across many rows, so this is far cheaper than per row."""
    text = values.fillna("").astype(str)
    mapping = {value: function(value) for value in text.unique()}
    return text.map(mapping)


def code_sets(cells: pd.Series) -> pd.Series:
    """'RU | BY | RU' cells -> '|RU|BY|'."""
    return per_unique(cells, lambda text: code_set(text.split(SEPARATOR)))


def first_of(cells: pd.Series) -> pd.Series:
    """The first of ' | '-joined values (the first initiator's country, ...), or None."""
    return per_unique(cells, lambda text: text.split(SEPARATOR, 1)[0].strip() or None)


def span_end(start: pd.Series, precision: pd.Series, end: pd.Series) -> pd.Series:
    """The last day an incident covers: its end date, else the end of its month or year for
    month- or year-precision dates, else its start."""
    month_end = start + pd.offsets.MonthEnd(0)
    year_end = start + pd.offsets.YearEnd(0)
    return end.fillna(start.where(precision == "day", month_end.where(precision == "month", year_end)))


# --- the catalog frame: what the filters, charts and table read ------------------------------

CATALOG_COLUMNS = (
    "id", "title", "date", "end", "date_precision", "time_utc", "type", "escalation_risk",
    "verification", "region", "location_name", "lat", "lon", "radius_km", "airspace",
    "airspace_country", "initiator", "initiator_force", "initiator_platform", "initiator_category",
    "target", "target_force", "target_platform", "target_category", "initiators", "targets",
    "categories", "platforms", "behaviours", "collections", "aircraft_lost", "killed", "n_sources", "series",
    "summary", "search_text",
)  # fmt: skip


def _blank_to_none(values: pd.Series) -> pd.Series:
    return values.replace("", None)


def _numbers(values: pd.Series, dtype: Literal["float64", "Int64"]) -> pd.Series:
    return pd.to_numeric(_blank_to_none(values), errors="coerce").astype(dtype)


def _search_text(frame: pd.DataFrame, platforms: pd.Series, tags: pd.Series) -> pd.Series:
    def words(column: pd.Series) -> pd.Series:
        return column.fillna("").astype(str).str.replace(SEPARATOR, " ", regex=False)

    text = (frame["title"] + " " + frame["summary"] + " " + frame["location_name"].fillna("") + " "
            + words(platforms) + " " + words(tags))  # fmt: skip
    # pyarrow's RE2 directly: pandas falls back to Python's re (per row) for this pattern.
    strings = cast(pa.StringArray | pa.LargeStringArray, pa.array(text))  # the stubs read a Series as booleans
    collapsed = pc.utf8_trim_whitespace(pc.replace_substring_regex(strings, r"\s+", " "))
    return pd.Series(collapsed, index=frame.index, dtype="str").str.casefold()


def catalog_frame(flat: pd.DataFrame) -> pd.DataFrame:
    """The catalog's tidy frame (CATALOG_COLUMNS) from valid flat rows, sorted by date, id."""
    start = pd.to_datetime(flat["date"].astype(str), format="%Y-%m-%d")
    end = pd.to_datetime(_blank_to_none(flat["end_date"].fillna("").astype(str)), format="%Y-%m-%d", errors="coerce")
    precision = flat["date_precision"].fillna("").astype(str).replace("", "day")
    platforms = (flat["initiator_platform"].fillna("") + SEPARATOR + flat["target_platform"].fillna("")).str.casefold()
    categories = flat["initiator_category"].fillna("") + SEPARATOR + flat["target_category"].fillna("")
    frame = pd.DataFrame(
        {
            "id": flat["id"].astype(str),
            "title": flat["title"].astype(str),
            "date": start,
            "end": span_end(start, precision, end),
            "date_precision": precision,
            "time_utc": _blank_to_none(flat["time_utc"]),
            "type": flat["type"],
            "escalation_risk": _blank_to_none(flat["escalation_risk"]),
            "verification": flat["verification"],
            "region": flat["region"],
            "location_name": flat["location_name"],
            "lat": pd.to_numeric(flat["lat"]).astype("float64"),
            "lon": pd.to_numeric(flat["lon"]).astype("float64"),
            "radius_km": _numbers(flat["radius_km"], "float64"),
            "airspace": _blank_to_none(flat["airspace"]),
            "airspace_country": _blank_to_none(flat["airspace_country"]),
        }
    )
    for role in ("initiator", "target"):
        frame[role] = first_of(flat[f"{role}_country"])
        for attribute in ("force", "platform", "category"):
            frame[f"{role}_{attribute}"] = first_of(flat[f"{role}_{attribute}"])
    frame["initiators"] = code_sets(flat["initiator_country"])
    frame["targets"] = code_sets(flat["target_country"])
    frame["categories"] = code_sets(categories)
    frame["platforms"] = code_sets(platforms)
    for listed in ("behaviours", "collections"):  # optional in a flat file made before they existed
        frame[listed] = code_sets(flat[listed]) if listed in flat else ""
    frame["aircraft_lost"] = _numbers(flat["aircraft_lost"], "Int64")
    frame["killed"] = _numbers(flat["killed"], "Int64")
    frame["series"] = _blank_to_none(flat["series"].fillna("").astype(str))
    frame["n_sources"] = flat["source_urls"].astype(str).str.count(" \\| ").astype(np.int64) + 1
    frame["summary"] = flat["summary"].astype(str)
    frame["search_text"] = _search_text(frame, platforms, flat["tags"])
    return frame.sort_values(["date", "id"], kind="stable").reset_index(drop=True)[list(CATALOG_COLUMNS)]


# --- the dashboard table ---------------------------------------------------------------------


@dataclass(frozen=True)
class Shown:
    """A column of the dashboard table: a catalog column, its header, and the vocabulary
    field whose labels it shows (None: the value itself)."""

    column: str
    header: str
    labels: str | None = None


TABLE_COLUMNS = (
    Shown("date", "date"),
    Shown("title", "title"),
    Shown("type", "type", "type"),
    Shown("region", "region", "region"),
    Shown("initiator", "initiator", "initiator"),
    Shown("target", "target", "target"),
    Shown("verification", "verification", "verification"),
    Shown("n_sources", "sources"),
)
