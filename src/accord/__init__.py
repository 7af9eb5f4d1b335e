"""accord: model and forecast multi-party negotiations.

>>> import accord
>>> scn = accord.load_scenario("eu-emissions-1994")
>>> result = accord.forecast(scn, models=["compromise"])
>>> round(result.model("compromise").value("year"), 2)
7.39
"""

from accord.forecast import ForecastResult, forecast
from accord.models import MODELS
from accord.scenario import Scenario, ScenarioError, load_scenario

__version__ = "0.1.0"

__all__ = ["Scenario", "ScenarioError", "load_scenario", "forecast", "ForecastResult", "MODELS", "__version__"]
