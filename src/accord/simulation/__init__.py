"""Uncertainty at scale: Monte Carlo over every uncertain input, sensitivity, shocks.

(The process simulation of negotiations lives in :mod:`accord.process`.)
Names are imported lazily, so importing this package loads nothing heavy.

>>> import accord
>>> from accord.simulation import simulate, with_uncertainty
>>> scn = with_uncertainty(accord.load_scenario("eu-emissions-1994"), share=0.2)
>>> res = simulate(scn, 200, seed=1, models=["compromise", "median"])
>>> res.n_draws, res.complete, len(res.inputs)
(200, True, 30)
>>> q = res.quantiles().set_index(["issue", "model"])
>>> bool(q.loc[("year", "compromise"), "q05"] <= q.loc[("year", "compromise"), "q95"])
True
"""

from accord.lazy import lazy_exports

_EXPORTS = {
    "simulate": "montecarlo",
    "SimulationResult": "montecarlo",
    "QUANTILES": "montecarlo",
    "batch_forecast": "montecarlo",
    "evaluate": "montecarlo",
    "Draws": "sampling",
    "UncertainInput": "sampling",
    "uncertain_inputs": "sampling",
    "sample": "sampling",
    "inputs_at": "sampling",
    "save_run": "manifest",
    "load_run": "manifest",
    "rerun": "manifest",
    "RerunReport": "manifest",
    "tornado": "sensitivity",
    "TornadoResult": "sensitivity",
    "sobol": "sensitivity",
    "sobol_indices": "sensitivity",
    "SobolResult": "sensitivity",
    "critical_actors": "sensitivity",
    "Shock": "shocks",
    "parse_shock": "shocks",
    "shocks_from_scenario": "shocks",
    "compare_shocks": "shocks",
    "ShockComparison": "shocks",
    "with_uncertainty": "synthetic",
    "synthetic_scenario": "synthetic",
}

__all__ = [
    "QUANTILES",
    "Draws",
    "RerunReport",
    "Shock",
    "ShockComparison",
    "SimulationResult",
    "SobolResult",
    "TornadoResult",
    "UncertainInput",
    "batch_forecast",
    "compare_shocks",
    "critical_actors",
    "evaluate",
    "inputs_at",
    "load_run",
    "parse_shock",
    "rerun",
    "sample",
    "save_run",
    "shocks_from_scenario",
    "simulate",
    "sobol",
    "sobol_indices",
    "synthetic_scenario",
    "tornado",
    "uncertain_inputs",
    "with_uncertainty",
]


__getattr__, __dir__ = lazy_exports(__name__, _EXPORTS)
