"""incidents.filters, mutation-tested (make mutation): each link key's parser and narrowing.

Every test here was written to kill a mutant that the rest of the suite let survive."""

from __future__ import annotations

from datetime import date

import numpy as np
import pandas as pd
import pytest

from incidents import filters, flat
from incidents.geo import Gazetteer, Place, haversine_km
from incidents.model import Incident
from incidents.view import ViewState, apply, parse_view
from tests.factories import record


def catalog_of(*records: dict) -> pd.DataFrame:
    return flat.catalog_frame(flat.flat_frame(Incident.model_validate(data) for data in records))


def with_platforms(id_: str, *platforms: str) -> dict:
    actors = [{"role": "initiator", "country": "RU", "platform": name, "category": "fighter"} for name in platforms]
    return record(id=id_, date=id_[:10], actors=[*actors, {"role": "target", "country": "US", "category": "uav"}])


def kept(frame: pd.DataFrame, query: str) -> list[str]:
    parsed = parse_view(query)
    assert parsed.notices == []
    return apply(frame, parsed.state)["id"].tolist()


# --- platform names match whole names inside multi-platform fields -----------------------


@pytest.fixture(scope="module")
def platforms_frame() -> pd.DataFrame:
    return catalog_of(
        with_platforms("2020-01-01-pair", "F-16 and Mirage 2000"),
        with_platforms("2020-01-02-variant", "F-16XL"),
        with_platforms("2020-01-03-two-actors", "Su-27", "F-16"),
        with_platforms("2020-01-04-prefix", "AF-16"),
        with_platforms("2020-01-05-other", "Su-35"),
    )


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("platform=F-16", ["2020-01-01-pair", "2020-01-03-two-actors"]),
        ("platform=f-16", ["2020-01-01-pair", "2020-01-03-two-actors"]),  # case does not matter
        ("platform=Mirage+2000", ["2020-01-01-pair"]),  # a name at the end of a field
        ("platform=F-16XL", ["2020-01-02-variant"]),
        ("platform=Su-27&platform=Su-35", ["2020-01-03-two-actors", "2020-01-05-other"]),
        ("platform=F-1", []),  # part of a name is not the name
        ("platform=Mirage", ["2020-01-01-pair"]),  # a whole word inside a field is a name in it
    ],
)
def test_a_platform_name_matches_whole_names_only(platforms_frame, query, expected):
    assert kept(platforms_frame, query) == expected


def test_a_category_and_a_name_together_keep_either(platforms_frame):
    frame = catalog_of(with_platforms("2020-01-01-pair", "F-16"), record(id="2020-01-02-drone", date="2020-01-02"))
    assert kept(frame, "platform=uav&platform=F-16") == ["2020-01-01-pair", "2020-01-02-drone"]
    assert kept(frame, "platform=F-16") == ["2020-01-01-pair"]


def test_has_name_reads_user_text_literally():
    column = pd.Series(["|f.16|", "|fx16|", "|a(b|", None])
    assert filters.has_name(column, ["f.16"]).tolist() == [True, False, False, False]
    assert filters.has_name(column, ["a(b"]).tolist() == [False, False, True, False]
    assert filters.has_name(column, []).tolist() == [False] * 4


def test_has_any_matches_whole_codes_of_a_delimited_set():
    column = pd.Series(["|RU|BY|", "|RUS|", "|US|", None])
    assert filters.has_any(column, ["RU"]).tolist() == [True, False, False, False]
    assert filters.has_any(column, ["BY", "US"]).tolist() == [True, False, True, False]
    assert filters.has_any(column, ["R.", "U|"]).tolist() == [False] * 4
    assert filters.has_any(column, []).tolist() == [False] * 4


# --- q: every word, anywhere, not a phrase -------------------------------------------------


@pytest.fixture(scope="module")
def words_frame() -> pd.DataFrame:
    return catalog_of(
        record(id="2020-01-01-one", date="2020-01-01", title="Reaper lost over the sea", summary="Flares fired."),
        record(id="2020-01-02-two", date="2020-01-02", title="Intercept near the coast", summary="Reaper shadowed."),
    )


@pytest.mark.parametrize(
    ("q", "expected"),
    [
        ("reaper", ["2020-01-01-one", "2020-01-02-two"]),
        ("flares reaper", ["2020-01-01-one"]),  # both words, in another order than the text
        ("sea reaper lost", ["2020-01-01-one"]),
        ("reaper coast", ["2020-01-02-two"]),
        ("reaper absentword", []),  # every word must be there
        ("REAPER   Coast", ["2020-01-02-two"]),
    ],
)
def test_q_keeps_incidents_containing_every_word(words_frame, q, expected):
    assert kept(words_frame, f"q={q}") == expected


def test_search_words_are_casefolded_distinct_and_without_contained_words():
    assert filters.search_words("Reaper reap REAPER sea") == ["reaper", "sea"]
    assert filters.search_words("  ") == []
    assert filters.search_words(" ".join(f"w{n}x" for n in range(12))) == [f"w{n}x" for n in range(8)]


