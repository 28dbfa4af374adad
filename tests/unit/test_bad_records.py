"""A table of broken records: each names the exact field at fault and the rest still load."""

from __future__ import annotations

import pytest
import yaml

from incidents.catalog import load_catalog
from tests.factories import BASE_RECORD, record, write_record

GOOD = record(id="2021-05-06-good-neighbour", date="2021-05-06")


def nested(path: str, value):
    """record() with one nested value replaced, e.g. nested("location.lat", 91)."""
    data = record()
    target = data
    *parents, last = path.split(".")
    for part in parents:
        target = target[int(part)] if part.isdigit() else target[part]
    if isinstance(target, list):
        target[int(last)] = value
    else:
        target[last] = value
    return data


def without(key: str) -> dict:
    data = record()
    del data[key]
    return data


BAD_RECORDS = [
    ("missing-title", without("title"), "title"),
    ("missing-summary", without("summary"), "summary"),
    ("impossible-date", record(date="2020-02-30", id="2020-02-30-test"), "date"),
    ("date-as-number", record(date=20200102), "date"),
    ("date-differs-from-id", record(date="2020-01-03"), "date"),
    ("end-before-start", record(end_date="2019-12-31"), "end_date"),
    ("bad-time", record(time_utc="25:00"), "time_utc"),
    ("lat-91", nested("location.lat", 91), "location.lat"),
    ("lon-minus-181", nested("location.lon", -181), "location.lon"),
    ("lat-without-lon", nested("location.lon", None), "location"),
    ("zero-radius", nested("location.radius_km", 0), "location.radius_km"),
    ("unknown-type", record(type="dogfight"), "type"),
    ("unknown-region", nested("location.region", "atlantis"), "location.region"),
    ("unknown-airspace", nested("location.airspace", "outer-space"), "location.airspace"),
    ("bad-airspace-country", nested("location.country", "ZZ"), "location.country"),
    ("unknown-country-code", nested("actors.0.country", "XX"), "actors[1].country"),
    ("lower-case-country", nested("actors.0.country", "ru"), "actors[1].country"),
    ("unknown-category", nested("actors.1.category", "spaceship"), "actors[2].category"),
    ("unknown-role", nested("actors.1.role", "bystander"), "actors[2].role"),
    ("zero-count", nested("actors.0.count", 0), "actors[1].count"),
    ("no-actors", record(actors=[]), "actors"),
    ("negative-killed", nested("outcome.killed", -1), "outcome.killed"),
    ("unknown-verification", record(verification="probably"), "verification"),
    ("unknown-escalation", record(escalation_risk="apocalyptic"), "escalation_risk"),
    ("javascript-url", nested("sources.0.url", "javascript:alert(1)"), "sources[1].url"),
    ("ftp-url", nested("sources.0.url", "ftp://example.org/file"), "sources[1].url"),
    ("no-sources", record(sources=[]), "sources"),
    ("source-without-publisher", nested("sources.0.publisher", None), "sources[1].publisher"),
    ("claim-cites-missing-source", record(claims=[{"party": "US", "statement": "x", "source": 2}]), "claims"),
    ("unknown-claim-party", record(claims=[{"party": "Mars", "statement": "x", "source": 1}]), "claims[1].party"),
    ("unknown-key", record(titel="typo"), "titel"),
    ("bad-id-pattern", record(id="2020-01-02 Test Sea"), "id"),
    ("related-to-missing-id", record(related=["2020-01-01-no-such-incident"]), "related"),
    ("related-to-itself", record(related=[BASE_RECORD["id"]]), "related"),
    ("bad-tag", record(tags=["Not A Tag"]), "tags[1]"),
]


@pytest.fixture
def data_dir(tmp_path):
    write_record(tmp_path, GOOD)
    return tmp_path


def assert_rejected_with(catalog, file_name: str, field: str):
    fields = {problem.field for problem in catalog.problems if problem.path.endswith(file_name)}
    assert field in fields, f"expected a problem at {field!r}, got {catalog.problems}"
    assert GOOD["id"] in catalog.records, "a bad file must not stop the others from loading"
    assert file_name.removesuffix(".yaml") not in catalog.records


@pytest.mark.parametrize(("data", "field"), [case[1:] for case in BAD_RECORDS], ids=[case[0] for case in BAD_RECORDS])
def test_bad_record_names_its_field(data_dir, data, field):
    path = write_record(data_dir, data)
    assert_rejected_with(load_catalog(data_dir), path.name, field)


