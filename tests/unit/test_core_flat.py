"""incidents.flat, mutation-tested (make mutation): the flat record, its columns and the catalog frame.

Every test here was written to kill a mutant that the rest of the suite let survive."""

from __future__ import annotations

import json

import numpy as np
import pandas as pd
import pytest
from pydantic import ValidationError

from incidents import flat
from incidents.model import Incident
from tests.factories import record

TWO_SIDES = [
    {"role": "initiator", "country": "RU", "force": "VKS", "platform": "Su-27", "category": "fighter", "count": 2},
    {"role": "target", "country": "US", "platform": "MQ-9 Reaper", "category": "uav"},
    {"role": "initiator", "country": "BY", "category": "fighter"},
]


def incident(**changes) -> Incident:
    return Incident.model_validate(record(**changes))


# --- the actor columns (built once, when COLUMNS is declared) ----------------------------------


def test_actor_columns_are_named_described_and_typed_per_role_and_field():
    columns = flat._actor_columns()
    described = {column.name: column.description for column in columns}
    assert described == {
        f"{role}_{field}": f"{role}s' {words}, one per {role}, joined by ' | '"
        for role in ("initiator", "target")
        for field, words in [
            ("country", "ISO 3166-1 alpha-2 code or actor id"), ("force", "force"), ("platform", "platform"),
            ("category", "platform category code"), ("count", "number of aircraft"),
        ]
    }  # fmt: skip
    assert {column.type for column in columns} == {"string"}
    assert not any(column.required for column in columns)


def test_actor_columns_join_each_roles_values_with_blanks_kept():
    values = {column.name: column.value(incident(actors=TWO_SIDES)) for column in flat._actor_columns()}
    assert values["initiator_country"] == "RU | BY"
    assert values["initiator_force"] == "VKS | "
    assert values["initiator_count"] == "2 | "
    assert values["target_country"] == "US"
    assert values["target_platform"] == "MQ-9 Reaper"
    assert values["target_force"] == ""


def test_actors_reads_the_role_and_field_it_is_given():
    assert flat._actors("target", "category")(incident(actors=TWO_SIDES)) == "uav"
    assert flat._actors("initiator", "category")(incident(actors=TWO_SIDES)) == "fighter | fighter"


# --- a flat row ---------------------------------------------------------------------------------


def test_flat_row_spells_out_every_column():
    row = flat.flat_row(
        incident(end_date="2020-01-04", time_utc="09:30", notes="N.", series=None, tags=["a-b", "c"],
                 related=["2020-01-01-x", "2020-01-03-y"])
    )  # fmt: skip
    assert list(row) == flat.NAMES
    assert row["date"] == "2020-01-02"
    assert row["end_date"] == "2020-01-04"
    assert row["date_precision"] == "day"
    assert row["time_utc"] == "09:30"
    assert row["tags"] == "a-b | c"
    assert row["related"] == "2020-01-01-x | 2020-01-03-y"
    assert row["claims"] == "US: Test statement. [1]"
    assert row["sources"] == "[1] Test Publisher: Test title (2020-01-03) <https://example.org/a>"
    assert row["aircraft_damaged"] == ""
    assert row["killed"] == 0
    assert row["series"] == ""


def test_nested_parts_are_compact_json_with_text_unescaped():
    row = flat.flat_row(incident(claims=[{"party": "UA", "statement": "Перехват.", "source": 1}]))
    assert row["claims_json"] == '[{"party":"UA","speaker":null,"statement":"Перехват.","source":1}]'
    assert json.loads(row["actors_json"])[1]["platform"] == "MQ-9 Reaper"


def test_a_source_without_title_or_date_is_written_without_them():
    source = Incident.model_validate(record(sources=[{"publisher": "P", "url": "https://example.org/x"}])).sources[0]
    assert flat._source_text(2, source) == "[2] P <https://example.org/x>"


def test_typed_makes_numbers_floats_counts_integers_and_the_rest_text():
    frame = pd.DataFrame({"id": [None, "b"], "lat": ["x", "1.5"], "killed": ["2", None], "extra": [None, "x"]})
    result = flat.typed(frame)
    assert result["id"].tolist() == ["", "b"]
    assert result["lat"].dtype == np.float64
    assert np.isnan(result["lat"][0])
    assert result["lat"][1] == 1.5
    assert str(result["killed"].dtype) == "Int64"
    assert result["killed"].tolist() == [2, pd.NA]
    assert result["extra"].tolist() == ["", "x"]
    assert frame["lat"].tolist() == ["x", "1.5"]  # the input is left alone


# --- a flat row back to an incident -------------------------------------------------------------


def test_a_flat_row_loads_back_as_the_same_incident():
    outcome = {"aircraft_lost": 1, "killed": 2, "injured": 3, "aircraft_damaged": 4, "note": "N"}
    original = incident(end_date="2020-01-04", time_utc="09:30", tags=["a"], related=["2020-01-01-x"], outcome=outcome)
    assert flat.incident_from_row(flat.flat_row(original)) == original


def test_blank_cells_of_a_flat_row_become_defaults():
    row = {name: "" for name in flat.NAMES} | {
        key: value for key, value in flat.flat_row(incident()).items()
        if key in flat.REQUIRED or key in ("location_name", "date_precision")
    }  # fmt: skip
    row |= {"location_name": "  ", "date_precision": float("nan"), "killed": "2.0", "radius_km": "12.5"}
    loaded = flat.incident_from_row(row)
    assert loaded.location.name == "unnamed"
    assert loaded.date_precision == "day"
    assert loaded.outcome.killed == 2
    assert loaded.location.radius_km == 12.5
    assert loaded.claims == []
    assert loaded.tags == []
    assert loaded.end_date is None


