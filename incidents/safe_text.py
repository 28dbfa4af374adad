"""Record and link text made inert for every place it is shown or written.

Record text, dataset cells and link values come from strangers. Wherever they meet a markup
language (Streamlit's Markdown, plotly's hover HTML, HTML pages, BibTeX, a spreadsheet opening
a CSV) they pass through one of these functions, so no field can add an element, an image, a
link, a style or a formula. Components never escape by themselves; they call these.
"""

from __future__ import annotations

import html
import re
import string
import unicodedata
from typing import cast
from urllib.parse import quote, urlsplit

import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

ELLIPSIS = "…"
REPLACEMENT = "\ufffd"
# Clips for places that show many records at once; the panel and the exports keep the full text.
HOVER_CHARS = 160
TABLE_CHARS = 240
NOTICE_CHARS = 80

_WHITESPACE = re.compile(r"\s+")
# Every ASCII punctuation character as a numeric character reference. CommonMark never reads
# a character reference as syntax, so the text cannot open a link, an image, emphasis, a
# heading, a code span, HTML or one of Streamlit's directives (":red[...]", "$math$").
_MARKDOWN_ENTITIES = {ord(char): f"&#{ord(char)};" for char in string.punctuation}


def clean(text: object, limit: int | None = None) -> str:
    """One line of plain text: no control, bidi or zero-width characters, white space folded,
    clipped to ``limit`` characters with an ellipsis."""
    value = "" if text is None else str(text)
    if not value.isprintable():
        value = "".join(_visible(char) for char in value)
    value = _WHITESPACE.sub(" ", value).strip()
    return clip(value, limit)


def _visible(char: str) -> str:
    # Format characters (Cf) are removed: bidirectional overrides and isolates reorder what a
    # reader sees ("Trojan Source"), zero-width ones hide text inside words. Other control
    # characters become spaces, so words they separated stay apart.
    category = unicodedata.category(char)
    if category == "Cf":
        return ""
    if category == "Cs":
        return REPLACEMENT  # a lone surrogate (JSON's "\ud800") cannot be shown or encoded
    return " " if category in {"Cc", "Co"} else char


def clip(value: str, limit: int | None) -> str:
    if limit is None or len(value) <= limit:
        return value
    return value[: max(limit - 1, 0)].rstrip() + ELLIPSIS


def _clean_fast(text: object, limit: int | None) -> str:
    # Clipping first bounds the per-character work on very long fields.
    value = "" if text is None else str(text)
    if limit is not None and len(value) > 4 * limit:
        value = value[: 4 * limit]
    return clean(value, limit)


# GFM turns URL-like text into links after parsing, so character references do not stop it:
# a word joiner (invisible, no line break) after the scheme, before "." of "www." and before
# "@" keeps "http://x.org", "www.x.org" and "a@x.org" text.
_AUTOLINK = re.compile(r"(?i)(?<![^\W_])(https?|ftp|mailto|xmpp)(?=:)|(?<![^\W_])(www)(?=\.)|(?=@)")
WORD_JOINER = "\u2060"


def markdown(text: object, limit: int | None = None) -> str:
    """Text for Streamlit Markdown, shown exactly as written (never a link)."""
    value = _AUTOLINK.sub(lambda match: (match.group(0) or "") + WORD_JOINER, _clean_fast(text, limit))
    return value.translate(_MARKDOWN_ENTITIES)


def hover(text: object, limit: int | None = HOVER_CHARS) -> str:
    """Text for plotly labels and hovers, which read a subset of HTML (<a>, <span style>)."""
    return html.escape(_clean_fast(text, limit), quote=True)


def html_text(text: object, limit: int | None = None) -> str:
    """Text for an HTML page (the published views)."""
    return html.escape(_clean_fast(text, limit), quote=True)


def clean_series(values: pd.Series, limit: int) -> pd.Series:
    """``clean`` for a whole column at once (the same rules, vectorised with Arrow's RE2)."""
    return pd.Series(_clean_array(values, limit).to_pylist(), index=values.index, dtype=object)


def hover_series(values: pd.Series, limit: int = HOVER_CHARS) -> pd.Series:
    """``hover`` for a whole column at once, computed once per dataset so that no rerun
    escapes strings."""
    text = _clean_array(values, limit)
    for char, entity in (("&", "&amp;"), ("<", "&lt;"), (">", "&gt;"), ('"', "&quot;"), ("'", "&#x27;")):
        text = pc.replace_substring(text, char, entity)
    return pd.Series(text.to_pylist(), index=values.index, dtype=object)


