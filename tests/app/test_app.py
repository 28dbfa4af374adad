"""The dashboard without a browser (streamlit.testing AppTest), seeded with query strings."""

from __future__ import annotations

import pytest

from incidents.catalog import load_catalog
from incidents.labels import label
from incidents.vocab import COLLECTIONS, vocabulary
from tests.app.conftest import chart_rows, chart_spec, notice_texts, page_texts, table_ids
from tests.factories import FIXTURE_IDS
from tests.markdown_view import links, shown
from tests.unit.test_view import FILTER_CASES

QUERY_CASES = [(query, expected) for query, expected in FILTER_CASES if not query.startswith("http")]


def as_params(query: str) -> dict[str, list[str]]:
    from incidents.view import query_pairs

    params: dict[str, list[str]] = {}
    for key, value in query_pairs(query):
        params.setdefault(key, []).append(value)
    return params


@pytest.mark.parametrize(("query", "expected"), QUERY_CASES, ids=[q or "empty" for q, _ in QUERY_CASES])
def test_url_keys_filter_table_and_charts(fixture_app, fixture_catalog, query, expected):
    app = fixture_app(as_params(query))
    assert sorted(table_ids(app)) == sorted(expected)
    rows = set(fixture_catalog.frame.set_index("id").index.get_indexer(expected))
    map_spec, timeline_spec = chart_spec(app, "map"), chart_spec(app, "timeline")
    # The open incident is drawn again as a highlight, whether or not the filters keep it.
    assert chart_rows(map_spec, fixture_catalog.frame.loc[sorted(rows)]) == rows | _open_rows(app, fixture_catalog)
    assert chart_rows(timeline_spec) == rows
    assert f"{len(expected)} of {len(FIXTURE_IDS)}" in app.metric[0].value


def _open_rows(app, catalog) -> set[int]:
    incident = app.query_params.get("incident")
    return set(catalog.frame.set_index("id").index.get_indexer([incident])) if incident else set()


def test_open_incident_is_highlighted_with_its_uncertainty_circle(fixture_app):
    app = fixture_app({"incident": "2020-01-02-a-black-sea-intercept"})
    map_spec = chart_spec(app, "map")
    names = [trace.get("name") for trace in map_spec["data"]]
    assert "Open incident" in names
    assert "Uncertainty: 50 km" in names


def test_panel_of_the_black_sea_collision(shipped_app):
    app = shipped_app({"incident": "2023-03-14-black-sea-su27-mq9-collision"})
    record = load_catalog().records["2023-03-14-black-sea-su27-mq9-collision"]
    assert shown(app.header[0].value) == record.title  # level 2, under the page's title
    text = page_texts(app)
    hrefs = [href for element in app.markdown for href in links(element.value)]
    assert "Russian Federation" in text
    assert "United States" in text
    for source in record.sources:
        assert str(source.url) in hrefs
    assert "Each side's account" in text


@pytest.mark.parametrize(
    ("query", "expected_notice"),
    [
        ({"from": "2023-13-01"}, "“from=2023-13-01”: is not a real date"),
        ({"type": "dogfight"}, "“type=dogfight”: is not a known type code"),
        ({"incident": "2020-02-02-no-such-incident"}, "Incident not found: 2020-02-02-no-such-incident"),
        ({"v": "00000000"}, "This link was made with dataset version 00000000"),
    ],
)
def test_bad_link_gives_a_notice_and_the_rest_applies(fixture_app, query, expected_notice):
    app = fixture_app({**query, "region": "syria"})
    assert expected_notice in notice_texts(app)
    assert table_ids(app) == ["2021-06-15-b-syria-flares"]


def test_filter_matching_nothing_says_what_to_loosen(fixture_app):
    app = fixture_app({"region": "syria", "type": "collision"})
    assert "No incidents match these filters" in notice_texts(app)
    assert "(type)" in notice_texts(app)
    assert "(region)" in notice_texts(app)


def test_rejected_records_are_listed(tmp_path, monkeypatch, fixture_data):
    import shutil

    from tests.app.conftest import run_app

    shutil.copytree(fixture_data, tmp_path / "data")
    (tmp_path / "data" / "2020" / "2020-05-05-broken.yaml").write_text("id: [", encoding="utf-8")
    app = run_app({}, tmp_path / "data", monkeypatch)
    expanders = [e.label for e in app.expander]
    assert any("1 record files could not be loaded" in label for label in expanders)
    assert len(table_ids(app)) == len(FIXTURE_IDS)


