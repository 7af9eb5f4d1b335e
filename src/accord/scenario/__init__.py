"""Scenarios: actors, issues on labelled scales, stances and the evidence behind each number."""

from .errors import Problem, ScenarioError
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
    "Actor", "Evidence", "Issue", "IssueArrays", "Metadata", "NoDeal", "Problem", "Quantity",
    "Scale", "Scenario", "ScenarioError", "Source", "Stance", "Uncertainty", "WarDynamics",
    "DEFAULT_SCENARIO", "Importer", "load_scenario", "scenario_from_dict",
    "shipped_scenarios",
]
