"""Stable colours per category: a category keeps its colour whatever the filters show."""

from __future__ import annotations

import numpy as np
import pandas as pd

from incidents import safe_text
from incidents.labels import FIELD_VOCABULARY, codes, label

# Okabe-Ito + Tableau hues: distinguishable for common colour-vision deficiencies.
COLOURS = (
    "#0072B2", "#D55E00", "#009E73", "#CC79A7", "#E69F00", "#56B4E9", "#8C564B", "#7F7F7F",
    "#B8860B", "#1F4E79", "#9467BD", "#17BECF", "#BCBD22", "#E377C2", "#2CA02C", "#FF7F0E",
)  # fmt: skip
OTHER = "other-values"
PRECOMPUTED_PREFIX = "colour_"  # incidents.view.apply keeps columns with this prefix
OTHER_COLOUR = "#A9A9A9"
MAX_CATEGORIES = 12


def category_order(field: str, full_frame: pd.DataFrame) -> list[str]:
    """Vocabulary order where there is a vocabulary; otherwise most frequent first."""
    if field in FIELD_VOCABULARY:
        return list(codes(field))
    counts = full_frame[field].fillna("").value_counts()
    return [code for code in counts.index if code][:MAX_CATEGORIES]


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


def add_colour_columns(full_frame: pd.DataFrame, fields) -> None:
    """Precompute each colour-by field's category index once per dataset, so a rerun does
    not classify strings again (a third of a rerun at 100k incidents)."""
    for field in fields:
        index, _ = category_index(full_frame, field, colour_map(field, full_frame))
        full_frame[f"{PRECOMPUTED_PREFIX}{field}"] = index


def category_label(field: str, code: str) -> str:
    """A legend entry: plotly reads HTML in trace names, and flat datasets bring their own codes."""
    return "Other" if code == OTHER else safe_text.hover(label(field, code), limit=40)


HOVER_COLUMN = "hover"  # incidents.view.SHOWN_COLUMNS keeps it


def add_hover_column(full_frame: pd.DataFrame) -> None:
    """Each incident's hover line (date · title), escaped and clipped once per dataset."""
    full_frame[HOVER_COLUMN] = hover_labels(full_frame)


def hover_labels(frame: pd.DataFrame) -> np.ndarray:
    if HOVER_COLUMN in frame.columns:
        return frame[HOVER_COLUMN].to_numpy(dtype=object)
    return (frame["date"].dt.strftime("%Y-%m-%d") + " · " + safe_text.hover_series(frame["title"])).to_numpy(
        dtype=object
    )
