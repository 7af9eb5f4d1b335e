"""Every forecasting model accord knows, in the order reports show them."""

from __future__ import annotations

from .base import Forecaster
from .compromise import WeightedMean
from .ensemble import Ensemble
from .exchange import ExchangeModel
from .expected_utility import ExpectedUtility
from .median import MedianVoter
from .procedure import ProcedureCompromise
from .smp import SMP

__all__ = ["MODELS", "get_model", "model_names"]

#: The registry. A model class that exists but is missing here fails a test.
MODELS: tuple[type[Forecaster], ...] = (
    WeightedMean,
    MedianVoter,
    ExpectedUtility,
    ExchangeModel,
    SMP,
    ProcedureCompromise,
    Ensemble,
)


def model_names() -> list[str]:
    return [m.name for m in MODELS]


def get_model(name: str, **params) -> Forecaster:
    for m in MODELS:
        if m.name == name:
            return m(**params)
    raise KeyError(f"unknown model {name!r}; known models: {', '.join(model_names())}")
