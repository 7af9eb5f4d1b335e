"""Split-conformal intervals of the backtest: per model, and per model and procedure.

The half-width of an interval at ``level`` is an order statistic of calibration (training)
absolute errors ([Vovk2005]; [Lei2018]); conditional on a group (the legislative procedure)
when the group has enough training errors.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

__all__ = ["MIN_PER_PROCEDURE", "conformal_by_procedure", "conformal_halfwidth"]


#: Training errors a (model, procedure) needs for its own conformal interval; with fewer, the
#: model's interval pooled over procedures is used.
MIN_PER_PROCEDURE = 30


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


def conformal_halfwidth(abs_errors: np.ndarray, level: float) -> float:
    """Split-conformal half-width ([Vovk2005]; [Lei2018]): the ⌈(n+1)·level⌉-th smallest of
    the n calibration absolute errors (the largest when that rank exceeds n); NaN if n = 0."""
    srt = np.sort(np.asarray(abs_errors, dtype=float))
    if srt.size == 0:
        return float("nan")
    k = min(int(np.ceil((srt.size + 1) * level)), srt.size) - 1
    return float(srt[k])
