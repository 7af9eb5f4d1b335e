"""Scenarios with uncertainty for tests and benchmarks: synthetic ones, or ranges added to a real
one.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from accord.scenario import Scenario, scenario_from_dict

__all__ = ["synthetic_scenario", "with_uncertainty"]

_SHAPES = ("uniform", "triangular", "truncnorm", "beta")


def _q(value: float, low: float, high: float, shape: str) -> dict[str, Any]:
    value = float(np.clip(value, low, high))
    if shape == "beta" and not low < value < high:
        shape = "triangular"
    return {"value": value, "uncertainty": {"low": float(low), "high": float(high), "shape": shape}}


def synthetic_scenario(
    n_actors: int = 8,
    n_issues: int = 3,
    *,
    seed: int = 0,
    red_line_share: float = 0.5,
    width: float = 0.15,
) -> Scenario:
    """A random scenario on 0..100 scales where every number carries an uncertainty.

    Each actor takes a stance on every issue; about ``red_line_share`` of stances have a red
    line; actors have no-deal costs, issues a status quo and a monthly drift. Shapes cycle
    through uniform, triangular, truncnorm and beta. ``width`` is the half-range as a share of
    each quantity's natural range.
    """
    rng = np.random.default_rng(seed)
    issues = [
        {
            "id": f"i{k}",
            "question": f"synthetic issue {k}",
            "scale": {"min": 0, "max": 100, "labels": {0: "none", 50: "half", 100: "all"}},
            "status_quo": _q(v := rng.uniform(10, 90), v - 10, v + 10, "triangular"),
        }
        for k in range(n_issues)
    ]
    actors = []
    c = 0
    for i in range(n_actors):
        stances = {}
        for k in range(n_issues):
            shape = _SHAPES[c % 4]
            c += 1
            pos = rng.uniform(0, 100)
            sal = rng.uniform(0.2, 0.9)
            st = {
                "position": _q(pos, max(0, pos - 100 * width), min(100, pos + 100 * width), shape),
                "salience": _q(sal, max(0, sal - width), min(1, sal + width), _SHAPES[c % 4]),
            }
            if rng.random() < red_line_share:
                side = -1 if pos > 50 else 1
                red = float(np.clip(pos + side * rng.uniform(15, 45), 0, 100))
                st["red_line"] = _q(red, max(0, red - 10), min(100, red + 10), "uniform")
            stances[f"i{k}"] = st
        cap = rng.uniform(0.1, 1.0)
        actors.append(
            {
                "id": f"A{i}",
                "name": f"actor {i}",
                "capability": _q(cap, cap * (1 - width), cap * (1 + width), "truncnorm"),
                "stances": stances,
                "no_deal": {
                    "cost_per_month": _q(
                        cu := rng.uniform(0.005, 0.03), cu / 2, cu * 2, "triangular"
                    )
                },
            }
        )
    data = {
        "metadata": {
            "title": f"synthetic scenario ({n_actors} actors, {n_issues} issues, seed {seed})"
        },
        "actors": actors,
        "issues": issues,
        "war": {
            "drift_per_month": {"i0": _q(0.5, 0.0, 1.0, "uniform")},
            "discount_rate_per_month": _q(0.01, 0.005, 0.02, "triangular"),
        },
    }
    return scenario_from_dict(data, "<synthetic>")


def with_uncertainty(
    scenario: Scenario, *, share: float = 0.1, shape: str = "triangular"
) -> Scenario:
    """``scenario`` with a range of ± ``share`` of the natural range on every position,
    salience and capability that has none (clipped to the bounds), for what-if studies."""
    data = scenario.model_dump(mode="json", exclude_none=True)
    scales = {i["id"]: i.get("scale", {}) for i in data["issues"]}

    def widen(q: dict[str, Any], lo: float, hi: float) -> None:
        if q.get("uncertainty"):
            return
        half = share * (hi - lo)
        q["uncertainty"] = {
            "low": max(lo, q["value"] - half),
            "high": min(hi, q["value"] + half),
            "shape": shape,
        }

    for a in data["actors"]:
        cap = a["capability"]["value"]
        if not a["capability"].get("uncertainty"):
            a["capability"]["uncertainty"] = {
                "low": cap * (1 - share),
                "high": cap * (1 + share),
                "shape": shape,
            }
        for issue_id, st in a.get("stances", {}).items():
            sc = scales[issue_id]
            widen(st["position"], sc.get("min", 0.0), sc.get("max", 100.0))
            widen(st["salience"], 0.0, 1.0)
    return scenario_from_dict(data, "<with_uncertainty>")
