"""Airspace layers: GeoJSON files with a metadata file each, read and checked, never trusted.

A layer is ``<id>.geojson`` (RFC 7946) beside ``<id>.yaml`` (``LayerMeta``): where it comes
from, its licence, its dates and how authoritative it is. The shipped layers live in
``incidents/layers/``; ``$INCIDENTS_LAYERS`` names a folder of more. A bad file (not GeoJSON,
invalid or unsplit geometry, coordinates out of range, too big, missing metadata) becomes a
``Problem`` naming the file, and every other layer still loads: ``load_layers`` never raises.
"""

from __future__ import annotations

import itertools
import json
import math
import os
import re
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date
from functools import cached_property
from pathlib import Path
from typing import Any, Literal

import numpy as np
import shapely
import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError, model_validator

from incidents.problems import FILE, Problem, problems_from_validation

LAYERS_DIR = Path(__file__).parent / "layers"
LAYERS_ENV = "INCIDENTS_LAYERS"
MAX_FILE_BYTES = 8 * 1024 * 1024
MAX_METADATA_BYTES = 64 * 1024
MAX_COORDINATES = 400_000
MAX_FEATURES = 20_000

Authority = Literal["official coordinates", "redrawn from an official map", "community data"]
Kind = Literal["zone", "line", "tracks"]
AUTHORITIES: tuple[str, ...] = ("official coordinates", "redrawn from an official map", "community data")
GEOMETRIES: dict[str, tuple[str, ...]] = {
    "zone": ("Polygon", "MultiPolygon"),
    "line": ("LineString", "MultiLineString"),
    "tracks": ("Point", "LineString", "MultiLineString", "Polygon", "MultiPolygon"),
}
_ID = r"^[a-z0-9][a-z0-9-]{1,48}$"
_URL = r"^https?://[^\s]+$"


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True, str_strip_whitespace=True)


class SourceRef(_Strict):
    """The page or dataset the geometry comes from, as published."""

    publisher: str = Field(min_length=2, max_length=200)
    title: str | None = Field(default=None, max_length=300, description="verbatim, or null if not seen")
    url: str = Field(pattern=_URL, max_length=500)
    published: date | None = None
    commit: str | None = Field(default=None, pattern=r"^[0-9a-f]{40}$", description="for a repository")


class Licence(_Strict):
    name: str = Field(min_length=2, max_length=120)
    url: str | None = Field(default=None, pattern=_URL, max_length=300)
    attribution: str = Field(min_length=2, max_length=500)
    file: str | None = Field(default=None, max_length=120, description="licence text beside the layer")


class LayerMeta(_Strict):
    id: str = Field(pattern=_ID)
    title: str = Field(min_length=3, max_length=160)
    kind: Kind
    authority: Authority
    source: SourceRef
    see_also: list[str] = Field(default_factory=list, max_length=10)
    licence: Licence
    effective_from: date | None = None
    effective_to: date | None = None
    caveat: str | None = Field(default=None, max_length=2000)
    feature_id: str | None = Field(
        default=None, max_length=40, description="property naming each zone of a many-zone layer (zone id: layer:value)"
    )
    feature_label: str | None = Field(default=None, max_length=40, description="property with a zone's name")

    @model_validator(mode="after")
    def _dates_in_order(self) -> LayerMeta:
        if self.effective_from and self.effective_to and self.effective_to < self.effective_from:
            raise ValueError("effective_to is before effective_from")
        for url in self.see_also:
            if not re.match(_URL, url):
                raise ValueError(f"see_also: not an http(s) URL: {url[:80]}")
        return self


@dataclass(frozen=True)
class Layer:
    meta: LayerMeta
    path: Path
    features: tuple[dict[str, Any], ...]
    shipped: bool = True

    @property
    def id(self) -> str:
        return self.meta.id

    @cached_property
    def geometries(self) -> np.ndarray:
        """One shapely geometry per feature, in file order."""
        return np.asarray(shapely.from_geojson([json.dumps(f["geometry"]) for f in self.features]), dtype=object)

    @cached_property
    def zone_ids(self) -> tuple[str, ...]:
        """Each feature's zone id: the layer id, or ``layer:value`` of its ``feature_id`` property."""
        if self.meta.feature_id is None:
            return tuple(self.id for _ in self.features)
        key = self.meta.feature_id
        return tuple(
            f"{self.id}:{(f.get('properties') or {}).get(key, index + 1)}" for index, f in enumerate(self.features)
        )


