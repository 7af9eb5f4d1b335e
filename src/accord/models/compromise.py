"""The compromise model: the capability × salience weighted mean of positions."""

from __future__ import annotations

from typing import TYPE_CHECKING, ClassVar

import numpy as np

from .base import IssueForecast, IssueTrace, ModelTags, PerIssueModel
from .params import Param

if TYPE_CHECKING:
    from accord.scenario import IssueArrays
    from accord.scenario.arrays import ScenarioArrays

__all__ = ["WeightedMean", "USE_SALIENCE", "voting_weights", "weighted_mean"]

#: The one hyperparameter of the one-shot models (compromise, median voter).
USE_SALIENCE = Param(
    "use_salience",
    bool,
    True,
    source="[BDM1994]; [Achen2006]",
    help="weigh positions by capability × salience (true) or capability alone",
)


def voting_weights(arrays: ScenarioArrays, use_salience: bool) -> np.ndarray:
    """(D, issues, actors) weights: capability × salience (or capability), 0 where no stance."""
    w = arrays.weight if use_salience else np.where(arrays.mask, arrays.capability, 0.0)
    return np.swapaxes(w, 1, 2)


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


class OneShotModel(PerIssueModel):
    """Base of the one-shot models of one issue at a time (compromise, median voter): no
    rounds, one option (``use_salience``), a trace of the single initial state."""

    tags: ClassVar[ModelTags] = ModelTags()
    PARAMS: ClassVar[tuple[Param, ...]] = (USE_SALIENCE,)

    def __init__(self, *, use_salience: bool = True):
        self.use_salience = use_salience
        self._check_params()


class WeightedMean(OneShotModel):
    """Compromise model: the outcome is the capability × salience weighted mean of positions.

    The "compromise" or "weighted mean" model of collective decisions ([vandenBos1991];
    [Achen2006]; [Thomson2006]); in the DEU backtests it is the baseline that the
    challenge-style expected-utility model fails to beat ([Thomson2006], [BDM2011]).
    It has no rounds; its trace is the single initial state.
    """

    name: ClassVar[str] = "compromise"
    label: ClassVar[str] = "Weighted compromise"
    citation: ClassVar[str] = "[Achen2006]"
    tags: ClassVar[ModelTags] = ModelTags()

    def forecast_arrays(
        self, arrays: ScenarioArrays, *, rng: np.random.Generator | None = None
    ) -> np.ndarray:
        """[Achen2006, eq. 1] on every draw and issue at once: Σ w·x / Σ w over the actors."""
        w = voting_weights(arrays, self.use_salience)
        x = np.swapaxes(np.where(arrays.mask, arrays.position, 0.0), 1, 2)  # (D, m, n)
        out = weighted_mean(x, w)
        total = w.sum(axis=-1)
        if (total <= 0).any():  # all weights zero: plain mean of the stance-takers' positions
            with np.errstate(invalid="ignore"):
                plain = np.nanmean(
                    np.swapaxes(np.where(arrays.mask, arrays.position, np.nan), 1, 2), axis=-1
                )
            out = np.where(total > 0, out, plain)
        return out

    def forecast_issue(self, arr: IssueArrays, *, rng: np.random.Generator) -> IssueForecast:
        w = arr.weight if self.use_salience else arr.capability
        value = float(weighted_mean(arr.position, w))
        trace = IssueTrace(arr.actor_ids, arr.position[None, :].copy(), np.array([value]))
        return IssueForecast(arr.issue_id, value, trace)
