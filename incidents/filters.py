"""Every key of a link, declared once: how it parses, what it narrows, how people see it.

One ``Param`` per URL key. ``incidents.view`` derives the ``ViewState`` fields, the parsers,
the canonical query string and ``apply`` from ``PARAMS``; ``components.filters`` derives the
sidebar widgets and ``components.url_state`` the widget <-> URL sync; ``incidents.citation``
the words of a citation; ``incidents.stats`` the README's "Sharing links" table. Adding a
filter is one declaration here plus its tests (docs/architecture.md, "Adding a filter").
Datasette's ``Filter`` objects are the model.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any, Literal

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from incidents import periods
from incidents.geo import Gazetteer, haversine_km, resolve_place
from incidents.labels import label
from incidents.model import ID_PATTERN, is_actor_code, parse_iso_date
from incidents.vocab import (
    BEHAVIOURS,
    CATEGORIES,
    COLLECTIONS,
    REGIONS,
    SERIES,
    TYPE_GROUPS,
    TYPES,
    VERIFICATION,
    recoded,
    vocabulary,
)

Mask = np.ndarray
DEFAULT_RADIUS_KM = 300.0
MAX_RADIUS_KM = 20_000.0
EARLIEST_DATE, LATEST_DATE = date(1900, 1, 1), date(2100, 12, 31)
DEFAULT_MAX_VALUE_CHARS = 120
MAX_WORDS = 8
COLOR_FIELDS = {
    "type": "Type",
    "region": "Region",
    "initiator": "Initiator country",
    "verification": "Verification",
    "escalation_risk": "Escalation risk",
}
DEFAULT_COLOR = "type"


@dataclass(frozen=True)
class Widget:
    """How the sidebar asks for a value; ``components.filters`` maps ``kind`` to Streamlit.

    ``options``: a vocabulary field ("type"), or "data:<column>" for the codes present in the
    data; ``labels``: the field whose labels the options show."""

    kind: Literal["date", "multiselect", "text", "number", "select", "none"]
    options: str | None = None
    labels: str | None = None
    free_text: bool = False
    placeholder: str = ""
    minimum: float | None = None
    maximum: float | None = None
    step: float | None = None


NO_WIDGET = Widget("none")


@dataclass(frozen=True)
class Context:
    """What narrowing needs beyond the frame: the whole view (``near`` reads ``radius_km``)
    and the gazetteer places are resolved in."""

    state: Any
    gazetteer: Gazetteer | None = None


Narrow = Callable[[pd.DataFrame, Any, Context], Mask]
Describe = Callable[[Any], str | None]


@dataclass(frozen=True)
class Param:
    key: str  # in the URL
    attribute: str  # on ViewState
    parse: Callable[[str], Any]  # one URL value -> a value, or ValueError saying why
    meaning: str  # the README's "Sharing links" table
    example: str
    label: str  # the widget's label
    default: Any = None
    repeated: bool = False
    narrow: Narrow | None = None  # None: the key selects or styles, it does not filter
    describe: Describe | None = None  # the view -> words for a citation, or None
    widget: Widget = NO_WIDGET
    help: str | None = None
    max_chars: int = DEFAULT_MAX_VALUE_CHARS
    requires: str | None = None  # written to a link only when this other key is set
    widget_key: str = ""
    format: Callable[[Any], str] | None = None  # a value -> its URL text (default: str / isoformat)

    @property
    def session_key(self) -> str:
        """The widget's key in ``st.session_state``."""
        return self.widget_key or f"f_{self.key}"

    @property
    def filters(self) -> bool:
        return self.narrow is not None

    @property
    def empty(self) -> Any:
        return () if self.repeated else self.default


# --- parsers: one URL value -> a value, or a ValueError that says why ---------------------


def iso_date(value: str) -> date:
    parsed = parse_iso_date(value)
    if not EARLIEST_DATE <= parsed <= LATEST_DATE:
        raise ValueError(f"is outside {EARLIEST_DATE.year}-{LATEST_DATE.year}")
    return parsed


class Recoded(ValueError):
    """A retired code that a link may still hold: the view uses ``value``, and the page says why."""

    def __init__(self, value: str, message: str):
        super().__init__(message)
        self.value = value


