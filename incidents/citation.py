"""Citations of a view or an incident: plain text and BibTeX, with version, link and date."""

from __future__ import annotations

from datetime import date

from incidents import safe_text
from incidents.filters import COLOR_FIELDS, PARAMS
from incidents.model import Incident
from incidents.view import ViewState

ATLAS = "Airspace Incident Atlas"
# A citation names the incident; a title longer than this is clipped (the id identifies it).
CITED_TITLE_CHARS = 300


def describe_view(state: ViewState) -> str:
    """The filters of a view in words, for a citation or a figure caption: each declared
    filter says itself (incidents.filters), in declaration order."""
    parts = [param.describe(state) for param in PARAMS if param.describe is not None]
    return "; ".join(part for part in parts if part) or "all incidents"


def cite_view(state: ViewState, count: int, version: str, link: str, accessed: date) -> str:
    return (
        f"{ATLAS}, dataset version {version}. View: {describe_view(state)} ({count} incidents, "
        f"coloured by {COLOR_FIELDS[state.color].lower()}). {link} (accessed {accessed.isoformat()})."
    )


def cite_incident(incident: Incident, version: str, link: str, accessed: date) -> str:
    return (
        f'{ATLAS}, "{safe_text.clean(incident.title, CITED_TITLE_CHARS)}" ({incident.id}), dataset version {version}. '
        f"{link} (accessed {accessed.isoformat()})."
    )


def _bibtex_url(link: str) -> str:
    # Inside a BibTeX field, % would start a LaTeX comment and # is a parameter character.
    encoded = link.replace("{", "%7B").replace("}", "%7D")
    return encoded.replace("%", "\\%").replace("#", "\\#")


def bibtex(key: str, title: str, link: str, version: str, accessed: date, note: str = "") -> str:
    notes = f"Dataset version {version}" + (f"; {note}" if note else "") + f"; accessed {accessed.isoformat()}"
    return "\n".join(
        [
            f"@misc{{{key},",
            f"  title = {{{{{safe_text.bibtex(title)}}}}},",
            f"  author = {{{{{ATLAS}}}}},",
            f"  year = {{{accessed.year}}},",
            f"  howpublished = {{\\url{{{_bibtex_url(link)}}}}},",
            f"  note = {{{safe_text.bibtex(notes)}}},",
            "}",
        ]
    )


def bibtex_view(state: ViewState, count: int, version: str, link: str, accessed: date) -> str:
    title = f"{ATLAS}: {describe_view(state)}"
    return bibtex(f"atlas-{version}-{accessed:%Y%m%d}", title, link, version, accessed, f"{count} incidents")


def bibtex_incident(incident: Incident, version: str, link: str, accessed: date) -> str:
    title = f"{ATLAS}: {safe_text.clean(incident.title, CITED_TITLE_CHARS)}"
    return bibtex(f"atlas-{incident.id}", title, link, version, accessed)
