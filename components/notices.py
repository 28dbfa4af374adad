"""What the page tells the reader about the link, the data and an empty result."""

from __future__ import annotations

import streamlit as st

from incidents.problems import Problem
from incidents.view import KEYS, Notice


def render_link_notices(notices: list[Notice]) -> None:
    if notices:
        lines = "\n".join(f"- {notice}" for notice in notices)
        st.warning(f"Parts of this link were not understood and are ignored; the rest applies.\n\n{lines}")


def render_version_notice(link_version: str | None, data_version: str) -> None:
    if link_version and link_version != data_version:
        st.info(
            f"This link was made with dataset version {link_version}; the data has changed since "
            f"(now {data_version}). The view is applied to the current data.",
            icon=":material/history:",
        )


def render_missing_incident(incident_id: str, problems: list[Problem]) -> None:
    if problems:
        reasons = "\n".join(f"- {problem.field}: {problem.message}" for problem in problems)
        st.warning(f"Incident `{incident_id}` is in the data but its record is invalid:\n\n{reasons}")
    else:
        st.warning(f"Incident not found: `{incident_id}`. Showing the rest of the view.")


def render_empty_state(active_filters: list[str]) -> None:
    names = ", ".join(f"{KEYS[key][1].split(',')[0]} (`{key}`)" for key in active_filters)
    st.info(f"No incidents match these filters. Try loosening: {names or 'the filters'}.")


def render_data_quality(problems: list[Problem], rejected_files: list[str]) -> None:
    if not problems:
        return
    with st.expander(f"Data quality: {len(rejected_files)} record files could not be loaded", icon="⚠️"):
        st.dataframe(
            [{"file": p.path, "field": p.field, "problem": p.message} for p in problems],
            hide_index=True,
        )


def render_unknown_place(near: str) -> None:
    st.warning(
        f"`{near}` is not in the offline gazetteer, so the proximity filter is off. "
        "Try a larger nearby city, or coordinates as `lat,lon`."
    )
