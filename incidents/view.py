"""The view: every filter, the open incident and the colour-by field, as a query string.

This module is the link contract (docs/architecture.md, "The link contract"). Links carry
codes, never labels; unknown keys are ignored; an invalid value is dropped with a notice and
the rest applies. Every key is declared once in ``incidents.filters.PARAMS``; this module
derives ``ViewState``, parsing, the canonical query string and ``apply`` from it. ``apply`` is
the one place where incidents are filtered, for the dashboard and the CLI alike.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date
from typing import TYPE_CHECKING, Any, cast
from urllib.parse import parse_qsl, urlencode, urlsplit

import numpy as np
import pandas as pd

from incidents import activity, periods, safe_text
from incidents.filters import (
    BY_KEY,
    COLOR_FIELDS,
    DEFAULT_COLOR,
    DEFAULT_RADIUS_KM,
    EARLIEST_DATE,
    LATEST_DATE,
    MAX_RADIUS_KM,
    MAX_WORDS,
    PARAMS,
    Context,
    Param,
    Recoded,
    effective_radius,
    search_words,
)
from incidents.geo import (
    GROUP_DECIMALS,
    Bounds,
    Gazetteer,
    Place,
    bounds_of,
    circle_bounds,
    group_points,
    resolve_place,
)
from incidents.layers import Layer
from incidents.model import Incident

__all__ = [
    "COLOR_FIELDS", "DEFAULT_COLOR", "DEFAULT_RADIUS_KM", "EARLIEST_DATE", "LATEST_DATE", "MAX_RADIUS_KM",
    "MAX_WORDS", "search_words",
]  # fmt: skip

# Bounds on the work one link can ask for. Links come from strangers; a legitimate view needs
# a few hundred characters. Streamlit itself drops a query string of more than 1,000 fields or
# 512 KiB silently (components.url_state turns that into OVERSIZED_KEY so it is refused here).
MAX_LINK_CHARS = 16_384
MAX_LINK_PAIRS = 300
MAX_REPEATED = 30
OVERSIZED_KEY = "_oversized_link"
LINK = "(link)"

# key -> (ViewState attribute, meaning, example), derived from the declarations.
KEYS = {param.key: (param.attribute, param.meaning, param.example) for param in PARAMS}
PARSERS = {param.key: param.parse for param in PARAMS}
REPEATED = {param.key for param in PARAMS if param.repeated}


class _ViewMethods:
    """What every view can do; its fields are the declarations' attributes (see ViewState)."""

    if TYPE_CHECKING:  # the fields come from PARAMS at run time; to a type checker, any attribute

        def __init__(self, **values: Any) -> None: ...
        def __getattr__(self, name: str) -> Any: ...

    def replace(self, **changes: Any) -> ViewState:
        return dataclasses.replace(cast(Any, self), **changes)  # type: ignore[no-any-return]

    def without_incident(self) -> ViewState:
        return self.replace(incident=None)

    @property
    def effective_radius_km(self) -> float:
        return effective_radius(self)

    def active_filters(self) -> list[str]:
        """Query keys of the filters that narrow the view (what to loosen when nothing matches)."""
        return [param.key for param in PARAMS if param.filters and getattr(self, param.attribute) != param.empty]


if TYPE_CHECKING:
    ViewState = _ViewMethods
else:
    # One field per declared key, in declaration order: adding a Param adds the field.
    ViewState = dataclasses.make_dataclass(
        "ViewState",
        [(param.attribute, Any, dataclasses.field(default=param.empty)) for param in PARAMS],
        bases=(_ViewMethods,),
        frozen=True,
        namespace={"__module__": __name__},
    )


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


def parse_value(param: Param, raw: str) -> Any:
    """One value of a link or a free-text widget, bounded then parsed (ValueError says why)."""
    if len(raw) > param.max_chars:
        raise ValueError(f"is longer than {param.max_chars} characters")
    return param.parse(raw)


