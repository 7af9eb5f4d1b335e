"""The compromise model: the capability × salience weighted mean of positions."""

from __future__ import annotations

from typing import ClassVar

import numpy as np

from accord.scenario import IssueArrays

from .base import IssueForecast, IssueTrace, PerIssueModel

__all__ = ["WeightedMean", "weighted_mean"]


def weighted_mean(position: np.ndarray, weight: np.ndarray) -> np.ndarray:
    """Σ w·x / Σ w along the last axis (the compromise model of [vandenBos1991], [Achen2006]).

    Works on batches: ``position`` and ``weight`` may have leading axes (draws, issues).
    Where every weight is zero the plain mean of positions is returned.
    """
    position = np.asarray(position, dtype=float)
    weight = np.asarray(weight, dtype=float)
    total = weight.sum(axis=-1)
    safe = np.where(total > 0, total, 1.0)
    wm = (weight * position).sum(axis=-1) / safe  # [Achen2006, eq. 1]
    return np.where(total > 0, wm, position.mean(axis=-1))


class WeightedMean(PerIssueModel):
    """Compromise model: the outcome is the capability × salience weighted mean of positions.

    The "compromise" or "weighted mean" model of collective decisions ([vandenBos1991];
    [Achen2006]; [Thomson2006]); in the DEU backtests it is the baseline that the
    challenge-style expected-utility model fails to beat ([Thomson2006], [BDM2011]).
    It has no rounds; its trace is the single initial state.
    """

    name: ClassVar[str] = "compromise"
    label: ClassVar[str] = "Weighted compromise"
    citation: ClassVar[str] = "[Achen2006]"

    def __init__(self, *, use_salience: bool = True):
        self.use_salience = use_salience

    def forecast_issue(self, arr: IssueArrays, *, rng: np.random.Generator) -> IssueForecast:
        w = arr.weight if self.use_salience else arr.capability
        value = float(weighted_mean(arr.position, w))
        trace = IssueTrace(arr.actor_ids, arr.position[None, :].copy(), np.array([value]))
        return IssueForecast(arr.issue_id, value, trace)
