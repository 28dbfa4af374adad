"""All records of a data folder -> one tidy DataFrame, the rejected files, a version.

A broken file never stops the others and never vanishes: it becomes a ``Problem`` that the
CLI prints and the dashboard lists in its data-quality notice.
"""

from __future__ import annotations

import hashlib
import json
import os
from collections.abc import Iterable, Iterator, Mapping, Set
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path

import pandas as pd
from pydantic import ValidationError

from incidents.flat import catalog_frame, flat_frame
from incidents.geo import Gazetteer, default_gazetteer
from incidents.model import Incident, Source
from incidents.problems import Problem, problems_from_validation
from incidents.records import ReadResult, read_record, refuse_special_file
from incidents.tabular import (
    DOCUMENT_SUFFIXES,
    TABULAR_SUFFIXES,
    RowRecords,
    TooManyRows,
    file_version,
    read_documents,
    read_table,
    validate_table,
)
from incidents.view import codes_in

DATA_DIR = Path(__file__).parent / "data"
DATA_ENV = "INCIDENTS_DATA"
RECORD_SUFFIXES = (".yaml", ".yml")


@dataclass
class Catalog:
    frame: pd.DataFrame
    records: Mapping[str, Incident]
    problems: list[Problem] = field(default_factory=list)
    version: str = ""

    def check_rows(self) -> list[Problem]:
        """Rows of a flat file whose full record does not validate (records of a folder were
        validated whole when they loaded)."""
        return self.records.check_all() if isinstance(self.records, RowRecords) else []

    def known_invalid(self, incident_ids: Iterable[str]) -> list[Problem]:
        """Rows of this view whose full record was found invalid (left out of downloads)."""
        return self.records.known_invalid(incident_ids) if isinstance(self.records, RowRecords) else []

    @property
    def rejected_files(self) -> list[str]:
        return sorted({problem.path for problem in self.problems})

    def record(self, incident_id: str | None) -> tuple[Incident | None, list[Problem]]:
        """The full record of an incident to show, or why it cannot be shown (never raises)."""
        if not incident_id or incident_id not in self.records:
            return None, []
        if isinstance(self.records, RowRecords):
            problems = self.records.problem(incident_id)
            if problems:
                return None, problems
        return self.records[incident_id], []

    def iter_records(self, incident_ids: Iterable[str], problems: list[Problem]) -> Iterator[Incident]:
        """Full records of these ids, in order; the rows whose record does not validate are
        left out and their problems (``row N: field: message``) appended to ``problems``.
        Records are built as they are consumed and kept nowhere (see RowRecords)."""
        if isinstance(self.records, RowRecords):
            yield from self.records.iter_build(incident_ids, problems)
        else:
            yield from (self.records[incident_id] for incident_id in incident_ids)

    def sources(self, incident_ids: Iterable[str]) -> dict[str, list[Source]]:
        """Each valid record's sources (for the printed table); rows that do not validate are left out."""
        return {incident.id: incident.sources for incident in self.iter_records(incident_ids, [])}

    def titles(self, incident_ids: list[str]) -> dict[str, str]:
        known = self.frame[self.frame["id"].isin(incident_ids)]
        return dict(zip(known["id"], known["title"], strict=True))

    @cached_property
    def filter_options(self) -> dict[str, list[str]]:
        """Codes present in the data, for the filter widgets (computed once per catalog)."""
        return {"initiators": codes_in(self.frame["initiators"]), "targets": codes_in(self.frame["targets"])}


def data_path() -> Path:
    """The dataset in use: $INCIDENTS_DATA if set, else the curated records."""
    return Path(os.environ.get(DATA_ENV) or DATA_DIR)


def record_files(paths: list[Path]) -> list[Path]:
    return [path for path, _ in _record_files(paths)]


def _record_files(paths: list[Path]) -> list[tuple[Path, Path | None]]:
    """Each record file with the folder it was found in. FIFOs, devices and links are listed
    too (not skipped in silence), so that reading refuses them by name."""
    files: list[tuple[Path, Path | None]] = []
    for path in paths:
        if path.is_dir():
            found = sorted(p for p in path.rglob("*") if p.suffix in RECORD_SUFFIXES and not p.is_dir())
            files.extend((p, path) for p in found)
        else:
            files.append((path, None))
    return files


def load_catalog(
    paths: Path | list[Path] = DATA_DIR, gazetteer: Gazetteer | None = None, known_ids: Set[str] = frozenset()
) -> Catalog:
    """Read, validate and cross-check records: a folder of YAML records, or one file in the
    export format (CSV, Parquet, JSON, GeoJSON). ``known_ids`` are ids outside ``paths``
    that ``related`` may point to (when validating a few files against the shipped data)."""
    roots = [paths] if isinstance(paths, Path) else list(paths)
    single = roots[0] if len(roots) == 1 and not roots[0].is_dir() else None
    if single is not None and single.suffix not in RECORD_SUFFIXES and (refused := refuse_special_file(single)):
        return Catalog(incident_frame([]), {}, [Problem(display_path(single), "(file)", refused)])
    if len(roots) == 1 and roots[0].is_file() and roots[0].suffix in TABULAR_SUFFIXES:
        return _load_table(roots[0])
    if len(roots) == 1 and roots[0].is_file() and roots[0].suffix in DOCUMENT_SUFFIXES:
        return _load_documents(roots[0], gazetteer or default_gazetteer(), known_ids)
    gazetteer = gazetteer or default_gazetteer()
    results = [read_record(path, display_path(path), root) for path, root in _record_files(roots)]
    return _catalog(results, gazetteer, known_ids)


