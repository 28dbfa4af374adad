"""Airspace facts of every incident, computed from the layers at load time (never typed).

``zone_facts(frame, layers)`` returns, per row of a catalog frame:

- ``zones``: the zone ids whose area contains the point on the incident's date, as a
  delimited set (``|cn-ecs-adiz|vatspy-firs:RJJJ|``, like ``incidents.flat.code_set``);
- ``zone_edges``: the zone ids whose boundary passes within the uncertainty radius
  (``radius_km``), i.e. the incident may be on either side: its placement is uncertain;
- ``coast_km``: great-circle distance to the nearest coastline of the basemap's land;
- ``on_land``: whether the point lies on the basemap's land.

Everything is vectorised with shapely 2 (STRtree queries): no per-row Python. Distances are
great-circle (haversine) to the boundary or coast point nearest in longitude/latitude, so
they are upper bounds that differ from the true geodesic minimum by well under the
uncertainty radii the records use.
"""

from __future__ import annotations

import itertools
import json
from functools import lru_cache
from pathlib import Path

import numpy as np
import pandas as pd
import shapely

from incidents.geo import EARTH_RADIUS_KM
from incidents.layers import Layer, load_layers, zone_layers

LAND_PATH = Path(__file__).resolve().parents[1] / "static" / "basemap" / "land.geojson"
FACT_COLUMNS = ("zones", "zone_edges", "coast_km", "on_land")
_KM_PER_DEG = 111.195  # one degree of a great circle, EARTH_RADIUS_KM * pi / 180
_CHUNK = 32  # coastline vertices per indexed piece


def _haversine(lat1: np.ndarray, lon1: np.ndarray, lat2: np.ndarray, lon2: np.ndarray) -> np.ndarray:
    phi1, phi2 = np.radians(lat1), np.radians(lat2)
    a = np.sin((phi2 - phi1) / 2) ** 2 + np.cos(phi1) * np.cos(phi2) * np.sin(np.radians(lon2 - lon1) / 2) ** 2
    distances: np.ndarray = 2 * EARTH_RADIUS_KM * np.arcsin(np.sqrt(np.clip(a, 0, 1)))
    return distances


def _nearest_km(points: np.ndarray, lines: np.ndarray) -> np.ndarray:
    """Great-circle km from each point to the point of its paired line nearest in lon/lat."""
    if len(points) == 0:
        return np.zeros(0)
    ends = shapely.get_coordinates(shapely.get_point(shapely.shortest_line(points, lines), 1))
    starts = shapely.get_coordinates(points)
    return _haversine(starts[:, 1], starts[:, 0], ends[:, 1], ends[:, 0])


@lru_cache(maxsize=2)
def _land(path: Path = LAND_PATH) -> tuple[shapely.STRtree, np.ndarray, shapely.STRtree]:
    """Land polygons and coastline pieces of at most _CHUNK vertices, each in an STRtree."""
    data = json.loads(path.read_text(encoding="utf-8"))
    polygons = [
        part
        for feature in data["features"]
        for part in shapely.get_parts(shapely.from_geojson(json.dumps(feature["geometry"])))
    ]
    rings = shapely.get_parts(shapely.boundary(np.asarray(polygons, dtype=object)))
    pieces = []
    for ring in rings:
        coordinates = shapely.get_coordinates(ring)
        for start in range(0, len(coordinates) - 1, _CHUNK):
            pieces.append(shapely.linestrings(coordinates[start : start + _CHUNK + 1]))
    coast = np.asarray(pieces, dtype=object)
    land = np.asarray(polygons, dtype=object)
    return shapely.STRtree(land), coast, shapely.STRtree(coast)


def _covering(
    tree: shapely.STRtree, geometries: np.ndarray, x: np.ndarray, y: np.ndarray
) -> tuple[np.ndarray, np.ndarray]:
    """(point, geometry) pairs where the geometry covers the point: bounding boxes from the
    tree, then one prepared geometry at a time against all its candidate points (a tree
    predicate would test huge polygons such as Eurasia unprepared, once per point)."""
    point_index, geometry_index = tree.query(shapely.points(x, y))
    order = np.argsort(geometry_index, kind="stable")
    point_index, geometry_index = point_index[order], geometry_index[order]
    keep = np.zeros(len(point_index), dtype=bool)
    bounds = np.flatnonzero(np.r_[True, geometry_index[1:] != geometry_index[:-1], True])
    for start, end in itertools.pairwise(bounds):
        geometry = geometries[geometry_index[start]]
        shapely.prepare(geometry)
        chosen = point_index[start:end]
        keep[start:end] = shapely.intersects_xy(geometry, x[chosen], y[chosen])
    return point_index[keep], geometry_index[keep]


def _code_sets(rows: np.ndarray, codes: np.ndarray, n: int) -> np.ndarray:
    """(row, code) pairs -> one '|a|b|' string per row ('' for none), codes in pair order."""
    result = np.full(n, "", dtype=object)
    if len(rows) == 0:
        return result
    order = np.argsort(rows, kind="stable")
    rows, codes = rows[order], codes[order]
    starts = np.flatnonzero(np.r_[True, rows[1:] != rows[:-1]])
    ends = np.r_[starts[1:], len(rows)]
    for start, end in zip(starts, ends, strict=True):  # one step per row that has a zone
        result[rows[start]] = "|" + "|".join(dict.fromkeys(codes[start:end])) + "|"
    return result


def _in_force(periods: np.ndarray, zone: np.ndarray, dates: np.ndarray) -> np.ndarray:
    """Whether each zone was in force on each date (an undated row counts every zone)."""
    in_force: np.ndarray = np.isnat(dates) | ((dates >= periods[zone, 0]) & (dates <= periods[zone, 1]))
    return in_force


