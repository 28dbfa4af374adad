"""What the data is: definitions, collections with their coverage, and counts.

One source for the app's "About the data" panel and the README's collections table, so the
two say the same thing and a test can hold the README to the data.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from datetime import date

import pandas as pd

from incidents.filters import has_any
from incidents.model import Incident
from incidents.vocab import BEHAVIOURS, COLLECTIONS, ESCALATION, TYPE_GROUPS, TYPES, VERIFICATION, vocabulary


@dataclass(frozen=True)
class Definition:
    term: str
    meaning: str


@dataclass(frozen=True)
class Section:
    heading: str
    definitions: tuple[Definition, ...]


@dataclass(frozen=True)
class Coverage:
    """A collection: its rule, the period it covers, how complete it is, what the data holds."""

    code: str
    label: str
    rule: str
    period: tuple[date, date]
    completeness: str
    records: int
    first: date | None
    last: date | None


@dataclass(frozen=True)
class SourceShares:
    records: int
    sources: int
    titled: int
    official_records: int  # records citing at least one statement as its author published it

    @property
    def titled_share(self) -> float:
        return self.titled / self.sources if self.sources else 0.0

    @property
    def official_share(self) -> float:
        return self.official_records / self.records if self.records else 0.0


def _words(text: object) -> str:
    return " ".join(str(text).split())


def _entries(name: str, field: str) -> tuple[Definition, ...]:
    return tuple(Definition(entry["label"], _words(entry[field])) for entry in vocabulary(name).entries.values())


def _types() -> tuple[Definition, ...]:
    groups = vocabulary(TYPE_GROUPS)
    return tuple(
        Definition(entry["label"], f"{_words(entry['description'])} (group: {groups.label(entry['group'])})")
        for entry in vocabulary(TYPES).entries.values()
    )


def _roles() -> tuple[Definition, ...]:
    return tuple(
        Definition(entry["label"], f"initiator: {entry['initiator']}; target: {entry['target']}")
        for entry in vocabulary(TYPE_GROUPS).entries.values()
        if "initiator" in entry
    )


def definitions() -> tuple[Section, ...]:
    """Every term a filter or a record uses, in the words of the vocabularies."""
    return (
        Section("Type groups", _entries(TYPE_GROUPS, "description")),
        Section("Incident types", _types()),
        Section("Behaviours", _entries(BEHAVIOURS, "description")),
        Section("Roles (who is the initiator, who the target)", _roles()),
        Section("Verification grades", _entries(VERIFICATION, "rule")),
        Section("Escalation risk", _entries(ESCALATION, "rule")),
    )


def _as_date(value: object) -> date:
    return value if isinstance(value, date) else date.fromisoformat(str(value))


def _members(frame: pd.DataFrame, code: str) -> pd.DataFrame:
    if "collections" not in frame:
        return frame.iloc[:0]
    return frame[has_any(frame["collections"].fillna(""), [code])]


def coverage(frame: pd.DataFrame) -> tuple[Coverage, ...]:
    """Each collection with the records of ``frame`` in it and the dates they span."""

    def held(code: str) -> tuple[int, date | None, date | None]:
        members = _members(frame, code)
        if members.empty:
            return 0, None, None
        return len(members), members["date"].min().date(), members["end"].max().date()

    return coverage_of(held)


def coverage_of(members: Callable[[str], tuple[int, date | None, date | None]]) -> tuple[Coverage, ...]:
    """Each collection's rule, period and completeness with what ``members(code)`` says the
    data holds of it: how many records, the first date and the last day (a frame's rows, or a
    query over a file queried where it lies)."""
    rows = []
    for code, entry in vocabulary(COLLECTIONS).entries.items():
        start, end = (_as_date(day) for day in entry["period"])
        records, first, last = members(code)
        rows.append(Coverage(code, entry["label"], _words(entry["rule"]), (start, end),
                             _words(entry["completeness"]), records, first, last))  # fmt: skip
    return tuple(rows)


def source_shares(records: Iterable[Incident]) -> SourceShares:
    counted = list(records)
    sources = [source for incident in counted for source in incident.sources]
    return SourceShares(
        records=len(counted),
        sources=len(sources),
        titled=sum(1 for source in sources if source.title),
        official_records=sum(any(s.kind == "official" for s in incident.sources) for incident in counted),
    )


def curated_shares(records: Mapping[str, Incident], limit: int = 20_000) -> SourceShares | None:
    """Source shares of a curated folder; None for large flat datasets, whose records would
    each have to be built from their rows."""
    return source_shares(records.values()) if isinstance(records, dict) and len(records) <= limit else None
