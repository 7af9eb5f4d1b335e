"""Bargaining analysis: closed-form solutions, frontier properties, and the shipped scenario."""

from __future__ import annotations

import json
import subprocess
import sys

import numpy as np
import pytest
from conftest import FIXTURES
from hypothesis import given, settings
from hypothesis import strategies as st

import accord
from accord.bargaining import (
    analyse,
    build_space,
    egalitarian,
    kalai_smorodinsky,
    nash,
    no_deal_utility,
    pareto_mask,
    pareto_mask_reference,
)
from accord.scenario import scenario_from_dict

GRID = np.linspace(0, 1, 10001)
PIE = np.column_stack([1 - GRID, GRID])  # split the pie: player 1 gets 1 − x, player 2 gets x


@pytest.mark.reference
def test_split_the_pie_nash_gives_half():
    assert PIE[nash(PIE, np.zeros(2))].tolist() == [0.5, 0.5]


@pytest.mark.reference
@pytest.mark.parametrize("d1, d2", [(0.2, 0.1), (0.0, 0.4), (0.3, 0.3)])
def test_disagreement_points_shift_nash(d1, d2):
    """max (u1 − d1)(u2 − d2) on u1 + u2 = 1 gives u1 = (1 + d1 − d2)/2 [Nash1950]."""
    u1 = PIE[nash(PIE, np.array([d1, d2])), 0]
    assert u1 == pytest.approx((1 + d1 - d2) / 2, abs=1e-4)


@pytest.mark.reference
@pytest.mark.parametrize("w1, w2", [(2, 1), (1, 3)])
def test_asymmetric_nash_weights(w1, w2):
    """max w1 log u1 + w2 log u2 on u1 + u2 = 1 gives u1 = w1/(w1 + w2) [Kalai1977; Roth1979]."""
    assert PIE[nash(PIE, np.zeros(2), np.array([w1, w2])), 0] == pytest.approx(
        w1 / (w1 + w2), abs=1e-4
    )


def _polygon_points(vertices, step=1e-4):
    """Points on the upper-right boundary of a convex polygon, densely sampled."""
    v = np.asarray(vertices, dtype=float)
    pts = []
    for a, b in zip(v, np.roll(v, -1, axis=0), strict=True):
        t = np.arange(0, 1 + step, step)[:, None]
        pts.append(a + t * (b - a))
    return np.vstack(pts)


@pytest.mark.reference
def test_kalai_smorodinsky_published_example():
    fx = json.loads((FIXTURES / "kalai_smorodinsky_1975.json").read_text())
    for name in ("S", "T"):
        u = _polygon_points(fx[name]["vertices"])
        d = np.zeros(2)
        np.testing.assert_allclose(u[kalai_smorodinsky(u, d)], fx[name]["ks"], atol=2e-3)
        np.testing.assert_allclose(u[nash(u, d)], fx[name]["nash"], atol=2e-3)


def test_three_party_case_worked_by_hand():
    """Three actors on one issue x in [0, 1] at positions 0, 0.5, 1, linear utilities
    u1 = 1 − x, u2 = 1 − |x − 0.5|, u3 = x; disagreement d = (0, 0, 0.3).
    Nash maximises ln(1 − x) + ln(1 − |x − 0.5|) + ln(x − 0.3). Left of 0.5 the derivative
    −1/(1 − x) + 1/(0.5 + x) + 1/(x − 0.3) is 4 at x = 0.5, so the optimum lies right of it,
    where −1/(1 − x) − 1/(1.5 − x) + 1/(x − 0.3) = 0: at 0.58 it is +0.10, at 0.60 −0.28, at
    0.585 +0.006, so x* ≈ 0.5853. The egalitarian solution equalises gains: 1 − x = x − 0.3
    gives x = 0.65 (actor 2's gain 0.85 is larger), i.e. min gain 0.35.
    """
    x = GRID
    u = np.column_stack([1 - x, 1 - np.abs(x - 0.5), x])
    d = np.array([0.0, 0.0, 0.3])
    assert x[nash(u, d)] == pytest.approx(0.5853, abs=2e-4)
    assert x[egalitarian(u, d)] == pytest.approx(0.65, abs=2e-4)


def _utils(draw_seed, n, k, ties):
    rng = np.random.default_rng(draw_seed)
    u = rng.uniform(0, 1, (n, k))
    if ties:
        u = np.round(u * 4) / 4  # many equal coordinates and duplicate points
    return u


@settings(max_examples=60, deadline=None)
@given(st.integers(0, 2**31), st.integers(1, 300), st.integers(2, 5), st.booleans())
def test_frontier_is_exact(seed, n, k, ties):
    u = _utils(seed, n, k, ties)
    mask = pareto_mask(u, block=37)
    np.testing.assert_array_equal(mask, pareto_mask_reference(u))
    front = u[mask]
    # every frontier point undominated; every point weakly dominated by some frontier point
    for p in u:
        assert ((front >= p).all(axis=1)).any()


@settings(max_examples=60, deadline=None)
@given(
    st.integers(0, 2**31),
    st.integers(2, 4),
    st.floats(0.1, 10),
    st.floats(-5, 5),
    st.integers(0, 3),
)
def test_nash_and_ks_invariant_to_affine_rescaling(seed, k, a, b, who):
    rng = np.random.default_rng(seed)
    u = rng.uniform(0, 1, (400, k))
    d = rng.uniform(0, 0.3, k)
    who = who % k
    u2, d2 = u.copy(), d.copy()
    u2[:, who] = a * u[:, who] + b
    d2[who] = a * d[who] + b
    assert nash(u, d) == nash(u2, d2)
    assert kalai_smorodinsky(u, d) == kalai_smorodinsky(u2, d2)


