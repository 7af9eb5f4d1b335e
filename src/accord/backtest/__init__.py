"""Scoring forecasts against real outcomes: DEU data, capability sets, backtests, ensembles.

Names are imported lazily, so importing this package (e.g. for the CLI's option choices)
loads neither pandas nor scipy.
"""

from __future__ import annotations

from importlib import import_module
from typing import Any

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
]


def __getattr__(name: str) -> Any:
    if name in _EXPORTS:
        return getattr(import_module(f".{_EXPORTS[name]}", __name__), name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


def __dir__() -> list[str]:
    return sorted(list(globals()) + __all__)