def layers_path() -> Path | None:
    extra = os.environ.get(LAYERS_ENV)
    return Path(extra) if extra else None


def load_layers(extra: Path | None = None, shipped: Path | None = LAYERS_DIR) -> tuple[list[Layer], list[Problem]]:
    """The shipped layers, then those of ``extra`` (default ``$INCIDENTS_LAYERS``), with the
    problems of the files that could not be used. Ids are unique: a later duplicate is refused."""
    extra = extra if extra is not None else layers_path()
    layers: list[Layer] = []
    problems: list[Problem] = []
    folders = [(shipped, True)] if shipped is not None else []
    if extra is not None:
        if not extra.is_dir():
            problems.append(Problem(str(extra), FILE, f"{LAYERS_ENV} is not a folder"))
        else:
            folders.append((extra, False))
    for folder, is_shipped in folders:
        assert folder is not None
        for path in sorted(folder.glob("*.geojson")):
            layer, found = read_layer(path, shipped=is_shipped)
            problems.extend(found)
            if layer is None:
                continue
            if any(other.id == layer.id for other in layers):
                problems.append(Problem(str(path), "id", f"layer id {layer.id!r} is already used by another layer"))
                continue
            layers.append(layer)
    return layers, problems


def read_layer(path: Path, shipped: bool = True) -> tuple[Layer | None, list[Problem]]:
    """One ``<id>.geojson`` and its ``<id>.yaml``, or the problems that stop it."""
    shown = str(path)
    meta, problems = read_metadata(path.with_suffix(".yaml"))
    if meta is None:
        return None, problems
    if meta.id != path.stem:
        return None, [Problem(shown, "id", f"metadata id {meta.id!r} differs from the file name {path.stem!r}")]
    features, problems = read_features(path, meta.kind)
    if problems:
        return None, problems
    return Layer(meta, path, tuple(features), shipped), []


def read_metadata(path: Path) -> tuple[LayerMeta | None, list[Problem]]:
    shown = str(path)
    if not path.is_file():
        return None, [Problem(shown, FILE, "missing metadata file: every layer needs <id>.yaml beside <id>.geojson")]
    if path.stat().st_size > MAX_METADATA_BYTES:
        return None, [Problem(shown, FILE, f"metadata file larger than {MAX_METADATA_BYTES // 1024} KiB")]
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
    except (yaml.YAMLError, UnicodeDecodeError) as error:
        return None, [Problem(shown, "(yaml)", f"not valid YAML: {str(error)[:200]}")]
    if not isinstance(data, dict):
        return None, [Problem(shown, FILE, "metadata must be a mapping of fields")]
    try:
        return LayerMeta.model_validate(data), []
    except ValidationError as error:
        return None, problems_from_validation(shown, error)


def _reject_constant(name: str) -> float:
    raise ValueError(f"{name} is not a JSON number")


