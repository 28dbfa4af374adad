"""The incident map: plotly MapLibre, graph_objects with compact arrays (docs/architecture.md, "Size thresholds")."""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import cast

import numpy as np
import pandas as pd
import plotly.graph_objects as go
import streamlit as st

from components import text
from incidents import safe_text
from incidents.basemap import REGULAR, distance_ruler, offline_style
from incidents.dataset import DRAWN_ROWS
from incidents.engine import Bins
from incidents.geo import (
    GROUP_DECIMALS,
    Place,
    PointGroups,
    bin_cell_size,
    geodesic_circle,
    grid_bins,
    group_points,
)
from incidents.model import Incident
from incidents.palette import OTHER_COLOUR, category_index, category_label, hover_labels

MAP_POINT_LIMIT = DRAWN_ROWS  # above it the map draws counts per grid cell
# Tall enough to read a region, short enough that the timeline's lanes fit below it on a
# 1440x900 screen (docs/architecture.md, "Layout").
MAP_HEIGHT = 340
# The width the view is fitted for: the map's column at 1440 px is at least this wide.
FIT_WIDTH_PX = 620

MARKER_RING = "Marker outline"
BASEMAPS = {
    "offline": "Built-in (offline)",
    "carto-positron": "Carto light (online)",
    "open-street-map": "OpenStreetMap (online)",
}
GROUP_RING = "#1A1A1A"
PROXIMITY_COLOUR = "#0B3D91"
SERIES_COLOUR = "#D55E00"


@dataclass(frozen=True)
class OpenIncident:
    row: int | None  # None when the opened incident is not in the catalog frame
    title: str
    lat: float
    lon: float
    radius_km: float | None

    @classmethod
    def of(cls, incident: Incident | None, row: int | None) -> OpenIncident | None:
        if incident is None:
            return None
        location = incident.location
        # cast: a catalogued record is located (lat/lon filled from the gazetteer or required).
        return cls(row, incident.title, cast(float, location.lat), cast(float, location.lon), location.radius_km)


def served_static_url() -> str:
    """Where Streamlit serves static/ for this browser (absolute, for MapLibre's fetches)."""
    base = (st.context.url or "").rstrip("/")
    return f"{base}/app/static" if base else "app/static"


def fit_view(lats: np.ndarray, lons: np.ndarray, width_px: int = FIT_WIDTH_PX, height_px: int = 520) -> dict:
    """Centre and zoom that show every point (web-mercator zoom from the bounding box).
    MapLibre's zoom 0 shows the world in 512 px."""
    if len(lats) == 0:
        return {"center": {"lat": 30.0, "lon": 20.0}, "zoom": 0.8}
    south, north = float(np.min(lats)), float(np.max(lats))
    west, east = float(np.min(lons)), float(np.max(lons))

    def mercator_y(lat: float) -> float:
        lat = max(min(lat, 85.0), -85.0)
        return math.log(math.tan(math.pi / 4 + math.radians(lat) / 2))

    lon_span = max(east - west, 0.5)
    y_span = max(mercator_y(north) - mercator_y(south), 0.01)
    zoom_x = math.log2(width_px / 512 * 360 / lon_span)
    zoom_y = math.log2(height_px / 512 * 2 * math.pi / y_span)
    zoom = max(0.3, min(zoom_x, zoom_y, 7.0) - 0.3)
    center_y = (mercator_y(north) + mercator_y(south)) / 2
    center_lat = math.degrees(2 * math.atan(math.exp(center_y)) - math.pi / 2)
    return {"center": {"lat": round(center_lat, 4), "lon": round((west + east) / 2, 4)}, "zoom": round(zoom, 2)}


GROUP_HOVER_NAMES = 8


def group_key(lat: float, lon: float) -> str:
    """A group marker's customdata: its position (components/selection.py opens its list)."""
    return f"@{lat:.{GROUP_DECIMALS}f},{lon:.{GROUP_DECIMALS}f}"


