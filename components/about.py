"""The "About the data" panel: what the words mean, what the collections hold, how to help.

Renders what ``incidents.about`` computed; the README's collections table says the same.
"""

from __future__ import annotations

import streamlit as st

from components import text
from incidents.about import Coverage, Section, SourceShares


def _definitions(section: Section) -> None:
    text.markdown("**{}**", section.heading)
    lines = [text.fill("- **{}**: {}", item.term, item.meaning) for item in section.definitions]
    text.markdown("\n".join(["{}"] * len(lines)), *map(text.Safe, lines))


def _collection(row: Coverage) -> None:
    held = text.fill("{} records, {} to {}", row.records, row.first, row.last) if row.first else "no records yet"
    text.markdown("**{}** (`collection={}`)", row.label, row.code)
    text.markdown(
        "{}  \nPeriod: {} to {} · in the data: {}  \nCompleteness: {}",
        row.rule, row.period[0], row.period[1], text.Safe(held), row.completeness,
    )  # fmt: skip


def _counts(records: int, shares: SourceShares | None) -> None:
    if shares is None:
        text.markdown("**{}** incidents in this dataset.", f"{records:,}")
        return
    text.markdown(
        "**{}** records · **{}** sources, {} with their title as published · {} records cite an "
        "official statement itself.",
        f"{shares.records:,}", f"{shares.sources:,}", f"{shares.titled_share:.0%}", f"{shares.official_share:.0%}",
    )  # fmt: skip


def render_about(
    sections: tuple[Section, ...],
    collections: tuple[Coverage, ...],
    *,
    records: int,
    shares: SourceShares | None,
    version: str,
    updated: str,
) -> None:
    with st.expander("About the data: definitions, collections, coverage, how to contribute"):
        _counts(records, shares)
        text.markdown(
            "**Dataset version** {}: a content hash of the records, so a link made with this version "
            "(`v=` in it) says whether the data has changed since.{}",
            version, text.Safe(text.fill(" Last updated: {}.", updated)),
        )  # fmt: skip
        text.subheader("Collections")
        text.caption("Each collection gathers the records one stated rule covers; completeness says what is missing.")
        for row in collections:
            _collection(row)
        text.subheader("Definitions")
        for section in sections:
            _definitions(section)
        text.subheader("Propose a record or a correction")
        text.markdown(
            "Every fact rests on a publication the record cites. To add an incident or correct one, "
            "open an issue or a pull request as the project's `CONTRIBUTING.md` describes, with links to "
            "the original statements; `docs/curation.md` gives the rules."
        )