def _catalog(results: list[ReadResult], gazetteer: Gazetteer, known_ids: Set[str]) -> Catalog:
    problems = [problem for result in results for problem in result.problems]
    valid = [result for result in results if result.incident is not None]
    valid, cross_problems = _cross_check(valid, known_ids)
    valid, place_problems = _locate(valid, gazetteer)
    records = {_incident(result).id: _incident(result) for result in valid}
    return Catalog(
        frame=incident_frame(list(records.values())),
        records=records,
        problems=sorted(problems + cross_problems + place_problems),
        version=dataset_version(records.values()),
    )


def _load_table(path: Path) -> Catalog:
    shown = display_path(path)
    try:
        table = read_table(path)
    except TooManyRows as error:
        return Catalog(incident_frame([]), {}, [Problem(shown, "(file)", str(error))])
    except Exception as error:
        return Catalog(incident_frame([]), {}, [Problem(shown, "(file)", f"cannot read {path.suffix} file: {error}")])
    valid, problems = validate_table(table, shown)
    return Catalog(catalog_frame(valid), RowRecords(valid, shown), problems, file_version(path, len(valid)))


def _load_documents(path: Path, gazetteer: Gazetteer, known_ids: Set[str]) -> Catalog:
    shown = display_path(path)
    documents, problems = read_documents(path)
    results = []
    for number, data in enumerate(documents, start=1):
        where = f"{shown}#{number}"
        try:
            results.append(ReadResult(where, Incident.model_validate(data), [], data))
        except ValidationError as error:
            problems.extend(problems_from_validation(where, error))
    catalog = _catalog(results, gazetteer, known_ids)
    catalog.problems = sorted(problems + catalog.problems)
    return catalog


def _incident(result: ReadResult) -> Incident:
    """The record of a result that validated (``_catalog`` passes on only those)."""
    assert result.incident is not None
    return result.incident


def display_path(path: Path) -> str:
    try:
        return str(path.resolve().relative_to(Path.cwd()))
    except ValueError:
        return str(path)


def _cross_check(results: list[ReadResult], known_ids: Set[str]) -> tuple[list[ReadResult], list[Problem]]:
    problems: list[Problem] = []
    first_path: dict[str, str] = {}
    unique: list[ReadResult] = []
    for result in results:
        incident = _incident(result)
        if incident.id in first_path:
            problems.append(Problem(result.path, "id", f"duplicate id, already used by {first_path[incident.id]}"))
            continue
        folder = Path(result.path).parent.name
        if folder.isdigit() and folder != incident.id[:4]:
            problems.append(
                Problem(result.path, "id", f"file is in folder {folder}/ but belongs in {incident.id[:4]}/")
            )
            continue
        first_path[incident.id] = result.path
        unique.append(result)
    ids = set(first_path) | set(known_ids)
    linked: list[ReadResult] = []
    for result in unique:
        missing = [related for related in _incident(result).related if related not in ids]
        if missing:
            problems.append(Problem(result.path, "related", f"no incident with id {', '.join(missing)}"))
        else:
            linked.append(result)
    return linked, problems


def _locate(results: list[ReadResult], gazetteer: Gazetteer) -> tuple[list[ReadResult], list[Problem]]:
    """Fill coordinates a record leaves out from the gazetteer (offline, never the network)."""
    located, problems = [], []
    for result in results:
        location = _incident(result).location
        if location.lat is not None:
            located.append(result)
            continue
        place = gazetteer.lookup(location.name)
        if place is None:
            problems.append(
                Problem(
                    result.path,
                    "location.lat",
                    f"no coordinates and {location.name!r} is not in the gazetteer; "
                    "add lat/lon or run `python -m incidents geocode --online`",
                )
            )
            continue
        filled = location.model_copy(
            update={"lat": place.lat, "lon": place.lon, "radius_km": location.radius_km or place.radius_km}
        )
        located.append(
            ReadResult(result.path, _incident(result).model_copy(update={"location": filled}), [], result.data)
        )
    return located, problems


def dataset_version(records: Iterable[Incident]) -> str:
    """Short content hash of the valid records, independent of file order and formatting."""
    canonical = [record.model_dump(mode="json") for record in sorted(records, key=lambda r: r.id)]
    digest = hashlib.sha256(json.dumps(canonical, sort_keys=True, ensure_ascii=False).encode("utf-8"))
    return digest.hexdigest()[:8]


def incident_frame(incidents: list[Incident]) -> pd.DataFrame:
    """The catalog frame of validated records, through their flat rows (incidents.flat), so
    that records and flat files become the same frame by the same code."""
    return catalog_frame(flat_frame(incidents))
