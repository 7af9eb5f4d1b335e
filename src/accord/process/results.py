"""What a process comparison returns: per-run outcomes, their summaries, the comparison."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import numpy as np

from accord.scenario import Scenario

from .settings import ProcessSettings

__all__ = ["IssueDistribution", "ProcessComparison", "ProcessRuns", "ProcessSummary"]


# -- per-run results ---------------------------------------------------------------------------
@dataclass(frozen=True)
class ProcessRuns:
    """What happened in every run of one process (arrays over runs; actors in scenario order)."""

    process: str
    deal: np.ndarray  # (R,) bool
    package: np.ndarray  # (R,) index into the package grid, -1 without a deal
    rounds: np.ndarray  # (R,) rounds of talks until the deal (1-based), -1 without one
    months: np.ndarray  # (R,) months from the start of the talks to the deal, NaN without one
    escalated: np.ndarray  # (R,) no deal and an escalation (failed summit, enforced ultimatum)
    no_deal_end: np.ndarray  # (R, n) each actor's no-deal payoff at the end (after penalties)
    utility: np.ndarray  # (R, n) outcome utility: the deal's or no deal's

    @property
    def runs(self) -> int:
        return len(self.deal)


@dataclass(frozen=True)
class IssueDistribution:
    """The deal on one issue across the runs that reached one: quantiles with scale labels."""

    issue: str
    quantiles: dict[str, float]
    labels: dict[str, str]
    mean: float

    def to_dict(self) -> dict[str, Any]:
        return {
            "issue": self.issue,
            "quantiles": self.quantiles,
            "labels": self.labels,
            "mean": self.mean,
        }


@dataclass(frozen=True)
class ProcessSummary:
    """One process, summarised over its runs."""

    process: str
    description: str
    settings: dict[str, Any]
    runs: int
    p_deal: float
    p_breakdown: float  # no deal, no escalation
    p_escalation: float  # no deal, escalation
    rounds_to_deal: dict[str, float] | None
    months_to_deal: dict[str, float] | None
    issues: tuple[IssueDistribution, ...]
    expected_gain: dict[str, float]
    gain_if_deal: dict[str, float | None]
    most_common_deal: dict[str, Any] | None

    @property
    def p_breakdown_or_escalation(self) -> float:
        return self.p_breakdown + self.p_escalation

    def to_dict(self) -> dict[str, Any]:
        return {
            "process": self.process,
            "description": self.description,
            "settings": self.settings,
            "runs": self.runs,
            "p_deal": self.p_deal,
            "p_breakdown": self.p_breakdown,
            "p_escalation": self.p_escalation,
            "p_breakdown_or_escalation": self.p_breakdown_or_escalation,
            "rounds_to_deal": self.rounds_to_deal,
            "months_to_deal": self.months_to_deal,
            "issues": [i.to_dict() for i in self.issues],
            "expected_gain": self.expected_gain,
            "gain_if_deal": self.gain_if_deal,
            "most_common_deal": self.most_common_deal,
        }


@dataclass(frozen=True)
class ProcessComparison:
    """The processes compared on one scenario (same runs, same prior beliefs)."""

    scenario: Scenario
    runs: int
    seed: int | None
    settings: ProcessSettings
    parties: tuple[str, ...]
    mediator: str | None
    ultimatum_target: str | None
    strategies: dict[str, str]
    start_no_deal: dict[str, float]
    zone_at_start: int
    packages: int
    processes: tuple[ProcessSummary, ...]
    details: dict[str, ProcessRuns] = field(default_factory=dict, repr=False)
    notes: tuple[str, ...] = ()

    def __getitem__(self, name: str) -> ProcessSummary:
        for p in self.processes:
            if p.process == name:
                return p
        raise KeyError(name)

    def to_dict(self) -> dict[str, Any]:
        return {
            "scenario": self.scenario.metadata.title,
            "runs": self.runs,
            "seed": self.seed,
            "start_month": self.settings.start_month,
            "months_per_round": self.settings.months_per_round,
            "packages": self.packages,
            "parties": list(self.parties),
            "mediator": self.mediator,
            "ultimatum_target": self.ultimatum_target,
            "strategies": self.strategies,
            "offer_policy": self.settings.offer_policy,
            "start_no_deal": self.start_no_deal,
            "zone_at_start": self.zone_at_start,
            "processes": [p.to_dict() for p in self.processes],
            "notes": list(self.notes),
        }

    def table(self):
        """One row per process (pandas DataFrame)."""
        import pandas as pd

        rows = []
        for p in self.processes:
            row = {
                "process": p.process,
                "P(deal)": p.p_deal,
                "P(breakdown)": p.p_breakdown,
                "P(escalation)": p.p_escalation,
                "median months to deal": None
                if p.months_to_deal is None
                else p.months_to_deal["median"],
            }
            row.update({f"gain {a}": g for a, g in p.expected_gain.items()})
            rows.append(row)
        return pd.DataFrame(rows)
