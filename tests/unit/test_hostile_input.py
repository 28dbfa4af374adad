"""Hostile input stays inert (issue 10): escaping, links, exports and datasets.

Each test named ``test_regression_*`` reproduces one failure found on the code before the fix.
"""

from __future__ import annotations

import csv
import io
import json
import os

import pandas as pd
import pytest
import yaml
from hypothesis import given, settings
from hypothesis import strategies as st

from incidents import citation, export, safe_text
from incidents.catalog import load_catalog
from incidents.cli import main
from incidents.model import Incident
from incidents.view import (
    MAX_LINK_CHARS,
    MAX_REPEATED,
    MAX_WORDS,
    OVERSIZED_KEY,
    parse_view,
    search_words,
)
from tests import hostile
from tests.factories import record, write_record
from tests.markdown_view import images, links, rendered, shown

MARKUP_TAGS = {"img", "a", "script", "span", "h1", "h2", "h3", "h4", "h5", "h6", "style", "iframe"}


@pytest.mark.parametrize("payload", hostile.PAYLOADS)
def test_markdown_shows_every_payload_as_written(payload):
    escaped = safe_text.markdown(payload)
    assert images(escaped) == []
    assert links(escaped) == []
    assert not MARKUP_TAGS & set(rendered(escaped).tags)
    assert shown(escaped) == safe_text.clean(payload)


@pytest.mark.parametrize("text", ["see http://x.org/a", "HTTPS://x.org", "www.x.org", "mail a@x.org", "ftp://x"])
def test_url_like_text_is_not_linked(text):
    assert links(safe_text.markdown(text)) == []
    assert shown(safe_text.markdown(text)) == text


def test_clean_removes_bidi_and_zero_width_and_folds_lines():
    assert safe_text.clean(hostile.RTL) == "evil"
    assert safe_text.clean(hostile.ZERO_WIDTH) == "zerowidth"
    assert safe_text.clean(hostile.HEADING) == "line one # Injected heading"
    assert safe_text.clean("x" * 50, limit=10) == "x" * 9 + "…"


# Unassigned code points are left out (Python's and RE2's Unicode tables differ in version),
# and so are lone surrogates, which the record model refuses.
@given(st.text(st.characters(exclude_categories=["Cn", "Cs"]), max_size=300))
@settings(max_examples=300, deadline=None)
def test_arrow_and_python_cleaning_agree(text):
    # The dataset-wide hover column (Arrow) and the per-value helper must show the same text.
    series = pd.Series([text])
    assert safe_text.clean_series(series, 160).iat[0] == safe_text.clean(text, 160)
    assert safe_text.hover_series(series).iat[0] == safe_text.hover(text)


@given(st.text(max_size=200))
@settings(max_examples=300, deadline=None)
def test_no_text_becomes_markup_in_markdown(text):
    escaped = safe_text.markdown(text)
    assert images(escaped) == []
    assert links(escaped) == []
    assert not MARKUP_TAGS & set(rendered(escaped).tags)


def test_regression_source_url_cannot_break_out_of_its_link():
    markdown = safe_text.markdown_link("title", hostile.BREAKOUT_URL)
    assert images(markdown) == []
    (href,) = links(markdown)
    assert href.startswith("https://example.org/x")
    assert hostile.OUTSIDE not in href.split("/")[2]


@pytest.mark.parametrize("url", ["data:text/html,<script>x</script>", "javascript:alert(1)", "ftp://x.org/a", "//x"])
def test_regression_only_http_urls_become_links(url):
    assert links(safe_text.markdown_link("label", url)) == []


def test_regression_hover_text_cannot_carry_html():
    for payload in (hostile.STYLE, hostile.ANCHOR, hostile.HTML):
        assert "<" not in safe_text.hover(payload)
        assert "<" not in safe_text.hover_series(pd.Series([payload])).iat[0]


def test_regression_bibtex_escapes_special_characters():
    entry = citation.bibtex(
        "key", "Title with {brace} 100% & $x$ #1 a_b ~ ^ \\", "https://x.org/?q=a%20b#x", "v", _day()
    )
    title_line = next(line for line in entry.splitlines() if "title =" in line)
    assert r"\{brace\}" in title_line
    assert r"100\%" in title_line
    assert r"\&" in title_line
    assert r"\textbackslash{}" in title_line
    assert r"\url{https://x.org/?q=a\%20b\#x}" in entry
    assert entry.count("{") == entry.count("}") + title_line.count(r"\}") - title_line.count(r"\{")


