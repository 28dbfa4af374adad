"""The page with a hostile dataset and hostile links (issue 10): text stays text."""

from __future__ import annotations

import re
from urllib.parse import parse_qs

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from incidents import safe_text
from incidents.view import KEYS
from tests import hostile
from tests.app.conftest import chart_specs, page_texts, run_app
from tests.markdown_view import images, links, rendered

TEXT_ELEMENTS = ("markdown", "caption", "subheader", "title", "header", "info", "warning", "error", "success")
MARKUP = {"img", "script", "span", "style", "iframe", "h1", "h2", "h3", "h4", "h5", "h6"}


def markdown_values(app) -> list[str]:
    return [element.value for kind in TEXT_ELEMENTS for element in getattr(app, kind)]


def assert_inert(app) -> None:
    """No image, no HTML element, no heading, no link except validated sources and views."""
    assert not app.exception, [e.value for e in app.exception]
    for value in markdown_values(app):
        assert images(value) == [], value[:200]
        assert not MARKUP & set(rendered(value).tags), value[:200]
        for href in links(value):
            # The archive's search for a source is a link to that same source's captures.
            href = href.removeprefix(safe_text.ARCHIVE_SEARCH)
            host = href.split("/")[2] if "://" in href else ""
            assert href.startswith("?") or host in {"example.org", "localhost"}, href
        assert "\u202e" not in value
    for element in app.get("html"):
        assert set(rendered(element.proto.body).tags) <= html_tags(element.proto.body), element.proto.body[:200]
    for spec in chart_specs(app):
        for trace in spec["data"]:
            for text in [*_texts(trace.get("hovertext")), trace.get("name") or ""]:
                # Only the page's own line breaks and bold (a group marker's hover) are markup.
                assert "<" not in re.sub(r"</?b>|<br>", "", text), text[:200]


# The HTML the page itself writes: long prose (p, wbr), the print-only table of the view, and
# the page-support element (a hidden div the script reads, and the script itself).
PRINT_TABLE_TAGS = {"div", "table", "caption", "thead", "tbody", "tr", "th", "td", "br"}


def html_tags(body: str) -> set[str]:
    if 'class="atlas-print-only"' in body:
        return PRINT_TABLE_TAGS
    if body.startswith('<div id="atlas-page-state"'):
        assert body.count("<script>") == 1, body[:300]
        return {"div", "script"}
    return {"p", "wbr"}


def _texts(value) -> list[str]:
    if isinstance(value, str):
        return [value]
    return [item for item in value or [] if isinstance(item, str)]


@pytest.fixture(params=["yaml", "csv", "json"])
def hostile_data(request, tmp_path):
    writers = {
        "yaml": lambda: hostile.write_hostile_yaml(tmp_path / "data"),
        "csv": lambda: hostile.write_hostile_csv(tmp_path / "hostile.csv"),
        "json": lambda: hostile.write_hostile_json(tmp_path / "hostile.json"),
    }
    return writers[request.param]()


def test_regression_hostile_record_opens_as_text(hostile_data, monkeypatch):
    app = run_app({"incident": hostile.HOSTILE_ID}, hostile_data, monkeypatch)
    assert_inert(app)
    hrefs = [href for value in markdown_values(app) for href in links(value) if "example.org" in href]
    source_links = [href for href in hrefs if not href.startswith(safe_text.ARCHIVE_SEARCH)]
    assert len(source_links) == 2  # the two source URLs, and nothing a field smuggled in
    # and for each, the archive's search for that same URL
    assert [safe_text.ARCHIVE_SEARCH + href for href in source_links] == [h for h in hrefs if h not in source_links]
    assert all(")" not in href and "!" not in href for href in source_links)


def test_huge_record_opens(monkeypatch, tmp_path):
    folder = hostile.write_hostile_yaml(tmp_path / "data")
    app = run_app({"incident": hostile.HUGE_ID}, folder, monkeypatch)
    assert_inert(app)
    # Long text is escaped HTML (Markdown of that length is slow to draw), clipped with a note.
    assert any(len(element.proto.body) >= 10_000 for element in app.get("html"))
    assert "more characters" in page_texts(app, "caption")


@pytest.mark.parametrize("query", hostile.HOSTILE_LINKS)
def test_regression_hostile_link_gives_notices_as_text(query, monkeypatch, tmp_path):
    folder = hostile.write_hostile_yaml(tmp_path / "data")
    app = run_app(parse_qs(query, keep_blank_values=True), folder, monkeypatch)
    assert_inert(app)


def test_regression_backtick_in_a_link_value_cannot_close_the_notice(monkeypatch, tmp_path):
    folder = hostile.write_hostile_yaml(tmp_path / "data")
    app = run_app(parse_qs(hostile.HOSTILE_LINKS[1]), folder, monkeypatch)
    (warning,) = app.warning
    assert links(warning.value) == []
    assert "click me" in warning.value.replace("&#32;", " ")


_VALUES = st.one_of(
    st.sampled_from([*hostile.PAYLOADS, "2023-01-01", "syria", "RU", "9999", "", "-1", "nan", "1e309"]),
    st.text(max_size=40),
)
_QUERIES = st.lists(st.tuples(st.sampled_from([*KEYS, "unknown"]), _VALUES), max_size=8)


@given(_QUERIES)
@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
def test_fuzzed_links_never_break_the_page(monkeypatch, fixture_data, pairs):
    query: dict[str, list[str]] = {}
    for key, value in pairs:
        query.setdefault(key, []).append(value)
    app = run_app(query, fixture_data, monkeypatch)
    assert_inert(app)
