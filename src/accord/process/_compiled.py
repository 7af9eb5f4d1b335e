"""The engine's three hottest array passes, fused, in the subset of Python numba compiles.

Exact transcriptions of numpy code in :mod:`.engine` (same float32 operations in the same
order, so the same bits; ``tests/test_process_compiled.py`` holds them equal):

- :func:`accept_terms`: the loop of ``Engine.acceptance_log_prob`` that adds, actor by actor,
  log Φ(gain / sd) of :func:`.engine.log_phi` to the red-line term (one pass instead of
  about ten over every run × package array per actor);
- :func:`surplus`: ``Engine.believed_surplus``'s smallest believed gain;
- :func:`lexmax_offer`: ``Engine.believed_offer``'s candidate mask and :func:`.engine.lexmax`.

Compiled through :func:`accord.jit.compiled`; numpy stays the reference, and runs when
compiled kernels are off.
"""

from __future__ import annotations

import numpy as np

__all__ = ["accept_terms", "lexmax_offer", "surplus"]


def accept_terms(
    total: np.ndarray,
    U: np.ndarray,
    d: np.ndarray,
    scale: np.ndarray,
    i: int,
    who: np.ndarray,
    table: np.ndarray,
    offset: np.float32,
) -> None:
    """``total[r, p] += log_phi(U[r, p, j] − d[r, j] + 1e-9, sd[r, j])`` for every actor
    ``j ≠ i`` with ``who[j]``, in actor order; ``scale[r, j]`` is log_phi's float32 scale
    of ``sd[r, j]``, ``table`` its log Φ table, ``offset`` its index offset."""
    R, P = total.shape
    n = U.shape[2]
    shared = U.shape[0] == 1
    last = np.float32(len(table) - 1)
    eps = np.float32(1e-9)
    zero = np.float32(0.0)
    for r in range(R):
        bu = 0 if shared else r
        for p in range(P):
            acc = total[r, p]
            for j in range(n):
                if j == i or not who[j]:
                    continue
                gain = np.float32(U[bu, p, j]) - np.float32(d[r, j]) + eps
                z = gain * scale[r, j]
                if z != z:  # NaN -> 0
                    z = zero
                z = z + offset
                if z < zero:
                    z = zero
                elif z > last:
                    z = last
                acc = acc + table[np.int32(z)]  # log Φ, [.engine.log_phi]
            total[r, p] = acc


def surplus(U: np.ndarray, d: np.ndarray, i: int, out: np.ndarray) -> None:
    """``out[r, p]``: the smallest float32 gain ``U[r, p, j] − d[r, j]`` over actors ``j ≠ i``,
    0 where there is none (``Engine.believed_surplus``)."""
    R, P = out.shape
    n = U.shape[2]
    shared = U.shape[0] == 1
    inf = np.float32(np.inf)
    for r in range(R):
        bu = 0 if shared else r
        for p in range(P):
            worst = inf
            for j in range(n):
                if j == i:
                    continue
                g = np.float32(U[bu, p, j]) - np.float32(d[r, j])
                if g != g or (worst == worst and g < worst):  # np.minimum: NaN propagates
                    worst = g
            out[r, p] = np.float32(0.0) if worst == inf or worst == -inf else worst


def lexmax_offer(
    Ui: np.ndarray,
    bound: np.ndarray,
    ok: np.ndarray,
    primary: np.ndarray,
    secondary: np.ndarray,
    tol: np.float32,
    pick: np.ndarray,
    found: np.ndarray,
) -> None:
    """Per run r, among packages p with ``Ui[r or 0, p] >= bound[r]`` and ``ok[p]``: the one with
    the largest ``primary`` (within ``tol``), then the largest ``secondary``, the first on ties
    (:func:`.engine.lexmax` on ``Engine.believed_offer``'s candidates)."""
    R, P = primary.shape
    shared = Ui.shape[0] == 1
    ninf = np.float32(-np.inf)
    for r in range(R):
        bu = 0 if shared else r
        best = ninf
        for p in range(P):
            if Ui[bu, p] >= bound[r] and ok[p]:
                v = primary[r, p]
                if v > best or v != v:  # max: NaN propagates
                    best = v
                    if v != v:
                        break
        found[r] = best > ninf and best < np.float32(np.inf)
        bar = best - tol
        top = ninf
        at = 0
        first = True
        for p in range(P):
            c = Ui[bu, p] >= bound[r] and ok[p]
            v = primary[r, p] if c else ninf
            s = secondary[r, p] if v >= bar else ninf
            if first or s > top:
                top = s
                at = p
                first = False
        pick[r] = at
