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

from ._compiled import LANES, lane_sum, pairwise_sum
from .constants import COALITION_FLOOR

__all__ = [
    "HELPERS",
    "STATE",
    "QUEUES",
    "coalition_matrix",
    "lanes_in",
    "lane_victory",
    "state_victory",
    "state_shift",
    "state_risk",
    "option_values",
    "queue_victory",
    "queue_shift",
    "queue_adopt",
]


def coalition_matrix(u: Any, w: Any, n_opt: int, floor: float, out: Any) -> None:
    """Exact transcription of :func:`.equations.coalitions` (Proportional, an odd rule) on
    one problem: ``out[i, j]`` = floor + ½ Σ_a (v + |v|) over the voters a in order, with
    v = w_a (u[a, i] − u[a, j]), for the first ``n_opt`` options (the diagonal: the floor)."""
    n = w.shape[0]
    for i in range(n_opt):
        out[i, i] = floor + 0.0 * 0.5  # [KTAB] coalitions: 1e-8 floor
        for j in range(i):  # both orders of a pair in one pass over the voters
            acc_ij = 0.0
            acc_ji = 0.0
            for a in range(n):
                v = w[a] * (u[a, i] - u[a, j])  # [KTAB] Model::coalitions
                acc_ij += v + abs(v)
                v = w[a] * (u[a, j] - u[a, i])
                acc_ji += v + abs(v)
            out[i, j] = floor + acc_ij * 0.5  # [KTAB] coalitions: 1e-8 floor
            out[j, i] = floor + acc_ji * 0.5


def lanes_in(a: Any, d0: int, nb: int, out: Any) -> None:
    """``out[p, k, b]`` = ``a[d0 + b, p, k]`` for the ``nb`` draws of a lane block."""
    for b in range(nb):
        for p in range(a.shape[1]):
            for k in range(a.shape[2]):
                out[p, k, b] = a[d0 + b, p, k]


def lane_victory(u: Any, w: Any, floor: Any, nb: int, out: Any, acc: Any) -> None:
    """:func:`coalition_matrix` of the ``nb`` lanes of a block at once: ``u`` (voters,
    options, lanes), ``w`` (voters, lanes), ``floor`` (lanes) into ``out`` (options, options,
    lanes); ``acc`` (2, lanes) is scratch."""
    n, n_opt = u.shape[0], u.shape[1]
    for i in range(n_opt):
        for b in range(nb):
            out[i, i, b] = floor[b] + 0.0 * 0.5  # [KTAB] coalitions: 1e-8 floor
        for j in range(i):  # both orders of a pair in one pass over the voters
            for b in range(nb):
                acc[0, b] = 0.0
                acc[1, b] = 0.0
            for a in range(n):
                for b in range(nb):
                    v = w[a, b] * (u[a, i, b] - u[a, j, b])  # [KTAB] Model::coalitions
                    acc[0, b] += v + abs(v)
                    v = w[a, b] * (u[a, j, b] - u[a, i, b])
                    acc[1, b] += v + abs(v)
            for b in range(nb):
                out[i, j, b] = floor[b] + acc[0, b] * 0.5  # [KTAB] coalitions: 1e-8 floor
                out[j, i, b] = floor[b] + acc[1, b] * 0.5


