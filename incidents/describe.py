"""Text alternatives for the charts and the page's status line (docs/architecture.md,
"Accessibility").

Each function states in one sentence what a chart shows for the current view: the count,
where, when, by type, and the largest cluster. The sentences are plain text; the page shows
them through components/text.py, which escapes them like any record text.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np
import pandas as pd

from incidents.geo import GROUP_DECIMALS
from incidents.labels import actor_label, label
from incidents.model import Incident

if TYPE_CHECKING:  # incidents.dataset writes published pages, which describe incidents
    from incidents.dataset import Summary

MOST_NAMED = 4  # categories named in a summary; the rest are counted as "others"


def _months(stamps: pd.Series) -> pd.Series:
    return pd.Series(stamps.dt.to_period("M"))


def _period(first: pd.Timestamp, last: pd.Timestamp) -> str:
    if (first.year, first.month) == (last.year, last.month):
        return f"{first:%B %Y}"
    if first.year == last.year and first.month == 1 and last.month == 12:
        return str(first.year)
    return f"{first:%B %Y} to {last:%B %Y}"


def period(frame: pd.DataFrame) -> str:
    """``July 2023``, ``2023`` or ``March 2014 to July 2023``: the span of the incidents' dates."""
    return _period(frame["date"].min(), frame["date"].max())


def _counted(counts: pd.Series, field: str) -> str:
    counts = counts[counts > 0].sort_values(ascending=False, kind="stable")
    names = [(label(field, str(code) or None), int(count)) for code, count in counts.items()]
    if len(names) == 1:
        return names[0][0]
    shown = ", ".join(f"{name} {count:,}" for name, count in names[:MOST_NAMED])
    rest = len(names) - MOST_NAMED
    return shown + (f" and {rest} other{'s' if rest > 1 else ''}" if rest > 0 else "")


def counted(frame: pd.DataFrame, field: str) -> str:
    """``Syria`` when all share one value, else ``Syria 4, Black Sea 2 and 1 other``."""
    return _counted(frame[field].fillna("").value_counts(), field)


def _incidents(count: int) -> str:
    return f"{count:,} incident{'' if count == 1 else 's'}"


def largest_point(frame: pd.DataFrame) -> tuple[int, str] | None:
    """The most incidents at one published position (rounded as the map's shared markers are)
    and that place's name; None when no two share a point."""
    located = frame.dropna(subset=["lat", "lon"])
    if located.empty:
        return None
    # One integer per rounded position: counting integers is fast at 100k rows, strings are not.
    scale = 10**GROUP_DECIMALS
    lat = np.round(located["lat"].to_numpy() * scale).astype(np.int64)
    lon = np.round(located["lon"].to_numpy() * scale).astype(np.int64)
    keys = (lat + 90 * scale) * (361 * scale) + (lon + 180 * scale)
    _, first, counts = np.unique(keys, return_index=True, return_counts=True)
    top = int(np.argmax(counts))
    if counts[top] < 2:
        return None
    return int(counts[top]), str(located["location_name"].iloc[first[top]])


def _summary_period(summary: Summary) -> str:
    months = summary.monthly.total()
    months = months[months > 0]
    return _period(months.index[0], months.index[-1])


def describe_map(frame: pd.DataFrame, summary: Summary | None = None) -> str:
    """``summary``: the counts of a view larger than the rows drawn (incidents/dataset.py)."""
    if summary is not None:
        return (
            f"Map of {_incidents(summary.total)} in {_counted(summary.regions, 'region')}, {_summary_period(summary)}, "
            "as counts per grid cell."
        )
    if frame.empty:
        return "Map: no incident in this view."
    sentence = f"Map of {_incidents(len(frame))} in {counted(frame, 'region')}, {period(frame)}"
    point = largest_point(frame)
    if point:
        sentence += f"; {point[0]} at one published point: {point[1]}"
    return sentence + "."


