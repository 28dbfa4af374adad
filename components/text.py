"""The one way components put words on the page.

A template is Markdown that this code base wrote (bold labels, list bullets); every value
filled into it is record, dataset or link text and is escaped by ``incidents.safe_text``
first, so it shows exactly as written and cannot add an element, an image, a link or a
style. Only links from ``link`` (validated http(s) URLs) become clickable. A test fails if a
component calls Streamlit's Markdown elements directly.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import streamlit as st

from incidents import safe_text


@dataclass(frozen=True)
class Safe:
    """Markdown that is already safe (an escaped value or a link built here)."""

    markdown: str


def link(label: object, url: object, limit: int | None = None) -> Safe:
    return Safe(safe_text.markdown_link(label, url, limit))


def view_link(label: object, link: str) -> Safe:
    """A link to another view of this page (``Links.to_incident``): same tab, no new host."""
    base, _, query = link.partition("?")
    return Safe(safe_text.markdown_view_link(label, query, base))


def button_label(value: object, limit: int = 120) -> str:
    """A button's label: Streamlit reads Markdown in it, so record text is escaped."""
    return safe_text.markdown(value, limit)


def option_label(value: object, limit: int = 100) -> str:
    """An option of a select box: shown as plain text (never Markdown), so record text only
    needs its control and direction characters removed, and a bound."""
    return safe_text.clean(value, limit)


def joined(values: list, separator: str = "\n") -> Safe:
    """Values (escaped unless already ``Safe``) joined into one Markdown block, e.g. a list."""
    return Safe(separator.join(fill("{}", value) for value in values))


def fill(template: str, *values: object, limit: int | None = None) -> str:
    """``template`` with each ``{}`` replaced by a value shown as text."""
    escaped = [value.markdown if isinstance(value, Safe) else safe_text.markdown(value, limit) for value in values]
    return template.format(*escaped)


def _show(element: Callable, template: str, values: tuple, limit: int | None, **options) -> None:
    element(fill(template, *values, limit=limit), **options)


def markdown(template: str, *values: object, limit: int | None = None) -> None:
    _show(st.markdown, template, values, limit)


def caption(template: str, *values: object, limit: int | None = None) -> None:
    _show(st.caption, template, values, limit)


def title(template: str, *values: object) -> None:
    _show(st.title, template, values, None, anchor=False)


def header(template: str, *values: object, limit: int | None = None) -> None:
    _show(st.header, template, values, limit, anchor=False)


def subheader(template: str, *values: object, limit: int | None = None) -> None:
    _show(st.subheader, template, values, limit, anchor=False)


def info(template: str, *values: object, limit: int | None = None, icon: str | None = None) -> None:
    _show(st.info, template, values, limit, icon=icon)


def warning(template: str, *values: object, limit: int | None = None, icon: str | None = None) -> None:
    _show(st.warning, template, values, limit, icon=icon)


def error(template: str, *values: object, limit: int | None = None) -> None:
    _show(st.error, template, values, limit)


# Streamlit's Markdown takes about 20 s in the browser for a 100,000-character paragraph, while
# the same text as escaped HTML appears in about 2 s; long record text is shown that way, up
# to the length a flat dataset may hold in a cell. Past that the panel says where the rest is.
LONG_TEXT_CHARS = 3_000
PANEL_TEXT_CHARS = 10_000
# A long unbroken run ("AAAA…") makes the browser measure a break opportunity at every
# character on every layout; an explicit <wbr> every 40 characters keeps layout cheap.
_PIECES = re.compile(r"\S{1,40}|\s+")


def _breakable_html(value: str) -> str:
    pieces = _PIECES.findall(safe_text.clean(value, PANEL_TEXT_CHARS))
    parts = []
    for before, piece in zip(["", *pieces], pieces, strict=False):
        if before and not before.isspace() and not piece.isspace():
            parts.append("<wbr>")
        parts.append(" " if piece.isspace() else safe_text.html_text(piece))
    return "".join(parts)


_LONG_TEXT_STYLE = "white-space: normal; overflow-wrap: anywhere; margin: 0 0 1rem 0"


def prose(value: object, *, quote: bool = False) -> None:
    """A record's prose (summary, notes, an account): Markdown when short, escaped HTML when long."""
    value = "" if value is None else str(value)
    if len(value) <= LONG_TEXT_CHARS:
        markdown("> {}" if quote else "{}", value)
        return
    st.html(f'<p style="{_LONG_TEXT_STYLE}">{_breakable_html(value)}</p>')
    if len(value) > PANEL_TEXT_CHARS:
        caption(
            "The text goes on for {} more characters; the downloads of this view hold all of it.",
            f"{len(value) - PANEL_TEXT_CHARS:,}",
        )


def heading(value: object) -> None:
    """A record's title as the panel heading (level 2, under the page's title); a title too
    long for a heading follows in full."""
    value = "" if value is None else str(value)
    header("{}", value, limit=safe_text.TABLE_CHARS)
    if len(value) > safe_text.TABLE_CHARS:
        prose(value)


def quoted_value(key: str, value: str) -> Safe:
    """A link key and value as a reader sees them in a notice: shortened, escaped, quoted
    (never in a code span, which a backtick in the value could close)."""
    return Safe(f"“{safe_text.markdown(key)}={safe_text.markdown(value, safe_text.NOTICE_CHARS)}”")


PAGE_SUPPORT = Path(__file__).with_name("page_support")


def page_support(status: str, incident_id: str | None, group: str | None = None) -> None:
    """The page's accessibility, phone and print support (components/page_support/: a style
    sheet and a script written here, holding no record text) and the state the script follows:
    the status line a screen reader announces, the open incident and the open shared point's
    list, all escaped into attributes that the script reads as text. The only element allowed
    to run a script."""
    style = (PAGE_SUPPORT / "page.css").read_text(encoding="utf-8")
    script = (PAGE_SUPPORT / "page.js").read_text(encoding="utf-8")
    state = (
        f'<div id="atlas-page-state" hidden data-status="{safe_text.html_text(status)}" '
        f'data-incident="{safe_text.html_text(incident_id or "")}" '
        f'data-group="{safe_text.html_text(group or "")}"></div>'
    )
    # The script puts the style sheet in the document's head: Streamlit's sanitiser drops a
    # <style> beside other HTML, and a style-only element did not reach the page.
    style_sheet = json.dumps(style).replace("</", "<\\/")
    # A block: the script runs again at each change, and a second top-level const would throw.
    st.html(f"{state}<script>{{ const ATLAS_STYLE = {style_sheet};\n{script}}}</script>", unsafe_allow_javascript=True)


def print_only(html_fragment: str) -> None:
    """HTML shown only on paper (page.css hides it on screen): ``incidents.brief.print_table``,
    which escapes every value it holds."""
    st.html(f'<div class="atlas-print-only">{html_fragment}</div>')
