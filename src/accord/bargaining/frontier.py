"""The Pareto frontier of a finite set of utility vectors, exactly.

q dominates p when q ≥ p on every coordinate and q > p on at least one. The frontier is the set
of points no other point dominates ([Kung1975]). Two coordinates: sort by the first (descending,
ties by the second descending) and keep each point whose second exceeds every earlier one, in
O(P log P). More coordinates: a point can only be dominated by a point with a larger coordinate
sum (floating-point sums are monotone, so at least as large: a block never ends inside a run of
equal sums), so points are visited in decreasing sum order and each block is checked, vectorised,
against the frontier found so far (a block-nested-loop scan in the spirit of [Kung1975]). Both
paths first drop what the largest-sum point dominates.
"""

from __future__ import annotations

import numpy as np

__all__ = ["pareto_mask", "pareto_mask_reference"]


def _mask_2d(u: np.ndarray) -> np.ndarray:
    """Sort by the first coordinate (descending); within a run of equal firsts only the largest
    second can survive, and it survives if it beats every second seen before the run."""
    order = np.argsort(-u[:, 0])  # ties are grouped below, so no stable sort
    srt = u[order]
    xs, ys = srt[:, 0], srt[:, 1]
    n = len(xs)
    out = np.zeros(n, dtype=bool)
    if n > 1 and not (xs[1:] == xs[:-1]).any():  # no ties in the first coordinate: one sweep
        best = np.maximum.accumulate(ys)
        keep = np.empty(n, dtype=bool)
        keep[0] = True
        keep[1:] = ys[1:] > best[:-1]
        out[order] = keep
        return out
    starts = np.flatnonzero(np.concatenate([[True], xs[1:] != xs[:-1]]))
    gmax = np.maximum.reduceat(ys, starts)
    prev_best = np.concatenate([[-np.inf], np.maximum.accumulate(gmax)[:-1]])
    gid = np.repeat(np.arange(len(starts)), np.diff(np.concatenate([starts, [n]])))
    keep = (ys == gmax[gid]) & (ys > prev_best[gid])
    out[order] = keep
    return out


def _dominates(front: np.ndarray, cand: np.ndarray) -> np.ndarray:
    """(F, C) whether front[f] dominates cand[c]: built coordinate by coordinate on (F, C)
    planes, which is several times faster than one (F, C, k) comparison reduced over k."""
    ge = front[:, None, 0] >= cand[None, :, 0]
    gt = front[:, None, 0] > cand[None, :, 0]
    for j in range(1, front.shape[1]):
        a, b = front[:, None, j], cand[None, :, j]
        ge &= a >= b
        gt |= a > b
    return ge & gt


def _dominated_by(front: np.ndarray, cand: np.ndarray, budget: int = 4_000_000) -> np.ndarray:
    """(len(cand),) whether some row of ``front`` dominates each row of ``cand``."""
    out = np.zeros(len(cand), dtype=bool)
    if not len(front) or not len(cand):
        return out
    step = max(1, budget // max(1, len(front)))
    for c0 in range(0, len(cand), step):
        out[c0 : c0 + step] = _dominates(front, cand[c0 : c0 + step]).any(axis=0)
    return out


def pareto_mask(u: np.ndarray, *, block: int = 2048, first: int = 1) -> np.ndarray:
    """(P,) True where the row of ``u`` (P, k) is not dominated by any other row.

    Beyond two coordinates the leading block starts at ``first`` points and doubles up to
    ``block``: the first (largest-sum) points remove most others cheaply.
    """
    u = np.asarray(u, dtype=float)
    if u.ndim != 2:
        raise ValueError("utilities must be a 2-D array (packages × actors)")
    n, k = u.shape
    if n == 0:
        return np.zeros(0, dtype=bool)
    if k == 1:
        return u[:, 0] == u[:, 0].max()
    if k == 2:
        # the largest-sum point is on the frontier; what it dominates (most random points) is
        # dropped in one vectorised pass before the sort
        live = np.flatnonzero(~_dominated_by(u[np.argmax(u.sum(axis=1))][None, :], u))
        out = np.zeros(n, dtype=bool)
        out[live] = _mask_2d(u[live])
        return out
    # Points in decreasing order of their sum: a point can only be dominated by one with a
    # larger (or, after rounding, equal) sum, so the undominated points of each leading block are
    # final; each
    # new frontier point then removes every later point it dominates ([Kung1975]).
    total = u.sum(axis=1)
    order = np.argsort(-total)
    us, ts = u[order], total[order]
    remaining = np.arange(n)
    keep = np.zeros(n, dtype=bool)
    size = first
    while remaining.size:
        # a block ends after a run of equal sums (rounded sums of a dominating pair can tie)
        cut = min(size, remaining.size)
        cut += int(np.searchsorted(-ts[remaining[cut:]], -ts[remaining[cut - 1]], side="right"))
        blk, rest = remaining[:cut], remaining[cut:]
        new = blk[~_dominated_by(us[blk], us[blk])]
        keep[new] = True
        remaining = rest[~_dominated_by(us[new], us[rest])]
        size = min(size * 2, block)
    out = np.zeros(n, dtype=bool)
    out[order] = keep
    return out


def pareto_mask_reference(u: np.ndarray) -> np.ndarray:
    """The plain O(P²) scan, for tests and benchmarks."""
    u = np.asarray(u, dtype=float)
    out = np.ones(len(u), dtype=bool)
    for i in range(len(u)):
        ge = (u >= u[i]).all(axis=1)
        gt = (u > u[i]).any(axis=1)
        out[i] = not (ge & gt).any()
    return out
