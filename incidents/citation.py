"""Citations of a view or an incident: plain text and BibTeX, with version, link and date."""

from __future__ import annotations

from datetime import date

from incidents import safe_text
from incidents.labels import label
from incidents.model import Incident
from incidents.view import COLOR_FIELDS, ViewState

ATLAS = "Airspace Incident Atlas"
# A citation names the incident; a title longer than this is clipped (the id identifies it).
CITED_TITLE_CHARS = 300


def _labels(field: str, codes: tuple[str, ...]) -> str:
    return ", ".join(label(field, code) for code in codes)


# (ViewState attribute, vocabulary field for labels, words) of the repeated filters.
LISTED_FILTERS = (
    ("types", "type", "types"),
    ("regions", "region", "regions"),
    ("initiators", "initiator", "initiators"),
    ("targets", "target", "targets"),
    ("platforms", "category", "platforms"),
    ("verification", "verification", "verification"),
)


def describe_view(state: ViewState) -> str:
    """The filters of a view in words, for a citation or a figure caption."""
    parts = [
        f"{words}: {_labels(field, getattr(state, attribute))}"
        for attribute, field, words in LISTED_FILTERS
        if getattr(state, attribute)
    ]
    if state.date_from or state.date_to:
        start = state.date_from.isoformat() if state.date_from else "the first record"
        end = state.date_to.isoformat() if state.date_to else "the latest record"
        parts.append(f"from {start} to {end}")
    if state.q:
        parts.append(f'matching "{state.q}"')
    if state.near:
        parts.append(f"within {state.effective_radius_km:g} km of {state.near}")
    return "; ".join(parts) if parts else "all incidents"


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
