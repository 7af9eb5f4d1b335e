"""Split-conformal intervals of the backtest: per model, and per model and procedure.

The half-width of an interval at ``level`` is an order statistic of calibration (training)
absolute errors ([Vovk2005]; [Lei2018]); conditional on a group (the legislative procedure)
when the group has enough training errors. Coverage is judged by the smoothed (randomised)
conformal rule ([Vovk2005], §2.4): DEU outcomes and positions sit on a few values (0, 50, 100),
so many errors tie at the half-width and a closed interval over-covers; the smoothed rule
counts a tie with a uniform draw and is exactly valid under exchangeability.

Errors drift over DEU's folds (later proposals are harder), which breaks exchangeability. The
rolling scheme therefore weighs each training error by its age, w = ρ^(Y − year) for test year
Y: the nonexchangeable split conformal of [Barber2023], a weighted quantile in which the test
point carries weight 1 at +∞. ρ = 1 is the exchangeable interval. ρ is chosen per model and
fold on the training errors alone (:func:`choose_decay`): each earlier year is forecast from the
years before it, and the ρ whose expected coverage there is nearest the nominal levels wins.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

__all__ = [
    "DECAYS",
    "MIN_INNER_YEARS",
    "MIN_PER_PROCEDURE",
    "choose_decay",
    "cover_probability",
    "conformal_by_procedure",
    "conformal_halfwidth",
    "smoothed_cover_by_procedure",
    "smoothed_covered",
    "weighted_halfwidth",
]


#: Training errors a (model, procedure) needs for its own conformal interval; with fewer, the
#: model's interval pooled over procedures is used.
MIN_PER_PROCEDURE = 30

#: Candidate yearly decays ρ of the training errors' weights; 1.0 (exchangeable) wins ties.
DECAYS = (1.0, 0.9, 0.8, 0.7, 0.6, 0.5)
#: Earlier years an inner fold needs before its coverage counts towards choosing ρ.
MIN_INNER_YEARS = 3

#: Two absolute errors closer than this (scale points) are a tie: DEU errors are differences of
#: numbers given to at most a few decimals, so float noise is far below it.
TIE_TOLERANCE = 1e-9


def _weights(g: pd.DataFrame, year: int | None, decay: dict[str, float] | None) -> np.ndarray:
    """Weights ρ^(Y − year) of a model's training errors ([Barber2023]); ones when exchangeable."""
    rho = 1.0 if decay is None or year is None else decay.get(str(g.model.iloc[0]), 1.0)
    if rho == 1.0:
        return np.ones(len(g))
    return rho ** (year - g.year.to_numpy(dtype=float))  # [Barber2023] recency weights


def conformal_by_procedure(
    errs: pd.DataFrame,
    test: pd.DataFrame,
    level: float,
    *,
    year: int | None = None,
    decay: dict[str, float] | None = None,
) -> np.ndarray:
    """Each test row's split-conformal half-width from the training errors (``errs``: model,
    procedure, err, year) of its model under its legislative procedure (co-decision and
    consultation err differently), or of its model pooled when that procedure has fewer than
    ``MIN_PER_PROCEDURE`` training errors ([Lei2018], conditional on a group). With ``decay``
    (ρ per model) and the test ``year``, each training error weighs ρ^(year − its year)
    ([Barber2023]); without, every error weighs one."""
    pooled = {
        m: weighted_halfwidth(g.err.to_numpy(), _weights(g, year, decay), level)
        for m, g in errs.groupby("model")
    }
    own = {
        key: weighted_halfwidth(g.err.to_numpy(), _weights(g, year, decay), level)
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
    errs: pd.DataFrame,
    test: pd.DataFrame,
    level: float,
    tau: np.ndarray,
    *,
    year: int | None = None,
    decay: dict[str, float] | None = None,
    expected: bool = False,
) -> np.ndarray:
    """Whether each test row's outcome is in its smoothed conformal set at ``level``, judged
    against the same training errors as :func:`conformal_by_procedure` (its model under its
    procedure, or pooled); ``tau`` is one uniform draw per test row. NaN where the model has
    no training error or no forecast. ``year`` and ``decay`` weigh the errors as in
    :func:`conformal_by_procedure`. ``expected``: instead of the draw, the probability of
    being covered over tau (:func:`cover_probability`; its mean over rows is the coverage
    without the noise of the tie-breaking draws)."""
    pooled = {m: (g.err.to_numpy(), _weights(g, year, decay)) for m, g in errs.groupby("model")}
    own = {
        key: (g.err.to_numpy(), _weights(g, year, decay))
        for key, g in errs.groupby(["model", "procedure"])
        if len(g) >= MIN_PER_PROCEDURE
    }
    score = (test.forecast - test.outcome).abs().to_numpy(dtype=float)
    out = np.full(len(test), np.nan)
    for i, (m, p) in enumerate(zip(test.model, test.procedure, strict=True)):
        cal = own.get((m, p), pooled.get(m))
        if cal is not None and cal[0].size and np.isfinite(score[i]):
            if expected:
                out[i] = float(cover_probability(cal[0], cal[1], score[i : i + 1], level)[0])
                continue
            covered = smoothed_covered(cal[0], score[i], level, float(tau[i]), weights=cal[1])
            out[i] = float(covered)
    return out