def vocab_code(name: str) -> Callable[[str], str]:
    def check(value: str) -> str:
        retired = recoded(name).get(value)
        if retired is not None:
            raise Recoded(retired["now"], f"was recoded as “{retired['now']}” on {retired['since']}: {retired['why']}")
        if value not in vocabulary(name):
            raise ValueError(f"is not a known {name.replace('_', ' ').rstrip('s')} code")
        return value

    return check


def actor(value: str) -> str:
    if not is_actor_code(value):
        raise ValueError("is not an ISO 3166-1 alpha-2 country code or a known actor")
    return value


def platform(value: str) -> str:
    if not value.strip():
        raise ValueError("is empty")
    return value.strip()


def text(value: str) -> str:
    return value.strip()


def words(value: str) -> str:
    found = value.split()
    if len(found) > MAX_WORDS:
        raise ValueError(f"has more than {MAX_WORDS} words")
    return " ".join(found)


def radius(value: str) -> float:
    try:
        kilometres = float(value)
    except ValueError:
        raise ValueError("is not a number of kilometres") from None
    if not 0 < kilometres <= MAX_RADIUS_KM:  # also refuses nan
        raise ValueError(f"must be between 0 and {MAX_RADIUS_KM:g} km")
    return kilometres


def layer_id(value: str) -> str:
    """A layer id's shape; whether such a layer is loaded is the page's to say."""
    if not re.fullmatch(r"[a-z0-9][a-z0-9-]{1,48}", value):
        raise ValueError("is not a layer id")
    return value


def zone_id(value: str) -> str:
    """A zone: a layer id, or ``layer:zone`` for one zone of a many-zone layer (an FIR)."""
    layer, _, part = value.partition(":")
    if not re.fullmatch(r"[a-z0-9][a-z0-9-]{1,48}", layer) or (part and not re.fullmatch(r"[A-Za-z0-9_-]{1,40}", part)):
        raise ValueError("is not a zone id (a layer id, or layer:zone)")
    return value


def incident_id(value: str) -> str:
    if not ID_PATTERN.match(value):
        raise ValueError("is not an incident id (YYYY-MM-DD-slug)")
    return value


def color(value: str) -> str:
    if value not in COLOR_FIELDS:
        raise ValueError(f"is not a colour-by field ({', '.join(COLOR_FIELDS)})")
    return value


def version(value: str) -> str:
    if not (6 <= len(value) <= 64 and all(char in "0123456789abcdef" for char in value)):
        raise ValueError("is not a dataset version")
    return value


# --- narrowing: (frame, value, context) -> boolean mask -----------------------------------


def _literal(text: str) -> str:
    """``text`` as an RE2 pattern that matches it literally (every other character as \\x{..})."""
    return "".join(char if char.isascii() and char.isalnum() else f"\\x{{{ord(char):x}}}" for char in text)


def _matches(found: pa.BooleanArray) -> Mask:
    # The stubs want every fill_null argument of one type; pyarrow takes a Python fill value.
    return np.asarray(pc.fill_null(found, False), dtype=bool)  # type: ignore[type-var]


def has_any(column: pd.Series, codes: Sequence[str]) -> Mask:
    """Rows whose delimited set ("|RU|BY|") holds one of ``codes``: one pass of RE2, whose
    time is linear in the text whatever the codes, instead of one scan per code."""
    if not codes:
        return np.zeros(len(column), dtype=bool)
    text = pa.array(column, type=pa.string())
    if len(codes) == 1:
        return _matches(pc.match_substring(text, f"|{codes[0]}|"))
    pattern = r"\|(?:" + "|".join(_literal(code) for code in codes) + r")\|"
    return _matches(pc.match_substring_regex(text, pattern))


