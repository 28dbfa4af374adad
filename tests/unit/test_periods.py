"""Date windows: snapping, presets, playback steps and windows, periods compared."""

from __future__ import annotations

from datetime import date

import pandas as pd
import pytest

from incidents import periods
from incidents.periods import Window
from incidents.view import parse_view, view_query
from tests.factories import FIXTURE_IDS

A, B, C, D, E, F, G = (next(i for i in FIXTURE_IDS if i[11] == letter) for letter in "abcdefg")

SNAPS = [
    # dragging 1-31 July from just before the 1 July marker to just after the 31 July one
    (("2023-06-30 22:13:05", "2023-07-31 01:40"), (date(2023, 7, 1), date(2023, 7, 31))),
    (("2023-07-31 01:40", "2023-06-30 22:13:05"), (date(2023, 7, 1), date(2023, 7, 31))),  # dragged leftwards
    (("2023-07-01", "2023-07-31"), (date(2023, 7, 1), date(2023, 7, 31))),  # exactly on the markers
    (("2023-07-01 00:00:00.001", "2023-07-31 23:59"), (date(2023, 7, 2), date(2023, 7, 31))),
    (("2023-07-14 03:00", "2023-07-14 20:00"), (date(2023, 7, 14), date(2023, 7, 14))),  # inside one day
    (("2019-12-31 23:00", "2020-01-01 01:00"), (date(2020, 1, 1), date(2020, 1, 1))),
]


@pytest.mark.parametrize(("range_", "expected"), SNAPS)
def test_a_range_snaps_to_the_whole_days_whose_markers_it_covers(range_, expected):
    assert periods.snap(*range_) == expected


def test_presets_are_all_the_last_12_months_and_each_year_with_incidents():
    found = {preset.label: preset.window for preset in periods.presets([2021, 2023], today=date(2026, 12, 2))}
    assert list(found) == ["All", "Last 12 months", "2021", "2023"]
    assert found["All"] == Window(None, None)
    assert found["Last 12 months"] == Window(date(2025, 12, 3), date(2026, 12, 2))
    assert found["2023"] == Window(date(2023, 1, 1), date(2023, 12, 31))


def test_the_last_12_months_of_a_leap_day_end_on_it():
    (_, last_year, *_) = periods.presets([], today=date(2028, 2, 29))
    assert last_year.window == Window(date(2027, 3, 1), date(2028, 2, 29))


WINDOWS = [
    (date(2023, 7, 1), 1, Window(date(2023, 7, 1), date(2023, 7, 31))),
    (date(2023, 7, 1), 3, Window(date(2023, 5, 1), date(2023, 7, 31))),
    (date(2024, 2, 1), 1, Window(date(2024, 2, 1), date(2024, 2, 29))),
    (date(2023, 1, 1), 2, Window(date(2022, 12, 1), date(2023, 1, 31))),
    (date(2023, 7, 1), periods.CUMULATIVE, Window(None, date(2023, 7, 31))),
]


@pytest.mark.parametrize(("at", "span", "expected"), WINDOWS)
def test_the_playback_window_ends_with_the_month_at(at, span, expected):
    assert periods.playback_window(at, span) == expected


def test_playback_steps_month_by_month_to_the_last():
    steps = periods.positions(date(2022, 11, 20), date(2023, 2, 3))
    assert steps == [date(2022, 11, 1), date(2022, 12, 1), date(2023, 1, 1), date(2023, 2, 1)]
    assert periods.next_position(date(2023, 1, 1), date(2023, 2, 3)) == date(2023, 2, 1)
    assert periods.next_position(date(2023, 2, 1), date(2023, 2, 3)) is None


def frames_showing(frame: pd.DataFrame, incident_id: str, span: int) -> list[str]:
    """The months of 2015-2025 whose playback window shows this incident."""
    shown = []
    for at in periods.positions(date(2015, 1, 1), date(2025, 12, 1)):
        rows = frame.loc[periods.overlaps(frame, periods.playback_window(at, span)), "id"]
        if incident_id in set(rows):
            shown.append(f"{at:%Y-%m}")
    return shown


