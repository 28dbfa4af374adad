"""The sidebar filters. Options show labels; the widgets hold codes (what links carry)."""

from __future__ import annotations

import streamlit as st

from components import text
from components.map import BASEMAPS
from components.url_state import WIDGET_KEYS
from incidents.labels import codes, label
from incidents.view import COLOR_FIELDS, EARLIEST_DATE, LATEST_DATE, MAX_REPEATED, MAX_VALUE_CHARS, MAX_WORDS


def _with_seeded(options: list[str], key: str) -> list[str]:
    # A link may name a valid code the data does not (yet) contain; keep it selectable so
    # the widget can show it instead of raising.
    seeded = st.session_state.get(key) or []
    return options + [value for value in seeded if value not in options]


def _multiselect(title: str, attribute: str, options: list[str], field: str, help: str | None = None) -> None:
    key = WIDGET_KEYS[attribute]
    st.multiselect(
        title,
        _with_seeded(options, key),
        format_func=lambda code: label(field, code),
        key=key,
        placeholder="Any",
        help=help,
    )


def render_filters(options: dict[str, list[str]]) -> str:
    """Draw the filter widgets; returns the chosen basemap (not part of the link contract)."""
    text.header("Filters")
    start, end = st.columns(2)
    start.date_input(
        "From", key=WIDGET_KEYS["date_from"], min_value=EARLIEST_DATE, max_value=LATEST_DATE, format="YYYY-MM-DD"
    )
    end.date_input(
        "To", key=WIDGET_KEYS["date_to"], min_value=EARLIEST_DATE, max_value=LATEST_DATE, format="YYYY-MM-DD"
    )
    _multiselect("Incident type", "types", list(codes("type")), "type")
    _multiselect("Region", "regions", list(codes("region")), "region")
    _multiselect("Initiator", "initiators", options["initiators"], "initiator", "Who performed the act")
    _multiselect("Target", "targets", options["targets"], "target", "Who received it")
    platform_key = WIDGET_KEYS["platforms"]
    st.multiselect(
        "Platform",
        _with_seeded(list(codes("category")), platform_key),
        format_func=lambda code: label("category", code),
        key=platform_key,
        placeholder="Any",
        accept_new_options=True,
        max_selections=MAX_REPEATED,
        help="A platform category, or type a platform name such as MQ-9 Reaper",
    )
    _multiselect("Verification", "verification", list(codes("verification")), "verification")
    st.text_input(
        "Search",
        key=WIDGET_KEYS["q"],
        placeholder="title, summary, place, platform",
        max_chars=MAX_VALUE_CHARS["q"],
        help=f"Finds incidents containing every word (at most {MAX_WORDS} words)",
    )
    st.text_input(
        "Near (place or lat,lon)",
        key=WIDGET_KEYS["near"],
        placeholder="e.g. Tartus or 44.6,33.5",
        max_chars=MAX_VALUE_CHARS["near"],
    )
    st.number_input(
        "Radius (km)", key=WIDGET_KEYS["radius_km"], min_value=1.0, max_value=20000.0, step=50.0, placeholder="300"
    )
    st.divider()
    st.selectbox("Colour by", list(COLOR_FIELDS), format_func=COLOR_FIELDS.get, key=WIDGET_KEYS["color"])
    return st.radio(
        "Basemap",
        list(BASEMAPS),
        format_func=BASEMAPS.get,
        key="basemap",
        help="The online maps load tiles from their providers; the built-in map needs no internet.",
    )
