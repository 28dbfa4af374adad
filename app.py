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
    current_catalog,
    current_engine,
    current_layers,
    current_releases,
    release_catalog,
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
from incidents.palette import category_label, colour_map, grouped
from incidents.periods import Window
from incidents.releases import record_history, view_changes

st.set_page_config(page_title="Airspace Incident Atlas", page_icon="✈️", layout="wide")

url_state.refuse_oversized_links()  # already in place when started by components.serve
current = current_catalog()
book = current_releases()
layers, layer_problems = current_layers()
zones = layermap.zone_labels(layers)
seeded, link_notices = url_state.read_view()
# asof=: the view is applied to a release's snapshot, through the same path as current data.
as_of = as_of_view(book, url_state.requested_as_of(), release_catalog)
catalog = as_of.catalog or current
engine = current_engine(as_of.catalog)
with st.sidebar:
    basemap = render_filters(
        {**catalog.filter_options, "layers": [layer.id for layer in layers], "zones": list(zones)},
        {"layer": {layer.id: layer.meta.title for layer in layers}, "zone": zones},
    )
state = url_state.widget_state(catalog.version)
frame = view.rows_shown(catalog.frame, engine.rows(state))
links = url_state.Links(state)
near = view.proximity_place(state)

heading, count = st.columns([3, 1], vertical_alignment="bottom")
with heading:
    text.title("Airspace Incident Atlas")
    render_version_caption(catalog.version, book)
with count:
    render_count(frame, len(catalog.frame))
notices.render_link_notices(link_notices)
render_version(seeded.version, current.version, book, as_of, len(frame))
if as_of.release is not None and as_of.catalog is not None:
    render_changes_since(
        as_of.release,
        lambda: view_changes(catalog, frame["id"], current, view.apply(current.frame, state)["id"]),
        lambda ids: {**current.titles(ids), **catalog.titles(ids)},
    )
notices.render_data_quality(catalog.problems, catalog.rejected_files)
notices.render_invalid_rows(catalog.known_invalid(frame["id"]), len(frame))
if state.near and near is None:
    notices.render_unknown_place(state.near)
notices.render_layer_problems(
    layer_problems, [key for key in state.layers if key not in {layer.id for layer in layers}]
)
if state.zones and "zones" not in catalog.frame:
    notices.render_zone_filter_off(len(catalog.frame))
drawn = [layer for layer in layers if layer.id in state.layers]

opened, record_problems = catalog.record(state.incident)
if state.incident and opened is None:
    notices.render_missing_incident(state.incident, record_problems)
open_row = view.row_of(catalog.frame, state.incident)
colours = colour_map(state.color, catalog.frame)
first, last = (frame["date"].min().date(), frame["end"].max().date()) if len(frame) else (None, None)

if frame.empty:
    notices.render_empty_state(state.active_filters())


fit_key = view.view_query(state.replace(at=None))  # a new view refits the map; playback does not
series = view.series_rows(catalog.frame, opened)


def map_and_timeline() -> None:
    """Redrawn alone at each playback step (components/playback.py)."""
    at = playback.position(first, last) if first and last else None
    shown = state.replace(at=at)
    playing = view.playback_frame(frame, shown)
    window = view.playback_window(shown) or Window(state.date_from, state.date_to)
    render_map(
        playing,
        state.color,
        colours,
        key="map",
        on_select=lambda: selection.open_selected_point("map"),
        open_incident=OpenIncident.of(opened, open_row),
        basemap=basemap,
        view_key=fit_key,
        fit_to=frame,
        proximity=(near, state.effective_radius_km) if near else None,
        series_rows=series,
        under=layermap.layer_traces(drawn, window),
    )
    layermap.render_credits(drawn)
    mapview.render_fit(view.map_bounds(frame, state, opened, near), fit_key)
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
        sorties=view.daily_sorties(drawn, window),
        grouped=[category_label(state.color, code) for code in grouped(state.color, catalog.frame)],
    )
    # The charts' text alternatives, under both so that count, map and every lane still fit a
    # 1440x900 first screen (docs/architecture.md, "Layout").
    text.caption("{}", describe.describe_map(playing))
    text.caption("{}", describe.describe_timeline(frame))


views, panel = st.columns([3, 2])
with views:
    playback.run(map_and_timeline)
    window.render_window_controls(catalog.frame["date"], catalog.frame["end"], date.today())
    playback.render_controls(first, last, extra=window.render_shown_button)
with panel:
    mapview.render_shared_points(view.shared_points(frame))
    mapview.render_group_list(frame)
    if opened:
        with st.container(key="incident-panel"):  # the page script moves focus to its heading
            render_incident_panel(
                opened,
                catalog.titles(opened.related),
                permalink=links.to_incident(opened.id),
                shown_ids=set(frame["id"]),
                near=near,
                history=record_history(book, opened.id),
                releases=len(book.releases),
            )
            render_airspace_facts(view.airspace_facts(catalog.frame, opened), zones)
            research.render_incident_citation(opened, catalog.version, links.to_incident(opened.id), date.today())
    else:
        text.info("Click an incident on the map, the timeline or the table to read it with its sources.")

text.caption("{}", describe.describe_overview(frame))
render_overview(
    frame, state.color, colours, key="overview", on_month=lambda: selection.open_selected_point("overview-monthly")
)
compare.render_comparison(
    sorted(catalog.frame["date"].dt.year.unique().tolist()), engine.comparison(state), state.compare
)
table_rows = shown_rows(frame)
with st.container(key="results"):  # the skip link's target
    text.header("Incidents")
    selection.remember_table_ids(table_rows["id"].tolist())
    render_table(
        table_rows,
        key="table",
        permalink=links.to_incident,
        on_select=lambda: selection.table_selected("table"),
        total=len(frame),
    )
    printed = brief.printed_rows(table_rows)
    text.print_only(brief.print_table(printed, catalog.sources(printed["id"]), len(frame)))

with st.container(key="downloads"):
    text.header("Download and cite")
    exports, cite = st.columns(2)
    with exports:
        research.render_exports(
            lambda fmt: export.export_view(catalog, state, fmt).content,
            len(frame),
            catalog.version,
            date.today(),
            key="export",
            tag=export.view_tag(state),
        )
        research.render_web_page(
            lambda: publish.publish_view(catalog, state, links.to_view()).content,
            publish.file_name(state, catalog.version, date.today()),
            key="publish",
        )
    with cite:
        research.render_view_citation(state, len(frame), catalog.version, links.to_view(), date.today())

collections, shares = about_data(catalog)
about.render_about(
    definitions(),
    collections,
    records=len(catalog.frame),
    shares=shares,
    version=catalog.version,
    updated=book.last_updated(catalog.version),
)


reconnect.render_rerun_on_reconnect()
url_state.write_view(state, seeded)
missing = bool(state.incident and opened is None)
text.page_support(
    describe.status_line(len(frame), len(catalog.frame), opened.title if opened else None,
                         len(link_notices) + missing),
    opened.id if opened else None,
    mapview.open_group_key(),
)  # fmt: skip