def test_q_of_more_than_eight_words_is_refused():
    assert filters.words("a b c d e f g h") == "a b c d e f g h"
    with pytest.raises(ValueError, match="more than 8 words"):
        filters.words("a b c d e f g h i")


def test_q_is_stored_with_single_spaces():
    assert parse_view("q=+reaper++sea+").state.q == "reaper sea"


# --- parsers -----------------------------------------------------------------------------------


@pytest.mark.parametrize("value", ["1900-01-01", "2100-12-31"])
def test_link_dates_at_the_ends_of_the_range_are_accepted(value):
    assert filters.iso_date(value) == date.fromisoformat(value)


@pytest.mark.parametrize("value", ["1899-12-31", "2101-01-01"])
def test_link_dates_outside_the_range_are_refused(value):
    with pytest.raises(ValueError, match="is outside 1900-2100"):
        filters.iso_date(value)


@pytest.mark.parametrize("value", ["2023-1-01", "20230101", "2023-01-01T00:00", " 2023-01-01", "2023/01/01"])
def test_link_dates_must_be_written_yyyy_mm_dd(value):
    with pytest.raises(ValueError, match="YYYY-MM-DD"):
        filters.iso_date(value)


def test_vocabulary_codes_are_checked_and_the_notice_names_the_vocabulary():
    assert filters.vocab_code("types")("collision") == "collision"
    with pytest.raises(ValueError, match=r"^is not a known type code$"):
        filters.vocab_code("types")("dogfight")
    with pytest.raises(ValueError, match=r"^is not a known verification code$"):
        filters.vocab_code("verification")("maybe")


def test_actor_codes_are_countries_or_known_actors():
    assert filters.actor("RU") == "RU"
    assert filters.actor("unknown") == "unknown"
    with pytest.raises(ValueError, match="ISO 3166-1 alpha-2"):
        filters.actor("ru")


def test_platform_is_stripped_and_must_not_be_empty():
    assert filters.platform("  MQ-9 Reaper ") == "MQ-9 Reaper"
    with pytest.raises(ValueError, match=r"^is empty$"):
        filters.platform("   ")


def test_near_text_is_stripped():
    assert filters.text("  Tartus ") == "Tartus"


@pytest.mark.parametrize(("value", "expected"), [("0.5", 0.5), ("20000", 20000.0), (" 300 ", 300.0)])
def test_radius_accepts_kilometres_up_to_20000(value, expected):
    assert filters.radius(value) == expected


@pytest.mark.parametrize("value", ["0", "-1", "20000.1", "nan", "inf"])
def test_radius_outside_the_range_is_refused(value):
    with pytest.raises(ValueError, match=r"^must be between 0 and 20000 km$"):
        filters.radius(value)


def test_radius_that_is_not_a_number_says_so():
    with pytest.raises(ValueError, match=r"^is not a number of kilometres$"):
        filters.radius("far")


def test_incident_ids_must_look_like_an_id():
    assert filters.incident_id("2020-01-02-a-b") == "2020-01-02-a-b"
    with pytest.raises(ValueError, match="YYYY-MM-DD-slug"):
        filters.incident_id("x2020-01-02-a")


def test_colour_field_notice_lists_the_fields():
    assert filters.color("region") == "region"
    with pytest.raises(ValueError, match=r"\(type, region, initiator, verification, escalation_risk\)$"):
        filters.color("rainbow")


@pytest.mark.parametrize("value", ["abcdef", "0" * 64, "0123456789abcdef"])
def test_dataset_versions_are_6_to_64_lower_case_hex_digits(value):
    assert filters.version(value) == value


@pytest.mark.parametrize("value", ["abcde", "0" * 65, "ABCDEF", "abcdeg", ""])
def test_other_dataset_versions_are_refused(value):
    with pytest.raises(ValueError, match=r"^is not a dataset version$"):
        filters.version(value)


# --- the proximity filter and the window ---------------------------------------------------


def at(id_: str, lat: float, lon: float) -> dict:
    return record(id=id_, date=id_[:10], location={"name": "x", "lat": lat, "lon": lon, "region": "syria"})


def test_radius_narrows_around_near_and_defaults_to_300_km():
    frame = catalog_of(
        at("2020-01-01-at", 0.0, 0.0), at("2020-01-02-200km", 0.0, 1.8), at("2020-01-03-400km", 0.0, 3.6)
    )
    assert kept(frame, "near=0,0") == ["2020-01-01-at", "2020-01-02-200km"]
    assert kept(frame, "near=0,0&radius_km=100") == ["2020-01-01-at"]
    assert kept(frame, "near=0,0&radius_km=500") == ["2020-01-01-at", "2020-01-02-200km", "2020-01-03-400km"]


def test_radius_km_without_near_does_not_filter():
    frame = catalog_of(record(id="2020-01-01-far", date="2020-01-01"))
    parsed = parse_view("radius_km=1")
    assert parsed.state.radius_km == 1.0
    assert apply(frame, parsed.state)["id"].tolist() == ["2020-01-01-far"]


