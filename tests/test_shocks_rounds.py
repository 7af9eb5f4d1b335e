"""Shocks apply at their round in every round-based model, on one run and on every draw.

The shipped models are run on the shipped scenarios: an actor leaving at round 0 and the same
actor leaving at round 9 must give different forecasts where the trajectory differs, and a
schedule whose shocks change nothing must give bit-identical forecasts to no schedule.
"""

from __future__ import annotations

import numpy as np
import pytest

from accord.models.registry import MODELS, get_model
from accord.scenario import load_scenario
from accord.scenario.shocks import parse_shock
from accord.simulation.montecarlo import evaluate
from accord.simulation.sampling import sample

ROUND_BASED = [cls.name for cls in MODELS if cls.tags.round_based]


@pytest.fixture(scope="module")
def ukraine():
    return load_scenario("ukraine-2025")


@pytest.fixture(scope="module")
def eu():
    return load_scenario("eu-emissions-1994")


def _one(scn, model, shocks):
    from accord.scenario.arrays import ScenarioArrays

    fc, _ = evaluate(
        ScenarioArrays.from_scenario(scn),
        [get_model(model)],
        shocks=[parse_shock(s) for s in shocks],
        bargaining=False,
    )
    return fc[0, 0]


def test_the_round_based_models_are_the_three_with_rounds():
    assert set(ROUND_BASED) == {"bdm", "exchange", "smp"}


@pytest.mark.parametrize("model", ROUND_BASED)
@pytest.mark.parametrize("scenario", ["ukraine", "eu"])
def test_leaving_early_differs_from_leaving_late(model, scenario, request):
    """For some actor, leaving at round 0 and leaving at round 9 give different forecasts (the
    trajectory differs between those rounds), and leaving at round 0 differs from staying."""
    scn = request.getfixturevalue(scenario)
    if model == "exchange" and len(scn.issues) == 1:
        pytest.skip("one issue: the exchange model trades nothing, so its trajectory never moves")
    never = _one(scn, model, [])
    differ, changed = [], []
    for actor in scn.actor_ids:
        early = _one(scn, model, [f"{actor}:leave@0"])
        late = _one(scn, model, [f"{actor}:leave@9"])
        changed.append(not np.allclose(early, never))
        differ.append(not np.allclose(early, late))
    assert any(changed), "no actor's leaving at round 0 changed anything"
    assert any(differ), (
        f"{model}: for every actor, leaving at round 0 and at 9 gave the same result"
    )


@pytest.mark.parametrize("model", ROUND_BASED)
def test_a_shock_after_the_last_round_changes_nothing(model, eu):
    far = _one(eu, model, ["UK:leave@5000"])
    np.testing.assert_array_equal(far, _one(eu, model, []))


@pytest.mark.parametrize("model", ROUND_BASED)
def test_a_schedule_that_changes_nothing_is_bit_identical(model, ukraine):
    draws = sample(ukraine, 6, seed=4)
    m = get_model(model)
    plain, _ = evaluate(draws, [m], bargaining=False)
    inert, _ = evaluate(draws, [m], shocks=[parse_shock("russia:salience*1@3")], bargaining=False)
    np.testing.assert_array_equal(inert, plain)


@pytest.mark.parametrize("model", ROUND_BASED)
def test_shocks_on_draws_equal_shocks_on_each_draw(model, eu):
    draws = sample(eu, 4, seed=1)
    shocks = [parse_shock("DE:leave@2"), parse_shock("UK:salience*0.5@1")]
    whole, _ = evaluate(draws, [get_model(model)], shocks=shocks, bargaining=False)
    for d in range(draws.n_draws):
        one, _ = evaluate(
            draws.take(np.array([d])), [get_model(model)], shocks=shocks, bargaining=False
        )
        np.testing.assert_array_equal(one[0], whole[d])
