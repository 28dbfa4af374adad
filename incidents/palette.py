"""Stable colours per category: a category keeps its colour whatever the filters show."""

from __future__ import annotations

from collections.abc import Iterable

import numpy as np
import pandas as pd

from incidents import safe_text
from incidents.labels import FIELD_VOCABULARY, codes, label

# Eight colours and a grey for the rest, chosen so that no two are closer than a CIEDE2000
# difference of 12 for normal vision and under simulated protanopia, deuteranopia and
# tritanopia, and each has a contrast of at least 3:1 on white (tests/unit/test_palette.py).
COLOURS = ("#148DE6", "#967009", "#1D4C19", "#F53379", "#65169B", "#B1324E", "#4D4DF4", "#6F284B")
OTHER = "other-values"
PRECOMPUTED_PREFIX = "colour_"  # incidents.view.apply keeps columns with this prefix
OTHER_COLOUR = "#7A7A7A"
MAX_CATEGORIES = len(COLOURS)


def category_order(field: str, full_frame: pd.DataFrame) -> list[str]:
    """The categories that get a colour: the MAX_CATEGORIES most frequent in the whole data,
    in vocabulary order where there is one; the rest share OTHER's grey."""
    counts = full_frame[field].fillna("").value_counts()
    frequent = [code for code in counts.index if code][:MAX_CATEGORIES]
    if field in FIELD_VOCABULARY:
        return [code for code in codes(field) if code in frequent]
    return frequent


def grouped(field: str, full_frame: pd.DataFrame) -> list[str]:
    """The categories present in the data that share OTHER's colour (to say so on the page)."""
    coloured = set(category_order(field, full_frame))
    present = [code for code in full_frame[field].dropna().unique() if code and code not in coloured]
    order = list(codes(field)) if field in FIELD_VOCABULARY else sorted(present)
    return [code for code in order if code in present]


def colour_map(field: str, full_frame: pd.DataFrame) -> dict[str, str]:
    order = category_order(field, full_frame)
    return {code: COLOURS[i % len(COLOURS)] for i, code in enumerate(order)}


def category_index(frame: pd.DataFrame, field: str, mapping: dict[str, str]) -> tuple[np.ndarray, list[str]]:
    """Each row's category as a small integer into the returned codes (the mapping's codes,
    then OTHER for everything else). Uses the column precomputed at load when present."""
    codes = [*mapping, OTHER]
    precomputed = f"{PRECOMPUTED_PREFIX}{field}"
    if precomputed in frame.columns:
        return frame[precomputed].to_numpy(), codes
    # The stubs want an Index as get_indexer's target; pandas takes any array-like (here a Series).
    index = pd.Index(list(mapping), dtype=object).get_indexer(frame[field].astype(object)).astype(np.int16)  # type: ignore[arg-type]
    index[index < 0] = len(codes) - 1
    return index, codes


def add_colour_columns(full_frame: pd.DataFrame, fields: Iterable[str]) -> None:
    """Precompute each colour-by field's category index once per dataset, so a rerun does
    not classify strings again (a third of a rerun at 100k incidents)."""
    for field in fields:
        index, _ = category_index(full_frame, field, colour_map(field, full_frame))
        full_frame[f"{PRECOMPUTED_PREFIX}{field}"] = index


def category_label(field: str, code: str) -> str:
    """A legend entry: plotly reads HTML in trace names, and flat datasets bring their own codes."""
    return "All others" if code == OTHER else safe_text.hover(label(field, code), limit=40)


HOVER_COLUMN = "hover"  # incidents.view.SHOWN_COLUMNS keeps it


def add_hover_column(full_frame: pd.DataFrame) -> None:
    """Each incident's hover line (date · title), escaped and clipped once per dataset."""
    full_frame[HOVER_COLUMN] = hover_labels(full_frame)


# Above this uncertainty a marker's position says only which region it happened in.
REGION_ONLY_KM = 500


def hover_labels(frame: pd.DataFrame) -> np.ndarray:
    """date · title, and for a position known only to the region, that warning."""
    if HOVER_COLUMN in frame.columns:
        precomputed: np.ndarray = frame[HOVER_COLUMN].to_numpy(dtype=object)
        return precomputed
    text = frame["date"].dt.strftime("%Y-%m-%d") + " · " + safe_text.hover_series(frame["title"])
    if "radius_km" in frame.columns:
        vague = (frame["radius_km"] > REGION_ONLY_KM).fillna(False)
        text = text.where(~vague, text + " (location known only to the region)")
    lines: np.ndarray = text.to_numpy(dtype=object)
    return lines
