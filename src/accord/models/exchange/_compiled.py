"""The equal-gain round of :mod:`.kernel`, case by case, in the subset of Python numba compiles.

An exact transcription of :class:`~.kernel.RoundKernel` (``_candidates``, ``calculate`` with
:func:`~.equations.equal_gain`, ``_realise``, ``_touched`` and the greedy loop of ``run``) for
the variant the Monte Carlo and the sensitivity analysis run: equal gain, no tie hook, no
record. The same operations in the same order on the same doubles, so it returns exactly the
numpy kernel's positions (``tests/test_exchange_compiled.py`` holds them equal); the numpy
kernel stays the reference and the only one that records exchanges or takes a tie hook.

Where numpy runs the cases in lock-step (every step of the greedy loop over the whole batch),
this runs one case at a time through its own greedy loop, so it never touches a finished
case's candidates or the padding up to the batch's largest count.

Compiled through :func:`accord.jit.compiled` (``numba.njit``); called from
:func:`~.kernel.exchange_round` for batches of at least :data:`accord.jit.MIN_CASES` cases.
"""

from __future__ import annotations

import numpy as np

from accord.jit import inner

from .equations import FULL_SHIFT, MIN_GAIN, MIN_MOVE, TIE_RTOL

__all__ = ["equal_round"]


@inner
def _minimum(a: float, b: float) -> float:
    """``np.minimum`` on two doubles (NaN propagates)."""
    if a != a:
        return a
    if b != b:
        return b
    return a if a <= b else b


@inner
def _maximum(a: float, b: float) -> float:
    """``np.maximum`` on two doubles (NaN propagates)."""
    if a != a:
        return a
    if b != b:
        return b
    return a if a >= b else b


@inner
def _sign(v: float) -> float:
    """``np.sign`` on a double."""
    if v > 0.0:
        return 1.0
    if v < 0.0:
        return -1.0
    return v  # 0.0, -0.0 or NaN, as numpy


