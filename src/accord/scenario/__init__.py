"""Scenarios: actors, issues on labelled scales, stances and the evidence behind each number.

Names are imported lazily: ``from accord.scenario import ScenarioError`` loads neither the
pydantic models nor YAML, so the command line's start-up stays light.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from accord.lazy import lazy_exports

if TYPE_CHECKING:
    from .errors import Problem, ScenarioError
    from .issue_arrays import IssueArrays
    from .loader import (
        DEFAULT_SCENARIO,
        Importer,
        load_scenario,
        scenario_from_dict,
        shipped_scenarios,
    )
    from .model import (
        Actor,
        Evidence,
        Issue,
        Metadata,
        NoDeal,
        Procedure,
        Quantity,
        Scale,
        Scenario,
        Source,
        Stance,
        Uncertainty,
        WarDynamics,
    )
    from .shipped import resolve_alias

_EXPORTS = {
    "Problem": "errors",
    "ScenarioError": "errors",
    "DEFAULT_SCENARIO": "shipped",
    "Importer": "loader",
    "load_scenario": "loader",
    "scenario_from_dict": "loader",
    "shipped_scenarios": "shipped",
    "resolve_alias": "shipped",
    "IssueArrays": "issue_arrays",
    **{
        name: "model"
        for name in (
            "Actor",
            "Evidence",
            "Issue",
            "Metadata",
            "NoDeal",
            "Procedure",
            "Quantity",
            "Scale",
            "Scenario",
            "Source",
            "Stance",
            "Uncertainty",
            "WarDynamics",
        )
    },
}

__all__ = [
    "Actor",
    "Evidence",
    "Issue",
    "IssueArrays",
    "Metadata",
    "NoDeal",
    "Problem",
    "Procedure",
    "Quantity",
    "Scale",
    "Scenario",
    "ScenarioError",
    "Source",
    "Stance",
    "Uncertainty",
    "WarDynamics",
    "DEFAULT_SCENARIO",
    "Importer",
    "load_scenario",
    "scenario_from_dict",
    "shipped_scenarios",
    "resolve_alias",
]


__getattr__, __dir__ = lazy_exports(__name__, _EXPORTS)
