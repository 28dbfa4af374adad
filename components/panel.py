"""The incident panel: one record with its sources and each side's account."""

from __future__ import annotations

import html

import streamlit as st

from incidents.geo import Place, geodesic_km
from incidents.labels import actor_label, label
from incidents.model import Actor, Incident

PRECISION_FORMAT = {"day": "%d %B %Y", "month": "%B %Y (day not reported)", "year": "%Y (month not reported)"}


def describe_date(incident: Incident) -> str:
    text = incident.date.strftime(PRECISION_FORMAT[str(incident.date_precision)])
    if incident.end_date:
        text += f" to {incident.end_date.strftime('%d %B %Y')}"
    if incident.time_utc:
        text += f", {incident.time_utc} UTC"
    return text


def describe_actor(actor: Actor) -> str:
    parts = [f"**{actor_label(actor.country)}**"]
    if actor.force:
        parts.append(actor.force)
    platform = actor.platform or label("category", actor.category)
    parts.append(f"{actor.count} × {platform}" if actor.count else platform)
    return " · ".join(parts)


def describe_location(incident: Incident, near: Place | None) -> str:
    location = incident.location
    text = f"{location.name} ({location.lat:.2f}, {location.lon:.2f})"
    if location.radius_km:
        text += f", public location uncertain to ±{location.radius_km:g} km"
    if location.airspace:
        airspace = label("airspace", location.airspace)
        text += f"; {airspace}" + (f" of {actor_label(location.country)}" if location.country else "")
    if near is not None:
        distance = geodesic_km((near.lat, near.lon), (location.lat, location.lon))
        text += f"; {distance:,.0f} km from {near.name}"
    return text


def describe_outcome(incident: Incident) -> str:
    outcome = incident.outcome
    facts = [
        f"{name}: {value}"
        for name, value in (
            ("aircraft lost", outcome.aircraft_lost),
            ("aircraft damaged", outcome.aircraft_damaged),
            ("killed", outcome.killed),
            ("injured", outcome.injured),
        )
        if value is not None
    ]
    text = "; ".join(facts) if facts else "not reported"
    return text + (f". {outcome.note}" if outcome.note else "")


def source_line(number: int, source) -> str:
    title = html.escape(source.title) if source.title else "(title not recorded)"
    published = f", {source.published.isoformat()}" if source.published else ""
    return f"{number}. {html.escape(source.publisher)}: [{title}]({source.url}){published}"


def render_incident_panel(
    incident: Incident,
    related_titles: dict[str, str],
    *,
    permalink: str,
    related_link,
    near: Place | None = None,
) -> None:
    st.subheader(incident.title)
    st.markdown(
        f"{describe_date(incident)} · **{label('type', incident.type)}** · "
        f"escalation risk: {label('escalation_risk', incident.escalation_risk)} · "
        f"verification: {label('verification', incident.verification)}"
    )
    st.markdown(f"**Location:** {describe_location(incident, near)}")
    initiators, targets = st.columns(2)
    with initiators:
        st.markdown("**Initiator**")
        for actor in incident.initiators or []:
            st.markdown(describe_actor(actor))
    with targets:
        st.markdown("**Target**")
        for actor in incident.targets or []:
            st.markdown(describe_actor(actor))
    st.markdown(f"**Outcome:** {describe_outcome(incident)}")
    st.markdown(incident.summary)
    if incident.claims:
        st.markdown("**Each side's account**")
        for column, claim in zip(st.columns(len(incident.claims)), incident.claims, strict=True):
            with column:
                st.markdown(f"**{actor_label(claim.party)}** [{claim.source}]")
                st.markdown(f"> {claim.statement}")
    if incident.notes:
        st.info(incident.notes, icon=":material/info:")
    st.markdown("**Sources**")
    st.markdown("\n".join(source_line(n, s) for n, s in enumerate(incident.sources, start=1)))
    if incident.related:
        st.markdown("**Related incidents**")
        st.markdown("\n".join(f"- [{related_titles.get(r, r)}]({related_link(r)})" for r in incident.related))
    st.markdown("**Permalink to this incident**")
    st.code(permalink, language=None)
