"""The package space: utilities, red lines, the no-deal payoff over time, the grid.

Every expected number below is worked by hand from the formulas in
:mod:`accord.bargaining.utility` (salience-weighted distance [Enelow1984; Achen2006], costly war
[Fearon1995]).
"""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import accord
from accord.bargaining import (
    build_space,
    capabilities_at,
    issue_bounds,
    no_deal_utility,
    package_utility,
    red_line_ok,
    status_quo,
)
from accord.bargaining.space import issue_grid
from accord.scenario import ScenarioError, scenario_from_dict


def two_issue(
    *, red=None, discrete=False, sq=(50, 0), drift=None, discount=None, no_deal=None, trend=None
):
    """A (positions 0, 0; saliences 3, 1) and B (positions 100, 10 on a 0..10 scale; saliences
    1, 1);
    C has a stance on x only. ``red`` maps (actor, issue) to a red line."""
    red = red or {}

    def stance(a, i, pos, sal):
        s = {"position": pos, "salience": sal}
        if (a, i) in red:
            s["red_line"] = red[(a, i)]
        return s

    y_scale = {
        "min": 0,
        "max": 10,
        "labels": {0: "none", 5: "half", 10: "all"},
        "discrete": discrete,
    }
    data = {
        "metadata": {"title": "two issues"},
        "issues": [
            {
                "id": "x",
                "question": "?",
                "scale": {"min": 0, "max": 100, "labels": {0: "A", 100: "B"}},
                "status_quo": sq[0],
            },
            {"id": "y", "question": "?", "scale": y_scale, "status_quo": sq[1]},
        ],
        "actors": [
            {
                "id": "a",
                "name": "A",
                "capability": 2,
                "stances": {"x": stance("a", "x", 0, 0.6), "y": stance("a", "y", 0, 0.2)},
                "no_deal": {
                    "cost_per_month": 0.01,
                    **(no_deal or {}),
                    **({"capability_trend_per_month": trend} if trend is not None else {}),
                },
            },
            {
                "id": "b",
                "name": "B",
                "capability": 1,
                "stances": {"x": stance("b", "x", 100, 0.5), "y": stance("b", "y", 10, 0.5)},
                "no_deal": {"cost_per_month": 0.02},
            },
            {"id": "c", "name": "C", "capability": 1, "stances": {"x": stance("c", "x", 40, 0.9)}},
        ],
    }
    if drift is not None or discount is not None:
        data["war"] = {
            "drift_per_month": drift or {},
            **({"discount_rate_per_month": discount} if discount else {}),
        }
    return scenario_from_dict(data)


def test_interface_shapes_and_ranges():
    scn = two_issue()
    space = build_space(scn, resolution=11, month=0, loss="linear")
    P = len(space.packages)
    assert space.packages.shape == (P, 2) and space.utility.shape == (P, 3)
    assert space.feasible.shape == (P,) and space.feasible.dtype == bool
    assert space.no_deal.shape == (3,)
    assert space.actor_ids == ["a", "b", "c"] and space.issue_ids == ["x", "y"]
    assert np.all((space.utility >= 0) & (space.utility <= 1))
    np.testing.assert_allclose(space.utility, package_utility(scn, space.packages))


def test_linear_and_quadratic_utilities_by_hand():
    """Package (25, 5). A: saliences 0.6, 0.2 normalise to 0.75, 0.25; distances 0.25 and 0.5:
    linear 1 − (0.75·0.25 + 0.25·0.5) = 0.6875, quadratic 1 − (0.75·0.0625 + 0.25·0.25) = 0.890625.
    B: 0.5, 0.5 and distances 0.75, 0.5: linear 0.375, quadratic 1 − (0.28125 + 0.125) = 0.59375.
    C cares about x only (no stance on y): distance 0.15, linear 0.85, quadratic 0.9775."""
    scn = two_issue()
    p = np.array([[25.0, 5.0]])
    np.testing.assert_allclose(package_utility(scn, p, loss="linear")[0], [0.6875, 0.375, 0.85])
    np.testing.assert_allclose(
        package_utility(scn, p, loss="quadratic")[0], [0.890625, 0.59375, 0.9775]
    )
    # no stance on y: C's utility does not move with y
    q = np.array([[25.0, 0.0], [25.0, 10.0]])
    assert np.ptp(package_utility(scn, q)[:, 2]) == 0.0
    with pytest.raises(ValueError, match="loss"):
        package_utility(scn, p, loss="cubic")


def test_own_ideal_is_one_and_far_end_is_zero():
    scn = two_issue()
    u = package_utility(scn, np.array([[0.0, 0.0], [100.0, 10.0]]))
    np.testing.assert_allclose([u[0, 0], u[1, 1], u[1, 0], u[0, 1]], [1, 1, 0, 0], atol=1e-12)


