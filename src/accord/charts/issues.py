"""Charts on one issue's scale: each model's forecast against the actors' positions, the Monte
Carlo spread and the tornado.

Each function returns a Vega-Lite spec (a plain JSON-able dict, data inlined); the brief renders
it to SVG (:mod:`accord.charts.render`), the dashboard hands it to vega-embed.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

import numpy as np

from accord.models.registry import MODELS
from accord.scenario import Issue, Scenario

from .base import (
    WIDTH,
    Spec,
    bottom_legend,
    chart,
    issue_title,
    num,
    term_layers_x,
    terms_in,
    zoom_window,
)
from .palette import ACTOR_SHAPE, actor_colours, model_colour, model_shape, wrap_lines

__all__ = [
    "ACTORS_ROW",
    "actor_scale",
    "forecast_chart",
    "interval_chart",
    "tornado_chart",
]

ACTORS_ROW = "actors' positions"
ROW_HEIGHT = 34


def actor_scale(scenario: Scenario, only: Sequence[str] | None = None) -> Spec:
    """The colour scale of actors' names: the same colour for an actor in every chart (``only``:
    the actor ids a chart shows, so its legend lists no one else)."""
    colours = actor_colours(scenario)
    shown = [a for a in scenario.actors if only is None or a.id in only]
    return {"domain": [a.name for a in shown], "range": [colours[a.id] for a in shown]}


#: Actors' marker areas (px²) for the least and the most capability × salience.
ACTOR_SIZES = (30, 420)


def _lanes(px: Sequence[float], sizes: Sequence[float]) -> list[int]:
    """Each actor's lane (row) in the actors' strip: the first lane where its marker (at ``px``,
    area ``sizes``) touches no marker already there, so no actor hides another."""
    lanes: list[list[tuple[float, float]]] = []
    out = []
    for x, size in zip(px, sizes, strict=True):
        r = 0.5 * float(np.sqrt(size))
        k = next(
            (
                k
                for k, lane in enumerate(lanes)
                if all(abs(x - x2) >= r + r2 + 1 for x2, r2 in lane)
            ),
            len(lanes),
        )
        if k == len(lanes):
            lanes.append([])
        lanes[k].append((x, r))
        out.append(k)
    return out


def _pad(a: float, b: float, px: float = 12) -> float:
    """A margin of ``px`` pixels either side of a window (in the scale's units), so markers and
    their values at its ends stay clear of the row labels."""
    return (b - a) * px / WIDTH


def _x(issue: Issue, a: float, b: float, title: str | None = None) -> Spec:
    scale = issue.scale
    return {
        "field": "value",
        "type": "quantitative",
        "scale": {"domain": [a, b], "nice": False, "zero": False},
        "axis": {
            "title": title or f"{issue.name or issue.id} (scale {scale.min:g}..{scale.max:g})",
            "tickCount": 6,
        },
    }


def forecast_chart(
    result: Any, issue_id: str, intervals: Mapping[str, tuple[float, float]] | None = None
) -> Spec:
    """Actors' positions (circles in the actors' colours, area ∝ capability × salience) and each
    model's forecast (its own shape and colour, value written beside it) on the issue's labelled
    scale; ``intervals`` (model -> low, high), when given, draws each model's interval."""
    scn = result.scenario
    issue = scn.issue(issue_id)
    arr = scn.arrays(issue_id)
    names = {a.id: a.name for a in scn.actors}
    labels = {m.name: m.label for m in MODELS}
    scale = issue.scale
    a, b = float(scale.min), float(scale.max)
    margin = 0.03 * (b - a)  # markers at the scale's ends stay clear of the row labels
    wmax = float(arr.weight.max()) if arr.weight.max() > 0 else 1.0
    weight = arr.weight / wmax
    size = ACTOR_SIZES[0] + (ACTOR_SIZES[1] - ACTOR_SIZES[0]) * weight
    lanes = _lanes(((arr.position - a + margin) / (b - a + 2 * margin) * WIDTH).tolist(), size)
    actors = [
        {
            # the strip's first lane carries its name; the others, blank names of their own
            "row": ACTORS_ROW if lane == 0 else "\u2009" * lane,
            "actor": names[aid],
            "value": num(x),
            "weight": num(w),
            "tip": f"{names[aid]}: position {float(x):g}, capability × salience {float(raw):.3f}",
        }
        for aid, x, w, raw, lane in zip(
            arr.actor_ids, arr.position, weight, arr.weight, lanes, strict=True
        )
    ]
    models = []
    for m in result.models:
        v = float(m.issues[issue_id].value)
        lo, hi = (intervals or {}).get(m.model, (v, v))
        models.append(
            {
                "row": labels.get(m.model, m.model),
                "model": labels.get(m.model, m.model),
                "value": v,
                "lo": num(lo),
                "hi": num(hi),
                "text": f"{v:.1f}",
                "tip": f"{labels.get(m.model, m.model)}: {v:.2f} ({scale.describe(v)})",
            }
        )
    rows = [ACTORS_ROW, *["\u2009" * k for k in range(1, max(lanes) + 1)]] + [
        m["row"] for m in models
    ]
    height = ROW_HEIGHT * len(rows)
    y = {"field": "row", "type": "nominal", "sort": rows, "title": None}
    terms = terms_in(issue, a, b)
    term_layers, flag_rows, key_end = term_layers_x(terms, a - margin, b + margin, WIDTH, height)
    layers = [
        *term_layers[:1],
        {
            "name": "actors",
            "data": {"values": actors},
            "mark": {"type": "point", "filled": True, "shape": ACTOR_SHAPE, "opacity": 0.85},
            "encoding": {
                "x": _x(issue, a - margin, b + margin),
                "y": {
                    **y,
                    "axis": {
                        "labelFontWeight": "bold",
                        "domain": False,
                        "ticks": False,
                        "labelPadding": 10,
                    },
                },
                "color": {
                    "field": "actor",
                    "type": "nominal",
                    "scale": actor_scale(scn),
                    "legend": bottom_legend(
                        "actors", key_end, height, labels=[a.name for a in scn.actors]
                    ),
                },
                "size": {
                    "field": "weight",
                    "type": "quantitative",
                    "legend": None,
                    "scale": {"domain": [0, 1], "range": list(ACTOR_SIZES)},
                },
                "stroke": {"value": "white"},
                "tooltip": {"field": "tip", "type": "nominal"},
            },
        },
        _model_layer(models, y, [m.model for m in result.models], labels),
        {
            "name": "forecast_values",
            "data": {"values": models},
            "mark": {"type": "text", "align": "left", "dx": 9, "fontSize": 11},
            "encoding": {
                "x": {"field": "value", "type": "quantitative"},
                "y": y,
                "text": {"field": "text", "type": "nominal"},
            },
        },
        *term_layers[1:],
    ]
    if intervals:
        layers.insert(
            1,
            {
                "name": "intervals",
                "data": {"values": models},
                "mark": {"type": "rule", "strokeWidth": 2, "opacity": 0.6},
                "encoding": {
                    "x": {"field": "lo", "type": "quantitative"},
                    "x2": {"field": "hi"},
                    "y": y,
                    "color": {
                        "field": "model",
                        "type": "nominal",
                        "legend": None,
                        "scale": _model_scale(result.models, labels, "colour"),
                    },
                },
            },
        )
    return chart(
        issue_title(issue),
        layers,
        width=WIDTH,
        height=height,
        title_style={"offset": 8 + 12 * flag_rows},
        resolve={"scale": {"color": "independent", "shape": "independent"}},
    )


