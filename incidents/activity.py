"""Activity of a ``tracks`` layer (the PLA around Taiwan) for a date window: the
features to draw, and the daily sorties strip under the timeline."""

from __future__ import annotations

from datetime import date
from typing import Any

import pandas as pd

from incidents.layers import Layer
from incidents.periods import Window

# Taiwan's ministry counts sorties per day; Japan's releases repeat some of the same flights,
# so the strip counts only the ministry's features.
SORTIE_ORIGIN = "TW-MND"


def _day(feature: dict[str, Any]) -> date | None:
    value = (feature.get("properties") or {}).get("date")
    try:
        return date.fromisoformat(str(value))
    except ValueError:
        return None


def in_window(layer: Layer, window: Window | None) -> list[dict[str, Any]]:
    """The layer's features dated inside the window (all of them when there is none)."""
    if window is None or (window.start is None and window.end is None):
        return list(layer.features)
    kept = []
    for feature in layer.features:
        day = _day(feature)
        if day is None:
            continue
        if (window.start is None or day >= window.start) and (window.end is None or day <= window.end):
            kept.append(feature)
    return kept


def daily_sorties(features: list[dict[str, Any]]) -> pd.Series:
    """Sorties per day stated by Taiwan's ministry, for the features given (index: dates)."""
    rows = [
        (_day(feature), (feature.get("properties") or {}).get("sorties"))
        for feature in features
        if (feature.get("properties") or {}).get("origin") == SORTIE_ORIGIN
    ]
    counted = pd.DataFrame([(day, n) for day, n in rows if day is not None and isinstance(n, int)],
                           columns=["date", "sorties"])  # fmt: skip
    if counted.empty:
        return pd.Series(dtype="int64", name="sorties")
    return counted.groupby("date")["sorties"].sum().rename("sorties")
