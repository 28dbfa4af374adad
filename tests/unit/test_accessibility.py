"""The pure parts of accessibility (issue 15): chart text alternatives, the status line, the
incident brief and the printed table (escaped), download names by view, the page script."""

from __future__ import annotations

import ast
import re
from datetime import date
from html.parser import HTMLParser
from pathlib import Path

import pandas as pd
import pytest

from incidents import brief, describe, export, extract
from incidents.catalog import load_catalog
from incidents.model import Incident
from incidents.view import apply, parse_view
from tests import hostile

ROOT = Path(__file__).resolve().parents[2]
CATALOG = load_catalog()
SYRIA_JULY_2023 = apply(CATALOG.frame, parse_view("region=syria&from=2023-07-01&to=2023-07-31").state)


class Tags(HTMLParser):
    def __init__(self, html: str):
        super().__init__()
        self.tags: list[str] = []
        self.attributes: list[tuple[str, str | None]] = []
        self.text: list[str] = []
        self.feed(html)

    def handle_starttag(self, tag, attrs):
        self.tags.append(tag)
        self.attributes.extend(attrs)

    def handle_data(self, data):
        self.text.append(data)


def test_map_alternative_names_count_region_period_and_the_shared_point():
    sentence = describe.describe_map(SYRIA_JULY_2023)
    assert sentence.startswith(f"Map of {len(SYRIA_JULY_2023)} incidents in Syria, July 2023; ")
    count, place = describe.largest_point(SYRIA_JULY_2023)
    assert count >= 2
    assert f"{count} at one published point: {place}." in sentence


def test_timeline_and_overview_alternatives_count_by_type():
    types = SYRIA_JULY_2023["type"].value_counts()
    timeline = describe.describe_timeline(SYRIA_JULY_2023)
    assert timeline.startswith(f"Timeline of {len(SYRIA_JULY_2023)} incidents, July 2023, by type: ")
    assert f"Flare or chaff release {types['flare_or_chaff_release']}" in timeline
    assert timeline.endswith(f"busiest month July 2023 ({len(SYRIA_JULY_2023)}).")
    overview = describe.describe_overview(SYRIA_JULY_2023)
    assert "per month over 1 month with incidents" in overview


def test_alternatives_of_an_empty_view_and_of_many_categories():
    empty = CATALOG.frame.iloc[0:0]
    assert describe.describe_map(empty) == "Map: no incident in this view."
    assert describe.describe_timeline(empty) == "Timeline: no incident in this view."
    whole = describe.describe_map(CATALOG.frame)
    others = CATALOG.frame["region"].nunique() - describe.MOST_NAMED
    assert f" and {others} others, " in whole


def test_period_words():
    frame = pd.DataFrame({"date": pd.to_datetime(["2014-03-02", "2023-07-30"])})
    assert describe.period(frame) == "March 2014 to July 2023"
    assert describe.period(pd.DataFrame({"date": pd.to_datetime(["2020-01-01", "2020-12-31"])})) == "2020"


def test_status_line():
    assert describe.status_line(7, 295, None, 0) == "7 of 295 incidents shown."
    assert describe.status_line(1, 2, "A title", 2) == "1 of 2 incidents shown. Open: A title. 2 notices above the map."


def hostile_incident() -> Incident:
    return Incident.model_validate(hostile.hostile_record())


def test_incident_brief_holds_record_claims_sources_and_citation_escaped():
    incident = hostile_incident()
    html = brief.incident_brief(incident, "abcdef12", "http://localhost:8501?incident=x", date(2026, 12, 2))
    parsed = Tags(html)
    assert set(parsed.tags) <= {"html", "head", "meta", "title", "style", "body", "main", "h1", "h2", "dl", "dt",
                                "dd", "p", "strong", "blockquote", "ol", "li", "a", "span",
                                "figure", "figcaption", "svg", "rect", "path", "circle"}  # fmt: skip
    # The only links are the sources' validated URLs; every URL is also written out.
    hrefs = [value for name, value in parsed.attributes if name == "href"]
    assert hostile.OUTSIDE not in " ".join(h for h in hrefs if not h.startswith("https://example.org/"))
    text = "".join(parsed.text)
    for source in incident.sources:
        assert str(source.url) in text
    assert "<script>" not in html.split("</style>")[1]
    assert hostile.HTML in text  # shown as text, exactly
    assert "Each side's account" in text
    assert "Cite this incident" in text
    assert 'Airspace Incident Atlas, "' in text
    assert "abcdef12" in text


def test_brief_prints_an_untitled_source_as_such_with_its_url():
    incident = CATALOG.records["2012-06-22-syria-shoots-down-turkish-rf4e"]
    untitled = [source for source in incident.sources if not source.title]
    assert untitled
    line = brief.source_html(untitled[0])
    assert brief.NO_TITLE in line
    assert str(untitled[0].url) in Tags(line).text[-1]
    assert brief.brief_file_name(incident.id, "abcdef12") == f"incident-brief_{incident.id}_abcdef12.html"


