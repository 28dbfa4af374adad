"""One self-contained web page per view (docs/architecture.md, "Published views").

``publish_view`` writes the incidents ``view.apply`` keeps as one HTML file that opens from
``file://`` with the network off: one plotly.js bundle, the offline basemap inlined
(incidents/inline_basemap.py), the view's data as compact JSON, and a small script
(page/view.js) that draws the map, the timeline and the table and opens an incident's details
on a click. Nothing needs a server and nothing is requested.

Record text is inert: it travels in ``<script type="application/json">`` blocks in which
``<``, ``>`` and ``&`` are JSON escapes (so no ``</script>`` can close the block), the script
puts it on the page with ``textContent`` only, and plotly's hovers get text escaped by
``safe_text.hover``. A Content-Security-Policy allows only the page's own scripts (by hash),
so even a mistake could not run injected script or reach the network.
"""

from __future__ import annotations

import base64
import hashlib
import json
import re
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from incidents import citation, describe, palette, safe_text, view
from incidents.catalog import Catalog
from incidents.filters import COLOR_FIELDS
from incidents.flat import TABLE_COLUMNS
from incidents.inline_basemap import inline_style_json
from incidents.labels import actor_label, label
from incidents.model import Incident
from incidents.problems import Problem
from incidents.view import ViewState

PAGE_DIR = Path(__file__).parent / "page"
# The partial bundle (scatter + MapLibre map) of `make plotly-map`, else plotly's full bundle.
PLOTLY_MAP_BUNDLE = Path(__file__).resolve().parents[1] / "static" / "vendor" / "plotly-map.min.js"
MIME = "text/html"
_UNSAFE_IN_SCRIPT = {"<": "\\u003c", ">": "\\u003e", "&": "\\u0026", "\u2028": "\\u2028", "\u2029": "\\u2029"}


@dataclass(frozen=True)
class PublishedView:
    """The page, how many incidents it holds, and the rows left out because their full record
    does not validate (``row N: field: message``), as for every export."""

    content: str
    written: int
    problems: list[Problem]


def script_json(value: object) -> str:
    """JSON to put inside ``<script type="application/json">``: ``<``, ``>`` and ``&`` become
    JSON escapes, so record text can neither close the block nor open a comment in it, and
    ``JSON.parse`` gives back exactly the original text."""
    return inert_json(json.dumps(value, ensure_ascii=False, separators=(",", ":")))


def inert_json(text: str) -> str:
    """JSON text with every ``<``, ``>``, ``&`` (and the two line separators old parsers
    choke on) written as a JSON escape. Outside strings JSON has none of these characters."""
    return re.sub("[<>&\u2028\u2029]", lambda match: _UNSAFE_IN_SCRIPT[match.group(0)], text)


def _text(value: object) -> str:
    """Record text for ``textContent``: no control, bidi or zero-width characters."""
    return safe_text.clean(value)


def _actors(incident: Incident, role: str) -> str:
    parts = []
    for actor in incident.actors:
        if actor.role != role:
            continue
        platform = _text(actor.platform) if actor.platform else label("category", actor.category)
        words = [actor_label(actor.country), *([_text(actor.force)] if actor.force else [])]
        words.append(f"{actor.count} × {platform}" if actor.count else platform)
        parts.append(" · ".join(words))
    return "; ".join(parts) or "not recorded"


FACTS = ("Date", "Type", "Location", "Region", "Initiator", "Target", "Outcome", "Escalation risk", "Verification")
# One incident's details as an array (names once in the page, not once per incident).
DETAIL_FIELDS = ("facts", "summary", "claims", "notes", "sources", "related")


def details(incident: Incident) -> list[Any]:
    """What the page's detail pane shows of one incident, as plain text (and http(s) URLs
    that ``safe_text.web_url`` accepted), in DETAIL_FIELDS order; facts in FACTS order, ""
    where not recorded. The script puts all of it on the page as text."""
    facts = [
        describe.incident_date(incident),
        label("type", incident.type),
        _text(describe.incident_location(incident)),
        label("region", incident.location.region),
        _actors(incident, "initiator"),
        _actors(incident, "target"),
        _text(describe.incident_outcome(incident)),
        label("escalation_risk", incident.escalation_risk) if incident.escalation_risk else "",
        label("verification", incident.verification),
    ]
    return [
        facts,
        _text(incident.summary),
        [
            [actor_label(claim.party), _text(claim.speaker or ""), _text(claim.statement), claim.source]
            for claim in incident.claims
        ],
        _text(incident.notes or ""),
        [
            [
                _text(source.publisher),
                _text(source.title or "(title not recorded)"),
                safe_text.web_url(source.url),
                source.published.isoformat() if source.published else "",
            ]
            for source in incident.sources
        ],
        list(incident.related),
    ]


def _table(frame: pd.DataFrame) -> dict[str, Any]:
    """The table's columns (incidents.flat.TABLE_COLUMNS) beyond date and title (which the
    rows carry): a labelled column as its labels once and an index per row, others as values."""
    columns: dict[str, Any] = {}
    for shown in TABLE_COLUMNS:
        if shown.column in {"date", "title"}:
            continue
        values = frame[shown.column]
        if shown.labels:
            field = shown.labels
            codes = values.fillna("").astype(str)
            names = sorted(set(codes))
            index = {code: i for i, code in enumerate(names)}
            labels = [label(field, code or None) for code in names]
            columns[shown.header] = {"labels": labels, "index": [index[code] for code in codes]}
        elif pd.api.types.is_numeric_dtype(values):
            columns[shown.header] = [None if pd.isna(value) else int(value) for value in values]
        else:
            columns[shown.header] = safe_text.clean_series(values, safe_text.TABLE_CHARS).tolist()
    return columns


