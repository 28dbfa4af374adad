"""The baseline page of `make bench` (issue 13): a bare Streamlit page with one go.Scattermap
of the same points on the same offline basemap, and the same "Incident type" filter widget.
Run by bench/run.py as ``streamlit run bench/bare_map.py``; INCIDENTS_DATA picks the data."""

from __future__ import annotations

import numpy as np
import plotly.graph_objects as go
import streamlit as st

from components.map import fit_view, served_static_url
from incidents.basemap import offline_style
from incidents.catalog import data_path, load_catalog
from incidents.labels import codes, label


@st.cache_resource
def frame():
    return load_catalog(data_path()).frame


data = frame()
chosen = st.multiselect("Incident type", list(codes("type")), format_func=lambda code: label("type", code))
shown = data[data["type"].isin(chosen)] if chosen else data
lats, lons = shown["lat"].to_numpy(np.float32), shown["lon"].to_numpy(np.float32)
figure = go.Figure(go.Scattermap(lat=lats, lon=lons, mode="markers", marker={"size": 10}))
figure.update_layout(map={"style": offline_style(served_static_url()), **fit_view(lats, lons)}, height=340,
                     margin={"l": 0, "r": 0, "t": 0, "b": 0})  # fmt: skip
st.plotly_chart(figure, key="map")