def _day():
    from datetime import date

    return date(2026, 1, 1)


FORMULAS = ['=HYPERLINK("http://x")', "+cmd|' /C calc'!A0", "-2+3", "@SUM(A1)", "'quoted"]


@pytest.mark.parametrize("value", ["\tx", "\rx", *FORMULAS])
def test_formula_starts_are_prefixed_and_read_back(value):
    # Records strip leading white space; flat cells may still start with a tab or CR.
    assert safe_text.csv_cell(value) == "'" + value
    assert safe_text.from_csv_cell(safe_text.csv_cell(value)) == value


@pytest.mark.parametrize("value", FORMULAS)
def test_regression_csv_cells_cannot_be_formulas(value, tmp_path):
    incident = Incident.model_validate(record(title=value, summary=value))
    text = export.to_csv([incident])
    row = next(csv.DictReader(io.StringIO(text)))
    assert row["title"].startswith("'")
    assert row["summary"].startswith("'")
    path = tmp_path / "export.csv"
    path.write_text(text, encoding="utf-8")
    loaded = load_catalog(path)
    assert loaded.problems == []
    assert loaded.records[incident.id].title == incident.title  # read back exactly


def test_regression_lone_surrogate_in_json_is_a_problem_not_a_crash(tmp_path):
    path = tmp_path / "surrogate.json"
    path.write_text(
        json.dumps({"records": [record(title="bad \ud800 title"), record(id="2020-01-03-ok", date="2020-01-03")]})
    )
    catalog = load_catalog(path)
    assert list(catalog.records) == ["2020-01-03-ok"]
    # pydantic refuses it as text that is not Unicode; the other record loads.
    assert catalog.problems[0].field == "title"
    assert "unicode" in catalog.problems[0].message


def test_negative_coordinates_stay_numbers_in_csv():
    incident = Incident.model_validate(record(location={**record()["location"], "lon": -3.5}))
    row = next(csv.DictReader(io.StringIO(export.to_csv([incident]))))
    assert row["lon"] == "-3.5"


# --- links ----------------------------------------------------------------------------------


def test_regression_invalid_value_is_quoted_in_the_notice_not_run():
    for query in hostile.HOSTILE_LINKS[:3]:
        parsed = parse_view(query)
        assert parsed.notices or parsed.state.q  # invalid values are dropped with a notice


def test_over_long_value_is_dropped_with_a_notice():
    parsed = parse_view("incident=" + "x" * 5000 + "&region=syria")
    assert parsed.state.incident is None
    assert parsed.state.regions == ("syria",)
    assert "longer than" in parsed.notices[0].message


def test_regression_too_many_words_are_refused():
    parsed = parse_view("q=" + "+".join(f"w{n}" for n in range(MAX_WORDS + 1)))
    assert parsed.state.q == ""
    assert "words" in parsed.notices[0].message
    assert len(search_words(" ".join(f"w{n}" for n in range(100)))) == MAX_WORDS


def test_search_words_drop_words_that_another_word_contains():
    assert search_words("reaper Reap mq-9 q") == ["reaper", "mq-9"]


def test_repeated_values_are_capped():
    parsed = parse_view("&".join(f"platform=p{n}" for n in range(MAX_REPEATED + 5)))
    assert len(parsed.state.platforms) == MAX_REPEATED
    assert len(parsed.notices) == 5


def test_regression_oversized_link_is_refused_with_a_notice_not_emptied():
    parsed = parse_view("region=syria&q=" + "x" * MAX_LINK_CHARS)
    assert parsed.state.regions == ()
    assert "none of it applies" in parsed.notices[0].message


def test_streamlit_marker_of_a_dropped_link_is_refused():
    parsed = parse_view({OVERSIZED_KEY: ["600,000 characters, 2 parameters"]})
    assert "Streamlit" in parsed.notices[0].message


def test_the_guard_marks_what_streamlit_drops():
    from streamlit.runtime import app_session
    from streamlit.runtime.state import query_params

    from components.url_state import refuse_oversized_links

    refuse_oversized_links()
    assert app_session.sanitize_query_string.atlas_guard
    too_many = "&".join(f"a={n}" for n in range(query_params.CLIENT_STATE_QUERY_STRING_MAX_FIELDS + 1))
    assert query_params.sanitize_query_string(too_many) == ""  # Streamlit's own rule is unchanged
    assert OVERSIZED_KEY in app_session.sanitize_query_string(too_many)
    assert app_session.sanitize_query_string("region=syria") == "region=syria"