def _toy(red_a=None, red_b=None, cost=0.0, sq=50, nd=None):
    def stance(pos, red):
        st_ = {"position": pos, "salience": 1.0}
        if red is not None:
            st_["red_line"] = red
        return st_

    return scenario_from_dict(
        {
            "metadata": {"title": "toy"},
            "issues": [
                {"id": "x", "question": "?", "scale": {"min": 0, "max": 100}, "status_quo": sq}
            ],
            "actors": [
                {
                    "id": "a",
                    "name": "A",
                    "capability": 1,
                    "stances": {"x": stance(0, red_a)},
                    "no_deal": {
                        "cost_per_month": cost,
                        **({"utility": nd} if nd is not None else {}),
                    },
                },
                {
                    "id": "b",
                    "name": "B",
                    "capability": 1,
                    "stances": {"x": stance(100, red_b)},
                    "no_deal": {
                        "cost_per_month": cost,
                        **({"utility": nd} if nd is not None else {}),
                    },
                },
            ],
        }
    )


def test_incompatible_red_lines_block_and_are_named():
    """A accepts at most 30, B at least 70; no deal is bad for both (utility 0.1), so only the
    red lines block: dropping either side's opens the zone; the smallest move is one actor's."""
    res = analyse(_toy(red_a=30, red_b=70, nd=0.1), months=12)
    assert not res.zone_exists and res.opens_at is None
    assert set(res.blocking_red_lines) == {"a", "b"}
    r = res.relaxation
    assert r is not None and r.kind == "red_line" and len(r.actors) == 1
    (who,) = r.actors
    move = r.moves[who]["x"]
    assert abs(move["to"] - move["from"]) == pytest.approx(40)


def test_costs_open_the_zone_and_nash_splits_it():
    # the status quo (50) is each side's no deal; costs of 0.01 a month make any nearby split better
    res = analyse(_toy(cost=0.01), months=6)
    assert not res.zone_exists and res.opens_at == 1
    assert res.package_at_opening.values["x"] == pytest.approx(50)
    assert all(g > 0 for g in res.package_at_opening.gain.values())


def test_no_deal_utility_accumulates_discounted_costs():
    scn = _toy(cost=0.02)
    np.testing.assert_allclose(no_deal_utility(scn, 0), [0.5, 0.5])
    np.testing.assert_allclose(no_deal_utility(scn, 3), 0.5 - 0.06)


def test_default_scenario_answers(tmp_path):
    scn = accord.load_scenario("ukraine-2025")
    space = build_space(scn)
    assert space.utility.shape == (len(space.packages), len(scn.actors))
    assert np.all((space.utility >= 0) & (space.utility <= 1))
    res = analyse(scn, months=60)
    if res.opens_at is not None:
        pkg = res.package_at_opening
        parties = [a.id for a in scn.actors if a.party]
        assert all(pkg.gain[a] > 0 for a in parties)
    out = subprocess.run(
        [sys.executable, "-m", "accord", "bargain", "--format", "json", "--months", "60"],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    data = json.loads(out)
    assert data["ripeness"]["opens_at_month"] == res.opens_at
    assert set(data["solutions"]) == {"nash", "nash_weighted", "kalai_smorodinsky", "egalitarian"}


def test_bargain_needs_status_quo_and_says_so():
    p = subprocess.run(
        [sys.executable, "-m", "accord", "bargain", "eu-emissions-1994"],
        capture_output=True,
        text=True,
    )
    assert p.returncode == 2 and "status_quo" in p.stderr and "Traceback" not in p.stderr


def test_monte_carlo_bargaining_matches_the_analysis_on_each_draw():
    """The vectorised per-draw zone/Nash equals the full analysis run on each drawn scenario."""
    from accord.bargaining.arrays import analyse_arrays as batch
    from accord.simulation.sampling import sample

    scn = _toy(cost=0.0, sq=50)
    data = scn.model_dump()
    data["actors"][0]["no_deal"]["utility"] = {
        "value": 0.3,
        "uncertainty": {"low": 0.2, "high": 0.6},
    }
    data["actors"][1]["stances"]["x"]["position"] = {
        "value": 100,
        "uncertainty": {"low": 70, "high": 100},
    }
    scn = scenario_from_dict(data)
    draws = sample(scn, 40, seed=5)
    out = batch(draws)
    for d in range(draws.n_draws):
        res = analyse(draws.scenario_at(d), months=0)
        assert out["zopa"][d] == res.zone_exists
        if res.zone_exists:
            assert out["nash"][d, 0] == pytest.approx(res.solutions["nash"].values["x"])


def test_coinciding_red_lines_are_called_a_knife_edge():
    """The first default scenario (a fixture): Russia's and Ukraine's red lines meet at one value
    on four issues; the bargaining output says that a zone can exist there only on a set of
    measure zero, except on the discrete recognition issue, where the value met is an option
    (the zone keeps it). The July 2025 snapshot meets on the line of contact only."""
    from pathlib import Path

    from accord.bargaining import analyse

    v1 = Path(__file__).parent / "data" / "scenarios" / "ukraine-2025-v1.yaml"
    res = analyse(accord.load_scenario(v1), months=0)
    edges = [n for n in res.notes if "knife edge" in n]
    issues = {n.split()[1] for n in edges}
    assert issues == {"territory", "nato", "guarantees"}
    assert all("Russia" in n and "Ukraine" in n for n in edges)
    res = analyse(accord.load_scenario("ukraine-2025-07"), months=0)
    assert {n.split()[1] for n in res.notes if "knife edge" in n} == {"territory"}
