"""Airspace layers on the page (issue 16): drawn under the incidents, credited, filtered by."""

from __future__ import annotations

import html

from incidents.airspace import zone_facts
from incidents.catalog import load_catalog
from incidents.layers import load_layers
from tests.app.conftest import chart_spec, notice_texts, page_texts, table_ids

ECS_B52 = "2013-11-26-ecs-us-b52s-fly-through-china-adiz"


def test_a_layer_link_draws_the_layer_under_the_incidents_and_credits_it(shipped_app):
    app = shipped_app({"layer": ["tw-median-line", "cn-ecs-adiz"], "region": "east-china-sea"})
    names = [html.unescape(trace.get("name") or "") for trace in chart_spec(app, "map")["data"]]
    median = next(i for i, name in enumerate(names) if name.startswith("Taiwan Strait median line"))
    adiz = next(i for i, name in enumerate(names) if name.startswith("China's East China Sea"))
    first_incident = next(i for i, name in enumerate(names) if not name.startswith(("Taiwan", "China's")))
    assert max(median, adiz) < first_incident, "layers are drawn first, under the incidents"
    credits = page_texts(app, "caption")
    assert "Layers: " in credits
    assert "official coordinates" in credits
    assert "CC BY 4.0" in credits


def test_an_unknown_layer_in_a_link_is_named_in_a_notice(shipped_app):
    app = shipped_app({"layer": "no-such-layer"})
    assert "layer no-such-layer: no such layer is loaded" in notice_texts(app)


def test_the_zone_filter_keeps_the_incidents_inside_the_zone(shipped_app):
    catalog = load_catalog()
    facts = zone_facts(catalog.frame, load_layers()[0])
    inside = sorted(catalog.frame.loc[facts["zones"].str.contains("|cn-ecs-adiz|", regex=False), "id"])
    app = shipped_app({"zone": "cn-ecs-adiz"})
    assert sorted(table_ids(app)) == inside
    assert ECS_B52 in inside


def test_the_panel_shows_the_computed_airspace_facts(shipped_app):
    app = shipped_app({"incident": ECS_B52})
    text = page_texts(app)
    assert "Airspace (computed from the layers)" in text
    assert "China's East China Sea Air Defense Identification Zone" in text
    assert "Nearest coastline:" in text


def test_the_tracks_layer_adds_a_daily_sorties_strip_to_the_timeline(shipped_app):
    app = shipped_app({"layer": "pla-tracks", "from": "2022-08-01", "to": "2022-08-31"})
    timeline = chart_spec(app, "timeline")
    (strip,) = [trace for trace in timeline["data"] if trace.get("name") == "PLA sorties"]
    assert strip["yaxis"] == "y2"
    tracks = [trace for trace in chart_spec(app, "map")["data"] if str(trace.get("name")).startswith("PLA tracks")]
    assert tracks, "the window's tracks are drawn"
