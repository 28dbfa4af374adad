"""Research outputs of the page: download the view, cite the view or an incident."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from functools import partial
from typing import Final

import streamlit as st

from components import text
from incidents import brief, citation, export, publish
from incidents.dataset import Downloads
from incidents.model import Incident
from incidents.view import ViewState

# A deferred download is built by a callable the run registers under a new id each run. By
# default a click also reruns the page, and a rerun that ends before the browser asks for the
# file drops the old id: the download never came (seen in the phone journey). Nothing on the
# page changes on a download, so it does not rerun.
DOWNLOAD_WITHOUT_RERUN: Final = "ignore"

BUTTONS = {"csv": "CSV", "geojson": "GeoJSON", "json": "JSON", "zip": "Data package"}


def render_exports(
    build: Callable[[str], str | bytes],
    count: int,
    version: str,
    today: date,
    *,
    key: str,
    tag: str,
    offered: Downloads | None = None,
) -> None:
    """``build(fmt)`` is called only when a download is clicked: building every record of a
    large view on each rerun would cost seconds. ``offered``: the formats a large view can be
    written in, and why not the others (default: every format)."""
    text.markdown("**Download this view**")
    if not count:
        text.caption("The view is empty: the files will be valid but hold no incidents.")
    formats = {fmt: mime for fmt, mime in export.FORMATS.items() if offered is None or fmt in offered.formats}
    if offered is not None and offered.note:
        text.caption("{}", offered.note)
    if not formats:
        return
    columns = st.columns(len(formats))
    for column, (fmt, mime) in zip(columns, formats.items(), strict=True):
        with column:
            st.download_button(
                BUTTONS[fmt],
                # Deferred: the file is built when clicked, not on every rerun.
                data=partial(build, fmt),
                file_name=export.file_name(fmt, version, today, tag),
                mime=mime,
                key=f"{key}-{fmt}",
                icon=":material/download:",
                on_click=DOWNLOAD_WITHOUT_RERUN,
            )
    text.caption(
        "{} incidents, dataset version {}; CSV lists each source with its URL; the data package is the CSV "
        "with its datapackage.json (fields, licence, sources).",
        f"{count:,}",
        version,
    )


def render_web_page(build: Callable[[], str], file_name: str, *, key: str) -> None:
    """One self-contained HTML file of the view (incidents/publish.py): map, timeline, table,
    every incident's details, the citation; it opens from disk with the network off."""
    st.download_button(
        "Download as web page",
        data=build,  # deferred: built when clicked (a few MB), not on every rerun
        file_name=file_name,
        mime=publish.MIME,
        key=key,
        icon=":material/public:",
        on_click=DOWNLOAD_WITHOUT_RERUN,
        help="One HTML file that opens offline, e.g. to put in an article: map, timeline, table, "
        "every incident's sources and accounts, the citation and the dataset version.",
    )


def render_view_citation(state: ViewState, count: int, version: str, link: str, today: date) -> None:
    text.markdown("**Cite this view**")
    st.code(citation.cite_view(state, count, version, link, today), language=None, wrap_lines=True)
    st.code(citation.bibtex_view(state, count, version, link, today), language="bibtex", wrap_lines=True)


def render_incident_citation(incident: Incident, version: str, link: str, today: date) -> None:
    st.download_button(
        "Download incident brief",
        # Deferred like the view's files: built when clicked.
        data=partial(brief.incident_brief, incident, version, link, today),
        file_name=brief.brief_file_name(incident.id, version),
        mime="text/html",
        key="incident-brief",
        icon=":material/description:",
        on_click=DOWNLOAD_WITHOUT_RERUN,
        help="One HTML file: the record, each side's account, the sources with their URLs and the citation.",
    )
    with st.expander("Cite this incident"):
        st.code(citation.cite_incident(incident, version, link, today), language=None, wrap_lines=True)
        st.code(citation.bibtex_incident(incident, version, link, today), language="bibtex", wrap_lines=True)
