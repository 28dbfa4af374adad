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


def _incident(id_, *, region, type_, initiators, targets, lat, lon, verification="official", **extra) -> dict:
    actors = [{"role": "initiator", **a} for a in initiators] + [{"role": "target", **a} for a in targets]
    data = record(
        id=id_,
        title=extra.pop("title", f"Test incident {id_}"),
        date=id_[:10],
        type=type_,
        location={"name": f"Test place {id_}", "lat": lat, "lon": lon, "radius_km": 50, "region": region},
        actors=actors,
        verification=verification,
        claims=[],
    )
    data.update(extra)
    return data


# A small, fully synthetic dataset for filter and app tests (ids name what each one tests).
FIXTURE_RECORDS = [
    _incident(
        "2020-01-02-a-black-sea-intercept", region="black-sea", type_="unsafe_intercept", lat=43.0, lon=33.0,
        initiators=[{"country": "RU", "platform": "Su-27", "category": "fighter"}],
        targets=[{"country": "US", "platform": "MQ-9 Reaper", "category": "uav"}], behaviours=["close_pass"],
    ),
    _incident(
        "2021-06-15-b-syria-flares", region="syria", type_="flare_or_chaff_release", lat=35.0, lon=36.5,
        initiators=[{"country": "RU", "platform": "Su-35", "category": "fighter"}],
        targets=[{"country": "US", "platform": "MQ-9 Reaper", "category": "uav"}],
        behaviours=["flares", "close_pass"], collections=["syria-mq9-harassment-2023"],
    ),
    _incident(
        "2022-03-01-c-baltic-violation", region="baltic-sea", type_="airspace_violation", lat=57.5, lon=19.0,
        initiators=[
            {"country": "RU", "platform": "Su-27", "category": "fighter"}, {"country": "BY", "category": "fighter"},
        ],
        targets=[{"country": "SE", "category": "air_defence"}], verification="contested",
        collections=["baltic-nordic-violations"],
    ),
    _incident(
        "2019-05-01-d-scs-month-precision", region="south-china-sea", type_="unsafe_intercept", lat=15.0, lon=114.0,
        initiators=[{"country": "CN", "platform": "J-16", "category": "fighter"}],
        targets=[{"country": "AU", "platform": "P-8A", "category": "maritime_patrol"}],
        verification="single_source", date_precision="month",
    ),
    _incident(
        "2023-09-10-e-flank-multi-day", region="eastern-flank", type_="drone_incursion", lat=51.0, lon=23.5,
        initiators=[{"country": "RU", "platform": "Shahed", "category": "uav"}],
        targets=[{"country": "PL", "category": "air_defence"}], verification="corroborated", end_date="2023-09-11",
    ),
    _incident(
        "2024-01-01-f-europe-year-precision", region="western-europe", type_="drone_incursion", lat=50.8, lon=4.4,
        initiators=[{"country": "unknown", "category": "uav"}],
        targets=[{"country": "BE", "category": "ground_target"}],
        verification="unverified", date_precision="year",
    ),
    _incident(
        "2018-07-07-g-gulf-shootdown", region="persian-gulf", type_="shootdown", lat=26.5, lon=56.5,
        initiators=[{"country": "IR", "category": "air_defence"}],
        targets=[{"country": "US", "platform": "RQ-4A", "category": "uav"}], verification="contested",
    ),
]  # fmt: skip

FIXTURE_IDS = sorted(r["id"] for r in FIXTURE_RECORDS)


def write_fixture_dataset(folder: Path) -> Path:
    for data in FIXTURE_RECORDS:
        write_record(folder, data)
    return folder


# Two data releases of the fixture data (incidents/releases.py): between them one record's
# grade changes, one record is removed and one is added.
CHANGED_ID = "2021-06-15-b-syria-flares"
REMOVED_ID = "2024-01-01-f-europe-year-precision"
ADDED_RECORD = _incident(
    "2025-02-02-h-syria-new", region="syria", type_="unsafe_intercept", lat=35.2, lon=36.0,
    initiators=[{"country": "RU", "category": "fighter"}], targets=[{"country": "US", "category": "uav"}],
)  # fmt: skip


def change_fixture_dataset(folder: Path) -> None:
    """The fixture data as the second release has it."""
    changed = next(data for data in FIXTURE_RECORDS if data["id"] == CHANGED_ID)
    write_record(folder, {**changed, "verification": "contested"})
    (folder / REMOVED_ID[:4] / f"{REMOVED_ID}.yaml").unlink()
    write_record(folder, ADDED_RECORD)


def write_two_releases(root: Path) -> tuple[Path, Path, str, str]:
    """A data folder and a releases folder holding a release before and after the change
    (the data folder ends as the second release has it): (data, releases, first, second)."""
    from datetime import date

    from incidents.catalog import load_catalog
    from incidents.releases import make_release

    data, releases, changelog = root / "data", root / "releases", root / "CHANGELOG.md"
    write_fixture_dataset(data)
    first = make_release(load_catalog(data), releases, date(2026, 1, 5), changelog).release
    change_fixture_dataset(data)
    second = make_release(load_catalog(data), releases, date(2026, 3, 9), changelog).release
    assert first is not None
    assert second is not None
    return data, releases, first.version, second.version
