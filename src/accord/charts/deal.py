"""Charts of the deal: ripeness over the months of no deal and the bargaining map of two
parties' utilities.

The bargaining map is drawn for any pair of parties: :func:`map_frame` keeps every party's
utility of each (thinned) package, :func:`map_spec` draws the chosen pair, and the default pair
is the two parties whose utilities run most against each other (:func:`most_opposed_pair`),
never simply the first two of the file.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np

from .base import WIDTH, Spec, bottom_legend, chart, num, unique_names
from .issues import actor_scale

__all__ = [
    "MAP_POINTS",
    "bargaining_map",
    "map_frame",
    "map_spec",
    "most_opposed_pair",
    "ripeness_chart",
]

#: The map shows at most this many packages (evenly spaced through the list), plus up to as
#: many from the zone of agreement, so that a chart stays small enough to inline.
MAP_POINTS = 4000
PACKAGE_KINDS = ("all packages", "within every party's red lines", "zone of agreement")
PACKAGE_COLOURS = ("#cccccc", "#8da0cb", "#1b9e77")
SOLUTION_COLOUR = "#CC3311"
SOLUTION_NAMES = {
    "nash": "Nash",
    "nash_weighted": "Nash, weighted by capability",
    "kalai_smorodinsky": "Kalai–Smorodinsky",
}
SOLUTION_SHAPES = ("diamond", "square", "triangle-up", "triangle-down", "cross")


def _thin(mask: np.ndarray, limit: int) -> np.ndarray:
    idx = np.flatnonzero(mask)
    return idx[:: max(1, len(idx) // limit)] if len(idx) > limit else idx


def most_opposed_pair(utility: np.ndarray, parties: Sequence[int]) -> tuple[int, int]:
    """The two parties (indices) whose utilities over the packages correlate least: where one
    gains the other loses most. Ties: the earlier pair in the scenario's order."""
    best: tuple[float, int, int] | None = None
    for k, i in enumerate(parties):
        for j in parties[k + 1 :]:
            ui, uj = utility[:, i], utility[:, j]
            sd = float(ui.std() * uj.std())
            r = float(np.mean((ui - ui.mean()) * (uj - uj.mean())) / sd) if sd > 0 else 0.0
            if best is None or r < best[0] - 1e-12:
                best = (r, i, j)
    assert best is not None, "most_opposed_pair needs at least two parties"
    return best[1], best[2]


