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


@settings(max_examples=10, deadline=None)
@given(
    st.lists(st.sampled_from([0.0, 10.0, 20.0, 50.0]), min_size=3, max_size=40),
    st.lists(st.sampled_from([0.0, 10.0, 20.0, 50.0, 75.0]), min_size=1, max_size=8),
    st.sampled_from([0.5, 0.8]),
)
def test_expected_coverage_is_the_mean_over_the_tie_breaking_draws(cal, scores, level):
    """``expected=True`` gives each row's probability of being covered over tau: the mean of
    the smoothed rule over tau (midpoints of a grid of 400; errors on a few values, so ties
    abound and the rule's outcome turns on tau)."""
    from accord.backtest.conformal import smoothed_cover_by_procedure

    errs = pd.DataFrame({"model": "m", "procedure": "COD", "err": cal, "year": 2000})
    test = pd.DataFrame(
        {"model": "m", "procedure": "COD", "forecast": scores, "outcome": 0.0, "year": 2001}
    )
    exact = smoothed_cover_by_procedure(errs, test, level, np.zeros(len(test)), expected=True)
    grid = (np.arange(400) + 0.5) / 400
    mean = np.mean(
        [smoothed_cover_by_procedure(errs, test, level, np.full(len(test), t)) for t in grid],
        axis=0,
    )
    np.testing.assert_allclose(exact, mean, atol=1 / 400 + 1e-12)


def test_coverage_gaps_by_hand():
    """Coverage exactly at the nominal level: gap 0 with the interval [0, 0]; half the
    proposals always covered and half never at 50 %: gap 0 with a wide interval; always
    covered at 80 %: +20 points, the interval [+20, +20], outside the ±5 band."""
    from accord.backtest.bootstrap import coverage_gaps

    rows = pd.DataFrame(
        {
            "model": ["a"] * 4 + ["b"] * 4,
            "proposal": ["p", "p", "q", "q"] * 2,
            "expected50": [0.5, 0.5, 0.5, 0.5, 1.0, 1.0, 0.0, 0.0],
            "expected80": [0.8, 0.8, 0.8, 0.8, 1.0, 1.0, 1.0, 1.0],
        }
    )
    gaps = coverage_gaps(rows, (0.5, 0.8), n_resamples=500).set_index(["model", "level"])
    a50, b50, b80 = gaps.loc[("a", 0.5)], gaps.loc[("b", 0.5)], gaps.loc[("b", 0.8)]
    assert a50.gap == pytest.approx(0) and a50.low == pytest.approx(0) == a50.high
    assert a50.within_5_points and a50.nominal_inside
    assert b50.gap == pytest.approx(0) and b50.low == pytest.approx(-0.5) and b50.high == 0.5
    assert b80.gap == pytest.approx(0.2) and b80.low == pytest.approx(0.2)
    assert not b80.within_5_points and not b80.nominal_inside
