"""The incident panel: one record with its sources and each side's account."""

from __future__ import annotations

from typing import cast

import streamlit as st

from components import text
from components.url_state import open_incident, show_series
from incidents import describe, safe_text
from incidents.geo import Place, geodesic_km
from incidents.labels import actor_label, label
from incidents.model import Actor, Incident
from incidents.releases import HistoryEntry
from incidents.vocab import SERIES


def describe_actor(actor: Actor) -> str:
    """Markdown: the actor's name in bold, then force and platform as text."""
    parts = [actor_label(actor.country)]
    if actor.force:
        parts.append(actor.force)
    platform = actor.platform or label("category", actor.category)
    parts.append(f"{actor.count} × {platform}" if actor.count else platform)
    return text.fill("**{}**" + " · {}" * (len(parts) - 1), *parts)


def describe_location(incident: Incident, near: Place | None) -> str:
    shown = describe.incident_location(incident)
    if near is not None:
        # cast: a catalogued record is located (lat/lon filled from the gazetteer or required).
        location = incident.location
        distance = geodesic_km((near.lat, near.lon), cast(tuple[float, float], (location.lat, location.lon)))
        shown += f"; {distance:,.0f} km from {near.name}"
    return shown


def source_line(number: int, source) -> str:
    """Markdown: the only links in a panel are the record's validated source URLs and the
    archive's search for each. The URL is also shown as text, so a reader sees where a
    link goes (and a printout keeps it); escaped, it cannot become a link of its own."""
    title = text.link(source.title or "(title not recorded)", source.url)
    published = f", {source.published.isoformat()}" if source.published else ""
    kind = " · **official statement**" if source.kind == "official" else ""
    archived = text.link("find archived copies", safe_text.archive_search_url(source.url))
    return text.fill("{}. {}: {}{}{}  \n{} · {}", number, source.publisher, title, published, text.Safe(kind),
                     source.url, archived)  # fmt: skip


def _related(incident: Incident, related_titles: dict[str, str], shown_ids: set[str]) -> None:
    """Buttons, not links: a related incident opens in this tab (a Markdown link would open a
    new one), and says when the current filters leave it out."""
    text.markdown("**Related incidents**")
    for related in incident.related:
        outside = "" if related in shown_ids else " (outside the current filters)"
        st.button(
            text.button_label(f"{related_titles.get(related, related)}{outside}"),
            key=f"related-{related}",
            on_click=open_incident,
            args=(related,),
            type="tertiary",
            icon=":material/link:",
        )


def render_airspace_facts(facts: dict[str, object] | None, zone_labels: dict[str, str]) -> None:
    """What the airspace layers say of the incident's position: computed, never typed."""
    if facts is None:
        text.caption("Airspace facts are computed at load for datasets of up to 20,000 incidents.")
        return
    inside = [zone_labels.get(code, code) for code in str(facts.get("zones") or "").strip("|").split("|") if code]
    edges = [zone_labels.get(code, code) for code in str(facts.get("zone_edges") or "").strip("|").split("|") if code]
    coast = facts.get("coast_km")
    lines = [text.fill("**Inside:** {}", "; ".join(inside) if inside else "none of the layers' zones")]
    if edges:
        lines.append(text.fill("**Placement uncertain:** the uncertainty circle crosses {}", "; ".join(edges)))
    if isinstance(coast, float) and coast == coast:
        where = "inland" if facts.get("on_land") else "off the coast"
        lines.append(text.fill("**Nearest coastline:** {} km ({}; from the basemap's land)", f"{coast:,.0f}", where))
    text.markdown("**Airspace (computed from the layers)**")
    text.markdown("\n\n".join(["{}"] * len(lines)), *map(text.Safe, lines))


def render_incident_panel(
    incident: Incident,
    related_titles: dict[str, str],
    *,
    permalink: str,
    shown_ids: set[str],
    near: Place | None = None,
    history: list[HistoryEntry] | None = None,
    releases: int = 0,
) -> None:
    text.heading(incident.title)
    st.button("Close", key="close-incident", on_click=open_incident, args=(None,), icon=":material/close:",
              help="Close this incident (or Escape in the panel); focus returns to where it was.")  # fmt: skip
    text.markdown(
        "{} · **{}** · escalation risk: {} · verification: {}",
        describe.incident_date(incident),
        label("type", incident.type),
        label("escalation_risk", incident.escalation_risk),
        label("verification", incident.verification),
    )
    text.markdown("**Location:** {}", describe_location(incident, near))
    initiators, targets = st.columns(2)
    for column, heading, actors in (
        (initiators, "Initiator", incident.initiators),
        (targets, "Target", incident.targets),
    ):
        with column:
            text.markdown(f"**{heading}**")
            for actor in actors:
                text.markdown("{}", text.Safe(describe_actor(actor)))
    text.markdown("**Outcome:** {}", describe.incident_outcome(incident))
    text.prose(incident.summary)
    if incident.claims:
        text.markdown("**Each side's account**")
        for column, claim in zip(st.columns(len(incident.claims)), incident.claims, strict=True):
            with column:
                text.markdown("**{}** [{}]", actor_label(claim.party), claim.source)
                text.prose(claim.statement, quote=True)
    if incident.notes and len(incident.notes) <= text.LONG_TEXT_CHARS:
        text.info("{}", incident.notes, icon=":material/info:")
    elif incident.notes:
        text.markdown("**Notes**")
        text.prose(incident.notes)
    text.markdown("**Sources**")
    lines = [source_line(n, s) for n, s in enumerate(incident.sources, start=1)]
    text.markdown("\n".join(["{}"] * len(lines)), *map(text.Safe, lines))
    if incident.series:
        text.markdown("**Series:** {}", label(SERIES, incident.series))
        st.button("Show this series", key="show-series", on_click=show_series, args=(incident.series,),
                  icon=":material/filter_alt:")  # fmt: skip
    if incident.related:
        _related(incident, related_titles, shown_ids)
    if history is not None:
        render_record_history(history, releases)
    text.markdown("**Permalink to this incident**")
    # Wrapped: a block that scrolls sideways is a scroll region a keyboard cannot reach.
    st.code(permalink, language=None, wrap_lines=True)


def render_record_history(entries: list[HistoryEntry], releases: int) -> None:
    """When the record first appeared and each release that changed it, with the fields."""
    text.markdown("**Record history**")
    if not releases:
        text.caption("No data release has been made yet.")
        return
    if not entries:
        text.caption("Not in any data release yet: the record is newer than the last release.")
        return
    words = {"added": "first appeared", "removed": "left the data", "changed": "changed"}
    lines = [
        text.Safe(
            text.fill("- {}, release {}: {}", entry.release.date.isoformat(), entry.release.version, words[entry.kind])
            + (text.fill(" ({})", ", ".join(entry.fields)) if entry.fields else "")
        )
        for entry in entries
    ]
    text.markdown("\n".join(["{}"] * len(lines)), *lines)
