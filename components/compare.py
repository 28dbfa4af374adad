"""Two periods compared: counts by type, region and initiator side by side, with the
difference. The periods are the link's ``compare`` key, so a comparison is a link too."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from components import text
from components.url_state import WIDGET_KEYS
from incidents import periods
from incidents.labels import label
from incidents.periods import Window

FIRST_KEY, SECOND_KEY = "compare_first", "compare_second"
HEADINGS = {"type": "By type", "region": "By region", "initiators": "By initiator"}
LABEL_FIELDS = {"type": "type", "region": "region", "initiators": "initiator"}


def _chosen(years: list[int], current: tuple[Window, ...]) -> list[str]:
    options = [str(year) for year in years]
    return options + [periods.format_period(w) for w in current if periods.format_period(w) not in options]


def _on_change() -> None:
    first, second = st.session_state.get(FIRST_KEY), st.session_state.get(SECOND_KEY)
    if first and second:
        st.session_state[WIDGET_KEYS["compare"]] = (periods.parse_period(first), periods.parse_period(second))
    else:
        st.session_state[WIDGET_KEYS["compare"]] = ()


def labelled(table: pd.DataFrame, column: str, first: Window, second: Window) -> pd.DataFrame:
    """The counts with labels for codes and the periods as column names."""
    return pd.DataFrame(
        {
            HEADINGS[column].removeprefix("By ").capitalize(): [label(LABEL_FIELDS[column], c) for c in table[column]],
            periods.format_period(first): table["first"],
            periods.format_period(second): table["second"],
            "difference": table["difference"],
        }
    )


def render_comparison(years: list[int], tables: dict[str, pd.DataFrame], current: tuple[Window, ...]) -> None:
    with st.expander("Compare two periods", expanded=bool(tables), icon=":material/compare_arrows:"):
        options = _chosen(years, current)
        if len(current) == 2:
            st.session_state[FIRST_KEY], st.session_state[SECOND_KEY] = (periods.format_period(w) for w in current)
        left, right = st.columns(2)
        left.selectbox("First period", options, key=FIRST_KEY, index=None, on_change=_on_change, placeholder="A year")
        right.selectbox(
            "Second period", options, key=SECOND_KEY, index=None, on_change=_on_change, placeholder="A year"
        )
        if not tables:
            text.caption("Pick two years; the other filters apply to both. A link can also name any two date ranges.")
            return
        first, second = current
        text.caption(
            "Incidents in {} and in {} with the view's other filters; difference = second minus first. "
            "An incident with several initiators counts once for each.",
            periods.format_period(first),
            periods.format_period(second),
        )
        columns = st.columns(len(tables))
        for column, (name, table) in zip(columns, tables.items(), strict=True):
            with column:
                text.markdown("**{}**", HEADINGS[name])
                st.dataframe(labelled(table, name, first, second), hide_index=True)