@pytest.mark.parametrize("query", hostile.HOSTILE_LINKS)
def test_export_answers_hostile_links_without_a_traceback(query, capsys, tmp_path):
    code = main(["export", "--query", query, "--format", "json", "-o", str(tmp_path / "out.json")])
    assert code in (0, 2)
    assert "Traceback" not in capsys.readouterr().err


_LINK_TEXT = st.text(alphabet=st.characters(codec="utf-8", exclude_categories=["Cs"]), max_size=300)


@given(query=st.one_of(_LINK_TEXT, st.sampled_from(hostile.HOSTILE_LINKS)))
@settings(max_examples=150, deadline=None)
def test_fuzzed_queries_through_export_exit_0_or_2_without_traceback(fixture_data, query):
    import contextlib

    err = io.StringIO()
    with contextlib.redirect_stderr(err), contextlib.redirect_stdout(io.StringIO()):
        # --query=VALUE: a value may start with "-", which argparse would take for an option.
        code = main(["export", f"--query={query}", "--format", "json", "--data", str(fixture_data)])
    assert code in (0, 2)
    assert "Traceback" not in err.getvalue()
    assert "error:" not in err.getvalue()  # an unexpected exception would say "error: <type>"


def test_export_takes_a_query_file(tmp_path, capsys):
    query_file = tmp_path / "query.txt"
    query_file.write_text("?region=black-sea\n", encoding="utf-8")
    out = tmp_path / "out.json"
    assert main(["export", "--query-file", str(query_file), "--format", "json", "-o", str(out)]) == 0
    regions = {r["location"]["region"] for r in json.loads(out.read_text())["records"]}
    assert regions == {"black-sea"}


def test_export_refuses_an_oversized_query_file_like_the_page(tmp_path, capsys):
    query_file = tmp_path / "query.txt"
    query_file.write_text("&".join(f"type=x{n}" for n in range(1500)), encoding="utf-8")
    assert main(["export", "--query-file", str(query_file), "--format", "json"]) == 2
    assert "none of it applies" in capsys.readouterr().err


# --- datasets -------------------------------------------------------------------------------


def test_regression_symlink_out_of_the_data_folder_is_refused_unread(tmp_path):
    folder = tmp_path / "data"
    write_record(folder, record())
    (folder / "2020" / "2020-01-09-passwd.yaml").symlink_to("/etc/passwd")
    catalog = load_catalog(folder)
    (problem,) = catalog.problems
    assert problem.path.endswith("2020-01-09-passwd.yaml")
    assert "symbolic link" in problem.message
    assert len(catalog.records) == 1


def test_symlink_inside_the_data_folder_is_read(tmp_path):
    folder = tmp_path / "data"
    original = write_record(folder, record())
    other = tmp_path / "data" / "extra"
    other.mkdir()
    (other / original.name).symlink_to(original)
    assert "symbolic link" not in " ".join(p.message for p in load_catalog(folder).problems)


def test_fifo_is_refused_by_name_without_blocking(tmp_path):
    folder = tmp_path / "data"
    write_record(folder, record())
    os.mkfifo(folder / "2020" / "2020-01-08-pipe.yaml")
    catalog = load_catalog(folder)
    assert [p.message for p in catalog.problems] == ["is not a regular file (a FIFO, device or socket); it is not read"]
    fifo_dataset = tmp_path / "data.csv"
    os.mkfifo(fifo_dataset)
    assert "not a regular file" in load_catalog(fifo_dataset).problems[0].message


def test_regression_deep_yaml_is_a_problem_not_a_recursion_error(tmp_path):
    folder = tmp_path / "data"
    write_record(folder, record())
    (folder / "2020" / "2020-01-07-deep.yaml").write_text("id: " + "[" * 5000 + "]" * 5000, encoding="utf-8")
    catalog = load_catalog(folder)
    (problem,) = catalog.problems
    assert "nested more than" in problem.message
    assert len(catalog.records) == 1


