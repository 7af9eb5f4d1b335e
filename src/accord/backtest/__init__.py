"""Scoring forecasts against real outcomes: DEU data, capability sets, backtests, ensembles."""

from .capabilities import CAPABILITY_SETS, capabilities_for
from .deu import DeuData, read_deu
from .ensemble import fit_stacking_weights
from .run import BASELINES, BacktestResult, backtest, period_of, score

__all__ = ["CAPABILITY_SETS", "capabilities_for", "DeuData", "read_deu", "fit_stacking_weights",
           "BASELINES", "BacktestResult", "backtest", "period_of", "score"]
