"""One look for every chart: a colour per actor (scenario order), a colour and a shape per model.

Actors are always circles in colours of :data:`ACTOR_PALETTE` (Okabe–Ito, then Tableau-10);
models are never circles, and their colours (:data:`MODEL_COLOURS`, from Paul Tol's "muted"
scheme) appear nowhere in the actor palette, so a model's marker is never mistaken for an actor.
"""

from __future__ import annotations

import textwrap

from accord.scenario import Scenario

__all__ = [
    "ACTOR_PALETTE",
    "ACTOR_SHAPE",
    "MODEL_COLOURS",
    "MODEL_SHAPES",
    "OTHER_MODEL_COLOUR",
    "actor_colours",
    "model_colour",
    "model_shape",
    "wrap",
    "wrap_lines",
]

#: Okabe–Ito colour-blind-safe palette, then Tableau-10 for larger casts.
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
#: Every actor's marker.
ACTOR_SHAPE = "circle"
#: Models: Paul Tol's muted scheme (indigo, wine, olive, purple, dark green) and a dark grey for
#: the consensus ensemble; none of them is an actor colour.
MODEL_COLOURS = {
    "compromise": "#332288",
    "median": "#882255",
    "bdm": "#999933",
    "smp": "#AA4499",
    "exchange": "#117733",
    "ensemble": "#444444",
}
OTHER_MODEL_COLOUR = "#666666"
#: Vega-Lite point shapes; never the actors' circle.
MODEL_SHAPES = {
    "compromise": "square",
    "median": "diamond",
    "bdm": "triangle-up",
    "smp": "triangle-down",
    "exchange": "cross",
    "ensemble": "M0,-1.1L0.3,-0.35L1.05,-0.35L0.45,0.12L0.65,0.9L0,0.45L-0.65,0.9L-0.45,0.12"
    "L-1.05,-0.35L-0.3,-0.35Z",  # a star (SVG path on the unit square, as Vega-Lite takes it)
}


def actor_colours(scenario: Scenario) -> dict[str, str]:
    """Actor id -> colour, by the actor's place in the scenario (the same in every chart)."""
    return {a.id: ACTOR_PALETTE[i % len(ACTOR_PALETTE)] for i, a in enumerate(scenario.actors)}


def model_colour(name: str) -> str:
    return MODEL_COLOURS.get(name, OTHER_MODEL_COLOUR)


def model_shape(name: str) -> str:
    return MODEL_SHAPES.get(name, "wedge")


def wrap(text: str, width: int = 22, lines: int = 3) -> str:
    """``text`` broken into at most ``lines`` lines of ``width`` characters (an ellipsis when
    cut), joined by newlines."""
    return "\n".join(wrap_lines(text, width, lines))


def wrap_lines(text: str, width: int, lines: int) -> list[str]:
    parts = textwrap.wrap(text, width) or [""]
    if len(parts) > lines:
        parts = parts[:lines]
        parts[-1] = parts[-1][: max(width - 1, 1)] + "…"
    return parts
