"""One look for every chart: colours fixed per actor (scenario order) and per model (kept in
:mod:`accord.charts.palette`, shared with the dashboard)."""

from __future__ import annotations

from accord.charts.palette import (
    ACTOR_PALETTE,
    MODEL_COLOURS,
    MODEL_SHAPES,
    actor_colours,
    model_colour,
    model_shape,
    wrap,
)

__all__ = [
    "ACTOR_PALETTE",
    "MODEL_COLOURS",
    "MODEL_SHAPES",
    "actor_colours",
    "model_colour",
    "model_shape",
    "wrap",
]
