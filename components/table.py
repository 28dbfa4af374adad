"""The filtered incidents as a sortable table, an accessible alternative to the charts."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from components import text
from incidents import safe_text
from incidents.dataset import NEWEST_ROWS
from incidents.flat import TABLE_COLUMNS, Shown
from incidents.labels import label


def _labels(codes: pd.Series, field: str) -> pd.Series:
    return codes.map({code: label(field, code) for code in codes.unique()}).fillna(label(field, None))


def _cells(frame: pd.DataFrame, shown: Shown) -> pd.Series:
    values = frame[shown.column]
    if shown.labels:
        return _labels(values, shown.labels)
    if shown.column == "date":
        return values.dt.date
    if values.dtype == object or pd.api.types.is_string_dtype(values):
        return safe_text.clean_series(values, safe_text.TABLE_CHARS)
    return values


def table_frame(frame: pd.DataFrame, permalink) -> pd.DataFrame:
    """The permalink first, then the columns of the one flat-record spec (incidents.flat)."""
    columns: dict[str, list[str] | pd.Series] = {"id": [permalink(incident_id) for incident_id in frame["id"]]}
    columns |= {shown.header: _cells(frame, shown) for shown in TABLE_COLUMNS}
    return pd.DataFrame(columns)


# A table of 100k rows would ship megabytes per rerun; the newest rows are shown and the
# export holds them all.
TABLE_ROW_LIMIT = NEWEST_ROWS


def shown_rows(frame: pd.DataFrame) -> pd.DataFrame:
    return frame.iloc[::-1].head(TABLE_ROW_LIMIT) if len(frame) > TABLE_ROW_LIMIT else frame


def render_table(
    frame: pd.DataFrame, *, key: str, permalink, on_select, total: int, downloads_hold_all: bool = True
) -> None:
    if total > len(frame):
        text.caption(
            "Showing the newest {} of {} incidents{}.",
            f"{len(frame):,}",
            f"{total:,}",
            "; the downloads hold all" if downloads_hold_all else "",
        )
    st.dataframe(
        table_frame(frame, permalink),
        key=key,
        hide_index=True,
        on_select=on_select,
        selection_mode="single-row",
        # Date and title first, so a phone's narrow table still reads; the permalink last.
        column_order=[shown.header for shown in TABLE_COLUMNS] + ["id"],
        column_config={
            "id": st.column_config.LinkColumn("id", display_text=r"incident=([^&]+)", help="Permalink"),
            "date": st.column_config.DateColumn("date", format="YYYY-MM-DD", width="small"),
            "title": st.column_config.TextColumn("title", width="large"),
        },
    )