def smoothed_covered(
    abs_errors: np.ndarray,
    score: float,
    level: float,
    tau: float,
    *,
    weights: np.ndarray | None = None,
) -> bool:
    """Smoothed conformal membership ([Vovk2005], §2.4): the p-value of the test score s among
    the n calibration scores R_i, with ties broken by tau ~ U(0, 1),

        p = (#{R_i > s} + tau · (#{R_i = s} + 1)) / (n + 1),   # [Vovk2005, §2.4]

    and the outcome is covered when p > 1 − level; P(covered) = level exactly when the scores
    are exchangeable, ties or not. With ``weights`` w_i the counts become sums of weights and
    the test point weighs 1 ([Barber2023]): p = (Σ_{R_i > s} w_i + tau·(Σ_{R_i = s} w_i + 1)) /
    (Σ w_i + 1); unit weights give the formula above."""
    cal = np.asarray(abs_errors, dtype=float)
    w = np.ones(cal.size) if weights is None else np.asarray(weights, dtype=float)
    tie = np.abs(cal - score) <= TIE_TOLERANCE
    greater = float(np.sum(w[(cal > score) & ~tie]))
    p = (greater + tau * (float(np.sum(w[tie])) + 1.0)) / (float(w.sum()) + 1.0)  # [Barber2023]
    return bool(p > 1.0 - level)


def cover_probability(
    abs_errors: np.ndarray, weights: np.ndarray, scores: np.ndarray, level: float
) -> np.ndarray:
    """P(covered) of each test score under :func:`smoothed_covered` over tau ~ U(0, 1), in
    closed form: p(tau) = (G + tau·(T + 1))/(W + 1) > 1 − level ⇔ tau > ((1 − level)(W + 1) −
    G)/(T + 1), so P = clip(1 − that bound, 0, 1). Used to choose ρ without drawing."""
    cal = np.asarray(abs_errors, dtype=float)[None, :]
    w = np.asarray(weights, dtype=float)[None, :]
    s = np.asarray(scores, dtype=float)[:, None]
    tie = np.abs(cal - s) <= TIE_TOLERANCE
    greater = np.sum(w * ((cal > s) & ~tie), axis=1)
    ties = np.sum(w * tie, axis=1)
    bound = ((1.0 - level) * (float(w.sum()) + 1.0) - greater) / (ties + 1.0)
    return np.clip(1.0 - bound, 0.0, 1.0)


def choose_decay(
    errs: pd.DataFrame,
    levels: tuple[float, ...],
    decays: tuple[float, ...] = DECAYS,
) -> float:
    """The yearly decay ρ of one model's training errors (``errs``: err, year) whose intervals
    covered the training years best: each training year y with at least ``MIN_INNER_YEARS``
    earlier years is calibrated on the errors before it, weighted ρ^(y − year) ([Barber2023]),
    and scored by its expected coverage (:func:`cover_probability`) as the gap Σ_levels
    |coverage − level|. Under exchangeability every ρ is valid and the gaps differ by noise, so
    the largest ρ whose gap is within one binomial standard error of the smallest wins (the
    one-standard-error rule of [Hastie2009], sec. 7.10): a decay is adopted only when the
    training years show drift. Only training errors are read, so nothing is fitted on a test
    fold."""
    years = np.sort(errs.year.unique())
    inner = years[MIN_INNER_YEARS:]
    if not len(inner):
        return 1.0
    err = errs.err.to_numpy(dtype=float)
    yr = errs.year.to_numpy(dtype=float)
    gaps = []
    for rho in decays:
        covered: dict[float, list[np.ndarray]] = {q: [] for q in levels}
        for y in inner:
            cal, test = yr < y, yr == y
            w = rho ** (y - yr[cal])  # [Barber2023] recency weights
            for q in levels:
                covered[q].append(cover_probability(err[cal], w, err[test], q))
        gaps.append(sum(abs(float(np.mean(np.concatenate(covered[q]))) - q) for q in levels))
    # one-standard-error rule ([Hastie2009], sec. 7.10): the largest decay whose gap is within
    # the binomial standard error of the inner folds' coverage of the best gap
    n_inner = int(np.isin(yr, inner).sum())
    se = sum(float(np.sqrt(q * (1 - q) / n_inner)) for q in levels)
    near = [rho for rho, gap in zip(decays, gaps, strict=True) if gap <= min(gaps) + se]
    return max(near)


def weighted_halfwidth(abs_errors: np.ndarray, weights: np.ndarray, level: float) -> float:
    """Half-width of the nonexchangeable split-conformal interval ([Barber2023]): the
    ``level`` quantile of Σ w̃_i δ_{R_i} + w̃_{n+1} δ_{+∞} with w̃ = w/(Σw + 1), i.e. the
    smallest R_(k) whose cumulative weight reaches level·(Σw + 1); the largest error when
    none does (the same cap as :func:`conformal_halfwidth`, which unit weights reproduce)."""
    err = np.asarray(abs_errors, dtype=float)
    if err.size == 0:
        return float("nan")
    order = np.argsort(err, kind="stable")
    srt, cum = err[order], np.cumsum(np.asarray(weights, dtype=float)[order])
    need = level * (cum[-1] + 1.0)  # [Barber2023] the test point's weight 1 sits at +inf
    k = int(np.searchsorted(cum, need - 1e-12, side="left"))
    return float(srt[min(k, srt.size - 1)])


def conformal_halfwidth(abs_errors: np.ndarray, level: float) -> float:
    """Split-conformal half-width ([Vovk2005]; [Lei2018]): the ⌈(n+1)·level⌉-th smallest of
    the n calibration absolute errors (the largest when that rank exceeds n); NaN if n = 0."""
    srt = np.sort(np.asarray(abs_errors, dtype=float))
    if srt.size == 0:
        return float("nan")
    k = min(int(np.ceil((srt.size + 1) * level)), srt.size) - 1
    return float(srt[k])
