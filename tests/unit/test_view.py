"""The link contract: query string <-> ViewState, and what each key filters."""

from __future__ import annotations

from dataclasses import fields
from datetime import date

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from incidents import filters, view
from incidents.labels import codes
from incidents.view import KEYS, ViewState, apply, parse_view, view_query
from incidents.vocab import recoded, vocabulary
from tests.factories import FIXTURE_IDS

# The fixture ids carry a letter after the date: 2020-01-02-a-..., 2021-06-15-b-...
A, B, C, D, E, F, G = (next(i for i in FIXTURE_IDS if i[11] == letter) for letter in "abcdefg")

FILTER_CASES = [
    ("", FIXTURE_IDS),
    ("?", FIXTURE_IDS),
    ("type=unsafe_intercept", [A, D]),
    ("type=unsafe_intercept&type=shootdown", [A, D, G]),
    ("group=intercepts", [A, B, D]),  # a group includes every type of it
    ("group=violations", [C, E, F]),
    ("group=intercepts&group=use_of_force", [A, B, D, G]),
    ("group=electronic", []),
    ("group=intercepts&type=shootdown", []),  # different keys combine with AND
    ("behaviour=flares", [B]),
    ("behaviour=close_pass", [A, B]),
    ("behaviour=flares&behaviour=laser", [B]),  # repeated: any of them
    ("behaviour=laser", []),
    ("collection=baltic-nordic-violations", [C]),
    ("collection=baltic-nordic-violations&collection=syria-mq9-harassment-2023", [B, C]),
    ("region=black-sea", [A]),
    ("region=black-sea&region=syria", [A, B]),
    ("initiator=RU", [A, B, C, E]),
    ("initiator=BY", [C]),
    ("initiator=unknown", [F]),
    ("target=US", [A, B, G]),
    ("platform=uav", [A, B, E, F, G]),
    ("platform=maritime_patrol", [D]),
    ("platform=MQ-9+Reaper", [A, B]),
    ("platform=mq-9%20reaper", [A, B]),
    ("verification=contested", [C, G]),
    ("q=shahed", [E]),
    ("q=TEST+place+2019", [D]),
    ("from=2022-01-01&to=2022-12-31", [C]),
    ("from=2023-09-11&to=2023-09-30", [E]),  # a multi-day episode overlapping the window
    ("from=2019-05-20&to=2019-05-25", [D]),  # a month-precision date covers its month
    ("from=2024-06-01&to=2024-06-30", [F]),  # a year-precision date covers its year
    ("to=2019-05-15", [D, G]),
    ("near=Tartus&radius_km=100", [B]),
    ("near=43,33&radius_km=50", [A]),
    ("near=43.0,+33.0", [A]),  # default radius
    ("initiator=RU&region=syria", [B]),
    ("incident=2020-01-02-a-black-sea-intercept", FIXTURE_IDS),  # opening does not filter
    ("https://atlas.example/?region=baltic-sea&unknown=1", [C]),  # a whole URL, unknown key ignored
]


@pytest.mark.parametrize(("query", "expected"), FILTER_CASES, ids=[case[0] or "empty" for case in FILTER_CASES])
def test_each_key_filters_as_specified(fixture_catalog, query, expected):
    parsed = parse_view(query)
    assert parsed.notices == []
    assert sorted(apply(fixture_catalog.frame, parsed.state)["id"]) == sorted(expected)


NOTICE_CASES = [
    ("from=2023-13-01", "from"),
    ("from=yesterday", "from"),
    ("to=0001-01-01", "to"),
    ("from=2023-06-01&to=2023-01-01", "to"),
    ("type=dogfight", "type"),
    ("type=Collision", "type"),  # labels are not codes
    ("region=atlantis", "region"),
    ("group=dogfights", "group"),
    ("group=Intercepts", "group"),  # labels are not codes
    ("behaviour=dogfight", "behaviour"),
    ("collection=everything", "collection"),
    ("initiator=XX", "initiator"),
    ("target=Russia", "target"),
    ("verification=probably", "verification"),
    ("near=Qxzv+Atoll", "near"),
    ("near=95,10", "near"),
    ("radius_km=-5", "radius_km"),
    ("radius_km=far", "radius_km"),
    ("incident=not+an+id", "incident"),
    ("color=rainbow", "color"),
    ("v=zz", "v"),
    ("asof=zz", "asof"),
    ("asof=ABCDEF12", "asof"),  # versions are lower-case hex
    ("asof=abc", "asof"),
]


