"""The page a typical analyst would write: plotly express over the filtered frame, no
aggregation, the whole frame in the table. Kept to measure the Atlas against it."""

from __future__ import annotations

import pandas as pd
import plotly.express as px
import plotly.io
from streamlit.dataframe_util import convert_anything_to_arrow_bytes

from incidents.view import apply


def baseline_page(full: pd.DataFrame, state) -> int:
    frame = apply(full, state)
    map_figure = px.scatter_map(frame, lat="lat", lon="lon", color="type", hover_name="title",
                                hover_data=["date", "region"], zoom=1)  # fmt: skip
    timeline = px.timeline(frame, x_start="date", x_end="end", y="type", color="type", hover_name="title")
    types = px.histogram(frame, y="type")
    table = frame[["id", "date", "title", "type", "region", "initiator", "target", "verification"]]
    sent = sum(len(plotly.io.to_json(figure, validate=False)) for figure in (map_figure, timeline, types))
    return sent + len(convert_anything_to_arrow_bytes(table))
