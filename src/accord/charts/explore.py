"""The dashboard's exploration charts (KTAB-style): the actors' positions at a chosen round of a
round-based model, on one issue and on two issues at once.

:func:`positions_frame` lays out every round-based model's trace as plain rows (round 0 is the
scenario's inputs, as every trace records it). Each chart carries every round of its model and
shows one: a Vega-Lite param :data:`ROUND_PARAM` filters the rows, so the page moves a chart by
setting that one signal (``view.signal("round", r)``) without re-embedding it.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from accord.models.base import ModelForecast
from accord.scenario import Scenario

from .base import WIDTH, Spec, bottom_legend, chart, num
from .issues import ACTOR_SIZES, actor_scale
from .palette import actor_colours, wrap_lines

__all__ = ["ROUND_PARAM", "positions_frame", "turn_chart", "two_issue_chart"]

#: The name of the param (and Vega signal) that picks the round a chart shows.
ROUND_PARAM = "round"
#: Title lines are wrapped to this many characters (a longer line would widen the chart).
TITLE_CHARS = 80


def positions_frame(
    scenario: Scenario, forecasts: Sequence[ModelForecast], labels: dict[str, str] | None = None
) -> dict[str, Any]:
    """Every round-based model's trajectories as plain JSON rows.

    Only models with a trace of at least one round on some issue are kept. ``positions`` rows:
    ``model, issue, round, actor, position, weight`` (weight: capability × salience on that
    issue, from the scenario); ``forecast`` rows: ``model, issue, round, value``.
    """
    labels = labels or {}
    names = {a.id: a.name for a in scenario.actors}
    colours = actor_colours(scenario)
    models, rows, forecast = [], [], []
    for mf in forecasts:
        traces = {
            i: f.trace for i, f in mf.issues.items() if f.trace is not None and f.trace.rounds >= 1
        }
        if not traces:
            continue
        models.append(
            {
                "model": mf.model,
                "label": labels.get(mf.model, mf.model),
                "rounds": max(tr.rounds for tr in traces.values()),
                "issues": [i for i in scenario.issue_ids if i in traces],
            }
        )
        for issue_id, tr in traces.items():
            weight = dict(zip(*_weights(scenario, issue_id), strict=True))
            for t in range(tr.positions.shape[0]):
                forecast.append(
                    {"model": mf.model, "issue": issue_id, "round": t, "value": num(tr.forecast[t])}
                )
                for k, aid in enumerate(tr.actor_ids):
                    rows.append(
                        {
                            "model": mf.model,
                            "issue": issue_id,
                            "round": t,
                            "actor": aid,
                            "position": num(tr.positions[t, k]),
                            "weight": weight.get(aid),
                        }
                    )
    return {
        "models": models,
        "issues": [
            {
                "id": i.id,
                "name": i.name or i.id,
                "min": float(i.scale.min),
                "max": float(i.scale.max),
            }
            for i in scenario.issues
        ],
        "actors": [
            {"id": a.id, "name": names[a.id], "colour": colours[a.id]} for a in scenario.actors
        ],
        "positions": rows,
        "forecast": forecast,
    }


def _weights(scenario: Scenario, issue_id: str) -> tuple[list[str], list[float]]:
    arr = scenario.arrays(issue_id)
    return list(arr.actor_ids), [float(w) for w in arr.weight]


def _size_by_weight() -> Spec:
    """Dot area by the actor's weight (capability × salience), from zero, in the actors' size
    range (a fresh dict for each spec)."""
    return {
        "field": "weight",
        "type": "quantitative",
        "scale": {"range": list(ACTOR_SIZES), "zero": True},
        "legend": None,
    }


def _round_param() -> Spec:
    """The param the page drives (``view.signal("round", r)``); charts open at round 0."""
    return {"name": ROUND_PARAM, "value": 0}


def _at_round() -> list[Spec]:
    """The transform that keeps the rows of the round the param picks."""
    return [{"filter": f"datum.round == {ROUND_PARAM}"}]


def _model_label(frame: dict[str, Any], model: str) -> str:
    return next(m["label"] for m in frame["models"] if m["model"] == model)


def _issue(frame: dict[str, Any], issue_id: str) -> dict[str, Any]:
    return next(i for i in frame["issues"] if i["id"] == issue_id)


def turn_chart(scenario: Scenario, frame: dict[str, Any], model: str, issue_id: str) -> Spec:
    """Every actor's position on one issue at the round the ``round`` param picks (one row per
    actor, actor colours, sized by capability × salience) and the model's forecast at that
    round (black rule, its value above the plot). A round past this issue's last recorded
    round shows its final positions, as the two-issue plot does."""
    issue = _issue(frame, issue_id)
    names = {a["id"]: a["name"] for a in frame["actors"]}
    rows = [
        {
            "round": r["round"],
            "actor": names[r["actor"]],
            "position": r["position"],
            "weight": r["weight"],
        }
        for r in frame["positions"]
        if r["model"] == model and r["issue"] == issue_id
    ]
    fc = [
        {
            "round": r["round"],
            "value": r["value"],
            "text": f"round {r['round']}: forecast {r['value']:.1f}",
        }
        for r in frame["forecast"]
        if r["model"] == model and r["issue"] == issue_id and r["value"] is not None
    ]
    if not rows:
        raise ValueError(f"{model} has no trace on {issue_id!r}")
    rows, fc = _held(rows, frame, model), _held(fc, frame, model)
    shown = list(dict.fromkeys(r["actor"] for r in rows))
    a, b = issue["min"], issue["max"]
    height = max(120, 34 * len(shown))
    x = {
        "field": "position",
        "type": "quantitative",
        "scale": {"domain": [a, b], "nice": False},
        "axis": {"title": f"{issue['name']} (scale {a:g}..{b:g})", "tickCount": 6},
    }
    ids = [aid for aid, n in names.items() if n in shown]
    layers = [
        {
            "name": "forecast_rule",
            "data": {"values": fc},
            "transform": _at_round(),
            "mark": {"type": "rule", "color": "black", "strokeDash": [6, 3], "strokeWidth": 2},
            "encoding": {"x": {**x, "field": "value"}},
        },
        {
            "name": "forecast_value",
            "data": {"values": fc},
            "transform": _at_round(),
            "mark": {"type": "text", "dy": -8, "baseline": "bottom", "fontSize": 11},
            "encoding": {
                "x": {**x, "field": "value"},
                "y": {"value": 0},
                "text": {"field": "text"},
            },
        },
        {
            "name": "positions",
            "data": {"values": rows},
            "transform": _at_round(),
            "mark": {"type": "circle", "opacity": 0.9, "stroke": "white", "strokeWidth": 0.8},
            "encoding": {
                "x": x,
                "y": {
                    "field": "actor",
                    "type": "nominal",
                    "sort": shown,
                    "scale": {"domain": shown},
                    "axis": {"title": None},
                },
                "color": {
                    "field": "actor",
                    "type": "nominal",
                    "scale": actor_scale(scenario, ids),
                    "legend": None,
                },
                "size": _size_by_weight(),
                "tooltip": [
                    {"field": "actor"},
                    {"field": "round"},
                    {"field": "position", "format": ".1f"},
                    {"field": "weight", "format": ".2f", "title": "capability × salience"},
                ],
            },
        },
    ]
    title = [
        *wrap_lines(
            f"{_model_label(frame, model)}: positions on {issue['name']} at the chosen round",
            TITLE_CHARS,
            2,
        ),
        "dot size: capability × salience on this issue; dashed line: the model's forecast",
    ]
    return chart(
        title,
        layers,
        width=WIDTH,
        height=height,
        params=[_round_param()],
    )


def _held(rows: list[Spec], frame: dict[str, Any], model: str) -> list[Spec]:
    """``rows`` with the last recorded round's rows repeated up to the model's last round."""
    rounds = next(m["rounds"] for m in frame["models"] if m["model"] == model)
    last = max((r["round"] for r in rows), default=rounds)
    final = [r for r in rows if r["round"] == last]
    extra = [{**r, "round": t} for t in range(last + 1, rounds + 1) for r in final]
    for r in extra:
        if "text" in r:
            r["text"] = f"round {r['round']}: forecast {r['value']:.1f} (settled)"
    return rows + extra


def two_issue_chart(
    scenario: Scenario, frame: dict[str, Any], model: str, x_issue: str, y_issue: str
) -> Spec:
    """Each actor with a stance on both issues as a point (position on ``x_issue``, position on
    ``y_issue``) at the round the ``round`` param picks, in its colour, sized by its mean
    capability × salience over the two issues. A round past one issue's last recorded round
    shows that issue's final positions."""
    if x_issue == y_issue:
        raise ValueError("choose two different issues")
    ix, iy = _issue(frame, x_issue), _issue(frame, y_issue)
    names = {a["id"]: a["name"] for a in frame["actors"]}
    by: dict[tuple[str, str], dict[int, float | None]] = {}
    for r in frame["positions"]:
        if r["model"] == model and r["issue"] in (x_issue, y_issue):
            by.setdefault((r["issue"], r["actor"]), {})[r["round"]] = r["position"]
    wx = dict(zip(*_weights(scenario, x_issue), strict=True))
    wy = dict(zip(*_weights(scenario, y_issue), strict=True))
    both = [a.id for a in scenario.actors if (x_issue, a.id) in by and (y_issue, a.id) in by]
    if not both:
        raise ValueError(f"no actor has a {model} trace on both {x_issue!r} and {y_issue!r}")
    rounds = next(m["rounds"] for m in frame["models"] if m["model"] == model)

    def at(track: dict[int, float | None], t: int) -> float | None:
        return track[min(t, max(track))]

    rows = [
        {
            "round": t,
            "actor": names[aid],
            "x": at(by[(x_issue, aid)], t),
            "y": at(by[(y_issue, aid)], t),
            "weight": 0.5 * (wx[aid] + wy[aid]),
        }
        for aid in both
        for t in range(rounds + 1)
    ]
    _name_clusters(rows, ix["max"] - ix["min"], iy["max"] - iy["min"])

    def axis(issue: dict[str, Any]) -> Spec:
        return {
            "type": "quantitative",
            "scale": {"domain": [issue["min"], issue["max"]], "nice": False},
            "axis": {"title": f"{issue['name']} (scale {issue['min']:g}..{issue['max']:g})"},
        }

    height = 380
    layers = [
        {
            "name": "actors",
            "data": {"values": rows},
            "transform": _at_round(),
            "mark": {"type": "circle", "opacity": 0.85, "stroke": "white", "strokeWidth": 0.8},
            "encoding": {
                "x": {**axis(ix), "field": "x"},
                "y": {**axis(iy), "field": "y"},
                "color": {
                    "field": "actor",
                    "type": "nominal",
                    "scale": actor_scale(scenario, both),
                    "legend": bottom_legend(
                        "actors", height + 40, height, labels=[names[a] for a in both]
                    ),
                },
                "size": _size_by_weight(),
                "tooltip": [
                    {"field": "actor"},
                    {"field": "round"},
                    {"field": "x", "format": ".1f", "title": ix["name"]},
                    {"field": "y", "format": ".1f", "title": iy["name"]},
                    {"field": "weight", "format": ".2f", "title": "mean capability × salience"},
                ],
            },
        },
        *(_names_layer(rows, ix, iy, axis, side) for side in ("left", "right")),
    ]
    title = [
        *wrap_lines(
            f"{_model_label(frame, model)}: {ix['name']} against {iy['name']} at the chosen round",
            TITLE_CHARS,
            2,
        ),
        "dot size: capability × salience, the mean over the two issues",
    ]
    return chart(title, layers, width=WIDTH, height=height, params=[_round_param()])


