"""Compiled (numba) transcriptions of the SMP's batch hot loops (issue 20).

Each function here is a plain-Python, loop-by-loop transcription of one numpy function of
this subpackage, compiled by :func:`accord._jit.compiled` and called only for batches of at
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

from ..._jit import compiled
from .constants import CHALLENGE_FLOOR, HALF_TOLERANCE, INTERP_MIN_WEIGHT, INTERP_ROUND

__all__ = [
    "MAX_AXIS",
    "kernel",
    "pairwise_sum",
    "column_sums",
    "best_challenges_semi",
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


def column_sums(t: Any, n: int, out: Any) -> None:
    """``out[j]`` = :func:`pairwise_sum` of column j of ``t`` (n × n; numpy's sum along the
    last axis of its transpose), every column at once, so that the loops run along rows."""
    if n < 8:
        for j in range(n):
            out[j] = 0.0
        for a in range(n):
            for j in range(n):
                out[j] += t[a, j]
        for j in range(n):
            out[j] = 0.0 + out[j]
        return
    r = np.empty((8, n))
    for k in range(8):
        for j in range(n):
            r[k, j] = t[k, j]
    a = 8
    while a < n - (n % 8):
        for k in range(8):
            for j in range(n):
                r[k, j] += t[a + k, j]
        a += 8
    for j in range(n):
        out[j] = ((r[0, j] + r[1, j]) + (r[2, j] + r[3, j])) + (
            (r[4, j] + r[5, j]) + (r[6, j] + r[7, j])
        )
    while a < n:
        for j in range(n):
            out[j] += t[a, j]
        a += 1
    for j in range(n):
        out[j] = 0.0 + out[j]


def best_challenges_semi(
    d: Any, rhat: Any, s_sum: Any, cap: Any, act: Any, unit: Any, prob: Any, gain: Any
) -> None:
    """Exact transcription of :func:`.challenges.best_challenges` for Proportional votes and
    SemiCommit (its closed form: ``_one_block`` with ``challenge``,
    ``semi_proportional_votes`` and ``split_sums``), writing P(i beats j) into ``prob`` and
    i's gain into ``gain`` (D, i, j). Arrays indexed [a, j] hold the third party a's numbers
    on the challenge of j (the reference's [j, a], transposed so that loops run along j)."""
    n_draws, n, _ = d.shape
    w = np.empty(n)
    w_far = np.empty((n, n))  # [a, j]: w_a (1 − d[a, j])
    w_far_near = np.empty((n, n))  # [a, j]: w_a (1 − d[a, j]) min(d[a, j], 1)
    wu = np.empty((n, n))  # [a, j]: w_a U_i[a, j]
    lo = np.empty((n, n))  # [a, j]: min(v, 0) doubled, v the vote of a on (i : j)
    hi = np.empty((n, n))
    u_at_i = np.empty(n)
    u_own = np.empty(n)
    uij = np.empty(n)
    g = np.empty(n)
    two_ji = np.empty(n)
    delta = np.empty(n)
    total0 = np.empty(n)
    chij0 = np.empty(n)
    chji0 = np.empty(n)
    pos = np.empty(n)
    neg = np.empty(n)
    for dd in range(n_draws):
        for a in range(n):
            w[a] = s_sum[dd, a] * cap[dd, a] if act[dd, a] else 0.0
        for a in range(n):
            for j in range(n):
                x = d[dd, a, j]
                far = 1 - x  # [KTAB] SMPModel::bsUtil
                w_far[a, j] = far * w[a]  # w_n (1 − d_nj)
                w_far_near[a, j] = w_far[a, j] * (x if x <= 1 else 1.0)
        floor = CHALLENGE_FLOOR * unit[dd]
        for i in range(n):
            r_own = rhat[dd, i, i]
            for a in range(n):
                rh = rhat[dd, i, a]
                x = d[dd, a, i]
                u_at_i[a] = (1 - x) * (1 + (x if x <= 1 else 1.0) * rh)  # [KTAB] bsUtil
                y = d[dd, a, a]
                u_own[a] = (1 - y) * (1 + (y if y <= 1 else 1.0) * rh)  # [KTAB] bsUtil
                w_n = 0.0 if a == i else w[a]  # only third parties vote
                g[a] = w_n * (u_own[a] - u_at_i[a])
                g[a] = g[a] + g[a]
                for j in range(n):
                    t = w_far_near[a, j] * rh
                    wu[a, j] = t + w_far[a, j]  # [KTAB] SMPModel::bsUtil: w_n U_i[n, j]
            for j in range(n):
                x = d[dd, i, j]
                uij[j] = (1 - x) * (1 + (x if x <= 1 else 1.0) * r_own)  # [KTAB] bsUtil
            uii = u_at_i[i]
            for j in range(n):
                ci = w[i] * (uii - uij[j])  # [KTAB] probEduChlg: the principals' votes
                cj = w[j] * (u_at_i[j] - u_own[j])
                chij0[j] = (floor + max0(ci)) + max0(cj)  # [KTAB] probEduChlg: 1e-10 floor
                chji0[j] = (floor - min0(ci)) - min0(cj)
                two_ji[j] = chji0[j] + chji0[j]
                delta[j] = chij0[j] - chji0[j]
                total0[j] = chij0[j] + chji0[j]
            short = n < 8  # column_sums' running sums, kept as the votes come
            if short:
                for j in range(n):
                    neg[j] = 0.0
                    pos[j] = 0.0
            for a in range(n):
                base = wu[a, i]
                g2 = g[a]
                for j in range(n):  # [KTAB] thirdPartyVoteSU (SemiCommit), vProbLittle
                    c = 0.0 if a == i else base - wu[a, j]  # [KTAB] Actor::vProbLittle
                    den = abs(c)
                    num = (((c - den) - two_ji[j]) * c) + ((c + delta[j]) * g2)
                    v = num / (den + total0[j])
                    v = 0.0 if a == j else v  # n = j is a principal
                    av = abs(v)
                    if short:
                        neg[j] += v - av
                        pos[j] += v + av
                    else:
                        lo[a, j] = v - av
                        hi[a, j] = v + av
            if short:
                for j in range(n):
                    neg[j] = 0.0 + neg[j]
                    pos[j] = 0.0 + pos[j]
            else:
                column_sums(lo, n, neg)
                column_sums(hi, n, pos)
            for j in range(n):
                chij = chij0[j] + pos[j] * 0.25  # [KTAB] probEduChlg: third parties join
                chji = chji0[j] - neg[j] * 0.25
                phij = chij / (chij + chji)  # [KTAB] probEduChlg: P(i beats j)
                phji = chji / (chij + chji)
                ukj = uij[j]
                eu_vict = uii + uii
                eu_contest = phij * eu_vict + phji * (ukj + ukj)
                s_j = s_sum[dd, j]
                eu_chlg = (1 - s_j) * eu_vict + s_j * eu_contest  # [KTAB] probEduChlg: EU
                prob[dd, i, j] = phij
                ok = act[dd, i] and act[dd, j] and i != j
                gain[dd, i, j] = eu_chlg - (uii + ukj) if ok else -np.inf  # [KTAB] gain


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


_HELPERS = (pairwise_sum, column_sums, max0, min0, round4)


@cache
def _register_helpers() -> None:
    """Make the helpers callable from compiled kernels (numba's ``register_jitable``; they
    stay plain functions for Python)."""
    from numba.extending import register_jitable

    from ._compiled_pce import HELPERS

    for fn in _HELPERS + HELPERS:
        register_jitable(fn)


def kernel(fn: Any) -> Any:
    """The compiled ``fn`` (one of this module's kernels), or None when compiled kernels are
    off (:func:`accord._jit.compiled`)."""
    k = compiled(fn)
    if k is not None:
        _register_helpers()
    return k
