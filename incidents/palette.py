"""Stable colours per category: a category keeps its colour whatever the filters show."""

from __future__ import annotations

from collections.abc import Mapping

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


def value_counts(full_frame: pd.DataFrame, field: str) -> pd.Series:
    """How many incidents of the whole data have each value of ``field``, most first (a
    query engine counts the same where the data lies: incidents/dataset.py)."""
    return most_first(full_frame[field].fillna("").value_counts())


def most_first(counts: pd.Series) -> pd.Series:
    """Counts by value, the largest first and ties by value: the same order whoever counted."""
    order = np.lexsort((counts.index.astype(str).to_numpy(), -counts.to_numpy()))
    return counts.iloc[order]


def category_order(field: str, counts: pd.Series) -> list[str]:
    """The categories that get a colour: the MAX_CATEGORIES most frequent in the whole data
    (``counts``: ``value_counts``), in vocabulary order where there is one; the rest share
    OTHER's grey."""
    frequent = [code for code in most_first(counts).index if code][:MAX_CATEGORIES]
    if field in FIELD_VOCABULARY:
        return [code for code in codes(field) if code in frequent]
    return frequent


def grouped(field: str, counts: pd.Series) -> list[str]:
    """The categories present in the data that share OTHER's colour (to say so on the page)."""
    coloured = set(category_order(field, counts))
    present = [code for code in counts.index if code and code not in coloured]
    order = list(codes(field)) if field in FIELD_VOCABULARY else sorted(present)
    return [code for code in order if code in present]


def colour_map(field: str, counts: pd.Series) -> dict[str, str]:
    order = category_order(field, counts)
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


def add_colour_columns(frame: pd.DataFrame, colours: Mapping[str, dict[str, str]]) -> None:
    """Precompute each colour-by field's category index once per dataset (``colours``: field
    -> its colour map over the whole data), so a rerun does not classify strings again (a
    third of a rerun at 100k incidents)."""
    for field, mapping in colours.items():
        index, _ = category_index(frame, field, mapping)
        frame[f"{PRECOMPUTED_PREFIX}{field}"] = index


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