def test_widget_change_writes_codes_to_the_url(fixture_app):
    app = fixture_app({"region": "syria"})
    app.sidebar.multiselect(key="f_type").select("collision").run()
    assert dict(app.query_params) == {"region": "syria", "type": "collision", "v": app_version(app)}


def test_the_type_group_widget_narrows_the_view_and_writes_its_code(fixture_app):
    app = fixture_app()
    app.sidebar.multiselect(key="f_group").select("intercepts").run()
    assert dict(app.query_params) == {"group": "intercepts", "v": app_version(app)}
    assert sorted(table_ids(app)) == sorted(i for i in FIXTURE_IDS if i[11] in "abd")


def test_unchanged_view_does_not_rewrite_the_url(fixture_app):
    app = fixture_app({"region": "syria"})
    app.run()
    assert dict(app.query_params) == {"region": "syria"}


def app_version(app) -> str:
    return shown(app.caption[0].value).rsplit(" ", 1)[-1]


@pytest.fixture(scope="module")
def large_dataset(tmp_path_factory):
    from incidents.synth import write_synthetic

    path = tmp_path_factory.mktemp("large") / "synthetic.parquet"
    write_synthetic(12_000, seed=4, path=path)
    return path


def test_large_view_is_aggregated_with_a_note(large_dataset, monkeypatch):
    from tests.app.conftest import run_app

    app = run_app({}, large_dataset, monkeypatch)
    captions = page_texts(app, "caption")
    assert "12,000 incidents are too many to draw one by one" in captions
    assert "the timeline shows monthly counts" in captions
    assert "Showing the newest 1,000 of 12,000 incidents" in captions
    map_spec, timeline_spec = chart_spec(app, "map"), chart_spec(app, "timeline")
    (bins,) = map_spec["data"]
    assert all(isinstance(trace.get("customdata"), dict | list) for trace in timeline_spec["data"])
    assert bins["name"].startswith("Binned counts")
    assert sum(json_counts(bins["marker"]["color"])) == 12_000
    assert len(table_ids(app)) == 1_000


def json_counts(values) -> list[int]:
    if isinstance(values, dict):  # typed array {"dtype", "bdata"}
        import base64

        import numpy as np

        return np.frombuffer(base64.b64decode(values["bdata"]), dtype=values["dtype"]).tolist()
    return values


def test_narrowed_large_view_draws_single_incidents(large_dataset, monkeypatch):
    from tests.app.conftest import run_app

    app = run_app({"region": "taiwan-strait", "from": "2024-01-01"}, large_dataset, monkeypatch)
    map_spec = chart_spec(app, "map")
    assert not any(trace["name"].startswith("Binned") for trace in map_spec["data"])
    view = load_catalog(large_dataset).frame
    view = view[(view["region"] == "taiwan-strait") & (view["end"] >= "2024-01-01")]
    assert chart_rows(map_spec, view) == set(view.index), "every incident is a marker or in a shared one"


def test_missing_dataset_is_a_clear_error(tmp_path, monkeypatch):
    monkeypatch.setenv("INCIDENTS_DATA", str(tmp_path / "nowhere.parquet"))
    from streamlit.testing.v1 import AppTest

    from tests.app.conftest import APP

    app = AppTest.from_file(APP, default_timeout=60).run()
    assert not app.exception
    assert "does not exist" in shown(app.error[0].value)


def test_typed_unknown_place_says_the_proximity_filter_is_off(fixture_app):
    app = fixture_app({"region": "syria"})
    app.sidebar.text_input(key="f_near").input("Qxzv Atoll").run()
    assert "Qxzv Atoll is not in the offline gazetteer" in notice_texts(app)
    assert table_ids(app) == ["2021-06-15-b-syria-flares"]


def test_a_playback_link_reopens_at_its_position_and_window(fixture_app, fixture_catalog):
    # D is known only to the month (May 2019); a 3-month window at July 2019 still shows it.
    app = fixture_app({"at": "2019-07", "span": "3"})
    rows = chart_rows(chart_spec(app, "map"))
    assert rows == set(fixture_catalog.frame.index[fixture_catalog.frame["id"].str[11] == "d"])
    (band,) = chart_spec(app, "timeline")["layout"]["shapes"]
    assert (band["x0"], band["x1"][:10]) == ("2019-05-01", "2019-08-01")
    assert len(table_ids(app)) == len(FIXTURE_IDS), "playback moves the map, not the table"
    app.run()
    assert dict(app.query_params) == {"at": "2019-07", "span": "3"}, "reopening does not rewrite the link"


