"""Airspace layers on the map (under the incidents), their credits, and the zone labels the
sidebar shows. Zones are outlined with a faint fill, lines drawn, tracks coloured by aircraft
category for the date window, each hover saying what it is and where it comes from."""

from __future__ import annotations

from typing import Any

import numpy as np
import plotly.graph_objects as go
import streamlit as st

from components import text
from incidents import activity, safe_text
from incidents.layers import Layer
from incidents.periods import Window

ZONE_COLOUR = "#5B3A8E"
LINE_COLOUR = "#A6112E"
TRACK_COLOURS = {
    "fighter": "#B1324E", "bomber": "#65169B", "drone": "#148DE6", "helicopter": "#967009",
    "support": "#1D4C19", "main-combat": "#F53379", "balloon": "#4D4DF4",
}  # fmt: skip
TRACK_OTHER = "#7A7A7A"


def _lines(geometry: dict[str, Any]) -> list[list[list[float]]]:
    """The coordinate runs of a geometry: rings of polygons, or lines."""
    kind, coordinates = geometry.get("type"), geometry.get("coordinates") or []
    if kind == "Polygon":
        return list(coordinates)
    if kind == "MultiPolygon":
        return [ring for polygon in coordinates for ring in polygon]
    if kind == "LineString":
        return [coordinates]
    if kind == "MultiLineString":
        return list(coordinates)
    return []


def _joined(runs: list[list[list[float]]]) -> tuple[list[float | None], list[float | None]]:
    """Runs as one lat/lon array with gaps (None) between them: one trace per layer."""
    lats: list[float | None] = []
    lons: list[float | None] = []
    for run in runs:
        lons += [point[0] for point in run] + [None]
        lats += [point[1] for point in run] + [None]
    return lats, lons


def _credit(layer: Layer) -> str:
    return f"{layer.meta.title} ({layer.meta.authority}; {layer.meta.source.publisher})"


def _zone_or_line(layer: Layer) -> go.Scattermap:
    runs = [run for feature in layer.features for run in _lines(feature.get("geometry") or {})]
    lats, lons = _joined(runs)
    zone = layer.meta.kind == "zone"
    return go.Scattermap(
        lat=lats,
        lon=lons,
        mode="lines",
        fill="toself" if zone else None,
        fillcolor="rgba(91, 58, 142, 0.06)" if zone else None,
        line={"color": ZONE_COLOUR if zone else LINE_COLOUR, "width": 1.5 if zone else 2.5},
        hoverinfo="text",
        hovertext=safe_text.hover(_credit(layer), limit=200),
        name=safe_text.hover(layer.meta.title, limit=80),
    )


def _track_hover(properties: dict[str, Any]) -> str:
    sorties = properties.get("sorties")
    crossings = " · crossed the median line" if properties.get("crossed_median") else ""
    counted = f" · {sorties} sorties" if isinstance(sorties, int) else ""
    original = safe_text.hover(properties.get("text") or "", limit=160)
    aircraft = safe_text.hover(properties.get("aircraft") or "", limit=60)
    return f"{properties.get('date')} · {aircraft}{counted}{crossings}<br>{original}"


def _track_traces(layer: Layer, window: Window | None) -> list[go.Scattermap]:
    """The window's tracks and areas, one trace per aircraft category, with a hover marker at
    each track's start (a line alone is hard to hover)."""
    by_category: dict[str, list[dict[str, Any]]] = {}
    for feature in activity.in_window(layer, window):
        categories = (feature.get("properties") or {}).get("categories") or ["other"]
        by_category.setdefault(str(categories[-1]), []).append(feature)
    traces = []
    for category, features in sorted(by_category.items()):
        colour = TRACK_COLOURS.get(category, TRACK_OTHER)
        runs = [run for feature in features for run in _lines(feature.get("geometry") or {})]
        lats, lons = _joined(runs)
        traces.append(go.Scattermap(lat=lats, lon=lons, mode="lines", line={"color": colour, "width": 1.5},
                                    opacity=0.7, hoverinfo="skip", name=f"PLA tracks: {category}"))  # fmt: skip
        starts = [(run[0][1], run[0][0], feature) for feature in features for run in _lines(feature["geometry"])[:1]]
        traces.append(
            go.Scattermap(
                lat=np.array([s[0] for s in starts], dtype=np.float32),
                lon=np.array([s[1] for s in starts], dtype=np.float32),
                mode="markers",
                marker={"size": 6, "color": colour},
                hovertext=[_track_hover(s[2].get("properties") or {}) for s in starts],
                hoverinfo="text",
                name=f"PLA tracks: {category}",
            )
        )
    return traces


def layer_traces(layers: list[Layer], window: Window | None) -> list[go.Scattermap]:
    """Traces of the chosen layers, to be drawn before (under) the incidents."""
    traces: list[go.Scattermap] = []
    for layer in layers:
        traces += _track_traces(layer, window) if layer.meta.kind == "tracks" else [_zone_or_line(layer)]
    return traces


def render_credits(layers: list[Layer]) -> None:
    """Every drawn layer credited in one line (title, publisher, how authoritative, licence),
    with sources and caveats one click away, so the timeline stays on the first screen."""
    if not layers:
        return
    credits = "; ".join(
        f"{layer.meta.title} ({layer.meta.source.publisher}, {layer.meta.authority}, {layer.meta.licence.name}"
        + (": positions redrawn from schematic maps, approximate" if layer.meta.kind == "tracks" else "")
        + ")"
        for layer in layers
    )
    text.caption("Layers: {}", credits, limit=900)
    with st.expander("Layer sources and caveats"):
        for layer in layers:
            meta = layer.meta
            text.markdown(
                "**{}** — {}: {}, {}. Licence: {} ({}). {}",
                meta.title,
                meta.source.publisher,
                text.link(meta.source.title or "title not recorded", meta.source.url),
                meta.source.published.isoformat() if meta.source.published else "date not recorded",
                meta.licence.name,
                meta.licence.attribution,
                meta.caveat or "",
                limit=2500,
            )


def zone_labels(layers: list[Layer]) -> dict[str, str]:
    """Zone id -> label, for the "Inside zone" filter."""
    labels = {}
    for layer in layers:
        if layer.meta.kind != "zone":
            continue
        if layer.meta.feature_id is None:
            labels[layer.id] = layer.meta.title
            continue
        name_key = layer.meta.feature_label or layer.meta.feature_id
        for zone, feature in zip(layer.zone_ids, layer.features, strict=True):
            name = (feature.get("properties") or {}).get(name_key) or zone.split(":", 1)[-1]
            labels[zone] = f"{name} ({layer.meta.authority})"
    return labels
