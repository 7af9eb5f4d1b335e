"""Drift-aware conformal intervals ([Barber2023]): weighted order statistics and p-values that
reduce to the split-conformal ones with unit weights, a closed-form coverage probability that
matches drawing, and a decay chosen on training years that prefers exchangeability unless the
errors drift."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from accord.backtest.conformal import (
    choose_decay,
    conformal_halfwidth,
    cover_probability,
    smoothed_covered,
    weighted_halfwidth,
)

errors = st.lists(
    st.sampled_from([0.0, 5.0, 10.0, 12.5, 20.0, 50.0, 100.0]) | st.floats(0, 100),
    min_size=1,
    max_size=60,
)


@settings(max_examples=200, deadline=None)
@given(errors, st.sampled_from([0.1, 0.5, 0.8, 0.9, 0.95]))
def test_unit_weights_give_the_split_conformal_half_width(errs, level):
    e = np.array(errs)
    assert weighted_halfwidth(e, np.ones(e.size), level) == conformal_halfwidth(e, level)


def test_weighted_half_width_by_hand():
    """Errors 1, 2, 3, 4 weighted 0.25, 0.5, 1, 1 (oldest first): total 2.75 + 1 for the test
    point at +inf. Level 0.5 needs cumulative weight 1.875 in sorted order: 0.25, 0.75, 1.75,
    2.75, so the 4th error (4.0); level 0.3 needs 1.125: the 3rd (3.0)."""
    e, w = np.array([1.0, 2.0, 3.0, 4.0]), np.array([0.25, 0.5, 1.0, 1.0])
    assert weighted_halfwidth(e, w, 0.5) == 4.0
    assert weighted_halfwidth(e, w, 0.3) == 3.0
    assert weighted_halfwidth(e, np.ones(4), 0.5) == 3.0  # ceil(5 · 0.5) = 3rd


def test_weighted_p_value_by_hand():
    """s = 2 among errors 1, 2, 3 weighted 1, 0.5, 0.25: greater 0.25, tie 0.5, total 1.75;
    p = (0.25 + tau · 1.5) / 2.75, covered at level 0.8 when p > 0.2, i.e. tau > 0.2 (0.55 − 0.25)
    / 1.5 = 0.2."""
    e, w = np.array([1.0, 2.0, 3.0]), np.array([1.0, 0.5, 0.25])
    assert not smoothed_covered(e, 2.0, 0.8, 0.19, weights=w)
    assert smoothed_covered(e, 2.0, 0.8, 0.21, weights=w)
    assert cover_probability(e, w, np.array([2.0]), 0.8)[0] == pytest.approx(0.8, abs=1e-12)


@settings(max_examples=60, deadline=None)
@given(errors, st.floats(0, 100), st.sampled_from([0.5, 0.8]), st.floats(0.3, 1.0))
def test_the_closed_form_cover_probability_is_the_mean_over_tau(errs, score, level, rho):
    e = np.array(errs)
    w = rho ** np.arange(e.size, 0, -1, dtype=float)
    taus = (np.arange(4000) + 0.5) / 4000
    drawn = np.mean([smoothed_covered(e, score, level, t, weights=w) for t in taus])
    assert abs(cover_probability(e, w, np.array([score]), level)[0] - drawn) <= 1e-3


def _errors_by_year(scale_per_year: float, seed: int = 0) -> pd.DataFrame:
    rng = np.random.default_rng(seed)
    rows = []
    for k, year in enumerate(range(1996, 2008)):
        for e in rng.exponential(10.0 * scale_per_year**k, size=25):
            rows.append({"year": year, "err": e})
    return pd.DataFrame(rows)


def test_decay_stays_exchangeable_when_every_year_errs_alike():
    """The same error distribution every year: every decay covers within the inner folds'
    sampling noise, and the one-standard-error rule keeps the largest, 1.0."""
    chosen = [choose_decay(_errors_by_year(1.0, seed), (0.5, 0.8)) for seed in range(10)]
    assert chosen.count(1.0) >= 8, chosen


def test_decay_follows_errors_that_grow_every_year():
    """Errors 40 % larger each year: the exchangeable interval under-covers each next year,
    recent errors describe it better, so a decay below 1 is chosen."""
    chosen = [choose_decay(_errors_by_year(1.4, seed), (0.5, 0.8)) for seed in range(5)]
    assert all(c < 1.0 for c in chosen), chosen


def test_too_few_training_years_leave_the_interval_exchangeable():
    errs = _errors_by_year(1.4)
    assert choose_decay(errs[errs.year < 1999], (0.5, 0.8)) == 1.0