def has_name(column: pd.Series, names: Sequence[str]) -> Mask:
    """Rows where one of ``names`` stands as a whole name in a platform: "F-16" finds
    "F-16" and "F-16 and Mirage 2000" but not "F-16XL" (letters and digits around it would
    make it another name). One RE2 pass, user text matched literally."""
    if not names:
        return np.zeros(len(column), dtype=bool)
    alternatives = "|".join(_literal(name) for name in names)
    pattern = rf"(?:^|[^\p{{L}}\p{{N}}])(?:{alternatives})(?:[^\p{{L}}\p{{N}}]|$)"
    return _matches(pc.match_substring_regex(pa.array(column, type=pa.string()), pattern))


def search_words(q: str) -> list[str]:
    """The words ``q`` matches (all of them, anywhere): casefolded, at most MAX_WORDS, and
    without words that another word contains (they add a scan and match nothing more)."""
    found = list(dict.fromkeys(q.casefold().split()))[:MAX_WORDS]
    return [word for word in found if not any(word != other and word in other for other in found)]


def _in(column: str) -> Narrow:
    return lambda frame, codes, context: frame[column].isin(codes).to_numpy()


def _types_of_groups(frame: pd.DataFrame, groups: tuple[str, ...], context: Context) -> Mask:
    types = [code for code, entry in vocabulary(TYPES).entries.items() if entry.get("group") in groups]
    return frame["type"].isin(types).to_numpy()


def _any_code(column: str) -> Narrow:
    return lambda frame, codes, context: has_any(frame[column], codes)


def _starts_by(frame: pd.DataFrame, day: date, context: Context) -> Mask:
    # An incident overlaps the window if it starts before the window ends and ends after
    # it starts, so a multi-day episode or a month-precision date is not cut off.
    return (frame["end"] >= pd.Timestamp(day)).to_numpy()


def _ends_by(frame: pd.DataFrame, day: date, context: Context) -> Mask:
    return (frame["date"] <= pd.Timestamp(day)).to_numpy()


def _inside_zones(frame: pd.DataFrame, zones: tuple[str, ...], context: Context) -> Mask:
    # Zone facts are computed at load up to a dataset size (components/data.py); without them
    # the filter cannot apply, and the page says so.
    if "zones" not in frame:
        return np.ones(len(frame), dtype=bool)
    return has_any(frame["zones"], zones)


def _platforms(frame: pd.DataFrame, wanted: tuple[str, ...], context: Context) -> Mask:
    categories = tuple(p for p in wanted if p in vocabulary(CATEGORIES))
    names = tuple(p.casefold() for p in wanted if p not in vocabulary(CATEGORIES))
    mask: Mask = has_any(frame["categories"], categories) | has_name(frame["platforms"], names)  # numpy: `|` is Any
    return mask


def _all_words(frame: pd.DataFrame, q: str, context: Context) -> Mask:
    text = pa.array(frame["search_text"], type=pa.string())
    mask: Mask = np.ones(len(frame), dtype=bool)
    for word in search_words(q):
        mask &= _matches(pc.match_substring(text, word))
    return mask


def _within_radius(frame: pd.DataFrame, near: str, context: Context) -> Mask:
    place = resolve_place(near, context.gazetteer)
    if place is None:  # parse_view drops an unknown place with a notice; a widget may not
        return np.ones(len(frame), dtype=bool)
    distances = haversine_km(place.lat, place.lon, frame["lat"].to_numpy(), frame["lon"].to_numpy())
    return np.asarray(distances <= effective_radius(context.state), dtype=bool)


def effective_radius(state: Any) -> float:
    return float(state.radius_km) if state.radius_km is not None else DEFAULT_RADIUS_KM


# --- how a citation says it -----------------------------------------------------------------


def _listed(words: str, field: str, attribute: str) -> Describe:
    def describe(state: Any) -> str | None:
        codes = getattr(state, attribute)
        return f"{words}: {', '.join(label(field, code) for code in codes)}" if codes else None

    return describe


def _window(state: Any) -> str | None:
    if not (state.date_from or state.date_to):
        return None
    start = state.date_from.isoformat() if state.date_from else "the first record"
    end = state.date_to.isoformat() if state.date_to else "the latest record"
    return f"from {start} to {end}"


def _matching(state: Any) -> str | None:
    return f'matching "{state.q}"' if state.q else None


def _proximity(state: Any) -> str | None:
    return f"within {effective_radius(state):g} km of {state.near}" if state.near else None


