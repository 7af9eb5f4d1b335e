"""A round of the expected-utility model, case by case, in the subset of Python numba compiles.

An exact transcription of one round of :func:`~.kernel.run_expected_utility` for the variant the
Monte Carlo and the sensitivity analysis run: votes summed directly (at most
:data:`~.kernel.SMALL_N` actors), Scholz's probability of success, the invariant offer rule
(``closest``), no schedule; either vote risk, either capitulation rule ([Scholz2011];
[BDM1985]). The round is two kernels with numpy's ``pow`` between them: :func:`risk_round`
(distances, votes with r = 1, the risk exponents) and, once numpy has raised the distances to
the exponents, :func:`offer_round` (votes, probabilities, expected utilities, offers and the
offer each actor accepts). ``pow`` stays in numpy because its SIMD version may differ in the
last bit from the C library's, which numba would call.

The same operations in the same order on the same doubles: votes summed voter by voter,
numpy's pairwise sum over the n² probabilities' numerators (:func:`_pairwise`, numpy's
``pairwise_sum`` with its recursion above 128 terms), column sums running,
``np.maximum(v, 0.0)``'s +0.0 for ±0, ``np.min``/``np.max``'s NaN, ``np.argmax``'s first
maximum. ``tests/test_bdm_compiled.py`` holds the whole run equal to the numpy kernel bit for
bit; the numpy kernel stays the reference and the only path for the other variants.

Compiled through :func:`accord.jit.compiled`; called from :func:`~.kernel.run_expected_utility`
for batches of at least :data:`accord.jit.MIN_CASES` cases.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from accord.jit import inner

__all__ = ["offer_round", "risk_round"]

#: numpy's pairwise block (``PW_BLOCKSIZE``).
_BLOCK = 128


@inner
def _max0(v: float) -> float:
    """``np.maximum(v, 0.0)``: NaN stays NaN, ±0 gives +0.0 (numpy returns the second operand
    of equals)."""
    return v if (v > 0.0 or v != v) else 0.0


@inner
def _block(a: Any, lo: int, n: int) -> float:
    """numpy's ``pairwise_sum`` of ``a[lo:lo + n]`` for n ≤ 128: one running sum below 8, else
    8 running sums combined pairwise and the remainder added in order ([numpy]
    ``pairwise_sum``)."""
    if n < 8:
        res = 0.0
        for i in range(n):
            res += a[lo + i]
        return res
    r0, r1, r2, r3 = a[lo], a[lo + 1], a[lo + 2], a[lo + 3]
    r4, r5, r6, r7 = a[lo + 4], a[lo + 5], a[lo + 6], a[lo + 7]
    i = 8
    while i < n - (n % 8):
        r0 += a[lo + i]
        r1 += a[lo + i + 1]
        r2 += a[lo + i + 2]
        r3 += a[lo + i + 3]
        r4 += a[lo + i + 4]
        r5 += a[lo + i + 5]
        r6 += a[lo + i + 6]
        r7 += a[lo + i + 7]
        i += 8
    res = ((r0 + r1) + (r2 + r3)) + ((r4 + r5) + (r6 + r7))
    while i < n:
        res += a[lo + i]
        i += 1
    return res


@inner
def _half(n: int) -> int:
    """Where numpy's ``pairwise_sum`` splits n > 128 terms: half, down to a multiple of 8."""
    n2 = n // 2
    return n2 - n2 % 8


@inner
def _split2(a: Any, lo: int, n: int) -> float:
    if n <= _BLOCK:
        return _block(a, lo, n)
    h = _half(n)
    return _block(a, lo, h) + _block(a, lo + h, n - h)


@inner
def _split3(a: Any, lo: int, n: int) -> float:
    if n <= _BLOCK:
        return _block(a, lo, n)
    h = _half(n)
    return _split2(a, lo, h) + _split2(a, lo + h, n - h)


@inner
def _pairwise(a: Any, lo: int, n: int) -> float:
    """numpy's ``pairwise_sum`` of ``a[lo:lo + n]`` (contiguous), n ≤ 900: blocks of at most
    128 (:func:`_block`), above that the two halves summed apart and added, recursively
    ([numpy] ``pairwise_sum``). Unrolled three levels deep, since numba's on-disk cache does
    not keep recursive functions; SMALL_N² = 576 terms need three."""
    if n <= _BLOCK:
        return _block(a, lo, n)
    h = _half(n)
    return _split3(a, lo, h) + _split3(a, lo + h, n - h)


