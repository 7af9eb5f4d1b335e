"""Compiled (numba) transcriptions of the SMP's batch hot loops (issue 20).

Each function here is a plain-Python, loop-by-loop transcription of one numpy function of
this subpackage, compiled by :func:`accord.jit.compiled` and called only for batches of at
least ``MIN_CASES`` draws with the options it covers; the numpy code stays the reference. The
floats are the reference's bit for bit: the same operations in the same order (numba without
``fastmath`` contracts nothing), numpy's sums along a last axis by its pairwise rule
(:func:`pairwise_sum`), sums along other axes and :func:`~.equations.ordered_sum` running,
``np.maximum``/``np.minimum`` with their NaN and signed-zero results, ``np.argmax``'s first
maximum (or first NaN). ``exp`` and ``log`` are left to numpy between kernels: its SIMD
versions may differ in the last bit from the C library's, which numba would call.

Sums along a last axis of more than 128 (numpy's pairwise block) are recursive in numpy and
not transcribed: callers run the numpy code for more than ``MAX_AXIS`` actors or dimensions.
"""

from __future__ import annotations

from functools import cache
from typing import Any

import numpy as np

from ...jit import compiled
from .constants import (
    CHALLENGE_FLOOR,
    HALF_TOLERANCE,
    INTERP_MIN_WEIGHT,
    INTERP_ROUND,
    MIN_SIGNIFICANT_GAIN,
)

__all__ = [
    "MAX_AXIS",
    "kernel",
    "pairwise_sum",
    "LANES",
    "lane_sum",
    "best_challenges_semi",
    "best_targets",
    "state_distance",
    "bargains_s2p2",
]

#: numpy's pairwise block (``PW_BLOCKSIZE``): longer last-axis sums recurse, and are not
#: transcribed.
MAX_AXIS = 128


def pairwise_sum(a: Any, n: int) -> float:
    """``a[:n].sum()`` as numpy adds along a contiguous last axis of n ≤ 128: one running sum
    below 8, else 8 running sums combined pairwise and the remainder added in order; the
    reduction's initial 0.0 first ([numpy] ``pairwise_sum``, ``DOUBLE_add``)."""
    if n < 8:
        res = 0.0
        for i in range(n):
            res += a[i]
        return 0.0 + res
    r0, r1, r2, r3 = a[0], a[1], a[2], a[3]
    r4, r5, r6, r7 = a[4], a[5], a[6], a[7]
    i = 8
    while i < n - (n % 8):
        r0 += a[i]
        r1 += a[i + 1]
        r2 += a[i + 2]
        r3 += a[i + 3]
        r4 += a[i + 4]
        r5 += a[i + 5]
        r6 += a[i + 6]
        r7 += a[i + 7]
        i += 8
    res = ((r0 + r1) + (r2 + r3)) + ((r4 + r5) + (r6 + r7))
    while i < n:
        res += a[i]
        i += 1
    return 0.0 + res


def max0(v: float) -> float:
    """``np.maximum(v, 0.0)``: NaN stays NaN, and ±0 gives 0.0 (numpy returns the second
    operand of equals)."""
    return v if (v > 0.0 or v != v) else 0.0


def min0(v: float) -> float:
    """``np.minimum(v, 0.0)``, as :func:`max0`."""
    return v if (v < 0.0 or v != v) else 0.0


#: Draws per lane block of the compiled challenge kernel: its innermost loops run along the
#: draws of a block, which the compiler vectorises (the actors are often fewer than a vector).
LANES = 32


def lane_sum(t: Any, n: int, width: int, r: Any, out: Any) -> None:
    """``out[b]`` = :func:`pairwise_sum` of ``t[:, b]`` for ``b < width`` (numpy's sum along the
    last axis of ``t[:, b]`` as a row), every lane at once; ``r`` (8, ≥ width) is scratch."""
    if n < 8:
        for b in range(width):
            out[b] = 0.0
        for a in range(n):
            for b in range(width):
                out[b] += t[a, b]
    else:
        for k in range(8):
            for b in range(width):
                r[k, b] = t[k, b]
        a = 8
        while a < n - (n % 8):
            for k in range(8):
                for b in range(width):
                    r[k, b] += t[a + k, b]
            a += 8
        for b in range(width):
            out[b] = ((r[0, b] + r[1, b]) + (r[2, b] + r[3, b])) + (
                (r[4, b] + r[5, b]) + (r[6, b] + r[7, b])
            )
        while a < n:
            for b in range(width):
                out[b] += t[a, b]
            a += 1
    for b in range(width):
        out[b] = 0.0 + out[b]


