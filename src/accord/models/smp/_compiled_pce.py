"""Compiled (numba) transcriptions of the SMP's elections: the state's PCE over positions
(:func:`.kernel.utilities`) and every actor's queue of bargains (:func:`.kernel._resolve`),
for Proportional votes, Linear victory and the Conditional PCE (KTAB's defaults).

As in :mod:`._compiled`, every function is an exact transcription of the numpy reference
(same operations, same order) and runs only where the caller chooses it. The Conditional
PCE's ``log`` and ``exp`` stay in numpy, between kernels: each election is split where they
fall (victory probabilities → ``np.log`` → shifted log-probabilities → ``np.exp`` → the
choice).
"""

from __future__ import annotations

from typing import Any

import numpy as np

from ._compiled import pairwise_sum
from .constants import COALITION_FLOOR

__all__ = [
    "HELPERS",
    "STATE",
    "QUEUES",
    "state_victory",
    "state_shift",
    "state_risk",
    "option_values",
    "queue_victory",
    "queue_shift",
    "queue_adopt",
]


def state_victory(
    x: Any, ideal: Any, sal: Any, cap: Any, act: Any, unit: Any, d: Any, pv: Any
) -> None:
    """Exact transcription of :func:`.kernel.utilities` up to the victory matrix: distances
    ``d`` (D, n, n) (:func:`.equations.distances`), risk-neutral utilities, their coalitions
    (:func:`.equations.coalitions`, Proportional) and ``pv`` (D, n, n)
    (:func:`.equations.victory_matrix`, Linear)."""
    n_draws, n, m = x.shape
    buf = np.empty(m)
    u0 = np.empty((n, n))
    w = np.empty(n)
    for dd in range(n_draws):
        for a in range(n):
            for k in range(m):
                buf[k] = sal[dd, a, k] * sal[dd, a, k]
            den = pairwise_sum(buf, m)
            den = den if den > 0 else 1.0
            for c in range(n):
                for k in range(m):
                    diff = (ideal[dd, a, k] - x[dd, c, k]) * sal[dd, a, k]
                    buf[k] = diff * diff
                dist = np.sqrt(pairwise_sum(buf, m) / den)  # [KTAB] SMPModel::bvDiff
                d[dd, a, c] = dist
                near = dist if dist <= 1 else 1.0
                u0[a, c] = (1 - dist) * (1 + near * 0.0)  # [KTAB] setAllAUtil: risk-neutral
            w[a] = cap[dd, a] if act[dd, a] else 0.0
        floor = COALITION_FLOOR * unit[dd]
        for i in range(n):
            for j in range(n):
                if i == j:
                    pv[dd, i, j] = 0.5
                    continue
                cij = 0.0
                cji = 0.0
                for a in range(n):
                    v = w[a] * (u0[a, i] - u0[a, j])  # [KTAB] Model::coalitions
                    cij += v + abs(v)
                    v = w[a] * (u0[a, j] - u0[a, i])
                    cji += v + abs(v)
                cij = floor + cij * 0.5  # [KTAB] coalitions: 1e-8 floor
                cji = floor + cji * 0.5
                pv[dd, i, j] = cij / (cij + cji)  # [KTAB] Model::vProb (Linear)


def state_shift(log_pv: Any, act: Any, out: Any) -> None:
    """Exact transcription of ``_conditional`` (:mod:`.equations`) before its ``exp``:
    ``out`` (D, n) = log P − max log P over the positions present (−inf for the absent)."""
    n_draws, n, _ = log_pv.shape
    for dd in range(n_draws):
        mx = -np.inf
        for i in range(n):
            acc = log_pv[dd, i, 0] if act[dd, 0] else 0.0
            for j in range(1, n):
                acc += log_pv[dd, i, j] if act[dd, j] else 0.0  # [KTAB] condPCE
            lp = acc if act[dd, i] else -np.inf
            out[dd, i] = lp
            if lp != lp or mx != mx:
                mx = np.nan
            elif lp > mx:
                mx = lp
        for i in range(n):
            out[dd, i] = out[dd, i] - mx


def _min_max(p: Any, act: Any, dd: int, n: int) -> tuple[float, float]:
    """``(p if present else inf).min()`` and ``(p if present else -inf).max()`` along a row,
    NaN-propagating as numpy's."""
    lo = np.inf
    hi = -np.inf
    for i in range(n):
        if act[dd, i]:
            v = p[i]
            if v != v or lo != lo:
                lo = np.nan
            elif v < lo:
                lo = v
            if v != v or hi != hi:
                hi = np.nan
            elif v > hi:
                hi = v
    return lo, hi


