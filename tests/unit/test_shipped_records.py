"""Every shipped record is valid: one test case per file, named by the incident id."""

from __future__ import annotations

import re
from collections import Counter
from functools import cache

import pytest

from incidents.catalog import DATA_DIR, load_catalog, record_files
from incidents.records import read_record
from incidents.view import apply, parse_view
from incidents.vocab import VOCAB_DIR, vocabulary

RECORD_FILES = record_files([DATA_DIR])


@cache
def shipped():
    return load_catalog()


def test_there_are_shipped_records():
    assert len(RECORD_FILES) >= 5


@pytest.mark.parametrize("path", RECORD_FILES, ids=[path.stem for path in RECORD_FILES])
def test_record_is_valid(path):
    result = read_record(path)
    assert result.problems == []
    assert result.incident.id == path.stem
    assert path.parent.name == path.stem[:4], "records live in data/<year>/"


def test_ids_are_unique():
    duplicates = [stem for stem, n in Counter(p.stem for p in RECORD_FILES).items() if n > 1]
    assert duplicates == []


def test_shipped_catalog_has_no_problems_and_related_ids_exist():
    catalog = shipped()
    assert catalog.problems == []
    for incident in catalog.records.values():
        for related in incident.related:
            assert related in catalog.records, f"{incident.id} -> {related}"


def test_related_links_are_mutual():
    # A series reads the same from every member: if A lists B, B lists A.
    records = shipped().records
    one_way = [(a.id, b) for a in records.values() for b in a.related if a.id not in records[b].related]
    assert one_way == []


SYRIA_JULY_2023 = [
    "2023-07-05-syria-su35-flares-mq9",
    "2023-07-06-syria-su34-su35-flares-mq9",
    "2023-07-07-syria-russian-jets-harass-mq9s",
    "2023-07-07-syria-mq9-strike-usamah-al-muhajir",
    "2023-07-16-syria-su35-unsafe-intercept-mc12",
    "2023-07-23-syria-russian-flare-damages-mq9",
    "2023-07-26-syria-russian-flare-strikes-mq9",
]


@pytest.mark.parametrize("incident_id", ["2023-03-14-black-sea-su27-mq9-collision", *SYRIA_JULY_2023])
def test_founding_records_are_present(incident_id):
    assert incident_id in shipped().records


def test_syria_july_2023_series_is_complete():
    members = {i for i, r in shipped().records.items() if r.series == "syria-2023-07-mq9-harassment"}
    assert members == set(SYRIA_JULY_2023)


def test_every_series_member_links_every_other():
    series: dict[str, set[str]] = {}
    for incident_id, incident in shipped().records.items():
        if incident.series:
            series.setdefault(incident.series, set()).add(incident_id)
    assert series, "no record names a series"
    for members in series.values():
        for incident_id in members:
            assert members - {incident_id} <= set(shipped().records[incident_id].related), incident_id


@pytest.mark.parametrize("name", sorted(p.stem for p in VOCAB_DIR.glob("*.yaml")))
def test_vocabulary_entries_have_a_label_and_known_keys(name):
    for code, entry in vocabulary(name).entries.items():
        assert isinstance(entry.get("label"), str), code
        known = {"label", "description", "rule", "bbox", "group", "period", "completeness", "initiator", "target"}
        assert set(entry) <= known, f"{name}.{code}: {set(entry)}"


@pytest.mark.parametrize("path", RECORD_FILES, ids=[path.stem for path in RECORD_FILES])
def test_record_lies_in_its_region(path):
    location = read_record(path).incident.location
    boxes = vocabulary("regions").entries[location.region].get("bbox") or [[-180, -90, 180, 90]]
    inside = [west <= location.lon <= east and south <= location.lat <= north for west, south, east, north in boxes]
    assert any(inside), f"({location.lat}, {location.lon}) is outside {location.region}: {boxes}"