def read_features(path: Path, kind: str) -> tuple[list[dict[str, Any]], list[Problem]]:
    """The features of a GeoJSON FeatureCollection, checked: type, geometry kinds, bounds,
    size, validity, antimeridian splitting."""
    shown = str(path)
    if not path.is_file():
        return [], [Problem(shown, FILE, "not a regular file")]
    if path.stat().st_size > MAX_FILE_BYTES:
        return [], [Problem(shown, FILE, f"larger than {MAX_FILE_BYTES // (1024 * 1024)} MiB")]
    try:
        data = json.loads(path.read_bytes().decode("utf-8"), parse_constant=_reject_constant)
    except (ValueError, UnicodeDecodeError, RecursionError) as error:
        return [], [Problem(shown, FILE, f"not GeoJSON: {str(error)[:200]}")]
    if (
        not isinstance(data, dict)
        or data.get("type") != "FeatureCollection"
        or not isinstance(data.get("features"), list)
    ):
        return [], [Problem(shown, FILE, "not GeoJSON: expected a FeatureCollection with a list of features")]
    features: list[dict[str, Any]] = data["features"]
    if not features:
        return [], [Problem(shown, "features", "no features")]
    if len(features) > MAX_FEATURES:
        return [], [Problem(shown, "features", f"more than {MAX_FEATURES:,} features")]
    total = 0
    for number, feature in enumerate(features, start=1):
        where = f"features[{number}]"
        message, count = _check_feature(feature, GEOMETRIES[kind])
        if message:
            return [], [Problem(shown, where, message)]
        total += count
        if total > MAX_COORDINATES:
            return [], [Problem(shown, FILE, f"more than {MAX_COORDINATES:,} coordinates")]
    geometries = shapely.from_geojson([json.dumps(f["geometry"]) for f in features], on_invalid="ignore")
    for number, geometry in enumerate(geometries, start=1):
        if geometry is None or not shapely.is_valid(geometry):
            reason = "unreadable" if geometry is None else shapely.is_valid_reason(geometry)
            return [], [Problem(shown, f"features[{number}].geometry", f"invalid geometry: {reason}")]
    return features, []


def _check_feature(feature: object, allowed: tuple[str, ...]) -> tuple[str, int]:
    if not isinstance(feature, dict) or feature.get("type") != "Feature":
        return "not a GeoJSON Feature", 0
    properties = feature.get("properties")
    if properties is not None and not isinstance(properties, dict):
        return "properties must be an object or null", 0
    geometry = feature.get("geometry")
    if not isinstance(geometry, dict) or geometry.get("type") not in allowed:
        found = geometry.get("type") if isinstance(geometry, dict) else type(geometry).__name__
        return f"geometry {found!r} is not one of {', '.join(allowed)} for this layer kind", 0
    positions = list(_positions(geometry.get("coordinates"), _DEPTH[geometry["type"]]))
    if not positions or any(p is None for p in positions):
        return f"malformed {geometry['type']} coordinates", 0
    for lon, lat in positions:  # type: ignore[misc]  # None was ruled out above
        if not (math.isfinite(lon) and math.isfinite(lat) and -180 <= lon <= 180 and -90 <= lat <= 90):
            return f"coordinate ({lon}, {lat}) outside [-180, 180] x [-90, 90]", 0
    for ring in _rings(geometry):
        if any(abs(b[0] - a[0]) > 180 for a, b in itertools.pairwise(ring)):
            return "crosses the antimeridian without being split at 180° (RFC 7946 section 3.1.9)", 0
    return "", len(positions)


_DEPTH = {"Point": 0, "LineString": 1, "MultiLineString": 2, "Polygon": 2, "MultiPolygon": 3}


def _positions(value: object, depth: int) -> Iterator[tuple[float, float] | None]:
    """Every [lon, lat] of a coordinates array of the given nesting depth; None where malformed."""
    if depth == 0:
        ok = (
            isinstance(value, list)
            and len(value) in (2, 3)
            and all(isinstance(v, int | float) and not isinstance(v, bool) for v in value)
        )
        yield (float(value[0]), float(value[1])) if ok else None  # type: ignore[index]
        return
    if not isinstance(value, list) or not value:
        yield None
        return
    for item in value:
        yield from _positions(item, depth - 1)


def _rings(geometry: dict[str, Any]) -> Iterator[list[list[float]]]:
    kind, coordinates = geometry["type"], geometry["coordinates"]
    if kind == "LineString":
        yield coordinates
    elif kind in ("MultiLineString", "Polygon"):
        yield from coordinates
    elif kind == "MultiPolygon":
        for polygon in coordinates:
            yield from polygon


def zone_layers(layers: list[Layer]) -> list[Layer]:
    return [layer for layer in layers if layer.meta.kind == "zone"]
