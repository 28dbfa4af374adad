"""The published view (incidents/publish.py): one inert, self-contained HTML file of a view."""

from __future__ import annotations

import base64
import hashlib
import json
import re
from datetime import date

import pytest

from incidents import describe, inline_basemap, publish, view
from incidents.catalog import load_catalog
from tests import hostile
from tests.unit.test_cli import run_cli
from tests.unit.test_export_path import one_bad_row  # noqa: F401 - the fixture

DAY = date(2026, 12, 2)
BLOCK = re.compile(r'<script type="application/json" id="(atlas-[a-z]+)">(.*?)</script>', re.S)
SCRIPT_TAG = re.compile(r"<script[^>]*>", re.I)


@pytest.fixture(scope="module")
def hostile_catalog(tmp_path_factory):
    catalog = load_catalog(hostile.write_hostile_yaml(tmp_path_factory.mktemp("hostile")))
    assert catalog.problems == [], catalog.problems
    return catalog


@pytest.fixture(scope="module")
def hostile_page(hostile_catalog):
    return publish.publish_view(hostile_catalog, view.parse_view("").state, "https://atlas.example.org/", DAY)


def blocks(page: str) -> dict[str, object]:
    return {name: json.loads(text) for name, text in BLOCK.findall(page)}


@pytest.mark.parametrize(
    "text",
    [
        "</script><script>window.__pwned=1</script>",
        "</SCRIPT ><img src=x onerror=window.__pwned=1>",
        "<!-- <script> -->",
        "a & b > c \u2028 \u2029",
    ],
)
def test_script_json_has_no_character_that_could_leave_the_block_and_reads_back_exactly(text):
    encoded = publish.script_json({"title": text, "list": [text]})
    assert not set(encoded) & {"<", ">", "&", "\u2028", "\u2029"}
    assert json.loads(encoded) == {"title": text, "list": [text]}


def test_hostile_record_text_is_only_data_in_the_page(hostile_page):
    page = hostile_page.content
    # Exactly the page's own four script elements: two JSON blocks, plotly, the page script.
    assert len(SCRIPT_TAG.findall(page)) == 4
    assert page.lower().count("</script") == 4
    assert "<img" not in page.lower()
    assert "onerror=" not in page.split('<script type="application/json"')[0]
    data = blocks(page)["atlas-data"]
    assert isinstance(data, dict)
    titles = data["rows"]["title"]
    hostile_title = next(title for title in titles if title.startswith("Hostile"))
    # The payloads arrive as the text they are (control and bidi characters removed) ...
    assert '<img src="http://example.com/img.png" onerror="window.__pwned=1">' in hostile_title
    assert "<script>window.__pwned=1</script>" in hostile_title
    assert "\u202e" not in hostile_title
    # ... and the hover text plotly reads is HTML-escaped.
    hover = next(text for text in data["rows"]["hover"] if "Hostile" in text)
    assert "&lt;script&gt;" in hover
    assert "<script>" not in hover


def test_the_page_script_puts_text_on_the_page_only_as_text():
    script = (publish.PAGE_DIR / "view.js").read_text(encoding="utf-8")
    assert "innerHTML" not in script
    assert "outerHTML" not in script
    assert "insertAdjacentHTML" not in script
    assert "document.write" not in script
    assert "eval(" not in script


def test_only_the_pages_own_scripts_may_run_and_nothing_may_be_fetched(hostile_page):
    page = hostile_page.content
    policy = re.search(r'http-equiv="Content-Security-Policy" content="([^"]+)"', page).group(1)
    assert "default-src 'none'" in policy
    assert "unsafe-inline" not in policy.split("style-src")[0]
    scripts = re.findall(r"<script>(.*?)</script>", page, re.S)
    assert len(scripts) == 2
    for script in scripts:
        digest = base64.b64encode(hashlib.sha256(script.encode()).digest()).decode()
        assert f"'sha256-{digest}'" in policy
    assert not re.search(r"(connect|img|font|default)-src[^;]*https?:", policy)


def test_source_links_are_only_validated_http_urls(hostile_page):
    data = blocks(hostile_page.content)["atlas-data"]
    sources = publish.DETAIL_FIELDS.index("sources")
    urls = [source[2] for detail in data["details"] for source in detail[sources]]
    assert urls
    assert all(url is None or re.match(r"https?://", url) for url in urls)
    # The breakout URL stays one link to example.org, its ")![](" percent-encoded.
    assert any(url and url.startswith("https://example.org/x%29") for url in urls)