def state_victory(
    x: Any, ideal: Any, sal: Any, cap: Any, act: Any, unit: Any, d: Any, pv: Any
) -> None:
    """Exact transcription of :func:`.kernel.utilities` up to the victory matrix: distances
    ``d`` (D, n, n) (:func:`.equations.distances`), risk-neutral utilities, their coalitions
    (:func:`.equations.coalitions`, Proportional) and ``pv`` (D, n, n)
    (:func:`.equations.victory_matrix`, Linear). Draws go ``LANES`` at a time along the
    innermost loops (index b)."""
    n_draws, n, m = x.shape
    L = LANES
    xt, it, st = np.empty((n, m, L)), np.empty((n, m, L)), np.empty((n, m, L))
    sq, r8 = np.empty((m, L)), np.empty((8, L))
    den, acc, floor, acc2 = np.empty(L), np.empty(L), np.empty(L), np.empty((2, L))
    u0, coal, w = np.empty((n, n, L)), np.empty((n, n, L)), np.empty((n, L))
    for d0 in range(0, n_draws, L):
        nb = min(L, n_draws - d0)
        for b in range(nb):
            floor[b] = COALITION_FLOOR * unit[d0 + b]
            for a in range(n):
                w[a, b] = cap[d0 + b, a] if act[d0 + b, a] else 0.0
        lanes_in(x, d0, nb, xt)
        lanes_in(ideal, d0, nb, it)
        lanes_in(sal, d0, nb, st)
        for a in range(n):
            for k in range(m):
                for b in range(nb):
                    sq[k, b] = st[a, k, b] * st[a, k, b]
            lane_sum(sq, m, nb, r8, den)
            for b in range(nb):
                den[b] = den[b] if den[b] > 0 else 1.0
            for c in range(n):
                for k in range(m):
                    for b in range(nb):
                        diff = (it[a, k, b] - xt[c, k, b]) * st[a, k, b]
                        sq[k, b] = diff * diff
                lane_sum(sq, m, nb, r8, acc)
                for b in range(nb):
                    dist = np.sqrt(acc[b] / den[b])  # [KTAB] SMPModel::bvDiff
                    d[d0 + b, a, c] = dist
                    near = dist if dist <= 1 else 1.0
                    u0[a, c, b] = (1 - dist) * (1 + near * 0.0)  # [KTAB] setAllAUtil: R = 0
        lane_victory(u0, w, floor, nb, coal, acc2)  # [KTAB] Model::coalitions
        for i in range(n):
            for j in range(n):
                for b in range(nb):  # [KTAB] Model::vProb (Linear)
                    c_ij, c_ji = coal[i, j, b], coal[j, i, b]
                    pv[d0 + b, i, j] = 0.5 if i == j else c_ij / (c_ij + c_ji)


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
    sizes: Any,
) -> None:
    """Exact transcription of :func:`.kernel._resolve` up to its queues: ``opts`` (D, a, 1 + S),
    the value to actor a of the status quo and of every slot with a bargain (the mean of its
    utilities once the bargain is implemented; unset on the others, which no queue reads),
    ``count`` (D, a), its bargains, ``held``
    (D, a, S), their slots in creation order (−1 beyond), and ``sizes``: the number of
    queues (holders of a bargain), Σ L² and Σ L over them (L options each)."""
    n_draws, n, m = ideal.shape
    n_slots = pos_i.shape[1]
    buf = np.empty(m)
    u_own = np.empty(n)
    sizes[0] = sizes[1] = sizes[2] = 0
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
                held[dd, a, s] = -1
                if not s_ok[dd, s]:  # no bargain on this slot: its value is never read
                    continue
                if m < 8:  # pairwise_sum's running sum, without a buffer
                    acc_i = 0.0
                    acc_r = 0.0
                    for k in range(m):
                        diff = (ideal[dd, a, k] - pos_i[dd, s, k]) * sal[dd, a, k]
                        acc_i += diff * diff
                        diff = (ideal[dd, a, k] - pos_r[dd, s, k]) * sal[dd, a, k]
                        acc_r += diff * diff
                    acc_i = 0.0 + acc_i
                    acc_r = 0.0 + acc_r
                else:
                    for k in range(m):
                        diff = (ideal[dd, a, k] - pos_i[dd, s, k]) * sal[dd, a, k]
                        buf[k] = diff * diff
                    acc_i = pairwise_sum(buf, m)
                    for k in range(m):
                        diff = (ideal[dd, a, k] - pos_r[dd, s, k]) * sal[dd, a, k]
                        buf[k] = diff * diff
                    acc_r = pairwise_sum(buf, m)
                dist = np.sqrt(acc_i / den)  # [KTAB] SMPModel::bvDiff
                ui = (1 - dist) * (1 + (dist if dist <= 1 else 1.0) * r[dd, a])  # bsUtil
                dist = np.sqrt(acc_r / den)
                ur = (1 - dist) * (1 + (dist if dist <= 1 else 1.0) * r[dd, a])  # bsUtil
                j = s_rcvr[dd, s]
                value = total - u_own[s_init[s]] - u_own[j] + ui + ur
                opts[dd, a, 1 + s] = value / n_p  # mean after it
                if s_init[s] == a or j == a:
                    held[dd, a, n_held] = s
                    n_held += 1
            count[dd, a] = n_held
            if n_held:
                sizes[0] += 1
                sizes[1] += (n_held + 1) * (n_held + 1)
                sizes[2] += n_held + 1