@pytest.mark.parametrize(("query", "key"), NOTICE_CASES, ids=[case[0] for case in NOTICE_CASES])
def test_invalid_value_is_dropped_with_a_notice_and_the_rest_applies(query, key):
    parsed = parse_view(f"{query}&region=syria")
    assert [notice.key for notice in parsed.notices] == [key]
    assert parsed.state.regions == ("syria",)


def test_unknown_keys_are_ignored_silently():
    parsed = parse_view("utm_source=mail&embed=true&region=syria")
    assert parsed.notices == []
    assert parsed.state == ViewState(regions=("syria",))


def test_repeated_values_keep_order_and_drop_duplicates():
    assert parse_view("type=shootdown&type=collision&type=shootdown").state.types == ("shootdown", "collision")


def test_query_is_canonical_and_readable():
    state = ViewState(
        date_from=date(2023, 1, 1), types=("collision", "shootdown"), near="Tartus", radius_km=300.0,
        incident="2023-03-14-black-sea-su27-mq9-collision", color="initiator", version="3f2a9c1e",
    )  # fmt: skip
    assert view_query(state) == (
        "from=2023-01-01&type=collision&type=shootdown&near=Tartus&radius_km=300"
        "&incident=2023-03-14-black-sea-su27-mq9-collision&color=initiator&v=3f2a9c1e"
    )


def test_default_state_is_the_empty_query():
    assert view_query(ViewState()) == ""


def test_every_view_state_field_has_a_key():
    assert sorted(attribute for attribute, *_ in KEYS.values()) == sorted(field.name for field in fields(ViewState))


def test_active_filters_name_what_to_loosen():
    state = parse_view("type=collision&q=reaper&color=region&incident=2020-01-02-x").state
    assert state.active_filters() == ["type", "q"]


# --- round trip: any valid state survives query string and back ----------------------------

codes_of = lambda field: st.lists(st.sampled_from(codes(field)), unique=True, max_size=3).map(tuple)  # noqa: E731
actor_codes = st.lists(st.sampled_from(["RU", "US", "CN", "IR", "unknown", "houthis"]), unique=True, max_size=3)
words = st.text(st.characters(categories=["L", "N"]), min_size=1, max_size=12)
dates = st.dates(min_value=date(1990, 1, 1), max_value=date(2030, 12, 31))
places = st.one_of(
    st.sampled_from(["Tartus", "Sevastopol", "Taipei"]),
    st.tuples(st.integers(-89, 89), st.integers(-179, 179)).map(lambda p: f"{p[0]},{p[1]}"),
)


@st.composite
def view_states(draw) -> ViewState:
    start, end = sorted([draw(dates), draw(dates)])
    near = draw(st.one_of(st.just(""), places))
    return ViewState(
        date_from=draw(st.one_of(st.none(), st.just(start))),
        date_to=draw(st.one_of(st.none(), st.just(end))),
        types=draw(codes_of("type")),
        groups=draw(codes_of("type_groups")),
        behaviours=draw(codes_of("behaviours")),
        collections=draw(codes_of("collections")),
        regions=draw(codes_of("region")),
        initiators=tuple(draw(actor_codes)),
        targets=tuple(draw(actor_codes)),
        platforms=draw(
            st.lists(st.one_of(st.sampled_from(codes("category")), words), unique=True, max_size=3).map(tuple)
        ),
        verification=draw(codes_of("verification")),
        q=draw(st.one_of(st.just(""), words)),
        near=near,
        radius_km=draw(st.one_of(st.none(), st.integers(1, 20000).map(float))) if near else None,
        incident=draw(st.one_of(st.none(), st.just("2023-03-14-black-sea-su27-mq9-collision"))),
        color=draw(st.sampled_from(list(view.COLOR_FIELDS))),
        version=draw(st.one_of(st.none(), st.text("0123456789abcdef", min_size=8, max_size=8))),
        as_of=draw(st.one_of(st.none(), st.text("0123456789abcdef", min_size=6, max_size=64))),
    )