@inner
def _probability(wy: Any, gap: Any, n: int, pos: Any, P: Any) -> None:
    """P[a, b] of :func:`~.kernel.success_probability` (rule ``scholz``, direct votes) from
    wy[k, a] = c_k s_k y_ka into ``P``; ``pos`` (n·n) is scratch."""
    for a in range(n):
        for b in range(n):
            acc = 0.0  # np.zeros, then one voter at a time
            for k in range(n):
                acc += _max0(wy[k, b] - wy[k, a])  # [Scholz2011, eq. 1]: max(0, v_k(a, b))
            pos[a * n + b] = acc
    # Σ_k Σ_a Σ_b |v_k(a, b)| = 2 Σ max(0, v)  [Scholz2011, code]
    denom = 2.0 * (0.0 + _pairwise(pos, 0, n * n))
    den = denom if denom > 0 else np.inf  # no votes at all: P = 0
    for a in range(n):
        for b in range(n):
            P[a, b] = 0.0 if gap[a, b] <= 1e-12 else pos[a * n + b] / den


def risk_round(
    x: Any,
    w: Any,
    s: Any,
    delta: Any,
    gap: Any,
    dist: Any,
    r: Any,
    r_rows: Any,
    near: Any,
    far: Any,
) -> None:
    """The round's distances ``gap`` = |x_i − x_j| and ``dist`` = gap/Δ (B, n, n) and risk
    exponents ``r`` (B, n) from positions ``x``, weights ``w`` = c·s and saliences ``s`` (B, n)
    and ranges ``delta`` (B,): :func:`~.kernel.risk_exponents` with r = 1 votes. Also the
    bases and exponents of the round's powers, for numpy: ``r_rows``[c, i, j] = r_i, ``near``
    = ½ − ½ dist and ``far`` = ½ + ½ dist (B, n, n)."""
    B, n = x.shape
    wy = np.empty((n, n))
    pos = np.empty(n * n)
    P1 = np.empty((n, n))
    S = np.empty(n)
    for c in range(B):
        d = delta[c]
        for i in range(n):
            for j in range(n):
                g = abs(x[c, i] - x[c, j])
                gap[c, i, j] = g
                dist[c, i, j] = g / d
        for k in range(n):
            for a in range(n):
                wy[k, a] = w[c, k] * dist[c, k, a]  # c_k s_k d_ka, r = 1
        _probability(wy, gap[c], n, pos, P1)
        for j in range(n):
            S[j] = 0.0
        for i in range(n):
            for j in range(n):
                h = 0.5 * dist[c, i, j]
                us = 2 - 4 * (0.5 - h)  # [Scholz2011, eq. 3], r = 1
                uf = 2 - 4 * (0.5 + h)  # [Scholz2011, eq. 4], r = 1
                # U^s − s_j (1 − P)(U^s − U^f)   [Scholz2011, eq. 8], r = 1, U^sq = 0
                S[j] += us - s[c, j] * (1 - P1[i, j]) * (us - uf)
        for i in range(n):
            h = 0.5 * dist[c, i, i]
            us = 2 - 4 * (0.5 - h)
            uf = 2 - 4 * (0.5 + h)
            S[i] = S[i] - (us - s[c, i] * (1 - P1[i, i]) * (us - uf))  # S_i = Σ_{j≠i}
        smax, smin = S[0], S[0]
        nan = False
        for i in range(n):
            v = S[i]
            if v != v:
                nan = True
            elif v > smax:
                smax = v
            elif v < smin:
                smin = v
        if nan:
            smax, smin = np.nan, np.nan
        span = smax - smin
        den = span if span > 1e-12 else np.inf  # all S equal: R = 0
        for i in range(n):
            R = (2 * S[i] - smax - smin) / den  # [Scholz2011, eq. 9]
            r[c, i] = (1 - R / 3) / (1 + R / 3)  # [Scholz2011, eq. 10]
        for i in range(n):
            for j in range(n):
                r_rows[c, i, j] = r[c, i]
                h = 0.5 * dist[c, i, j]
                near[c, i, j] = 0.5 - h
                far[c, i, j] = 0.5 + h