def test_regression_deep_json_is_a_problem(tmp_path):
    path = tmp_path / "deep.json"
    path.write_text("[" * 100_000 + "]" * 100_000, encoding="utf-8")
    assert "nested more than" in load_catalog(path).problems[0].message
    moderate = tmp_path / "moderate.json"
    moderate.write_text(
        json.dumps({"records": [{"id": [[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[1]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]}]})
    )
    assert "nested more than" in load_catalog(moderate).problems[0].message


BAD_GEOMETRIES = [
    {"type": "Polygon", "coordinates": [[[0, 0], [1, 0], [1, 1], [0, 0]]]},
    {"type": "Point", "coordinates": None},
    "POINT (1 2)",
    {"type": "Point", "coordinates": ["1", "2"]},
    None,
]


@pytest.mark.parametrize("geometry", BAD_GEOMETRIES, ids=["polygon", "null-coordinates", "string", "text", "none"])
def test_regression_malformed_geojson_feature_is_a_problem_and_the_rest_load(geometry, tmp_path, capsys):
    good = Incident.model_validate(record())
    collection = json.loads(export.to_geojson([good], "v"))
    collection["features"].append({"type": "Feature", "geometry": geometry, "properties": {"id": "x"}})
    path = tmp_path / "bad.geojson"
    path.write_text(json.dumps(collection), encoding="utf-8")
    catalog = load_catalog(path)
    assert list(catalog.records) == [good.id]
    assert catalog.problems[0].path.endswith("#2")
    assert main(["validate", str(path)]) == 1
    assert "Traceback" not in capsys.readouterr().err


def test_over_long_cells_in_a_flat_file_are_reported_per_row(tmp_path):
    path = hostile.write_hostile_csv(tmp_path / "hostile.csv")
    catalog = load_catalog(path)
    assert hostile.HOSTILE_ID in catalog.records
    assert hostile.HUGE_ID not in catalog.records
    assert any("longer than" in p.message and hostile.HUGE_ID in p.message for p in catalog.problems)


@pytest.mark.parametrize("fmt", ["yaml", "csv", "json"])
def test_hostile_dataset_loads_in_every_format(fmt, tmp_path):
    writers = {
        "yaml": lambda: hostile.write_hostile_yaml(tmp_path / "data"),
        "csv": lambda: hostile.write_hostile_csv(tmp_path / "hostile.csv"),
        "json": lambda: hostile.write_hostile_json(tmp_path / "hostile.json"),
    }
    catalog = load_catalog(writers[fmt]())
    incident = catalog.records[hostile.HOSTILE_ID]
    assert hostile.IMAGE in incident.summary  # stored as written; escaped only where shown


def test_yaml_payload_file_is_still_yaml(tmp_path):
    folder = hostile.write_hostile_yaml(tmp_path / "data")
    text = (folder / "2020" / f"{hostile.HOSTILE_ID}.yaml").read_text(encoding="utf-8")
    assert yaml.safe_load(text)["id"] == hostile.HOSTILE_ID


def test_cli_never_prints_a_traceback_on_unexpected_errors(capsys, monkeypatch):
    def explode(*_args, **_kwargs):
        raise RuntimeError("boom")

    monkeypatch.setattr("incidents.cli.load_catalog", explode)
    assert main(["validate"]) == 2
    assert capsys.readouterr().err.strip() == "error: RuntimeError: boom"


def test_citations_clip_very_long_titles():
    incident = Incident.model_validate(hostile.huge_record())
    assert len(citation.cite_incident(incident, "v", "https://x.org/", _day())) < 600
    assert len(citation.bibtex_incident(incident, "v", "https://x.org/", _day())) < 800


def test_long_panel_text_is_escaped_and_breakable():
    from components.text import _breakable_html

    html = _breakable_html("a&b " + "A" * 90 + " <img src=x>")
    assert html == "a&amp;b " + "A" * 40 + "<wbr>" + "A" * 40 + "<wbr>" + "A" * 10 + " &lt;img src=x&gt;"


@pytest.mark.parametrize("names", [("su.27", "(x"), ("su-27", "[a-z]+"), ("\\", "su-27"), ("*", "?")])
def test_platform_names_with_regex_syntax_match_only_literally(fixture_catalog, names):
    from incidents.view import apply

    query = "&".join(f"platform={name}" for name in names)
    shown = set(apply(fixture_catalog.frame, parse_view(query).state)["id"])
    expected = {i for i, r in fixture_catalog.records.items() if any(a.platform == "Su-27" for a in r.actors)}
    assert shown == (expected if "su-27" in names else set())
