"""The timeline: incidents on a date axis in lanes by the colour-by field.

A multi-day episode is a solid span; a month- or year-precision date is a faint span over its
whole month or year, with a hollow marker at its start, rather than a falsely precise dot.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import plotly.graph_objects as go
import streamlit as st

from components import text
from components.palette import OTHER_COLOUR, category_index, category_label, hover_labels
from incidents.stats import counts_by_month

# Above this many incidents the timeline shows monthly counts per lane instead of markers.
TIMELINE_POINT_LIMIT = 3_000


def is_binned(frame: pd.DataFrame) -> bool:
    return len(frame) > TIMELINE_POINT_LIMIT


def _lane_traces_binned(frame: pd.DataFrame, index: np.ndarray, codes: list[str], colours: dict[str, str],
                        labels: list[str]) -> list[go.Scatter]:  # fmt: skip
    """Monthly counts per lane, counted with numpy (this runs on every rerun at scale)."""
    unique_months, counts = counts_by_month(frame["date"], index, len(codes))
    largest = max(int(counts.max()), 1) if counts.size else 1
    traces = []
    for position, code in enumerate(codes):
        present = counts[position] > 0
        if not present.any():
            continue
        lane_counts = counts[position][present]
        lane_months = unique_months[present]
        traces.append(
            go.Scatter(
                x=lane_months.astype("datetime64[D]"),
                y=np.full(len(lane_counts), labels[position], dtype=object),
                # customdata of a bin: its month, so a click sets the date window to it.
                customdata=np.datetime_as_string(lane_months, unit="M"),
                mode="markers",
                marker={
                    "color": colours.get(code, OTHER_COLOUR),
                    "size": (3 + 7 * np.sqrt(lane_counts / largest)).astype(np.float32),
                    "opacity": 0.8,
                },
                hovertemplate="%{x|%b %Y}: %{text} incidents<extra></extra>",
                text=lane_counts,
                name=labels[position],
                showlegend=False,
            )
        )
    return traces


def _span_segments(starts: pd.Series, ends: pd.Series, lane: str) -> tuple[list, list]:
    xs, ys = [], []
    for start, end in zip(starts, ends, strict=True):
        xs += [start, end + pd.Timedelta(hours=23), None]
        ys += [lane, lane, None]
    return xs, ys


def _lane_traces(frame: pd.DataFrame, in_lane: np.ndarray, lane: str, colour: str) -> list[go.Scatter]:
    """One lane's incidents: spans for multi-day and imprecise dates, then clickable markers."""
    rows = frame[in_lane]
    precise = (rows["date_precision"] == "day").to_numpy()
    spans = (rows["end"] > rows["date"]).to_numpy()
    traces = []
    for is_precise, opacity, width in ((True, 0.9, 5), (False, 0.3, 9)):
        subset = spans & (precise == is_precise)
        if subset.any():
            xs, ys = _span_segments(rows["date"][subset], rows["end"][subset], lane)
            traces.append(
                go.Scatter(
                    x=xs,
                    y=ys,
                    mode="lines",
                    line={"color": colour, "width": width},
                    opacity=opacity,
                    hoverinfo="skip",
                    showlegend=False,
                )
            )
    traces.append(
        go.Scatter(
            x=rows["date"],
            y=np.full(len(rows), lane, dtype=object),
            customdata=rows["row"].to_numpy(dtype=np.int32),
            hovertext=hover_labels(rows),
            hoverinfo="text",
            mode="markers",
            marker={
                "color": colour,
                "size": 10,
                "symbol": np.where(precise, "circle", "circle-open"),
                "line": {"width": 1.5, "color": colour},
            },
            name=lane,
            showlegend=False,
        )
    )
    return traces


def build_timeline_figure(frame: pd.DataFrame, field: str, colours: dict[str, str], open_row: int | None = None):
    index, codes = category_index(frame, field, colours)
    labels = [category_label(field, code) for code in codes]
    present = np.unique(index).tolist()
    figure = go.Figure()
    if is_binned(frame):
        figure.add_traces(_lane_traces_binned(frame, index, codes, colours, labels))
    else:
        for position in present:
            colour = colours.get(codes[position], OTHER_COLOUR)
            figure.add_traces(_lane_traces(frame, index == position, labels[position], colour))
    opened = (frame["row"] == open_row).to_numpy() if open_row is not None else np.zeros(len(frame), dtype=bool)
    if opened.any():
        figure.add_trace(
            go.Scatter(
                x=frame["date"][opened],
                y=[labels[index[opened][0]]],
                customdata=frame["row"][opened].to_numpy(dtype=np.int32),
                mode="markers",
                marker={"size": 20, "color": "rgba(0,0,0,0)", "line": {"width": 3, "color": "#111111"}},
                hoverinfo="skip",
                name="Open incident",
                showlegend=False,
            )
        )
    lanes = [labels[position] for position in present]
    figure.update_layout(
        height=max(220, 60 + 34 * len(lanes)),
        margin={"l": 10, "r": 10, "t": 10, "b": 30},
        xaxis={"type": "date", "showgrid": True},
        yaxis={"categoryorder": "array", "categoryarray": lanes[::-1], "automargin": True},
        # Pan by dragging and zoom by scrolling; a click selects (opens) an incident. In
        # plotly's select mode a click would clear the selection instead, so range selection
        # is the toolbar's box-select tool, restricted to the date axis.
        dragmode="pan",
        selectdirection="h",
        clickmode="event+select",
        hovermode="closest",
        plot_bgcolor="white",
    )
    return figure


def render_timeline(
    frame: pd.DataFrame, field: str, colours: dict[str, str], *, key: str, on_select, open_row: int | None = None
) -> None:
    if is_binned(frame):
        text.caption(
            f"{len(frame):,} incidents: the timeline shows monthly counts ({TIMELINE_POINT_LIMIT:,} single "
            "incidents at most). Click a month to narrow the dates to it."
        )
    st.plotly_chart(
        build_timeline_figure(frame, field, colours, open_row),
        key=key,
        on_select=on_select,
        selection_mode=("points", "box"),
        config={"scrollZoom": True, "displaylogo": False},
        theme=None,
    )
    text.caption(
        "Click an incident to open it. Drag to pan, scroll to zoom; to set the date window, pick the box-select "
        "tool (⬚) in the chart's toolbar and drag across the dates. Hollow markers and faint spans "
        "are dates known only to the month or year; solid spans are multi-day episodes."
    )
