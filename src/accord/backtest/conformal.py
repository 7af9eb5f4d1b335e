"""Split-conformal intervals of the backtest: per model, and per model and procedure.

The half-width of an interval at ``level`` is an order statistic of calibration (training)
absolute errors ([Vovk2005]; [Lei2018]); conditional on a group (the legislative procedure)
when the group has enough training errors. Coverage is judged by the smoothed (randomised)
conformal rule ([Vovk2005], §2.4): DEU outcomes and positions sit on a few values (0, 50, 100),
so many errors tie at the half-width and a closed interval over-covers; the smoothed rule
counts a tie with a uniform draw and is exactly valid under exchangeability.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

__all__ = [
    "MIN_PER_PROCEDURE",
    "conformal_by_procedure",
    "conformal_halfwidth",
    "smoothed_cover_by_procedure",
    "smoothed_covered",
]


#: Training errors a (model, procedure) needs for its own conformal interval; with fewer, the
#: model's interval pooled over procedures is used.
MIN_PER_PROCEDURE = 30

#: Two absolute errors closer than this (scale points) are a tie: DEU errors are differences of
#: numbers given to at most a few decimals, so float noise is far below it.
TIE_TOLERANCE = 1e-9


def conformal_by_procedure(errs: pd.DataFrame, test: pd.DataFrame, level: float) -> np.ndarray:
    """Each test row's split-conformal half-width from the training errors (``errs``: model,
    procedure, err) of its model under its legislative procedure (co-decision and consultation
    err differently), or of its model pooled when that procedure has fewer than
    ``MIN_PER_PROCEDURE`` training errors ([Lei2018], conditional on a group)."""
    pooled = {m: conformal_halfwidth(g.err.to_numpy(), level) for m, g in errs.groupby("model")}
    own = {
        key: conformal_halfwidth(g.err.to_numpy(), level)
        for key, g in errs.groupby(["model", "procedure"])
        if len(g) >= MIN_PER_PROCEDURE
    }
    return np.array(
        [
            own.get((m, p), pooled.get(m, np.nan))
            for m, p in zip(test.model, test.procedure, strict=True)
        ],
        dtype=float,
    )


def smoothed_cover_by_procedure(
    errs: pd.DataFrame, test: pd.DataFrame, level: float, tau: np.ndarray
) -> np.ndarray:
    """Whether each test row's outcome is in its smoothed conformal set at ``level``, judged
    against the same training errors as :func:`conformal_by_procedure` (its model under its
    procedure, or pooled); ``tau`` is one uniform draw per test row. NaN where the model has
    no training error or no forecast."""
    pooled = {m: g.err.to_numpy() for m, g in errs.groupby("model")}
    own = {
        key: g.err.to_numpy()
        for key, g in errs.groupby(["model", "procedure"])
        if len(g) >= MIN_PER_PROCEDURE
    }
    score = (test.forecast - test.outcome).abs().to_numpy(dtype=float)
    out = np.full(len(test), np.nan)
    for i, (m, p) in enumerate(zip(test.model, test.procedure, strict=True)):
        cal = own.get((m, p), pooled.get(m))
        if cal is not None and cal.size and np.isfinite(score[i]):
            out[i] = float(smoothed_covered(cal, score[i], level, float(tau[i])))
    return out


def smoothed_covered(abs_errors: np.ndarray, score: float, level: float, tau: float) -> bool:
    """Smoothed conformal membership ([Vovk2005], §2.4): the p-value of the test score s among
    the n calibration scores R_i, with ties broken by tau ~ U(0, 1),

        p = (#{R_i > s} + tau · (#{R_i = s} + 1)) / (n + 1),   # [Vovk2005, §2.4]

    and the outcome is covered when p > 1 − level; P(covered) = level exactly when the scores
    are exchangeable, ties or not."""
    cal = np.asarray(abs_errors, dtype=float)
    tie = np.abs(cal - score) <= TIE_TOLERANCE
    greater = int(np.sum((cal > score) & ~tie))
    p = (greater + tau * (int(np.sum(tie)) + 1)) / (cal.size + 1)
    return bool(p > 1.0 - level)


def conformal_halfwidth(abs_errors: np.ndarray, level: float) -> float:
    """Split-conformal half-width ([Vovk2005]; [Lei2018]): the ⌈(n+1)·level⌉-th smallest of
    the n calibration absolute errors (the largest when that rank exceeds n); NaN if n = 0."""
    srt = np.sort(np.asarray(abs_errors, dtype=float))
    if srt.size == 0:
        return float("nan")
    k = min(int(np.ceil((srt.size + 1) * level)), srt.size) - 1
    return float(srt[k])