def equal_round(
    x: np.ndarray,
    s: np.ndarray,
    w: np.ndarray,
    has: np.ndarray,
    nbs0: np.ndarray,
    dw: np.ndarray,
    y: np.ndarray,
) -> None:
    """One equal-gain round in every case of ``x``, ``s``, ``w``, ``has`` (D, n, m), with the
    round-start outcomes ``nbs0`` and issue weights ``dw`` (D, m); writes the voting positions
    at the round's end into ``y`` (D, n, m)."""
    D, n, m = x.shape
    kmax = (m * (m - 1) // 2) * (n * (n - 1) // 2)
    cand = np.empty((4, kmax), dtype=np.int64)  # rows A, IA, B, IB of each candidate
    # rows fA fB k tA tB gfac startA startB, w_A, w_B, and the movers' issues' total weights
    # (1 where 0) for the outcome shift
    cst = np.empty((12, kmax))
    gain = np.empty(kmax)
    move = np.empty((2, kmax))
    alive = np.zeros(kmax, dtype=np.bool_)
    code = np.empty(n, dtype=np.int64)
    view = np.empty((n, m))  # V[b, d]: the outcome on d as b has seen it move
    seen = np.empty((n, m, n))  # U[b, d, k]: where k stands on d as b has seen it
    # the candidates by slot (actor, issue), CSR: rows 0 of a mover there, 1 of a view there
    start = np.empty((2, n * m + 1), dtype=np.int64)
    members = np.empty((2, 2 * kmax), dtype=np.int64)
    live = np.empty(kmax, dtype=np.int64)
    for c in range(D):
        xc, yc = x[c], y[c]
        K = _candidates(xc, s[c], w[c], has[c], nbs0[c], dw[c], cand, cst, code)
        _index(cand, K, m, start, members)
        # the state: positions, views of the outcomes, views of the positions
        for a in range(n):
            for d in range(m):
                yc[a, d] = xc[a, d]
                view[a, d] = nbs0[c, d]
                for k2 in range(n):
                    seen[a, d, k2] = xc[k2, d]
        L = 0  # the alive candidates in canonical order (a dead one never revives)
        for t in range(K):
            alive[t] = True
            _calculate(t, cst, cand, yc, view, gain, move, alive)
            if alive[t]:
                live[L] = t
                L += 1
        while True:  # the greedy loop
            top = -np.inf
            keep = 0
            for u in range(L):  # the largest gain, dropping the dead from the list
                t = live[u]
                if alive[t]:
                    live[keep] = t
                    keep += 1
                    if gain[t] > top:
                        top = gain[t]
            L = keep
            if top == -np.inf:
                break
            bar = top - TIE_RTOL * abs(top)  # ties: the first in canonical order
            e = 0
            for u in range(L):
                if gain[live[u]] >= bar:
                    e = live[u]
                    break
            _realise(e, cst, cand, yc, view, seen, move)
            gain[e] = -np.inf
            alive[e] = False
            # _touched: the alive candidates sharing a mover or a view with e, through the
            # index (a candidate met twice is recalculated from the same state: same numbers)
            A, IA, B, IB = cand[0, e], cand[1, e], cand[2, e], cand[3, e]
            for kind, slot in ((0, A * m + IA), (0, B * m + IB), (1, B * m + IA), (1, A * m + IB)):
                for u in range(start[kind, slot], start[kind, slot + 1]):
                    t = members[kind, u]
                    if alive[t]:
                        _calculate(t, cst, cand, yc, view, gain, move, alive)
        for t in range(K):
            alive[t] = False


@inner
def _candidates(xc, sc, wc, hc, nb, dwc, cand, cst, code) -> int:
    """``RoundKernel._candidates`` for one case: groups A×D and B×C of every issue pair
    ([Stokman1994]) in canonical order, and their constants; returns their count."""
    n, m = xc.shape
    K = 0
    for p in range(m):
        for q in range(p + 1, m):
            for a in range(n):
                if hc[a, p] and wc[a, p] > 0 and hc[a, q] and wc[a, q] > 0:
                    lp = 1 if xc[a, p] <= nb[p] else 0  # left of the outcome or on it
                    lq = 1 if xc[a, q] <= nb[q] else 0
                    code[a] = 2 * lp + lq
                else:
                    code[a] = 4
            for lo in range(n):
                for hi in range(lo + 1, n):
                    clo, chi = code[lo], code[hi]
                    right_lo = clo % 2 == 0 and clo + chi == 3
                    if not (right_lo or (chi % 2 == 0 and chi + clo == 3)):
                        continue
                    i, j = (lo, hi) if right_lo else (hi, lo)  # i: right of the outcome
                    swap = sc[i, p] * sc[j, q] < sc[j, p] * sc[i, q]  # [Stokman1994, (R)]
                    A, B = (j, i) if swap else (i, j)
                    cand[0, K], cand[1, K], cand[2, K], cand[3, K] = A, q, B, p
                    K += 1  # A supplies q and demands p
    for t in range(K):
        A, IA, B, IB = cand[0, t], cand[1, t], cand[2, t], cand[3, t]
        wA, wB = wc[A, IA], wc[B, IB]
        DA, DB = dwc[IA], dwc[IB]
        cst[8, t], cst[9, t] = wA, wB
        cst[10, t] = DA if DA > 0 else 1.0
        cst[11, t] = DB if DB > 0 else 1.0
        cst[0, t] = DA / wA  # [Stokman1994, (S)]
        cst[1, t] = DB / wB  # [Stokman1994, (S)]
        sA_sup, sA_dem, sB_sup, sB_dem = sc[A, IA], sc[A, IB], sc[B, IB], sc[B, IA]
        k = (sA_sup + sB_dem) / (sA_dem + sB_sup)  # [Stokman1994, (E)]
        cst[2, t] = k
        cst[5, t] = k * sA_dem - sA_sup  # gain per unit of rA, [Stokman1994, (U)]
        cst[3, t] = xc[B, IA]  # A moves towards B's position on IA
        cst[4, t] = xc[A, IB]
        cst[6, t] = xc[A, IA]
        cst[7, t] = xc[B, IB]
    return K


@inner
def _realise(e, cst, cand, yc, view, seen, move) -> None:
    """``RoundKernel._realise`` for one exchange: move A and B, and remember what each
    demander has seen."""
    A, IA, B, IB = cand[0, e], cand[1, e], cand[2, e], cand[3, e]
    xa, xb = yc[A, IA], yc[B, IB]
    ua, ub = seen[B, IA, A], seen[A, IB, B]
    ya, yb = xa + move[0, e], xb + move[1, e]
    yc[A, IA], yc[B, IB] = ya, yb
    seen[B, IA, A], seen[A, IB, B] = ya, yb
    # B has seen A's move on IA, A has seen B's on IB ([Stokman1994], (O))
    view[B, IA] = view[B, IA] + cst[8, e] * (ya - ua) / cst[10, e]
    view[A, IB] = view[A, IB] + cst[9, e] * (yb - ub) / cst[11, e]


@inner
def _index(cand, K, m, start, members) -> None:
    """The candidates by slot a·m + d, in CSR form: ``members[0]`` those with a mover at
    (a, d) (A on IA or B on IB), ``members[1]`` those with a view there (B's of IA, A's of IB),
    the slot's entries from ``start[k, slot]`` to ``start[k, slot + 1]``."""
    start[:, :] = 0
    for t in range(K):
        A, IA, B, IB = cand[0, t], cand[1, t], cand[2, t], cand[3, t]
        start[0, A * m + IA + 1] += 1
        start[0, B * m + IB + 1] += 1
        start[1, B * m + IA + 1] += 1
        start[1, A * m + IB + 1] += 1
    for k in range(2):
        for slot in range(start.shape[1] - 1):
            start[k, slot + 1] += start[k, slot]
    fill = start[:, :-1].copy()
    for t in range(K):
        A, IA, B, IB = cand[0, t], cand[1, t], cand[2, t], cand[3, t]
        for k, slot in ((0, A * m + IA), (0, B * m + IB), (1, B * m + IA), (1, A * m + IB)):
            members[k, fill[k, slot]] = t
            fill[k, slot] += 1


@inner
def _calculate(t, cst, cand, yc, view, gain, move, alive) -> None:
    """``RoundKernel.calculate`` with :func:`~.equations.equal_gain` for candidate ``t``
    ([Stokman1994], (S), (E), (U); [DecideExchange] check_nbs)."""
    A, IA, B, IB = cand[0, t], cand[1, t], cand[2, t], cand[3, t]
    fA, fB, k = cst[0, t], cst[1, t], cst[2, t]
    tA, tB, gfac = cst[3, t], cst[4, t], cst[5, t]
    startA, startB = cst[6, t], cst[7, t]
    curA, curB = yc[A, IA], yc[B, IB]
    viewA, viewB = view[B, IA], view[A, IB]  # B's view of IA, A's of IB
    dA, dB = tA - curA, tB - curB
    sgnA, sgnB = _sign(dA), _sign(dB)
    distA, distB = abs(dA), abs(dB)
    fullA, fullB = distA / fA, distB / fB  # outcome shifts of whole moves
    rA = _minimum(fullB / k, fullA)  # [Stokman1994, (S), (E)]
    gain0 = rA * gfac  # [Stokman1994, (U)], before the outcome check
    capA = _maximum(sgnA * (tA - viewA), 0.0)  # [DecideExchange] check_nbs, [Stokman1994, (O)]
    capB = _maximum(sgnB * (tB - viewB), 0.0)
    rA = _minimum(_minimum(rA, capA), capB / k)  # [DecideExchange] check_nbs: A, then B
    r0, r1 = rA * 1.0, rA * k  # rA and rB = k rA, [Stokman1994, (E)]
    sizeA, sizeB = r0 * fA, r1 * fB  # [Stokman1994, (S)]
    if r0 >= fullA * FULL_SHIFT:
        sizeA = distA  # whole moves: exactly the distance
    if r1 >= fullB * FULL_SHIFT:
        sizeB = distB
    okA = sizeA > MIN_MOVE and (curA - startA) * sgnA >= 0
    okB = sizeB > MIN_MOVE and (curB - startB) * sgnB >= 0
    valid = gain0 >= MIN_GAIN and okA and okB
    gain[t] = rA * gfac if valid else -np.inf  # [Stokman1994, (U)]
    alive[t] = valid
    move[0, t] = sgnA * sizeA  # [Stokman1994, (S)]: towards the partner
    move[1, t] = sgnB * sizeB
