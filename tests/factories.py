"""Small valid records for tests. Every value here is test data, not a claim about the world."""

from __future__ import annotations

import copy
from pathlib import Path

import yaml

BASE_RECORD = {
    "id": "2020-01-02-test-sea-intercept",
    "title": "Test intercept over a test sea",
    "date": "2020-01-02",
    "date_precision": "day",
    "type": "unsafe_intercept",
    "escalation_risk": "serious",
    "location": {
        "name": "Test Sea",
        "lat": 43.0,
        "lon": 33.0,
        "radius_km": 100,
        "region": "black-sea",
        "airspace": "international",
        "country": None,
    },
    "actors": [
        {"role": "initiator", "country": "RU", "platform": "Su-27", "category": "fighter", "count": 1},
        {"role": "target", "country": "US", "platform": "MQ-9 Reaper", "category": "uav", "count": 1},
    ],
    "outcome": {"aircraft_lost": 0, "killed": 0},
    "summary": "A test record.",
    "claims": [{"party": "US", "statement": "Test statement.", "source": 1}],
    "verification": "official",
    "sources": [
        {
            "publisher": "Test Publisher",
            "title": "Test title",
            "url": "https://example.org/a",
            "published": "2020-01-03",
        }
    ],
    "related": [],
    "tags": [],
}


def record(**changes) -> dict:
    data = copy.deepcopy(BASE_RECORD)
    data.update(changes)
    return data


def write_record(folder: Path, data: dict, name: str | None = None) -> Path:
    name = name or data["id"]
    year_folder = folder / str(name)[:4]
    year_folder.mkdir(parents=True, exist_ok=True)
    path = year_folder / f"{name}.yaml"
    path.write_text(yaml.safe_dump(data, sort_keys=False, allow_unicode=True), encoding="utf-8")
    return path
