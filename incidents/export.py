"""The filtered view as files: CSV (flat), GeoJSON (RFC 7946 points), JSON (full records).

Every format holds exactly the incidents ``view.apply`` keeps, in the same order, so a
download from the page and ``python -m incidents export`` for the same link agree.
"""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Iterable
from datetime import date

import pandas as pd

from incidents import safe_text
from incidents.model import Actor, Incident

FORMATS = {"csv": "text/csv", "geojson": "application/geo+json", "json": "application/json"}
CLI_FORMATS = [*FORMATS, "parquet"]
SEPARATOR = " | "


def _actors(actors: list[Actor], attribute: str) -> str:
    return SEPARATOR.join(str(getattr(actor, attribute) or "") for actor in actors)


def flat_row(incident: Incident) -> dict[str, object]:
    """One CSV row: nested lists joined with " | ", sources with their URLs."""
    location, outcome = incident.location, incident.outcome
    row: dict[str, object] = {
        "id": incident.id,
        "title": incident.title,
        "date": incident.date.isoformat(),
        "date_precision": str(incident.date_precision),
        "end_date": incident.end_date.isoformat() if incident.end_date else "",
        "time_utc": incident.time_utc or "",
        "type": incident.type,
        "escalation_risk": incident.escalation_risk or "",
        "verification": incident.verification,
        "region": location.region,
        "location_name": location.name,
        "lat": location.lat,
        "lon": location.lon,
        "radius_km": location.radius_km if location.radius_km is not None else "",
        "airspace": location.airspace or "",
        "airspace_country": location.country or "",
    }
    for role, actors in (("initiator", incident.initiators), ("target", incident.targets)):
        for attribute in ACTOR_FIELDS:
            row[f"{role}_{attribute}"] = _actors(actors, attribute)
    row.update(
        {
            "aircraft_lost": _blank_none(outcome.aircraft_lost),
            "aircraft_damaged": _blank_none(outcome.aircraft_damaged),
            "killed": _blank_none(outcome.killed),
            "injured": _blank_none(outcome.injured),
            "outcome_note": outcome.note or "",
            "summary": incident.summary,
            "claims": SEPARATOR.join(f"{c.party}: {c.statement} [{c.source}]" for c in incident.claims),
            "notes": incident.notes or "",
            "sources": SEPARATOR.join(_source_text(n, s) for n, s in enumerate(incident.sources, start=1)),
            "source_urls": SEPARATOR.join(str(source.url) for source in incident.sources),
            "related": SEPARATOR.join(incident.related),
            "tags": SEPARATOR.join(incident.tags),
            "series": incident.series or "",
            "collections": SEPARATOR.join(incident.collections),
            "behaviours": SEPARATOR.join(incident.behaviours),
            # Lossless copies of the nested parts, so a CSV or Parquet export loads back
            # into the Atlas (INCIDENTS_DATA=file.csv) with every actor, claim and source.
            "actors_json": _json([actor.model_dump(mode="json") for actor in incident.actors]),
            "claims_json": _json([claim.model_dump(mode="json") for claim in incident.claims]),
            "sources_json": _json([source.model_dump(mode="json") for source in incident.sources]),
        }
    )
    return row


def _json(value: object) -> str:
    return json.dumps(value, ensure_ascii=False, separators=(",", ":"))


def _blank_none(value: object) -> object:
    return "" if value is None else value


def _source_text(number: int, source) -> str:
    published = f" ({source.published.isoformat()})" if source.published else ""
    title = f": {source.title}" if source.title else ""
    return f"[{number}] {source.publisher}{title}{published} <{source.url}>"


def to_csv(incidents: Iterable[Incident]) -> str:
    """Cells a spreadsheet would run as a formula are prefixed with a quote (OWASP); the
    Atlas removes it again when it reads a CSV back."""
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, fieldnames=CSV_COLUMNS, lineterminator="\n")
    writer.writeheader()
    for incident in incidents:
        writer.writerow({column: safe_text.csv_cell(value) for column, value in flat_row(incident).items()})
    return buffer.getvalue()


ACTOR_FIELDS = ("country", "force", "platform", "category", "count")
CSV_COLUMNS = [
    "id", "title", "date", "date_precision", "end_date", "time_utc", "type", "escalation_risk", "verification",
    "region", "location_name", "lat", "lon", "radius_km", "airspace", "airspace_country",
    *(f"{role}_{field}" for role in ("initiator", "target") for field in ACTOR_FIELDS),
    "aircraft_lost", "aircraft_damaged", "killed", "injured", "outcome_note", "summary", "claims", "notes",
    "sources", "source_urls", "related", "tags", "series", "collections", "behaviours", "actors_json",
    "claims_json", "sources_json",
]  # fmt: skip


def to_feature(incident: Incident, version: str) -> dict:
    properties = incident.model_dump(mode="json", exclude={"location"})
    location = incident.location.model_dump(mode="json")
    properties.update({f"location_{key}": value for key, value in location.items() if key not in {"lat", "lon"}})
    properties["radius_km"] = incident.location.radius_km
    properties["dataset_version"] = version
    return {
        "type": "Feature",
        "id": incident.id,
        # RFC 7946: longitude first. Precision of 5 decimals is ~1 m, far finer than any radius.
        "geometry": {
            "type": "Point",
            "coordinates": [round(incident.location.lon, 5), round(incident.location.lat, 5)],
        },
        "properties": properties,
    }


def to_geojson(incidents: Iterable[Incident], version: str) -> str:
    collection = {"type": "FeatureCollection", "features": [to_feature(i, version) for i in incidents]}
    return json.dumps(collection, ensure_ascii=False, indent=1)


def to_json(incidents: Iterable[Incident], version: str, query: str = "") -> str:
    document = {
        "dataset": "Airspace Incident Atlas",
        "dataset_version": version,
        "query": query,
        "records": [incident.model_dump(mode="json") for incident in incidents],
    }
    return json.dumps(document, ensure_ascii=False, indent=1)


def flat_frame(incidents: Iterable[Incident]) -> pd.DataFrame:
    return pd.DataFrame([flat_row(incident) for incident in incidents], columns=CSV_COLUMNS)


NUMERIC_COLUMNS = ("lat", "lon", "radius_km")
COUNT_COLUMNS = ("aircraft_lost", "aircraft_damaged", "killed", "injured")


def typed(frame: pd.DataFrame) -> pd.DataFrame:
    """Numbers as numbers, everything else as text: the Parquet form of the export format."""
    typed = frame.copy()
    for column in typed.columns:
        if column in NUMERIC_COLUMNS:
            typed[column] = pd.to_numeric(typed[column], errors="coerce").astype("float64")
        elif column in COUNT_COLUMNS:
            typed[column] = pd.to_numeric(typed[column], errors="coerce").astype("Int64")
        else:
            typed[column] = typed[column].fillna("").astype(str)
    return typed


def to_parquet(incidents: Iterable[Incident]) -> bytes:
    buffer = io.BytesIO()
    typed(flat_frame(incidents)).to_parquet(buffer, index=False)
    return buffer.getvalue()


def render(fmt: str, incidents: list[Incident], version: str, query: str = "") -> str:
    if fmt == "csv":
        return to_csv(incidents)
    if fmt == "geojson":
        return to_geojson(incidents, version)
    if fmt == "json":
        return to_json(incidents, version, query)
    raise ValueError(f"unknown format {fmt!r}; use one of {', '.join(FORMATS)}")


def file_name(fmt: str, version: str, day: date) -> str:
    return f"airspace-incidents_{version}_{day.isoformat()}.{fmt}"
