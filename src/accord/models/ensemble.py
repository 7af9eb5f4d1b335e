"""A stacking ensemble of the other registered models, with weights fitted on past outcomes."""

from __future__ import annotations

import json
from collections.abc import Mapping
from importlib import resources
from typing import TYPE_CHECKING, Any, ClassVar

import numpy as np

from .base import IssueForecast, Model, ModelForecast, ModelTags, as_generator
from .diagnostics import forecast_convergence
from .params import Param

if TYPE_CHECKING:
    from accord.scenario import Issue, Scenario
    from accord.scenario.arrays import ScenarioArrays

__all__ = ["Ensemble", "shipped_weights", "unsettled_components"]


def shipped_weights() -> dict[str, Any]:
    """The weights that ship with accord and where they come from (``ensemble_weights.json``)."""
    path = resources.files("accord.models") / "ensemble_weights.json"
    return json.loads(path.read_text(encoding="utf-8"))


class Ensemble(Model):
    """Stacking ensemble: a convex combination of other models' forecasts ([Wolpert1992]).

    The weights are fitted by least absolute error under w ≥ 0, Σw = 1
    (:func:`accord.backtest.fit_stacking_weights`) on training proposals of a backtest only
    (DEU data, [Arregui2021]); ``accord backtest --save-weights`` writes them. By default the
    weights that ship in ``ensemble_weights.json`` are used; that file names the data, split
    and date of its fit. Because every component is invariant to actor order and to scaling
    capabilities, so is the ensemble.
    """

    name: ClassVar[str] = "ensemble"
    label: ClassVar[str] = "Stacking ensemble"
    citation: ClassVar[str] = "[Wolpert1992]"

    tags: ClassVar[ModelTags] = ModelTags(combines=True)
    PARAMS: ClassVar[tuple[Param, ...]] = (
        Param(
            "weights",
            dict,
            None,
            none=True,
            source="[Wolpert1992]",
            help="model name -> non-negative weight; None: the shipped fitted weights",
        ),
    )

    def __init__(self, *, weights: dict[str, float] | None = None):
        self.weights = weights
        self._check_params()

    def components(self) -> dict[str, float]:
        """The models combined and their weights (declared by ``tags.combines``)."""
        return self.resolved_weights()

    def combine(self, parts: dict[str, np.ndarray]) -> np.ndarray:
        """[Wolpert1992] the convex stack of the components' (draws, issues) forecasts, summed
        in weight order (what ``forecast_arrays`` computes, from forecasts already made)."""
        total: np.ndarray | float = 0.0
        for name, wgt in self.resolved_weights().items():
            total = total + wgt * parts[name]
        return np.asarray(total)

    def forecast_arrays(
        self, arrays: ScenarioArrays, *, rng: np.random.Generator | None = None
    ) -> np.ndarray:
        """[Wolpert1992] convex stack of the components' (draws, issues) forecasts."""
        from .registry import get_model

        parts = {}
        for name in self.resolved_weights():
            part = get_model(name)
            parts[name] = part.forecast_arrays(arrays.for_model(part.tags.round_based))
        return self.combine(parts) * np.ones((arrays.n_draws, len(arrays.scenario.issues)))

    def resolved_weights(self) -> dict[str, float]:
        w = self.weights if self.weights is not None else shipped_weights()["weights"]
        w = {k: float(v) for k, v in w.items() if float(v) > 0}
        if not w or any(v < 0 for v in w.values()):
            raise ValueError(f"ensemble weights must be non-negative with a positive sum, got {w}")
        total = sum(w.values())
        return {k: v / total for k, v in w.items()}

    def forecast(
        self,
        scenario: Scenario,
        *,
        rng: np.random.Generator | None = None,
        known: Mapping[str, ModelForecast] | None = None,
    ) -> ModelForecast:
        """The stack of the components' forecasts on ``scenario``. ``known``: forecasts of
        registered models with their default options already made on this scenario (by
        :func:`accord.forecast.forecast`), reused instead of run again, as the Monte Carlo
        reuses its draws' component forecasts; the others run on their own streams."""
        from .registry import get_model

        weights = self.resolved_weights()
        gen = as_generator(rng)
        seeds = gen.bit_generator.seed_seq.spawn(len(weights))  # type: ignore[attr-defined]
        known = known or {}
        parts = {
            name: known[name]
            if name in known
            else get_model(name).forecast(scenario, rng=np.random.default_rng(s))
            for name, s in zip(weights, seeds, strict=True)
        }
        out = {}
        for issue in scenario.issues:
            comp = {name: fc.issues[issue.id].value for name, fc in parts.items()}
            value = sum(weights[n] * v for n, v in comp.items())  # [Wolpert1992] convex stack
            details: dict = {"components": comp, "weights": weights}
            inherited = unsettled_components(
                {n: fc.issues[issue.id] for n, fc in parts.items()}, weights, issue
            )
            if inherited:
                details["convergence"] = inherited
            out[issue.id] = IssueForecast(issue.id, float(value), None, details)
        return ModelForecast(self.name, out, {"weights": weights})


def unsettled_components(
    parts: dict[str, IssueForecast], weights: dict[str, float], issue: Issue
) -> dict | None:
    """What a stack inherits from components that did not settle on ``issue``: the range the
    stacked value would take over each unsettled component's last rounds (its cycle or its
    still-moving tail, weighted as in the stack), or None when every component settled. A
    consensus is never printed as settled when a model it leans on is not."""
    width = issue.scale.max - issue.scale.min
    low = high = 0.0
    loose = []
    for name, fc in parts.items():
        conv = forecast_convergence(fc, width)
        w = weights[name]
        if conv and conv.get("status") != "converged":
            loose.append((name, w, conv))
            low, high = low + w * float(conv["low"]), high + w * float(conv["high"])
        else:
            low, high = low + w * fc.value, high + w * fc.value
    if not loose:
        return None
    status = "cycle" if any(c["status"] == "cycle" for _n, _w, c in loose) else "moving"
    names = ", ".join(f"{n} (weight {w:.2f}: {c['text']})" for n, w, c in loose)
    text = (
        f"leans on a model that does not settle here: {names}; over its last rounds the "
        f"consensus lies between {low:.4g} and {high:.4g}"
    )
    rounds = max(int(c.get("rounds", 0)) for _n, _w, c in loose)
    period = max(int(c.get("period", 0)) for _n, _w, c in loose)
    return {
        "status": status,
        "period": period,
        "low": low,
        "high": high,
        "rounds": rounds,
        "since": 0,
        "text": text,
        "inherited": [n for n, _w, _c in loose],
    }
