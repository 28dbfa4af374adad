"""The timeline as a researcher uses it (issue 12), in headless Chromium: zoom along time only,
the date window's controls, a click on a month, the first screen at 1440x900, playback."""

from __future__ import annotations

import time
from urllib.parse import parse_qs, urlsplit

import pandas as pd
import pytest
from playwright.sync_api import Page, expect
from playwright.sync_api import TimeoutError as PlaywrightTimeout

from incidents import periods
from tests.e2e.browser import TIMEOUT, wait_idle, wait_map_drawn

pytestmark = pytest.mark.e2e
LAPTOP = {"width": 1440, "height": 900}
TIMELINE = ".st-key-timeline .js-plotly-plot"
MAIN = "[data-testid=stMain]"


def open_at(visitor, query: str = "", viewport: dict | None = None) -> Page:
    session = visitor(viewport or LAPTOP)
    page = session.page
    page.goto(f"{session.app_url}/?{query}", timeout=3 * TIMEOUT)  # CI runs two browser suites on two cores
    wait_idle(page)
    wait_map_drawn(page)
    return page


def query_of(page: Page) -> dict[str, list[str]]:
    return parse_qs(urlsplit(page.url).query)


def axes(page: Page) -> dict:
    return page.wait_for_function(
        f"""() => {{ const gd = document.querySelector('{TIMELINE}');
        if (!gd || !gd._fullLayout) return null;
        const {{xaxis, yaxis}} = gd._fullLayout;
        const lanes = new Set();
        for (const trace of gd._fullData) {{
            if (trace.mode !== 'markers' || !trace.customdata) continue;
            trace.x.forEach((x, i) => {{
                const t = xaxis.d2l(x);
                if (t >= xaxis.r2l(xaxis.range[0]) && t <= xaxis.r2l(xaxis.range[1])) lanes.add(trace.y[i]);
            }});
        }}
        return {{x: xaxis.range.map(String), y: yaxis.range, lanes: yaxis.categoryarray, shown: [...lanes],
                 drawn: [...gd.querySelectorAll('.ytick text')].map(t => t.textContent)}}; }}""",
        timeout=TIMEOUT,
    ).json_value()


def x_pixel(page: Page, day: str) -> tuple[float, float]:
    return page.evaluate(
        f"""(day) => {{ const gd = document.querySelector('{TIMELINE}');
        const {{xaxis, _size}} = gd._fullLayout; const box = gd.getBoundingClientRect();
        return [box.x + _size.l + xaxis.d2p(day), box.y + _size.t + _size.h / 2]; }}""",
        day,
    )


def scroll_top(page: Page) -> int:
    return page.evaluate(f"() => document.querySelector('{MAIN}').scrollTop")


def test_ctrl_wheel_zooms_the_dates_only_and_the_plain_wheel_scrolls_the_page(visitor):
    page = open_at(visitor)
    before = axes(page)
    page.mouse.move(*x_pixel(page, "2023-07-15"))
    page.mouse.wheel(0, 400)  # no modifier: the page scrolls, the chart keeps its dates
    page.wait_for_function(f"() => document.querySelector('{MAIN}').scrollTop > 0", timeout=TIMEOUT)
    assert axes(page)["x"] == before["x"]
    page.evaluate(f"() => {{ document.querySelector('{MAIN}').scrollTop = 0; }}")
    page.wait_for_function(f"() => document.querySelector('{MAIN}').scrollTop === 0", timeout=TIMEOUT)
    page.mouse.move(*x_pixel(page, "2023-07-15"))
    page.keyboard.down("Control")
    for _ in range(25):
        page.mouse.wheel(0, -100)
        time.sleep(0.02)
    page.keyboard.up("Control")
    page.wait_for_timeout(300)
    after = axes(page)
    start, end = (pd.Timestamp(value) for value in after["x"])
    assert end - start < (pd.Timestamp(before["x"][1]) - pd.Timestamp(before["x"][0])) / 5, "the dates zoomed in"
    assert start <= pd.Timestamp("2023-07-15") <= end
    assert after["y"] == before["y"]  # the lanes did not zoom
    assert after["lanes"] == before["lanes"]
    assert after["shown"], "the zoomed window shows incidents"
    assert set(after["shown"]) <= set(after["drawn"]), "every lane with an incident in view keeps its label"
    assert scroll_top(page) == 0, "zooming did not scroll the page"

    page.get_by_role("button", name="Window = timeline").click()
    expected = periods.snap(*after["x"])
    page.wait_for_function(f"() => location.search.includes('from={expected[0]}')", timeout=TIMEOUT)
    assert query_of(page)["from"] == [expected[0].isoformat()]
    assert query_of(page)["to"] == [expected[1].isoformat()]


