"""The README's generated tables: counts by region and type, and the keys of a link."""

from __future__ import annotations

from dataclasses import dataclass
from typing import cast

import numpy as np
import pandas as pd

from incidents.about import SourceShares, coverage
from incidents.filters import PARAMS
from incidents.labels import codes, label

START, END = "<!-- counts:start -->", "<!-- counts:end -->"
LINKS_START, LINKS_END = "<!-- links:start -->", "<!-- links:end -->"
COLLECTIONS_START, COLLECTIONS_END = "<!-- collections:start -->", "<!-- collections:end -->"


def counts_by_region_and_type(frame: pd.DataFrame) -> pd.DataFrame:
    table = pd.crosstab(frame["region"], frame["type"])
    regions = [code for code in codes("region") if code in table.index]
    types = [code for code in codes("type") if code in table.columns]
    return table.loc[regions, types]


def counts_markdown(frame: pd.DataFrame) -> str:
    table = counts_by_region_and_type(frame)
    header = ["Region", *(label("type", code) for code in table.columns), "Total"]
    lines = ["| " + " | ".join(header) + " |", "|" + "---|" * len(header)]
    for region, row in table.iterrows():
        # cast: the index holds the region codes (text).
        cells = [label("region", cast(str, region)), *(str(n) if n else "" for n in row), str(row.sum())]
        lines.append("| " + " | ".join(cells) + " |")
    totals = ["**Total**", *(str(n) for n in table.sum()), f"**{int(table.values.sum())}**"]
    lines.append("| " + " | ".join(totals) + " |")
    return "\n".join(lines)


def links_markdown() -> str:
    """The README's "Sharing links" table, one row per declared key (incidents.filters)."""
    lines = ["| key | meaning | example |", "|---|---|---|"]
    lines += [f"| `{param.key}` | {param.meaning} | `{param.example}` |" for param in PARAMS]
    return "\n".join(lines)


def collections_markdown(frame: pd.DataFrame, shares: SourceShares) -> str:
    """The README's collections: each rule's period, completeness and records, then the
    sources' shares (incidents.about; the app's About panel says the same)."""
    lines = ["| collection (`collection=`) | period | records | in the data | completeness |", "|---|---|---|---|---|"]
    for row in coverage(frame):
        held = f"{row.first} to {row.last}" if row.first else "none yet"
        lines.append(f"| {row.label} (`{row.code}`) | {row.period[0]} to {row.period[1]} | {row.records} | {held} "
                     f"| {row.completeness} |")  # fmt: skip
    outside = int((frame["collections"] == "").sum()) if "collections" in frame else len(frame)
    lines += [
        "",
        f"{shares.records} records, {outside} of them in no collection. {shares.sources} sources, "
        f"{shares.titled} ({shares.titled_share:.0%}) with their title as published; "
        f"{shares.official_records} records ({shares.official_share:.0%}) cite an official statement itself.",
    ]
    return "\n".join(lines)


def replace_block(readme: str, table: str, start: str = START, end: str = END) -> str:
    before, rest = readme.split(start, 1)
    _, after = rest.split(end, 1)
    return f"{before}{start}\n{table}\n{end}{after}"


def readme_blocks(readme: str, frame: pd.DataFrame, shares: SourceShares) -> str:
    """The README with its generated tables (counts, collections, link keys) rewritten from
    code and data."""
    readme = replace_block(readme, counts_markdown(frame))
    readme = replace_block(readme, collections_markdown(frame, shares), COLLECTIONS_START, COLLECTIONS_END)
    return replace_block(readme, links_markdown(), LINKS_START, LINKS_END)


@dataclass(frozen=True)
class MonthlyCounts:
    """Incidents per month and category: ``months`` (datetime64[M], ascending), the category
    ``codes`` (a colour map's codes, then OTHER) and ``counts[category, month]``. Counted from
    the drawn rows (``of_rows``) or by a query engine (``of_long``), the charts draw them alike."""

    months: np.ndarray
    codes: list[str]
    counts: np.ndarray

    @classmethod
    def of_rows(cls, dates: pd.Series, category: np.ndarray, codes: list[str]) -> MonthlyCounts:
        months, counts = counts_by_month(dates, category, len(codes))
        return cls(months, codes, counts)

    @classmethod
    def of_long(cls, long: pd.DataFrame, colours: dict[str, str], other: str) -> MonthlyCounts:
        """From an engine's ``monthly`` (columns month, value, count): values without a colour
        count as ``other``, as ``palette.category_index`` places them."""
        codes = [*colours, other]
        position = {code: i for i, code in enumerate(colours)}
        category = np.array([position.get(value, len(codes) - 1) for value in long["value"]], dtype=np.int64)
        months, month_index = np.unique(long["month"].to_numpy().astype("datetime64[M]"), return_inverse=True)
        counts = np.zeros((len(codes), len(months)), dtype=np.int64)
        np.add.at(counts, (category, month_index), long["count"].to_numpy(dtype=np.int64))
        return cls(months, codes, counts)

    def present(self) -> list[int]:
        """The categories with at least one incident."""
        return [int(position) for position in np.flatnonzero(self.counts.any(axis=1))]

    def total(self) -> pd.Series:
        """Incidents per month, all categories together (index: the months as timestamps)."""
        return pd.Series(self.counts.sum(axis=0), index=pd.DatetimeIndex(self.months.astype("datetime64[ns]")))


def counts_by_month(dates: pd.Series, category: np.ndarray, categories: int) -> tuple[np.ndarray, np.ndarray]:
    """(months, counts[category, month]) for incidents with a category index each, counted
    with numpy: the overview and the binned timeline call this on every rerun."""
    months = dates.to_numpy().astype("datetime64[M]")
    unique_months, month_index = np.unique(months, return_inverse=True)
    counts = np.zeros((categories, len(unique_months)), dtype=np.int64)
    np.add.at(counts, (category, month_index), 1)
    return unique_months, counts
