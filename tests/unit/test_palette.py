"""Colours any reader can tell apart: at most eight plus a grey, far apart under colour-vision
deficiencies, readable on white."""

from __future__ import annotations

import itertools

import pandas as pd
import pytest
from coloraide import Color

from incidents.palette import (
    COLOURS,
    MAX_CATEGORIES,
    OTHER_COLOUR,
    category_order,
    colour_map,
    grouped,
    value_counts,
)

SIMULATIONS = {"normal": None, "protanopia": "protan", "deuteranopia": "deutan", "tritanopia": "tritan"}
PALETTE = [*COLOURS, OTHER_COLOUR]


def seen(colour: str, deficiency: str | None) -> Color:
    return Color(colour) if deficiency is None else Color(colour).filter(deficiency)


@pytest.mark.parametrize("vision", SIMULATIONS)
def test_no_two_colours_are_closer_than_delta_e_10(vision):
    closest = min(
        (seen(a, SIMULATIONS[vision]).delta_e(seen(b, SIMULATIONS[vision]), method="2000"), a, b)
        for a, b in itertools.combinations(PALETTE, 2)
    )
    assert closest[0] >= 10, closest


def contrast(a: str, b: str) -> float:
    light, dark = sorted([Color(a).luminance(), Color(b).luminance()], reverse=True)
    return (light + 0.05) / (dark + 0.05)


@pytest.mark.parametrize("colour", PALETTE)
def test_every_mark_colour_has_3_to_1_contrast_on_white(colour):
    assert contrast(colour, "#FFFFFF") >= 3


def test_the_test_would_catch_a_colour_too_close():
    red, near_red = "#D55E00", "#C85A10"
    assert Color(red).delta_e(Color(near_red), method="2000") < 10


def test_at_most_eight_categories_get_a_colour_and_the_rest_are_named_as_grouped():
    frame = pd.DataFrame({"initiator": [f"r{n}" for n in range(12) for _ in range(12 - n)]})
    order = category_order("initiator", value_counts(frame, "initiator"))
    assert order == [f"r{n}" for n in range(MAX_CATEGORIES)]  # the most frequent
    assert grouped("initiator", value_counts(frame, "initiator")) == ["r10", "r11", "r8", "r9"]
    assert len(colour_map("initiator", value_counts(frame, "initiator"))) == MAX_CATEGORIES


def test_vocabulary_fields_keep_the_vocabulary_order_among_the_most_frequent():
    frame = pd.DataFrame({"type": ["strike"] * 5 + ["collision"] * 4 + ["unsafe_intercept"] * 3})
    assert category_order("type", value_counts(frame, "type")) == ["unsafe_intercept", "collision", "strike"]
    assert grouped("type", value_counts(frame, "type")) == []
