"""The third parties' vote sums of the expected-utility model on arrays shaped (..., n): the
direct O(n³) sum over voters (the reference, and the cheapest form for a few actors) and an
exact O(n² log n) form on the actors sorted by position, shared by every vote sum of a round."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

__all__ = [
    "SortedPairs",
    "sorted_pairs",
    "unsort_pairs",
    "vote_sums",
    "vote_sums_direct",
    "pair_abs_sum",
]


@dataclass(frozen=True)
class SortedPairs:
    """The actors in ascending order of position: what every vote sum of one round shares.

    ``order`` (..., n) lists the actors from the lowest position up and ``rank`` is its inverse;
    ``dist`` (..., n, n) is |x_p − x_q|/Δ in that order; ``below`` (..., n, n) counts the
    actors strictly below the midpoint (x_p + x_q)/2 (symmetric in p and q).
    """

    order: np.ndarray
    rank: np.ndarray
    dist: np.ndarray
    below: np.ndarray


def _count_below(xs: np.ndarray, q: np.ndarray) -> np.ndarray:
    """For each row of the ascending xs (..., n): how many entries lie strictly below each query
    of q (..., m). One row: ``np.searchsorted``; more rows: the same binary search run on every
    row at once (the same integers)."""
    n = xs.shape[-1]
    if xs.ndim == 1:
        return np.searchsorted(xs, q, side="left")
    lo = np.zeros(q.shape, dtype=np.intp)
    hi = np.full(q.shape, n, dtype=np.intp)
    for _ in range(max(n, 1).bit_length()):  # ⌈log2(n + 1)⌉ halvings close every interval
        m = (lo + hi) >> 1
        below = np.take_along_axis(xs, np.minimum(m, n - 1), axis=-1) < q
        below &= m < hi
        lo = np.where(below, m + 1, lo)
        hi = np.where(below, hi, m)
    return lo


def sorted_pairs(x: np.ndarray, delta: np.ndarray) -> SortedPairs:
    """The sorted layout of positions x (..., n) with ranges Δ (...)."""
    n = x.shape[-1]
    order = np.argsort(x, axis=-1, kind="stable")
    rank = np.empty_like(order)
    np.put_along_axis(rank, order, np.broadcast_to(np.arange(n), order.shape), axis=-1)
    xs = np.take_along_axis(x, order, axis=-1)
    xp, xq = xs[..., :, None], xs[..., None, :]
    dist = np.abs(xp - xq) / np.asarray(delta)[..., None, None]
    # each row of midpoints ascends, which np.searchsorted turns into a short search
    below = _count_below(xs, (0.5 * (xp + xq)).reshape(x.shape[:-1] + (n * n,)))
    return SortedPairs(order, rank, dist, below.reshape(x.shape[:-1] + (n, n)))


def unsort_pairs(a: np.ndarray, pairs: SortedPairs) -> np.ndarray:
    """a[..., rank_i, rank_j]: a pairwise array in the sorted layout back in the actors' order."""
    rank = pairs.rank
    if rank.ndim == 1:
        return a[rank][:, rank]
    rows = np.take_along_axis(a, rank[..., :, None], axis=-2)
    return np.take_along_axis(rows, rank[..., None, :], axis=-1)


def vote_sums(pairs: SortedPairs, w: np.ndarray, y: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """pos[..., p, q] = Σ_k max(0, w_k (y_kq − y_kp)) and net[..., p, q] = Σ_k w_k (y_kq − y_kp)
    in the sorted layout (w and y sorted too), in O(n² log n) and exact up to rounding.

    y_ka = (|x_k − x_a|/Δ)^{r_k} grows with |x_k − x_a| for every r_k > 0, so voter k's vote
    v_k(p, q) is positive exactly when k is nearer p than q: for x_p < x_q the voters below the
    midpoint (x_p + x_q)/2, for x_p > x_q those above it. With C[m, a] the sum of w_k y_ka over
    the lowest m voters and G[p, q] = C[below_pq, q] (below is symmetric, so C[below_pq, p] =
    G[q, p]), pos = G − Gᵀ for x_p < x_q and pos = net − (G − Gᵀ) for x_p > x_q. A voter exactly
    at the midpoint votes 0 either way.
    """
    n = y.shape[-1]
    C = np.zeros(y.shape[:-2] + (n + 1, n))
    np.cumsum(w[..., :, None] * y, axis=-2, out=C[..., 1:, :])  # w_k y_ka summed over voters
    total = C[..., n, :]  # Σ_k w_k y_ka
    G = np.take_along_axis(C, pairs.below, axis=-2)
    D = G - np.swapaxes(G, -1, -2)
    net = total[..., None, :] - total[..., :, None]  # Σ_k w_k (y_kq − y_kp)
    p = np.arange(n)
    # p < q: x_p ≤ x_q; equal positions have equal columns of C, so both forms give exactly 0
    pos = np.where(p[:, None] < p[None, :], D, net - D)
    return pos, net


def vote_sums_direct(w: np.ndarray, y: np.ndarray, *, chunk: int = 64):
    """Σ_k max(0, v_k(i, j)), Σ_k |v_k(i, j)| and Σ_k v_k(i, j) by the O(n³) sum over voters, in
    chunks of voters that keep memory at n²·chunk (the reference for :func:`vote_sums`)."""
    n = y.shape[-1]
    pos = np.zeros(y.shape[:-2] + (n, n))
    tot = np.zeros(y.shape[:-2] + (n, n))
    net = np.zeros(y.shape[:-2] + (n, n))
    for k0 in range(0, n, chunk):
        yk = y[..., k0 : k0 + chunk, :]
        wk = w[..., k0 : k0 + chunk, None, None]
        v = wk * (yk[..., :, None, :] - yk[..., :, :, None])  # v[k, i, j]  [Scholz2011, eq. 1]
        pos += np.clip(v, 0, None).sum(axis=-3)
        tot += np.abs(v).sum(axis=-3)
        net += v.sum(axis=-3)
    return pos, tot, net


def pair_abs_sum(y: np.ndarray) -> np.ndarray:
    """Σ_a Σ_b |y_a − y_b| along the last axis in O(n log n): 2 Σ_i (2i − n − 1) y_(i)
    over the ascending order statistics (the Gini mean-difference identity, [David1968])."""
    ys = np.sort(y, axis=-1)
    n = ys.shape[-1]
    coef = 2.0 * np.arange(1, n + 1) - n - 1
    return 2.0 * (ys * coef).sum(axis=-1)
