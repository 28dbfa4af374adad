"""Deterministic synthetic datasets in the export format, for tests and benchmarks.

The rows are schema-valid but fictional: titles say "Synthetic", sources point at
example.org (a domain reserved for examples), and nothing here is a claim about the world.
Positions scatter around the curated incidents of each region, so the spread looks real.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import cast

import numpy as np
import numpy.typing as npt
import pandas as pd

from incidents.flat import NAMES, typed
from incidents.vocab import vocabulary

# region -> (weight, initiator codes, target codes): a plausible spread, not real frequencies.
REGION_ACTORS = {
    "black-sea": (8, ["RU"], ["US", "GB", "PL", "FR"]),
    "syria": (8, ["RU", "SY", "TR", "US"], ["US", "TR", "RU", "isis"]),
    "eastern-mediterranean": (3, ["RU", "SY", "IL"], ["IL", "TR", "RU"]),
    "baltic-sea": (8, ["RU"], ["US", "SE", "DE", "EE", "LT"]),
    "nordic": (6, ["RU"], ["NO", "FI", "DK", "SE"]),
    "eastern-flank": (7, ["RU", "BY", "unknown"], ["PL", "RO", "LT", "MD"]),
    "south-china-sea": (9, ["CN"], ["US", "AU", "PH", "CA"]),
    "east-china-sea": (6, ["CN", "RU"], ["JP", "US", "CA"]),
    "taiwan-strait": (7, ["CN"], ["TW"]),
    "korea-japan": (6, ["KP", "RU", "CN"], ["KR", "JP"]),
    "persian-gulf": (5, ["IR"], ["US", "GB"]),
    "red-sea-yemen": (5, ["houthis", "US"], ["US", "houthis", "GB"]),
    "middle-east": (5, ["IR", "iraqi-militias", "US", "IL"], ["US", "IL", "IR"]),
    "north-america": (4, ["RU", "CN", "US"], ["US", "CA", "CN"]),
    "western-europe": (4, ["unknown", "RU"], ["GB", "DE", "BE", "NL", "DK"]),
}
TYPE_WEIGHTS = {
    "unsafe_intercept": 25, "flare_or_chaff_release": 8, "collision": 1, "shootdown": 8, "weapons_release": 3,
    "airspace_violation": 14, "drone_incursion": 18, "strike": 5, "jamming": 5, "other": 2, "adiz_entry": 6,
    "median_line_crossing": 3, "laser_illumination": 1, "spoofing": 1,
}  # fmt: skip
PLATFORMS = {
    "fighter": ["Su-27", "Su-35", "J-11", "J-16", "F-16", "MiG-31"],
    "uav": ["MQ-9 Reaper", "RQ-4 Global Hawk", "Shahed-136", "Orlan-10", "quadcopter"],
    "reconnaissance": ["RC-135", "EP-3E", "Il-20"],
    "maritime_patrol": ["P-8A Poseidon", "P-3C Orion"],
    "bomber": ["Tu-95", "H-6", "B-52"],
}
CATEGORY_LIST = list(PLATFORMS)
VERIFICATION_WEIGHTS = {"official": 50, "corroborated": 20, "single_source": 15, "contested": 10, "unverified": 5}
START, END = np.datetime64("2001-01-01"), np.datetime64("2025-12-31")


def _choice(rng: np.random.Generator, weights: dict[str, int], n: int) -> np.ndarray:
    keys = list(weights)
    p = np.array([weights[key] for key in keys], dtype=float)
    return np.array(keys, dtype=object)[rng.choice(len(keys), size=n, p=p / p.sum())]


def _pick(rng: np.random.Generator, options_by_row: list[list[str]]) -> np.ndarray:
    return np.array([options[rng.integers(len(options))] for options in options_by_row], dtype=object)


def _hotspots() -> dict[str, np.ndarray]:
    """Per region, the positions of the curated incidents: synthetic incidents cluster where
    real ones happen instead of filling a rectangle uniformly."""
    from incidents.catalog import load_catalog

    frame = load_catalog().frame
    # cast: the group keys are the region codes (text).
    return {cast(str, region): group[["lat", "lon"]].to_numpy() for region, group in frame.groupby("region")}


def _positions(rng: np.random.Generator, regions: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    boxes = {code: entry["bbox"][0] for code, entry in vocabulary("regions").entries.items() if "bbox" in entry}
    hotspots = _hotspots()
    lat, lon = np.empty(len(regions)), np.empty(len(regions))
    for region in np.unique(regions):
        rows = np.flatnonzero(regions == region)
        west, south, east, north = boxes[region]
        centres = hotspots.get(region, np.array([[(south + north) / 2, (west + east) / 2]]))
        picked = centres[rng.integers(len(centres), size=len(rows))]
        spread = rng.normal(0.0, 1.2, size=(len(rows), 2))  # degrees around a real incident
        lat[rows] = np.clip(picked[:, 0] + spread[:, 0], south, north)
        lon[rows] = np.clip(picked[:, 1] + spread[:, 1], west, east)
    return np.round(lat, 3), np.round(lon, 3)


def synthetic_table(n: int, seed: int = 1, first: int = 0) -> pd.DataFrame:
    """``n`` schema-valid fictional incidents in the flat export format, numbered from ``first``."""
    rng = np.random.default_rng(seed)
    regions = _choice(rng, {region: spec[0] for region, spec in REGION_ACTORS.items()}, n)
    lat, lon = _positions(rng, regions)
    # Later years are busier, as in the curated data.
    span = (END - START).astype(int)
    days = (rng.power(2.0, n) * span).astype(int)
    dates = (START + days.astype("timedelta64[D]")).astype("datetime64[D]").astype(str)
    types = _choice(rng, TYPE_WEIGHTS, n)
    initiators = _pick(rng, [REGION_ACTORS[r][1] for r in regions])
    targets = _pick(rng, [REGION_ACTORS[r][2] for r in regions])
    initiator_category = np.array(CATEGORY_LIST, dtype=object)[rng.integers(len(CATEGORY_LIST), size=n)]
    target_category = np.array(CATEGORY_LIST, dtype=object)[rng.integers(len(CATEGORY_LIST), size=n)]
    initiator_platform = _pick(rng, [PLATFORMS[c] for c in initiator_category])
    target_platform = _pick(rng, [PLATFORMS[c] for c in target_category])
    numbers: npt.NDArray[np.str_] = np.char.zfill(np.arange(first, first + n).astype(str), 7)
    ids = np.char.add(np.char.add(dates.astype(str), "-synthetic-"), numbers)
    urls = np.char.add("https://example.org/synthetic/", numbers)
    table = pd.DataFrame({column: "" for column in NAMES}, index=range(n))
    table["id"] = ids
    table["title"] = np.char.add("Synthetic incident ", numbers)
    table["date"] = dates
    table["date_precision"] = _choice(rng, {"day": 90, "month": 8, "year": 2}, n)
    table["type"] = types
    table["escalation_risk"] = _choice(rng, {"high": 10, "serious": 50, "routine": 40}, n)
    table["verification"] = _choice(rng, VERIFICATION_WEIGHTS, n)
    table["region"] = regions
    table["location_name"] = np.char.add("Synthetic place near ", np.round(lat, 1).astype(str))
    table["lat"], table["lon"] = lat, lon
    table["radius_km"] = rng.choice([5.0, 25.0, 100.0, 300.0], size=n)
    table["airspace"] = _choice(rng, {"international": 60, "territorial": 30, "adiz": 10}, n)
    table["initiator_country"], table["target_country"] = initiators, targets
    table["initiator_platform"], table["target_platform"] = initiator_platform, target_platform
    table["initiator_category"], table["target_category"] = initiator_category, target_category
    table["initiator_count"], table["target_count"] = "1", "1"
    table["summary"] = "Synthetic record for tests and benchmarks; not a real incident."
    table["sources"] = np.char.add("[1] Synthetic data <", np.char.add(urls, ">"))
    table["source_urls"] = urls
    table["claims_json"] = "[]"
    table["actors_json"] = [
        json.dumps([
            {"role": "initiator", "country": i, "platform": ip, "category": ic, "count": 1},
            {"role": "target", "country": t, "platform": tp, "category": tc, "count": 1},
        ], separators=(",", ":"))
        for i, ip, ic, t, tp, tc in zip(initiators, initiator_platform, initiator_category, targets, target_platform,
                                        target_category, strict=True)
    ]  # fmt: skip
    table["sources_json"] = [json.dumps([{"publisher": "Synthetic data", "url": url}]) for url in urls]
    # Month and year precision start on the 1st, as curators write them.
    first_of = {"month": lambda d: d[:8] + "01", "year": lambda d: d[:5] + "01-01"}
    for precision, fix in first_of.items():
        rows = table["date_precision"] == precision
        table.loc[rows, "date"] = table.loc[rows, "date"].map(fix)
        table.loc[rows, "id"] = table.loc[rows, "date"] + "-synthetic-" + pd.Series(numbers, index=table.index)[rows]
    return table


# Above this many rows a Parquet file is written a part at a time (part k drawn with seed
# ``seed * 1000 + k``), so ten million rows never sit in memory at once.
PART_ROWS = 1_000_000


def write_synthetic(n: int, seed: int, path: Path) -> None:
    if path.suffix == ".parquet" and n > PART_ROWS:
        _write_parts(n, seed, path)
        return
    table = synthetic_table(n, seed)
    if path.suffix == ".parquet":
        typed(table).to_parquet(path, index=False)
    elif path.suffix == ".csv":
        table.to_csv(path, index=False)
    else:
        raise ValueError("write .parquet or .csv")


def _write_parts(n: int, seed: int, path: Path) -> None:
    import pyarrow as pa
    import pyarrow.parquet as pq

    writer: pq.ParquetWriter | None = None
    schema: pa.Schema | None = None
    try:
        for part, first in enumerate(range(0, n, PART_ROWS)):
            rows = typed(synthetic_table(min(PART_ROWS, n - first), seed * 1000 + part, first))
            table = pa.Table.from_pandas(rows, preserve_index=False)
            if writer is None or schema is None:
                schema = table.schema
                writer = pq.ParquetWriter(path, schema)
            writer.write_table(table.cast(schema))
    finally:
        if writer is not None:
            writer.close()
