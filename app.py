"""Airspace Incident Atlas: composition only (docs/architecture.md, "Layers").

Read the view from the URL, load the data, filter it, hand the frames to the components,
write the view back to the URL. The layout (docs/architecture.md, "Layout"): the count, then
map and timeline in the wide column with the incident panel beside them, so opening an
incident never pushes the timeline down; overview, comparison, table and downloads below.
"""

from datetime import date

import streamlit as st

from components import (
    about,
    compare,
    layermap,
    mapview,
    notices,
    playback,
    reconnect,
    research,
    selection,
    text,
    url_state,
    window,
)
from components.data import (
    about_data,
    current_dataset,
    current_layers,
    current_releases,
    release_catalog,
    release_dataset,
)
from components.filters import render_filters
from components.map import OpenIncident, render_map
from components.overview import render_count, render_overview
from components.panel import render_airspace_facts, render_incident_panel
from components.releases import as_of_view, render_changes_since, render_version, render_version_caption
from components.table import render_table, shown_rows
from components.timeline import render_timeline
from incidents import brief, describe, export, publish, view
from incidents.about import definitions
from incidents.dataset import InMemory
from incidents.palette import category_label
from incidents.periods import Window
from incidents.releases import record_history, view_changes

st.set_page_config(page_title="Airspace Incident Atlas", page_icon="✈️", layout="wide")

url_state.refuse_oversized_links()  # already in place when started by components.serve
current = current_dataset()
book = current_releases()
layers, layer_problems = current_layers()
zones = layermap.zone_labels(layers)
seeded, link_notices = url_state.read_view()
# asof=: the view is applied to a release's snapshot, through the same path as current data.
as_of = as_of_view(book, url_state.requested_as_of(), release_catalog)
data = release_dataset(as_of.catalog) if as_of.catalog is not None else current
with st.sidebar:
    basemap = render_filters(
        {**data.filter_options(), "layers": [layer.id for layer in layers], "zones": list(zones)},
        {"layer": {layer.id: layer.meta.title for layer in layers}, "zone": zones},
    )
state = url_state.widget_state(data.version)
# The view's rows to draw (all, or for a large queried view the newest) and, for a view larger
# than those, the counts that stand in for it (incidents/dataset.py).
drawn = data.drawn(state)
summary = data.summary(state, drawn)
frame = drawn.frame
links = url_state.Links(state)
near = view.proximity_place(state)

heading, count = st.columns([3, 1], vertical_alignment="bottom")
with heading:
    text.title("Airspace Incident Atlas")
    render_version_caption(data.version, book)
with count:
    render_count(drawn.total, data.total)
notices.render_link_notices(link_notices)
render_version(seeded.version, current.version, book, as_of, drawn.total)
if as_of.release is not None and as_of.catalog is not None and isinstance(current, InMemory):
    then, now = as_of.catalog, current  # a release is of curated data: compared with data held like it
    render_changes_since(
        as_of.release,
        lambda: view_changes(then, frame["id"], now.catalog, view.apply(now.frame, state)["id"]),
        lambda ids: {**now.titles(ids), **data.titles(ids)},
    )
notices.render_data_quality(data.problems, data.rejected_files)
notices.render_invalid_rows(data.known_invalid(frame["id"]), drawn.total)
if state.near and near is None:
    notices.render_unknown_place(state.near)
notices.render_layer_problems(
    layer_problems, [key for key in state.layers if key not in {layer.id for layer in layers}]
)
if state.zones and not data.has_zones:
    notices.render_zone_filter_off(data.total)
drawn_layers = [layer for layer in layers if layer.id in state.layers]

opened, record_problems = data.record(state.incident)
if state.incident and opened is None:
    notices.render_missing_incident(state.incident, record_problems)
open_row = data.row_of(state.incident)
colours = data.colours(state.color)
first, last = drawn.span() or (None, None)

if not drawn.total:
    notices.render_empty_state(state.active_filters())


fit_key = view.view_query(state.replace(at=None))  # a new view refits the map; playback does not
series = data.series_rows(opened)
fit_points = drawn.fit_points()