def _busiest(per_month: pd.Series) -> str:
    """``per_month``: incidents per month (index: the months' first days); the earliest of equals."""
    ordered = per_month.sort_index()
    top = int(np.argmax(ordered.to_numpy()))
    return f"{pd.Timestamp(ordered.index[top]):%B %Y} ({int(ordered.iloc[top]):,})"


def busiest_month(frame: pd.DataFrame) -> str:
    months, counts = np.unique(frame["date"].to_numpy().astype("datetime64[M]"), return_counts=True)
    return _busiest(pd.Series(counts, index=pd.DatetimeIndex(months.astype("datetime64[ns]"))))


def describe_timeline(frame: pd.DataFrame, summary: Summary | None = None) -> str:
    if summary is not None:
        return (
            f"Timeline of {_incidents(summary.total)}, {_summary_period(summary)}, by type: "
            f"{_counted(summary.types, 'type')}; busiest month {_busiest(summary.monthly.total())}."
        )
    if frame.empty:
        return "Timeline: no incident in this view."
    return (
        f"Timeline of {_incidents(len(frame))}, {period(frame)}, by type: {counted(frame, 'type')}; "
        f"busiest month {busiest_month(frame)}."
    )


def describe_overview(frame: pd.DataFrame, summary: Summary | None = None) -> str:
    if summary is not None:
        per_month = summary.monthly.total()
        total, types, busiest = summary.total, _counted(summary.types, "type"), _busiest(per_month)
        months = int((per_month > 0).sum())
    elif frame.empty:
        return "Overview: no incident in this view."
    else:
        total, types, busiest = len(frame), counted(frame, "type"), busiest_month(frame)
        months = _months(frame["date"]).nunique()
    return (
        f"Bar charts of {_incidents(total)}: by type {types}; per month over "
        f"{months} month{'' if months == 1 else 's'} with incidents, the busiest {busiest}."
    )


def status_line(shown: int, total: int, opened: str | None, notices: int) -> str:
    """What a screen reader announces after each change of the view (the live region)."""
    line = f"{shown:,} of {total:,} incidents shown."
    if opened:
        line += f" Open: {opened}."
    if notices:
        line += f" {notices} notice{'' if notices == 1 else 's'} above the map."
    return line


# --- one incident in words: the panel, the published page and the brief say it alike ---------

PRECISION_FORMAT = {"day": "%d %B %Y", "month": "%B %Y (day not reported)", "year": "%Y (month not reported)"}


def incident_date(incident: Incident) -> str:
    """'14 March 2023, 07:03 UTC'; a month- or year-precision date says what is not known."""
    shown = incident.date.strftime(PRECISION_FORMAT[str(incident.date_precision)])
    if incident.end_date:
        shown += f" to {incident.end_date.strftime('%d %B %Y')}"
    if incident.time_utc:
        shown += f", {incident.time_utc} UTC"
    return shown


def incident_location(incident: Incident) -> str:
    """Place, position, how uncertain the public position is, and whose airspace (raw record
    text: the caller escapes it for where it is shown)."""
    location = incident.location
    shown = str(location.name)
    if location.lat is not None and location.lon is not None:
        shown += f" ({location.lat:.2f}, {location.lon:.2f})"
    if location.radius_km:
        shown += f", public location uncertain to ±{location.radius_km:g} km"
    if location.airspace:
        shown += f"; {label('airspace', location.airspace)}"
        shown += f" of {actor_label(location.country)}" if location.country else ""
    return shown


def incident_outcome(incident: Incident) -> str:
    outcome = incident.outcome
    counts = (
        ("aircraft lost", outcome.aircraft_lost),
        ("aircraft damaged", outcome.aircraft_damaged),
        ("killed", outcome.killed),
        ("injured", outcome.injured),
    )
    facts = [f"{name}: {value}" for name, value in counts if value is not None]
    shown = "; ".join(facts) if facts else "not reported"
    return shown + (f". {outcome.note}" if outcome.note else "")
