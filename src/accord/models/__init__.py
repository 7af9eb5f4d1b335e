"""Forecasting models, one module each, and the registry of all of them."""

from .base import Forecaster, IssueForecast, IssueTrace, ModelForecast, PerIssueModel, TraceEvent
from .compromise import WeightedMean
from .exchange import ExchangeModel
from .expected_utility import ExpectedUtility
from .median import MedianVoter
from .registry import MODELS, get_model, model_names
from .smp import SMP

__all__ = [
    "Forecaster",
    "IssueForecast",
    "IssueTrace",
    "ModelForecast",
    "PerIssueModel",
    "TraceEvent",
    "WeightedMean",
    "MedianVoter",
    "ExpectedUtility",
    "ExchangeModel",
    "SMP",
    "MODELS",
    "get_model",
    "model_names",
]