ALIAS_BOMB = """\
a: &a ["lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol"]
b: &b [*a, *a, *a, *a, *a, *a, *a, *a, *a]
c: &c [*b, *b, *b, *b, *b, *b, *b, *b, *b]
d: &d [*c, *c, *c, *c, *c, *c, *c, *c, *c]
e: &e [*d, *d, *d, *d, *d, *d, *d, *d, *d]
f: &f [*e, *e, *e, *e, *e, *e, *e, *e, *e]
g: [*f, *f, *f, *f, *f, *f, *f, *f, *f]
"""

RAW_FILES = [
    ("yaml-syntax-error", b"id: [unclosed\ntitle: x\n", "(yaml)"),
    ("alias-bomb", ALIAS_BOMB.encode(), "(yaml)"),
    ("empty-file", b"", "(file)"),
    ("only-a-comment", b"# nothing here\n", "(file)"),
    ("list-document", b"- id: x\n- title: y\n", "(file)"),
    ("scalar-document", b"just a sentence\n", "(file)"),
    ("latin-1-encoding", "title: Sévastopol\n".encode("latin-1"), "(file)"),
    ("two-documents", b"id: a\n---\nid: b\n", "(yaml)"),
    ("tab-indentation", b"location:\n\tname: x\n", "(yaml)"),
]


@pytest.mark.parametrize(("raw", "field"), [case[1:] for case in RAW_FILES], ids=[case[0] for case in RAW_FILES])
def test_unreadable_file_is_reported(data_dir, raw, field):
    folder = data_dir / "2020"
    folder.mkdir(exist_ok=True)
    (folder / "2020-01-02-broken.yaml").write_bytes(raw)
    assert_rejected_with(load_catalog(data_dir), "2020-01-02-broken.yaml", field)


def test_id_must_match_file_name(data_dir):
    write_record(data_dir, record(), name="2020-01-02-other-name")
    catalog = load_catalog(data_dir)
    assert_rejected_with(catalog, "2020-01-02-other-name.yaml", "id")
    assert "must equal the file name" in catalog.problems[0].message


def test_record_in_wrong_year_folder(data_dir):
    folder = data_dir / "2019"
    folder.mkdir()
    (folder / f"{BASE_RECORD['id']}.yaml").write_text(yaml.safe_dump(record()), encoding="utf-8")
    assert_rejected_with(load_catalog(data_dir), f"{BASE_RECORD['id']}.yaml", "id")


def test_duplicate_id_rejects_the_second_file(data_dir):
    first = write_record(data_dir, record())
    second = first.with_suffix(".yml")
    second.write_bytes(first.read_bytes())
    catalog = load_catalog(data_dir)
    assert BASE_RECORD["id"] in catalog.records
    assert [(p.path, p.field) for p in catalog.problems] == [(str(second), "id")]
    assert "duplicate id" in catalog.problems[0].message


def test_messages_say_what_to_do(data_dir):
    write_record(data_dir, record(type="dogfight"))
    (message,) = [p.message for p in load_catalog(data_dir).problems]
    assert "'dogfight' is not in vocab/types.yaml" in message
    assert "unsafe_intercept" in message


def test_version_ignores_invalid_records_and_file_order(data_dir):
    before = load_catalog(data_dir).version
    write_record(data_dir, record(type="dogfight"))
    assert load_catalog(data_dir).version == before
    write_record(data_dir, record())
    assert load_catalog(data_dir).version != before


def test_missing_coordinates_are_filled_from_the_gazetteer(data_dir, tmp_path_factory):
    from incidents.geo import Gazetteer, Place

    gazetteer = Gazetteer([Place("Test Sea", 44.5, 34.5, 150)])
    location = {key: value for key, value in BASE_RECORD["location"].items() if key not in {"lat", "lon"}}
    write_record(data_dir, record(location=location))
    catalog = load_catalog(data_dir, gazetteer=gazetteer)
    row = catalog.frame.set_index("id").loc[BASE_RECORD["id"]]
    assert (row["lat"], row["lon"], row["radius_km"]) == (44.5, 34.5, 100)


def test_missing_coordinates_without_gazetteer_entry_are_reported(data_dir):
    from incidents.geo import Gazetteer

    location = {key: value for key, value in BASE_RECORD["location"].items() if key not in {"lat", "lon"}}
    location["name"] = "Nowhere In Particular Xq"
    write_record(data_dir, record(location=location))
    assert_rejected_with(load_catalog(data_dir, gazetteer=Gazetteer([])), f"{BASE_RECORD['id']}.yaml", "location.lat")


def test_norway_is_a_country_not_a_boolean(data_dir):
    path = write_record(data_dir, record())
    path.write_text(path.read_text(encoding="utf-8").replace("country: RU", "country: NO"), encoding="utf-8")
    catalog = load_catalog(data_dir)
    assert catalog.problems == []
    assert catalog.records[BASE_RECORD["id"]].actors[0].country == "NO"
