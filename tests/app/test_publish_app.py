"""The dashboard's "Download as web page": the file of the view on the page, named after it."""

from __future__ import annotations

import json
import re

import streamlit as st

from incidents.catalog import load_catalog
from incidents.view import apply, parse_view
from tests.app.conftest import run_app


def test_download_as_web_page_builds_the_page_of_the_view_and_names_it_after_the_view(monkeypatch):
    calls: list[dict] = []
    original = st.download_button

    def recorded(label, *args, **kwargs):
        calls.append({"label": label, **kwargs})
        return original(label, *args, **kwargs)

    monkeypatch.setattr(st, "download_button", recorded)
    run_app({"region": "black-sea"})
    (button,) = [call for call in calls if call["label"] == "Download as web page"]
    assert re.fullmatch(r"airspace-incidents_region-black-sea_[0-9a-f]+_\d{4}-\d{2}-\d{2}\.html", button["file_name"])
    assert button["mime"] == "text/html"
    page = button["data"]()  # what a click builds
    block = re.search(r'<script type="application/json" id="atlas-data">(.*?)</script>', page, re.S)
    data = json.loads(block.group(1))
    catalog = load_catalog()
    assert data["rows"]["id"] == apply(catalog.frame, parse_view("region=black-sea").state)["id"].tolist()
    assert "region=black-sea" in data["citation"]


def test_every_download_is_built_on_click_without_rerunning_the_page(shipped_app):
    # A click that also reran the page could drop the deferred file before the browser asked
    # for it (the phone journey's brief download never came in two of four runs).
    app = shipped_app({"incident": "2023-03-14-black-sea-su27-mq9-collision"})
    buttons = app.get("download_button")
    labels = {button.proto.label for button in buttons}
    assert {"CSV", "GeoJSON", "JSON", "Data package", "Download as web page", "Download incident brief"} <= labels
    for button in buttons:
        assert button.proto.deferred_file_id, button.proto.label
        assert button.proto.ignore_rerun, button.proto.label
