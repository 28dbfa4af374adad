"""The timeline: incidents on a date axis in lanes by the colour-by field.

A multi-day episode is a solid span; a month- or year-precision date is a faint span over its
whole month or year, with a hollow marker at its start, rather than a falsely precise dot.
"""

from __future__ import annotations

from functools import cache

import numpy as np
import pandas as pd
import plotly.graph_objects as go
import streamlit as st
from pandas.tseries.offsets import MonthEnd

from components import text, timeaxis
from incidents.palette import OTHER_COLOUR, category_index, category_label, hover_labels
from incidents.periods import Window
from incidents.stats import MonthlyCounts
from incidents.vocab import TYPES, vocabulary

# Above this many incidents the timeline shows monthly counts per lane instead of markers.
TIMELINE_POINT_LIMIT = 3_000
LANE_PX = 20
STRIP_PX = 70
SERIES_COLOUR = "#D55E00"


def is_binned(frame: pd.DataFrame) -> bool:
    return len(frame) > TIMELINE_POINT_LIMIT


def _lane_traces_binned(monthly: MonthlyCounts, colours: dict[str, str], labels: list[str]) -> list[go.Scatter]:
    """Monthly counts per lane (counted with numpy, or by the query engine at scale)."""
    counts = monthly.counts
    largest = max(int(counts.max()), 1) if counts.size else 1
    traces = []
    for position in monthly.present():
        code = monthly.codes[position]
        present = counts[position] > 0
        lane_counts = counts[position][present]
        lane_months = monthly.months[present]
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


# A second cue beside colour: the marker's shape says the type's group (incidents/vocab/types.yaml).
GROUP_SHAPES = {"intercepts": "circle", "violations": "square", "use_of_force": "diamond", "electronic": "triangle-up",
                "other": "star"}  # fmt: skip


@cache
def _type_shapes() -> dict[str, str]:
    return {
        code: GROUP_SHAPES.get(entry.get("group", "other"), "circle")
        for code, entry in vocabulary(TYPES).entries.items()
    }


def marker_symbols(types: pd.Series, precise: np.ndarray) -> np.ndarray:
    """Each incident's shape by its type's group; hollow when the date is known only to the
    month or year."""
    shapes = types.map(_type_shapes()).fillna("circle").to_numpy(dtype=object)
    return np.where(precise, shapes, shapes + "-open")


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
                "size": 9,
                "symbol": marker_symbols(rows["type"], precise),
                "line": {"width": 1.5, "color": colour},
            },
            name=lane,
            showlegend=False,
        )
    )
    return traces


def _axis_range(frame: pd.DataFrame, window: Window | None, monthly: MonthlyCounts | None) -> tuple[str, str]:
    """The dates first shown: the date window if it has both ends, else the data's span (the
    counted months' when the rows drawn are only the newest of the view)."""
    if window is not None and window.start is not None and window.end is not None:
        return timeaxis.window_range(window.start, window.end)
    if monthly is not None and len(monthly.months):
        span = (pd.Timestamp(monthly.months[0]).date(), (pd.Timestamp(monthly.months[-1]) + MonthEnd(0)).date())
    elif frame.empty:
        today = pd.Timestamp.today().date()
        return timeaxis.padded_range(today, today)
    else:
        span = (frame["date"].min().date(), frame["end"].max().date())
    first = window.start if window is not None and window.start else span[0]
    last = window.end if window is not None and window.end else span[1]
    return timeaxis.padded_range(first, last)


def _series_trace(frame: pd.DataFrame, index: np.ndarray, labels: list[str], rows: list[int]) -> go.Scatter | None:
    """Rings on the other members of the open incident's series, joined in date order."""
    members = frame["row"].isin(rows).to_numpy()
    if not members.any():
        return None
    lanes = [labels[position] for position in index[members]]
    return go.Scatter(
        x=frame["date"][members],
        y=lanes,
        customdata=frame["row"][members].to_numpy(dtype=np.int32),
        mode="markers",
        marker={"size": 17, "color": "rgba(0,0,0,0)", "line": {"width": 2, "color": SERIES_COLOUR}},
        hovertext=hover_labels(frame[members]),
        hoverinfo="text",
        name="Same series",
        showlegend=False,
    )


def _window_band(window: Window) -> dict:
    """The playback window, shaded behind the lanes."""
    start = window.start.isoformat() if window.start else None
    end = (pd.Timestamp(window.end) + pd.Timedelta(days=1)).isoformat() if window.end else None
    return {
        "type": "rect", "xref": "x", "yref": "paper", "x0": start or "1900-01-01", "x1": end, "y0": 0, "y1": 1,
        "fillcolor": "rgba(0, 114, 178, 0.12)", "line": {"width": 1, "color": "rgba(0, 114, 178, 0.6)"},
        "layer": "below",
    }  # fmt: skip


