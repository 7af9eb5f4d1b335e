"""One look for every chart: colours fixed per actor (scenario order) and per model."""

from __future__ import annotations

import textwrap

from accord.scenario import Scenario

# Okabe–Ito colour-blind-safe palette, then Tableau-10 for larger casts.
ACTOR_PALETTE = (
    "#0072B2",
    "#D55E00",
    "#009E73",
    "#CC79A7",
    "#E69F00",
    "#56B4E9",
    "#F0E442",
    "#000000",
    "#4E79A7",
    "#F28E2B",
    "#E15759",
    "#76B7B2",
    "#59A14F",
    "#EDC948",
    "#B07AA1",
    "#FF9DA7",
    "#9C755F",
    "#BAB0AC",
)
MODEL_COLOURS = {
    "compromise": "#1b9e77",
    "median": "#d95f02",
    "bdm": "#7570b3",
    "smp": "#e7298a",
    "exchange": "#66a61e",
    "ensemble": "#444444",
}
MODEL_MARKERS = {
    "compromise": "o",
    "median": "s",
    "bdm": "D",
    "smp": "^",
    "exchange": "v",
    "ensemble": "*",
}


def actor_colours(scenario: Scenario) -> dict[str, str]:
    return {a.id: ACTOR_PALETTE[i % len(ACTOR_PALETTE)] for i, a in enumerate(scenario.actors)}


def model_colour(name: str) -> str:
    return MODEL_COLOURS.get(name, "#666666")


def wrap(text: str, width: int = 22, lines: int = 3) -> str:
    parts = textwrap.wrap(text, width)
    if len(parts) > lines:
        parts = parts[:lines]
        parts[-1] = parts[-1][: max(width - 1, 1)] + "…"
    return "\n".join(parts)
