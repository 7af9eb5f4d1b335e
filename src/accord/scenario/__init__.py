"""Scenarios: actors, issues on labelled scales, stances and the evidence behind each number."""

from .errors import Problem, ScenarioError
from .loader import (
    DEFAULT_SCENARIO,
    load_scenario,
    register_importer,
    scenario_from_dict,
    shipped_scenarios,
)
from .model import (
    Actor,
    Evidence,
    Issue,
    IssueArrays,
    Metadata,
    NoDeal,
    Quantity,
    Scale,
    Scenario,
    Source,
    Stance,
    Uncertainty,
    WarDynamics,
)

__all__ = [
    "DEFAULT_SCENARIO",
    "Actor",
    "Evidence",
    "Issue",
    "IssueArrays",
    "Metadata",
    "NoDeal",
    "Problem",
    "Quantity",
    "Scale",
    "Scenario",
    "ScenarioError",
    "Source",
    "Stance",
    "Uncertainty",
    "WarDynamics",
    "load_scenario",
    "register_importer",
    "scenario_from_dict",
    "shipped_scenarios",
]
