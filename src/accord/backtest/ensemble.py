"""Fitting the stacking ensemble: non-negative weights that sum to one, least absolute error."""

from __future__ import annotations

import numpy as np
from scipy.optimize import linprog

__all__ = ["fit_stacking_weights"]


def fit_stacking_weights(forecasts: np.ndarray, outcome: np.ndarray) -> np.ndarray:
    """Convex weights w minimising Σ_i |y_i − F_i·w| (stacked generalisation, [Wolpert1992];
    [Breiman1996] with the non-negativity constraint), solved exactly as a linear programme.

    ``forecasts`` is (issues × models). Variables: w (k) and residual bounds e (n);
    minimise Σe subject to −e ≤ y − F w ≤ e, w ≥ 0, Σw = 1.
    """
    F = np.asarray(forecasts, dtype=float)
    y = np.asarray(outcome, dtype=float)
    n, k = F.shape
    c = np.concatenate([np.zeros(k), np.ones(n)])
    eye = np.eye(n)
    # y − F w ≤ e  →  −F w − e ≤ −y ;  F w − y ≤ e  →  F w − e ≤ y   [Wolpert1992] stacking as LAD
    a_ub = np.block([[-F, -eye], [F, -eye]])
    b_ub = np.concatenate([-y, y])
    a_eq = np.concatenate([np.ones(k), np.zeros(n)])[None, :]
    res = linprog(
        c, A_ub=a_ub, b_ub=b_ub, A_eq=a_eq, b_eq=[1.0], bounds=[(0, None)] * (k + n), method="highs"
    )
    if not res.success:
        raise RuntimeError(f"stacking weights could not be fitted: {res.message}")
    w = np.clip(res.x[:k], 0.0, None)
    return w / w.sum()