#: Points nearer than this share of both scales share one label (their names one per line).
NAME_CLUSTER = 0.04


def _name_clusters(rows: list[Spec], x_span: float, y_span: float) -> None:
    """Each row's ``label``: in each round, points that (nearly) coincide are named once, by
    the first of them, one name per line, so names never overprint each other."""
    firsts: dict[int, list[Spec]] = {}
    for r in rows:
        r["label"] = []
        if r["x"] is None or r["y"] is None:
            continue
        group = firsts.setdefault(r["round"], [])
        head = next(
            (
                h
                for h in group
                if abs(h["x"] - r["x"]) < NAME_CLUSTER * x_span
                and abs(h["y"] - r["y"]) < NAME_CLUSTER * y_span
            ),
            None,
        )
        if head is None:
            group.append(r)
            r["label"], r["x_low"], r["x_high"] = [r["actor"]], r["x"], r["x"]
        else:  # the label goes beside the whole cluster, not over its other points
            head["label"].append(r["actor"])
            head["x_low"], head["x_high"] = min(head["x_low"], r["x"]), max(head["x_high"], r["x"])


def _names_layer(
    rows: list[Spec], ix: dict[str, Any], iy: dict[str, Any], axis: Any, side: str
) -> Spec:
    """Actors' names beside their points: right of a point in the left two thirds of the
    horizontal scale, left of it in the last third (so no name runs past the plot)."""
    cut = ix["min"] + 2 / 3 * (ix["max"] - ix["min"])
    keep = f"datum.x < {cut}" if side == "left" else f"datum.x >= {cut}"
    return {
        "name": "actor_names",
        "data": {"values": rows},
        "transform": [*_at_round(), {"filter": keep}],
        "mark": {
            "type": "text",
            "align": side,
            "dx": 9 if side == "left" else -9,
            "dy": -8,
            "fontSize": 10,
        },
        "encoding": {
            "x": {**axis(ix), "field": "x_high" if side == "left" else "x_low"},
            "y": {**axis(iy), "field": "y"},
            "text": {"field": "label"},
            "color": {"value": "#333333"},
        },
    }
