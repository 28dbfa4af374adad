"""Overview: how many incidents the filters keep, by type, and per month."""

from __future__ import annotations

import pandas as pd
import plotly.graph_objects as go
import streamlit as st

from components.palette import OTHER, OTHER_COLOUR, categories_of, category_label
from incidents.labels import codes, label


def build_type_counts_figure(frame: pd.DataFrame) -> go.Figure:
    counts = frame["type"].value_counts().reindex(list(codes("type")), fill_value=0)
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


def build_monthly_figure(frame: pd.DataFrame, field: str, colours: dict[str, str]) -> go.Figure:
    months = frame["date"].dt.to_period("M").dt.to_timestamp()
    categories = categories_of(frame, field, colours)
    counts = pd.crosstab(months, categories)
    figure = go.Figure()
    for code in [*colours, OTHER]:
        if code in counts.columns:
            figure.add_trace(
                go.Bar(
                    x=counts.index,
                    y=counts[code].to_numpy(),
                    name=category_label(field, code),
                    marker_color=colours.get(code, OTHER_COLOUR),
                    hovertemplate="%{x|%b %Y}: %{y}<extra>%{fullData.name}</extra>",
                )
            )
    figure.update_layout(
        barmode="stack",
        height=260,
        margin={"l": 10, "r": 10, "t": 10, "b": 10},
        xaxis={"type": "date"},
        yaxis={"title": "incidents per month"},
        legend={"orientation": "h", "y": -0.2},
        plot_bgcolor="white",
    )
    return figure


def render_overview(frame: pd.DataFrame, total: int, field: str, colours: dict[str, str], *, key: str) -> None:
    st.metric("Incidents shown", f"{len(frame)} of {total}")
    if frame.empty:
        return
    left, right = st.columns([1, 2])
    with left:
        st.plotly_chart(build_type_counts_figure(frame), key=f"{key}-types", config={"displayModeBar": False})
    with right:
        st.plotly_chart(
            build_monthly_figure(frame, field, colours), key=f"{key}-monthly", config={"displayModeBar": False}
        )