def _model_scale(models: Sequence[Any], labels: Mapping[str, str], what: str) -> Spec:
    pick = model_colour if what == "colour" else model_shape
    return {
        "domain": [labels.get(m.model, m.model) for m in models],
        "range": [pick(m.model) for m in models],
    }


def _model_layer(models: list[Spec], y: Spec, keys: list[str], labels: Mapping[str, str]) -> Spec:
    domain = [labels.get(k, k) for k in keys]
    return {
        "name": "forecasts",
        "data": {"values": models},
        "mark": {"type": "point", "filled": True, "size": 110, "opacity": 1},
        "encoding": {
            "x": {"field": "value", "type": "quantitative"},
            "y": y,
            "color": {
                "field": "model",
                "type": "nominal",
                "legend": None,
                "scale": {"domain": domain, "range": [model_colour(k) for k in keys]},
            },
            "shape": {
                "field": "model",
                "type": "nominal",
                "legend": None,
                "scale": {"domain": domain, "range": [model_shape(k) for k in keys]},
            },
            "tooltip": {"field": "tip", "type": "nominal"},
        },
    }


#: Row labels longer than this (characters) are broken onto two lines, never cut off.
ROW_LABEL_CHARS = 38
#: Room (px) beside a tornado's window for the input values written at the bars' ends.
TORNADO_PAD = 40