@inner
def _symmetric_pick(key: Any, xnew: Any, w: Any, kmin: float, tol: float, tie: Any) -> Any:
    """:func:`~.kernel._symmetric_pick` for one receiver: (the chosen proposer, the position
    moved to, whether tied offers cancel); ``tie`` (n) is scratch."""
    n = key.shape[0]
    wmax = -np.inf
    wnan = False
    for j in range(n):
        t = key[j] <= kmin + tol and np.isfinite(key[j])
        tie[j] = t
        wt = w[j] if t else -np.inf
        if wt != wt:
            wnan = True
        elif wt > wmax:
            wmax = wt
    if wnan:
        wmax = np.nan
    aw = abs(wmax)
    thr = wmax - 1e-12 * (aw if (aw >= 1.0 or aw != aw) else 1.0)  # np.maximum(|wmax|, 1)
    lo, hi = np.inf, -np.inf
    lonan = hinan = False
    pick = -1
    for j in range(n):
        t = tie[j] and w[j] >= thr
        if t and pick < 0:
            pick = j
        vlo = xnew[j] if t else np.inf
        vhi = xnew[j] if t else -np.inf
        if vlo != vlo:
            lonan = True
        elif vlo < lo:
            lo = vlo
        if vhi != vhi:
            hinan = True
        elif vhi > hi:
            hi = vhi
    if lonan:
        lo = np.nan
    if hinan:
        hi = np.nan
    found = np.isfinite(lo)
    middle = 0.5 * (lo + hi) if found else np.nan
    return (pick if pick >= 0 else 0), middle, found and (hi - lo > tol)  # argmax of all False: 0


def offer_round(
    x: Any,
    w: Any,
    s: Any,
    delta: Any,
    gap: Any,
    y: Any,
    pu: Any,
    pf: Any,
    pq: Any,
    corrected: bool,
    x_out: Any,
    kind_out: Any,
    prop_out: Any,
    eu_own: Any,
    eu_prop: Any,
) -> None:
    """The rest of the round from numpy's powers: ``y`` = dist^{r_k} (rows: voters), ``pu`` =
    (½ − ½ dist)^{r_i}, ``pf`` = (½ + ½ dist)^{r_i} (B, n, n) and ``pq`` = ½^{r_i} (B, n).
    Writes the new positions, the kind of offer accepted, its proposer (−1 none) and the two
    expected utilities of the chosen offer (B, n)."""
    B, n = x.shape
    wy = np.empty((n, n))
    pos = np.empty(n * n)
    P = np.empty((n, n))
    key = np.empty(n)
    xnew = np.empty(n)
    kind = np.empty(n, dtype=np.int64)
    eij = np.empty(n)
    eji = np.empty(n)
    tie = np.empty(n, dtype=np.bool_)
    for c in range(B):
        d = delta[c]
        for k in range(n):
            for a in range(n):
                wy[k, a] = w[c, k] * y[c, k, a]  # c_k s_k d_ka^{r_k}
        _probability(wy, gap[c], n, pos, P)
        tol = 1e-9 * d
        near_tol = 1e-9 * d  # kernel.NEAR · Δ
        for i in range(n):
            xi = x[c, i]
            usq = 2 - 4 * pq[c, i]  # [Scholz2011, eq. 7]
            kmin = np.inf
            knan = False
            for j in range(n):
                us = 2 - 4 * pu[c, i, j]  # [Scholz2011, eq. 3]
                uf = 2 - 4 * pf[c, i, j]  # [Scholz2011, eq. 4]
                a_, b_ = us - usq, us - uf
                e_ij = a_ - s[c, j] * (1 - P[i, j]) * b_  # [Scholz2011, eq. 8] i challenges j
                e_ji = a_ - s[c, i] * (1 - P[j, i]) * b_  # [Scholz2011, sec. 3] as i sees it
                valid = not (gap[c, i, j] <= near_tol) and e_ji > 0
                conflict = valid and e_ij > 0 and e_ji > e_ij
                comp = valid and e_ij < 0 and e_ji > abs(e_ij)
                capit = corrected and valid and e_ij < 0 and abs(e_ij) > e_ji
                xj = x[c, j]
                ratio = abs(e_ij) / (e_ji if e_ji > 0 else 1.0)
                xn = xi + (xj - xi) * ratio if comp else xj  # [Scholz2011, eq. 11]
                k_ = abs(xn - xi) if (conflict or comp or capit) else np.inf
                key[j], xnew[j], eij[j], eji[j] = k_, xn, e_ij, e_ji
                kind[j] = 1 if conflict else (2 if comp else (3 if capit else 0))
                if k_ != k_:
                    knan = True
                elif k_ < kmin:
                    kmin = k_
            if knan:
                kmin = np.nan
            pick, middle, cancel = _symmetric_pick(key, xnew, w[c], kmin, tol, tie)
            has = np.isfinite(kmin) and not cancel
            x_out[c, i] = middle if has else xi
            kind_out[c, i] = kind[pick] if has else 0
            prop_out[c, i] = pick if has else -1
            eu_own[c, i] = eij[pick]
            eu_prop[c, i] = eji[pick]