def build_timeline_figure(
    frame: pd.DataFrame,
    field: str,
    colours: dict[str, str],
    open_row: int | None = None,
    *,
    window: Window | None = None,
    playing: Window | None = None,
    series_rows: list[int] | None = None,
    sorties: pd.Series | None = None,
    monthly: MonthlyCounts | None = None,
):
    """Lanes by the colour-by field, zoomable along time only: the lanes (y) never zoom, so
    every lane keeps its label at every zoom. ``sorties``: daily PLA sorties, drawn as a strip
    under the lanes on the same date axis, so it stays aligned at every zoom. ``monthly``: the
    counts of a view larger than ``frame`` holds (incidents/dataset.py), drawn as lanes of
    monthly counts."""
    index, codes = category_index(frame, field, colours)
    labels = [category_label(field, code) for code in codes]
    if monthly is None and is_binned(frame):
        monthly = MonthlyCounts.of_rows(frame["date"], index, codes)
    figure = go.Figure()
    if monthly is not None:
        present = monthly.present()
        figure.add_traces(_lane_traces_binned(monthly, colours, labels))
    else:
        present = np.unique(index).tolist()
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
    series = _series_trace(frame, index, labels, series_rows or [])
    if series is not None:
        figure.add_trace(series)
    lanes = [labels[position] for position in present]
    strip = sorties is not None and not sorties.empty
    if strip:
        assert sorties is not None
        figure.add_trace(_sorties_trace(sorties))
    figure.update_layout(
        height=max(140, 50 + LANE_PX * len(lanes)) + (STRIP_PX if strip else 0),
        margin={"l": 10, "r": 10, "t": 4, "b": 40},
        xaxis=timeaxis.timeline_axis(_axis_range(frame, window, monthly)),
        # fixedrange: zooming and panning move the dates only; the lanes stay as they are.
        yaxis={"categoryorder": "array", "categoryarray": lanes[::-1], "automargin": True, "fixedrange": True},
        # Pan by dragging, zoom with Ctrl + wheel (components/window.py); a click selects (opens)
        # an incident. In plotly's select mode a click would clear the selection instead, so
        # range selection is the toolbar's box-select tool, restricted to the date axis.
        dragmode="pan",
        selectdirection="h",
        clickmode="event+select",
        hovermode="closest",
        plot_bgcolor="white",
        shapes=[_window_band(playing)] if playing is not None else [],
    )
    if strip:
        share = STRIP_PX / (max(140, 50 + LANE_PX * len(lanes)) + STRIP_PX)
        figure.update_layout(
            yaxis={"domain": [share + 0.04, 1]},
            yaxis2={
                "domain": [0, share],
                "fixedrange": True,
                "title": {"text": "sorties", "font": {"size": 11}},
                "rangemode": "tozero",
            },
        )
    return figure


def _sorties_trace(sorties: pd.Series) -> go.Bar:
    """Daily sorties stated by Taiwan's defence ministry (the PLA tracks layer)."""
    return go.Bar(
        x=pd.to_datetime(sorties.index),
        y=sorties.to_numpy(),
        yaxis="y2",
        marker_color="#65169B",
        hovertemplate="%{x|%-d %b %Y}: %{y} PLA sorties (Taiwan MND, via The Reporter)<extra></extra>",
        name="PLA sorties",
        showlegend=False,
    )


def render_timeline(
    frame: pd.DataFrame,
    field: str,
    colours: dict[str, str],
    *,
    key: str,
    on_select,
    open_row: int | None = None,
    window: Window | None = None,
    playing: Window | None = None,
    series_rows: list[int] | None = None,
    grouped: list[str] | None = None,
    sorties: pd.Series | None = None,
    monthly: MonthlyCounts | None = None,
    total: int | None = None,
) -> None:
    """``grouped``: labels of the categories that share the grey "All others" lane;
    ``monthly`` and ``total``: the counts of a view larger than ``frame`` holds."""
    total = len(frame) if total is None else total
    if monthly is not None or is_binned(frame):
        text.caption(
            f"{total:,} incidents: the timeline shows monthly counts ({TIMELINE_POINT_LIMIT:,} single "
            "incidents at most). Click a month to narrow the dates to it."
        )
    figure = build_timeline_figure(
        frame, field, colours, open_row, window=window, playing=playing, series_rows=series_rows, sorties=sorties,
        monthly=monthly,
    )  # fmt: skip
    st.plotly_chart(
        figure,
        key=key,
        on_select=on_select,
        selection_mode=("points", "box"),
        # The wheel zooms only with Ctrl or Cmd held (components/window.py), so it still
        # scrolls the page; the toolbar's + and − zoom too.
        config={"scrollZoom": True, "displaylogo": False, "modeBarButtonsToRemove": ["lasso2d", "autoScale2d"]},
        theme=None,
    )
    text.caption(
        "Click an incident to open it. Drag to pan; Ctrl + scroll (⌘ + scroll on a Mac) or the toolbar's + and − "
        "zoom the dates. Box-select (⬚) a range of dates to make it the window. Hollow markers and faint spans "
        "are dates known only to the month or year; solid spans are multi-day episodes; orange rings mark the "
        "open incident's series. Shapes: ● intercepts, ■ violations, ◆ use of force, ▲ electronic, ★ other."
    )
    if grouped:
        text.caption("All others (grey): {}.", ", ".join(grouped))