@pytest.mark.parametrize("path", RECORD_FILES, ids=[path.stem for path in RECORD_FILES])
def test_grade_follows_the_rules(path):
    incident = read_record(path).incident
    if incident.verification == "contested":
        assert len({claim.party for claim in incident.claims}) >= 2, "contested: give each party's account"
    if incident.verification == "corroborated":
        assert len({source.publisher for source in incident.sources}) >= 2, "corroborated: 2+ publishers"
    if incident.verification == "official":
        # The statement itself, or a report quoting it directly and naming who made it.
        official_source = any(source.kind == "official" for source in incident.sources)
        quoted = any(claim.speaker and QUOTE.search(claim.statement) for claim in incident.claims)
        assert official_source or quoted, "official: cite the statement, or quote it with its speaker"


QUOTE = re.compile(r'["“][^"”]+["”]')


# Well-known incidents the dataset must hold, with the facts every account agrees on.
ANCHORS = [
    ("2001-04-01-hainan-ep3-j8-collision", "collision", "CN", "US"),
    ("2015-11-24-syria-turkey-shoots-down-su24", "shootdown", "TR", "RU"),
    ("2019-06-20-strait-of-hormuz-rq4a-bamsd-shootdown", "shootdown", "IR", "US"),
    ("2022-05-26-scs-j16-chaff-raaf-p8", "flare_or_chaff_release", "CN", "AU"),
    ("2022-09-29-black-sea-su27-missile-rc135w", "weapons_release", "RU", "GB"),
    ("2022-12-21-scs-j11-rc135-20-feet", "unsafe_intercept", "CN", "US"),
    ("2023-02-04-south-carolina-f22-chinese-balloon-shootdown", "shootdown", "US", "CN"),
    ("2023-03-14-black-sea-su27-mq9-collision", "collision", "RU", "US"),
    ("2025-09-09-poland-russian-drones-shot-down", "shootdown", "PL", "RU"),
    ("2025-09-19-estonia-vaindloo-three-mig31", "airspace_violation", "RU", None),
]


@pytest.mark.parametrize(("incident_id", "type_", "initiator", "target"), ANCHORS, ids=[a[0] for a in ANCHORS])
def test_anchor_incident_is_present_and_right(incident_id, type_, initiator, target):
    incident = shipped().records[incident_id]
    assert incident.type == type_
    assert initiator in {actor.country for actor in incident.initiators}
    if target:
        assert target in {actor.country for actor in incident.targets}


def test_dataset_breadth():
    frame = shipped().frame
    assert len(frame) >= 150
    assert frame["region"].nunique() >= 10
    groups = {entry["group"] for entry in vocabulary("types").entries.values()}
    assert {vocabulary("types").entries[code]["group"] for code in frame["type"]} == groups
    assert frame["date"].dt.year.min() <= 2001
    assert frame["date"].dt.year.max() >= 2025


def test_every_type_belongs_to_a_known_group():
    groups = vocabulary("type_groups")
    for code, entry in vocabulary("types").entries.items():
        assert entry.get("group") in groups, code


# Chinese intercepts of Australian and Canadian aircraft since 2022: flares, chaff and a laser
# are intercepts too, so the group finds them all (a type filter once found 1 of 6).
CN_INTERCEPTS_OF_AU_CA = [
    "2022-02-17-arafura-sea-plan-ship-laser-raaf-p8",
    "2022-05-26-scs-j16-chaff-raaf-p8",
    "2023-05-01-neon-plaaf-unsafe-intercepts-canadian-cp140",
    "2023-10-16-ecs-chinese-jets-flares-canadian-cp140",
    "2023-10-29-scs-j11-flares-canadian-ch148",
    "2024-05-04-yellow-sea-plaaf-j10-flares-ran-mh60r",
    "2025-02-11-paracels-j16-flares-raaf-p8",
    "2025-10-19-paracels-su35-flares-raaf-p8",
]


def test_the_intercepts_group_finds_every_chinese_intercept_of_australia_and_canada_since_2022():
    query = "group=intercepts&initiator=CN&target=AU&target=CA&from=2022-01-01"
    found = set(apply(shipped().frame, parse_view(query).state)["id"])
    assert set(CN_INTERCEPTS_OF_AU_CA) <= found


def test_other_holds_at_most_five_percent_of_the_records():
    frame = shipped().frame
    assert (frame["type"] == "other").sum() <= 0.05 * len(frame)
