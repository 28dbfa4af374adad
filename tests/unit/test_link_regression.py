"""Every link that worked before the filters were declared once still opens the same view.

``tests/data/links.json`` was recorded with the code as it was before that change (the
hand-written tables of ``incidents.view``): for each link, the ids it shows on the fixture
data, its canonical query string, and the keys of its notices. Rerecord only on purpose:
``python -m tests.unit.test_link_regression`` rewrites it from the current code.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from incidents.view import apply, parse_view, view_query
from tests.hostile import HOSTILE_LINKS
from tests.unit.test_view import FILTER_CASES, NOTICE_CASES

TABLE = Path(__file__).resolve().parents[1] / "data" / "links.json"

EXTRA_LINKS = [
    "from=2020-01-01&to=2023-12-31&type=unsafe_intercept&type=shootdown&region=black-sea&region=syria"
    "&initiator=RU&target=US&platform=uav&verification=official&q=test&near=Tartus&radius_km=2000"
    "&incident=2020-01-02-a-black-sea-intercept&color=region&v=abcdef12",
    "radius_km=50",  # a radius without near is kept in the state but written nowhere
    "near=Tartus",
    "near=Tartus&radius_km=20000",
    "near=Tartus&radius_km=20001",
    "platform=F-16&platform=uav&platform=MQ-9+Reaper",
    "platform=%20",
    "q=one+two+three+four+five+six+seven+eight",
    "q=one+two+three+four+five+six+seven+eight+nine",
    "q=intercept+inter",
    "from=2023-06-01&to=2023-01-01&region=syria",
    "to=2023-01-01&from=2023-06-01",
    "type=collision&type=collision&region=syria",
    "color=verification",
    "color=escalation_risk&color=type",
    "v=ABCDEF12",
    "v=abcdef1234567890",
    "incident=2099-01-01-not-here",
    "initiator=houthis&initiator=unknown&target=TW",
    "verification=single_source&verification=corroborated",
    "from=1899-12-31",
    "to=2101-01-01",
    "from=2020-02-30",
    "region=" + "x" * 121,
    "q=" + "x" * 200,
    "q=" + "x" * 201,
    "near=" + "x" * 101,
    "?type=shootdown",
    "https://atlas.example/app?type=shootdown#frag",
    "type=shootdown&utm_source=mail&embed=true",
    "region=syria&v=abcdef12&asof=abcdef12",  # a view as of a release (the release chooses the data)
    "asof=abcdef12&asof=ABCDEF12",
]


def links() -> list[str]:
    cases = [query for query, _ in FILTER_CASES] + [f"{query}&region=syria" for query, _ in NOTICE_CASES]
    return list(dict.fromkeys(cases + EXTRA_LINKS + HOSTILE_LINKS))


def outcome(catalog, query: str) -> dict:
    parsed = parse_view(query)
    return {
        "ids": apply(catalog.frame, parsed.state)["id"].tolist(),
        "canonical": view_query(parsed.state),
        "notices": [notice.key for notice in parsed.notices],
    }


RECORDED = json.loads(TABLE.read_text(encoding="utf-8")) if TABLE.exists() else {}


@pytest.mark.parametrize("query", list(RECORDED), ids=range(len(RECORDED)))
def test_link_opens_the_view_it_opened_before(fixture_catalog, query):
    assert outcome(fixture_catalog, query) == RECORDED[query]


def test_the_table_covers_every_link_case():
    assert set(links()) <= set(RECORDED)


if __name__ == "__main__":  # rerecord (on purpose only; see the module docstring)
    import tempfile

    from incidents.catalog import load_catalog
    from tests.factories import write_fixture_dataset

    with tempfile.TemporaryDirectory() as folder:
        fixture = load_catalog(write_fixture_dataset(Path(folder)))
        table = {query: outcome(fixture, query) for query in links()}
    TABLE.write_text(json.dumps(table, indent=1, ensure_ascii=False) + "\n", encoding="utf-8")
    print(f"recorded {len(table)} links in {TABLE}")
