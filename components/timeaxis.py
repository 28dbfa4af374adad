"""Readable date axes: ticks of years, months or days chosen by the span shown, never a time
of day, and a range wide enough that one month or one incident is not drawn as a smear.

Pure functions, tested per span from one day to thirty years.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

import pandas as pd

DAY_MS = 86_400_000

# What a tick says, by the distance plotly puts between ticks while the reader zooms: a
# date, never a time of day (ticks closer than a day repeat the day rather than show 12:00).
TICK_FORMATS = [
    {"dtickrange": [None, "M1"], "value": "%-d %b<br>%Y"},
    {"dtickrange": ["M1", "M12"], "value": "%b<br>%Y"},
    {"dtickrange": ["M12", None], "value": "%Y"},
]


@dataclass(frozen=True)
class Ticks:
    unit: str  # "day", "month" or "year"
    dtick: int | str  # plotly's dtick: milliseconds for days, "M<n>" for months and years
    tickformat: str


def ticks(span_days: float) -> Ticks:
    """Ticks for a span: days up to two months, months up to four years, then years; at
    most about a dozen ticks."""
    if span_days <= 62:
        step = next(n for n in (1, 2, 7, 14) if span_days / n <= 12)
        return Ticks("day", step * DAY_MS, "%-d %b<br>%Y")
    months = span_days / 30.44
    if months <= 48:
        step = next(n for n in (1, 2, 3, 6) if months / n <= 12)
        return Ticks("month", f"M{step}", "%b<br>%Y")
    years = months / 12
    step = next(n for n in (1, 2, 5, 10, 20, 50) if years / n <= 12)
    return Ticks("year", f"M{12 * step}", "%Y")


def padded_range(first: date, last: date, minimum_days: int = 30) -> tuple[str, str]:
    """A range around the data: at least ``minimum_days`` wide, centred on a single date, with
    a margin of 3% each side so the first and last markers are not cut."""
    start, end = pd.Timestamp(first), pd.Timestamp(last) + pd.Timedelta(days=1)
    span = end - start
    if span < pd.Timedelta(days=minimum_days):
        centre = start + span / 2
        start, end = centre - pd.Timedelta(days=minimum_days / 2), centre + pd.Timedelta(days=minimum_days / 2)
    margin = (end - start) * 0.03
    return (start - margin).isoformat(), (end + margin).isoformat()


def window_range(start: date, end: date) -> tuple[str, str]:
    """The range that shows exactly the days of an inclusive window."""
    return pd.Timestamp(start).isoformat(), (pd.Timestamp(end) + pd.Timedelta(days=1)).isoformat()


def month_range(first_month: date, last_month: date) -> tuple[str, str]:
    """For monthly bars: the months shown, plus one each side, and never fewer than three, so
    a single month is one bar a third of the chart wide, not five months wide."""
    start = pd.Timestamp(first_month).to_period("M") - 1
    end = pd.Timestamp(last_month).to_period("M") + 1
    if (end - start).n < 2:
        end = start + 2
    return start.start_time.isoformat(), (end.end_time + timedelta(microseconds=1)).isoformat()


def span_days(range_: tuple[str, str]) -> float:
    start, end = (pd.Timestamp(value) for value in range_)
    return (end - start) / pd.Timedelta(days=1)


def timeline_axis(range_: tuple[str, str]) -> dict:
    """The timeline's date axis: zoomable along time; ticks re-chosen by plotly as the reader
    zooms, always formatted as dates."""
    return {
        "type": "date",
        "range": list(range_),
        "showgrid": True,
        "nticks": 10,
        "tickformatstops": TICK_FORMATS,
        "hoverformat": "%-d %b %Y",
    }


def monthly_axis(range_: tuple[str, str]) -> dict:
    """The monthly bars' date axis: fixed ticks for the span (the chart does not zoom)."""
    chosen = ticks(span_days(range_))
    if chosen.unit == "day":  # a few months of monthly bars: label each month
        chosen = Ticks("month", "M1", "%b<br>%Y")
    return {
        "type": "date",
        "range": list(range_),
        "dtick": chosen.dtick,
        "tick0": "2000-01-01",
        "tickformat": chosen.tickformat,
        "hoverformat": "%b %Y",
        "fixedrange": True,
    }