def _listed_hover(frame: pd.DataFrame, groups: PointGroups, keys: np.ndarray, heading: str) -> list[str]:
    """For each group in ``keys``: ``heading`` (with {n}, its size), then the names of its first
    GROUP_HOVER_NAMES incidents and "and N more". Shared markers and binned cells alike."""
    hover = hover_labels(frame)
    order = np.argsort(groups.group, kind="stable")
    starts = np.concatenate([[0], np.cumsum(groups.sizes)[:-1]])
    texts = []
    for key in keys:
        size = int(groups.sizes[key])
        names = "<br>".join(str(text) for text in hover[order[starts[key] : starts[key] + GROUP_HOVER_NAMES]])
        more = f"<br>… and {size - GROUP_HOVER_NAMES:,} more" if size > GROUP_HOVER_NAMES else ""
        texts.append(f"{heading.format(n=f'{size:,}')}<br>{names}{more}")
    return texts


def _group_traces(frame: pd.DataFrame, groups: PointGroups, shared: np.ndarray) -> list[go.Scattermap]:
    """One marker per position shared by several incidents: a dark ring sized by the count,
    hover naming them, a click listing them (so none is hidden under another)."""
    keys = np.flatnonzero(shared)
    texts = _listed_hover(frame, groups, keys, "<b>{n} incidents here</b> (click for the list)")
    sizes = (14 + 4 * np.sqrt(groups.sizes[keys])).astype(np.float32)
    lats, lons = groups.lats[keys].astype(np.float32), groups.lons[keys].astype(np.float32)
    customdata = [group_key(float(lat), float(lon)) for lat, lon in zip(lats, lons, strict=True)]
    return [
        go.Scattermap(lat=lats, lon=lons, mode="markers", marker={"size": sizes + 4, "color": GROUP_RING},
                      hoverinfo="skip", customdata=customdata, name="Several incidents"),
        go.Scattermap(lat=lats, lon=lons, mode="markers", marker={"size": sizes, "color": "#FFFFFF"},
                      customdata=customdata, hovertext=texts, hoverinfo="text", name="Several incidents"),
    ]  # fmt: skip


def _category_traces(frame: pd.DataFrame, field: str, colours: dict[str, str]) -> list[go.Scattermap]:
    """Incidents alone at their position, one trace per colour; shared positions become
    group markers."""
    groups = group_points(frame["lat"].to_numpy(), frame["lon"].to_numpy())
    shared = groups.sizes > 1
    alone = ~shared[groups.group]
    index, codes = category_index(frame, field, colours)
    lats = frame["lat"].to_numpy(dtype=np.float32)
    lons = frame["lon"].to_numpy(dtype=np.float32)
    rows = frame["row"].to_numpy(dtype=np.int32)
    hover = hover_labels(frame)
    # A white ring under every single marker: the water is a mid-tone blue (3:1 against the
    # land), and without the ring a blue or green marker on it is hard to see. No hover or click.
    traces = [
        go.Scattermap(
            lat=lats[alone],
            lon=lons[alone],
            mode="markers",
            marker={"size": 13, "color": "#FFFFFF", "opacity": 0.9},
            hoverinfo="skip",
            name=MARKER_RING,
            showlegend=False,
        )
    ]
    traces += _group_traces(frame, groups, shared) if shared.any() else []
    for position, code in enumerate(codes):
        mask = (index == position) & alone
        if not mask.any():
            continue
        traces.append(
            go.Scattermap(
                lat=lats[mask],
                lon=lons[mask],
                customdata=rows[mask],
                hovertext=hover[mask],
                hoverinfo="text",
                mode="markers",
                marker={"size": 10, "color": colours.get(code, OTHER_COLOUR), "opacity": 0.85},
                name=category_label(field, code),
            )
        )
    return traces


