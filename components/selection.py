"""Turning chart and table selections into view changes (run as widget callbacks)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import cast

import pandas as pd
import streamlit as st

from components.data import current_dataset
from components.mapview import open_group
from components.url_state import open_incident, set_date_window, set_proximity
from incidents import periods

TABLE_IDS = "_table_ids"


@dataclass(frozen=True)
class OpenRow:
    row: int


@dataclass(frozen=True)
class NarrowTo:
    near: str | None = None
    radius_km: float | None = None
    start: date | None = None
    end: date | None = None


@dataclass(frozen=True)
class OpenGroup:
    key: str  # "@lat,lon" of a marker shared by several incidents


def point_action(point: dict) -> OpenRow | NarrowTo | OpenGroup | None:
    """What a clicked point means, from its customdata: a row number opens that incident;
    "@lat,lon" lists the incidents sharing that marker; a map bin [lat, lon, radius] narrows
    to its cell; a timeline bin "YYYY-MM" to its month."""
    data = point.get("customdata")
    if isinstance(data, dict):  # a row of a typed 2-D array (a map cell) arrives as {"0": .., "1": ..}
        data = [data[key] for key in sorted(data, key=int)] if all(str(k).isdigit() for k in data) else None
    if isinstance(data, list) and len(data) == 3:
        return NarrowTo(near=f"{float(data[0]):.3f},{float(data[1]):.3f}", radius_km=float(data[2]))
    if isinstance(data, list):
        data = data[0] if data else None
    if isinstance(data, str) and data.startswith("@"):
        return OpenGroup(data)
    if isinstance(data, str):
        month = pd.Period(data, freq="M")
        return NarrowTo(start=month.start_time.date(), end=month.end_time.date())
    if isinstance(data, int | float):
        return OpenRow(int(data))
    return None


def box_window(box: dict) -> NarrowTo | None:
    """A box dragged across the timeline: the whole days whose markers it covers become the
    window, both ends included (periods.snap)."""
    if not box.get("x"):
        return None
    start, end = periods.snap(box["x"][0], box["x"][1])
    return NarrowTo(start=start, end=end)


def _apply(action: OpenRow | NarrowTo | OpenGroup | None) -> bool:
    if isinstance(action, OpenGroup):
        open_group(action.key)
        return True
    if isinstance(action, OpenRow):
        incident_id = current_dataset().id_of_row(action.row)
        if incident_id is not None:
            open_incident(incident_id)
            return True
    elif isinstance(action, NarrowTo):
        if action.near:
            set_proximity(action.near, cast(float, action.radius_km))  # cast: a map bin sets both
        if action.start:
            set_date_window(action.start, action.end)
        return True
    return False


def open_selected_point(chart_key: str) -> None:
    for point in st.session_state[chart_key].selection.get("points", []):
        if _apply(point_action(point)):
            return


def timeline_selected(chart_key: str) -> None:
    """A dragged range sets the date window; a clicked incident or month applies as above."""
    boxes = st.session_state[chart_key].selection.get("box", [])
    if boxes and _apply(box_window(boxes[0])):
        return
    open_selected_point(chart_key)


def table_selected(table_key: str) -> None:
    rows = st.session_state[table_key].selection.get("rows", [])
    ids = st.session_state.get(TABLE_IDS, [])
    if rows and rows[0] < len(ids):
        open_incident(ids[rows[0]])


def remember_table_ids(ids: list[str]) -> None:
    st.session_state[TABLE_IDS] = ids
