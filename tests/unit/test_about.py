"""About the data: every term defined, collections counted, sources' shares computed."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

from incidents import about
from incidents.catalog import load_catalog
from incidents.model import Incident
from incidents.vocab import BEHAVIOURS, COLLECTIONS, ESCALATION, TYPE_GROUPS, TYPES, VERIFICATION, vocabulary
from tests.factories import record

CURATION = (Path(__file__).resolve().parents[2] / "docs" / "curation.md").read_text(encoding="utf-8")


@pytest.mark.parametrize("name", [TYPES, TYPE_GROUPS, BEHAVIOURS, VERIFICATION, ESCALATION])
def test_every_code_of_a_vocabulary_is_defined(name):
    terms = {item.term for section in about.definitions() for item in section.definitions}
    assert {entry["label"] for entry in vocabulary(name).entries.values()} <= terms


def test_each_type_says_its_group():
    types = next(section for section in about.definitions() if section.heading == "Incident types")
    shoot_down = next(item for item in types.definitions if item.term == "Shoot-down")
    assert shoot_down.meaning.endswith("(group: Use of force)")


@pytest.mark.parametrize("group", [code for code, e in vocabulary(TYPE_GROUPS).entries.items() if "initiator" in e])
def test_the_role_rules_are_the_curation_guides(group):
    # One rule per group, written once in the vocabulary; the guide's table must say the same.
    entry = vocabulary(TYPE_GROUPS).entries[group]
    row = next(line for line in CURATION.splitlines() if line.startswith(f"| {entry['label'].lower()} |"))
    assert entry["initiator"] in row
    assert entry["target"] in row


def test_coverage_counts_the_members_of_each_collection_and_their_dates():
    frame = pd.DataFrame(
        {
            "collections": ["|baltic-nordic-violations|", "|baltic-nordic-violations|japan-scrambles-individual|", ""],
            "date": pd.to_datetime(["2020-01-01", "2021-05-01", "2022-01-01"]),
            "end": pd.to_datetime(["2020-01-02", "2021-05-01", "2022-01-01"]),
        }
    )
    rows = {row.code: row for row in about.coverage(frame)}
    assert set(rows) == set(vocabulary(COLLECTIONS).codes)
    baltic = rows["baltic-nordic-violations"]
    assert (baltic.records, str(baltic.first), str(baltic.last)) == (2, "2020-01-01", "2021-05-01")
    assert rows["japan-scrambles-individual"].records == 1
    assert rows["pla-intercepts-dod-2023"].records == 0
    assert rows["pla-intercepts-dod-2023"].first is None


def test_source_shares_count_titles_and_records_citing_an_official_statement():
    official = {"publisher": "Ministry", "url": "https://mod.example/a", "title": "Statement", "kind": "official"}
    untitled = {"publisher": "Paper", "url": "https://paper.example/b", "title": None, "kind": "report"}
    first = Incident.model_validate(record(sources=[official, untitled]))
    second = Incident.model_validate(record(id="2020-01-02-other", sources=[untitled]))
    shares = about.source_shares([first, second])
    assert (shares.records, shares.sources, shares.titled, shares.official_records) == (2, 3, 1, 1)
    assert shares.titled_share == pytest.approx(1 / 3)
    assert shares.official_share == 0.5


def test_large_flat_datasets_skip_the_source_shares():
    catalog = load_catalog()
    assert about.curated_shares(catalog.records) is not None
    assert about.curated_shares(catalog.records, limit=10) is None