def test_a_comparison_link_reopens_the_comparison(fixture_app):
    app = fixture_app({"compare": ["2018", "2022"], "region": ["persian-gulf", "baltic-sea"]})
    tables = {frame.value.columns[0]: frame.value for frame in app.dataframe if "difference" in frame.value.columns}
    assert set(tables) == {"Type", "Region", "Initiator"}
    by_region = tables["Region"].set_index("Region")
    assert by_region.loc[:, ["2018", "2022", "difference"]].to_dict("index") == {
        label("region", "persian-gulf"): {"2018": 1, "2022": 0, "difference": -1},
        "Baltic Sea": {"2018": 0, "2022": 1, "difference": 1},
    }


def test_the_panel_marks_official_sources_and_shows_each_url_with_an_archive_search(shipped_app):
    incident_id = "2019-06-20-strait-of-hormuz-rq4a-bamsd-shootdown"
    app = shipped_app({"incident": incident_id})
    record = load_catalog().records[incident_id]
    text = page_texts(app)
    hrefs = [href for element in app.markdown for href in links(element.value)]
    assert "official statement" in text
    for source in record.sources:
        assert str(source.url) in text  # the address itself, readable (and printable)
        assert f"https://web.archive.org/web/*/{source.url}" in hrefs


def test_about_the_data_lists_every_collection_with_its_count_and_the_definitions(shipped_app):
    app = shipped_app()
    about = next(e for e in app.expander if e.label.startswith("About the data"))
    text = "\n".join(shown(element.value) for element in about.markdown)
    catalog = load_catalog()
    for code, entry in vocabulary(COLLECTIONS).entries.items():
        members = catalog.frame["collections"].str.contains(f"|{code}|", regex=False).sum()
        assert entry["label"] in text
        assert f"{members} records" in text
    assert "Verification grades" in text
    assert "Roles (who is the initiator, who the target)" in text
    assert catalog.version in text


@pytest.mark.parametrize("query", [{"type": ["unsafe_intercept", "shootdown"]}, {"initiator": "RU", "q": "black"}])
def test_the_duckdb_engine_shows_the_same_view_as_pandas(fixture_app, monkeypatch, query):
    monkeypatch.setenv("INCIDENTS_ENGINE", "pandas")
    in_memory = fixture_app(query)
    monkeypatch.setenv("INCIDENTS_ENGINE", "duckdb")
    queried = fixture_app(query)
    assert table_ids(queried) == table_ids(in_memory)
    assert queried.metric[0].value == in_memory.metric[0].value


def test_an_unknown_engine_is_named_on_the_page(fixture_app, monkeypatch):
    monkeypatch.setenv("INCIDENTS_ENGINE", "oracle")
    app = fixture_app()
    assert any("is not one of duckdb, pandas, spark" in shown(error.value) for error in app.error)


def test_the_points_shared_by_several_incidents_open_their_list_from_a_select_box(shipped_app):
    # The keyboard's way to a shared marker's list (issue 15): Syria, July 2023 has 5 at one point.
    app = shipped_app({"series": "syria-2023-07-mq9-harassment"})
    chooser = app.selectbox(key="shared-point")
    assert chooser.value is None
    first = chooser.options[0]
    assert "5 incidents" in first
    chooser.select_index(0).run()
    listed = [b.label for b in app.button if b.key and b.key.startswith("group-") and b.key != "group-close"]
    assert len(listed) == 5
    app.button(key=next(b.key for b in app.button if b.key and b.key.startswith("group-2"))).click().run()
    assert app.query_params.get("incident")


def test_a_closed_shared_point_list_opens_again_from_the_same_choice(shipped_app):
    app = shipped_app({"series": "syria-2023-07-mq9-harassment"})
    app.selectbox(key="shared-point").select_index(0).run()
    app.button(key="group-close").click().run()
    assert not [b for b in app.button if b.key and b.key.startswith("group-")]
    assert app.selectbox(key="shared-point").value is None
    app.selectbox(key="shared-point").select_index(0).run()
    assert len([b for b in app.button if b.key and b.key.startswith("group-2")]) == 5