def row_label(text: str) -> str:
    """A row label broken onto lines at ``|`` (the axis splits it there)."""
    return "|".join(wrap_lines(text, ROW_LABEL_CHARS, 3))


def _row_axis(rows: Sequence[Mapping[str, Any]]) -> Spec:
    return {
        "field": "label",
        "type": "nominal",
        "sort": [row_label(r["label"]) for r in rows],
        "title": None,
        "axis": {"domain": False, "ticks": False, "labelExpr": "split(datum.label, '|')"},
    }


def interval_chart(issue: Issue, rows: Sequence[Mapping[str, Any]], title: str) -> Spec:
    """Monte Carlo spread per model on one issue: 5–95 % line, 25–75 % box, median marker.

    ``rows``: dicts with ``label``, ``colour``, the quantiles ``q05 q25 q50 q75 q95`` and
    optionally ``model`` (its marker shape)."""
    a, b = zoom_window(issue, min(r["q05"] for r in rows), max(r["q95"] for r in rows))
    data = [
        {
            "label": row_label(r["label"]),
            "colour": r["colour"],
            "shape": model_shape(r["model"]) if r.get("model") not in (None, "nash") else "circle",
            **{q: num(r[q]) for q in ("q05", "q25", "q50", "q75", "q95")},
            "tip": f"{r['label']}: median {r['q50']:.1f}; middle 50 % {r['q25']:.1f}–"
            f"{r['q75']:.1f}; 90 % {r['q05']:.1f}–{r['q95']:.1f}",
        }
        for r in rows
    ]
    height = 30 * len(rows)
    y = _row_axis(rows)
    colour = {"field": "colour", "type": "nominal", "scale": None}
    xs = _x(
        issue,
        a - _pad(a, b),
        b + _pad(a, b),
        f"{issue.name or issue.id} (scale {issue.scale.min:g}.."
        f"{issue.scale.max:g}; view {a:.0f}..{b:.0f})",
    )
    term_layers, flag_rows, _ = term_layers_x(
        terms_in(issue, a, b), a - _pad(a, b), b + _pad(a, b), WIDTH, height
    )
    enc = {"y": y, "color": colour, "tooltip": {"field": "tip", "type": "nominal"}}
    layers = [
        *term_layers[:1],
        {
            "name": "range",
            "data": {"values": data},
            "mark": {"type": "rule", "strokeWidth": 1.5},
            "encoding": {**enc, "x": {**xs, "field": "q05"}, "x2": {"field": "q95"}},
        },
        {
            "name": "box",
            "data": {"values": data},
            "mark": {"type": "bar", "height": 14, "opacity": 0.35},
            "encoding": {
                **enc,
                "x": {"field": "q25", "type": "quantitative"},
                "x2": {"field": "q75"},
                "stroke": colour,
            },
        },
        {
            "name": "median",
            "data": {"values": data},
            "mark": {"type": "point", "filled": True, "size": 70, "opacity": 1},
            "encoding": {
                **enc,
                "x": {"field": "q50", "type": "quantitative"},
                "shape": {"field": "shape", "type": "nominal", "scale": None},
            },
        },
        *term_layers[1:],
    ]
    return chart(
        title, layers, width=WIDTH, height=height, title_style={"offset": 8 + 12 * flag_rows}
    )


