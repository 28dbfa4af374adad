"""Data releases on the page: the offer to show a link's view as of its version, the banner
of an as-of view and what changed since (incidents/releases.py computes them; this module
renders; a record's history is part of the incident panel, components/panel.py)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import streamlit as st

from components import text
from components.url_state import show_as_of
from incidents.catalog import Catalog
from incidents.releases import Book, Diff, Release


@dataclass(frozen=True)
class AsOf:
    """The release a view asked for, and what became of the request."""

    requested: str | None = None
    release: Release | None = None
    catalog: Catalog | None = None  # the release's data, when it could be loaded
    problem: str = ""  # why the requested release is not shown


def as_of_view(book: Book, requested: str | None, load: Callable[[Book, Release], tuple[Catalog | None, str]]) -> AsOf:
    """The release ``asof=`` names, loaded with ``load`` (components.data.release_catalog)."""
    if not requested:
        return AsOf()
    release = book.find(requested)
    if release is None:
        unreadable = "".join(f"; {problem}" for problem in book.problems)
        return AsOf(requested, problem="no release with this version is known" + unreadable)
    catalog, why = load(book, release)
    return AsOf(requested, release, catalog, why)


def render_version_caption(version: str, book: Book) -> None:
    """The dataset version under the title, and whether a link made now can reproduce it."""
    release = book.find(version)
    released = f"data released {release.date.isoformat()}" if release else "data not yet released"
    # The version stays last: readers (and tests) take it as the caption's last word.
    text.caption("Curated, sourced military airspace incidents · {} · dataset version {}", released, version)


def render_version(link_version: str | None, data_version: str, book: Book, as_of: AsOf, count: int) -> None:
    """The banner of an as-of view, why it could not be shown, or the offer to show it."""
    if as_of.catalog is not None and as_of.release is not None:
        _render_banner(as_of.release, data_version, count)
    elif as_of.requested:
        text.warning(
            "This link asks for the data as of release {}, which cannot be shown: {}. "
            "The view is applied to the current data (version {}).",
            as_of.requested,
            as_of.problem,
            data_version,
            icon=":material/history:",
        )
        st.button("Show the current data", key="asof-clear", on_click=show_as_of, args=(None,))
    elif link_version and link_version != data_version:
        release = book.find(link_version)
        released = text.fill(" (released {})", release.date.isoformat()) if release else ""
        text.info(
            "This link was made with dataset version {}{}; the data has changed since (now {}). "
            "The view is applied to the current data.",
            link_version,
            text.Safe(released),
            data_version,
            icon=":material/history:",
        )
        if release is not None:
            st.button(f"Show this view as of version {release.version}", key="asof-show", on_click=show_as_of,
                      args=(release.version,), icon=":material/history:")  # fmt: skip
        elif book.problems:
            text.caption("The releases could not be read: {}", "; ".join(book.problems))


def _render_banner(release: Release, current_version: str, count: int) -> None:
    now = "It is also the current data." if release.version == current_version else "The current data is version {}."
    text.warning(
        "As of data release {}, released {}: this view shows the {} incidents that release had for it. " + now,
        release.version,
        release.date.isoformat(),
        f"{count:,}",
        current_version,
        icon=":material/history:",
    )
    st.button("Show the current data", key="asof-clear", on_click=show_as_of, args=(None,))


def render_changes_since(release: Release, changes: Callable[[], Diff], titles: Callable[[list[str]], dict]) -> None:
    """What changed in this view since the release; computed only when the reader asks."""
    if not st.toggle(f"What changed in this view since {release.version}", key="asof-changes"):
        return
    found = changes()
    if found.empty:
        text.markdown("Nothing: the current data shows the same incidents with the same records.")
        return
    named = titles([*found.added, *found.removed, *found.changed])
    for heading, ids in (("Added to this view", found.added), ("No longer in this view", found.removed)):
        if ids:
            lines = [_line(incident_id, named, found.changed.get(incident_id, ())) for incident_id in ids]
            text.markdown(f"**{heading}** ({len(ids)})\n\n" + "\n".join(["{}"] * len(lines)), *lines)
    kept = [i for i in found.changed if i not in found.added and i not in found.removed]
    if kept:
        lines = [_line(incident_id, named, found.changed[incident_id]) for incident_id in kept]
        text.markdown(f"**Changed** ({len(kept)})\n\n" + "\n".join(["{}"] * len(lines)), *lines)


def _line(incident_id: str, titles: dict, fields: tuple[str, ...]) -> text.Safe:
    changed = text.fill("; changed: {}", ", ".join(fields)) if fields else ""
    return text.Safe(text.fill("- {} ({})", titles.get(incident_id, ""), incident_id) + changed)