def test_every_incident_has_its_details_sources_accounts_citation_and_version(fixture_catalog):
    state = view.parse_view("").state
    page = publish.publish_view(fixture_catalog, state, "https://atlas.example.org/?", DAY)
    data = blocks(page.content)["atlas-data"]
    assert data["version"] == fixture_catalog.version
    assert len(data["details"]) == len(fixture_catalog.frame) == page.written
    first = fixture_catalog.records[data["rows"]["id"][0]]
    detail = dict(zip(publish.DETAIL_FIELDS, data["details"][0], strict=True))
    assert detail["summary"] == first.summary
    assert [source[2] for source in detail["sources"]] == [str(source.url) for source in first.sources]
    assert [claim[2] for claim in detail["claims"]] == [claim.statement for claim in first.claims]
    assert dict(zip(data["facts"], detail["facts"], strict=True))["Date"] == describe.incident_date(first)
    assert fixture_catalog.version in data["citation"]
    assert "@misc{" in data["bibtex"]


def test_the_page_holds_the_views_incidents_only(fixture_catalog):
    query = "type=unsafe_intercept"
    state = view.parse_view(query).state
    shown = view.apply(fixture_catalog.frame, state)["id"].tolist()
    page = publish.publish_view(fixture_catalog, state, "", DAY).content
    data = blocks(page)["atlas-data"]
    assert data["rows"]["id"] == shown
    assert 0 < len(shown) < len(fixture_catalog.frame)
    assert len(data["details"]) == len(data["table"]["region"]["index"]) == len(data["rows"]["title"]) == len(shown)
    for incident_id, incident in fixture_catalog.records.items():
        if incident_id not in shown:
            assert publish.script_json(incident.title)[1:-1] not in page, incident_id


def test_the_basemap_is_inline_and_names_no_address_to_fetch():
    style = json.loads(inline_basemap.inline_style_json())
    assert style["glyphs"].startswith("data:application/x-protobuf;base64,")
    assert "{fontstack}" in style["glyphs"]
    assert "{range}" in style["glyphs"]
    assert all(isinstance(source["data"], dict) for source in style["sources"].values())
    assert not re.search(r"https?://", json.dumps(style))


def test_the_glyph_subset_holds_every_character_the_labels_use():
    from tools.build_glyphs import MESSAGES  # glyphs.proto, as the glyph build writes it

    labels = inline_basemap._labels()
    needed = inline_basemap._label_code_points(labels)
    message = MESSAGES["glyphs"]()
    message.ParseFromString(inline_basemap.glyph_subset(inline_basemap.REGULAR, needed))
    ids = {glyph.id for stack in message.stacks for glyph in stack.glyphs}
    # The committed glyphs cover code points 0-767, as the dashboard's do (not the curly quotes).
    drawn = {ord(char) for feature in labels["features"] for char in feature["properties"]["name"]}
    assert {code for code in drawn if code < 768} - {32} <= ids <= needed


def test_the_file_name_says_which_view_it_holds():
    state = view.parse_view("type=unsafe_intercept&region=black-sea&v=abc").state
    name = publish.file_name(state, "71f94f5a", DAY)
    assert name == "airspace-incidents_type-unsafe-intercept-region-black-sea_71f94f5a_2026-12-02.html"
    assert publish.file_name(view.parse_view("").state, "v1", DAY) == "airspace-incidents_all_v1_2026-12-02.html"
    hostile_name = publish.file_name(view.parse_view("q=../../etc/passwd<script>").state, "v1", DAY)
    assert re.fullmatch(r"[a-z0-9_.-]+", hostile_name)
    assert ".." not in hostile_name


def test_publish_cli_writes_the_page_and_refuses_a_bad_link(tmp_path, fixture_data):
    output = tmp_path / "view.html"
    result = run_cli("publish", "--query", "type=unsafe_intercept", "--data", str(fixture_data), "-o", str(output))
    assert result.returncode == 0, result.stderr
    data = blocks(output.read_text(encoding="utf-8"))["atlas-data"]
    assert data["query"] == "type=unsafe_intercept"
    assert data["rows"]["id"]
    refused = run_cli("publish", "--query", "type=nonsense", "--data", str(fixture_data), "-o", str(output))
    assert refused.returncode == 2
    assert "type" in refused.stderr


def test_a_row_whose_record_does_not_validate_is_left_out_and_named(one_bad_row):  # noqa: F811
    path, bad_id = one_bad_row
    catalog = load_catalog(path)
    page = publish.publish_view(catalog, view.parse_view("").state, "", DAY)
    ids = blocks(page.content)["atlas-data"]["rows"]["id"]
    assert bad_id not in ids
    assert page.written == len(ids) == len(catalog.frame) - 1
    assert [problem.path for problem in page.problems] == ["row 4"]


def test_a_bundle_that_could_end_its_script_element_is_refused(fixture_catalog):
    data = publish.page_data(fixture_catalog, view.parse_view("").state, fixture_catalog.frame.head(0), [], "", DAY)
    with pytest.raises(ValueError, match="</script"):
        publish.page_html(data, bundle="var a = '</SCRIPT>';")
