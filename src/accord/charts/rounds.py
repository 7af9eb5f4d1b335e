"""Charts over rounds on one issue's scale: the actors' positions round by round under one model
(the trajectory) and the model's forecast round by round across Monte Carlo draws (the fan).
"""

from __future__ import annotations

import numpy as np

from accord.models.base import IssueForecast
from accord.scenario import Issue, Scenario

from .base import WIDTH, Spec, bottom_legend, chart, num, term_layers_y, terms_in, zoom_window
from .issues import actor_scale

__all__ = ["TRAJECTORY_ROUNDS_MARKED", "fan_chart", "trajectory_chart"]

#: Trajectories with at most this many rounds get a marker per round; longer ones (KTAB's SMP
#: runs up to 100 turns) plain lines.
TRAJECTORY_ROUNDS_MARKED = 25


def trajectory_chart(scenario: Scenario, fc: IssueForecast, title: str) -> Spec:
    """Each actor's position round by round (actor colours) and the model's forecast (black:
    dashed on runs of at most :data:`TRAJECTORY_ROUNDS_MARKED` rounds, solid and thinner on
    longer ones); the actors are named in the legend, the deal terms right of the plot."""
    issue = scenario.issue(fc.issue_id)
    tr = fc.trace
    assert tr is not None
    names = {a.id: a.name for a in scenario.actors}
    rounds = tr.positions.shape[0]
    rows = [
        {"round": t, "actor": names.get(aid, aid), "value": num(tr.positions[t, k])}
        for k, aid in enumerate(tr.actor_ids)
        for t in range(rounds)
    ]
    forecast = [
        {"round": t, "value": num(tr.forecast[t]), "series": "forecast"} for t in range(rounds)
    ]
    a, b = float(issue.scale.min), float(issue.scale.max)
    height = 240
    term_layers, key_end = term_layers_y(terms_in(issue, a, b), a, b, WIDTH, height)
    y = {
        "field": "value",
        "type": "quantitative",
        "scale": {"domain": [a, b], "nice": False},
        "axis": {"title": f"{issue.name or issue.id} (scale {a:g}..{b:g})", "tickCount": 5},
    }
    marked = rounds <= TRAJECTORY_ROUNDS_MARKED + 1
    x = {
        "field": "round",
        "type": "quantitative",
        "scale": {"domain": [0, max(rounds - 1, 1)], "nice": False},
        "axis": {"title": "round", "tickMinStep": 1, "format": "d"},
    }
    layers = [
        *term_layers[:1],
        {
            "name": "positions",
            "data": {"values": rows},
            "mark": {
                "type": "line",
                "point": {"size": 18} if marked else False,
                "strokeWidth": 1.6,
                "opacity": 0.85,
            },
            "encoding": {
                "x": x,
                "y": y,
                "color": {
                    "field": "actor",
                    "type": "nominal",
                    "scale": actor_scale(scenario, tr.actor_ids),
                    "legend": bottom_legend(
                        "actors", key_end, height, labels=[a.name for a in scenario.actors]
                    ),
                },
                "tooltip": [
                    {"field": "actor"},
                    {"field": "round"},
                    {"field": "value", "format": ".1f"},
                ],
            },
        },
        {
            "name": "forecast",
            "data": {"values": forecast},
            # dashed on short runs; solid on long ones, where a forecast that alternates every
            # round would turn a dash pattern into an unreadable hatched band (SMP's 100 turns)
            "mark": {"type": "line", "color": "black", "strokeWidth": 2.2, "strokeDash": [6, 3]}
            if marked
            else {"type": "line", "color": "black", "strokeWidth": 1.3},
            "encoding": {
                "x": x,
                "y": y,
                "tooltip": [{"field": "round"}, {"field": "value", "format": ".1f"}],
            },
        },
        *term_layers[1:],
    ]
    return chart(title, layers, width=WIDTH, height=height)


def fan_chart(issue: Issue, medians: np.ndarray, title: str, colour: str = "#999933") -> Spec:
    """A round-by-round forecast across Monte Carlo draws: median line, 50 % and 90 % bands.

    ``medians``: (rounds + 1, draws) the model's forecast after each round in every draw."""
    q = np.nanquantile(medians, [0.05, 0.25, 0.5, 0.75, 0.95], axis=1)
    data = [
        {"round": t, **{k: num(q[i, t]) for i, k in enumerate(("q05", "q25", "q50", "q75", "q95"))}}
        for t in range(medians.shape[0])
    ]
    a, b = zoom_window(issue, float(np.nanmin(q[0])), float(np.nanmax(q[4])))
    height = 220
    term_layers, key_end = term_layers_y(terms_in(issue, a, b), a, b, WIDTH, height)
    x = {
        "field": "round",
        "type": "quantitative",
        "axis": {"title": "round", "format": "d", "tickMinStep": 1},
        "scale": {"domain": [0, max(medians.shape[0] - 1, 1)], "nice": False},
    }
    y = {
        "type": "quantitative",
        "scale": {"domain": [a, b], "nice": False, "zero": False},
        "axis": {"title": [f"{issue.name or issue.id}", f"(view {a:.0f}..{b:.0f})"]},
    }
    band = {
        "field": "band",
        "type": "nominal",
        "scale": {
            "domain": ["90 % of draws", "50 % of draws", "median draw"],
            "range": [0.18, 0.4, 1],
        },
        "legend": bottom_legend(None, key_end, height, 3),
    }

    def area(lo: str, hi: str, name: str) -> Spec:
        return {
            "name": "band",
            "data": {"values": [{**d, "band": name} for d in data]},
            "mark": {"type": "area", "color": colour},
            "encoding": {"x": x, "y": {**y, "field": lo}, "y2": {"field": hi}, "opacity": band},
        }

    layers = [
        *term_layers[:1],
        area("q05", "q95", "90 % of draws"),
        area("q25", "q75", "50 % of draws"),
        {
            "name": "median",
            "data": {"values": [{**d, "band": "median draw"} for d in data]},
            "mark": {"type": "line", "color": colour, "strokeWidth": 2.5},
            "encoding": {
                "x": x,
                "y": {**y, "field": "q50"},
                "opacity": band,
                "tooltip": [
                    {"field": "round"},
                    {"field": "q50", "format": ".1f", "title": "median"},
                ],
            },
        },
        *term_layers[1:],
    ]
    return chart(title, layers, width=WIDTH, height=height)