def parse_view(query: str | Mapping[str, str | list[str]], gazetteer: Gazetteer | None = None) -> ParsedView:
    """Parse a link into a ViewState, dropping (with a notice) every value that is invalid."""
    refused = oversized(query)
    if refused is not None:
        return ParsedView(ViewState(), [refused])
    values: dict[str, object] = {}
    notices: list[Notice] = []
    for key, raw in query_pairs(query):
        if key not in BY_KEY:
            continue  # unknown keys are ignored: other tools may add their own
        param = BY_KEY[key]
        try:
            value = parse_value(param, raw)
        except Recoded as recode:  # applied, and said
            notices.append(Notice(key, raw, str(recode)))
            value = recode.value
        except ValueError as error:
            notices.append(Notice(key, raw, str(error)))
            continue
        attribute = param.attribute
        if param.repeated:
            existing = cast(list[object], values.setdefault(attribute, []))  # a repeated key collects a list
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
        state = state.replace(date_to=None)
    if state.near and resolve_place(state.near, gazetteer) is None:
        notices.append(Notice("near", state.near, "is not a known place or `lat,lon`; the proximity filter is ignored"))
        state = state.replace(near="", radius_km=None)
    return state, notices


# --- ViewState -> query string ------------------------------------------------------------


def _format(value: object) -> str:
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, float):
        return f"{value:g}"
    return str(value)


def view_pairs(state: ViewState) -> list[tuple[str, str]]:
    """Canonical key/value pairs: declaration order, defaults left out."""
    pairs = []
    for param in PARAMS:
        value = getattr(state, param.attribute)
        if value == param.empty or value in ("", None, ()):
            continue
        if param.requires and not getattr(state, BY_KEY[param.requires].attribute):
            continue
        for item in value if isinstance(value, tuple) else [value]:
            pairs.append((param.key, param.format(item) if param.format else _format(item)))
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


def proximity_place(state: ViewState, gazetteer: Gazetteer | None = None) -> Place | None:
    return resolve_place(state.near, gazetteer) if state.near else None


# What the figures, the table and the exports read from a filtered frame. The long text
# columns used only for matching (summary, search_text, ...) stay behind: copying them for
# every filter change was a third of a rerun at 100k incidents. The place name is kept for
# the map's text alternative (incidents.describe).
SHOWN_COLUMNS = (
    "id", "title", "date", "end", "date_precision", "type", "escalation_risk", "verification", "region",
    "lat", "lon", "radius_km", "location_name", "initiator", "target", "n_sources", "row", "hover",
)  # fmt: skip


def mask(frame: pd.DataFrame, state: ViewState, gazetteer: Gazetteer | None = None) -> np.ndarray:
    """Rows the view keeps: every declared filter whose value is set, combined with AND."""
    kept = np.ones(len(frame), dtype=bool)
    context = Context(state, gazetteer)
    for param in PARAMS:
        value = getattr(state, param.attribute)
        if param.narrow is not None and value != param.empty:
            kept &= param.narrow(frame, value, context)
    return kept


def _shown_columns(frame: pd.DataFrame) -> list[str]:
    # Columns a presentation layer precomputed per dataset (prefix "colour_") travel along.
    return [column for column in frame.columns if column in SHOWN_COLUMNS or column.startswith("colour_")]


def apply(frame: pd.DataFrame, state: ViewState, gazetteer: Gazetteer | None = None) -> pd.DataFrame:
    """The incidents a view shows (the columns of SHOWN_COLUMNS that the frame has).
    The open incident does not filter; it only selects."""
    return frame.loc[mask(frame, state, gazetteer), _shown_columns(frame)]


def rows_shown(frame: pd.DataFrame, rows: np.ndarray) -> pd.DataFrame:
    """``apply``'s frame from the catalog rows a query engine kept (incidents/engine.py)."""
    return frame.iloc[rows][_shown_columns(frame)]


def playback_window(state: ViewState) -> periods.Window | None:
    return periods.playback_window(state.at, state.span) if state.at is not None else None


def playback_frame(frame: pd.DataFrame, state: ViewState) -> pd.DataFrame:
    """The incidents the map shows at the playback position (all of them when not playing):
    those whose span overlaps the window, so an episode stays for its whole span."""
    window = playback_window(state)
    return frame if window is None else frame.loc[periods.overlaps(frame, window)]


def series_rows(frame: pd.DataFrame, incident: Incident | None) -> list[int]:
    """Catalog rows of the other members of an incident's series: the same ``series`` or a
    ``related`` link."""
    if incident is None:
        return []
    members = frame["id"].isin(incident.related).to_numpy()
    if incident.series and "series" in frame:
        members = members | (frame["series"] == incident.series).to_numpy()
    members = members & (frame["id"] != incident.id).to_numpy()
    return [int(row) for row in np.flatnonzero(members)]