def _binned_trace(frame: pd.DataFrame, counted: Bins | None = None, cell_deg: float = 1.0) -> go.Scattermap:
    """Counts per grid cell: of ``frame``'s rows, whose names the hover lists, or ``counted``
    by the query engine for a view larger than the rows drawn (incidents/dataset.py)."""
    if counted is None:
        lats, lons = frame["lat"].to_numpy(), frame["lon"].to_numpy()
        cell = bin_cell_size(lats, lons)
        bins = grid_bins(lats, lons, cell)
        centre_lats, centre_lons, counts = bins.lats, bins.lons, bins.sizes
        hover = _listed_hover(frame, bins, np.arange(len(bins.sizes)), "<b>{n} incidents</b> (click to show them)")
    else:
        cell = cell_deg
        centre_lats, centre_lons = counted.lats.astype(np.float32), counted.lons.astype(np.float32)
        counts = counted.counts
        hover = [f"<b>{count:,} incidents</b> (click to show them)" for count in counts.tolist()]
    # customdata of a bin: its centre and a radius covering the cell, so clicking it can
    # narrow the view to the incidents under it (near=lat,lon&radius_km=...).
    radius_km = round(cell * 111.32 * 0.75, 1)
    customdata = np.column_stack([centre_lats, centre_lons, np.full(len(counts), radius_km, dtype=np.float32)])
    return go.Scattermap(
        lat=centre_lats,
        lon=centre_lons,
        customdata=customdata.astype(np.float32),
        hovertext=hover,
        hoverinfo="text",
        mode="markers",
        marker={
            "size": (6 + 4 * np.sqrt(counts / max(int(counts.max(initial=0)), 1)) * 6).astype(np.float32),
            "color": counts.astype(np.int32),
            "colorscale": "Viridis",
            "showscale": True,
            "colorbar": {"title": {"text": "incidents"}, "thickness": 12},
            "opacity": 0.85,
        },
        name=f"Binned counts ({cell:.2g}° cells)",
    )


def is_binned(frame: pd.DataFrame) -> bool:
    return len(frame) > MAP_POINT_LIMIT


def _proximity_traces(place: Place, radius_km: float) -> list[go.Scattermap]:
    """The place of a proximity filter and its geodesic circle (near=, radius_km=)."""
    ring_lats, ring_lons = geodesic_circle(place.lat, place.lon, radius_km)
    name = safe_text.hover(place.name, limit=60)
    return [
        go.Scattermap(lat=ring_lats, lon=ring_lons, mode="lines", line={"color": PROXIMITY_COLOUR, "width": 2},
                      hoverinfo="skip", name=f"Within {radius_km:g} km of {name}"),
        go.Scattermap(lat=[place.lat], lon=[place.lon], mode="markers",
                      marker={"size": 11, "color": PROXIMITY_COLOUR}, hovertext=[f"{name}: the proximity filter's "
                      f"centre ({radius_km:g} km)"], hoverinfo="text", name="Proximity centre"),
    ]  # fmt: skip


def _series_traces(frame: pd.DataFrame, rows: list[int]) -> list[go.Scattermap]:
    """The open incident's series: its other members ringed and joined in date order."""
    members = frame[frame["row"].isin(rows)].sort_values("date")
    if members.empty:
        return []
    dates = members["date"].dt.strftime("%-d %b %Y").to_numpy(dtype=object)
    return [
        go.Scattermap(lat=members["lat"], lon=members["lon"], mode="lines", line={"color": SERIES_COLOUR, "width": 1.5},
                      hoverinfo="skip", name="Series, in date order"),
        go.Scattermap(lat=members["lat"], lon=members["lon"], mode="markers+text", textposition="top right",
                      textfont={"size": 11, "color": SERIES_COLOUR, "family": REGULAR},
                      marker={"size": 15, "color": SERIES_COLOUR, "opacity": 0.9},
                      customdata=members["row"].to_numpy(dtype=np.int32),
                      hovertext=[f"Same series · {text}" for text in hover_labels(members)], hoverinfo="text",
                      text=dates, name="Same series"),
    ]  # fmt: skip


def _open_incident_traces(incident: OpenIncident) -> list[go.Scattermap]:
    traces = []
    if incident.radius_km:
        ring_lats, ring_lons = geodesic_circle(incident.lat, incident.lon, incident.radius_km)
        # An outline with a light fill: a 300 km circle must not swamp the map.
        traces.append(
            go.Scattermap(
                lat=ring_lats,
                lon=ring_lons,
                mode="lines",
                fill="toself",
                fillcolor="rgba(17, 17, 17, 0.05)",
                line={"color": "#111111", "width": 1.5},
                hoverinfo="skip",
                name=f"Uncertainty: {incident.radius_km:g} km",
            )
        )
    for size, colour in ((22, "#111111"), (14, "#FFD400")):
        traces.append(
            go.Scattermap(
                lat=[incident.lat],
                lon=[incident.lon],
                customdata=[incident.row],
                hovertext=[safe_text.hover(incident.title)],
                hoverinfo="text",
                mode="markers",
                marker={"size": size, "color": colour},
                name="Open incident",
                showlegend=size == 14,
            )
        )
    return traces


