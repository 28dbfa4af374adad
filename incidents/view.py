"""The view: every filter, the open incident and the colour-by field, as a query string.

This module is the link contract of DESIGN.md section 3. Links carry codes, never labels;
unknown keys are ignored; an invalid value is dropped with a notice and the rest applies.
``apply`` is the one place where incidents are filtered, for the dashboard and the CLI alike.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from datetime import date
from urllib.parse import parse_qsl, urlencode, urlsplit

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from incidents import safe_text
from incidents.geo import Gazetteer, Place, haversine_km, resolve_place
from incidents.model import ID_PATTERN, UNKNOWN_ACTOR, is_country_code, parse_iso_date
from incidents.vocab import CATEGORIES, NON_STATE_ACTORS, REGIONS, TYPES, VERIFICATION, vocabulary

COLOR_FIELDS = {
    "type": "Type",
    "region": "Region",
    "initiator": "Initiator country",
    "verification": "Verification",
    "escalation_risk": "Escalation risk",
}
DEFAULT_COLOR = "type"
DEFAULT_RADIUS_KM = 300.0
MAX_RADIUS_KM = 20_000.0
EARLIEST_DATE, LATEST_DATE = date(1900, 1, 1), date(2100, 12, 31)
VERSION_PATTERN = re.compile(r"^[0-9a-f]{6,64}$")

# Bounds on the work one link can ask for. Links come from strangers; a legitimate view needs
# a few hundred characters. Streamlit itself drops a query string of more than 1,000 fields or
# 512 KiB silently (components.url_state turns that into OVERSIZED_KEY so it is refused here).
MAX_LINK_CHARS = 16_384
MAX_LINK_PAIRS = 300
MAX_VALUE_CHARS = {"q": 200, "near": 100, "platform": 60}
DEFAULT_MAX_VALUE_CHARS = 120
MAX_REPEATED = 30
MAX_WORDS = 8
OVERSIZED_KEY = "_oversized_link"
LINK = "(link)"

# key -> (ViewState attribute, meaning, example). The README's "Sharing links" table is
# checked against this mapping, so documentation and code cannot drift apart.
KEYS = {
    "from": ("date_from", "start of the date window, inclusive (ISO date)", "from=2023-01-01"),
    "to": ("date_to", "end of the date window, inclusive (ISO date)", "to=2023-12-31"),
    "type": ("types", "incident types, repeated", "type=collision&type=shootdown"),
    "region": ("regions", "regions, repeated", "region=black-sea"),
    "initiator": ("initiators", "initiator countries or actors, repeated", "initiator=RU"),
    "target": ("targets", "target countries or actors, repeated", "target=US"),
    "platform": ("platforms", "platform category or platform name, repeated", "platform=uav"),
    "verification": ("verification", "verification grades, repeated", "verification=official"),
    "q": ("q", "free text searched in title, summary, location, platforms and tags", "q=reaper"),
    "near": ("near", "place name or `lat,lon` for a proximity filter", "near=Tartus"),
    "radius_km": ("radius_km", f"radius around `near` in km (default {DEFAULT_RADIUS_KM:g})", "radius_km=300"),
    "incident": ("incident", "the open incident", "incident=2023-03-14-black-sea-su27-mq9-collision"),
    "color": ("color", "colour-by field: " + ", ".join(COLOR_FIELDS), "color=initiator"),
    "v": ("version", "dataset version the link was made with", "v=3f2a9c1e"),
}


@dataclass(frozen=True)
class ViewState:
    date_from: date | None = None
    date_to: date | None = None
    types: tuple[str, ...] = ()
    regions: tuple[str, ...] = ()
    initiators: tuple[str, ...] = ()
    targets: tuple[str, ...] = ()
    platforms: tuple[str, ...] = ()
    verification: tuple[str, ...] = ()
    q: str = ""
    near: str = ""
    radius_km: float | None = None
    incident: str | None = None
    color: str = DEFAULT_COLOR
    version: str | None = None

    def without_incident(self) -> ViewState:
        return replace(self, incident=None)

    @property
    def effective_radius_km(self) -> float:
        return self.radius_km if self.radius_km is not None else DEFAULT_RADIUS_KM

    def active_filters(self) -> list[str]:
        """Query keys of the filters that narrow the view (what to loosen when nothing matches)."""
        defaults = ViewState()
        return [
            key
            for key, (attribute, *_) in KEYS.items()
            if key not in {"incident", "color", "v", "radius_km"}
            and getattr(self, attribute) != getattr(defaults, attribute)
        ]


@dataclass(frozen=True)
class Notice:
    key: str
    value: str
    message: str

    def __str__(self) -> str:
        # For terminals: control characters (escape sequences) removed, long values shortened.
        return f"{self.key}={safe_text.clean(self.value, safe_text.NOTICE_CHARS)}: {self.message}"


@dataclass
class ParsedView:
    state: ViewState
    notices: list[Notice] = field(default_factory=list)


# --- query string -> ViewState ------------------------------------------------------------


def query_pairs(query: str | Mapping[str, str | list[str]]) -> list[tuple[str, str]]:
    """Key/value pairs from a query string, a whole URL, or a mapping of lists."""
    if isinstance(query, Mapping):
        pairs = []
        for key, values in query.items():
            for value in [values] if isinstance(values, str) else values:
                pairs.append((key, value))
        return pairs
    text = query.strip()
    if "://" in text or text.startswith("/"):
        text = urlsplit(text).query
    return parse_qsl(text.removeprefix("?"), keep_blank_values=True)


def _iso_date(value: str) -> date:
    parsed = parse_iso_date(value)
    if not EARLIEST_DATE <= parsed <= LATEST_DATE:
        raise ValueError(f"is outside {EARLIEST_DATE.year}-{LATEST_DATE.year}")
    return parsed


def _vocab_code(name: str):
    def check(value: str) -> str:
        if value not in vocabulary(name):
            raise ValueError(f"is not a known {name.replace('_', ' ').rstrip('s')} code")
        return value

    return check


def _actor(value: str) -> str:
    if value == UNKNOWN_ACTOR or value in vocabulary(NON_STATE_ACTORS) or is_country_code(value):
        return value
    raise ValueError("is not an ISO 3166-1 alpha-2 country code or a known actor")


def _platform(value: str) -> str:
    if not value.strip():
        raise ValueError("is empty")
    return value.strip()


def _text(value: str) -> str:
    return value.strip()


def _words(value: str) -> str:
    words = value.split()
    if len(words) > MAX_WORDS:
        raise ValueError(f"has more than {MAX_WORDS} words")
    return " ".join(words)


def _radius(value: str) -> float:
    try:
        radius = float(value)
    except ValueError:
        raise ValueError("is not a number of kilometres") from None
    if not 0 < radius <= MAX_RADIUS_KM:
        raise ValueError(f"must be between 0 and {MAX_RADIUS_KM:g} km")
    return radius


def _incident_id(value: str) -> str:
    if not ID_PATTERN.match(value):
        raise ValueError("is not an incident id (YYYY-MM-DD-slug)")
    return value


def _color(value: str) -> str:
    if value not in COLOR_FIELDS:
        raise ValueError(f"is not a colour-by field ({', '.join(COLOR_FIELDS)})")
    return value


def _version(value: str) -> str:
    if not VERSION_PATTERN.match(value):
        raise ValueError("is not a dataset version")
    return value


PARSERS = {
    "from": _iso_date,
    "to": _iso_date,
    "type": _vocab_code(TYPES),
    "region": _vocab_code(REGIONS),
    "initiator": _actor,
    "target": _actor,
    "platform": _platform,
    "verification": _vocab_code(VERIFICATION),
    "q": _words,
    "near": _text,
    "radius_km": _radius,
    "incident": _incident_id,
    "color": _color,
    "v": _version,
}
REPEATED = {"type", "region", "initiator", "target", "platform", "verification"}


def oversized(query: str | Mapping[str, str | list[str]]) -> Notice | None:
    """Why a whole link is refused, if it is too large to be a view (None if it is not)."""
    if isinstance(query, Mapping):
        if OVERSIZED_KEY in query:
            values = query[OVERSIZED_KEY]
            size = values if isinstance(values, str) else (values[0] if values else "")
            return Notice(
                LINK, size, "is more than Streamlit accepts (1,000 parameters or 512 KiB); none of it applies"
            )
        length = sum(len(key) + len(value) + 2 for key, value in query_pairs(query))
        count = sum(1 for _ in query_pairs(query))
    else:
        length, count = len(query), query.count("&") + 1
    if length > MAX_LINK_CHARS or count > MAX_LINK_PAIRS:
        return Notice(
            LINK,
            f"{length:,} characters, {count:,} parameters",
            f"is longer than a view can be ({MAX_LINK_CHARS:,} characters, {MAX_LINK_PAIRS} parameters); "
            "none of it applies",
        )
    return None


def parse_view(query: str | Mapping[str, str | list[str]], gazetteer: Gazetteer | None = None) -> ParsedView:
    """Parse a link into a ViewState, dropping (with a notice) every value that is invalid."""
    refused = oversized(query)
    if refused is not None:
        return ParsedView(ViewState(), [refused])
    values: dict[str, object] = {}
    notices: list[Notice] = []
    for key, raw in query_pairs(query):
        if key not in KEYS:
            continue  # unknown keys are ignored: other tools may add their own
        limit = MAX_VALUE_CHARS.get(key, DEFAULT_MAX_VALUE_CHARS)
        if len(raw) > limit:
            notices.append(Notice(key, raw, f"is longer than {limit} characters"))
            continue
        try:
            value = PARSERS[key](raw)
        except ValueError as error:
            notices.append(Notice(key, raw, str(error)))
            continue
        attribute = KEYS[key][0]
        if key in REPEATED:
            existing = values.setdefault(attribute, [])
            if len(existing) >= MAX_REPEATED:
                notices.append(Notice(key, raw, f"is more than {MAX_REPEATED} values for one key"))
            elif value not in existing:
                existing.append(value)
        else:
            values[attribute] = value
    state = ViewState(**{k: tuple(v) if isinstance(v, list) else v for k, v in values.items()})
    state, more = _check_combinations(state, gazetteer)
    return ParsedView(state, notices + more)


def _check_combinations(state: ViewState, gazetteer: Gazetteer | None) -> tuple[ViewState, list[Notice]]:
    notices = []
    if state.date_from and state.date_to and state.date_from > state.date_to:
        notices.append(Notice("to", state.date_to.isoformat(), "is before `from`; the end of the window is ignored"))
        state = replace(state, date_to=None)
    if state.near and resolve_place(state.near, gazetteer) is None:
        notices.append(Notice("near", state.near, "is not a known place or `lat,lon`; the proximity filter is ignored"))
        state = replace(state, near="", radius_km=None)
    return state, notices


# --- ViewState -> query string ------------------------------------------------------------


def _format(value: object) -> str:
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, float):
        return f"{value:g}"
    return str(value)


def view_pairs(state: ViewState) -> list[tuple[str, str]]:
    """Canonical key/value pairs: fixed key order, defaults left out."""
    defaults = ViewState()
    pairs = []
    for key, (attribute, *_) in KEYS.items():
        value = getattr(state, attribute)
        if value == getattr(defaults, attribute) or value in ("", None, ()):
            continue
        if key == "radius_km" and not state.near:
            continue
        for item in value if isinstance(value, tuple) else [value]:
            pairs.append((key, _format(item)))
    return pairs


def view_query(state: ViewState) -> str:
    return urlencode(view_pairs(state))


def view_params(state: ViewState) -> dict[str, list[str]]:
    """The mapping ``st.query_params.from_dict`` takes: repeated keys as lists."""
    params: dict[str, list[str]] = {}
    for key, value in view_pairs(state):
        params.setdefault(key, []).append(value)
    return params


# --- filtering ----------------------------------------------------------------------------


def _literal(text: str) -> str:
    """``text`` as an RE2 pattern that matches it literally (every other character as \\x{..})."""
    return "".join(char if char.isascii() and char.isalnum() else f"\\x{{{ord(char):x}}}" for char in text)


def _matches(found: pa.ChunkedArray | pa.Array) -> np.ndarray:
    return np.asarray(pc.fill_null(found, False), dtype=bool)


def _has_any(column: pd.Series, codes: tuple[str, ...]) -> np.ndarray:
    """Rows whose delimited set ("|RU|BY|") holds one of ``codes``: one pass of RE2, whose
    time is linear in the text whatever the codes, instead of one scan per code."""
    if not codes:
        return np.zeros(len(column), dtype=bool)
    text = pa.array(column, type=pa.string())
    if len(codes) == 1:
        return _matches(pc.match_substring(text, f"|{codes[0]}|"))
    pattern = r"\|(?:" + "|".join(_literal(code) for code in codes) + r")\|"
    return _matches(pc.match_substring_regex(text, pattern))


def _contains_all(column: pd.Series, words: list[str], mask: np.ndarray) -> np.ndarray:
    """``mask`` narrowed to the rows whose text contains every word (a substring scan each)."""
    text = pa.array(column, type=pa.string())
    for word in words:
        mask = mask & _matches(pc.match_substring(text, word))
    return mask


def _platform_mask(frame: pd.DataFrame, platforms: tuple[str, ...]) -> np.ndarray:
    categories = tuple(p for p in platforms if p in vocabulary(CATEGORIES))
    names = tuple(p.casefold() for p in platforms if p not in vocabulary(CATEGORIES))
    return _has_any(frame["categories"], categories) | _has_any(frame["platforms"], names)


def search_words(q: str) -> list[str]:
    """The words ``q`` matches (all of them, anywhere): casefolded, at most MAX_WORDS, and
    without words that another word contains (they add a scan and match nothing more)."""
    words = list(dict.fromkeys(q.casefold().split()))[:MAX_WORDS]
    return [word for word in words if not any(word != other and word in other for other in words)]


def proximity_place(state: ViewState, gazetteer: Gazetteer | None = None) -> Place | None:
    return resolve_place(state.near, gazetteer) if state.near else None


# What the figures, the table and the exports read from a filtered frame. The long text
# columns used only for matching (summary, search_text, ...) stay behind: copying them for
# every filter change was a third of a rerun at 100k incidents.
SHOWN_COLUMNS = (
    "id", "title", "date", "end", "date_precision", "type", "escalation_risk", "verification", "region",
    "lat", "lon", "radius_km", "initiator", "target", "n_sources", "row", "hover",
)  # fmt: skip


def apply(frame: pd.DataFrame, state: ViewState, gazetteer: Gazetteer | None = None) -> pd.DataFrame:
    """The incidents a view shows (the columns of SHOWN_COLUMNS that the frame has).
    The open incident does not filter; it only selects."""
    mask = np.ones(len(frame), dtype=bool)
    # An incident overlaps the window if it starts before the window ends and ends after
    # it starts, so a multi-day episode or a month-precision date is not cut off.
    if state.date_from is not None:
        mask &= (frame["end"] >= pd.Timestamp(state.date_from)).to_numpy()
    if state.date_to is not None:
        mask &= (frame["date"] <= pd.Timestamp(state.date_to)).to_numpy()
    for column, codes in (("type", state.types), ("region", state.regions), ("verification", state.verification)):
        if codes:
            mask &= frame[column].isin(codes).to_numpy()
    if state.initiators:
        mask &= _has_any(frame["initiators"], state.initiators)
    if state.targets:
        mask &= _has_any(frame["targets"], state.targets)
    if state.platforms:
        mask &= _platform_mask(frame, state.platforms)
    if state.q:
        mask = _contains_all(frame["search_text"], search_words(state.q), mask)
    place = proximity_place(state, gazetteer)
    if place is not None:
        distances = haversine_km(place.lat, place.lon, frame["lat"].to_numpy(), frame["lon"].to_numpy())
        mask &= distances <= state.effective_radius_km
    # Columns a presentation layer precomputed per dataset (prefix "colour_") travel along.
    columns = [column for column in frame.columns if column in SHOWN_COLUMNS or column.startswith("colour_")]
    return frame.loc[mask, columns]


def codes_in(column: pd.Series) -> list[str]:
    """The distinct codes of a delimited-set column ("|RU|BY|"), most frequent first."""
    exploded = column.dropna().str.strip("|").str.split("|").explode()
    exploded = exploded[exploded.astype(bool)]
    return exploded.value_counts().index.tolist()


def replace_incident(state: ViewState, incident_id: str | None) -> ViewState:
    return replace(state, incident=incident_id)


def row_of(frame: pd.DataFrame, incident_id: str | None) -> int | None:
    """Position of an incident in the full catalog frame (its ``row``), if present."""
    if not incident_id:
        return None
    positions = np.flatnonzero(frame["id"].to_numpy() == incident_id)
    return int(positions[0]) if len(positions) else None
