"""Scoring forecasts against real outcomes: DEU data, capability sets, backtests (one split or
rolling origin), ensembles, and the casebook of real negotiations (:mod:`accord.casebook`).

Names are imported lazily, so importing this package (e.g. for the CLI's option choices)
loads neither pandas nor scipy.
"""

from __future__ import annotations

from accord.lazy import lazy_exports

_EXPORTS = {
    "CAPABILITY_SETS": "capabilities",
    "capabilities_for": "capabilities",
    "DeuData": "deu",
    "read_deu": "deu",
    "fit_stacking_weights": "ensemble",
    "BASELINES": "run",
    "BacktestResult": "run",
    "backtest": "run",
    "period_of": "run",
    "score": "run",
    "RollingResult": "rolling",
    "paired_bootstrap": "bootstrap",
    "rolling_backtest": "rolling",
    "CasebookResult": "casebook",
    "casebook_backtest": "casebook",
}

__all__ = [
    "CAPABILITY_SETS",
    "capabilities_for",
    "DeuData",
    "read_deu",
    "fit_stacking_weights",
    "BASELINES",
    "BacktestResult",
    "backtest",
    "period_of",
    "score",
    "RollingResult",
    "paired_bootstrap",
    "rolling_backtest",
    "CasebookResult",
    "casebook_backtest",
]


__getattr__, __dir__ = lazy_exports(__name__, _EXPORTS)