def _playback(state: Any) -> str | None:
    if state.at is None:
        return None
    length = "cumulative" if state.span == periods.CUMULATIVE else f"a {state.span}-month window"
    return f"map at {state.at:%B %Y} ({length})"


def _compared(state: Any) -> str | None:
    if len(state.compare) != 2:
        return None
    first, second = state.compare
    return f"comparing {periods.format_period(first)} with {periods.format_period(second)}"


def _definitions(name: str, field: str) -> str:
    """A vocabulary's definitions as widget help, so the grades are defined next to their filter."""
    return "\n\n".join(f"**{entry['label']}**: {' '.join(str(entry[field]).split())}"
                        for entry in vocabulary(name).entries.values())  # fmt: skip


def _codes_widget(options: str, labels: str) -> Widget:
    return Widget("multiselect", options=options, labels=labels)


PARAMS: tuple[Param, ...] = (
    Param("from", "date_from", iso_date, "start of the date window, inclusive (ISO date)", "from=2023-01-01", "From",
          narrow=_starts_by, describe=_window, widget=Widget("date")),
    # The window is described once, by ``from``.
    Param("to", "date_to", iso_date, "end of the date window, inclusive (ISO date)", "to=2023-12-31", "To",
          narrow=_ends_by, widget=Widget("date")),
    Param("type", "types", vocab_code(TYPES), "incident types, repeated", "type=collision&type=shootdown",
          "Incident type", repeated=True, narrow=_in("type"), describe=_listed("types", "type", "types"),
          widget=_codes_widget("type", "type")),
    Param("group", "groups", vocab_code(TYPE_GROUPS), "type groups, repeated: every type of each group",
          "group=intercepts", "Type group", repeated=True, narrow=_types_of_groups,
          describe=_listed("type groups", TYPE_GROUPS, "groups"), widget=_codes_widget(TYPE_GROUPS, TYPE_GROUPS),
          help="Intercepts, violations, use of force, electronic: each includes all its types"),
    Param("series", "series", vocab_code(SERIES), "series of linked incidents, repeated",
          "series=syria-2023-07-mq9-harassment", "Series", repeated=True, narrow=_in("series"),
          describe=_listed("series", SERIES, "series"), widget=_codes_widget(SERIES, SERIES),
          help="An episode or campaign whose incidents link each other"),
    Param("behaviour", "behaviours", vocab_code(BEHAVIOURS), "behaviours seen (flares, close pass, ...), repeated",
          "behaviour=flares", "Behaviour", repeated=True, narrow=_any_code("behaviours"),
          describe=_listed("behaviours", BEHAVIOURS, "behaviours"), widget=_codes_widget(BEHAVIOURS, BEHAVIOURS),
          help="What the sources report was done, whatever the incident's type"),
    Param("collection", "collections", vocab_code(COLLECTIONS), "curated collections, repeated",
          "collection=baltic-nordic-violations", "Collection", repeated=True, narrow=_any_code("collections"),
          describe=_listed("collections", COLLECTIONS, "collections"), widget=_codes_widget(COLLECTIONS, COLLECTIONS),
          help="Records gathered under one stated inclusion rule (see About the data)"),
    Param("region", "regions", vocab_code(REGIONS), "regions, repeated", "region=black-sea", "Region",
          repeated=True, narrow=_in("region"), describe=_listed("regions", "region", "regions"),
          widget=_codes_widget("region", "region")),
    Param("initiator", "initiators", actor, "initiator countries or actors, repeated", "initiator=RU", "Initiator",
          repeated=True, narrow=_any_code("initiators"), describe=_listed("initiators", "initiator", "initiators"),
          widget=_codes_widget("data:initiators", "initiator"), help="Who performed the act"),
    Param("target", "targets", actor, "target countries or actors, repeated", "target=US", "Target",
          repeated=True, narrow=_any_code("targets"), describe=_listed("targets", "target", "targets"),
          widget=_codes_widget("data:targets", "target"), help="Who received it"),
    Param("platform", "platforms", platform, "platform category or platform name, repeated", "platform=uav",
          "Platform", repeated=True, narrow=_platforms, describe=_listed("platforms", "category", "platforms"),
          widget=Widget("multiselect", options="category", labels="category", free_text=True),
          help="A platform category, or type a platform name such as MQ-9 Reaper", max_chars=60),
    Param("verification", "verification", vocab_code(VERIFICATION), "verification grades, repeated",
          "verification=official", "Verification", repeated=True, narrow=_in("verification"),
          describe=_listed("verification", "verification", "verification"),
          widget=_codes_widget("verification", "verification"), help=_definitions(VERIFICATION, "rule")),
    Param("q", "q", words, "free text searched in title, summary, location, platforms and tags", "q=reaper",
          "Search", default="", narrow=_all_words, describe=_matching,
          widget=Widget("text", placeholder="title, summary, place, platform"),
          help=f"Finds incidents containing every word (at most {MAX_WORDS} words)", max_chars=200),
    Param("near", "near", text, "place name or `lat,lon` for a proximity filter", "near=Tartus",
          "Near (place or lat,lon)", default="", narrow=_within_radius, describe=_proximity,
          widget=Widget("text", placeholder="e.g. Tartus or 44.6,33.5"), max_chars=100),
    # Narrows through ``near``; on its own it is not written to a link.
    Param("radius_km", "radius_km", radius, f"radius around `near` in km (default {DEFAULT_RADIUS_KM:g})",
          "radius_km=300", "Radius (km)", requires="near", widget_key="f_radius",
          widget=Widget("number", placeholder=f"{DEFAULT_RADIUS_KM:g}", minimum=1.0, maximum=MAX_RADIUS_KM, step=50.0)),
    Param("zone", "zones", zone_id, "airspace zones the incident's point lies in (layer ids), repeated",
          "zone=cn-ecs-adiz", "Inside zone", repeated=True, narrow=_inside_zones,
          describe=_listed("inside", "zone", "zones"),
          widget=Widget("multiselect", options="data:zones", labels="zone"),
          help="Computed from the airspace layers (the map's Layers), never typed by hand"),
    Param("layer", "layers", layer_id, "airspace layers drawn under the incidents, repeated", "layer=tw-median-line",
          "Layers", repeated=True, describe=_listed("layers", "layer", "layers"),
          widget=Widget("multiselect", options="data:layers", labels="layer"),
          help="Cited boundaries and activity tracks; each is credited under the map"),
    # Playback: the map shows the window at a month; the timeline marks it. Not a filter: the
    # timeline and the table keep the whole view.
    Param("at", "at", periods.parse_month, "playback position: the month the map shows (YYYY-MM)", "at=2023-07",
          "Playback month", describe=_playback, format=lambda month: f"{month:%Y-%m}"),
    Param("span", "span", periods.parse_span, "playback window in months ending at `at`, or `all` (cumulative)",
          "span=3", "Playback window", default=1, requires="at", format=periods.format_span),
    Param("compare", "compare", periods.parse_period,
          "two periods to compare (a year, or YYYY-MM-DD..YYYY-MM-DD), repeated twice", "compare=2022&compare=2023",
          "Compare periods", repeated=True, describe=_compared, format=periods.format_period),
    Param("incident", "incident", incident_id, "the open incident",
          "incident=2023-03-14-black-sea-su27-mq9-collision", "Open incident", widget_key="incident"),
    Param("color", "color", color, "colour-by field: " + ", ".join(COLOR_FIELDS), "color=initiator", "Colour by",
          default=DEFAULT_COLOR, widget=Widget("select", options="colour")),
    Param("v", "version", version, "dataset version the link was made with", "v=3f2a9c1e", "Dataset version"),
    # Which data the view is applied to: a release's snapshot (incidents/releases.py), so a
    # cited link shows the incidents of its day. Not a widget: the page's button sets it.
    Param("asof", "as_of", version, "show the view on the data of this release (a dataset version)", "asof=3f2a9c1e",
          "As of release", widget_key="asof"),
)  # fmt: skip

BY_KEY = {param.key: param for param in PARAMS}
BY_ATTRIBUTE = {param.attribute: param for param in PARAMS}