def test_red_line_sides():
    """A (position 0) with red line 60 on x accepts x ≤ 60; B (position 100) with red line 30
    accepts x ≥ 30; a red line equal to the position accepts only that value."""
    scn = two_issue(red={("a", "x"): 60, ("b", "x"): 30})
    xs = np.array([0, 29.9, 30, 45, 60, 60.1, 100.0])
    p = np.column_stack([xs, np.zeros_like(xs)])
    assert red_line_ok(scn, p).tolist() == [False, False, True, True, True, False, False]
    lo, hi = issue_bounds(scn)
    assert (lo[0], hi[0]) == (30, 60) and (lo[1], hi[1]) == (0, 10)
    scn = two_issue(red={("b", "y"): 10})
    p = np.array([[50, 9.99], [50, 10.0]])
    assert red_line_ok(scn, p).tolist() == [False, True]


def test_discrete_issue_has_only_its_options_and_grid_has_key_points():
    scn = two_issue(discrete=True, red={("a", "x"): 63})
    space = build_space(scn, resolution=5)
    assert sorted(set(space.packages[:, 1])) == [0, 5, 10]
    gx = issue_grid(scn, 0, 5)
    # 5 even points, the labels (0, 100), the red line 63, positions 0, 100, 40 and the status quo
    # 50
    assert gx.tolist() == [0, 25, 40, 50, 63, 75, 100]
    assert len(space.packages) == 7 * 3


def test_grid_falls_back_to_key_points_when_too_large():
    scn = two_issue(red={("a", "x"): 63})
    fine = build_space(scn, resolution=101)
    coarse = build_space(scn, resolution=101, max_packages=100)
    assert not fine.coarse and coarse.coarse
    assert coarse.grids[0].tolist() == [0, 50, 63, 100]  # labels, status quo, red line, ends
    with pytest.raises(ValueError, match="max_packages"):
        build_space(scn, max_packages=3)


def test_status_quo_drifts_and_is_clipped():
    scn = two_issue(drift={"x": 10})
    assert status_quo(scn, 0).tolist() == [50, 0]
    assert status_quo(scn, 3).tolist() == [80, 0]
    assert status_quo(scn, 12).tolist() == [100, 0]  # clipped at the scale's end


def test_no_deal_utility_by_hand():
    """Status quo (50, 0) drifting +10/month on x. At month 2 the line is at 70: A's utility
    1 − 0.75·0.7 − 0 = 0.475, minus costs 0.01·(1/1.1 + 1/1.21) with 10 % monthly discounting."""
    scn = two_issue(drift={"x": 10}, discount=0.1)
    d0 = no_deal_utility(scn, 0)
    np.testing.assert_allclose(d0, [1 - 0.75 * 0.5, 1 - 0.5 * 0.5 - 0.5 * 1.0, 1 - 0.1])
    disc = 1 / 1.1 + 1 / 1.21
    np.testing.assert_allclose(
        no_deal_utility(scn, 2), [0.475 - 0.01 * disc, (1 - 0.5 * 0.3 - 0.5) - 0.02 * disc, 1 - 0.3]
    )


def test_fixed_no_deal_utility_replaces_the_status_quo_and_costs_still_accrue():
    scn = two_issue(no_deal={"utility": 0.9})
    np.testing.assert_allclose(no_deal_utility(scn, 0)[0], 0.9)
    np.testing.assert_allclose(no_deal_utility(scn, 5)[0], 0.9 - 0.05)


def test_capability_trend():
    scn = two_issue(trend=0.1)
    np.testing.assert_allclose(capabilities_at(scn, 0), [2, 1, 1])
    np.testing.assert_allclose(capabilities_at(scn, 2), [2 * 1.21, 1, 1])


def test_missing_status_quo_is_a_scenario_error():
    with pytest.raises(ScenarioError, match="status_quo"):
        build_space(accord.load_scenario("eu-emissions-1994"))


@settings(max_examples=40, deadline=None)
@given(
    st.integers(0, 2**31),
    st.integers(1, 5),
    st.integers(1, 6),
    st.sampled_from(["linear", "quadratic"]),
)
def test_issue_by_issue_accumulation_equals_the_formula(seed, n, m, loss):
    """package_utility (accumulated issue by issue) equals the direct (P, n, m) formula."""
    rng = np.random.default_rng(seed)
    present = rng.uniform(size=(n, m)) < 0.7
    present[0] = True  # every issue needs some stance
    sal = rng.uniform(0.01, 1, (n, m)) * present
    pos = rng.uniform(0, 100, (n, m))
    actors = [
        {
            "id": f"a{i}",
            "name": f"A{i}",
            "capability": 1,
            "stances": {
                f"i{k}": {"position": float(pos[i, k]), "salience": float(sal[i, k])}
                for k in range(m)
                if sal[i, k] > 0
            },
        }
        for i in range(n)
    ]
    scn = scenario_from_dict(
        {
            "metadata": {"title": "r"},
            "actors": actors,
            "issues": [{"id": f"i{k}", "question": "?", "status_quo": 0} for k in range(m)],
        }
    )
    p = rng.uniform(0, 100, (50, m))
    shat = sal / np.where(sal.sum(axis=1, keepdims=True) > 0, sal.sum(axis=1, keepdims=True), 1)
    dist = np.abs(p[:, None, :] - pos[None]) / 100
    lossv = dist if loss == "linear" else dist**2
    np.testing.assert_allclose(
        package_utility(scn, p, loss=loss), 1 - (lossv * shat[None]).sum(-1), atol=1e-12
    )
