"""Bargaining solutions on a finite set of packages.

Every solution is taken among the packages of the zone of possible agreement (utility above
each actor's disagreement point d):

- Nash [Nash1950]: maximise Π (u_i − d_i); asymmetric [Kalai1977; Roth1979]: Π (u_i − d_i)^{w_i}.
- Kalai–Smorodinsky [Kalai1975]: maximise min_i (u_i − d_i)/(a_i − d_i), a_i the best u_i in the
  zone (the ideal point); ties go to the larger sum of normalised gains.
- Egalitarian [Kalai1977]: maximise min_i (u_i − d_i); ties go to the larger sum of gains.

On a finite grid these are exact for the grid. The grid's solution need not be the grid point
nearest the continuous optimum; :mod:`accord.bargaining.refine` solves the same criteria on the
continuous scales and the analysis reports both, with the gap in the criterion.
"""

from __future__ import annotations

import numpy as np

__all__ = ["egalitarian", "kalai_smorodinsky", "nash"]


def _check(u: np.ndarray, d: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    u = np.atleast_2d(np.asarray(u, dtype=float))
    d = np.asarray(d, dtype=float)
    if u.shape[1] != d.shape[0]:
        raise ValueError(
            f"{u.shape[1]} actors in the utilities but {d.shape[0]} disagreement points"
        )
    return u, d


def nash(u: np.ndarray, d: np.ndarray, weights: np.ndarray | None = None) -> int | None:
    """Index of the (weighted) Nash bargaining solution among rows of ``u``, or None if no row
    gives every actor more than d."""
    u, d = _check(u, d)
    gain = u - d
    ok = (gain > 0).all(axis=1)
    if not ok.any():
        return None
    w = np.ones(u.shape[1]) if weights is None else np.asarray(weights, dtype=float)
    score = np.full(len(u), -np.inf)
    score[ok] = (w * np.log(gain[ok])).sum(axis=1)  # [Nash1950]; weights [Kalai1977]
    return int(np.argmax(score))


def kalai_smorodinsky(u: np.ndarray, d: np.ndarray) -> int | None:
    """Index of the Kalai–Smorodinsky solution among rows of ``u`` [Kalai1975], or None."""
    u, d = _check(u, d)
    gain = u - d
    ok = (gain > 0).all(axis=1)
    if not ok.any():
        return None
    ideal = u[ok].max(axis=0)  # [Kalai1975] ideal point
    span = np.where(ideal - d > 0, ideal - d, 1.0)
    rel = gain / span
    worst = np.where(ok, rel.min(axis=1), -np.inf)  # [Kalai1975] max–min of relative gains
    best = worst.max()
    cand = np.flatnonzero(worst >= best - 1e-12)
    return int(cand[np.argmax(rel[cand].sum(axis=1))])


def egalitarian(u: np.ndarray, d: np.ndarray) -> int | None:
    """Index of the egalitarian solution among rows of ``u`` [Kalai1977], or None."""
    u, d = _check(u, d)
    gain = u - d
    ok = (gain > 0).all(axis=1)
    if not ok.any():
        return None
    worst = np.where(ok, gain.min(axis=1), -np.inf)  # [Kalai1977] equal absolute gains
    best = worst.max()
    cand = np.flatnonzero(worst >= best - 1e-12)
    return int(cand[np.argmax(gain[cand].sum(axis=1))])
