"""Turning chart and table selections into view changes (run as widget callbacks)."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from components.data import current_catalog
from components.url_state import open_incident, set_date_window, set_proximity

TABLE_IDS = "_table_ids"


def _row_to_id(point: dict) -> str | None:
    data = point.get("customdata")
    if isinstance(data, list):
        data = data[0] if data else None
    if data is None:
        return None
    frame = current_catalog().frame
    row = int(data)
    return frame["id"].iat[row] if 0 <= row < len(frame) else None


def open_selected_point(chart_key: str) -> None:
    """An incident opens it; a map bin (lat, lon, radius) narrows the view to its cell;
    a timeline bin (a "YYYY-MM" month) narrows the dates to that month."""
    selection = st.session_state[chart_key].selection
    for point in selection.get("points", []):
        data = point.get("customdata")
        if isinstance(data, list) and len(data) == 3:
            set_proximity(f"{data[0]:.3f},{data[1]:.3f}", float(data[2]))
            return
        if isinstance(data, str) or (isinstance(data, list) and data and isinstance(data[0], str)):
            month = pd.Period(data if isinstance(data, str) else data[0], freq="M")
            set_date_window(month.start_time.date(), month.end_time.date())
            return
        incident_id = _row_to_id(point)
        if incident_id:
            open_incident(incident_id)
            return


def timeline_selected(chart_key: str) -> None:
    """A dragged range sets the date window; a clicked incident opens it."""
    selection = st.session_state[chart_key].selection
    boxes = selection.get("box", [])
    if boxes and boxes[0].get("x"):
        start, end = sorted(pd.Timestamp(x) for x in boxes[0]["x"][:2])
        set_date_window(start.date(), end.date())
        return
    open_selected_point(chart_key)


def table_selected(table_key: str) -> None:
    rows = st.session_state[table_key].selection.get("rows", [])
    ids = st.session_state.get(TABLE_IDS, [])
    if rows and rows[0] < len(ids):
        open_incident(ids[rows[0]])


def remember_table_ids(ids: list[str]) -> None:
    st.session_state[TABLE_IDS] = ids
