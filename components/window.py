"""The date window under the timeline: presets, a day slider, and "window = what the timeline
shows". Every control snaps to whole days, inclusive at both ends, and writes ``from``/``to``
through the sidebar's date widgets, so the sidebar follows.

One small browser script (a Streamlit v2 component, our own constant code, no record or link
text in it) does two things Python cannot: it reads the range the reader zoomed the timeline
to, and it keeps the mouse wheel scrolling the page over the charts unless Ctrl or Cmd is held,
when it zooms the dates (plotly's scrollZoom alone would trap the page's scrolling).
"""

from __future__ import annotations

from datetime import date

import streamlit as st

from components.url_state import WIDGET_KEYS, set_date_window
from incidents import periods
from incidents.periods import Window

SLIDER_KEY = "window_slider"
PRESET_KEY = "window_preset"
SHOWN_KEY = "window_shown"

_JS = """
export default function ({ parentElement, setTriggerValue }) {
  if (!window.__atlasWheelGate) {
    window.__atlasWheelGate = true;
    // Capture phase, before plotly or MapLibre see the event: without Ctrl/Cmd the wheel
    // event stops here and the browser scrolls the page; with it, the chart zooms.
    document.addEventListener("wheel", (event) => {
      const chart = event.target instanceof Element && event.target.closest(".stPlotlyChart");
      if (chart && !(event.ctrlKey || event.metaKey)) event.stopImmediatePropagation();
    }, { capture: true, passive: true });
  }
  const button = parentElement.querySelector("button");
  button.onclick = () => {
    const plot = document.querySelector(".st-key-timeline .js-plotly-plot");
    const range = plot && plot._fullLayout && plot._fullLayout.xaxis && plot._fullLayout.xaxis.range;
    if (range) setTriggerValue("shown", [String(range[0]), String(range[1])]);
  };
}
"""
_CSS = """
button { font: inherit; font-size: 0.875rem; padding: 0.25rem 0.75rem; min-height: 2rem; cursor: pointer;
         border: 1px solid rgba(49, 51, 63, 0.35); border-radius: 0.5rem; background: #fff; color: #31333f; }
button:hover { border-color: #0072b2; color: #0072b2; }
button:focus-visible { outline: 2px solid #0072b2; outline-offset: 2px; }
"""
_HTML = '<button type="button" title="Set the date window to the dates the timeline shows">Window = timeline</button>'
_shown_button = st.components.v2.component("atlas_window_shown", html=_HTML, css=_CSS, js=_JS)


def _set(window: Window) -> None:
    set_date_window(window.start, window.end)


def _on_preset(options: dict[str, Window]) -> None:
    chosen = st.session_state.get(PRESET_KEY)
    if chosen in options:
        _set(options[chosen])


def _on_slider(bounds: tuple[date, date]) -> None:
    start, end = st.session_state[SLIDER_KEY]
    # The slider at an end of the data means "open": the link stays short and keeps meaning
    # "to the latest record" when records are added.
    _set(Window(None if start <= bounds[0] else start, None if end >= bounds[1] else end))


def _on_shown() -> None:
    shown = st.session_state[SHOWN_KEY].get("shown")
    if shown:
        _set(Window(*periods.snap(shown[0], shown[1])))


def current_window() -> Window:
    return Window(st.session_state.get(WIDGET_KEYS["date_from"]), st.session_state.get(WIDGET_KEYS["date_to"]))


def render_shown_button() -> None:
    """ "Window = timeline": the dates the reader zoomed the timeline to become the window."""
    _shown_button(key=SHOWN_KEY, on_shown_change=_on_shown)


def render_window_controls(span: tuple[date, date] | None, years: list[int], today: date) -> None:
    """Presets and the window slider, for the whole data's first date and last day (``span``)
    and its ``years``: not the filtered ones, since a window must be able to widen again."""
    if span is None:
        return
    bounds = span
    window = current_window()
    options = {preset.label: preset.window for preset in periods.presets(years, today)}
    # Show which preset the current window is, if any (a link or the sidebar may have set it).
    st.session_state[PRESET_KEY] = next((label for label, w in options.items() if w == window), None)
    st.pills(
        "Date window",
        list(options),
        key=PRESET_KEY,
        on_change=_on_preset,
        args=(options,),
        label_visibility="collapsed",
    )
    start = min(max(window.start or bounds[0], bounds[0]), bounds[1])
    end = max(min(window.end or bounds[1], bounds[1]), start)
    st.session_state[SLIDER_KEY] = (start, end)
    st.slider(
        "Date window",
        min_value=bounds[0],
        max_value=bounds[1],
        key=SLIDER_KEY,
        format="YYYY-MM-DD",
        on_change=_on_slider,
        args=(bounds,),
        help="Drag either end: the window is whole days, both ends included; the sidebar dates follow.",
    )
