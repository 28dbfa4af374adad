"""Human labels for codes. Links and files carry codes; people read these."""

from __future__ import annotations

from functools import cache

import pycountry

from incidents.model import UNKNOWN_ACTOR
from incidents.vocab import AIRSPACE, CATEGORIES, ESCALATION, NON_STATE_ACTORS, REGIONS, TYPES, VERIFICATION, vocabulary

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


def label(field: str, code: str | None) -> str:
    """The label of ``code`` in the vocabulary behind ``field`` (type, region, initiator ...)."""
    if code is None or code != code:  # None or NaN
        return "not recorded"
    if field in {"initiator", "target", "country", "party"}:
        return actor_label(code)
    name = FIELD_VOCABULARY.get(field)
    return vocabulary(name).label(code) if name else str(code)


def codes(field: str) -> tuple[str, ...]:
    """All codes of a field's vocabulary, in the vocabulary's order."""
    return vocabulary(FIELD_VOCABULARY[field]).codes
