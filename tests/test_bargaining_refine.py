"""Solutions on the continuous scales (concave programs, :mod:`accord.bargaining.refine`) against
closed forms, and the grid's distance from them."""

from __future__ import annotations

import math

import numpy as np
import pytest
from conftest import FIXTURES
from hypothesis import given, settings
from hypothesis import strategies as st

import accord
from accord.bargaining import (
    analyse,
    build_space,
    continuous_problem,
    kalai_smorodinsky_continuous,
    max_min_gain,
    nash,
    nash_continuous,
    package_utility,
    red_line_ok,
)
from accord.scenario import scenario_from_dict


def pie(d=(0.0, 0.0), w=(1.0, 1.0), loss="linear"):
    """Split the pie on a 0..100 scale: A at 0, B at 100, both caring only about x."""
    return scenario_from_dict(
        {
            "metadata": {"title": "pie"},
            "issues": [
                {"id": "x", "question": "?", "scale": {"min": 0, "max": 100}, "status_quo": 50}
            ],
            "actors": [
                {
                    "id": "a",
                    "name": "A",
                    "capability": w[0],
                    "stances": {"x": {"position": 0, "salience": 1}},
                    "no_deal": {"utility": d[0]},
                },
                {
                    "id": "b",
                    "name": "B",
                    "capability": w[1],
                    "stances": {"x": {"position": 100, "salience": 1}},
                    "no_deal": {"utility": d[1]},
                },
            ],
        }
    )


@pytest.mark.reference
@pytest.mark.parametrize("d1, d2", [(0.0, 0.0), (0.2, 0.1), (0.0, 0.4)])
def test_continuous_nash_on_the_pie(d1, d2):
    """Linear utilities u1 = 1 − x/100, u2 = x/100: Nash gives u1 = (1 + d1 − d2)/2 [Nash1950]."""
    pr = continuous_problem(pie())
    _, pkg = nash_continuous(pr, np.array([d1, d2]))
    assert 1 - pkg[0] / 100 == pytest.approx((1 + d1 - d2) / 2, abs=1e-6)


@pytest.mark.reference
@pytest.mark.parametrize("w1, w2", [(2, 1), (1, 3)])
def test_continuous_weighted_nash_on_the_pie(w1, w2):
    """max w1 log u1 + w2 log u2 on u1 + u2 = 1: u1 = w1/(w1 + w2) [Kalai1977; Roth1979]."""
    pr = continuous_problem(pie())
    _, pkg = nash_continuous(pr, np.zeros(2), np.array([w1, w2], dtype=float))
    assert 1 - pkg[0] / 100 == pytest.approx(w1 / (w1 + w2), abs=1e-6)


@pytest.mark.reference
def test_continuous_nash_quadratic_pie_is_symmetric():
    """u1 = 1 − y², u2 = 1 − (1 − y)²: symmetric, so Nash is y = 1/2; max–min also 1/2 with 0.75."""
    pr = continuous_problem(pie(), loss="quadratic")
    _, pkg = nash_continuous(pr, np.zeros(2))
    assert pkg[0] == pytest.approx(50, abs=1e-4)
    value, pkg = max_min_gain(pr, np.zeros(2))
    assert value == pytest.approx(0.75, abs=1e-8) and pkg[0] == pytest.approx(50, abs=1e-4)


@pytest.mark.reference
def test_continuous_kalai_smorodinsky_on_the_pie():
    """d = (0.2, 0.1): the ideal point is (0.9, 0.8); equal relative gains give u1 = 0.55."""
    pr = continuous_problem(pie())
    value, pkg, ideal = kalai_smorodinsky_continuous(pr, np.array([0.2, 0.1]))
    np.testing.assert_allclose(ideal, [0.9, 0.8], atol=1e-9)
    assert pkg[0] == pytest.approx(45, abs=1e-6) and value == pytest.approx(0.5, abs=1e-9)


@pytest.mark.reference
def test_three_party_case_worked_by_hand():
    """tests/fixtures/bargaining/three_party.yaml: u1 = 1 − y, u2 = 1 − |y − 0.5|, u3 = y with
    y = x/100, d = (0, 0, 0.3).

    Nash: right of y = 0.5 (left of it the derivative of the log-product, −1/(1 − y) + 1/(0.5 + y)
    + 1/(y − 0.3), is still 4 at 0.5), the first-order condition 1/(y − 0.3) = 1/(1 − y) + 1/(1.5 −
    y)
    gives (1 − y)(1.5 − y) = (y − 0.3)(2.5 − 2y), i.e. 3y² − 5.6y + 2.25 = 0, so
    y* = (5.6 − √4.36)/6 = 0.585323.
    Egalitarian: max min(1 − y, 1 − |y − 0.5|, y − 0.3): 1 − y = y − 0.3 at y = 0.65 (party two's
    gain 0.85 is larger), value 0.35.
    Kalai–Smorodinsky: the ideal point among packages with u ≥ d is (0.7, 1, 1) (party one's best
    needs y ≥ 0.3), so spans (0.7, 1, 0.7); (1 − y)/0.7 = (y − 0.3)/0.7 again at y = 0.65, value
    0.5.
    """
    scn = accord.load_scenario(FIXTURES / "bargaining" / "three_party.yaml")
    res = analyse(scn, months=0, resolution=101)
    y_star = 100 * (5.6 - math.sqrt(4.36)) / 6
    cont = res.continuous
    assert cont["nash"].package.values["x"] == pytest.approx(y_star, abs=1e-4)
    assert cont["egalitarian"].package.values["x"] == pytest.approx(65, abs=1e-6)
    assert cont["egalitarian"].objective == pytest.approx(0.35, abs=1e-9)
    assert cont["kalai_smorodinsky"].package.values["x"] == pytest.approx(65, abs=1e-6)
    assert cont["kalai_smorodinsky"].objective == pytest.approx(0.5, abs=1e-9)
    # the grid (step 1) holds 58 and 59; 59 is nearer the continuous optimum in the log-product
    assert res.solutions["nash"].values["x"] == 59
    assert cont["nash"].distance["x"] == pytest.approx(59 - y_star, abs=1e-4)
    assert 0 <= cont["nash"].gap < 1e-3
    assert res.solutions["egalitarian"].values["x"] == 65 and cont[
        "egalitarian"
    ].gap == pytest.approx(0, abs=1e-9)