def map_and_timeline() -> None:
    """Redrawn alone at each playback step (components/playback.py)."""
    at = playback.position(first, last) if first and last else None
    shown = state.replace(at=at)
    playing = data.playing(shown, drawn)
    window = view.playback_window(shown) or Window(state.date_from, state.date_to)
    render_map(
        playing.frame,
        state.color,
        colours,
        key="map",
        on_select=lambda: selection.open_selected_point("map"),
        open_incident=OpenIncident.of(opened, open_row),
        basemap=basemap,
        view_key=fit_key,
        fit_to=fit_points,
        proximity=(near, state.effective_radius_km) if near else None,
        series_rows=series,
        under=layermap.layer_traces(drawn_layers, window),
        bins=playing.bins,
        cell_deg=playing.cell_deg,
        total=playing.total,
    )
    layermap.render_credits(drawn_layers)
    mapview.render_fit(view.map_bounds(fit_points, state, opened, near), fit_key)
    render_timeline(
        frame,
        state.color,
        colours,
        key="timeline",
        on_select=lambda: selection.timeline_selected("timeline"),
        open_row=open_row,
        window=Window(state.date_from, state.date_to),
        playing=view.playback_window(shown),
        series_rows=series,
        sorties=view.daily_sorties(drawn_layers, window),
        grouped=[category_label(state.color, code) for code in data.grouped(state.color)],
        monthly=summary.monthly if summary else None,
        total=drawn.total,
    )
    # The charts' text alternatives, under both so that count, map and every lane still fit a
    # 1440x900 first screen (docs/architecture.md, "Layout").
    text.caption("{}", describe.describe_map(playing.frame, summary if playing is drawn else None))
    text.caption("{}", describe.describe_timeline(frame, summary))


views, panel = st.columns([3, 2])
with views:
    playback.run(map_and_timeline)
    window.render_window_controls(data.span(), data.years(), date.today())
    playback.render_controls(first, last, extra=window.render_shown_button)
with panel:
    mapview.render_shared_points(drawn.shared_points())
    mapview.render_group_list(frame)
    if opened:
        with st.container(key="incident-panel"):  # the page script moves focus to its heading
            render_incident_panel(
                opened,
                data.titles(opened.related),
                permalink=links.to_incident(opened.id),
                shown_ids=data.shown_ids(state, drawn, opened.related),
                near=near,
                history=record_history(book, opened.id),
                releases=len(book.releases),
            )
            render_airspace_facts(data.airspace_facts(opened), zones)
            research.render_incident_citation(opened, data.version, links.to_incident(opened.id), date.today())
    else:
        text.info("Click an incident on the map, the timeline or the table to read it with its sources.")

text.caption("{}", describe.describe_overview(frame, summary))
render_overview(
    frame,
    state.color,
    colours,
    key="overview",
    on_month=lambda: selection.open_selected_point("overview-monthly"),
    summary=summary,
)
compare.render_comparison(data.years(), data.comparison(state), state.compare)
table_rows = shown_rows(frame)
offered = data.downloads(drawn.total)
with st.container(key="results"):  # the skip link's target
    text.header("Incidents")
    selection.remember_table_ids(table_rows["id"].tolist())
    render_table(
        table_rows,
        key="table",
        permalink=links.to_incident,
        on_select=lambda: selection.table_selected("table"),
        total=drawn.total,
        downloads_hold_all=bool(offered.formats),
    )
    printed = brief.printed_rows(table_rows)
    urls = data.source_urls(printed["id"])
    text.print_only(brief.print_table(printed, urls, drawn.total, downloads_hold_all=bool(offered.formats)))

with st.container(key="downloads"):
    text.header("Download and cite")
    exports, cite = st.columns(2)
    with exports:
        research.render_exports(
            lambda fmt: data.export(state, fmt),
            drawn.total,
            data.version,
            date.today(),
            key="export",
            tag=export.view_tag(state),
            offered=offered,
        )
        if offered.page:
            research.render_web_page(
                lambda: data.publish(state, links.to_view()),
                publish.file_name(state, data.version, date.today()),
                key="publish",
            )
    with cite:
        research.render_view_citation(state, drawn.total, data.version, links.to_view(), date.today())

collections, shares = about_data(data)
about.render_about(
    definitions(),
    collections,
    records=data.total,
    shares=shares,
    version=data.version,
    updated=book.last_updated(data.version),
)


reconnect.render_rerun_on_reconnect()
url_state.write_view(state, seeded)
missing = bool(state.incident and opened is None)
text.page_support(
    describe.status_line(drawn.total, data.total, opened.title if opened else None,
                         len(link_notices) + missing),
    opened.id if opened else None,
    mapview.open_group_key(),
)  # fmt: skip