def map_bounds(frame: pd.DataFrame, state: ViewState, opened: Incident | None, near: Place | None) -> Bounds | None:
    """What the map fits: the open incident's uncertainty circle, else the proximity circle,
    else the view's incidents."""
    location = opened.location if opened is not None else None
    if location is not None and location.lat is not None and location.lon is not None:
        if location.radius_km:
            return circle_bounds(location.lat, location.lon, location.radius_km)
        return bounds_of([location.lat], [location.lon])
    if near is not None:
        return circle_bounds(near.lat, near.lon, effective_radius(state))
    return bounds_of(frame["lat"].to_numpy(), frame["lon"].to_numpy())


def airspace_facts(frame: pd.DataFrame, incident: Incident) -> dict[str, object] | None:
    """The open incident's airspace facts, as computed at load (None where they were not)."""
    if "zones" not in frame:
        return None
    found = frame.loc[frame["id"] == incident.id, ["zones", "zone_edges", "coast_km", "on_land"]]
    return None if found.empty else {key: found.iloc[0][key] for key in found.columns}


def daily_sorties(layers: list[Layer], window: periods.Window | None) -> pd.Series | None:
    """Daily sorties of the drawn tracks layers in the window (None when none is drawn)."""
    drawn = [layer for layer in layers if layer.meta.kind == "tracks"]
    if not drawn:
        return None
    counts = [activity.daily_sorties(activity.in_window(layer, window)) for layer in drawn]
    total: pd.Series = pd.concat(counts).groupby(level=0).sum()
    return total


COMPARED = ("type", "region", "initiators")


def comparison(frame: pd.DataFrame, state: ViewState, gazetteer: Gazetteer | None = None) -> dict[str, pd.DataFrame]:
    """The view's two compared periods, counted by type, region and initiator side by side:
    every filter of the view applies except its own date window, which the periods replace."""
    if len(state.compare) != 2:
        return {}
    first, second = state.compare
    undated = frame.loc[mask(frame, state.replace(date_from=None, date_to=None), gazetteer)]
    return {column: periods.compare(undated, first, second, column) for column in COMPARED}


def codes_in(column: pd.Series) -> list[str]:
    """The distinct codes of a delimited-set column ("|RU|BY|"), most frequent first."""
    return codes_counted(column.dropna().value_counts())


def codes_counted(counts: pd.Series) -> list[str]:
    """The distinct codes of a delimited-set column from how many rows hold each set
    (a column's value counts, or a query engine's), most frequent first, ties by code."""
    per_set = pd.DataFrame({"code": counts.index.astype(str).str.strip("|").str.split("|"), "n": counts.to_numpy()})
    per_code = per_set.explode("code")
    totals = per_code[per_code["code"].astype(bool)].groupby("code")["n"].sum()
    order = np.lexsort((totals.index.to_numpy(dtype=str), -totals.to_numpy()))
    return totals.index[order].tolist()


def replace_incident(state: ViewState, incident_id: str | None) -> ViewState:
    return state.replace(incident=incident_id)


def row_of(frame: pd.DataFrame, incident_id: str | None) -> int | None:
    """Position of an incident in the full catalog frame (its ``row``), if present."""
    if not incident_id:
        return None
    positions = np.flatnonzero(frame["id"].to_numpy() == incident_id)
    return int(positions[0]) if len(positions) else None


@dataclass(frozen=True)
class SharedPoint:
    """A map position several incidents of the view share (one marker with a count)."""

    key: str  # the marker's key, "@lat,lon" rounded to GROUP_DECIMALS
    place: str
    count: int


def shared_points(frame: pd.DataFrame, limit: int = 200) -> list[SharedPoint]:
    """The positions shared by two or more incidents, largest first: the keyboard's way to the
    lists a click on a shared marker opens."""
    if frame.empty:
        return []
    groups = group_points(frame["lat"].to_numpy(), frame["lon"].to_numpy())
    shared = np.flatnonzero(groups.sizes >= 2)
    order = shared[np.argsort(-groups.sizes[shared], kind="stable")][:limit]
    first_row = pd.Series(np.arange(len(frame))).groupby(groups.group).first()
    places = frame["location_name"].fillna("").astype(str).to_numpy()
    return [
        SharedPoint(
            f"@{groups.lats[g]:.{GROUP_DECIMALS}f},{groups.lons[g]:.{GROUP_DECIMALS}f}",
            places[first_row[g]],
            int(groups.sizes[g]),
        )
        for g in order
    ]