def random_scenario(seed: int, n: int, m: int, discrete: bool):
    rng = np.random.default_rng(seed)
    issues = []
    for k in range(m):
        sc = {"min": 0, "max": 100}
        if discrete and k == 0:
            sc = {
                "min": 0,
                "max": 100,
                "labels": {0: "no", 40: "some", 100: "yes"},
                "discrete": True,
            }
        issues.append(
            {"id": f"i{k}", "question": "?", "scale": sc, "status_quo": float(rng.uniform(0, 100))}
        )
    actors = []
    for i in range(n):
        stances = {}
        for k in range(m):
            pos = float(rng.uniform(0, 100))
            s = {"position": pos, "salience": float(rng.uniform(0.1, 1))}
            if rng.uniform() < 0.3:
                s["red_line"] = float(
                    np.clip(pos + rng.choice([-1, 1]) * rng.uniform(30, 90), 0, 100)
                )
            stances[f"i{k}"] = s
        actors.append(
            {
                "id": f"a{i}",
                "name": f"A{i}",
                "capability": float(rng.uniform(0.5, 2)),
                "stances": stances,
                "no_deal": {"utility": float(rng.uniform(0, 0.4))},
            }
        )
    return scenario_from_dict({"metadata": {"title": "random"}, "issues": issues, "actors": actors})


@settings(max_examples=25, deadline=None)
@given(
    st.integers(0, 2**31),
    st.integers(2, 4),
    st.integers(1, 3),
    st.booleans(),
    st.sampled_from(["linear", "quadratic"]),
)
def test_continuous_optimum_is_never_worse_than_the_grid(seed, n, m, discrete, loss):
    """The grid is a subset of the continuous packages, so each continuous criterion is at least
    the grid's (up to solver tolerance), and a random sample of packages never beats it."""
    scn = random_scenario(seed, n, m, discrete)
    res = analyse(scn, months=0, resolution=6, loss=loss)
    for name, cs in res.continuous.items():
        if res.solutions[name] is None:
            assert cs is None
            continue
        assert cs is not None and cs.gap >= -1e-6, name
        assert all(g > -1e-9 for g in cs.package.gain.values())
    if res.zone_exists:
        assert res.max_min_gain > 0
        d = res.space.no_deal
        pr = continuous_problem(scn, loss=loss)
        best, _ = nash_continuous(pr, d)
        rng = np.random.default_rng(seed)
        space = build_space(scn, resolution=6, loss=loss)
        sample = space.packages[rng.integers(0, len(space.packages), 300)]
        sample[:, ~np.array([i.scale.discrete for i in scn.issues])] += rng.normal(0, 3, (300, m))[
            :, ~np.array([i.scale.discrete for i in scn.issues])
        ]
        sample = np.clip(sample, 0, 100)
        u = package_utility(scn, sample, loss=loss)
        ok = red_line_ok(scn, sample) & (u > d).all(axis=1)
        if ok.any():
            assert np.log(u[ok] - d).sum(axis=1).max() <= best + 1e-6
    if res.max_min_gain is not None:
        # the max–min package respects every red line, and it beats no deal for all exactly when
        # the value is positive; a grid zone implies a positive value
        value, pkg = max_min_gain(continuous_problem(scn, loss=loss), res.space.no_deal)
        assert value == pytest.approx(res.max_min_gain, abs=1e-9)
        assert red_line_ok(scn, pkg[None, :])[0]
        gain = package_utility(scn, pkg[None, :], loss=loss)[0] - res.space.no_deal
        assert gain.min() == pytest.approx(value, abs=1e-7)
        if res.zone_exists:
            grid_best = (res.space.utility[res.space.zopa] - res.space.no_deal).min(axis=1).max()
            assert value >= grid_best - 1e-7


def test_grid_and_continuous_nash_agree_in_index_on_the_pie():
    """The grid's Nash on a fine pie grid is the nearest grid point to the continuous one."""
    scn = pie(d=(0.2, 0.1))
    space = build_space(scn, resolution=101)
    idx = nash(space.utility[space.zopa], space.no_deal)
    assert space.packages[space.zopa][idx, 0] == 45


def test_many_discrete_options_skip_the_refinement_and_say_so():
    """Five discrete issues of four options each: 1,024 combinations exceed the 256 enumerated."""
    issues = [
        {
            "id": f"d{k}",
            "question": "?",
            "status_quo": 0,
            "scale": {"labels": {0: "a", 30: "b", 60: "c", 100: "d"}, "discrete": True},
        }
        for k in range(5)
    ]
    actors = [
        {
            "id": i,
            "name": i,
            "capability": 1,
            "no_deal": {"utility": 0.0},
            "stances": {f"d{k}": {"position": p, "salience": 1} for k in range(5)},
        }
        for i, p in (("a", 0), ("b", 100))
    ]
    res = analyse(
        scenario_from_dict({"metadata": {"title": "many"}, "issues": issues, "actors": actors}),
        months=0,
    )
    assert res.zone_exists and res.solutions["nash"] is not None
    assert all(v is None for v in res.continuous.values()) and res.max_min_gain is None
    assert any("combinations of discrete options" in n for n in res.notes)
