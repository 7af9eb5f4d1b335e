"""The median voter: the weighted median, and the pairwise (Condorcet) winner where one exists."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, ClassVar

import numpy as np

from .base import IssueForecast, IssueTrace, ModelTags
from .compromise import OneShotModel, voting_weights

if TYPE_CHECKING:
    from accord.scenario import IssueArrays
    from accord.scenario.arrays import ScenarioArrays

__all__ = ["MedianVoter", "condorcet_winner", "distinct", "weighted_median"]


def _small_median(xs: list[float], ws: list[float]) -> float:
    """The weighted median of one small case in plain Python, with numpy's exact semantics."""
    order = sorted(range(len(xs)), key=xs.__getitem__)  # stable, like argsort(kind="stable")
    cum = []
    acc = 0.0
    for o in order:  # sequential, like np.cumsum
        acc += ws[o]
        cum.append(acc)
    half = 0.5 * acc
    cut = half - 1e-12 * max(abs(half), 1.0)
    for o, cw in zip(order, cum, strict=True):
        if cw >= cut:
            return xs[o]
    return xs[order[0]]  # like argmax of all-False (NaN weights)


def weighted_median(position: np.ndarray, weight: np.ndarray) -> Any:
    """The position at which the cumulative weight first reaches half the total.

    Along the last axis; leading axes are batches. With Black's single-peaked, symmetric
    preferences on one dimension this is the position no majority of weight can defeat
    ([Black1948]; [BDM1994, p. 74]). An exact half split resolves to the lower of the two
    middle positions ([Scholz2011] replication, see ``notes/bdm-expected-utility.md``, item 6).
    """
    position = np.asarray(position, dtype=float)
    weight = np.asarray(weight, dtype=float)
    if (
        position.ndim == 1 and position.shape[0] <= 64
    ):  # one small case: Python beats numpy's call overhead
        return np.float64(_small_median(position.tolist(), weight.tolist()))
    if position.ndim == 1:  # one case: plain indexing is much cheaper
        o1 = np.argsort(position, kind="stable")
        cum1 = np.cumsum(weight[o1])
        half1 = 0.5 * cum1[-1]
        return np.float64(position[o1[np.argmax(cum1 >= half1 - 1e-12 * max(abs(half1), 1.0))]])
    order = np.argsort(position, axis=-1, kind="stable")
    xs = np.take_along_axis(position, order, axis=-1)
    ws = np.take_along_axis(weight, order, axis=-1)
    cum = np.cumsum(ws, axis=-1)
    half = 0.5 * cum[..., -1:]
    # first index where cumulative weight >= half  [Black1948]
    tol = 1e-12 * np.maximum(np.abs(half), 1.0)
    idx = np.argmax(cum >= half - tol, axis=-1)
    return np.take_along_axis(xs, idx[..., None], axis=-1)[..., 0]


def distinct(a: np.ndarray) -> np.ndarray:
    """``np.unique`` of a 1-D array (sorted, distinct, NaNs as one), without numpy's check for
    masked arrays, which imports ``numpy.ma`` (≈ 40 ms of every forecast's start-up)."""
    x = np.sort(a.ravel())
    if x.size == 0:
        return x
    keep = np.empty(x.size, dtype=bool)
    keep[0] = True
    np.not_equal(x[1:], x[:-1], out=keep[1:])
    keep[1:] &= ~(np.isnan(x[1:]) & np.isnan(x[:-1]))  # NaNs sort last and count once
    return x[keep]


def condorcet_winner(position: np.ndarray, weight: np.ndarray) -> float | None:
    """The actor position that no other position beats in a weighted pairwise vote.

    Each actor votes its weight for whichever of two positions is nearer its own ([Black1948]).
    Returns ``None`` when every position loses to some other (no Condorcet winner).
    Ties count as not losing; among several unbeaten positions the lowest is returned.
    """
    pos = np.asarray(position, dtype=float)
    x = distinct(pos)
    w = np.asarray(weight, dtype=float)
    # d[a, k] = distance of voter k from candidate a
    d = np.abs(x[:, None] - pos[None, :])
    # support[a, b] = weight of voters strictly nearer a than b
    support = ((d[:, None, :] < d[None, :, :]) * w).sum(axis=-1)
    beaten = (support.T > support + 1e-12).any(axis=1)
    winners = x[~beaten]
    return float(winners[0]) if winners.size else None


class MedianVoter(OneShotModel):
    """Median voter model: the capability × salience weighted median of positions.

    Black's median voter theorem ([Black1948]) applied with weights as in [BDM1994]: on one
    dimension with single-peaked preferences, the weighted median position cannot be beaten
    by a weighted majority. ``details['condorcet']`` reports the pairwise (Condorcet) winner
    among actor positions, found by explicit pairwise votes, or ``None`` where none exists.
    """

    name: ClassVar[str] = "median"
    label: ClassVar[str] = "Median voter"
    citation: ClassVar[str] = "[Black1948]"
    tags: ClassVar[ModelTags] = ModelTags()

    def forecast_arrays(
        self, arrays: ScenarioArrays, *, rng: np.random.Generator | None = None
    ) -> np.ndarray:
        """[Black1948] weighted median on every draw and issue; absent actors weigh nothing."""
        x = np.swapaxes(np.where(arrays.mask, arrays.position, np.nan), 1, 2)
        return weighted_median(x, voting_weights(arrays, self.use_salience))

    def forecast_issue(self, arr: IssueArrays, *, rng: np.random.Generator) -> IssueForecast:
        w = arr.weight if self.use_salience else arr.capability
        value = float(weighted_median(arr.position, w))
        trace = IssueTrace(arr.actor_ids, arr.position[None, :].copy(), np.array([value]))
        return IssueForecast(
            arr.issue_id, value, trace, {"condorcet": condorcet_winner(arr.position, w)}
        )