def state_risk(e: Any, act: Any, r: Any, rhat: Any) -> None:
    """Exact transcription of the rest of :func:`.kernel.utilities` for big_r_range Mid and
    big_r_adjust OneThird: the PCE's normalisation from ``e`` = exp(shifted log P) (D, n),
    R (:func:`.equations.big_r`) and the estimates R̂ (:func:`.equations.estimated_r`)."""
    n_draws, n = e.shape
    p = np.empty(n)
    for dd in range(n_draws):
        for i in range(n):
            p[i] = e[dd, i] if act[dd, i] else 0.0
        total = p[0]
        for i in range(1, n):
            total += p[i]
        for i in range(n):
            p[i] = p[i] / total  # [KTAB] condPCE
        lo, hi = _min_max(p, act, dd, n)
        ok = hi - lo > 0.0
        span = hi - lo if ok else 1.0
        for i in range(n):
            v = (3 * p[i] - (hi + 2 * lo)) / (2 * span)  # [KTAB] Model::bigRfromProb (Mid)
            r[dd, i] = v if (ok and act[dd, i]) else 0.0
        for h in range(n):
            for i in range(n):
                ri = r[dd, i]
                rhat[dd, h, i] = ((2.0 * r[dd, h]) + ri) / 3.0 + 0.0 * ri  # [KTAB] estNRA


def option_values(
    ideal: Any,
    sal: Any,
    act: Any,
    d: Any,
    r: Any,
    rhat: Any,
    pos_i: Any,
    pos_r: Any,
    s_init: Any,
    s_rcvr: Any,
    s_ok: Any,
    opts: Any,
    count: Any,
    held: Any,
) -> None:
    """Exact transcription of :func:`.kernel._resolve` up to its queues: ``opts`` (D, a, 1 + S),
    the value to actor a of the status quo and of every bargain slot (the mean of its
    utilities once the bargain is implemented), ``count`` (D, a), its bargains, and ``held``
    (D, a, S), their slots in creation order, −1 beyond."""
    n_draws, n, m = ideal.shape
    n_slots = pos_i.shape[1]
    buf = np.empty(m)
    u_own = np.empty(n)
    for dd in range(n_draws):
        n_p = 0.0
        for a in range(n):
            n_p += 1.0 if act[dd, a] else 0.0
        for a in range(n):
            for k in range(m):
                buf[k] = sal[dd, a, k] * sal[dd, a, k]
            den = pairwise_sum(buf, m)
            den = den if den > 0 else 1.0
            rr = rhat[dd, a, a]
            for c in range(n):
                x = d[dd, a, c]
                u_own[c] = (1 - x) * (1 + (x if x <= 1 else 1.0) * rr)  # aUtil[a](a, c)
            total = u_own[0] if act[dd, 0] else 0.0
            for c in range(1, n):
                total += u_own[c] if act[dd, c] else 0.0
            opts[dd, a, 0] = total / n_p  # [KTAB] updateBestBrgnPositions: status quo
            n_held = 0
            for s in range(n_slots):
                ui = 0.0
                ur = 0.0
                for side in range(2):
                    pos = pos_i if side == 0 else pos_r
                    for k in range(m):
                        diff = (ideal[dd, a, k] - pos[dd, s, k]) * sal[dd, a, k]
                        buf[k] = diff * diff
                    dist = np.sqrt(pairwise_sum(buf, m) / den)  # [KTAB] SMPModel::bvDiff
                    near = dist if dist <= 1 else 1.0
                    u = (1 - dist) * (1 + near * r[dd, a])  # [KTAB] SMPModel::bsUtil
                    if side == 0:
                        ui = u
                    else:
                        ur = u
                j = s_rcvr[dd, s]
                value = total - u_own[s_init[s]] - u_own[j] + ui + ur
                opts[dd, a, 1 + s] = value / n_p  # mean after it
                held[dd, a, s] = -1
                if s_ok[dd, s] and (s_init[s] == a or j == a):
                    held[dd, a, n_held] = s
                    n_held += 1
            count[dd, a] = n_held


