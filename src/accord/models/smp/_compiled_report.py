"""Compiled (numba) transcription of KTAB's report of a state (:func:`.kernel.report`): the
unique positions and a PCE over them, for Proportional votes, Linear victory and the
Conditional PCE. As in :mod:`._compiled_pce`, ``log`` and ``exp`` stay in numpy between
kernels, and the numbers are the reference's bit for bit.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from ._compiled import kernel, pairwise_sum
from ._compiled_pce import coalition_matrix, state_shift
from .constants import COALITION_FLOOR, POSITION_TOLERANCE, POSITION_TOLERANCE_SLACK

__all__ = ["HELPERS", "report_victory", "report_probabilities", "report_arrays"]


def _unique(x: Any, act: Any, dd: int, sq: Any, close: Any, uniq: Any, last: Any) -> int:
    """Exact transcription of :func:`.kernel.unique_positions` on draw ``dd``: ``uniq``,
    ``last`` (its rows ``dd``) and the number of unique positions."""
    n, m = x.shape[1], x.shape[2]
    tol = POSITION_TOLERANCE - POSITION_TOLERANCE_SLACK
    for a in range(n):
        for c in range(n):
            for k in range(m):
                diff = x[dd, a, k] - x[dd, c, k]
                sq[k] = diff * diff
            close[a, c] = np.sqrt(pairwise_sum(sq, m)) < tol and act[dd, c]  # posTol
    n_uniq = 0
    for a in range(n):  # nothing unique before it is close: unique ([KTAB] State::setUENdx)
        u = act[dd, a]
        for b in range(a):
            if close[a, b] and uniq[dd, b]:
                u = False
        uniq[dd, a] = u
        n_uniq += 1 if u else 0
    for a in range(n):  # the last equivalent unique position ([KTAB] State::posProb)
        last[dd, a] = n - 1
        for c in range(n - 1, -1, -1):
            if close[a, c] and uniq[dd, c]:
                last[dd, a] = c
                break
    return n_uniq


def report_victory(
    x: Any, d: Any, rhat: Any, cap: Any, act: Any, unit: Any, uniq: Any, last: Any, pv: Any
) -> None:
    """Exact transcription of :func:`.kernel.report` up to the victory matrix: the unique
    positions ``uniq`` (D, n), ``last`` (D, n), and ``pv`` (D, n, n) among the unique
    positions in order (each actor judging by its own utilities, capabilities as weights;
    :func:`.equations.coalitions`, Proportional; :func:`.equations.victory_matrix`, Linear),
    1.0 beyond them."""
    n_draws, n, m = x.shape
    sq = np.empty(m)
    close = np.empty((n, n), dtype=np.bool_)
    u = np.empty((n, n))
    w = np.empty(n)
    coal = np.empty((n, n))
    idx = np.empty(n, dtype=np.int64)
    for dd in range(n_draws):
        n_uniq = _unique(x, act, dd, sq, close, uniq, last)
        k = 0
        for c in range(n):
            if uniq[dd, c]:
                idx[k] = c
                k += 1
        for a in range(n):
            w[a] = cap[dd, a] if act[dd, a] else 0.0
            r_own = rhat[dd, a, a]
            for k in range(n_uniq):
                y = d[dd, a, idx[k]]  # aUtil[a](a, c)
                u[a, k] = (1 - y) * (1 + (y if y <= 1 else 1.0) * r_own)  # [KTAB] bsUtil
        coalition_matrix(u, w, n_uniq, COALITION_FLOOR * unit[dd], coal)  # [KTAB] pDist(-1)
        for i in range(n):
            for j in range(n):  # [KTAB] Model::vProb (Linear)
                if i >= n_uniq or j >= n_uniq:
                    pv[dd, i, j] = 1.0
                else:
                    pv[dd, i, j] = 0.5 if i == j else coal[i, j] / (coal[i, j] + coal[j, i])


def report_probabilities(e: Any, uniq: Any, last: Any, act: Any, full: Any, win: Any) -> None:
    """Exact transcription of the end of :func:`.kernel.report`: the unique positions'
    probabilities ``full`` (D, n; 0 elsewhere) from ``e`` = exp(shifted log P) in their
    order, and each present actor's ``win`` (D, n), that of its last equivalent."""
    n_draws, n = uniq.shape
    for dd in range(n_draws):
        n_uniq = 0
        for c in range(n):
            n_uniq += 1 if uniq[dd, c] else 0
        total = e[dd, 0]
        for k in range(1, n_uniq):
            total += e[dd, k]  # [KTAB] condPCE: normalised
        k = 0
        for c in range(n):
            full[dd, c] = 0.0
            if uniq[dd, c]:
                full[dd, c] = e[dd, k] / total
                k += 1
        for a in range(n):
            win[dd, a] = full[dd, last[dd, a]] if act[dd, a] else 0.0


def report_arrays(
    x: Any, d: Any, rhat: Any, cap: Any, act: Any, unit: Any
) -> tuple[Any, Any, Any] | None:
    """(win probabilities, unique, their probabilities) of :func:`.kernel.report`, compiled,
    or None when compiled kernels are off."""
    k_pv, k_p, k_shift = kernel(report_victory), kernel(report_probabilities), kernel(state_shift)
    if k_pv is None:
        return None
    n_draws, n, _ = x.shape
    uniq, last = np.empty((n_draws, n), dtype=bool), np.empty((n_draws, n), dtype=np.int64)
    pv, t = np.empty((n_draws, n, n)), np.empty((n_draws, n))
    k_pv(x, d, rhat, cap, act, unit, uniq, last, pv)
    present = np.zeros((n_draws, n), dtype=bool)  # the first n_uniq options of each draw
    present[np.arange(n) < uniq.sum(axis=-1)[:, None]] = True
    k_shift(np.log(pv), present, t)  # [KTAB] Model::condPCE
    full, win = np.empty((n_draws, n)), np.empty((n_draws, n))
    k_p(np.exp(t), uniq, last, act, full, win)
    return win, uniq, full


#: Plain functions the kernels call (compiled with them: :func:`._compiled.kernel`).
HELPERS = (_unique,)
