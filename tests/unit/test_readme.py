"""The README documents what the code does, and cannot drift from it."""

from __future__ import annotations

import re
from pathlib import Path

from incidents.catalog import load_catalog
from incidents.stats import END, LINKS_END, LINKS_START, START, counts_markdown, links_markdown
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


def test_quickstart_is_the_two_make_commands():
    commands = re.findall(r"^(make \w+)", section("Quickstart"), flags=re.M)
    assert commands == ["make run", "make test"]
