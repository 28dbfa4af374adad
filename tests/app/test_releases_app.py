"""Links that reproduce: a link's version offered as of its release, the as-of view, its
banner and changes, an unknown or broken release, and a record's history in the panel."""

from __future__ import annotations

import pytest

from incidents.releases import RELEASES_ENV
from tests.app.conftest import notice_texts, page_texts, run_app, table_ids
from tests.factories import ADDED_RECORD, CHANGED_ID, REMOVED_ID, write_two_releases

SYRIA_AND_EUROPE = {"region": ["syria", "western-europe"]}
OLD_IDS = sorted([CHANGED_ID, REMOVED_ID])
NEW_IDS = sorted([CHANGED_ID, ADDED_RECORD["id"]])


@pytest.fixture(scope="module")
def two(tmp_path_factory):
    return write_two_releases(tmp_path_factory.mktemp("releases"))


@pytest.fixture
def app_with_releases(two, monkeypatch):
    data, folder, _, _ = two
    monkeypatch.setenv(RELEASES_ENV, str(folder))

    def run(query: dict) -> object:
        return run_app(query, data, monkeypatch)

    return run


def _button(app, label: str):
    (button,) = [button for button in app.button if button.label == label]
    return button


def test_a_link_of_an_old_release_offers_its_view_and_the_button_reproduces_it(two, app_with_releases):
    _, _, first, second = two
    app = app_with_releases({**SYRIA_AND_EUROPE, "v": first})
    assert sorted(table_ids(app)) == NEW_IDS
    assert f"This link was made with dataset version {first} (released 2026-01-05)" in notice_texts(app)
    _button(app, f"Show this view as of version {first}").click().run()
    assert not app.exception
    assert sorted(table_ids(app)) == OLD_IDS
    assert app.query_params["asof"] == first
    assert app.query_params["region"] == ["syria", "western-europe"]
    banner = notice_texts(app)
    assert f"As of data release {first}, released 2026-01-05" in banner
    assert f"The current data is version {second}" in banner


def test_an_as_of_link_shows_exactly_the_old_incidents_in_table_map_and_count(two, app_with_releases):
    _, _, first, _ = two
    app = app_with_releases({**SYRIA_AND_EUROPE, "asof": first, "v": first})
    assert sorted(table_ids(app)) == OLD_IDS
    assert "2 of 7" in app.metric[0].value  # the release had the 7 fixture records
    assert "This link was made with" not in notice_texts(app)
    # The table's permalinks keep the release, so an incident opened there is the old one too.
    (table,) = [frame for frame in app.dataframe if "title" in frame.value.columns]
    assert all(f"asof={first}" in link for link in table.value["id"])


def test_an_as_of_view_lists_what_changed_since(two, app_with_releases):
    _, _, first, _ = two
    app = app_with_releases({**SYRIA_AND_EUROPE, "asof": first})
    assert "No longer in this view" not in page_texts(app)  # computed only when asked for
    app.toggle(key="asof-changes").set_value(True).run()
    text = page_texts(app)
    assert f"Added to this view (1) Test incident {ADDED_RECORD['id']} ({ADDED_RECORD['id']})" in text
    assert f"No longer in this view (1) Test incident {REMOVED_ID} ({REMOVED_ID})" in text
    assert f"Changed (1) Test incident {CHANGED_ID} ({CHANGED_ID}); changed: verification" in text


def test_showing_the_current_data_again_drops_the_key(two, app_with_releases):
    _, _, first, _ = two
    app = app_with_releases({**SYRIA_AND_EUROPE, "asof": first})
    _button(app, "Show the current data").click().run()
    assert sorted(table_ids(app)) == NEW_IDS
    assert "asof" not in app.query_params


@pytest.mark.parametrize("version", ["abcdef12", "0123456789abcdef"])
def test_an_unknown_release_says_so_and_shows_the_current_data(app_with_releases, version):
    app = app_with_releases({**SYRIA_AND_EUROPE, "asof": version})
    assert f"This link asks for the data as of release {version}, which cannot be shown: no release" in notice_texts(
        app
    )
    assert sorted(table_ids(app)) == NEW_IDS


def test_an_invalid_release_key_is_a_link_notice(app_with_releases):
    app = app_with_releases({**SYRIA_AND_EUROPE, "asof": "<b>x</b>"})
    assert "“asof=<b>x</b>”: is not a dataset version" in notice_texts(app)
    assert sorted(table_ids(app)) == NEW_IDS


def test_a_corrupt_snapshot_gives_a_notice_and_the_current_data(tmp_path, monkeypatch):
    data, folder, first, _ = write_two_releases(tmp_path)
    (folder / f"{first}.parquet").write_bytes(b"PAR1 not a parquet file")
    monkeypatch.setenv(RELEASES_ENV, str(folder))
    app = run_app({**SYRIA_AND_EUROPE, "asof": first}, data, monkeypatch)
    assert "does not match its checksum (corrupt or replaced)" in notice_texts(app)
    assert sorted(table_ids(app)) == NEW_IDS


def test_the_panel_shows_when_the_record_appeared_and_what_changed(two, app_with_releases):
    _, _, first, second = two
    app = app_with_releases({"incident": CHANGED_ID})
    text = page_texts(app)
    assert (
        f"Record history\n2026-01-05, release {first}: first appeared 2026-03-09, release {second}: changed "
        "(verification)\nPermalink"
    ) in text
    app = app_with_releases({"incident": ADDED_RECORD["id"]})
    assert f"Record history\n2026-03-09, release {second}: first appeared\nPermalink" in page_texts(app)


def test_the_shipped_latest_release_shows_its_own_incidents(shipped_app, monkeypatch):
    from incidents.catalog import load_catalog
    from incidents.releases import RELEASES_DIR, load_release, read_book

    monkeypatch.delenv(RELEASES_ENV, raising=False)
    book = read_book(RELEASES_DIR)
    latest = book.latest
    assert latest is not None
    released, _ = load_release(book, latest)
    assert released is not None
    app = shipped_app({"region": "syria", "asof": latest.version})
    expected = released.frame.loc[released.frame["region"] == "syria", "id"]
    assert sorted(table_ids(app)) == sorted(expected)
    if latest.version == load_catalog().version:  # the data has not changed since its release
        assert "It is also the current data." in notice_texts(app)


def test_the_caption_says_whether_the_data_shown_is_released(two, app_with_releases, monkeypatch, tmp_path):
    data, _, first, second = two
    assert f"data released 2026-03-09 · dataset version {second}" in page_texts(app_with_releases({}), "caption")
    as_of = app_with_releases({"asof": first})
    assert f"data released 2026-01-05 · dataset version {first}" in page_texts(as_of, "caption")
    monkeypatch.setenv(RELEASES_ENV, str(tmp_path / "no-releases"))
    assert f"data not yet released · dataset version {second}" in page_texts(run_app({}, data, monkeypatch), "caption")