def _categories(frame: pd.DataFrame, field: str, colours: dict[str, str]) -> tuple[np.ndarray, list[dict[str, str]]]:
    index, codes = palette.category_index(frame, field, colours)
    legend = [
        # category_label escapes for plotly (the timeline's lane names); the page shows it there only.
        {"name": palette.category_label(field, code), "colour": colours.get(code, palette.OTHER_COLOUR)}
        for code in codes
    ]
    return index, legend


def page_data(
    catalog: Catalog,
    state: ViewState,
    frame: pd.DataFrame,
    incidents: list[Incident],
    link: str,
    day: date,
    colours: dict[str, str] | None = None,
) -> dict[str, Any]:
    """Everything the page shows, as compact JSON: columns for the map, the timeline and the
    table (one list per field), and one detail array per incident. ``frame``: the rows
    ``view.apply`` kept; ``incidents``: their valid records."""
    kept = {incident.id for incident in incidents}
    frame = frame[frame["id"].isin(kept)]
    by_id = {incident.id: incident for incident in incidents}
    if colours is None:
        colours = palette.colour_map(state.color, palette.value_counts(catalog.frame, state.color))
    index, legend = _categories(frame, state.color, colours)
    opened = by_id.get(state.incident or "")
    bounds = view.map_bounds(frame, state, opened, view.proximity_place(state))
    return {
        "version": catalog.version,
        "query": view.view_query(state),
        "description": citation.describe_view(state),
        "count": len(frame),
        "colour_by": COLOR_FIELDS[state.color],
        "categories": legend,
        "bounds": list(bounds) if bounds else None,
        "open": state.incident if opened else None,
        "rows": {
            "id": frame["id"].tolist(),
            "lat": [round(value, 4) for value in frame["lat"].tolist()],
            "lon": [round(value, 4) for value in frame["lon"].tolist()],
            "date": frame["date"].dt.strftime("%Y-%m-%d").tolist(),
            "category": [int(value) for value in index],
            "hover": palette.hover_labels(frame).tolist(),
            "title": [_text(by_id[incident_id].title) for incident_id in frame["id"]],
        },
        "table": _table(frame),
        "facts": list(FACTS),
        "details": [details(by_id[incident_id]) for incident_id in frame["id"]],
        "citation": citation.cite_view(state, len(frame), catalog.version, link, day),
        "bibtex": citation.bibtex_view(state, len(frame), catalog.version, link, day),
    }


def plotly_bundle() -> str:
    if PLOTLY_MAP_BUNDLE.is_file():
        return PLOTLY_MAP_BUNDLE.read_text(encoding="utf-8")
    from plotly.offline import get_plotlyjs  # the full bundle: always there, 1.8 MB larger

    return str(get_plotlyjs())


def _hash(script: str) -> str:
    return "'sha256-" + base64.b64encode(hashlib.sha256(script.encode()).digest()).decode() + "'"


def page_html(data: dict[str, Any], bundle: str | None = None) -> str:
    """The whole page. The CSP lets only these two scripts run (by hash) and allows no
    request beyond the page's own data: and blob: URLs (MapLibre's glyphs and worker)."""
    bundle = plotly_bundle() if bundle is None else bundle
    script = (PAGE_DIR / "view.js").read_text(encoding="utf-8")
    if any("</script" in code.lower() for code in (bundle, script)):
        raise ValueError("a script of the page holds '</script', which would end its element early")
    policy = (
        f"default-src 'none'; script-src {_hash(bundle)} {_hash(script)}; style-src 'unsafe-inline'; "
        "img-src data: blob:; font-src data:; connect-src data: blob:; worker-src blob: data:; child-src blob: data:"
    )
    title = safe_text.html_text(f"Airspace Incident Atlas: {data['description']}", 200)
    template = (PAGE_DIR / "view.html").read_text(encoding="utf-8")
    replacements = {
        "{{policy}}": policy,
        "{{title}}": title,
        "{{style}}": (PAGE_DIR / "view.css").read_text(encoding="utf-8"),
        "{{data}}": script_json(data),
        "{{basemap}}": inert_json(inline_style_json()),
        "{{bundle}}": bundle,
        "{{script}}": script,
    }
    # One pass, so text put in by one replacement is never read as another's placeholder.
    return re.sub(r"\{\{[a-z]+\}\}", lambda match: replacements[match.group(0)], template)


def publish_view(
    catalog: Catalog, state: ViewState, link: str = "", day: date | None = None, colours: dict[str, str] | None = None
) -> PublishedView:
    """The view as one HTML file: exactly the incidents ``view.apply`` keeps, less the rows
    whose full record does not validate (named in ``problems``, as every export does).
    ``colours``: the colour-by field's colours over the whole data, when ``catalog`` holds
    only the view (a queried dataset's, incidents/dataset.py); else from ``catalog``."""
    day = day or date.today()
    frame = view.apply(catalog.frame, state)
    problems: list[Problem] = []
    incidents = list(catalog.iter_records(frame["id"], problems))
    link = link or "?" + view.view_query(state)
    data = page_data(catalog, state, frame, incidents, link, day, colours)
    return PublishedView(page_html(data), len(incidents), problems)


def file_name(state: ViewState, version: str, day: date) -> str:
    """``airspace-incidents_<the view's keys>_<version>_<date>.html``: the file says which view
    it holds (``all`` for the whole dataset), in at most 80 characters of it."""
    words = re.sub(r"[^a-z0-9]+", "-", view.view_query(state.replace(version="")).lower()).strip("-")
    return f"airspace-incidents_{words[:80].rstrip('-') or 'all'}_{version}_{day.isoformat()}.html"