def test_an_unresolved_place_given_to_the_filter_keeps_everything():
    frame = catalog_of(record(id="2020-01-01-a", date="2020-01-01"))
    state = ViewState(near="Qxzv Atoll", radius_km=1.0)
    assert filters._within_radius(frame, "Qxzv Atoll", filters.Context(state)).tolist() == [True]


def test_effective_radius_is_the_given_one_or_300():
    assert filters.effective_radius(ViewState()) == 300.0
    assert filters.effective_radius(ViewState(radius_km=12.5)) == 12.5


def test_the_window_includes_both_ends():
    frame = catalog_of(record(id="2020-01-02-day", date="2020-01-02"))
    assert kept(frame, "from=2020-01-02&to=2020-01-02") == ["2020-01-02-day"]
    assert kept(frame, "from=2020-01-03") == []
    assert kept(frame, "to=2020-01-01") == []


# --- citation words -----------------------------------------------------------------------


def test_citation_words_for_each_filter():
    state = ViewState(date_from=date(2020, 1, 1), types=("collision",), q="reaper", near="Tartus", radius_km=50.0)
    assert filters._window(state) == "from 2020-01-01 to the latest record"
    assert filters._window(ViewState(date_to=date(2021, 2, 3))) == "from the first record to 2021-02-03"
    assert filters._window(ViewState()) is None
    assert filters._listed("types", "type", "types")(state) == "types: Collision"
    assert filters._listed("types", "type", "types")(ViewState()) is None
    assert filters._matching(state) == 'matching "reaper"'
    assert filters._matching(ViewState()) is None
    assert filters._proximity(state) == "within 50 km of Tartus"
    assert filters._proximity(ViewState()) is None


def test_param_session_key_and_empty_value():
    assert filters.BY_KEY["type"].session_key == "f_type"
    assert filters.BY_KEY["radius_km"].session_key == "f_radius"
    assert filters.BY_KEY["type"].empty == ()
    assert filters.BY_KEY["color"].empty == "type"
    assert filters.BY_KEY["type"].filters
    assert not filters.BY_KEY["color"].filters


def test_masks_are_boolean_arrays_one_per_row():
    mask = filters.has_any(pd.Series(["|RU|"] * 3), ["RU"])
    assert mask.dtype == np.bool_
    assert mask.shape == (3,)


def test_columns_without_any_value_match_nothing():
    empty = pd.Series([None, None], dtype=object)
    assert filters.has_any(empty, ["RU"]).tolist() == [False, False]
    assert filters.has_any(empty, ["RU", "BY"]).tolist() == [False, False]
    assert filters.has_name(empty, ["f-16"]).tolist() == [False, False]


def test_q_on_a_frame_whose_search_text_is_all_missing_matches_nothing():
    frame = pd.DataFrame({"search_text": pd.Series([None], dtype=object)})
    assert filters._all_words(frame, "reaper", filters.Context(ViewState(q="reaper"))).tolist() == [False]


def test_near_resolves_in_the_gazetteer_it_is_given():
    frame = catalog_of(at("2020-01-01-at", 10.0, 10.0))
    gazetteer = Gazetteer([Place("Testville", 10.0, 10.0)])
    parsed = parse_view("near=Testville&radius_km=10", gazetteer)
    assert parsed.notices == []
    assert apply(frame, parsed.state, gazetteer)["id"].tolist() == ["2020-01-01-at"]
    assert apply(frame, parsed.state.replace(near="Testville2"), gazetteer)["id"].tolist() == ["2020-01-01-at"]
    far = Gazetteer([Place("Testville", -10.0, -10.0)])
    assert apply(frame, parsed.state, far)["id"].tolist() == []


def test_the_radius_includes_its_edge():
    frame = pd.DataFrame({"lat": [0.0], "lon": [1.0]})
    edge = float(haversine_km(0.0, 0.0, np.array([0.0]), np.array([1.0]))[0])
    state = ViewState(near="0,0", radius_km=edge)
    assert filters._within_radius(frame, "0,0", filters.Context(state)).tolist() == [True]


# The factories below run once, when PARAMS is declared; they are called here directly so a
# wrong factory is caught (mutmut swaps a function's body only for calls made during a test).


def test_in_and_any_code_narrow_by_their_column():
    frame = pd.DataFrame({"type": ["collision", "shootdown"], "initiators": ["|RU|BY|", "|US|"]})
    context = filters.Context(ViewState())
    assert filters._in("type")(frame, ("shootdown",), context).tolist() == [False, True]
    assert filters._any_code("initiators")(frame, ("BY",), context).tolist() == [True, False]


def test_codes_widget_is_a_multiselect_of_the_options_with_their_labels():
    assert filters._codes_widget("data:initiators", "initiator") == filters.Widget(
        "multiselect", options="data:initiators", labels="initiator"
    )
