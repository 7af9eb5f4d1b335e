"""A deal as the analysis reports it: issue values with their scale labels, utilities and gains."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np

from accord.scenario import Scenario

__all__ = ["Package", "make_package"]


@dataclass(frozen=True)
class Package:
    """A deal: a value per issue (with its scale label), each actor's utility and gain over no
    deal."""

    values: dict[str, float]
    labels: dict[str, str]
    utility: dict[str, float]
    gain: dict[str, float]

    def to_dict(self) -> dict[str, Any]:
        return {
            "values": {k: round(v, 6) for k, v in self.values.items()},
            "labels": self.labels,
            "utility": {k: round(v, 6) for k, v in self.utility.items()},
            "gain": {k: round(v, 6) for k, v in self.gain.items()},
        }


def make_package(
    scenario: Scenario, values: np.ndarray, utility: np.ndarray, no_deal: np.ndarray
) -> Package:
    """Label ``values`` (m,) with ``issue.scale.describe`` and pair ``utility`` (n,) with the gains
    over ``no_deal`` (n,)."""
    vals = {i.id: float(v) for i, v in zip(scenario.issues, values, strict=True)}
    labels = {
        i.id: i.scale.describe(float(v)) for i, v in zip(scenario.issues, values, strict=True)
    }
    return Package(
        vals,
        labels,
        dict(zip(scenario.actor_ids, map(float, utility), strict=True)),
        dict(zip(scenario.actor_ids, map(float, np.asarray(utility) - no_deal), strict=True)),
    )
