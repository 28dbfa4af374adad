"""Date windows: snapping a dragged or zoomed range to whole days, the window presets,
playback positions, and two periods compared.

All windows are inclusive at both ends and made of whole days. An incident belongs to a
window when its span overlaps it (a multi-day episode and a month- or year-precision date
count for their whole span), the rule ``incidents.filters`` applies to ``from``/``to``.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, timedelta

import numpy as np
import pandas as pd

from incidents.model import parse_iso_date

MAX_SPAN_MONTHS = 120
MONTH = re.compile(r"^(\d{4})-(\d{2})$")


@dataclass(frozen=True)
class Window:
    start: date | None  # None: from the first record
    end: date | None  # None: to the latest record

    def __str__(self) -> str:
        start = self.start.isoformat() if self.start else "the first record"
        end = self.end.isoformat() if self.end else "the latest record"
        return f"{start} to {end}"


# --- snapping -------------------------------------------------------------------------------


Instant = str | date | pd.Timestamp  # plotly sends "2023-07-01 12:00:00.0000"


def snap(x0: Instant, x1: Instant) -> tuple[date, date]:
    """The whole days a dragged or zoomed range covers, inclusive at both ends.

    A day's marker stands at its midnight, so a day belongs to the range when its midnight
    lies inside it: dragging from just before the 1 July marker to just after the 31 July
    marker gives 1-31 July. A range inside one day gives that day."""
    start, end = sorted([pd.Timestamp(x0), pd.Timestamp(x1)])
    first = start.ceil("D")
    last = end.floor("D")
    if last < first:  # no midnight inside: the day the range sits in
        middle = start + (end - start) / 2
        return middle.date(), middle.date()
    return first.date(), last.date()


# --- presets ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class Preset:
    label: str
    window: Window


def presets(years: list[int], today: date) -> list[Preset]:
    """All, the last 12 months (up to today, inclusive) and each year with incidents."""
    year_ago = (pd.Timestamp(today) - pd.DateOffset(years=1)).date()  # 29 Feb -> 28 Feb
    last_year = Window(year_ago + timedelta(days=1), today)
    return [
        Preset("All", Window(None, None)),
        Preset("Last 12 months", last_year),
        *(Preset(str(year), Window(date(year, 1, 1), date(year, 12, 31))) for year in years),
    ]


# --- playback ---------------------------------------------------------------------------------


def parse_month(value: str) -> date:
    """'2023-07' -> the first day of that month (a playback position)."""
    match = MONTH.match(value)
    if not match:
        raise ValueError("is not a month written YYYY-MM")
    year, month = int(match.group(1)), int(match.group(2))
    if not 1 <= month <= 12 or not 1900 <= year <= 2100:
        raise ValueError("is not a real month between 1900 and 2100")
    return date(year, month, 1)


CUMULATIVE = 0


def parse_span(value: str) -> int:
    """'3' -> a sliding window of 3 months; 'all' -> CUMULATIVE (0)."""
    if value == "all":
        return CUMULATIVE
    if not value.isdigit() or not 1 <= int(value) <= MAX_SPAN_MONTHS:
        raise ValueError(f"is not 'all' or a number of months from 1 to {MAX_SPAN_MONTHS}")
    return int(value)


def month_end(month: date) -> date:
    return (pd.Timestamp(month) + pd.offsets.MonthEnd(0)).date()


def add_months(month: date, months: int) -> date:
    return (pd.Timestamp(month) + pd.DateOffset(months=months)).date().replace(day=1)


def format_span(span_months: int) -> str:
    return "all" if span_months == CUMULATIVE else str(span_months)


def playback_window(at: date, span_months: int) -> Window:
    """The window shown at position ``at`` (a month): the ``span_months`` months ending with it,
    or everything up to its end when cumulative."""
    start = None if span_months == CUMULATIVE else add_months(at, -(span_months - 1))
    return Window(start, month_end(at))


def positions(first: date, last: date) -> list[date]:
    """Every month from the month of ``first`` to the month of ``last``: the playback steps."""
    months = pd.period_range(pd.Timestamp(first).to_period("M"), pd.Timestamp(last).to_period("M"), freq="M")
    return [period.start_time.date() for period in months]


def next_position(at: date, last: date) -> date | None:
    """The step after ``at``, or None at the end."""
    following = add_months(at, 1)
    return following if following <= last else None


def overlaps(frame: pd.DataFrame, window: Window) -> np.ndarray:
    """Rows whose span (date to end) overlaps the window."""
    mask = np.ones(len(frame), dtype=bool)
    if window.start is not None:
        mask &= (frame["end"] >= pd.Timestamp(window.start)).to_numpy()
    if window.end is not None:
        mask &= (frame["date"] <= pd.Timestamp(window.end)).to_numpy()
    return mask


# --- periods compared ---------------------------------------------------------------------------


def parse_period(value: str) -> Window:
    """'2022-01-01..2022-12-31' (or a year, '2022') -> an inclusive window."""
    if re.fullmatch(r"\d{4}", value):
        year = int(value)
        if not 1900 <= year <= 2100:
            raise ValueError("is not a year between 1900 and 2100")
        return Window(date(year, 1, 1), date(year, 12, 31))
    start_text, separator, end_text = value.partition("..")
    if not separator:
        raise ValueError("is not a year (YYYY) or a period written YYYY-MM-DD..YYYY-MM-DD")
    start, end = parse_iso_date(start_text), parse_iso_date(end_text)
    if end < start:
        raise ValueError("ends before it starts")
    return Window(start, end)


def format_period(window: Window) -> str:
    if window.start is None or window.end is None:
        raise ValueError("a compared period has both ends")
    if window.start == date(window.start.year, 1, 1) and window.end == date(window.start.year, 12, 31):
        return str(window.start.year)
    return f"{window.start.isoformat()}..{window.end.isoformat()}"


def compare(frame: pd.DataFrame, first: Window, second: Window, column: str) -> pd.DataFrame:
    """Counts per value of ``column`` in each period, side by side, with the difference
    (second minus first), largest total first. For a delimited set column ("|RU|BY|") each
    code counts once per incident."""
    counts = []
    for window in (first, second):
        values = frame.loc[overlaps(frame, window), column].dropna()
        if values.astype(str).str.startswith("|").any():
            values = values.str.strip("|").str.split("|").explode()
            values = values[values.astype(bool)]
        counts.append(values.value_counts())
    table = pd.concat(counts, axis=1, keys=["first", "second"]).fillna(0).astype(int)
    table["difference"] = table["second"] - table["first"]
    table = table.loc[(table["first"] + table["second"]).sort_values(ascending=False, kind="stable").index]
    table.index.name = column
    result: pd.DataFrame = table.reset_index()
    return result
