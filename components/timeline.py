"""The timeline: incidents on a date axis in lanes by the colour-by field.

A multi-day episode is a solid span; a month- or year-precision date is a faint span over its
whole month or year, with a hollow marker at its start, rather than a falsely precise dot.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import plotly.graph_objects as go
import streamlit as st

from components.palette import OTHER, OTHER_COLOUR, categories_of, category_label

# Above this many incidents the timeline shows monthly counts per lane instead of markers.
TIMELINE_POINT_LIMIT = 3_000


def is_binned(frame: pd.DataFrame) -> bool:
    return len(frame) > TIMELINE_POINT_LIMIT


def _monthly_bins(frame: pd.DataFrame, lanes: np.ndarray, lane_codes: list[str], colours: dict[str, str],
                  lane_labels: dict[str, str], categories: np.ndarray) -> list[go.Scatter]:  # fmt: skip
    months = frame["date"].dt.to_period("M").dt.to_timestamp()
    traces = []
    for code in lane_codes:
        in_lane = categories == code
        counts = months[in_lane].value_counts().sort_index()
        if counts.empty:
            continue
        traces.append(
            go.Scatter(
                x=counts.index,
                y=[lane_labels[code]] * len(counts),
                # customdata of a bin: its month, so a click sets the date window to it.
                customdata=counts.index.strftime("%Y-%m").to_numpy(),
                mode="markers",
                marker={
                    "color": colours.get(code, OTHER_COLOUR),
                    "size": (4 + 16 * np.sqrt(counts.to_numpy() / max(counts.max(), 1))).astype(np.float32),
                    "opacity": 0.8,
                },
                hovertemplate="%{x|%b %Y}: %{text} incidents<extra></extra>",
                text=counts.to_numpy(),
                name=lane_labels[code],
                showlegend=False,
            )
        )
    return traces


def _span_segments(frame: pd.DataFrame, lanes: np.ndarray) -> tuple[list, list]:
    xs, ys = [], []
    for start, end, lane in zip(frame["date"], frame["end"], lanes, strict=True):
        xs += [start, end + pd.Timedelta(hours=23), None]
        ys += [lane, lane, None]
    return xs, ys


def build_timeline_figure(frame: pd.DataFrame, field: str, colours: dict[str, str], open_row: int | None = None):
    categories = categories_of(frame, field, colours)
    lane_codes = [code for code in [*colours, OTHER] if (categories == code).any()]
    lane_labels = {code: category_label(field, code) for code in lane_codes}
    lanes = np.array([lane_labels[code] for code in categories], dtype=object)
    precise = (frame["date_precision"] == "day").to_numpy()
    spans = (frame["end"] > frame["date"]).to_numpy()
    figure = go.Figure()
    if is_binned(frame):
        figure.add_traces(_monthly_bins(frame, lanes, lane_codes, colours, lane_labels, categories))
        lane_codes_drawn = []
    else:
        lane_codes_drawn = lane_codes
    for code in lane_codes_drawn:
        in_lane = categories == code
        colour = colours.get(code, OTHER_COLOUR)
        for is_precise, opacity, width in ((True, 0.9, 5), (False, 0.3, 9)):
            subset = in_lane & spans & (precise == is_precise)
            if subset.any():
                xs, ys = _span_segments(frame[subset], lanes[subset])
                figure.add_trace(
                    go.Scatter(
                        x=xs, y=ys, mode="lines", line={"color": colour, "width": width},
                        opacity=opacity, hoverinfo="skip", showlegend=False,
                    )
                )  # fmt: skip
        marker_rows = frame[in_lane]
        figure.add_trace(
            go.Scatter(
                x=marker_rows["date"],
                y=lanes[in_lane],
                customdata=marker_rows["row"].to_numpy(dtype=np.int32),
                hovertext=(marker_rows["date"].dt.strftime("%Y-%m-%d") + " · " + marker_rows["title"]).to_numpy(),
                hoverinfo="text",
                mode="markers",
                marker={
                    "color": colour,
                    "size": 10,
                    "symbol": np.where(precise[in_lane], "circle", "circle-open"),
                    "line": {"width": 1.5, "color": colour},
                },
                name=lane_labels[code],
                showlegend=False,
            )
        )
    if open_row is not None and (frame["row"] == open_row).any():
        opened = frame[frame["row"] == open_row]
        figure.add_trace(
            go.Scatter(
                x=opened["date"],
                y=lanes[(frame["row"] == open_row).to_numpy()],
                customdata=opened["row"].to_numpy(dtype=np.int32),
                mode="markers",
                marker={"size": 20, "color": "rgba(0,0,0,0)", "line": {"width": 3, "color": "#111111"}},
                hoverinfo="skip",
                name="Open incident",
                showlegend=False,
            )
        )
    figure.update_layout(
        height=max(220, 60 + 34 * len(lane_codes)),
        margin={"l": 10, "r": 10, "t": 10, "b": 30},
        xaxis={"type": "date", "showgrid": True},
        yaxis={"categoryorder": "array", "categoryarray": [lane_labels[c] for c in reversed(lane_codes)]},
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
        st.caption(
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
    st.caption(
        "Click an incident to open it. Drag to pan, scroll to zoom; to set the date window, pick the box-select "
        "tool (⬚) in the chart's toolbar and drag across the dates. Hollow markers and faint spans "
        "are dates known only to the month or year; solid spans are multi-day episodes."
    )