def test_printed_table_escapes_and_lists_every_source_url():
    incident = hostile_incident()
    rows = pd.DataFrame(
        [{"id": incident.id, "date": pd.Timestamp("2020-01-05"), "title": incident.title, "type": "collision",
          "region": "black-sea", "initiator": "RU", "target": "US"}]
    )  # fmt: skip
    html = brief.print_table(rows, {incident.id: [source.url for source in incident.sources]}, 5)
    parsed = Tags(html)
    assert set(parsed.tags) <= {"table", "caption", "thead", "tbody", "tr", "th", "td", "br"}
    text = "".join(parsed.text)
    assert hostile.IMAGE in text
    assert hostile.HTML in text
    assert all(str(source.url) in text for source in incident.sources)
    assert "The newest 1 of the 5 incidents" in text


def test_download_names_carry_the_view():
    syria = parse_view("region=syria&from=2023-07-01&to=2023-07-31&v=71f94f5a").state
    same = parse_view("from=2023-07-01&region=syria&to=2023-07-31&incident=2023-07-05-syria-su35-flares-mq9").state
    other = parse_view("region=black-sea").state
    assert export.view_tag(syria) == export.view_tag(same) != export.view_tag(other)
    assert re.fullmatch(r"[0-9a-f]{8}", export.view_tag(syria))
    assert export.view_tag(parse_view("").state) == "all"
    name = export.file_name("csv", "abcdef12", date(2026, 12, 2), export.view_tag(other))
    assert name == f"airspace-incidents_abcdef12_2026-12-02_view-{export.view_tag(other)}.csv"


PAGE_SUPPORT = ROOT / "components" / "page_support"


def test_the_page_script_survives_streamlits_sanitiser():
    """DOMPurify drops an element whose text holds "<" before a letter or "/"; the style sheet
    travels inside the script, so neither file may hold one."""
    for name in ("page.css", "page.js"):
        assert not re.search(r"<[/\w]", (PAGE_SUPPORT / name).read_text(encoding="utf-8")), name


def test_only_the_page_support_runs_a_script():
    calls = []
    for path in [ROOT / "app.py", *(ROOT / "components").glob("*.py")]:
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for function in [node for node in ast.walk(tree) if isinstance(node, ast.FunctionDef)]:
            for call in [node for node in ast.walk(function) if isinstance(node, ast.Call)]:
                if any(keyword.arg == "unsafe_allow_javascript" for keyword in call.keywords):
                    calls.append(f"{path.name}:{function.name}")
    assert calls == ["text.py:page_support"]


@pytest.mark.parametrize("status", ['"><script>window.__pwned=1</script>', hostile.ALL_PAYLOADS])
def test_page_state_holds_the_status_only_as_an_attribute(status, monkeypatch):
    from components import text

    shown: list[str] = []
    monkeypatch.setattr(text.st, "html", lambda body, **_: shown.append(body))
    text.page_support(status, '"><b>x</b>')
    (body,) = shown
    state = body.split("<script>")[0]
    parsed = Tags(state)
    assert parsed.tags == ["div"]
    assert "window.__pwned=1" in dict(parsed.attributes)["data-status"]  # text inside the attribute
    assert dict(parsed.attributes)["data-incident"] == '"><b>x</b>'
    assert body.count("<script>") == 1


def test_printed_rows_are_the_newest_first_and_bounded():
    rows = brief.printed_rows(CATALOG.frame)
    assert len(rows) == min(len(CATALOG.frame), brief.PRINT_ROW_LIMIT)
    assert rows["date"].is_monotonic_decreasing
    assert rows["date"].iloc[0] == CATALOG.frame["date"].max()


def test_the_brief_shows_where_with_a_map_extract_of_land_point_and_circle():
    incident = CATALOG.records["2023-03-14-black-sea-su27-mq9-collision"]
    html = brief.incident_brief(incident, "abcdef12", "", date(2026, 12, 2))
    svg = html.split("<h2>Where</h2>", 1)[1].split("</figure>", 1)[0]
    assert 'role="img"' in svg
    assert f"Map extract: {incident.location.name}" in svg
    assert svg.count("<path") == 1 + bool(incident.location.radius_km)  # land, and the circle
    assert "Natural Earth" in html
    assert "http" not in svg.replace('xmlns="http://www.w3.org/2000/svg"', "")  # nothing to fetch


def test_the_map_extract_puts_the_point_at_its_projected_place_and_escapes_the_name():
    svg = extract.map_extract_svg(35.0, 36.5, None, '<script>alert(1)</script>"')
    assert "<script>" not in svg
    assert "&lt;script&gt;" in svg
    assert '<circle cx="240.0"' in svg  # the point is the box's centre
    open_sea = extract.map_extract_svg(-30.0, -140.0, None, "South Pacific")
    assert 'fill="#f3f0e8"' not in open_sea  # no land drawn where there is none
