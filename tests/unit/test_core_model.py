"""incidents.model, mutation-tested (make mutation): what a single record may hold.

Every test here was written to kill a mutant that the rest of the suite let survive."""

from __future__ import annotations

import datetime as dt

import pytest
from pydantic import ValidationError

from incidents.model import Incident, _in_vocabulary, is_actor_code, is_country_code, parse_iso_date, record_schema
from tests.factories import record


def errors(data: dict, **context) -> dict[str, str]:
    """Field path ("location.lat", "actors.0.country") -> message of each validation error."""
    with pytest.raises(ValidationError) as caught:
        Incident.model_validate(data, context=context or None)
    return {".".join(str(part) for part in error["loc"]): error["msg"] for error in caught.value.errors()}


def valid(data: dict) -> Incident:
    return Incident.model_validate(data)


# --- dates and times ---------------------------------------------------------------------------


@pytest.mark.parametrize("value", ["2020-1-02", "20200102", "2020-01-02T10:00", "2020-01-02 ", "02-01-2020", ""])
def test_a_date_must_be_written_yyyy_mm_dd(value):
    with pytest.raises(ValueError, match=r"^is not a date written YYYY-MM-DD$"):
        parse_iso_date(value)


def test_a_date_that_does_not_exist_is_named_as_such():
    with pytest.raises(ValueError, match=r"^is not a real date"):
        parse_iso_date("2021-02-29")
    assert parse_iso_date("2020-02-29") == dt.date(2020, 2, 29)


@pytest.mark.parametrize("value", [20200102, dt.datetime(2020, 1, 2, 10, 0), None])
def test_parse_iso_date_refuses_what_is_not_text(value):
    with pytest.raises(ValueError, match="YYYY-MM-DD"):
        parse_iso_date(value)


def test_a_record_date_names_the_date_field():
    assert errors(record(date="2020-1-2")) == {"date": "Value error, is not a date written YYYY-MM-DD"}
    assert "end_date" in errors(record(end_date="2020-01-32"))


def test_a_record_accepts_a_date_object():
    assert valid(record(date=dt.date(2020, 1, 2))).date == dt.date(2020, 1, 2)


@pytest.mark.parametrize("value", ["00:00", "09:05", "19:59", "23:59"])
def test_time_utc_is_hh_mm_from_00_00_to_23_59(value):
    assert valid(record(time_utc=value)).time_utc == value


@pytest.mark.parametrize("value", ["24:00", "7:30", "07:60", "07:30:00", "0730", "29:00", "07:5", "x07:30"])
def test_other_times_are_refused_naming_time_utc(value):
    found = errors(record(time_utc=value))
    assert list(found) == ["time_utc"]
    assert "is not a time written HH:MM (00:00 to 23:59, UTC)" in found["time_utc"]


def test_end_date_may_equal_the_start_but_not_precede_it():
    assert valid(record(end_date="2020-01-02")).end_date == dt.date(2020, 1, 2)
    assert errors(record(end_date="2020-01-01")) == {
        "end_date": "Value error, end_date 2020-01-01 is before date 2020-01-02"
    }


def test_the_date_must_be_the_one_in_the_id():
    assert errors(record(date="2020-01-03")) == {
        "date": "Value error, date 2020-01-03 differs from the date in the id 2020-01-02"
    }


def test_the_id_must_equal_the_file_name_when_one_is_given():
    assert valid(record()).id == "2020-01-02-test-sea-intercept"
    Incident.model_validate(record(), context={"file_stem": "2020-01-02-test-sea-intercept"})
    assert errors(record(), file_stem="2020-01-02-other") == {
        "id": "Value error, id '2020-01-02-test-sea-intercept' must equal the file name '2020-01-02-other'"
    }


# --- codes ---------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("code", "expected"), [("US", True), ("us", False), ("USA", False), ("XX", False), ("", False)]
)
def test_country_codes_are_upper_case_iso_alpha_2(code, expected):
    assert is_country_code(code) is expected


@pytest.mark.parametrize(("code", "expected"), [("unknown", True), ("houthis", True), ("RU", True), ("Unknown", False)])
def test_actor_codes_are_countries_known_actors_or_unknown(code, expected):
    assert is_actor_code(code) is expected


def test_an_unknown_actor_code_names_the_field_and_the_rules():
    data = record()
    data["actors"][0]["country"] = "XX"
    message = errors(data)["actors.0.country"]
    assert "'XX' is neither an ISO 3166-1 alpha-2 country code (upper case)" in message
    assert "houthis" in message
    assert "nor 'unknown'" in message


def test_an_airspace_country_must_be_a_country_not_an_actor():
    data = record()
    data["location"]["country"] = "unknown"
    assert "'unknown' is not an ISO 3166-1 alpha-2 country code" in errors(data)["location.country"]


def test_an_unknown_vocabulary_code_names_the_file_and_the_choices():
    message = errors(record(type="dogfight"))["type"]
    assert "'dogfight' is not in vocab/types.yaml; use one of:" in message
    assert "collision" in message


# --- cross-field rules ---------------------------------------------------------------------------


def test_lat_and_lon_come_together_or_not_at_all():
    data = record()
    data["location"]["lat"] = None
    assert "give both lat and lon, or neither" in errors(data)["location"]
    data["location"]["lon"] = None
    assert valid(data).location.lat is None


def test_a_claim_may_cite_the_last_source_but_no_further():
    assert valid(record(claims=[{"party": "US", "statement": "S.", "source": 1}])).claims[0].source == 1
    claims = [{"party": "US", "statement": "S.", "source": 1}, {"party": "RU", "statement": "T.", "source": 2}]
    found = errors(record(claims=claims))
    assert found == {"claims": "Value error, claim 2 cites source 2, but there are 1 sources"}


def test_claims_are_not_checked_against_sources_that_are_invalid():
    found = errors(record(sources=[], claims=[{"party": "US", "statement": "S.", "source": 3}]))
    assert list(found) == ["sources"]


def test_an_incident_cannot_be_related_to_itself():
    assert errors(record(related=["2020-01-02-test-sea-intercept"])) == {
        "related": "Value error, an incident cannot be related to itself"
    }
    assert valid(record(related=["2020-01-03-other"])).related == ["2020-01-03-other"]


def test_initiators_and_targets_split_the_actors_by_role():
    incident = valid(record())
    assert [actor.country for actor in incident.initiators] == ["RU"]
    assert [actor.country for actor in incident.targets] == ["US"]


def test_the_schema_names_itself_and_its_draft():
    schema = record_schema()
    assert schema["$schema"] == "https://json-schema.org/draft/2020-12/schema"
    assert schema["title"] == "Airspace Incident Atlas record"
    assert "time_utc" in schema["properties"]


def test_in_vocabulary_checks_codes_of_the_named_vocabulary():
    # Built once per field when the module loads; called here so a wrong factory is caught.
    check = _in_vocabulary("types").func
    assert check("collision") == "collision"
    with pytest.raises(ValueError, match=r"^'dogfight' is not in vocab/types\.yaml; use one of: .*collision"):
        check("dogfight")
