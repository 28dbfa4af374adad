"""The sidebar filters, drawn from the declarations in ``incidents.filters.PARAMS``.

Options show labels; the widgets hold codes (what links carry). Consecutive date widgets
share a row, so "From" and "To" sit side by side.
"""

from __future__ import annotations

import streamlit as st

from components import text
from components.map import BASEMAPS
from incidents.filters import COLOR_FIELDS, EARLIEST_DATE, LATEST_DATE, PARAMS, Param
from incidents.labels import codes, label
from incidents.view import MAX_REPEATED

SIDEBAR_KINDS = {"date", "multiselect", "text", "number", "select"}


def _with_seeded(options: list[str], key: str) -> list[str]:
    # A link may name a valid code the data does not (yet) contain; keep it selectable so
    # the widget can show it instead of raising.
    seeded = st.session_state.get(key) or []
    return options + [value for value in seeded if value not in options]


def _options(param: Param, data_options: dict[str, list[str]]) -> list[str]:
    source = param.widget.options or ""
    if source.startswith("data:"):
        return list(data_options.get(source.removeprefix("data:"), []))
    return list(codes(source))


def _date(param: Param) -> None:
    st.date_input(
        param.label, key=param.session_key, min_value=EARLIEST_DATE, max_value=LATEST_DATE, format="YYYY-MM-DD"
    )


def _multiselect(param: Param, data_options: dict[str, list[str]], data_labels: dict[str, dict[str, str]]) -> None:
    labels = param.widget.labels or param.key
    named = data_labels.get(labels, {})
    st.multiselect(
        param.label,
        _with_seeded(_options(param, data_options), param.session_key),
        format_func=lambda code: named.get(code) or label(labels, code),
        key=param.session_key,
        placeholder="Any",
        help=param.help,
        accept_new_options=param.widget.free_text,
        max_selections=MAX_REPEATED,
    )


def _text(param: Param) -> None:
    st.text_input(
        param.label,
        key=param.session_key,
        placeholder=param.widget.placeholder,
        max_chars=param.max_chars,
        help=param.help,
    )


def _number(param: Param) -> None:
    st.number_input(
        param.label,
        key=param.session_key,
        min_value=param.widget.minimum,
        max_value=param.widget.maximum,
        step=param.widget.step,
        placeholder=param.widget.placeholder,
        help=param.help,
    )


def _select(param: Param) -> None:
    st.divider()
    st.selectbox(param.label, list(COLOR_FIELDS), format_func=COLOR_FIELDS.__getitem__, key=param.session_key)


def render_filters(options: dict[str, list[str]], data_labels: dict[str, dict[str, str]] | None = None) -> str:
    """Draw the filter widgets; returns the chosen basemap (not part of the link contract).
    ``options``: codes present in the data per "data:" option source; ``data_labels``: their
    labels where no vocabulary has them (layer titles, zone names)."""
    text.header("Filters")
    shown = [param for param in PARAMS if param.widget.kind in SIDEBAR_KINDS]
    index = 0
    while index < len(shown):
        param = shown[index]
        if param.widget.kind == "date":
            dates = [p for p in shown[index : index + 2] if p.widget.kind == "date"]
            for column, date_param in zip(st.columns(len(dates)), dates, strict=True):
                with column:
                    _date(date_param)
            index += len(dates)
            continue
        if param.widget.kind == "multiselect":
            _multiselect(param, options, data_labels or {})
        elif param.widget.kind == "text":
            _text(param)
        elif param.widget.kind == "number":
            _number(param)
        elif param.widget.kind == "select":
            _select(param)
        index += 1
    return st.radio(
        "Basemap",
        list(BASEMAPS),
        format_func=BASEMAPS.get,
        key="basemap",
        help="The online maps load tiles from their providers; the built-in map needs no internet.",
    )