def test_a_multi_day_episode_is_shown_for_its_whole_span():
    episode = pd.DataFrame(
        {"id": ["episode"], "date": pd.to_datetime(["2023-09-28"]), "end": pd.to_datetime(["2023-11-02"])}
    )
    assert frames_showing(episode, "episode", 1) == ["2023-09", "2023-10", "2023-11"]


def test_a_month_precision_incident_is_shown_for_its_whole_month(fixture_catalog):
    assert frames_showing(fixture_catalog.frame, D, 1) == ["2019-05"]
    assert frames_showing(fixture_catalog.frame, D, 2) == ["2019-05", "2019-06"]


def test_a_year_precision_incident_is_shown_all_year(fixture_catalog):
    assert frames_showing(fixture_catalog.frame, F, 1) == [f"2024-{month:02d}" for month in range(1, 13)]


def test_cumulative_playback_keeps_everything_up_to_the_position(fixture_catalog):
    assert frames_showing(fixture_catalog.frame, A, periods.CUMULATIVE)[:2] == ["2020-01", "2020-02"]
    assert frames_showing(fixture_catalog.frame, A, periods.CUMULATIVE)[-1] == "2025-12"


def test_periods_compared_count_side_by_side_with_the_difference(fixture_catalog):
    table = periods.compare(
        fixture_catalog.frame,
        periods.parse_period("2018-01-01..2020-12-31"),
        periods.parse_period("2021-01-01..2023-12-31"),
        "type",
    )
    rows = {row.type: (row.first, row.second, row.difference) for row in table.itertuples()}
    assert rows == {
        "unsafe_intercept": (2, 0, -2),
        "shootdown": (1, 0, -1),
        "flare_or_chaff_release": (0, 1, 1),
        "airspace_violation": (0, 1, 1),
        "drone_incursion": (0, 1, 1),
    }


def test_each_initiator_of_an_incident_counts_once_in_a_comparison(fixture_catalog):
    table = periods.compare(
        fixture_catalog.frame, periods.parse_period("2018"), periods.parse_period("2022"), "initiators"
    )
    assert {row.initiators: (row.first, row.second) for row in table.itertuples()} == {"IR": (1, 0), "BY": (0, 1),
                                                                                       "RU": (0, 1)}  # fmt: skip


PERIODS = [
    ("2023", Window(date(2023, 1, 1), date(2023, 12, 31))),
    ("2023-07-01..2023-07-31", Window(date(2023, 7, 1), date(2023, 7, 31))),
]


@pytest.mark.parametrize(("text", "window"), PERIODS)
def test_a_period_parses_and_formats_back(text, window):
    assert periods.parse_period(text) == window
    assert periods.format_period(window) == text


PLAYBACK_LINKS = [
    ("at=2023-07", "at=2023-07"),
    ("at=2023-07&span=1", "at=2023-07"),  # one month is the default window
    ("at=2023-07&span=3", "at=2023-07&span=3"),
    ("at=2023-07&span=all", "at=2023-07&span=all"),
    ("span=3", ""),  # a window without a position is not written
    ("compare=2022&compare=2023", "compare=2022&compare=2023"),
    ("compare=2023-01-01..2023-06-30&compare=2023-07-01..2023-12-31",
     "compare=2023-01-01..2023-06-30&compare=2023-07-01..2023-12-31"),
]  # fmt: skip


@pytest.mark.parametrize(("query", "canonical"), PLAYBACK_LINKS)
def test_playback_and_comparison_links_round_trip(query, canonical):
    parsed = parse_view(query)
    assert parsed.notices == []
    assert view_query(parsed.state) == canonical


BAD_LINKS = [
    ("at=2023-13", "at"),
    ("at=July", "at"),
    ("span=0", "span"),
    ("span=121", "span"),
    ("compare=2023-07-31..2023-07-01", "compare"),
    ("compare=last+year", "compare"),
]


@pytest.mark.parametrize(("query", "key"), BAD_LINKS)
def test_a_bad_playback_or_comparison_value_is_dropped_with_a_notice(query, key):
    assert [notice.key for notice in parse_view(query).notices] == [key]
