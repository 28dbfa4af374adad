"""What the page tells the reader about the link, the data and an empty result."""

from __future__ import annotations

import streamlit as st

from components import text
from incidents.filters import BY_KEY
from incidents.problems import Problem
from incidents.view import Notice


def notice_line(notice: Notice) -> text.Safe:
    """One invalid link value: quoted, shortened and escaped, then why it was dropped."""
    return text.Safe(text.fill("- {}: {}", text.quoted_value(notice.key, notice.value), notice.message))


def render_link_notices(notices: list[Notice]) -> None:
    if notices:
        lines = [notice_line(notice) for notice in notices]
        text.warning(
            "Parts of this link were not understood and are ignored; the rest applies.\n\n"
            + "\n".join(["{}"] * len(lines)),
            *lines,
        )


def render_missing_incident(incident_id: str, problems: list[Problem]) -> None:
    if problems:
        reasons = [text.Safe(text.fill("- {}: {}", problem.field, problem.message)) for problem in problems]
        text.warning(
            "Incident {} is in the data but its record is invalid:\n\n" + "\n".join(["{}"] * len(reasons)),
            incident_id,
            *reasons,
        )
    else:
        text.warning("Incident not found: {}. Showing the rest of the view.", incident_id)


def render_empty_state(active_filters: list[str]) -> None:
    names = ", ".join(f"{BY_KEY[key].label} ({key})" for key in active_filters)
    text.info("No incidents match these filters. Try loosening: {}.", names or "the filters")


def render_data_quality(problems: list[Problem], rejected_files: list[str]) -> None:
    if not problems:
        return
    # st.dataframe draws cells as text on a canvas: no Markdown, no HTML.
    with st.expander(f"Data quality: {len(rejected_files)} record files could not be loaded", icon="⚠️"):
        st.dataframe(
            [{"file": p.path, "field": p.field, "problem": p.message} for p in problems],
            hide_index=True,
        )


def render_unknown_place(near: str) -> None:
    text.warning(
        "{} is not in the offline gazetteer, so the proximity filter is off. "
        "Try a larger nearby city, or coordinates as lat,lon.",
        near,
        limit=80,
    )


def render_invalid_rows(problems: list[Problem], count: int) -> None:
    """Rows of this view whose full record does not validate: downloads leave them out."""
    if not problems:
        return
    rows = sorted({problem.path for problem in problems})
    lines = [text.Safe(text.fill("- {}: {}: {}", p.path, p.field, p.message)) for p in problems[:20]]
    text.warning(
        "{} of the {} incidents in this view have records that do not validate; downloads leave them out.\n\n"
        + "\n".join(["{}"] * len(lines)),
        f"{len(rows):,}",
        f"{count:,}",
        *lines,
    )


def render_layer_problems(problems: list[Problem], unknown: list[str]) -> None:
    """Layers that could not be used: bad files of $INCIDENTS_LAYERS, or ids a link names."""
    lines = [text.Safe(text.fill("- {}: {}: {}", p.path, p.field, p.message)) for p in problems[:20]]
    lines += [text.Safe(text.fill("- layer {}: no such layer is loaded", key)) for key in unknown]
    if lines:
        text.warning("Some airspace layers are not drawn:\n\n" + "\n".join(["{}"] * len(lines)), *lines)


def render_zone_filter_off(rows: int) -> None:
    text.info(
        "The zone filter is off: airspace facts are computed at load for up to 20,000 incidents, and this "
        "dataset has {}.",
        f"{rows:,}",
    )