def best_challenges_semi(
    d: Any, rhat: Any, s_sum: Any, cap: Any, act: Any, unit: Any, prob: Any, gain: Any
) -> None:
    """Exact transcription of :func:`.challenges.best_challenges` for Proportional votes and
    SemiCommit (its closed form: ``_one_block`` with ``challenge``,
    ``semi_proportional_votes`` and ``split_sums``), writing P(i beats j) into ``prob`` and
    i's gain into ``gain`` (D, i, j).

    Draws are taken ``LANES`` at a time, each block's numbers laid out with the draw last
    (index b); arrays indexed [a, j, b] hold the third party a's numbers on the challenge of
    j (the reference's [j, a])."""
    n_draws, n, _ = d.shape
    L = LANES
    dt = np.empty((n, n, L))  # [a, j, b]: d[a, j]
    rht = np.empty((n, n, L))  # [h, a, b]: rhat[h, a]
    w_far = np.empty((n, n, L))  # w_a (1 − d[a, j])
    w_far_near = np.empty((n, n, L))  # w_a (1 − d[a, j]) min(d[a, j], 1)
    wu = np.empty((n, n, L))  # w_a U_i[a, j]
    lo = np.empty((n, n, L))  # 2 min(v, 0), v the vote of a on (i : j)
    hi = np.empty((n, n, L))
    r8 = np.empty((8, n * L))
    w, ss, on = np.empty((n, L)), np.empty((n, L)), np.empty((n, L), dtype=np.bool_)
    u_at_i, u_own, uij, g = np.empty((n, L)), np.empty((n, L)), np.empty((n, L)), np.empty((n, L))
    chij0, chji0, two_ji = np.empty((n, L)), np.empty((n, L)), np.empty((n, L))
    delta, total0 = np.empty((n, L)), np.empty((n, L))
    pos, neg = np.empty((n, L)), np.empty((n, L))
    floor = np.empty(L)
    for d0 in range(0, n_draws, L):
        nb = min(L, n_draws - d0)
        for b in range(nb):
            dd = d0 + b
            floor[b] = CHALLENGE_FLOOR * unit[dd]
            for a in range(n):
                w[a, b] = s_sum[dd, a] * cap[dd, a] if act[dd, a] else 0.0
                ss[a, b] = s_sum[dd, a]
                on[a, b] = act[dd, a]
                for j in range(n):
                    dt[a, j, b] = d[dd, a, j]
                    rht[a, j, b] = rhat[dd, a, j]
        for a in range(n):
            for j in range(n):
                for b in range(nb):
                    x = dt[a, j, b]
                    w_far[a, j, b] = (1 - x) * w[a, b]  # [KTAB] SMPModel::bsUtil: w_n (1 − d_nj)
                    w_far_near[a, j, b] = w_far[a, j, b] * (x if x <= 1 else 1.0)
        for i in range(n):
            for a in range(n):
                for b in range(nb):
                    rh = rht[i, a, b]
                    x = dt[a, i, b]
                    u_at_i[a, b] = (1 - x) * (1 + (x if x <= 1 else 1.0) * rh)  # [KTAB] bsUtil
                    y = dt[a, a, b]
                    u_own[a, b] = (1 - y) * (1 + (y if y <= 1 else 1.0) * rh)  # [KTAB] bsUtil
                    w_n = 0.0 if a == i else w[a, b]  # only third parties vote
                    gg = w_n * (u_own[a, b] - u_at_i[a, b])
                    g[a, b] = gg + gg
                for j in range(n):
                    for b in range(nb):  # [KTAB] SMPModel::bsUtil: w_n U_i[n, j]
                        wu[a, j, b] = w_far_near[a, j, b] * rht[i, a, b] + w_far[a, j, b]
            for j in range(n):
                for b in range(nb):
                    x = dt[i, j, b]
                    uij[j, b] = (1 - x) * (1 + (x if x <= 1 else 1.0) * rht[i, i, b])  # bsUtil
                    uii = u_at_i[i, b]
                    ci = w[i, b] * (uii - uij[j, b])  # [KTAB] probEduChlg: the principals' votes
                    cj = w[j, b] * (u_at_i[j, b] - u_own[j, b])
                    c0 = (floor[b] + max0(ci)) + max0(cj)  # [KTAB] probEduChlg: 1e-10 floor
                    c1 = (floor[b] - min0(ci)) - min0(cj)
                    chij0[j, b], chji0[j, b] = c0, c1
                    two_ji[j, b], delta[j, b], total0[j, b] = c1 + c1, c0 - c1, c0 + c1
            for a in range(n):
                for j in range(n):
                    for b in range(nb):  # [KTAB] thirdPartyVoteSU (SemiCommit), vProbLittle
                        c = 0.0 if a == i else wu[a, i, b] - wu[a, j, b]  # Actor::vProbLittle
                        den = abs(c)
                        num = (((c - den) - two_ji[j, b]) * c) + ((c + delta[j, b]) * g[a, b])
                        v = num / (den + total0[j, b])
                        v = 0.0 if a == j else v  # n = j is a principal
                        av = abs(v)
                        lo[a, j, b] = v - av
                        hi[a, j, b] = v + av
            # over a, every (j, b) a lane (b ≥ nb: unused)
            lane_sum(lo.reshape(n, n * L), n, n * L, r8, neg.reshape(n * L))
            lane_sum(hi.reshape(n, n * L), n, n * L, r8, pos.reshape(n * L))
            for j in range(n):
                for b in range(nb):
                    chij = chij0[j, b] + pos[j, b] * 0.25  # [KTAB] probEduChlg: third parties
                    chji = chji0[j, b] - neg[j, b] * 0.25
                    phij = chij / (chij + chji)  # [KTAB] probEduChlg: P(i beats j)
                    phji = chji / (chij + chji)
                    uii, ukj, s_j = u_at_i[i, b], uij[j, b], ss[j, b]
                    eu_vict = uii + uii
                    eu_contest = phij * eu_vict + phji * (ukj + ukj)
                    eu_chlg = (1 - s_j) * eu_vict + s_j * eu_contest  # [KTAB] probEduChlg: EU
                    prob[d0 + b, i, j] = phij
                    ok = on[i, b] and on[j, b] and i != j
                    gain[d0 + b, i, j] = eu_chlg - (uii + ukj) if ok else -np.inf  # gain


