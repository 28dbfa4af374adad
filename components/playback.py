"""Playback: step through time, month by month, map and timeline together.

The position (``at``, a month) and the window (``span``: N months, or cumulative) are view
keys, so a paused position is a link. While playing, only a fragment (map and timeline)
reruns each step: the rest of the page is not rebuilt and the URL is not written, so the
browser's history gets no entry per step; pausing writes the position once.

The position is computed from the clock (the month playback started at plus the steps the
chosen speed allows since), so a step is never taken twice, whichever run draws it.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from datetime import date

import streamlit as st

from components.url_state import WIDGET_KEYS
from incidents import periods

PLAYING = "_playing"  # (started at monotonic seconds, first month, seconds per step) or absent
FINISHED = "_playback_finished"
SPEED_KEY = "playback_speed"
SPEEDS = {"Slow": 2.0, "Normal": 1.0, "Fast": 0.5}
SPANS = {1: "1 month", 3: "3 months", 6: "6 months", 12: "12 months", periods.CUMULATIVE: "Cumulative"}


def is_playing() -> bool:
    return PLAYING in st.session_state


def position(first: date, last: date) -> date | None:
    """The month shown now: advanced by the clock while playing, else the paused one."""
    at: date | None = st.session_state.get(WIDGET_KEYS["at"])
    playing = st.session_state.get(PLAYING)
    if playing is None:
        return at
    started, start_month, seconds = playing
    steps = int((time.monotonic() - started) / seconds)
    months = periods.positions(first, last)
    index = months.index(start_month) if start_month in months else 0
    current = months[min(index + steps, len(months) - 1)]
    st.session_state[WIDGET_KEYS["at"]] = current
    if index + steps >= len(months) - 1:
        del st.session_state[PLAYING]  # reached the end: stop there
        st.session_state[FINISHED] = True
    return current


def _play(first: date, last: date) -> None:
    months = periods.positions(first, last)
    at = st.session_state.get(WIDGET_KEYS["at"])
    start = at if at in months and at != months[-1] else months[0]
    st.session_state[WIDGET_KEYS["at"]] = start
    st.session_state[PLAYING] = (time.monotonic(), start, SPEEDS[st.session_state.get(SPEED_KEY) or "Normal"])


def _pause() -> None:
    st.session_state.pop(PLAYING, None)


def _stop() -> None:
    st.session_state.pop(PLAYING, None)
    st.session_state[WIDGET_KEYS["at"]] = None


def render_controls(first: date | None, last: date | None, extra: Callable[[], None] | None = None) -> None:
    """Play or pause, the window (N months or cumulative), the speed, leave playback, and
    ``extra`` (another control for the same row)."""
    if first is None or last is None:
        return
    play, span, speed, stop, more = st.columns([1.1, 1.5, 1.3, 1.1, 1.6], vertical_alignment="bottom")
    with play:
        if is_playing():
            st.button("Pause", icon=":material/pause:", on_click=_pause, key="playback_pause")
        else:
            st.button("Play", icon=":material/play_arrow:", on_click=_play, args=(first, last), key="playback_play")
    with span:
        linked = st.session_state.get(WIDGET_KEYS["span"])  # a link may ask for any 1-120 months
        options = sorted({*SPANS, *([linked] if isinstance(linked, int) else [])}, key=lambda n: (n == 0, n))
        st.selectbox("Window", options, format_func=_span_label, key=WIDGET_KEYS["span"])
    with speed:
        st.selectbox("Speed", list(SPEEDS), index=1, key=SPEED_KEY)
    with stop:
        at = st.session_state.get(WIDGET_KEYS["at"])
        st.button("Show all", on_click=_stop, disabled=at is None and not is_playing(), key="playback_stop")
    if extra is not None:
        with more:
            extra()


def _span_label(months: int) -> str:
    return SPANS.get(months) or f"{months} months"


def run(views: Callable[[], None]) -> None:
    """Draw ``views`` (map and timeline); while playing, as a fragment that reruns each step.

    Only while playing: a click on a chart inside a fragment reruns just the fragment, so the
    panel and the URL would not follow an incident opened from the map."""
    if not is_playing():
        views()
        return
    seconds = st.session_state[PLAYING][2]

    def step() -> None:
        views()
        if st.session_state.pop(FINISHED, False):
            st.rerun()  # the whole page: the button says Play again and the URL gets the position

    st.fragment(step, run_every=seconds)()
