"""Red lines that move together (``Actor.red_lines_move_together``): a Gaussian copula on one
actor's red-line draws, which keeps every marginal and correlates their "softness"."""

from __future__ import annotations

import numpy as np
import pytest
from scipy import stats

from accord.scenario import ScenarioError, scenario_from_dict
from accord.simulation.sampling import sample


def _scenario(rho=None, *, uncertain_rho=False):
    """A holds three red lines, two below its position (x, y) and one above it (z), so
    softening lowers x and y and raises z."""
    red = {"uncertainty": {"low": 20, "high": 80, "shape": "uniform"}}
    actor_a = {
        "id": "a",
        "name": "A",
        "capability": 1,
        "stances": {
            "x": {"position": 90, "salience": 1, "red_line": {"value": 50, **red}},
            "y": {"position": 90, "salience": 1, "red_line": {"value": 50, **red}},
            "z": {"position": 10, "salience": 1, "red_line": {"value": 50, **red}},
        },
    }
    if rho is not None:
        q = {"value": rho, "evidence": {"judgement": "its concessions come as a package"}}
        if uncertain_rho:
            q["uncertainty"] = {"low": 0.1, "high": 0.9}
        actor_a["red_lines_move_together"] = q
    return scenario_from_dict(
        {
            "metadata": {"title": "together"},
            "issues": [{"id": i, "question": "?"} for i in "xyz"],
            "actors": [
                actor_a,
                {
                    "id": "b",
                    "name": "B",
                    "capability": 1,
                    "stances": {i: {"position": 50, "salience": 1} for i in "xyz"},
                },
            ],
        }
    )


def _reds(scn, n=6000):
    return sample(scn, n, seed=3).red_line[:, 0, :]


def test_every_red_line_keeps_its_own_distribution():
    free, tied = _reds(_scenario()), _reds(_scenario(0.7))
    for k in range(3):
        assert stats.ks_2samp(free[:, k], tied[:, k]).pvalue > 0.001
        assert stats.kstest((tied[:, k] - 20) / 60, "uniform").pvalue > 0.001


@pytest.mark.parametrize("rho", [0.3, 0.7])
def test_softness_correlates_at_rho_across_sides(rho):
    """Normal scores of the softness (x and y low, z high) correlate at ρ: Spearman's rank
    correlation of a Gaussian copula is (6/π) asin(ρ/2) [Nelsen2006, sec. 5.1]."""
    red = _reds(_scenario(rho))
    expect = 6 / np.pi * np.arcsin(rho / 2)
    assert stats.spearmanr(red[:, 0], red[:, 1])[0] == pytest.approx(expect, abs=0.04)
    assert stats.spearmanr(red[:, 0], red[:, 2])[0] == pytest.approx(-expect, abs=0.04)
    assert abs(stats.spearmanr(*_reds(_scenario())[:, :2].T)[0]) < 0.05


def test_without_the_field_the_draws_are_unchanged_and_a_draw_is_its_own_stream():
    np.testing.assert_array_equal(
        sample(_scenario(), 50, seed=1).values, sample(_scenario(0.0), 50, seed=1).values
    )
    tied = _scenario(0.6)
    np.testing.assert_array_equal(
        sample(tied, [7], seed=2).values[0], sample(tied, 10, seed=2).values[7]
    )


@pytest.mark.parametrize(
    ("rho", "uncertain", "message"),
    [
        (1.0, False, r"must lie in \[0, 1\)"),
        (-0.2, False, r"must lie in \[0, 1\)"),
        (0.5, True, "cannot itself be uncertain"),
    ],
)
def test_a_correlation_outside_its_range_is_refused(rho, uncertain, message):
    with pytest.raises(ScenarioError, match=message):
        _scenario(rho, uncertain_rho=uncertain)


def test_the_correlation_round_trips_through_a_workbook(tmp_path):
    import accord
    from accord.io.xlsx_write import scenario_to_xlsx

    scn = _scenario(0.6)
    data, losses = scenario_to_xlsx(scn)
    assert losses == []
    (tmp_path / "t.xlsx").write_bytes(data)
    assert accord.load_scenario(tmp_path / "t.xlsx").model_dump() == scn.model_dump()
