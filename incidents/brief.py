"""Printable documents: the one-file brief of an incident and the print-only table of a view.

Both are HTML built from record text, and every value goes through ``safe_text.html_text``
(escaped, control characters removed), so a record can add no element, script or style.
A source's URL is a link only when ``safe_text.web_url`` accepts it; it is always printed.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date

import pandas as pd

from incidents import citation, describe, extract
from incidents.labels import actor_label, label
from incidents.model import Actor, Incident, Source
from incidents.safe_text import html_text, web_url

NO_TITLE = "(title not recorded)"
# The printed table holds the newest rows of the view, as the page's table does; past this
# it says how many the downloads hold (building each row's sources costs time on every rerun).
PRINT_ROW_LIMIT = 300

_STYLE = """body{font-family:system-ui,sans-serif;max-width:46rem;margin:2rem auto;padding:0 1rem;
color:#1b1b1f;line-height:1.5}h1{font-size:1.6rem}h2{font-size:1.15rem;margin-top:1.6rem}
blockquote{margin:.4rem 0 .8rem;padding-left:.8rem;border-left:3px solid #8a8a94}
.url{word-break:break-all}dt{font-weight:600}dd{margin:0 0 .5rem 0}"""


def brief_file_name(incident_id: str, version: str) -> str:
    return f"incident-brief_{incident_id}_{version}.html"


def source_html(source: Source) -> str:
    """Publisher, title (or that none was recorded), date, and the URL written out."""
    url = html_text(source.url)
    title = html_text(source.title) if source.title else NO_TITLE
    href = web_url(source.url)
    linked = f'<a href="{html_text(href)}">{title}</a>' if href else title
    published = f", {source.published.isoformat()}" if source.published else ""
    return f'{html_text(source.publisher)}: {linked}{published}. <span class="url">{url}</span>'


def _actor(actor: Actor) -> str:
    parts = [actor_label(actor.country), actor.force, actor.platform or label("category", actor.category)]
    count = f"{actor.count} × " if actor.count else ""
    return html_text(" · ".join(part for part in parts[:2] if part) + f" · {count}{parts[2]}")


def _location(incident: Incident) -> str:
    return html_text(f"{describe.incident_location(incident)}; {label('region', incident.location.region)}")


def _date(incident: Incident) -> str:
    text = f"{incident.date.isoformat()} (known to the {incident.date_precision})"
    if incident.end_date:
        text += f" to {incident.end_date.isoformat()}"
    if incident.time_utc:
        text += f", {incident.time_utc} UTC"
    return html_text(text)


def _claims(incident: Incident) -> list[str]:
    if not incident.claims:
        return []
    lines = ["<h2>Each side's account</h2>"]
    for claim in incident.claims:
        speaker = f" ({claim.speaker})" if claim.speaker else ""
        lines.append(f"<p><strong>{html_text(actor_label(claim.party) + speaker)}</strong> [source {claim.source}]</p>")
        lines.append(f"<blockquote>{html_text(claim.statement)}</blockquote>")
    return lines


def _extract(incident: Incident) -> list[str]:
    where = incident.location
    if where.lat is None or where.lon is None:
        return []
    return [
        "<h2>Where</h2>",
        f"<figure>{extract.map_extract_svg(where.lat, where.lon, where.radius_km, where.name)}"
        "<figcaption>The published point and its uncertainty circle. Land: Natural Earth (public domain)."
        "</figcaption></figure>",
    ]


def incident_brief(incident: Incident, version: str, link: str, today: date) -> str:
    """A self-contained HTML page of one incident: the record, each side's account, the
    sources with their URLs, where it happened, and how to cite it."""
    facts = [
        ("Date", _date(incident)),
        ("Type", html_text(label("type", incident.type))),
        ("Verification", html_text(label("verification", incident.verification))),
        ("Escalation risk", html_text(label("escalation_risk", incident.escalation_risk))),
        ("Location", _location(incident)),
        ("Initiator", "; ".join(_actor(actor) for actor in incident.initiators)),
        ("Target", "; ".join(_actor(actor) for actor in incident.targets)),
        ("Outcome", html_text(describe.incident_outcome(incident))),
    ]
    body = [
        f"<h1>{html_text(incident.title)}</h1>",
        "<dl>" + "".join(f"<dt>{name}</dt><dd>{value}</dd>" for name, value in facts) + "</dl>",
        *_extract(incident),
        "<h2>Summary</h2>",
        f"<p>{html_text(incident.summary)}</p>",
        *_claims(incident),
        *([f"<h2>Notes</h2><p>{html_text(incident.notes)}</p>"] if incident.notes else []),
        "<h2>Sources</h2>",
        "<ol>" + "".join(f"<li>{source_html(source)}</li>" for source in incident.sources) + "</ol>",
        "<h2>Cite this incident</h2>",
        f"<p>{html_text(citation.cite_incident(incident, version, link, today))}</p>",
    ]
    return (
        '<!DOCTYPE html>\n<html lang="en"><head><meta charset="utf-8">'
        f"<title>{html_text(incident.title, citation.CITED_TITLE_CHARS)} · Airspace Incident Atlas</title>"
        f'<meta name="viewport" content="width=device-width, initial-scale=1"><style>{_STYLE}</style></head>'
        f"<body><main>{''.join(body)}</main></body></html>\n"
    )


def printed_rows(rows: pd.DataFrame) -> pd.DataFrame:
    """The rows the printed table holds: the newest first, at most PRINT_ROW_LIMIT."""
    return rows.sort_values("date", ascending=False, kind="stable").head(PRINT_ROW_LIMIT)


def _code(value: object) -> str | None:
    return value if isinstance(value, str) and value else None


def _caption(shown: int, total: int, downloads_hold_all: bool) -> str:
    if shown < total:
        held = " (the downloads hold all)" if downloads_hold_all else ""
        return f"The newest {shown:,} of the {total:,} incidents of this view{held}"
    return f"The {total:,} incidents of this view"


def print_table(rows: pd.DataFrame, urls: Mapping[str, list[str]], total: int, downloads_hold_all: bool = True) -> str:
    """The view's table for print: date, title, type, region, parties and every source's URL."""
    head = "".join(f"<th scope='col'>{name}</th>" for name in ("Date", "Title", "Type", "Region", "Parties", "Sources"))
    # Labels once per code, not once per row.
    types = {code: html_text(label("type", str(code))) for code in rows["type"].unique()}
    regions = {code: html_text(label("region", str(code))) for code in rows["region"].unique()}
    actors = {code: actor_label(_code(code)) for code in {*rows["initiator"].unique(), *rows["target"].unique()}}
    body = []
    for row in rows.itertuples():
        parties = html_text(f"{actors[row.initiator]} → {actors[row.target]}")
        listed = "<br>".join(html_text(url) for url in urls.get(str(row.id), []))
        body.append(
            f"<tr><td>{row.date:%Y-%m-%d}</td><td>{html_text(row.title)}</td><td>{types[row.type]}</td>"
            f"<td>{regions[row.region]}</td><td>{parties}</td><td class='atlas-urls'>{listed}</td></tr>"
        )
    return (
        f"<table class='atlas-print-table'><caption>{_caption(len(rows), total, downloads_hold_all)}</caption>"
        f"<thead><tr>{head}</tr></thead><tbody>{''.join(body)}</tbody></table>"
    )
