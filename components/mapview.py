"""The map's view in the browser, and the list behind a marker shared by several incidents.

Python cannot know how wide the map is on the reader's screen (a 390 px phone, a 2,000 px
monitor), so it sends the box to show and a small v2 component (our constant script; no
record or link text in it) asks MapLibre to fit that box at the map's real size. It fits once
per view: panning and zooming are the reader's until the view changes (new filters, another
open incident, a proximity circle).
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import streamlit as st

from components import text
from components.url_state import open_incident
from incidents.geo import GROUP_DECIMALS, Bounds
from incidents.view import SharedPoint

GROUP_KEY = "_map_group"  # "@lat,lon" of the shared marker whose list is open

_JS = """
export default function ({ data }) {
  if (!data || !data.bounds) return;
  const [west, south, east, north] = data.bounds;
  const started = Date.now();
  const fits = (map) => {
    const b = map.getBounds();
    return b.getWest() <= west + 1e-6 && b.getEast() >= east - 1e-6 && b.getSouth() <= south + 1e-6
      && b.getNorth() >= north - 1e-6;
  };
  // plotly may still apply its own centre and zoom after the map loads, so fit, then check
  // again until the box is in view (a few times, within 15 s), then leave the view to the reader.
  const fit = () => {
    const gd = document.querySelector(".st-key-map .js-plotly-plot");
    const map = gd && gd._fullLayout && gd._fullLayout.map && gd._fullLayout.map._subplot
      && gd._fullLayout.map._subplot.map;
    if (Date.now() - started > 15000) { if (gd) gd.dataset.atlasSettled = data.key; return; }
    if (!map || !map.loaded()) { setTimeout(fit, 100); return; }
    const done = gd.dataset.atlasFitted === data.key;
    // Settled: the view is the reader's now (the browser tests wait for it before a click).
    if (done && (fits(map) || gd.dataset.atlasChecks === "0")) { gd.dataset.atlasSettled = data.key; return; }
    if (!done) gd.dataset.atlasChecks = "5";
    gd.dataset.atlasFitted = data.key;
    gd.dataset.atlasChecks = String(Number(gd.dataset.atlasChecks) - 1);
    map.fitBounds([[west, south], [east, north]], { padding: 16, maxZoom: data.maxZoom, animate: false });
    setTimeout(fit, 400);
  };
  fit();
}
"""
_fitter = st.components.v2.component("atlas_map_fit", html="<span></span>", js=_JS)
MAX_FIT_ZOOM = 9


def render_fit(bounds: Bounds | None, key: str) -> None:
    """Fit the map to ``bounds`` at its real width, once per ``key`` (the view)."""
    if bounds is not None:
        _fitter(data={"bounds": list(bounds), "key": key, "maxZoom": MAX_FIT_ZOOM}, key="map-fit", height=0)


def open_group(key: str) -> None:
    st.session_state[GROUP_KEY] = key


def open_group_key() -> str | None:
    """The position of the shared marker whose list is open, if any."""
    return st.session_state.get(GROUP_KEY)


def _close_group() -> None:
    st.session_state.pop(GROUP_KEY, None)


def members(frame: pd.DataFrame, key: str) -> pd.DataFrame:
    """The incidents of the view at a shared marker's position."""
    lat, lon = (float(part) for part in key.removeprefix("@").split(","))
    at = (np.round(frame["lat"].to_numpy(), GROUP_DECIMALS) == lat) & (
        np.round(frame["lon"].to_numpy(), GROUP_DECIMALS) == lon
    )
    return frame.loc[at].sort_values(["date", "id"])


SHARED_POINTS_KEY = "shared-point"


def _open_chosen_point() -> None:
    chosen = st.session_state.get(SHARED_POINTS_KEY)
    if chosen:
        open_group(chosen)


def render_shared_points(points: list[SharedPoint]) -> None:
    """The keyboard's way to a shared marker's list: choose the point, and its list opens
    below as buttons, as a click on the marker would open it."""
    if not points:
        return
    labels = {point.key: f"{point.place or point.key} · {point.count} incidents" for point in points}
    st.selectbox(
        "Incidents sharing one point on the map",
        options=list(labels),
        format_func=lambda key: text.option_label(labels[key]),
        index=None,
        placeholder=f"{len(points)} points with several incidents: choose one to list them",
        key=SHARED_POINTS_KEY,
        on_change=_open_chosen_point,
    )


def _close_list() -> None:
    """The list's Close button: the select box of points is emptied too, so choosing the same
    point again opens its list again (an unchanged choice would not)."""
    _close_group()
    st.session_state.pop(SHARED_POINTS_KEY, None)


def render_group_list(frame: pd.DataFrame) -> None:
    """The list a shared marker opens: every incident at that point, each a button (so a
    keyboard reaches them too)."""
    key = st.session_state.get(GROUP_KEY)
    if not key:
        return
    found = members(frame, key)
    if found.empty:
        _close_group()
        return
    with st.container(border=True, key="shared-point-list"):  # the page script focuses its first button
        text.markdown("**{} incidents at this point** (the same published position)", len(found))
        for row in found.itertuples():
            st.button(
                text.button_label(f"{row.date:%Y-%m-%d} · {row.title}"),
                key=f"group-{row.id}",
                on_click=open_incident,
                args=(row.id,),
                type="tertiary",
            )
        st.button("Close the list", key="group-close", on_click=_close_list, icon=":material/close:")