def _clean_array(values: pd.Series, limit: int) -> pa.StringArray:
    text = pa.array(values.fillna("").astype(str).to_numpy(dtype=object), type=pa.string())
    text = pc.utf8_slice_codeunits(text, 0, 4 * limit)
    text = pc.replace_substring_regex(text, r"\p{Cf}", "")
    text = pc.replace_substring_regex(text, r"[\p{Cc}\p{Co}\p{Cs}\p{Z}\s\x{85}]+", " ")
    text = pc.utf8_trim_whitespace(text)
    head = pc.utf8_rtrim_whitespace(pc.utf8_slice_codeunits(text, 0, max(limit - 1, 0)))
    # The stubs take no Python scalars in greater() and binary_join_element_wise(); pyarrow does.
    too_long = pc.greater(pc.utf8_length(text), limit)  # type: ignore[call-overload]
    shortened = pc.binary_join_element_wise(head, ELLIPSIS, "")  # type: ignore[call-overload]
    return cast(pa.StringArray, pc.if_else(too_long, shortened, text))  # Any: from the two calls above


def web_url(url: object) -> str | None:
    """An http(s) URL safe to put in a Markdown or HTML link, or None.

    Characters that could end a Markdown link destination or an HTML attribute are
    percent-encoded, so ``https://x.org/a)![](http://y/z.png)`` stays one link to x.org.
    """
    text = clean(url)
    try:
        parts = urlsplit(text)
    except ValueError:
        return None
    if parts.scheme.lower() not in {"http", "https"} or not parts.netloc:
        return None
    return quote(text, safe="/:?#&=%+,;@~-._!$'*")


# The Wayback Machine's list of captures of a URL: a search, not a claimed snapshot (a source
# may have none, and the page says what the archive holds, when it is opened).
ARCHIVE_SEARCH = "https://web.archive.org/web/*/"


def archive_search_url(url: object) -> str | None:
    """Where to look for archived copies of a source's page, or None for a non-web URL."""
    safe_url = web_url(url)
    return ARCHIVE_SEARCH + safe_url if safe_url else None


def _destination(url: str) -> str:
    # Parentheses, quotes and "!" are encoded too: they are Markdown's link syntax.
    return url.replace("(", "%28").replace(")", "%29").replace("'", "%27").replace("!", "%21")


def markdown_link(label: object, url: object, limit: int | None = None) -> str:
    """``[label](url)`` for a validated http(s) URL; the label alone (escaped) otherwise."""
    safe_url = web_url(url)
    shown = markdown(label, limit)
    return shown if safe_url is None else f"[{shown}]({_destination(safe_url)})"


def markdown_view_link(label: object, query: str, base: str = "") -> str:
    """A link to another view of this page: ``base`` is the page's own http(s) URL (or empty,
    for a relative link) and ``query`` a query string that ``incidents.view`` encoded."""
    safe_base = web_url(base) if base else ""
    target = (safe_base or "") + "?" + quote(query.removeprefix("?"), safe="=&%+-._~")
    return f"[{markdown(label)}]({_destination(target)})"


_BIBTEX_SPECIAL = {
    "\\": r"\textbackslash{}",
    "{": r"\{",
    "}": r"\}",
    "%": r"\%",
    "&": r"\&",
    "$": r"\$",
    "#": r"\#",
    "_": r"\_",
    "~": r"\textasciitilde{}",
    "^": r"\textasciicircum{}",
}


def bibtex(text: object) -> str:
    """A BibTeX field value: LaTeX's special characters escaped, braces balanced."""
    return "".join(_BIBTEX_SPECIAL.get(char, char) for char in clean(text))


# OWASP's CSV injection guidance: a cell that a spreadsheet would read as a formula starts
# with one of these; prefixing a single quote makes it text. A cell that already starts with
# a quote gets one more, so reading back (``from_csv_cell``) is exact.
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def csv_cell(value: object) -> object:
    if isinstance(value, str) and value and (value.startswith(FORMULA_STARTS) or value.startswith("'")):
        return "'" + value
    return value


def from_csv_cell(value: str) -> str:
    return value[1:] if value.startswith("'") else value
