"""accord: model and forecast multi-party negotiations.

>>> import accord
>>> scn = accord.load_scenario("eu-emissions-1994")
>>> result = accord.forecast(scn, models=["compromise"])
>>> round(result.model("compromise").value("year"), 2)
7.39
"""

from __future__ import annotations

import os
from importlib import import_module
from typing import TYPE_CHECKING, Any

# ``forecast`` is bound eagerly: a lazy name would be shadowed by the submodule of the same name
# once it is imported. It is light (numpy and the models; pandas loads on ``to_frame``).
from accord.forecast import ForecastResult, forecast
from accord.models import MODELS

if TYPE_CHECKING:
    from accord.scenario import Scenario, ScenarioError

#: Names loaded on first use, so that ``import accord`` (and ``accord --help``) stays light.
_LAZY = {"Scenario": "accord.scenario", "ScenarioError": "accord.scenario"}


def __getattr__(name: str) -> Any:
    if name in _LAZY:
        return getattr(import_module(_LAZY[name]), name)
    raise AttributeError(f"module 'accord' has no attribute {name!r}")


def load_scenario(
    ref: str | os.PathLike[str] | None = None,
    *,
    warnings: list[Any] | None = None,
    runnable: bool = False,
) -> Scenario:
    """A scenario from a shipped name, a YAML file or another tool's file
    (:func:`accord.io.read_any`).
    """
    from accord.io import read_any

    return read_any(ref, warnings=warnings, runnable=runnable)


__version__ = "0.1.0"

__all__ = [
    "Scenario",
    "ScenarioError",
    "load_scenario",
    "forecast",
    "ForecastResult",
    "MODELS",
    "__version__",
]