@settings(max_examples=300, deadline=None)
@given(view_states())
def test_any_valid_state_survives_the_round_trip(state):
    parsed = parse_view(view_query(state))
    assert parsed.notices == []
    assert parsed.state == state
    assert parse_view("?" + view_query(state)).state == state
    assert parse_view(view.view_params(state)).state == state


AS_OF_CASES = [
    ("asof=71f94f5a", "71f94f5a", "asof=71f94f5a"),
    ("v=71f94f5a&asof=71f94f5a&region=syria", "71f94f5a", "region=syria&v=71f94f5a&asof=71f94f5a"),
    ("asof=0123456789abcdef&asof=abcdef12", "abcdef12", "asof=abcdef12"),  # one release: the last value
    ("?asof=abcdef&type=shootdown", "abcdef", "type=shootdown&asof=abcdef"),
]


@pytest.mark.parametrize(("query", "as_of", "canonical"), AS_OF_CASES, ids=[case[0] for case in AS_OF_CASES])
def test_the_release_key_round_trips(fixture_catalog, query, as_of, canonical):
    parsed = parse_view(query)
    assert parsed.notices == []
    assert parsed.state.as_of == as_of
    assert view_query(parsed.state) == canonical
    assert parse_view(canonical).state == parsed.state
    assert parse_view(view.view_params(parsed.state)).state == parsed.state
    # The key chooses the data, not the incidents of it: alone it filters nothing.
    assert len(apply(fixture_catalog.frame, parsed.state.replace(types=(), regions=()))) == len(FIXTURE_IDS)


def test_a_group_filter_is_described_by_its_label_in_a_citation():
    from incidents.citation import describe_view

    assert describe_view(parse_view("group=use_of_force&group=intercepts").state) == (
        "type groups: Use of force, Intercepts"
    )


def test_streamlits_embed_keys_are_no_view_keys_and_give_no_notice():
    """``embed`` and ``embed_options`` are Streamlit's (an iframe embed, the README's snippet):
    the view of the same link without them, and no notice."""
    embedded = parse_view("embed=true&embed_options=show_toolbar&embed_options=light_theme&region=black-sea")
    assert embedded.notices == []
    assert embedded.state == parse_view("region=black-sea").state


RECODES = {"types": {"dogfight": {"now": "unsafe_intercept", "since": "2026-12-02", "why": "merged"}}}


@pytest.mark.parametrize(
    ("query", "expected_types"),
    [("type=dogfight", ("unsafe_intercept",)), ("type=dogfight&type=unsafe_intercept", ("unsafe_intercept",))],
)
def test_a_recoded_code_opens_the_view_with_its_new_code_and_says_so(monkeypatch, query, expected_types):
    monkeypatch.setattr(filters, "recoded", lambda name: RECODES.get(name, {}))
    parsed = parse_view(query + "&region=syria")
    assert parsed.state.types == expected_types
    assert parsed.state.regions == ("syria",)
    assert [(n.key, n.value) for n in parsed.notices] == [("type", "dogfight")]
    assert "was recoded as “unsafe_intercept” on 2026-12-02: merged" in parsed.notices[0].message


@pytest.mark.parametrize("name", ["types", "regions", "type_groups", "behaviours", "collections", "series"])
def test_retired_codes_point_at_current_codes_and_are_never_reused(name):
    for old, entry in recoded(name).items():
        assert old not in vocabulary(name), f"{old} is retired but still a code"
        assert entry["now"] in vocabulary(name), f"{old} -> {entry['now']}, which is not a code"


def test_shared_points_are_positions_of_two_or_more_incidents_largest_first():
    import pandas as pd

    frame = pd.DataFrame(
        {
            "lat": [35.0, 35.001, 35.0, 40.0, 41.0, 41.0],
            "lon": [36.5, 36.5, 36.5, 30.0, 20.0, 20.0],
            "location_name": ["Syria A", "Syria B", "Syria C", "Alone", "Aegean", None],
        }
    )
    points = view.shared_points(frame)
    expected = [("@35.00,36.50", "Syria A", 3), ("@41.00,20.00", "Aegean", 2)]
    assert [(p.key, p.place, p.count) for p in points] == expected
    assert view.shared_points(frame.iloc[:0]) == []