def map_frame(result: Any, max_points: int = MAP_POINTS) -> dict[str, Any] | None:
    """Every party's utility of each shown package, the no-deal point and the solutions: all a
    map of any two parties needs (plain JSON). None with fewer than two parties."""
    scn = result.scenario
    parties = [i for i, a in enumerate(scn.actors) if a.party]
    if len(parties) < 2:
        return None
    sp = result.space
    code = np.where(sp.zopa, 2, np.where(sp.feasible, 1, 0))
    keep = np.union1d(_thin(np.ones(len(code), bool), max_points), _thin(code == 2, max_points))
    keep = np.union1d(keep, _thin(code == 1, max_points // 2))
    ids = [scn.actor_ids[i] for i in parties]
    sols = [
        {
            "name": SOLUTION_NAMES.get(k, k.replace("_", " ")),
            "utility": {a: num(p.utility[a]) for a in ids},
        }
        for k, p in result.solutions.items()
        if p is not None
    ]
    if result.package_at_opening is not None:
        p = result.package_at_opening
        sols.append(
            {
                "name": f"Nash when the zone opens (month {result.opens_at})",
                "utility": {a: num(p.utility[a]) for a in ids},
            }
        )
    i, j = most_opposed_pair(sp.utility, parties)
    return {
        "parties": ids,
        "names": {a.id: a.name for a in scn.actors if a.id in ids},
        "codes": code[keep].astype(int).tolist(),
        "utility": {
            a: np.round(sp.utility[keep, k], 4).tolist() for a, k in zip(ids, parties, strict=True)
        },
        "no_deal": {a: num(sp.no_deal[k]) for a, k in zip(ids, parties, strict=True)},
        "solutions": sols,
        "shown": int(len(keep)),
        "packages": int(len(code)),
        "opposed": [scn.actor_ids[i], scn.actor_ids[j]],
    }


def map_spec(frame: dict[str, Any], x: str, y: str, title: str) -> Spec:
    """The bargaining map of parties ``x`` and ``y`` (actor ids) from :func:`map_frame`."""
    for who in (x, y):
        if who not in frame["parties"]:
            raise ValueError(
                f"map_spec: x and y must be parties, one of {frame['parties']}, got {who!r}"
            )
    ux, uy = frame["utility"][x], frame["utility"][y]
    points = [
        {"kind": PACKAGE_KINDS[c], "order": c, "u": a, "v": b}
        for c, a, b in sorted(zip(frame["codes"], ux, uy, strict=True), key=lambda t: t[0])
    ]
    names = frame["names"]
    nd = {"u": frame["no_deal"][x], "v": frame["no_deal"][y], "kind": "no deal (now)"}
    sols = [
        {"u": s["utility"][x], "v": s["utility"][y], "solution": s["name"]}
        for s in frame["solutions"]
    ]
    size = 420
    ax = {
        "field": "u",
        "type": "quantitative",
        "scale": {"domain": [0, 1]},
        "axis": {"title": f"utility of {names[x]} (0..1)"},
    }
    ay = {
        "field": "v",
        "type": "quantitative",
        "scale": {"domain": [0, 1]},
        "axis": {"title": f"utility of {names[y]} (0..1)"},
    }
    layers = [
        {
            "name": "packages",
            "data": {"values": points},
            "mark": {"type": "circle", "size": 9, "opacity": 0.8},
            "encoding": {
                "x": ax,
                "y": ay,
                "order": {"field": "order"},
                "color": {
                    "field": "kind",
                    "type": "nominal",
                    "scale": {"domain": list(PACKAGE_KINDS), "range": list(PACKAGE_COLOURS)},
                    "legend": {**bottom_legend(None, size + 40, size, 1), "symbolSize": 60},
                },
            },
        },
        {
            "name": "no_deal_lines",
            "data": {"values": [nd]},
            "mark": {"type": "rule", "strokeDash": [2, 3], "color": "#999999"},
            "encoding": {"x": {"field": "u", "type": "quantitative"}},
        },
        {
            "name": "no_deal_lines_y",
            "data": {"values": [nd]},
            "mark": {"type": "rule", "strokeDash": [2, 3], "color": "#999999"},
            "encoding": {"y": {"field": "v", "type": "quantitative"}},
        },
        {
            "name": "no_deal",
            "data": {"values": [nd]},
            "mark": {
                "type": "point",
                "shape": "cross",
                "filled": True,
                "size": 160,
                "color": "black",
                "angle": 45,
            },
            "encoding": {
                "x": {"field": "u", "type": "quantitative"},
                "y": {"field": "v", "type": "quantitative"},
                "tooltip": [
                    {"field": "kind", "title": "point"},
                    {"field": "u", "format": ".3f"},
                    {"field": "v", "format": ".3f"},
                ],
            },
        },
    ]
    if sols:
        layers.append(
            {
                "name": "solution",
                "data": {"values": sols},
                "mark": {
                    "type": "point",
                    "filled": True,
                    "size": 170,
                    "color": SOLUTION_COLOUR,
                    "stroke": "white",
                    "strokeWidth": 1,
                },
                "encoding": {
                    "x": {"field": "u", "type": "quantitative"},
                    "y": {"field": "v", "type": "quantitative"},
                    "shape": {
                        "field": "solution",
                        "type": "nominal",
                        "scale": {
                            "domain": [s["solution"] for s in sols],
                            "range": list(SOLUTION_SHAPES[: len(sols)]),
                        },
                        "legend": {**bottom_legend(None, size + 40, size, 1)},
                    },
                    "tooltip": [
                        {"field": "solution"},
                        {"field": "u", "format": ".3f"},
                        {"field": "v", "format": ".3f"},
                    ],
                },
            }
        )
    subtitle = (
        f"{frame['shown']} of {frame['packages']} packages shown; cross: no deal "
        "today, dotted: its utilities"
    )
    return chart(
        title,
        layers,
        width=size,
        height=size,
        title_style={"subtitle": subtitle, "subtitleColor": "#555555"},
    )


def bargaining_map(result: Any, title: str, pair: Sequence[str] | None = None) -> Spec | None:
    """The bargaining map of two parties (``pair`` of actor ids; by default the most opposed)."""
    frame = map_frame(result)
    if frame is None:
        return None
    x, y = pair if pair is not None else frame["opposed"]
    return map_spec(frame, x, y, title)


def ripeness_chart(result: Any, title: str, xlabel: str = "months of continued war") -> Spec:
    """Size of the zone of agreement month by month (top), the worst-off party's best gain over
    no deal where known (middle), and each party's no-deal utility (bottom)."""
    scn = result.scenario
    tl = result.timeline
    months = [int(p.month) for p in tl]
    sizes = [int(p.zopa_size) for p in tl]
    x = {
        "field": "month",
        "type": "quantitative",
        "title": xlabel,
        "scale": {"domain": [0, max(months[-1], 1)], "nice": False},
    }
    zone = [
        {"month": m, "size": s, "tip": f"month {m}: {s} packages in the zone"}
        for m, s in zip(months, sizes, strict=True)
    ]
    top_layers: list[Spec] = [
        {
            "name": "zone",
            "data": {"values": zone},
            "mark": {"type": "line", "interpolate": "step-after", "color": "#333333"},
            "encoding": {
                "x": x,
                "y": {
                    "field": "size",
                    "type": "quantitative",
                    "title": "packages in the zone",
                    # a count: never below 0, and a visible range when it stays 0
                    "scale": {"domain": [0, max(1, max(sizes)) * 1.1], "nice": True},
                },
            },
        },
        {
            "name": "month",
            "data": {"values": zone},
            "mark": {"type": "point", "filled": True, "size": 14, "color": "#333333"},
            "encoding": {
                "x": x,
                "y": {"field": "size", "type": "quantitative"},
                "tooltip": {"field": "tip", "type": "nominal"},
            },
        },
    ]
    if max(sizes) == 0:
        top_layers.append(_note(f"no zone of agreement within {months[-1]} months", 60))
    if result.opens_at is not None:
        top_layers += _opens(result.opens_at, "zone opens", "#D55E00")
    panels = [{"height": 150, "layer": top_layers, "width": WIDTH}]
    gain = [
        {"month": int(p.month), "gain": num(p.max_min_gain)}
        for p in tl
        if p.max_min_gain is not None
    ]
    if len(gain) > 1:  # one month (the zone is open at once) draws no line
        panels.append(
            {
                "height": 120,
                "width": WIDTH,
                "layer": [
                    {
                        "name": "gain",
                        "data": {"values": gain},
                        "mark": {"type": "line", "color": "#0072B2", "point": {"size": 12}},
                        "encoding": {
                            "x": x,
                            "y": {
                                "field": "gain",
                                "type": "quantitative",
                                "title": ["worst-off party's", "best gain"],
                            },
                            "tooltip": [{"field": "month"}, {"field": "gain", "format": ".3f"}],
                        },
                    },
                    {
                        "data": {"values": [{"zero": 0}]},
                        "mark": {"type": "rule", "strokeDash": [4, 3], "color": "#999999"},
                        "encoding": {"y": {"field": "zero", "type": "quantitative"}},
                    },
                    *(
                        _opens(
                            result.opens_at_continuous,
                            "zone opens (continuous scales)",
                            "#E69F00",
                            py=104,
                        )
                        if getattr(result, "opens_at_continuous", None) is not None
                        else []
                    ),
                ],
            }
        )
    parties = [a for a in scn.actors if a.party]
    lines = [
        {"month": int(p.month), "actor": a.name, "u": num(p.no_deal[a.id])}
        for a in parties
        for p in tl
    ]
    panels.append(
        {
            "height": 150,
            "width": WIDTH,
            "layer": [
                {
                    "name": "no_deal",
                    "data": {"values": lines},
                    "mark": {"type": "line"},
                    "encoding": {
                        "x": x,
                        "y": {
                            "field": "u",
                            "type": "quantitative",
                            "title": "no-deal utility (0..1)",
                        },
                        "color": {
                            "field": "actor",
                            "type": "nominal",
                            "scale": actor_scale(scn, [a.id for a in parties]),
                            "legend": bottom_legend(
                                "parties", 190, 150, labels=[a.name for a in parties]
                            ),
                        },
                        "tooltip": [
                            {"field": "actor"},
                            {"field": "month"},
                            {"field": "u", "format": ".3f"},
                        ],
                    },
                }
            ],
        }
    )
    spec = chart(title, [], width=WIDTH, height=150)
    for k in ("layer", "width", "height"):
        spec.pop(k)
    spec["vconcat"] = panels
    spec["resolve"] = {"scale": {"color": "independent"}}
    return unique_names(spec)


def _note(text: str, py: float) -> Spec:
    return {
        "data": {"values": [{"px": WIDTH / 2, "py": py, "text": text}]},
        "mark": {"type": "text", "color": "#555555", "fontSize": 11},
        "encoding": {
            "x": {"field": "px", "type": "quantitative", "scale": None},
            "y": {"field": "py", "type": "quantitative", "scale": None},
            "text": {"field": "text"},
        },
    }


def _opens(month: int | None, label: str, colour: str, py: float = 4) -> list[Spec]:
    """A dashed rule at ``month`` and its label (``py`` px below the panel's top)."""
    data = {"values": [{"month": month, "text": f"{label}: month {month}"}]}
    at = {"field": "month", "type": "quantitative"}
    return [
        {
            "name": "opens",
            "data": data,
            "mark": {"type": "rule", "color": colour, "strokeDash": [5, 3]},
            "encoding": {"x": at},
        },
        {
            "data": data,
            "mark": {
                "type": "text",
                "color": colour,
                "align": "left",
                "dx": 5,
                "fontSize": 10,
                "baseline": "top",
            },
            "encoding": {"x": at, "y": {"value": py}, "text": {"field": "text"}},
        },
    ]
