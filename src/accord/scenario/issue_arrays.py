"""One issue's numbers as plain arrays, for the models that treat each issue on its own."""

from __future__ import annotations

import numpy as np
from pydantic import BaseModel, ConfigDict

__all__ = ["IssueArrays"]


class IssueArrays(BaseModel):
    """The actors' numbers on one issue as arrays, for the models."""

    model_config = ConfigDict(arbitrary_types_allowed=True, frozen=True)

    issue_id: str
    actor_ids: tuple[str, ...]
    position: np.ndarray
    salience: np.ndarray
    capability: np.ndarray
    red_line: np.ndarray
    scale_min: float
    scale_max: float

    @property
    def n(self) -> int:
        return len(self.actor_ids)

    @property
    def weight(self) -> np.ndarray:
        """Capability × salience, the usual voting weight."""
        return self.capability * self.salience
