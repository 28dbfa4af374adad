"""The README documents what the code does, and cannot drift from it."""

from __future__ import annotations

import re
from pathlib import Path

from incidents.about import source_shares
from incidents.catalog import load_catalog
from incidents.stats import (
    COLLECTIONS_END,
    COLLECTIONS_START,
    END,
    LINKS_END,
    LINKS_START,
    START,
    collections_markdown,
    counts_markdown,
    links_markdown,
)
from incidents.view import KEYS

README = (Path(__file__).resolve().parents[2] / "README.md").read_text(encoding="utf-8")


def section(title: str) -> str:
    return README.split(f"## {title}\n", 1)[1].split("\n## ", 1)[0]


def test_sharing_links_lists_exactly_the_keys_the_code_handles():
    documented = re.findall(r"^\| `([^`]+)` \|", section("Sharing links"), flags=re.M)
    assert documented == list(KEYS)


def test_sharing_links_table_is_generated_from_the_declarations():
    block = README.split(LINKS_START, 1)[1].split(LINKS_END, 1)[0].strip()
    assert block == links_markdown()


def test_counts_table_matches_the_data():
    block = README.split(START, 1)[1].split(END, 1)[0].strip()
    assert block == counts_markdown(load_catalog().frame)


def test_collections_and_coverage_match_the_data():
    catalog = load_catalog()
    block = README.split(COLLECTIONS_START, 1)[1].split(COLLECTIONS_END, 1)[0].strip()
    assert block == collections_markdown(catalog.frame, source_shares(catalog.records.values()))


def test_quickstart_is_the_two_make_commands():
    commands = re.findall(r"^(make \w+)", section("Quickstart"), flags=re.M)
    assert commands == ["make run", "make test"]


def modules(package: str) -> list[str]:
    root = Path(__file__).resolve().parents[2] / package
    return sorted(path.name for path in root.glob("*.py") if path.name != "__init__.py")


def test_the_development_map_names_every_module():
    development = section("Development")
    architecture = (Path(__file__).resolve().parents[2] / "docs" / "architecture.md").read_text(encoding="utf-8")
    for package in ("incidents", "components"):
        for module in modules(package):
            assert module in development, f"README Development map lacks {package}/{module}"
            if module != "__main__.py":
                assert module in architecture, f"docs/architecture.md lacks {package}/{module}"
