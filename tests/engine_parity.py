"""What the engine parity tests share: a brute-force filter and random views.

``brute_force_ids`` reads the link's meaning off the README table row by row, in plain Python
(no mask, no query, no pattern): the third opinion the pandas and query engines must agree
with. ``views`` draws random views from the codes and words of a catalog, hostile text among
them.
"""

from __future__ import annotations

import math
from datetime import date, timedelta

import pandas as pd
from hypothesis import strategies as st

from incidents.filters import DEFAULT_RADIUS_KM, search_words
from incidents.geo import EARTH_RADIUS_KM, resolve_place
from incidents.view import ViewState
from incidents.vocab import (
    BEHAVIOURS,
    CATEGORIES,
    COLLECTIONS,
    REGIONS,
    SERIES,
    TYPE_GROUPS,
    TYPES,
    VERIFICATION,
    vocabulary,
)

HOSTILE_TEXT = [
    "' OR '1'='1",
    "x'); DROP TABLE catalog; --",
    '" OR ""="',
    "%' --",
    "\\'; SELECT 1; --",
    ".*",
    "(?i)",
    "|RU|",
    "\\x{41}",
    "ü’🚀",
    "\x00",
]


def _whole_name(text: str, name: str) -> bool:
    """``name`` in ``text`` with no letter or digit right before or after it."""
    start = text.find(name)
    while start != -1:
        end = start + len(name)
        before = text[start - 1] if start > 0 else " "
        after = text[end] if end < len(text) else " "
        if not before.isalnum() and not after.isalnum():
            return True
        start = text.find(name, start + 1)
    return False


def _in_set(cell: object, codes: tuple[str, ...]) -> bool:
    return isinstance(cell, str) and any(f"|{code}|" in cell for code in codes)


def _distance_km(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    phi1, phi2 = math.radians(lat1), math.radians(lat2)
    a = (
        math.sin((phi2 - phi1) / 2) ** 2
        + math.cos(phi1) * math.cos(phi2) * math.sin(math.radians(lon2 - lon1) / 2) ** 2
    )
    return 2 * EARTH_RADIUS_KM * math.asin(math.sqrt(min(max(a, 0.0), 1.0)))


def _keeps(row: dict, state: ViewState) -> bool:  # one clause per link key, as the README lists them
    if state.date_from and not row["end"] >= pd.Timestamp(state.date_from):
        return False
    if state.date_to and not row["date"] <= pd.Timestamp(state.date_to):
        return False
    if state.types and row["type"] not in state.types:
        return False
    if state.groups and vocabulary(TYPES).entries[row["type"]].get("group") not in state.groups:
        return False
    if state.series and row["series"] not in state.series:
        return False
    if state.behaviours and not _in_set(row["behaviours"], state.behaviours):
        return False
    if state.collections and not _in_set(row["collections"], state.collections):
        return False
    if state.regions and row["region"] not in state.regions:
        return False
    if state.initiators and not _in_set(row["initiators"], state.initiators):
        return False
    if state.targets and not _in_set(row["targets"], state.targets):
        return False
    if state.verification and row["verification"] not in state.verification:
        return False
    if state.platforms:
        categories = tuple(p for p in state.platforms if p in vocabulary(CATEGORIES))
        names = [p.casefold() for p in state.platforms if p not in vocabulary(CATEGORIES)]
        platforms = row["platforms"] if isinstance(row["platforms"], str) else ""
        if not (_in_set(row["categories"], categories) or any(_whole_name(platforms, n) for n in names)):
            return False
    if state.q and not all(word in (row["search_text"] or "") for word in search_words(state.q)):
        return False
    if state.near:
        place = resolve_place(state.near)
        radius = state.radius_km if state.radius_km is not None else DEFAULT_RADIUS_KM
        if place is not None and not _distance_km(place.lat, place.lon, row["lat"], row["lon"]) <= radius:
            return False
    return not (state.zones and "zones" in row and not _in_set(row["zones"], state.zones))


def brute_force_ids(frame: pd.DataFrame, state: ViewState) -> list[str]:
    return sorted(str(row["id"]) for row in frame.to_dict("records") if _keeps(row, state))


def _words(frame: pd.DataFrame) -> list[str]:
    found = sorted({word for text in frame["search_text"] for word in str(text).split()})
    return found[:: max(1, len(found) // 200)] or ["x"]


def _platform_names(frame: pd.DataFrame) -> list[str]:
    names = {part for cell in frame["platforms"].dropna() for part in str(cell).strip("|").split("|") if part}
    return sorted(names)[:40] or ["mq-9 reaper"]


def _set_codes(frame: pd.DataFrame, column: str) -> list[str]:
    return sorted({part for cell in frame[column].dropna() for part in str(cell).strip("|").split("|") if part})


@st.composite
def views(draw: st.DrawFn, frame: pd.DataFrame) -> ViewState:
    """A random view over ``frame``: a few keys set, values from the data, from the
    vocabularies and from HOSTILE_TEXT."""

    def some(options: list[str]) -> tuple[str, ...]:
        if not options or not draw(st.booleans()):
            return ()
        return tuple(draw(st.lists(st.sampled_from(options), min_size=1, max_size=3, unique=True)))

    first, last = date(2012, 1, 1), date(2026, 12, 31)
    day = st.integers(0, (last - first).days).map(lambda n: first + timedelta(days=n))
    date_from = draw(st.one_of(st.none(), day))
    date_to = draw(st.one_of(st.none(), day))
    if date_from and date_to and date_to < date_from:
        date_from, date_to = date_to, date_from
    words = draw(st.lists(st.sampled_from(_words(frame) + HOSTILE_TEXT), max_size=3))
    near, radius = "", None
    if draw(st.booleans()):
        near = f"{draw(st.floats(-60, 70)):.3f},{draw(st.floats(-179, 179)):.3f}"
        radius = draw(st.one_of(st.none(), st.floats(1, 5_000)))
    return ViewState(
        date_from=date_from,
        date_to=date_to,
        types=some(list(vocabulary(TYPES).codes)),
        groups=some(list(vocabulary(TYPE_GROUPS).codes)),
        series=some(list(vocabulary(SERIES).codes)),
        behaviours=some(list(vocabulary(BEHAVIOURS).codes)),
        collections=some(list(vocabulary(COLLECTIONS).codes)),
        regions=some(list(vocabulary(REGIONS).codes)),
        initiators=some(_set_codes(frame, "initiators")),
        targets=some(_set_codes(frame, "targets")),
        platforms=some(list(vocabulary(CATEGORIES).codes) + _platform_names(frame) + HOSTILE_TEXT),
        verification=some(list(vocabulary(VERIFICATION).codes)),
        q=" ".join(words),
        near=near,
        radius_km=radius,
    )
