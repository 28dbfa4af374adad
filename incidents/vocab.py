"""Controlled vocabularies, read from ``incidents/vocab/*.yaml``.

Each file maps a code (what records and links carry) to at least a ``label`` (what people
read). Codes are the contract; labels may be reworded freely.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any, cast

import yaml

VOCAB_DIR = Path(__file__).parent / "vocab"


@dataclass(frozen=True)
class Vocabulary:
    name: str
    entries: dict[str, dict[str, Any]]  # code -> its fields as written in the YAML file

    @property
    def codes(self) -> tuple[str, ...]:
        return tuple(self.entries)

    def __contains__(self, code: object) -> bool:
        return code in self.entries

    def label(self, code: str) -> str:
        entry = self.entries.get(code)
        return cast(str, entry["label"]) if entry else code  # every entry has a text label

    def describe(self) -> str:
        return ", ".join(self.codes)


@cache
def vocabulary(name: str) -> Vocabulary:
    """The vocabulary in ``vocab/<name>.yaml`` (types, regions, platform_categories, ...)."""
    with open(VOCAB_DIR / f"{name}.yaml", encoding="utf-8") as handle:
        entries = yaml.safe_load(handle) or {}
    return Vocabulary(name, {str(code): dict(entry) for code, entry in entries.items()})


RECODED_FILE = Path(__file__).parent / "recoded.yaml"


@cache
def recoded(name: str) -> dict[str, dict[str, str]]:
    """Retired codes of a vocabulary -> {now, since, why} (``incidents/recoded.yaml``)."""
    with open(RECODED_FILE, encoding="utf-8") as handle:
        table = yaml.safe_load(handle) or {}
    return {str(old): {k: str(v) for k, v in entry.items()} for old, entry in (table.get(name) or {}).items()}


TYPES = "types"
REGIONS = "regions"
CATEGORIES = "platform_categories"
VERIFICATION = "verification"
ESCALATION = "escalation"
AIRSPACE = "airspace"
NON_STATE_ACTORS = "actors"
TYPE_GROUPS = "type_groups"
BEHAVIOURS = "behaviours"
COLLECTIONS = "collections"
SERIES = "series"
