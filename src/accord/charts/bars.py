"""Bar charts: how simulated talks end per process (stacked shares), and plain bars."""

from __future__ import annotations

from collections.abc import Sequence

from .base import WIDTH, Spec, bottom_legend, chart, num

__all__ = ["OUTCOME_COLOURS", "SOBOL_COLOURS", "bar_chart", "process_chart", "sobol_chart"]

#: deal, breakdown, escalation
OUTCOME_COLOURS = ("#009E73", "#BBBBBB", "#D55E00")
#: first-order and total Sobol index
SOBOL_COLOURS = ("#4E79A7", "#A0CBE8")


def process_chart(
    names: Sequence[str],
    deal: Sequence[float],
    breakdown: Sequence[float],
    escalation: Sequence[float],
    title: str,
    breakdown_label: str = "breakdown (talks end, war goes on)",
) -> Spec:
    """Stacked bars per process: P(deal), P(breakdown), P(escalation) (they sum to one)."""
    kinds = ("deal", breakdown_label, "escalation")
    rows = [
        {
            "process": n,
            "outcome": kinds[k],
            "order": k,
            "share": num(v),
            "tip": f"{n}: {kinds[k]} in {float(v):.0%} of runs",
        }
        for n, *vs in zip(names, deal, breakdown, escalation, strict=True)
        for k, v in enumerate(vs)
    ]
    labels = [
        {"process": n, "text": f"deal {float(d):.0%}"} for n, d in zip(names, deal, strict=True)
    ]
    y = {
        "field": "process",
        "type": "nominal",
        "sort": list(names),
        "title": None,
        "axis": {"domain": False, "ticks": False},
    }
    height = 30 * len(names)
    layers = [
        {
            "name": "outcome",
            "data": {"values": rows},
            "mark": {"type": "bar", "height": 20},
            "encoding": {
                "y": y,
                "x": {
                    "field": "share",
                    "type": "quantitative",
                    "stack": "zero",
                    "scale": {"domain": [0, 1], "clamp": True},
                    "axis": {"format": ".0%", "title": "share of simulated runs"},
                },
                "color": {
                    "field": "outcome",
                    "type": "nominal",
                    "scale": {"domain": list(kinds), "range": list(OUTCOME_COLOURS)},
                    "legend": bottom_legend(None, height + 40, height, 3),
                },
                "order": {"field": "order"},
                "tooltip": {"field": "tip", "type": "nominal"},
            },
        },
        {
            "name": "deal_share",
            "data": {"values": labels},
            "mark": {"type": "text", "align": "left", "dx": 6, "fontSize": 11},
            "encoding": {"y": y, "x": {"value": WIDTH}, "text": {"field": "text"}},
        },
    ]
    return chart(title, layers, width=WIDTH, height=height)


def bar_chart(
    labels: Sequence[str],
    values: Sequence[float],
    *,
    xlabel: str,
    title: str,
    colours: Sequence[str] | None = None,
) -> Spec:
    """Horizontal bars, one per label, in the given order."""
    data = [
        {"label": lab, "value": num(v), "colour": (colours or ["#4E79A7"] * len(labels))[k]}
        for k, (lab, v) in enumerate(zip(labels, values, strict=True))
    ]
    return chart(
        title,
        [
            {
                "name": "bars",
                "data": {"values": data},
                "mark": {"type": "bar", "height": 16},
                "encoding": {
                    "y": {"field": "label", "type": "nominal", "sort": list(labels), "title": None},
                    "x": {"field": "value", "type": "quantitative", "title": xlabel},
                    "color": {"field": "colour", "type": "nominal", "scale": None},
                    "tooltip": [{"field": "label"}, {"field": "value", "format": ".3g"}],
                },
            }
        ],
        width=WIDTH,
        height=26 * len(labels),
    )


def sobol_chart(rows: Sequence[dict], title: str) -> Spec:
    """Sobol indices of one output: for each input (largest total first) its total index (light
    bar, what the input moves alone and with others) and first-order index (dark bar, alone),
    each with its bootstrap 95 % interval.

    ``rows``: ``label``, ``S1``, ``S1_conf``, ``ST``, ``ST_conf``."""
    from .issues import row_label

    data = []
    for r in rows:
        for kind, colour in zip(("ST", "S1"), SOBOL_COLOURS[::-1], strict=True):
            v, ci = num(r[kind]), num(r[f"{kind}_conf"]) or 0.0
            data.append(
                {
                    "label": row_label(r["label"]),
                    "index": "total (with others)" if kind == "ST" else "first order (alone)",
                    "value": v,
                    "lo": None if v is None else v - ci,
                    "hi": None if v is None else v + ci,
                    "colour": colour,
                    "tip": f"{r['label']}: {kind} = {r[kind]:.3f} ± {ci:.3f}",
                }
            )
    order = [row_label(r["label"]) for r in rows]
    y = {
        "field": "label",
        "type": "nominal",
        "sort": order,
        "title": None,
        "axis": {"domain": False, "ticks": False, "labelExpr": "split(datum.label, '|')"},
    }
    offset = {"field": "index", "sort": ["total (with others)", "first order (alone)"]}
    x = {
        "type": "quantitative",
        "title": "share of the forecast's variance",
        "scale": {"domain": [0, 1], "clamp": True},
    }
    return chart(
        title,
        [
            {
                "name": "bars",
                "data": {"values": data},
                "mark": {"type": "bar", "height": {"band": 0.8}},
                "encoding": {
                    "y": y,
                    "yOffset": offset,
                    "x": {"field": "value", **x},
                    "color": {
                        "field": "index",
                        "type": "nominal",
                        "scale": {
                            "domain": ["total (with others)", "first order (alone)"],
                            "range": list(SOBOL_COLOURS[::-1]),
                        },
                        "legend": bottom_legend(
                            None, 40 * len(rows), 40 * len(rows), labels=["total (with others)"]
                        ),
                    },
                    "tooltip": [{"field": "tip", "title": None}],
                },
            },
            {
                "name": "intervals",
                "data": {"values": [d for d in data if d["lo"] is not None]},
                "mark": {"type": "rule", "color": "#333333"},
                "encoding": {
                    "y": y,
                    "yOffset": offset,
                    "x": {"field": "lo", **x},
                    "x2": {"field": "hi"},
                },
            },
        ],
        width=WIDTH,
        height=40 * len(rows),
    )
