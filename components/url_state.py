"""Keeping the page and its URL in step (docs/architecture.md, "One rerun").

The query string is read once at the top of a run. If it changed since we last saw it (a
pasted link, the first load, the browser's Back button) it seeds the widgets; otherwise the
widgets own the state. At the end of the run the state is written back, once, and only if it
changed, because every write is a browser-history entry.
"""

from __future__ import annotations

from urllib.parse import urlencode

import streamlit as st

from incidents import view
from incidents.filters import BY_ATTRIBUTE, PARAMS, Param
from incidents.view import Notice, ViewState

SEEN_PARAMS = "_url_params_seen"
NOTICES = "_url_notices"
SEEDED_STATE = "_url_seeded_state"

# ViewState attribute -> widget key in st.session_state, from the declarations. The dataset
# version is not a widget: the page stamps the loaded data's version.
WIDGET_KEYS = {param.attribute: param.session_key for param in PARAMS if param.key != "v"}


def refuse_oversized_links() -> None:
    """Make Streamlit's silent drop of an over-limit query string visible (components.serve).

    Streamlit replaces such a query string with an empty one before the script runs; the
    guard replaces it with ``view.OVERSIZED_KEY`` and its size, which ``view.parse_view``
    refuses with a notice. Installed once per process; a test fails if Streamlit moves it.
    """
    from streamlit.runtime import app_session

    if getattr(app_session.sanitize_query_string, "atlas_guard", False):
        return
    sanitize = app_session.sanitize_query_string

    def guarded(query_string: str) -> str:
        kept = sanitize(query_string)
        if query_string and not kept:
            size = f"{len(query_string):,} characters, {query_string.count('&') + 1:,} parameters"
            return urlencode({view.OVERSIZED_KEY: size})
        return kept

    guarded.atlas_guard = True  # type: ignore[attr-defined]
    app_session.sanitize_query_string = guarded


def _current_params() -> dict[str, list[str]]:
    return {key: st.query_params.get_all(key) for key in st.query_params}


def read_view() -> tuple[ViewState, list[Notice]]:
    """The view the URL asks for; seeds the widgets when the URL changed from outside."""
    params = _current_params()
    if st.session_state.get(SEEN_PARAMS) != params:
        parsed = view.parse_view(params)
        for attribute, key in WIDGET_KEYS.items():
            value = getattr(parsed.state, attribute)
            st.session_state[key] = list(value) if isinstance(value, tuple) else value
        st.session_state[SEEN_PARAMS] = params
        st.session_state[NOTICES] = parsed.notices
        st.session_state[SEEDED_STATE] = parsed.state
    return st.session_state[SEEDED_STATE], st.session_state[NOTICES]


def _typed(param: Param, value: object) -> object:
    """A widget's value as the view holds it. Free text goes through the parser a link's value
    goes through, so the widget and the URL bound and clean it alike; invalid text is dropped."""
    if param.widget.kind == "text" or param.widget.free_text:
        values = value if isinstance(value, list | tuple) else [value or ""]
        kept = []
        for raw in values:
            try:
                kept.append(view.parse_value(param, str(raw)))
            except ValueError:
                continue
        if param.repeated:
            return tuple(dict.fromkeys(kept))
        return kept[0] if kept and kept[0] else param.empty
    if isinstance(value, list):
        return tuple(value)
    return param.empty if value is None else value


def widget_state(version: str) -> ViewState:
    """The view as the widgets (and chart selections) hold it now."""
    values = {
        attribute: _typed(BY_ATTRIBUTE[attribute], st.session_state.get(key)) for attribute, key in WIDGET_KEYS.items()
    }
    return ViewState(**values, version=version)


def write_view(state: ViewState, seeded: ViewState) -> None:
    """Push the state to the URL if the user changed it (ignoring the version stamp)."""
    if state == seeded.replace(version=state.version):
        return
    params = view.view_params(state)
    st.query_params.from_dict(params)
    st.session_state[SEEN_PARAMS] = params
    st.session_state[SEEDED_STATE] = state
    st.session_state[NOTICES] = []  # the link the notices were about is gone


def open_incident(incident_id: str | None) -> None:
    st.session_state[WIDGET_KEYS["incident"]] = incident_id


def show_series(series: str) -> None:
    """The view of one whole series: every other filter is cleared, the open incident stays."""
    for param in PARAMS:
        if param.filters:
            st.session_state[param.session_key] = list(param.empty) if param.repeated else param.empty
    st.session_state[WIDGET_KEYS["series"]] = [series]


def requested_as_of() -> str | None:
    """The release the view asks to be shown on (``asof=``), as the link or the button set it."""
    value = st.session_state.get(WIDGET_KEYS["as_of"])
    return value if isinstance(value, str) and value else None


def show_as_of(version: str | None) -> None:
    """Show the view on a release's data (None: on the current data)."""
    st.session_state[WIDGET_KEYS["as_of"]] = version


def set_date_window(start, end) -> None:
    st.session_state[WIDGET_KEYS["date_from"]] = start
    st.session_state[WIDGET_KEYS["date_to"]] = end


def set_proximity(near: str, radius_km: float) -> None:
    st.session_state[WIDGET_KEYS["near"]] = near
    st.session_state[WIDGET_KEYS["radius_km"]] = radius_km


class Links:
    """Absolute links to views of this page (permalinks, related incidents, citations)."""

    def __init__(self, state: ViewState):
        self.state = state
        self.base = st.context.url or ""

    def to_incident(self, incident_id: str | None) -> str:
        return f"{self.base}?{view.view_query(view.replace_incident(self.state, incident_id))}"

    def to_view(self) -> str:
        return self.to_incident(self.state.incident)
