"""Page one's overview: every issue on its own row, normalised to its scale (0 = the scale's
minimum, 1 = its maximum): the models' range, the consensus and its Monte Carlo interval, the
labelled deal terms as ticks, and each red line of a party (or a ratifier) with the side it
rules out; the consensus's nearest deal term is written on the right.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from accord.forecast import CONSENSUS_MODEL
from accord.scenario import Scenario

from .base import Spec, bottom_legend, chart
from .palette import actor_colours, model_colour, model_shape, wrap_lines

__all__ = ["LABEL_GAP", "ROW_PX", "label_lines", "overview_chart"]

#: Smallest gap between two deal-term numbers on one line, as a share of the scale; a number
#: closer than this to its neighbour goes on the second line, and is left out (the tick stays)
#: when both lines are taken there.
LABEL_GAP = 0.055
#: Height of one issue's row, in pixels: small enough for page one to fit one printed A4 page
#: with seven issues.
ROW_PX = 44
OVERVIEW_WIDTH = 480


def label_lines(points: list[float]) -> list[int | None]:
    """For sorted normalised points, the line each label goes on (0, 1) or None (left out)."""
    last: list[float] = [-np.inf, -np.inf]
    out: list[int | None] = []
    for p in points:
        line = next((k for k in (0, 1) if p - last[k] >= LABEL_GAP), None)
        if line is not None:
            last[line] = p
        out.append(line)
    return out


def _px(field: str) -> Spec:
    return {"field": field, "type": "quantitative", "scale": None}


def _x(field: str) -> Spec:
    return {"field": field, "type": "quantitative"}


def _layer(name: str, rows: list[Spec], mark: Spec, **encoding: Any) -> Spec:
    return {"name": name, "data": {"values": rows}, "mark": mark, "encoding": encoding}


#: Where the consensus value may go, by preference (offset in scale shares, offset in px):
#: above the marker, above it to the right or left, then beside it on the row's line.
VALUE_SPOTS = ((0.0, -10.0), (0.04, -10.0), (-0.04, -10.0), (0.05, 0.0), (-0.05, 0.0))


def _free_spot(c: float, y: float, taken: list[tuple[float, float]]) -> tuple[float, float]:
    """The first of :data:`VALUE_SPOTS` clear of every red line and deal-term number."""
    for dx, dy in VALUE_SPOTS:
        x = c + dx
        if all(abs(x - tx) >= 0.035 or abs(y + dy - ty) >= 8 for tx, ty in taken):
            return x, y + dy
    return c + VALUE_SPOTS[-1][0], y + VALUE_SPOTS[-1][1]


def _row(scenario: Scenario, s: Any, y: float, interval: Any, out: dict[str, list[Spec]]) -> None:
    """The marks of one issue's row (centre ``y`` px), appended to ``out`` by kind."""
    issue = scenario.issue(s.issue_id)
    lo, width = issue.scale.min, issue.scale.max - issue.scale.min

    def norm(v: float) -> float:
        return (float(v) - lo) / width

    out["base"].append({"a": 0, "b": 1, "y": y})
    pts = sorted(issue.scale.labels)
    xs = [norm(p) for p in pts]
    for p, x, line in zip(pts, xs, label_lines(xs), strict=True):
        out["ticks"].append(
            {"x": x, "y": y - 5, "y2": y + 5, "tip": f"{p:g} = {issue.scale.labels[p]}"}
        )
        if line is not None:
            out["numbers"].append({"x": x, "y": y + 11 + 8 * line, "text": f"{p:g}"})
    out["range"].append(
        {
            "a": norm(s.low),
            "b": max(norm(s.high), norm(s.low) + 0.004),
            "y": y - 5,
            "y2": y + 5,
            "tip": f"models' range {s.low:.1f}–{s.high:.1f}",
        }
    )
    if interval is not None:
        q05, q25, _, q75, q95 = (norm(v) for v in interval)
        out["spread"].append({"a": q05, "b": q95, "y": y})
        out["box"].append({"a": q25, "b": max(q75, q25 + 0.003), "y": y - 3.5, "y2": y + 3.5})
    placed: list[tuple[float, bool]] = []
    for a in scenario.actors:
        st = a.stances.get(s.issue_id) if a.binds_red_lines else None
        if st is None or st.red_line is None:
            continue
        x, up = norm(st.red_line.value), norm(st.position.value) < norm(st.red_line.value)
        lift = 6 * sum(abs(x - px) < 0.02 and u == up for px, u in placed)
        placed.append((x, up))
        top = y - 14 - lift
        out["red"].append(
            {
                "x": x,
                "y": top,
                "y2": y - 6,
                "actor": a.name,
                "shape": "triangle-right" if up else "triangle-left",
                "tip": f"red line of {a.name}: {st.red_line.value:g}",
            }
        )
    if s.consensus is not None:
        c = norm(s.consensus)
        out["consensus"].append({"x": c, "y": y, "tip": f"consensus {s.consensus:.1f}"})
        taken = [(px, y - 10) for px, _ in placed] + [
            (d["x"], d["y"]) for d in out["numbers"] if abs(d["y"] - y) < 30
        ]
        vx, vy = _free_spot(c, y, taken)
        out["value"].append({"x": vx, "y": vy, "text": f"{s.consensus:.0f}"})
        out["nearest"].append(
            {"x": 1.04, "y": y, "text": wrap_lines(issue.scale.describe(s.consensus), 36, 3)}
        )
    out["names"].append(
        {
            "px": -10,
            "y": y,
            "text": [
                *wrap_lines(issue.name or issue.id, 26, 2),
                f"({issue.scale.min:g}..{issue.scale.max:g})",
            ],
        }
    )


