"""Readable time axes: ticks by span, never a time of day, one month never a smear."""

from __future__ import annotations

from datetime import date
from functools import cache

import numpy as np
import pandas as pd
import pytest

from components import timeaxis
from components.overview import build_monthly_figure, monthly_counts
from components.timeline import build_timeline_figure
from incidents.flat import catalog_frame
from incidents.palette import colour_map, value_counts
from incidents.synth import synthetic_table
from incidents.tabular import validate_table


@pytest.mark.parametrize("span_days", [1, 2, 7, 14, 31, 45, 62, 63, 90, 180, 365, 730, 1460, 1461, 3650, 7300, 10957])
def test_ticks_are_days_months_or_years_by_span_and_never_too_many(span_days):
    chosen = timeaxis.ticks(span_days)
    assert chosen.unit == ("day" if span_days <= 62 else "month" if span_days <= 48 * 30.44 else "year")
    step_days = chosen.dtick / timeaxis.DAY_MS if isinstance(chosen.dtick, int) else int(chosen.dtick[1:]) * 30.44
    assert span_days / step_days <= 12.5
    assert "%H" not in chosen.tickformat
    assert "%M" not in chosen.tickformat


def test_the_zoomable_axis_never_formats_a_time_of_day():
    axis = timeaxis.timeline_axis(("2023-07-01", "2023-07-02"))
    assert all("%H" not in stop["value"] and "%M" not in stop["value"] for stop in axis["tickformatstops"])
    assert axis["tickformatstops"][0]["dtickrange"][0] is None  # the finest stop covers sub-day ticks too
    assert "%H" not in axis["hoverformat"]


@cache
def catalog(n: int) -> pd.DataFrame:
    valid, _ = validate_table(synthetic_table(n, seed=3), "synthetic")
    frame = catalog_frame(valid)
    frame["row"] = range(len(frame))
    return frame


@pytest.mark.parametrize("n", [1, 2, 187, 3_001, 100_000])
def test_the_monthly_bars_span_months_and_read_as_months_or_years(n):
    frame = catalog(n) if n > 1 else catalog(50).head(1)
    colours = colour_map("type", value_counts(frame, "type"))
    figure = build_monthly_figure(monthly_counts(frame, "type", colours), "type", colours)
    axis = figure.layout.xaxis
    start, end = pd.Timestamp(axis.range[0]), pd.Timestamp(axis.range[1])
    assert end - start >= pd.Timedelta(days=88), "one month is a bar a third of the chart wide, at most"
    assert "%H" not in axis.tickformat
    assert all(trace.xperiod == "M1" for trace in figure.data)
    assert all(min(trace.width) >= 0.8 * 28 * timeaxis.DAY_MS for trace in figure.data), "a bar is most of a month"
    assert all(len(trace.customdata) == len(trace.x) for trace in figure.data)


@pytest.mark.parametrize("n", [1, 187, 3_001, 100_000])
def test_the_timeline_zooms_along_time_only_with_dates_on_its_axis(n):
    frame = catalog(n) if n > 1 else catalog(50).head(1)
    figure = build_timeline_figure(frame, "type", colour_map("type", value_counts(frame, "type")))
    assert figure.layout.yaxis.fixedrange is True
    assert figure.layout.xaxis.fixedrange is not True
    start, end = (pd.Timestamp(value) for value in figure.layout.xaxis.range)
    assert end - start >= pd.Timedelta(days=30), "a single incident is not shown at millisecond scale"
    assert start <= frame["date"].min()
    assert frame["date"].max() <= end


def test_a_window_with_both_ends_is_what_the_timeline_first_shows():
    frame = catalog(187)
    figure = build_timeline_figure(
        frame,
        "type",
        colour_map("type", value_counts(frame, "type")),
        window=timeaxis_window(date(2023, 7, 1), date(2023, 7, 31)),
    )
    assert tuple(figure.layout.xaxis.range) == ("2023-07-01T00:00:00", "2023-08-01T00:00:00")


def timeaxis_window(start: date, end: date):
    from incidents.periods import Window

    return Window(start, end)


def test_the_playback_window_is_shaded_on_the_timeline():
    from incidents.periods import playback_window

    frame = catalog(187)
    figure = build_timeline_figure(
        frame, "type", colour_map("type", value_counts(frame, "type")), playing=playback_window(date(2023, 7, 1), 3)
    )
    (band,) = figure.layout.shapes
    assert (band.x0, band.x1) == ("2023-05-01", "2023-08-01T00:00:00")


def test_the_open_incidents_series_is_marked_on_the_timeline():
    frame = catalog(187)
    rows = frame["row"].head(3).tolist()
    figure = build_timeline_figure(frame, "type", colour_map("type", value_counts(frame, "type")), series_rows=rows)
    (series,) = [trace for trace in figure.data if trace.name == "Same series"]
    assert sorted(np.asarray(series.customdata).tolist()) == sorted(rows)
