"""Shocks compared: a scenario run with and without its scheduled shocks.

The shocks themselves, their syntax and their per-round schedule live in the scenario layer
(:mod:`accord.scenario.shocks`); this module drives the models and the Monte Carlo over them.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np

from accord.scenario import Scenario
from accord.scenario.shocks import (
    SHOCK_SYNTAX,
    Shock,
    ShockSchedule,
    baseline_shocks,
    check_shocks,
    parse_shock,
    shocks_from_scenario,
)

__all__ = [
    "SHOCK_SYNTAX",
    "Shock",
    "ShockComparison",
    "ShockSchedule",
    "baseline_shocks",
    "check_shocks",
    "compare_shocks",
    "parse_shock",
    "shocks_from_scenario",
]


@dataclass(frozen=True)
class ShockComparison:
    """The shocked run against the unshocked one, per model and issue.

    ``frame``: one row per (model, issue) with the unshocked and shocked forecast (the median
    over draws for a Monte Carlo comparison, with its 5 % and 95 % quantiles) and the change.
    ``p_zone`` gives P(zone of agreement) unshocked and shocked when the bargaining analysis ran.
    Both runs use the same seed, so they see the same draws (common random numbers).
    """

    shocks: tuple[Shock, ...]
    frame: Any
    draws: int
    seed: int | None
    p_zone: tuple[float | None, float | None] = (None, None)

    def to_dict(self) -> dict[str, Any]:
        return {
            "shocks": [s.model_dump(exclude_none=True) for s in self.shocks],
            "draws": self.draws,
            "seed": self.seed,
            "p_zone_of_agreement": {"unshocked": self.p_zone[0], "shocked": self.p_zone[1]},
            "rows": self.frame.to_dict(orient="records"),
        }


def compare_shocks(
    scenario: Scenario,
    shocks: list[Shock] | tuple[Shock, ...],
    *,
    models=None,
    draws: int = 0,
    seed: int | None = 0,
    bargaining: bool = True,
    workers: int = 1,
    dask: Any = None,
    progress: bool | None = False,
) -> ShockComparison:
    """Run ``scenario`` with and without ``shocks`` and compare the forecasts.

    ``draws = 0`` compares the scenario's own values (one run each); ``draws > 0`` runs a Monte
    Carlo of that many draws for each and compares medians.
    """
    import pandas as pd

    from .montecarlo import QUANTILES, evaluate, simulate
    from .sampling import inputs_at, uncertain_inputs

    shocks = tuple(shocks)
    check_shocks(scenario, list(shocks), places=[f"shocks[{k}]" for k in range(len(shocks))])
    base = baseline_shocks(shocks)
    rows = []
    if draws <= 0:
        from accord.forecast import resolve_models

        chosen = tuple(resolve_models(models, scenario))
        inputs = uncertain_inputs(scenario)
        one = inputs_at(scenario, inputs, np.array([[x.value for x in inputs]]), seed=seed)
        fc0, bg0 = evaluate(one, chosen, shocks=base, bargaining=bargaining)
        fc1, bg1 = evaluate(one, chosen, shocks=shocks, bargaining=bargaining)
        names = [m.name for m in chosen]
        for k, issue in enumerate(scenario.issue_ids):
            for j, name in enumerate(names):
                rows.append(
                    {
                        "model": name,
                        "issue": issue,
                        "unshocked": fc0[0, j, k],
                        "shocked": fc1[0, j, k],
                        "change": fc1[0, j, k] - fc0[0, j, k],
                    }
                )
            if "nash" in bg0:
                a, b = bg0["nash"][0, k], bg1["nash"][0, k]
                rows.append(
                    {"model": "nash", "issue": issue, "unshocked": a, "shocked": b, "change": b - a}
                )
        pz = (
            float(bg0["zopa"][0]) if "zopa" in bg0 else None,
            float(bg1["zopa"][0]) if "zopa" in bg1 else None,
        )
        return ShockComparison(shocks, pd.DataFrame(rows), 0, seed, pz)

    kw = {
        "seed": seed,
        "models": models,
        "bargaining": bargaining,
        "workers": workers,
        "dask": dask,
        "progress": progress,
    }
    r0 = simulate(scenario, draws, shocks=base, keep_partial=False, **kw)
    r1 = simulate(scenario, draws, shocks=shocks, keep_partial=False, **kw)
    q0 = r0.quantiles(QUANTILES).set_index(["issue", "model"])
    q1 = r1.quantiles(QUANTILES).set_index(["issue", "model"])
    for (issue, model), row in q0.iterrows():
        other = q1.loc[(issue, model)]
        rows.append(
            {
                "model": model,
                "issue": issue,
                "unshocked": row["q50"],
                "shocked": other["q50"],
                "change": other["q50"] - row["q50"],
                "unshocked_q05": row["q05"],
                "unshocked_q95": row["q95"],
                "shocked_q05": other["q05"],
                "shocked_q95": other["q95"],
            }
        )
    return ShockComparison(
        shocks,
        pd.DataFrame(rows),
        draws,
        seed,
        (r0.p_zone_of_agreement(), r1.p_zone_of_agreement()),
    )