def zone_facts(frame: pd.DataFrame, layers: list[Layer] | None = None, land: Path = LAND_PATH) -> pd.DataFrame:
    """The airspace facts of every row (see the module doc), indexed like ``frame``."""
    if layers is None:
        layers, _ = load_layers()
    n = len(frame)
    lat = pd.to_numeric(frame["lat"], errors="coerce").to_numpy(dtype="float64")
    lon = pd.to_numeric(frame["lon"], errors="coerce").to_numpy(dtype="float64")
    if "radius_km" in frame:
        radius = pd.to_numeric(frame["radius_km"], errors="coerce").to_numpy(dtype="float64")
        radius_km = np.nan_to_num(radius, nan=0.0)
    else:
        radius_km = np.zeros(n)
    if "date" in frame:
        dates = pd.to_datetime(frame["date"], errors="coerce").to_numpy().astype("datetime64[D]")
    else:
        dates = np.full(n, np.datetime64("NaT"), dtype="datetime64[D]")
    located = np.flatnonzero(np.isfinite(lat) & np.isfinite(lon))
    points = shapely.points(lon[located], lat[located])

    zones = zone_layers(layers)
    geometries = np.concatenate([layer.geometries for layer in zones]) if zones else np.zeros(0, dtype=object)
    codes = np.array([code for layer in zones for code in layer.zone_ids], dtype=object)
    never, always = np.datetime64("0001-01-01", "D"), np.datetime64("9999-12-31", "D")
    periods = np.array(
        [
            (
                np.datetime64(layer.meta.effective_from, "D") if layer.meta.effective_from else never,
                np.datetime64(layer.meta.effective_to, "D") if layer.meta.effective_to else always,
            )
            for layer in zones
            for _ in layer.features
        ],
        dtype="datetime64[D]",
    ).reshape(-1, 2)

    contained = np.full(n, "", dtype=object)
    edges = np.full(n, "", dtype=object)
    if len(geometries) and len(points):
        tree = shapely.STRtree(geometries)
        point_index, zone_index = _covering(tree, geometries, lon[located], lat[located])
        rows = located[point_index]
        keep = _in_force(periods, zone_index, dates[rows])
        contained = _code_sets(rows[keep], codes[zone_index[keep]], n)

        boundaries = shapely.boundary(geometries)
        reach = radius_km[located] / (_KM_PER_DEG * np.maximum(np.cos(np.radians(lat[located])), 0.05))
        near = reach > 0
        edge_tree = shapely.STRtree(boundaries)
        point_index, zone_index = edge_tree.query(points[near], predicate="dwithin", distance=reach[near])
        point_index = np.flatnonzero(near)[point_index]
        rows = located[point_index]
        crosses = _nearest_km(points[point_index], boundaries[zone_index]) <= radius_km[rows]
        keep = crosses & _in_force(periods, zone_index, dates[rows])
        edges = _code_sets(rows[keep], codes[zone_index[keep]], n)

    coast_km, on_land = _coast(lat, lon, located, land)
    return pd.DataFrame(
        {"zones": contained, "zone_edges": edges, "coast_km": coast_km, "on_land": on_land}, index=frame.index
    ).astype({"zones": "str", "zone_edges": "str", "coast_km": "float64", "on_land": "bool"})


_BAND_DEG = 2.0  # latitude band whose cosine scales longitude when picking the nearest coast


@lru_cache(maxsize=128)
def _coast_band(band: int, land: Path) -> tuple[np.ndarray, shapely.STRtree, float]:
    """The coastline with longitude scaled by the cosine of this band's latitude, so that
    distances in the scaled plane approximate distances on the ground near the band."""
    _, coast, _ = _land(land)
    scale = float(max(np.cos(np.radians((band + 0.5) * _BAND_DEG)), 0.05))
    scaled = shapely.transform(coast, lambda xy: xy * np.array([scale, 1.0]))
    return scaled, shapely.STRtree(scaled), scale


def _coast(lat: np.ndarray, lon: np.ndarray, located: np.ndarray, land: Path) -> tuple[np.ndarray, np.ndarray]:
    """Distance to the coast and on-land flag, computed once per distinct position: the
    nearest coastline piece in a plane scaled for the point's latitude band, then the
    great-circle distance to that piece's nearest point."""
    coast_km = np.full(len(lat), np.nan)
    on_land = np.zeros(len(lat), dtype=bool)
    if len(located) == 0:
        return coast_km, on_land
    land_tree, _, _ = _land(land)
    polygons = land_tree.geometries
    positions, inverse = np.unique(np.column_stack([lon[located], lat[located]]), axis=0, return_inverse=True)
    best = np.full(len(positions), np.nan)
    bands = np.floor(positions[:, 1] / _BAND_DEG).astype(np.int64)
    for band in np.unique(bands):
        chosen = np.flatnonzero(bands == band)
        scaled, tree, scale = _coast_band(int(band), land)
        points = shapely.points(positions[chosen, 0] * scale, positions[chosen, 1])
        _, piece = tree.query_nearest(points, all_matches=False)
        ends = shapely.get_coordinates(shapely.get_point(shapely.shortest_line(points, scaled[piece]), 1))
        best[chosen] = _haversine(positions[chosen, 1], positions[chosen, 0], ends[:, 1], ends[:, 0] / scale)
    inside = np.zeros(len(positions), dtype=bool)
    inside[np.unique(_covering(land_tree, polygons, positions[:, 0], positions[:, 1])[0])] = True
    coast_km[located] = best[inverse.ravel()]
    on_land[located] = inside[inverse.ravel()]
    return coast_km, on_land