def overview_chart(
    scenario: Scenario,
    summaries: list[Any],
    intervals: dict[str, tuple[float, float, float, float, float]],
    title: str = "",
) -> Spec:
    """Every issue on its own row: models' range (grey bar), consensus (its model's marker),
    its Monte Carlo interval (``intervals``: issue id → q05, q25, q50, q75, q95; line 90 %,
    box 50 %), deal terms (ticks with their values), parties' red lines (coloured bar; the
    triangle points at the side the actor rules out)."""
    out: dict[str, list[Spec]] = {
        k: []
        for k in (
            "base",
            "ticks",
            "numbers",
            "range",
            "spread",
            "box",
            "red",
            "consensus",
            "value",
            "nearest",
            "names",
        )
    }
    for i, s in enumerate(summaries):
        _row(scenario, s, 20 + ROW_PX * i, intervals.get(s.issue_id), out)
    height = ROW_PX * len(summaries)
    colours = actor_colours(scenario)
    holders = [a for a in scenario.actors if any(r["actor"] == a.name for r in out["red"])]
    red_scale = {"domain": [a.name for a in holders], "range": [colours[a.id] for a in holders]}
    text: Spec = {"type": "text", "fontSize": 10, "baseline": "middle"}
    x_axis = {
        "field": "a",
        "type": "quantitative",
        "scale": {"domain": [-0.02, 1.02], "nice": False},
        "axis": {
            "values": [0, 0.5, 1],
            "title": None,
            "grid": False,
            "labelExpr": "datum.value == 0 ? 'scale minimum' : datum.value == 1 ? "
            "'scale maximum' : 'middle'",
        },
    }
    red_colour = {
        "field": "actor",
        "type": "nominal",
        "scale": red_scale,
        "legend": bottom_legend("red lines", height + 30, height, 3),
    }
    layers = [
        _layer(
            "base",
            out["base"],
            {"type": "rule", "color": "#cccccc"},
            x=x_axis,
            x2={"field": "b"},
            y=_px("y"),
        ),
        _layer(
            "range",
            out["range"],
            {"type": "rect", "color": "#bbbbbb"},
            x=_x("a"),
            x2={"field": "b"},
            y=_px("y"),
            y2={"field": "y2"},
            tooltip={"field": "tip"},
        ),
        _layer(
            "deal_terms",
            out["ticks"],
            {"type": "rule", "color": "#888888"},
            x=_x("x"),
            y=_px("y"),
            y2={"field": "y2"},
            tooltip={"field": "tip"},
        ),
        _layer(
            "term_numbers",
            out["numbers"],
            {**text, "fontSize": 8, "color": "#666666"},
            x=_x("x"),
            y=_px("y"),
            text={"field": "text"},
        ),
        _layer(
            "spread",
            out["spread"],
            {"type": "rule", "color": "black", "strokeWidth": 1.2},
            x=_x("a"),
            x2={"field": "b"},
            y=_px("y"),
        ),
        _layer(
            "box",
            out["box"],
            {"type": "rect", "fill": None, "stroke": "black", "fillOpacity": 0, "strokeWidth": 1},
            x=_x("a"),
            x2={"field": "b"},
            y=_px("y"),
            y2={"field": "y2"},
        ),
        _layer(
            "red_lines",
            out["red"],
            {"type": "rule", "strokeWidth": 2},
            x=_x("x"),
            y=_px("y"),
            y2={"field": "y2"},
            color=red_colour,
            tooltip={"field": "tip"},
        ),
        _layer(
            "red_sides",
            out["red"],
            {"type": "point", "filled": True, "size": 30, "opacity": 1},
            x=_x("x"),
            y=_px("y"),
            color={**red_colour, "legend": None},
            shape={"field": "shape", "type": "nominal", "scale": None},
        ),
        _layer(
            "consensus",
            out["consensus"],
            {
                "type": "point",
                "filled": True,
                "size": 90,
                "opacity": 1,
                "shape": model_shape(CONSENSUS_MODEL),
                "color": model_colour(CONSENSUS_MODEL),
            },
            x=_x("x"),
            y=_px("y"),
            tooltip={"field": "tip"},
        ),
        _layer(
            "consensus_value",
            out["value"],
            {**text, "fontWeight": "bold"},
            x=_x("x"),
            y=_px("y"),
            text={"field": "text"},
        ),
        _layer(
            "nearest_term",
            out["nearest"],
            {**text, "align": "left", "color": "#333333", "fontSize": 9},
            x=_x("x"),
            y=_px("y"),
            text={"field": "text"},
        ),
        _layer(
            "issue_names",
            out["names"],
            {**text, "align": "right", "fontSize": 10},
            x=_px("px"),
            y=_px("y"),
            text={"field": "text"},
        ),
    ]
    return chart(
        title or "",
        [lay for lay in layers if lay["data"]["values"]],
        width=OVERVIEW_WIDTH,
        height=height,
    )
