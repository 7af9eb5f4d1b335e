"""accord: model and forecast multi-party negotiations.

>>> import accord
>>> scn = accord.load_scenario("eu-emissions-1994")
>>> result = accord.forecast(scn, models=["compromise"])
>>> round(result.model("compromise").value("year"), 2)
7.39
"""

from __future__ import annotations

import os

from accord.forecast import ForecastResult, forecast
from accord.models import MODELS
from accord.scenario import Scenario, ScenarioError


def load_scenario(ref: str | os.PathLike[str] | None = None) -> Scenario:
    """A scenario from a shipped name, a YAML file or another tool's file (:func:`accord.io.read_any`)."""
    from accord.io import read_any

    return read_any(ref)


__version__ = "0.1.0"

__all__ = ["Scenario", "ScenarioError", "load_scenario", "forecast", "ForecastResult", "MODELS", "__version__"]