def tornado_chart(issue: Issue, rows: Sequence[Mapping[str, Any]], base: float, title: str) -> Spec:
    """One-at-a-time sensitivity: for each input the forecast at its low and high end.

    ``rows`` (widest swing first): ``label``, ``at_low``, ``at_high``, ``low``, ``high``,
    ``colour`` (the input's actor's colour)."""
    data = []
    for r in rows:
        lo_first = r["at_low"] <= r["at_high"]
        data.append(
            {
                "label": row_label(r["label"]),
                "colour": r["colour"],
                "at_low": num(r["at_low"]),
                "at_high": num(r["at_high"]),
                "low_text": f"{r['low']:.3g}",
                "high_text": f"{r['high']:.3g}",
                "low_align": "right" if lo_first else "left",
                "high_align": "left" if lo_first else "right",
                "tip": f"{r['label']}: at {r['low']:.3g} the forecast is {r['at_low']:.1f}, at "
                f"{r['high']:.3g} it is {r['at_high']:.1f}",
            }
        )
    ends = [v for r in rows for v in (r["at_low"], r["at_high"])] + [base]
    a, b = zoom_window(issue, float(min(ends)), float(max(ends)))
    height = 34 * len(rows)
    y = _row_axis(rows)
    xs = _x(
        issue,
        a - _pad(a, b, TORNADO_PAD),
        b + _pad(a, b, TORNADO_PAD),
        f"{issue.name or issue.id} (scale {issue.scale.min:g}.."
        f"{issue.scale.max:g}; view {a:.0f}..{b:.0f})",
    )
    term_layers, flag_rows, _ = term_layers_x(
        terms_in(issue, a, b),
        a - _pad(a, b, TORNADO_PAD),
        b + _pad(a, b, TORNADO_PAD),
        WIDTH,
        height,
    )

    def end_text(at: str, text: str, side: str) -> list[Spec]:
        return [
            {
                "name": "input_values",
                "data": {"values": [d for d in data if d[f"{side}_align"] == align]},
                "mark": {
                    "type": "text",
                    "align": align,
                    "dx": 4 if align == "left" else -4,
                    "fontSize": 10,
                    "color": "#333333",
                },
                "encoding": {
                    "x": {"field": at, "type": "quantitative"},
                    "y": y,
                    "text": {"field": text, "type": "nominal"},
                },
            }
            for align in ("left", "right")
        ]

    layers = [
        *term_layers[:1],
        {
            "name": "base",
            "data": {"values": [{"base": num(base)}]},
            "mark": {"type": "rule", "color": "black", "strokeDash": [5, 3]},
            "encoding": {"x": {"field": "base", "type": "quantitative"}},
        },
        {
            "name": "swing",
            "data": {"values": data},
            "mark": {"type": "bar", "height": 16, "opacity": 0.85},
            "encoding": {
                "x": {**xs, "field": "at_low"},
                "x2": {"field": "at_high"},
                "y": y,
                "color": {"field": "colour", "type": "nominal", "scale": None},
                "tooltip": {"field": "tip", "type": "nominal"},
            },
        },
        *end_text("at_low", "low_text", "low"),
        *end_text("at_high", "high_text", "high"),
        *term_layers[1:],
    ]
    return chart(
        title, layers, width=WIDTH, height=height, title_style={"offset": 8 + 12 * flag_rows}
    )
