"""Frictionless Data Package metadata for the flat export (https://datapackage.org).

The descriptor is built from the one flat-record spec (``incidents.flat.COLUMNS``): every
column with its type and meaning, the primary key, the licence and where the records come
from. The repository's ``datapackage.json`` is this descriptor for an export of the whole
dataset; every CSV download and every JSON export carries the same metadata, stamped with the
dataset version and the view it holds.
"""

from __future__ import annotations

import json
from datetime import date
from typing import Any

from incidents import flat

NAME = "airspace-incident-atlas"
TITLE = "Airspace Incident Atlas"
CSV_PATH = "airspace-incidents.csv"
LICENCE = {
    "name": "CC-BY-4.0",
    "path": "https://creativecommons.org/licenses/by/4.0/",
    "title": "Creative Commons Attribution 4.0 International",
}
DESCRIPTION = (
    "Curated, sourced records of military airspace incidents: unsafe intercepts, flares and chaff, "
    "collisions, shoot-downs, airspace and air defence zone violations, drone incursions, jamming. "
    "One row per incident. Every record cites the publications it rests on (columns sources and "
    "sources_json); nested parts (actors, claims, sources) are kept losslessly as JSON, so the file "
    "loads back into the Atlas. Text cells that begin with =, +, -, @, a tab or a carriage return carry "
    "a leading apostrophe (a spreadsheet formula guard); strip one leading apostrophe when reading."
)
SOURCES = [
    {
        "title": "Statements by governments, ministries, military commands and alliances, and news reports "
        "of them, each cited per record with its URL",
    }
]


def fields() -> list[dict[str, Any]]:
    """The Table Schema fields, in column order, from the flat-record spec."""
    return [
        {"name": column.name, "type": column.type, "description": column.description}
        | ({"constraints": {"required": True}} if column.required else {})
        for column in flat.COLUMNS
    ]


def resource(path: str = CSV_PATH) -> dict[str, Any]:
    return {
        "name": "incidents",
        "path": path,
        "profile": "tabular-data-resource",
        "format": "csv",
        "mediatype": "text/csv",
        "encoding": "utf-8",
        "schema": {"fields": fields(), "primaryKey": ["id"], "missingValues": [""]},
    }


def descriptor(
    path: str = CSV_PATH, *, version: str | None = None, query: str | None = None, created: date | None = None
) -> dict[str, Any]:
    """The package: without a version it describes the export format (the committed file);
    with one, a particular export of a particular view."""
    package: dict[str, Any] = {
        "name": NAME,
        "title": TITLE,
        "description": DESCRIPTION,
        "licenses": [LICENCE],
        "sources": SOURCES,
        "contributors": [{"title": "The Airspace Incident Atlas contributors", "role": "author"}],
        "keywords": ["military aviation", "airspace incidents", "unsafe intercepts", "drone incursions"],
    }
    if version is not None:
        package["version"] = version
    if created is not None:
        package["created"] = f"{created.isoformat()}T00:00:00Z"
    if query is not None:
        package["view"] = {"query": query}  # a custom property: the link the export was made from
    package["resources"] = [resource(path)]
    return package


def dumps(package: dict[str, Any]) -> str:
    return json.dumps(package, ensure_ascii=False, indent=1) + "\n"
