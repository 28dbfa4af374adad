"""incidents.view, mutation-tested (make mutation): links <-> views, and what a view keeps.

Every test here was written to kill a mutant that the rest of the suite let survive."""

from __future__ import annotations

from datetime import date

import pandas as pd
import pycountry
import pytest

from incidents import view
from incidents.geo import Gazetteer, Place
from incidents.view import LINK, Notice, ViewState, parse_view, view_params, view_query

# --- query_pairs and oversized links -------------------------------------------------------


def test_query_pairs_read_strings_urls_paths_and_mappings():
    assert view.query_pairs(" ?a=1&b=&a=2 ") == [("a", "1"), ("b", ""), ("a", "2")]
    assert view.query_pairs("https://x.example/app?type=collision#top") == [("type", "collision")]
    assert view.query_pairs("/app?region=syria") == [("region", "syria")]
    assert view.query_pairs({"type": ["collision", "shootdown"], "q": "reaper"}) == [
        ("type", "collision"), ("type", "shootdown"), ("q", "reaper")
    ]  # fmt: skip


def test_a_link_at_the_limits_is_read_and_one_past_them_is_refused():
    at_chars = "q=" + "a" * (view.MAX_LINK_CHARS - 2)
    assert view.oversized(at_chars) is None
    refused = view.oversized(at_chars + "a")
    assert refused is not None
    assert refused.key == LINK
    assert refused.value == "16,385 characters, 1 parameters"
    assert refused.message == "is longer than a view can be (16,384 characters, 300 parameters); none of it applies"
    assert view.oversized("&".join(["a=1"] * view.MAX_LINK_PAIRS)) is None
    assert view.oversized("&".join(["a=1"] * (view.MAX_LINK_PAIRS + 1))) is not None


def test_a_mapping_is_measured_by_its_pairs():
    assert view.oversized({"q": "a" * (view.MAX_LINK_CHARS - 3)}) is None  # 1 + 2 + value = the limit
    assert view.oversized({"q": "a" * (view.MAX_LINK_CHARS - 2)}).value == "16,385 characters, 1 parameters"
    assert view.oversized({"a": ["1"] * view.MAX_LINK_PAIRS}) is None
    assert view.oversized({"a": ["1"] * (view.MAX_LINK_PAIRS + 1)}).value == "1,204 characters, 301 parameters"


@pytest.mark.parametrize(("values", "shown"), [("2000000", "2000000"), (["2000000"], "2000000"), ([], "")])
def test_a_link_streamlit_dropped_is_refused_whole(values, shown):
    parsed = parse_view({view.OVERSIZED_KEY: values, "region": "syria"})
    assert parsed.state == ViewState()
    assert parsed.notices == [
        Notice(LINK, shown, "is more than Streamlit accepts (1,000 parameters or 512 KiB); none of it applies")
    ]


# --- parsing values ------------------------------------------------------------------------------


def test_a_value_may_be_as_long_as_its_key_allows_and_no_longer():
    platform = view.BY_KEY["platform"]
    assert view.parse_value(platform, "a" * 60) == "a" * 60
    with pytest.raises(ValueError, match=r"^is longer than 60 characters$"):
        view.parse_value(platform, "a" * 61)


def test_notices_name_the_key_the_raw_value_and_why():
    assert parse_view("type=dogfight").notices == [Notice("type", "dogfight", "is not a known type code")]
    assert parse_view("from=2020-02-30").notices[0].key == "from"


def test_at_most_30_values_per_key_and_the_rest_are_noticed():
    countries = [country.alpha_2 for country in pycountry.countries][:31]
    parsed = parse_view("&".join(f"initiator={code}" for code in countries))
    assert parsed.state.initiators == tuple(countries[:30])
    assert parsed.notices == [Notice("initiator", countries[30], "is more than 30 values for one key")]


def test_a_single_key_given_twice_keeps_the_last_value():
    assert parse_view("q=first&q=second").state.q == "second"


def test_an_end_before_the_start_is_dropped_with_a_notice():
    parsed = parse_view("from=2023-06-01&to=2023-01-01")
    assert parsed.state.date_from == date(2023, 6, 1)
    assert parsed.state.date_to is None
    assert parsed.notices == [Notice("to", "2023-01-01", "is before `from`; the end of the window is ignored")]
    assert parse_view("from=2023-01-01&to=2023-01-01").notices == []


def test_an_unknown_place_drops_near_and_radius_with_a_notice():
    parsed = parse_view("near=Qxzv+Atoll&radius_km=50")
    assert parsed.state.near == ""
    assert parsed.state.radius_km is None
    assert parsed.notices == [
        Notice("near", "Qxzv Atoll", "is not a known place or `lat,lon`; the proximity filter is ignored")
    ]


def test_a_place_is_looked_up_in_the_given_gazetteer():
    gazetteer = Gazetteer([Place("Testville", 1.0, 2.0)])
    assert parse_view("near=Testville", gazetteer).state.near == "Testville"
    assert view.proximity_place(ViewState(near="Testville"), gazetteer) == Place("Testville", 1.0, 2.0)
    assert view.proximity_place(ViewState(), gazetteer) is None


def test_notice_text_is_one_clipped_line():
    text = str(Notice("q", "a\x1b[31m" + "b" * 200, "is too long"))
    assert text.startswith("q=a")
    assert "\x1b" not in text
    assert text.endswith(": is too long")
    assert len(text) < 100


# --- writing links -------------------------------------------------------------------------------


def test_radius_is_written_only_with_near():
    assert view_query(ViewState(radius_km=50.0)) == ""
    assert view_query(ViewState(near="Tartus", radius_km=50.0)) == "near=Tartus&radius_km=50"
    assert view_query(ViewState(near="Tartus", radius_km=12.5)) == "near=Tartus&radius_km=12.5"


def test_defaults_and_empty_values_are_left_out():
    assert view_query(ViewState(color="type", q="", types=())) == ""
    assert view_query(ViewState(color="region")) == "color=region"


def test_view_params_group_repeated_keys():
    state = ViewState(types=("collision", "shootdown"), date_to=date(2023, 2, 1))
    assert view_params(state) == {"to": ["2023-02-01"], "type": ["collision", "shootdown"]}


def test_replacing_and_clearing_the_open_incident():
    state = ViewState(regions=("syria",))
    opened = view.replace_incident(state, "2020-01-02-a-b")
    assert opened == ViewState(regions=("syria",), incident="2020-01-02-a-b")
    assert opened.without_incident() == state
    assert state.replace(q="x").q == "x"
    assert ViewState(radius_km=5.0).effective_radius_km == 5.0


# --- applying a view -----------------------------------------------------------------------------


def test_apply_keeps_shown_and_colour_columns_only():
    frame = pd.DataFrame({"id": ["a"], "summary": ["s"], "colour_type": ["#fff"], "xcolour_": [1]})
    assert view.apply(frame, ViewState()).columns.tolist() == ["id", "colour_type"]


def test_codes_in_lists_codes_most_frequent_first():
    column = pd.Series(["|RU|BY|", "|RU|", "", None, "|US|RU|", "|US|"])
    assert view.codes_in(column) == ["RU", "US", "BY"]


def test_row_of_finds_the_position_of_an_incident():
    frame = pd.DataFrame({"id": ["a", "b", "c"]})
    assert view.row_of(frame, "b") == 1
    assert view.row_of(frame, "a") == 0
    assert view.row_of(frame, "z") is None
    assert view.row_of(frame, None) is None
    assert view.row_of(frame, "") is None