def best_targets(prob: Any, gain: Any, active: Any, target: Any, p_iij: Any, g_t: Any) -> None:
    """Exact transcription of :func:`.kernel.turn`'s choice of targets ([KTAB]
    ``SMPState::bestChallenge``): whether i challenges anyone (a gain above
    ``MIN_SIGNIFICANT_GAIN``), whom (the first maximum of those gains, as ``np.argmax``; 0
    when none), and that challenge's P(win) and gain."""
    n_draws, n, _ = gain.shape
    for dd in range(n_draws):
        for i in range(n):
            best = 0
            top = -np.inf
            for j in range(n):
                v = gain[dd, i, j]
                v = v if v > MIN_SIGNIFICANT_GAIN else -np.inf  # [KTAB] bestChallenge
                if v > top:
                    best, top = j, v
            active[dd, i] = top > -np.inf
            target[dd, i] = best
            p_iij[dd, i] = prob[dd, i, best]
            g_t[dd, i] = gain[dd, i, best]


def state_distance(new: Any, old: Any, out: Any) -> None:
    """Exact transcription of :func:`.run.run_batch`'s movement of a turn, the sum over actors
    of the Euclidean distances ([KTAB] ``SMPModel::stateDist``), into ``out`` (D,)."""
    n_draws, n, m = new.shape
    sq = np.empty(m)
    dist = np.empty(n)
    for dd in range(n_draws):
        for a in range(n):
            for k in range(m):
                diff = new[dd, a, k] - old[dd, a, k]
                sq[k] = diff * diff
            dist[a] = np.sqrt(pairwise_sum(sq, m))  # [KTAB] SMPModel::stateDist
        out[dd] = pairwise_sum(dist, n)


def round4(x: float) -> float:
    """Exact transcription of :func:`.equations.round4` on one number."""
    y = x * INTERP_ROUND
    fl = np.floor(y)
    half = abs(y - fl - 0.5) < HALF_TOLERANCE
    centre = fl + 1.0 if y < 0.5 * INTERP_ROUND else fl  # a half: towards 0.5
    return (centre if half else np.trunc(0.5 + y)) / INTERP_ROUND  # [KTAB] interpBrgnSnPm


def bargains_s2p2(x: Any, sal: Any, target: Any, p_iij: Any, b_ii: Any, b_ij: Any) -> None:
    """Exact transcription of :func:`.equations.interpolate` with S2P2 as
    :func:`.kernel._bargains` calls it for InitOnlyInterp: both sides' bargain positions
    (D, i, m) of i's challenge of its target, into ``b_ii`` and ``b_ij``."""
    n_draws, n, m = x.shape
    for dd in range(n_draws):
        for i in range(n):
            j = target[dd, i]
            p_i = p_iij[dd, i]
            p_j = 1 - p_iij[dd, i]
            for k in range(m):
                t_i, s_i = x[dd, i, k], sal[dd, i, k]
                t_j, s_j = x[dd, j, k], sal[dd, j, k]
                wi = (s_i * s_i) * (p_i * p_i)  # [KTAB] SMPActor::interpBrgnSnPm (n = 2, m = 2)
                wj = (s_j * s_j) * (p_j * p_j)
                den = wi + INTERP_MIN_WEIGHT + wj
                b_ii[dd, i, k] = round4(((wi + INTERP_MIN_WEIGHT) * t_i + wj * t_j) / den)
                b_ij[dd, i, k] = round4((wi * t_i + (INTERP_MIN_WEIGHT + wj) * t_j) / den)


_HELPERS = (pairwise_sum, lane_sum, max0, min0, round4)


@cache
def _register_helpers() -> None:
    """Make the helpers callable from compiled kernels (numba's ``register_jitable``; they
    stay plain functions for Python)."""
    from numba.extending import register_jitable

    from ._compiled_pce import HELPERS
    from ._compiled_report import HELPERS as REPORT_HELPERS

    for fn in _HELPERS + HELPERS + REPORT_HELPERS:
        register_jitable(fn)


def kernel(fn: Any) -> Any:
    """The compiled ``fn`` (one of this module's kernels), or None when compiled kernels are
    off (:func:`accord.jit.compiled`)."""
    k = compiled(fn)
    if k is not None:
        _register_helpers()
    return k