def test_a_flat_row_with_broken_json_or_values_is_refused():
    row = flat.flat_row(incident())
    with pytest.raises(ValueError, match="Expecting"):
        flat.incident_from_row(row | {"actors_json": "[{"})
    with pytest.raises(ValidationError):
        flat.incident_from_row(row | {"actors_json": ""})


def test_split_drops_empty_parts():
    assert flat.split(" | a |  | b") == ["a", "b"]
    assert flat.split("a | b | c") == ["a", "b", "c"]
    assert flat.split(None) == []
    assert flat.split("") == []


# --- shared rules -------------------------------------------------------------------------------


def test_code_set_is_distinct_ordered_and_delimited():
    assert flat.code_set(["RU", " BY ", "RU", None, "", "  "]) == "|RU|BY|"
    assert flat.code_set([]) == ""
    assert flat.code_set([None, ""]) == ""


def test_code_sets_and_first_of_read_joined_cells():
    cells = pd.Series(["RU | BY | RU", "", None, "US"])
    assert flat.code_sets(cells).tolist() == ["|RU|BY|", "", "", "|US|"]
    assert flat.first_of(cells).isna().tolist() == [False, True, True, False]
    assert flat.first_of(cells)[3] == "US"
    assert flat.first_of(pd.Series([" | US"])).isna().tolist() == [True]


def test_per_unique_calls_the_function_once_per_distinct_value():
    calls = []
    result = flat.per_unique(pd.Series(["a", "b", "a", None]), lambda text: calls.append(text) or text.upper())
    assert result.tolist() == ["A", "B", "A", ""]
    assert sorted(calls) == ["", "a", "b"]


def test_span_end_by_precision():
    start = pd.to_datetime(pd.Series(["2020-02-10", "2020-02-10", "2020-02-10", "2020-02-10"]))
    precision = pd.Series(["day", "month", "year", "month"])
    end = pd.to_datetime(pd.Series([None, None, None, "2020-02-12"]))
    assert flat.span_end(start, precision, end).dt.strftime("%Y-%m-%d").tolist() == [
        "2020-02-10", "2020-02-29", "2020-12-31", "2020-02-12"
    ]  # fmt: skip


# --- the catalog frame --------------------------------------------------------------------------


@pytest.fixture(scope="module")
def frame() -> pd.DataFrame:
    incidents = [
        incident(id="2021-03-04-later", date="2021-03-04", title="Later  Title", actors=TWO_SIDES,
                 tags=["night-flight"], sources=[{"publisher": p, "url": f"https://example.org/{p}"} for p in "AB"],
                 claims=[], time_utc="10:15", escalation_risk=None, date_precision="month",
                 outcome={"aircraft_lost": 1}),
        incident(location={"name": "Test Sea", "lat": 43.0, "lon": 33.0, "region": "black-sea", "country": "UA"}),
    ]  # fmt: skip
    return flat.catalog_frame(flat.flat_frame(incidents))


def test_catalog_frame_is_sorted_by_date_with_the_declared_columns(frame):
    assert frame["id"].tolist() == ["2020-01-02-test-sea-intercept", "2021-03-04-later"]
    assert frame.columns.tolist() == list(flat.CATALOG_COLUMNS)
    assert frame.index.tolist() == [0, 1]


def test_catalog_frame_dates_and_spans(frame):
    assert frame["date"].dt.strftime("%Y-%m-%d").tolist() == ["2020-01-02", "2021-03-04"]
    assert frame["end"].dt.strftime("%Y-%m-%d").tolist() == ["2020-01-02", "2021-03-31"]
    assert frame["date_precision"].tolist() == ["day", "month"]


def test_catalog_frame_blanks_are_missing_values(frame):
    assert frame["time_utc"].isna().tolist() == [True, False]
    assert frame["time_utc"][1] == "10:15"
    assert frame["escalation_risk"].isna().tolist() == [False, True]
    assert frame["airspace"].isna().tolist() == [True, False]
    assert frame["airspace_country"].isna().tolist() == [False, True]
    assert frame["airspace_country"][0] == "UA"
    assert np.isnan(frame["radius_km"][0])
    assert frame["radius_km"][1] == 100.0


def test_catalog_frame_actors(frame):
    later = frame.iloc[1]
    assert later["initiator"] == "RU"
    assert later["target"] == "US"
    assert later["initiator_force"] == "VKS"
    assert later["initiator_platform"] == "Su-27"
    assert later["target_category"] == "uav"
    assert later["initiators"] == "|RU|BY|"
    assert later["targets"] == "|US|"
    assert later["categories"] == "|fighter|uav|"
    assert later["platforms"] == "|su-27|mq-9 reaper|"


def test_catalog_frame_numbers(frame):
    assert frame["lat"].dtype == np.float64
    assert frame["lon"].tolist() == [33.0, 33.0]
    assert str(frame["aircraft_lost"].dtype) == "Int64"
    assert frame["aircraft_lost"].tolist() == [0, 1]
    assert frame["killed"].tolist() == [0, pd.NA]
    assert frame["n_sources"].tolist() == [1, 2]
    assert frame["n_sources"].dtype == np.int64


def test_search_text_is_casefolded_single_spaced_and_holds_platforms_and_tags(frame):
    text = frame["search_text"].iloc[1]
    assert text.startswith("later title a test record. test sea ")
    assert "su-27 mq-9 reaper" in text
    assert text.endswith(" night-flight")
    assert "  " not in text
    assert " | " not in text
    assert frame["summary"].tolist() == ["A test record.", "A test record."]
