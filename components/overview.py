"""Overview: how many incidents the filters keep, by type, and per month."""

from __future__ import annotations

import numpy as np
import pandas as pd
import plotly.graph_objects as go
import streamlit as st

from components import text, timeaxis
from incidents.dataset import Summary
from incidents.labels import codes, label
from incidents.palette import OTHER_COLOUR, category_index, category_label
from incidents.stats import MonthlyCounts


def build_type_counts_figure(types: pd.Series) -> go.Figure:
    """``types``: incidents per type code."""
    counts = types.reindex(list(codes("type")), fill_value=0)
    counts = counts[counts > 0].sort_values()
    figure = go.Figure(
        go.Bar(
            x=counts.to_numpy(),
            y=[label("type", code) for code in counts.index],
            orientation="h",
            marker_color="#0072B2",
            text=counts.to_numpy(),
            textposition="auto",
            hovertemplate="%{y}: %{x}<extra></extra>",
        )
    )
    figure.update_layout(height=max(160, 28 * len(counts) + 40), margin={"l": 10, "r": 10, "t": 10, "b": 10})
    return figure


def monthly_counts(frame: pd.DataFrame, field: str, colours: dict[str, str]) -> MonthlyCounts:
    """Counts per month and category of the rows, with numpy, not a pandas crosstab."""
    index, codes = category_index(frame, field, colours)
    return MonthlyCounts.of_rows(frame["date"], index, codes)


def build_monthly_figure(monthly: MonthlyCounts, field: str, colours: dict[str, str]) -> go.Figure:
    """Stacked bars per month. Each bar spans its month and carries the month ("YYYY-MM") as
    customdata, so a click narrows the view to that month (components/selection.py)."""
    months, codes, counts = monthly.months, monthly.codes, monthly.counts
    figure = go.Figure()
    labels = np.datetime_as_string(months, unit="M")
    # Each bar 80% of its month wide: plotly's automatic width is the gap between bars, which
    # for one month is no width at all.
    days = (months + np.timedelta64(1, "M")).astype("datetime64[D]") - months.astype("datetime64[D]")
    widths = 0.8 * days.astype(np.int64) * timeaxis.DAY_MS
    for position, code in enumerate(codes):
        if counts[position].any():
            figure.add_trace(
                go.Bar(
                    x=months.astype("datetime64[D]"),
                    y=counts[position],
                    customdata=labels,
                    width=widths,
                    xperiod="M1",
                    xperiodalignment="middle",
                    name=category_label(field, code),
                    marker_color=colours.get(code, OTHER_COLOUR),
                    hovertemplate="%{x|%b %Y}: %{y}<extra>%{fullData.name}</extra>",
                )
            )
    layout_range = timeaxis.month_range(months[0].astype(object), months[-1].astype(object)) if len(months) else None
    figure.update_layout(
        barmode="stack",
        height=240,
        margin={"l": 10, "r": 10, "t": 10, "b": 10},
        xaxis=timeaxis.monthly_axis(layout_range) if layout_range else {"type": "date"},
        yaxis={"title": "incidents per month", "fixedrange": True, "rangemode": "tozero"},
        legend={"orientation": "h", "y": -0.25},
        plot_bgcolor="white",
        clickmode="event+select",
        dragmode=False,
    )
    return figure


def render_count(shown: int, total: int) -> None:
    st.metric("Incidents shown", f"{shown:,} of {total:,}")


def render_overview(
    frame: pd.DataFrame,
    field: str,
    colours: dict[str, str],
    *,
    key: str,
    on_month,
    summary: Summary | None = None,
) -> None:
    """Counts by type and per month; a click on a month narrows the view to it. ``summary``:
    the counts of a view larger than ``frame`` holds (incidents/dataset.py)."""
    if frame.empty:
        return
    types = summary.types if summary is not None else frame["type"].value_counts()
    monthly = summary.monthly if summary is not None else monthly_counts(frame, field, colours)
    left, right = st.columns([1, 2])
    with left:
        st.plotly_chart(build_type_counts_figure(types), key=f"{key}-types", config={"displayModeBar": False})
    with right:
        st.plotly_chart(
            build_monthly_figure(monthly, field, colours),
            key=f"{key}-monthly",
            on_select=on_month,
            selection_mode="points",
            config={"displayModeBar": False},
        )
        text.caption("Click a month to narrow the view to it.")