def queue_victory(
    opts: Any,
    count: Any,
    held: Any,
    cap: Any,
    act: Any,
    unit: Any,
    qd: Any,
    qk: Any,
    pv_at: Any,
    p_at: Any,
    pv: Any,
) -> None:
    """Exact transcription of ``_queues`` (:mod:`.kernel`) up to the victory matrices: queue q
    is holder ``qk[q]`` of draw ``qd[q]`` (in draw and actor order), its L options the
    status quo and its bargains in creation order; ``pv[pv_at[q]:]`` its L × L victory
    matrix (:func:`.equations.coalitions`, Proportional; :func:`.equations.victory_matrix`,
    Linear) and ``p_at[q]`` where its L probabilities go."""
    n_draws, n, n_cols = opts.shape
    w = np.empty(n)
    u = np.empty((n, n_cols))
    c = np.empty((n_cols, n_cols))
    q = 0
    at = 0
    p = 0
    for dd in range(n_draws):
        for a in range(n):
            w[a] = cap[dd, a] if act[dd, a] else 0.0
        floor = COALITION_FLOOR * unit[dd]
        for k in range(n):
            n_opt = count[dd, k] + 1
            if n_opt == 1:
                continue
            qd[q], qk[q], pv_at[q], p_at[q] = dd, k, at, p
            for a in range(n):  # the voters' values of the queue's options
                u[a, 0] = opts[dd, a, 0]
                for b in range(1, n_opt):
                    u[a, b] = opts[dd, a, held[dd, k, b - 1] + 1]
            coalition_matrix(u, w, n_opt, floor, c)  # [KTAB] Model::coalitions
            for i in range(n_opt):
                for j in range(n_opt):  # [KTAB] Model::vProb (Linear)
                    pv[at + i * n_opt + j] = 0.5 if i == j else c[i, j] / (c[i, j] + c[j, i])
            q += 1
            at += n_opt * n_opt
            p += n_opt


def queue_shift(log_pv: Any, qd: Any, qk: Any, count: Any, pv_at: Any, p_at: Any, out: Any) -> None:
    """Exact transcription of ``_conditional`` (:mod:`.equations`) before its ``exp``, per
    queue: log P − max log P over its options, into ``out[p_at[q]:]``."""
    for q in range(qd.shape[0]):
        n_opt = count[qd[q], qk[q]] + 1
        at, p = pv_at[q], p_at[q]
        mx = -np.inf
        for i in range(n_opt):
            acc = log_pv[at + i * n_opt]
            for j in range(1, n_opt):
                acc += log_pv[at + i * n_opt + j]  # [KTAB] condPCE
            out[p + i] = acc
            if acc != acc or mx != mx:
                mx = np.nan
            elif acc > mx:
                mx = acc
        for i in range(n_opt):
            out[p + i] = out[p + i] - mx


def queue_adopt(
    e: Any,
    qd: Any,
    qk: Any,
    count: Any,
    p_at: Any,
    held: Any,
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
    from ``e`` = exp(shifted log P), the choice (``_choose``: the first most probable, or by
    the draw ``u``) and the adopted bargain's position, slot and probability."""
    m = new.shape[2]
    for q in range(qd.shape[0]):
        dd, k, p = qd[q], qk[q], p_at[q]
        n_opt = count[dd, k] + 1
        total = e[p]
        for i in range(1, n_opt):
            total += e[p + i]  # [KTAB] Model::scalarPCE: normalised
        best = 0
        if stochastic:  # [KTAB] PRNG::probSel
            cs = 0.0
            below = 0
            for i in range(n_opt):
                pr = e[p + i] / total
                cs = pr if i == 0 else cs + pr
                if cs < u[dd, k]:
                    below += 1
            best = min(below, n_opt - 1)
        else:  # [KTAB] ndxMaxAbs: the first maximum (or the first NaN)
            top = e[p] / total
            for i in range(1, n_opt):
                if top != top:
                    break
                pr = e[p + i] / total
                if pr != pr or pr > top:
                    best, top = i, pr
        if best > 0:
            s = held[dd, k, best - 1]
            for c in range(m):
                new[dd, k, c] = pos_i[dd, s, c] if s_init[s] == k else pos_r[dd, s, c]
            chosen[dd, k] = s
            chosen_p[dd, k] = e[p + best] / total


#: The state's election (:func:`.kernel.utilities`), in the order of its calls.
STATE = (state_victory, state_shift, state_risk)
#: The queues' elections (:func:`.kernel._resolve`), in the order of their calls.
QUEUES = (option_values, queue_victory, queue_shift, queue_adopt)
#: Plain functions the kernels call (compiled with them: :func:`._compiled.kernel`).
HELPERS = (_min_max, coalition_matrix, lanes_in, lane_victory)
