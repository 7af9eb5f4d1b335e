"""Red lines that follow the front (``Stance.red_line_follows_front``): each month of the
ripeness scan has its own red lines, on one scenario and on every Monte Carlo draw alike."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from accord.bargaining import analyse
from accord.bargaining.arrays import RIPENESS_MONTHS, analyse_arrays
from accord.bargaining.utility import actor_matrices, follow_front
from accord.scenario import ScenarioError, scenario_from_dict
from accord.scenario.checks import scenario_warnings
from accord.simulation.sampling import sample


def _front(follows: bool, *, drift=1.0, uncertain: bool = False, war: bool = True):
    """Issue x on 0..100, the line at 60 and moving 1 a month towards B (100). A (at 0) signs
    nothing beyond the line, B (at 100) nothing short of it; war costs A 0.01 a month, B 0.008."""

    def q(v, lo, hi):
        return {"value": v, "uncertainty": {"low": lo, "high": hi}} if uncertain else v

    def stance(pos, red):
        out = {"position": pos, "salience": 1.0, "red_line": red}
        if follows:
            out["red_line_follows_front"] = True
        return out

    data = {
        "metadata": {"title": "front"},
        "issues": [{"id": "x", "question": "?", "scale": {"min": 0, "max": 100}, "status_quo": 60}],
        "actors": [
            {
                "id": "a",
                "name": "A",
                "capability": 1,
                "stances": {"x": stance(0, q(60, 56, 64))},
                "no_deal": {"cost_per_month": 0.01},
            },
            {
                "id": "b",
                "name": "B",
                "capability": 1,
                "stances": {"x": stance(100, q(60, 56, 64))},
                "no_deal": {"cost_per_month": 0.008},
            },
        ],
    }
    if war:
        data["war"] = {"drift_per_month": {"x": q(drift, 0.0, 2.0)}}
    return scenario_from_dict(data)


def test_a_red_line_that_follows_the_front_opens_the_zone_on_the_moving_line():
    """Worked by hand: at month t the only feasible package is the line 60 + t. B's no deal is
    u_B(60 + t) − 0.008 t = 0.6 + 0.002 t, A's 0.4 − 0.02 t; the line gives B 0.6 + 0.01 t and
    A 0.4 − 0.01 t, so both gain from month 1 on, on the line of month 1 (61)."""
    res = analyse(_front(True), months=24)
    assert res.opens_at == 1 and res.opens_at_continuous == 1
    assert res.package_at_opening.values["x"] == pytest.approx(61)
    assert res.continuous_at_opening.values["x"] == pytest.approx(61)


def test_a_red_line_that_stays_keeps_the_old_line_and_no_zone_opens():
    """Without the flag the only feasible package stays at 60, which B, gaining 0.01 a month of
    ground for 0.008 of cost, never prefers to war."""
    res = analyse(_front(False), months=24)
    assert res.opens_at is None and res.opens_at_continuous is None


def test_red_lines_at_a_month_move_with_the_front_and_stop_at_the_scale_end():
    red = actor_matrices(_front(True), 12)["red_line"][:, 0]
    assert red.tolist() == [72.0, 72.0]
    assert actor_matrices(_front(True), 60)["red_line"][:, 0].tolist() == [100.0, 100.0]
    assert actor_matrices(_front(False), 12)["red_line"][:, 0].tolist() == [60.0, 60.0]


@settings(max_examples=40, deadline=None)
@given(
    red=st.floats(0, 100),
    pos=st.floats(0, 100),
    shift=st.floats(-100, 100),
)
def test_a_moved_red_line_never_passes_the_actors_own_position(red, pos, shift):
    moved = float(follow_front(np.array(red), np.array(pos), np.array(shift), 0.0, 100.0))
    assert 0.0 <= moved <= 100.0
    if red < pos:
        assert moved <= pos
    elif red > pos:
        assert moved >= pos
    else:
        assert moved == red


def test_every_draw_opens_when_its_own_scenario_does():
    """The Monte Carlo kernel moves each draw's red lines with that draw's drift: its opening
    month equals the scalar scan run on the draw's scenario, read at the kernel's months."""
    draws = sample(_front(True, uncertain=True), 24, seed=7)
    opens = analyse_arrays(draws, months=RIPENESS_MONTHS)["opens"]
    assert np.isfinite(opens).any() and len(set(opens[np.isfinite(opens)].tolist())) >= 2
    for d in range(draws.n_draws):
        res = analyse(draws.scenario_at(d), months=max(RIPENESS_MONTHS), refine=False)
        first = next((t for t in RIPENESS_MONTHS if res.timeline[t].zopa_size > 0), None)
        assert (first is None and np.isnan(opens[d])) or first == opens[d], d


def test_following_needs_a_red_line_and_warns_without_a_moving_front():
    with pytest.raises(ScenarioError, match="red_line_follows_front"):
        scenario_from_dict(
            {
                "metadata": {"title": "t"},
                "issues": [{"id": "x", "question": "?"}],
                "actors": [
                    {
                        "id": "a",
                        "name": "A",
                        "capability": 1,
                        "stances": {
                            "x": {"position": 0, "salience": 1, "red_line_follows_front": True}
                        },
                    },
                    {
                        "id": "b",
                        "name": "B",
                        "capability": 1,
                        "stances": {"x": {"position": 100, "salience": 1}},
                    },
                ],
            }
        )

    def follows(scn):
        return [w for w in scenario_warnings(scn, "f.yaml") if w.place.endswith("front")]

    warned = follows(_front(True, war=False))
    assert [w.place for w in warned] == [
        "actors[0].stances.x.red_line_follows_front",
        "actors[1].stances.x.red_line_follows_front",
    ]
    assert "does not move" in warned[0].rule
    assert follows(_front(True)) == []