def queue_victory(
    opts: Any, cap: Any, act: Any, unit: Any, qd: Any, qk: Any, slots: Any, pv: Any
) -> None:
    """Exact transcription of ``_queues`` (:mod:`.kernel`) up to the victory matrices: for
    queue q (draw ``qd[q]``, holder ``qk[q]``, its bargain slots ``slots[q]`` in creation
    order, −1 beyond), ``pv[q]`` among the status quo and its bargains
    (:func:`.equations.coalitions`, Proportional; :func:`.equations.victory_matrix`,
    Linear), 1.0 beyond its options."""
    n_q, width = pv.shape[0], pv.shape[1]
    n = cap.shape[1]
    w = np.empty(n)
    opt = np.empty(width, dtype=np.int64)
    for q in range(n_q):
        dd = qd[q]
        n_opt = 1
        opt[0] = 0
        for b in range(width - 1):
            if slots[q, b] >= 0:
                opt[n_opt] = slots[q, b] + 1
                n_opt += 1
        for a in range(n):
            w[a] = cap[dd, a] if act[dd, a] else 0.0
        floor = COALITION_FLOOR * unit[dd]
        for i in range(width):
            for j in range(width):
                if i >= n_opt or j >= n_opt:
                    pv[q, i, j] = 1.0
                    continue
                if i == j:
                    pv[q, i, j] = 0.5
                    continue
                oi, oj = opt[i], opt[j]
                cij = 0.0
                cji = 0.0
                for a in range(n):
                    v = w[a] * (opts[dd, a, oi] - opts[dd, a, oj])  # [KTAB] Model::coalitions
                    cij += v + abs(v)
                    v = w[a] * (opts[dd, a, oj] - opts[dd, a, oi])
                    cji += v + abs(v)
                cij = floor + cij * 0.5  # [KTAB] coalitions: 1e-8 floor
                cji = floor + cji * 0.5
                pv[q, i, j] = cij / (cij + cji)  # [KTAB] Model::vProb (Linear)


def queue_shift(log_pv: Any, n_opts: Any, out: Any) -> None:
    """Exact transcription of ``_conditional`` (:mod:`.equations`) before its ``exp``, per
    queue: ``out`` (Q, L) = log P − max log P over its ``n_opts`` options (−inf beyond)."""
    n_q, width, _ = log_pv.shape
    for q in range(n_q):
        n_opt = n_opts[q]
        mx = -np.inf
        for i in range(width):
            if i >= n_opt:
                out[q, i] = -np.inf
                continue
            acc = log_pv[q, i, 0]
            for j in range(1, n_opt):
                acc += log_pv[q, i, j]  # [KTAB] condPCE
            out[q, i] = acc
            if acc != acc or mx != mx:
                mx = np.nan
            elif acc > mx:
                mx = acc
        for i in range(n_opt):
            out[q, i] = out[q, i] - mx


def queue_adopt(
    e: Any,
    n_opts: Any,
    qd: Any,
    qk: Any,
    slots: Any,
    s_init: Any,
    pos_i: Any,
    pos_r: Any,
    u: Any,
    stochastic: bool,
    new: Any,
    chosen: Any,
    chosen_p: Any,
) -> None:
    """Exact transcription of the end of :func:`.kernel._resolve`: each queue's probabilities
    from ``e`` = exp(shifted log P) (Q, L), the choice (``_choose``: the first most probable,
    or by the draw ``u``) and the adopted bargain's position, slot and probability."""
    n_q = e.shape[0]
    m = new.shape[2]
    for q in range(n_q):
        n_opt = n_opts[q]
        total = e[q, 0]
        for i in range(1, n_opt):
            total += e[q, i]  # [KTAB] Model::scalarPCE: normalised
        best = 0
        if stochastic:  # [KTAB] PRNG::probSel
            dd, k = qd[q], qk[q]
            cs = 0.0
            below = 0
            for i in range(n_opt):
                p = e[q, i] / total
                cs = p if i == 0 else cs + p
                if cs < u[dd, k]:
                    below += 1
            best = min(below, n_opt - 1)
        else:  # [KTAB] ndxMaxAbs: the first maximum (or the first NaN)
            top = e[q, 0] / total
            for i in range(1, n_opt):
                if top != top:
                    break
                p = e[q, i] / total
                if p != p or p > top:
                    best, top = i, p
        if best > 0:
            dd, k = qd[q], qk[q]
            s = slots[q, best - 1]
            for c in range(m):
                new[dd, k, c] = pos_i[dd, s, c] if s_init[s] == k else pos_r[dd, s, c]
            chosen[dd, k] = s
            chosen_p[dd, k] = e[q, best] / total


#: The state's election (:func:`.kernel.utilities`), in the order of its calls.
STATE = (state_victory, state_shift, state_risk)
#: The queues' elections (:func:`.kernel._resolve`), in the order of their calls.
QUEUES = (option_values, queue_victory, queue_shift, queue_adopt)
#: Plain functions the kernels call (compiled with them: :func:`._compiled.kernel`).
HELPERS = (_min_max,)