def test_a_preset_the_slider_and_a_month_bar_set_inclusive_windows(visitor):
    page = open_at(visitor)
    page.locator(".st-key-window_preset button", has_text="2023").click()
    page.wait_for_function("() => location.search.includes('to=2023-12-31')", timeout=TIMEOUT)
    assert (query_of(page)["from"], query_of(page)["to"]) == (["2023-01-01"], ["2023-12-31"])
    wait_idle(page)
    page.locator(".st-key-window_slider input").last.focus()
    page.keyboard.press("ArrowLeft")
    page.wait_for_function("() => location.search.includes('to=2023-12-30')", timeout=TIMEOUT)
    assert query_of(page)["from"] == ["2023-01-01"]
    wait_idle(page)
    expect(page.locator(".st-key-f_to input")).to_have_value("2023-12-30")  # the sidebar follows
    monthly = ".st-key-overview-monthly .js-plotly-plot"
    page.locator(monthly).scroll_into_view_if_needed()
    position = page.evaluate(
        f"""() => {{ const gd = document.querySelector('{monthly}');
        const {{xaxis, yaxis, _size}} = gd._fullLayout; const box = gd.getBoundingClientRect();
        for (const [i, trace] of gd._fullData.entries())
            for (const [j, month] of (trace.customdata || []).entries())
                if (month === '2023-07') {{ const bar = gd.calcdata[i][j];
                    return [box.x + _size.l + xaxis.c2p(bar.p), box.y + _size.t + yaxis.c2p(bar.s1 - 0.2)]; }}
        return null; }}"""
    )
    assert position, "July 2023 has a bar"
    page.mouse.click(*position)
    page.wait_for_function("() => location.search.includes('to=2023-07-31')", timeout=TIMEOUT)
    assert (query_of(page)["from"], query_of(page)["to"]) == (["2023-07-01"], ["2023-07-31"])


def test_count_map_and_lanes_fit_the_first_screen_and_opening_keeps_the_timeline_in_place(visitor):
    page = open_at(visitor)
    boxes = page.evaluate(
        f"""() => ({{
        count: document.querySelector('[data-testid=stMetricValue]').getBoundingClientRect().bottom,
        map: document.querySelector('.st-key-map .js-plotly-plot').getBoundingClientRect().bottom,
        lanes: document.querySelector('{TIMELINE} .gridlayer').getBoundingClientRect().bottom,
        top: document.querySelector('{TIMELINE}').getBoundingClientRect().top }})"""
    )
    assert max(boxes["count"], boxes["map"], boxes["lanes"]) <= LAPTOP["height"], boxes
    opened = open_at(visitor, "incident=2023-03-14-black-sea-su27-mq9-collision")
    top = opened.evaluate(f"() => document.querySelector('{TIMELINE}').getBoundingClientRect().top")
    assert abs(top - boxes["top"]) < 40, "the open incident's panel did not push the timeline down"


MARKERS = """() => { const gd = document.querySelector('.st-key-map .js-plotly-plot');
    if (!gd || !gd._fullData) return null;
    return gd._fullData.filter(t => t.mode === 'markers' && t.customdata && t.name !== 'Open incident')
        .reduce((n, t) => n + (t.lat || []).length, 0); }"""


def button_js(name: str) -> str:
    # The label's own paragraph: a button's text also holds its icon's ligature ("pause").
    return (f"[...document.querySelectorAll('button')]"
            f".find(b => [...b.querySelectorAll('p')].some(p => p.innerText.trim() === '{name}'))")  # fmt: skip


def press_pause(page) -> None:
    """Each playback step redraws the controls; under CI's load Playwright's click kept finding
    the button detached, so the page clicks it in one step of its own, once, then waits for
    Play to come back (and tries again if that click was lost to a redraw)."""
    for _ in range(3):
        page.evaluate(f"() => {{ const pause = {button_js('Pause')}; if (pause) pause.click(); }}")
        try:
            page.wait_for_function(f"() => !!{button_js('Play')}", timeout=TIMEOUT / 3)
            return
        except PlaywrightTimeout:
            continue
    raise AssertionError("Pause did not stop playback")


def test_play_advances_the_map_month_by_month_and_pause_keeps_the_position(visitor):
    page = open_at(visitor, "from=2023-01-01&to=2023-12-31")
    whole_year = page.evaluate(MARKERS)
    entries = page.evaluate("history.length")
    page.get_by_role("button", name="Play").click()
    counts, bands = [], set()
    deadline = time.monotonic() + 12
    while time.monotonic() < deadline and len(bands) < 4:
        page.wait_for_timeout(400)
        band = page.evaluate(
            f"() => {{ const gd = document.querySelector('{TIMELINE}');"
            " return gd && gd._fullLayout && gd._fullLayout.shapes.length ? gd._fullLayout.shapes[0].x0 : null; }"
        )
        if band:
            bands.add(band[:7])
            counts.append(page.evaluate(MARKERS))
    assert len(bands) >= 3, f"the timeline's window moved month by month: {sorted(bands)}"
    assert all(count is not None and count < whole_year for count in counts), "the map shows one month at a time"
    assert page.evaluate("history.length") <= entries + 1, "no history entry per step"
    press_pause(page)
    page.wait_for_function("() => location.search.includes('at=2023-')", timeout=TIMEOUT)
    wait_idle(page)
    paused = query_of(page)["at"]
    page.wait_for_timeout(2500)
    assert query_of(page)["at"] == paused
    assert page.get_by_role("button", name="Play").is_visible()
