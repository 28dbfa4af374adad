"""Every shipped record is valid: one test case per file, named by the incident id."""

from __future__ import annotations

from collections import Counter

import pytest

from incidents.catalog import DATA_DIR, load_catalog, record_files
from incidents.records import read_record
from incidents.vocab import VOCAB_DIR, vocabulary

RECORD_FILES = record_files([DATA_DIR])


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
    catalog = load_catalog()
    assert catalog.problems == []
    for incident in catalog.records.values():
        for related in incident.related:
            assert related in catalog.records, f"{incident.id} -> {related}"


def test_related_links_are_mutual():
    # A series reads the same from every member: if A lists B, B lists A.
    records = load_catalog().records
    one_way = [(a.id, b) for a in records.values() for b in a.related if a.id not in records[b].related]
    assert one_way == []


SYRIA_JULY_2023 = [
    "2023-07-05-syria-su35-flares-mq9",
    "2023-07-06-syria-su34-su35-flares-mq9",
    "2023-07-07-syria-russian-jets-harass-mq9s",
    "2023-07-07-syria-mq9-strike-usamah-al-muhajir",
]


@pytest.mark.parametrize("incident_id", ["2023-03-14-black-sea-su27-mq9-collision", *SYRIA_JULY_2023])
def test_founding_records_are_present(incident_id):
    assert incident_id in load_catalog().records


def test_syria_series_is_linked():
    records = load_catalog().records
    for incident_id in SYRIA_JULY_2023:
        assert set(records[incident_id].related) == set(SYRIA_JULY_2023) - {incident_id}


@pytest.mark.parametrize("name", sorted(p.stem for p in VOCAB_DIR.glob("*.yaml")))
def test_vocabulary_entries_have_a_label_and_known_keys(name):
    for code, entry in vocabulary(name).entries.items():
        assert isinstance(entry.get("label"), str), code
        assert set(entry) <= {"label", "description", "rule"}, f"{name}.{code}: {set(entry)}"