def build_map_figure(
    frame: pd.DataFrame,
    field: str,
    colours: dict[str, str],
    open_incident: OpenIncident | None = None,
    basemap: str = "offline",
    static_url: str = "app/static",
    view_key: str = "",
    *,
    fit_to: pd.DataFrame | None = None,
    height: int = MAP_HEIGHT,
    proximity: tuple[Place, float] | None = None,
    series_rows: list[int] | None = None,
    under: list[go.Scattermap] | None = None,
    bins: Bins | None = None,
    cell_deg: float = 1.0,
) -> go.Figure:
    """``fit_to``: the incidents the view fits (default: those drawn). Playback draws one
    window at a time but keeps the view fitted to the whole filtered set, so it does not jump.
    ``bins``: the grid cells of a view larger than ``frame`` holds (``cell_deg`` wide)."""
    if bins is not None:
        traces = [_binned_trace(frame, bins, cell_deg)]
    else:
        traces = [_binned_trace(frame)] if is_binned(frame) else _category_traces(frame, field, colours)
    fitted = frame if fit_to is None else fit_to
    figure = go.Figure([*(under or []), *traces])  # airspace layers first: under the incidents
    if proximity is not None:
        figure.add_traces(_proximity_traces(*proximity))
    if series_rows:
        # The whole view's rows where it has them (fit_to), else those drawn: the points a
        # large view fits to (its grid cells) are not incidents.
        members_of = fit_to if fit_to is not None and "row" in fit_to else frame
        figure.add_traces(_series_traces(members_of, series_rows))
    if open_incident is not None:
        figure.add_traces(_open_incident_traces(open_incident))
    view = fit_view(fitted["lat"].to_numpy(), fitted["lon"].to_numpy(), height_px=height)
    if basemap == "offline":
        centre = view["center"]
        ruler = distance_ruler(centre["lat"], centre["lon"], view["zoom"], FIT_WIDTH_PX, height)
        style: str | dict = offline_style(static_url, ruler)
    else:
        style = basemap
    figure.update_layout(
        map={"style": style, **view},
        margin={"l": 0, "r": 0, "t": 0, "b": 0},
        height=height,
        # The timeline's lanes below are the legend (same field, same colours): a legend here
        # took 100 px that the first screen needs for the lanes.
        showlegend=False,
        # Same filters -> same uirevision -> plotly keeps the user's pan and zoom; new
        # filters -> the view refits to the filtered incidents.
        uirevision=view_key,
        clickmode="event+select",
    )
    return figure


def render_map(
    frame: pd.DataFrame,
    field: str,
    colours: dict[str, str],
    *,
    key: str,
    on_select,
    open_incident: OpenIncident | None = None,
    basemap: str = "offline",
    view_key: str = "",
    fit_to: pd.DataFrame | None = None,
    proximity: tuple[Place, float] | None = None,
    series_rows: list[int] | None = None,
    under: list[go.Scattermap] | None = None,
    bins: Bins | None = None,
    cell_deg: float = 1.0,
    total: int | None = None,
) -> None:
    """``bins``, ``cell_deg`` and ``total``: a view larger than ``frame`` holds, as grid cells."""
    if bins is not None or is_binned(frame):
        text.caption(
            f"{len(frame) if total is None else total:,} incidents are too many to draw one by one "
            f"({MAP_POINT_LIMIT:,} at most), so the map shows counts per grid cell. Click a cell, or narrow the "
            "filters, to see single incidents."
        )
    st.plotly_chart(
        build_map_figure(
            frame,
            field,
            colours,
            open_incident,
            basemap,
            served_static_url(),
            view_key,
            fit_to=fit_to,
            proximity=proximity,
            series_rows=series_rows,
            under=under,
            bins=bins,
            cell_deg=cell_deg,
        ),
        key=key,
        on_select=on_select,
        selection_mode=("points",),
        config={"scrollZoom": True, "displaylogo": False},
        theme=None,
    )
