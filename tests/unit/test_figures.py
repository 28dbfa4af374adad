"""Figure builders and geometry, without a browser."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from geopy.distance import geodesic

from components.map import MARKER_RING, OpenIncident, build_map_figure, fit_view
from components.overview import build_monthly_figure, build_type_counts_figure, monthly_counts
from components.timeline import build_timeline_figure
from incidents.geo import geodesic_circle, geodesic_km, haversine_km
from incidents.palette import colour_map, value_counts


@pytest.fixture
def frame(fixture_catalog):
    frame = fixture_catalog.frame.copy()
    frame["row"] = range(len(frame))
    return frame


def selectable_rows(figure) -> list[int]:
    return sorted(int(v) for trace in figure.data if trace.customdata is not None for v in trace.customdata)


def test_map_has_one_lean_trace_per_category(frame):
    colours = colour_map("type", value_counts(frame, "type"))
    figure = build_map_figure(frame, "type", colours)
    assert selectable_rows(figure) == list(range(len(frame)))
    ring, *categories = figure.data
    assert ring.name == MARKER_RING
    assert ring.hoverinfo == "skip"
    assert ring.customdata is None
    assert {trace.name for trace in categories} == {
        "Unsafe intercept", "Flare or chaff release", "Airspace violation", "Drone incursion", "Shoot-down",
    }  # fmt: skip
    first = categories[0]
    assert np.asarray(first.lat).dtype == np.float32
    assert np.asarray(first.customdata).dtype == np.int32


def test_colours_are_stable_whatever_the_filter(frame):
    colours = colour_map("type", value_counts(frame, "type"))
    full = {t.name: t.marker.color for t in build_map_figure(frame, "type", colours).data}
    subset = {t.name: t.marker.color for t in build_map_figure(frame.iloc[:2], "type", colours).data}
    assert all(full[name] == colour for name, colour in subset.items())


def test_open_incident_draws_a_geodesic_circle(frame):
    opened = OpenIncident(row=0, title="x", lat=60.0, lon=20.0, radius_km=200)
    figure = build_map_figure(frame, "type", colour_map("type", value_counts(frame, "type")), opened)
    (ring,) = [trace for trace in figure.data if trace.name == "Uncertainty: 200 km"]
    assert (ring.lat[0], ring.lon[0]) == pytest.approx((ring.lat[-1], ring.lon[-1]))
    distances = [geodesic((60.0, 20.0), point).km for point in zip(ring.lat, ring.lon, strict=True)]
    assert max(abs(d - 200) for d in distances) < 0.01
    # At 60N a degree of longitude is half a degree of latitude: a circle, not a pixel disc.
    assert (max(ring.lon) - min(ring.lon)) == pytest.approx(2 * (max(ring.lat) - min(ring.lat)), rel=0.05)


def test_offline_basemap_is_a_served_style_and_online_styles_are_a_choice(frame):
    colours = colour_map("type", value_counts(frame, "type"))
    offline = build_map_figure(frame, "type", colours, static_url="http://localhost:8501/app/static")
    style = offline.layout.map.style
    assert style["glyphs"].startswith("http://localhost:8501/app/static/basemap/glyphs/")
    assert style["sources"]["land"]["data"] == "http://localhost:8501/app/static/basemap/land.geojson"
    assert "distance-hint" in style["sources"]
    assert len(offline.layout.map.layers) == 0
    online = build_map_figure(frame, "type", colours, basemap="carto-positron")
    assert online.layout.map.style == "carto-positron"
    assert len(online.layout.map.layers) == 0


@pytest.mark.parametrize(
    ("lats", "lons"), [([43.0, 35.0], [33.0, 36.5]), ([15.0, 57.5], [-120.0, 140.0]), ([10.0], [10.0])]
)
def test_fit_view_centres_between_the_points(lats, lons):
    view = fit_view(np.array(lats), np.array(lons))
    assert min(lons) <= view["center"]["lon"] <= max(lons)
    assert min(lats) - 1 <= view["center"]["lat"] <= max(lats) + 1
    wide = fit_view(np.array([0.0, 0.0]), np.array([-150.0, 150.0]))
    assert wide["zoom"] < view["zoom"] or len(lats) > 1


def test_timeline_draws_imprecise_dates_as_spans(frame):
    figure = build_timeline_figure(frame, "type", colour_map("type", value_counts(frame, "type")))
    assert selectable_rows(figure) == list(range(len(frame)))
    spans = [trace for trace in figure.data if trace.mode == "lines"]
    xs = [pd.Timestamp(x) for trace in spans for x in trace.x if x is not None]
    assert pd.Timestamp("2019-05-01") in xs  # month precision: from the 1st ...
    assert any(x.strftime("%Y-%m-%d") == "2019-05-31" for x in xs)  # ... to the end of the month
    assert any(x.strftime("%Y-%m-%d") == "2024-12-31" for x in xs)  # year precision: whole year
    assert any(x.strftime("%Y-%m-%d") == "2023-09-11" for x in xs)  # multi-day episode
    faint = [trace.opacity for trace in spans]
    assert min(faint) < max(faint)


def test_timeline_highlights_the_open_incident(frame):
    figure = build_timeline_figure(frame, "region", colour_map("region", value_counts(frame, "region")), open_row=3)
    assert [trace.customdata[0] for trace in figure.data if trace.name == "Open incident"] == [3]


def test_overview_counts_add_up(frame):
    colours = colour_map("verification", value_counts(frame, "verification"))
    monthly = build_monthly_figure(monthly_counts(frame, "verification", colours), "verification", colours)
    assert sum(sum(trace.y) for trace in monthly.data) == len(frame)
    types = build_type_counts_figure(frame["type"].value_counts())
    assert sum(types.data[0].x) == len(frame)


def test_haversine_agrees_with_geodesic_for_filtering():
    lats, lons = np.array([34.89, 43.0, -33.9]), np.array([35.89, 33.0, 151.2])
    fast = haversine_km(44.6, 33.5, lats, lons)
    exact = [geodesic_km((44.6, 33.5), (lat, lon)) for lat, lon in zip(lats, lons, strict=True)]
    assert fast == pytest.approx(exact, rel=0.006)


def test_circle_crossing_the_antimeridian_stays_a_circle():
    lats, lons = geodesic_circle(0.0, 179.5, 200)
    distances = [geodesic((0.0, 179.5), (lat, (lon + 180) % 360 - 180)).km for lat, lon in zip(lats, lons, strict=True)]
    assert max(abs(d - 200) for d in distances) < 0.01
    assert max(lons) - min(lons) < 5  # no jump from +180 to -180


def test_incidents_at_one_position_are_gathered_and_nearby_ones_are_not():
    import numpy as np

    from incidents.geo import group_points

    lats = np.array([35.0, 35.004, 35.0, 35.2, -10.0])
    lons = np.array([38.5, 38.501, 38.5, 38.5, 179.999])
    groups = group_points(lats, lons)
    assert groups.group[0] == groups.group[1] == groups.group[2]  # within ~1 km: one marker
    assert len(set(groups.group.tolist())) == 3  # 20 km away, and across the world: apart
    assert sorted(groups.sizes.tolist()) == [1, 1, 3]


def test_the_map_fits_a_circle_with_a_margin_and_points_with_their_surroundings():
    from incidents.geo import MIN_PAD_DEG, bounds_of, circle_bounds

    west, south, east, north = circle_bounds(34.89, 35.89, 300)
    assert west < 35.89 - 300 / 111 / 0.82 < 35.89 + 300 / 111 / 0.82 < east
    assert south < 34.89 - 300 / 111 < 34.89 + 300 / 111 < north
    assert bounds_of([10.0], [20.0]) == (20 - MIN_PAD_DEG, 10 - MIN_PAD_DEG, 20 + MIN_PAD_DEG, 10 + MIN_PAD_DEG)
    assert bounds_of([], []) is None
    assert bounds_of([89.0], [179.9])[2:] == (180.0, 85.0), "clipped to what a web-mercator map shows"


def test_a_position_known_only_to_the_region_says_so_in_its_hover():
    import pandas as pd

    from incidents.palette import hover_labels

    frame = pd.DataFrame({"date": pd.to_datetime(["2023-01-01", "2023-01-02"]), "title": ["A", "B"],
                          "radius_km": [600.0, 40.0]})  # fmt: skip
    first, second = hover_labels(frame)
    assert first.endswith("(location known only to the region)")
    assert "known only" not in second


@pytest.mark.parametrize("width", [320, 390, 768, 1024, 1440, 2000])
def test_the_first_view_shows_every_point_at_each_width(width):
    import numpy as np

    from components.map import fit_view

    lats, lons = np.array([10.0, 40.0, 55.0]), np.array([-20.0, 30.0, 120.0])
    view = fit_view(lats, lons, width_px=width, height_px=340)
    shown_lon = width / 512 * 360 / 2 ** view["zoom"]
    assert shown_lon >= np.ptp(lons) or view["zoom"] == 0.3  # the floor: the browser refits below it
    assert abs(view["center"]["lon"] - np.mean([lons.min(), lons.max()])) < 1e-6
