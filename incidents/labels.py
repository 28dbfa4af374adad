"""Human labels for codes. Links and files carry codes; people read these."""

from __future__ import annotations

from functools import cache

import pycountry

from incidents.model import UNKNOWN_ACTOR
from incidents.vocab import (
    AIRSPACE,
    CATEGORIES,
    ESCALATION,
    NON_STATE_ACTORS,
    REGIONS,
    TYPES,
    VERIFICATION,
    VOCAB_DIR,
    vocabulary,
)

FIELD_VOCABULARY = {
    "type": TYPES,
    "region": REGIONS,
    "verification": VERIFICATION,
    "escalation_risk": ESCALATION,
    "airspace": AIRSPACE,
    "category": CATEGORIES,
}


@cache
def actor_label(code: str | None) -> str:
    """'RU' -> 'Russia', 'houthis' -> 'Houthis (Ansar Allah)'."""
    if not code:
        return "not recorded"
    if code == UNKNOWN_ACTOR:
        return "Unknown"
    if code in vocabulary(NON_STATE_ACTORS):
        return vocabulary(NON_STATE_ACTORS).label(code)
    country = pycountry.countries.get(alpha_2=code)
    if country is None:
        return code
    return getattr(country, "common_name", None) or country.name


def vocabulary_of(field: str) -> str | None:
    """The vocabulary behind a record field ("type" -> types), or the vocabulary of that name
    itself ("type_groups"), so a new filter over any vocabulary needs no entry here."""
    if field in FIELD_VOCABULARY:
        return FIELD_VOCABULARY[field]
    return field if (VOCAB_DIR / f"{field}.yaml").is_file() else None


def label(field: str, code: str | None) -> str:
    """The label of ``code`` in the vocabulary behind ``field`` (type, region, initiator ...)."""
    if code is None or code != code:  # None or NaN
        return "not recorded"
    if field in {"initiator", "target", "country", "party"}:
        return actor_label(code)
    name = vocabulary_of(field)
    return vocabulary(name).label(code) if name else str(code)


def codes(field: str) -> tuple[str, ...]:
    """All codes of a field's vocabulary, in the vocabulary's order."""
    name = vocabulary_of(field)
    if name is None:
        raise KeyError(f"no vocabulary for {field!r}")
    return vocabulary(name).codes
