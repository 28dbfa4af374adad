"""The filtered view as files: CSV (flat), GeoJSON (RFC 7946 points), JSON (full records).

Every format holds exactly the incidents ``view.apply`` keeps, in the same order, so a
download from the page and ``python -m incidents export`` for the same link agree.
"""

from __future__ import annotations

import csv
import hashlib
import io
import json
import zipfile
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass
from datetime import date
from typing import cast

from incidents import datapackage, flat, safe_text, view
from incidents.catalog import Catalog
from incidents.model import Incident
from incidents.problems import Problem
from incidents.view import ViewState

FORMATS = {
    "csv": "text/csv",
    "geojson": "application/geo+json",
    "json": "application/json",
    "zip": "application/zip",  # the CSV with its Frictionless datapackage.json
}
CLI_FORMATS = [*FORMATS, "parquet"]


def to_csv(incidents: Iterable[Incident]) -> str:
    """Cells a spreadsheet would run as a formula are prefixed with a quote (OWASP); the
    Atlas removes it again when it reads a CSV back."""
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, fieldnames=flat.NAMES, lineterminator="\n")
    writer.writeheader()
    for incident in incidents:
        writer.writerow({column: safe_text.csv_cell(value) for column, value in flat.flat_row(incident).items()})
    return buffer.getvalue()


def to_feature(incident: Incident, version: str) -> dict[str, object]:
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
            # cast: a catalogued record is located (lat/lon filled from the gazetteer or required).
            "coordinates": [round(cast(float, incident.location.lon), 5), round(cast(float, incident.location.lat), 5)],
        },
        "properties": properties,
    }


def _document(head: Mapping[str, object], key: str, items: Iterable[dict[str, object]]) -> str:
    """A JSON object of ``head``'s members and then ``key``: [items], each item dumped as it
    comes, so a large view is never held as a list of records."""
    members = [f" {json.dumps(name)}: {json.dumps(value, ensure_ascii=False)}" for name, value in head.items()]
    body = ",\n".join(json.dumps(item, ensure_ascii=False) for item in items)
    return "{\n" + ",\n".join([*members, f" {json.dumps(key)}: [\n{body}\n ]"]) + "\n}\n"


def to_geojson(incidents: Iterable[Incident], version: str) -> str:
    return _document({"type": "FeatureCollection"}, "features", (to_feature(i, version) for i in incidents))


def to_json(incidents: Iterable[Incident], version: str, query: str = "", created: date | None = None) -> str:
    """Full records, with the metadata a CSV download carries in its datapackage.json."""
    package = datapackage.descriptor(version=version, query=query, created=created)
    head = {"dataset": "Airspace Incident Atlas", "dataset_version": version, "query": query, "package": package}
    return _document(head, "records", (incident.model_dump(mode="json") for incident in incidents))


def to_zip(incidents: Iterable[Incident], version: str, query: str, day: date) -> bytes:
    """A Frictionless data package: the CSV and its datapackage.json (fields, licence, sources,
    dataset version and view), in one download."""
    csv_name = file_name("csv", version, day)
    package = datapackage.descriptor(csv_name, version=version, query=query, created=day)
    buffer = io.BytesIO()
    # Entries dated by the day, not the clock: the same view and day give the same bytes.
    stamp = (day.year, day.month, day.day, 0, 0, 0)
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr(zipfile.ZipInfo(csv_name, stamp), to_csv(incidents), zipfile.ZIP_DEFLATED)
        archive.writestr(zipfile.ZipInfo("datapackage.json", stamp), datapackage.dumps(package), zipfile.ZIP_DEFLATED)
    return buffer.getvalue()


def to_parquet(incidents: Iterable[Incident]) -> bytes:
    buffer = io.BytesIO()
    flat.typed(flat.flat_frame(incidents)).to_parquet(buffer, index=False)
    return buffer.getvalue()


def render(
    fmt: str, incidents: Iterable[Incident], version: str, query: str = "", day: date | None = None
) -> str | bytes:
    if fmt == "parquet":
        return to_parquet(incidents)
    if fmt == "zip":
        return to_zip(incidents, version, query, day or date.today())
    if fmt == "csv":
        return to_csv(incidents)
    if fmt == "geojson":
        return to_geojson(incidents, version)
    if fmt == "json":
        return to_json(incidents, version, query, day)
    raise ValueError(f"unknown format {fmt!r}; use one of {', '.join(CLI_FORMATS)}")


@dataclass(frozen=True)
class ViewExport:
    """A view as a file: its content, how many incidents it holds, and the rows left out
    because their full record does not validate (``row N: field: message``)."""

    content: str | bytes
    written: int
    problems: list[Problem]


def export_view(catalog: Catalog, state: ViewState, fmt: str, day: date | None = None) -> ViewExport:
    """The one export path, for the dashboard's downloads and ``python -m incidents export``:
    exactly the incidents ``view.apply`` keeps, in its order, less the invalid rows."""
    ids = view.apply(catalog.frame, state)["id"]
    problems: list[Problem] = []
    written = 0

    def counted() -> Iterator[Incident]:
        nonlocal written
        for incident in catalog.iter_records(ids, problems):
            written += 1
            yield incident

    content = render(fmt, counted(), catalog.version, view.view_query(state), day)
    return ViewExport(content, written, problems)


def view_tag(state: ViewState) -> str:
    """A short name of the view's filters for a file name: ``all``, or 8 hex digits of the
    view's link. The open incident and the playback position do not change the file, and the
    dataset version is in the file name already."""
    query = view.view_query(state.without_incident().replace(at=None, version=None))
    return hashlib.sha256(query.encode()).hexdigest()[:8] if query else "all"


def file_name(fmt: str, version: str, day: date, tag: str = "") -> str:
    """Dataset version, day and (on the page's downloads) the view's tag: two views saved on
    one day never overwrite each other."""
    return f"airspace-incidents_{version}_{day.isoformat()}{f'_view-{tag}' if tag else ''}.{fmt}"
