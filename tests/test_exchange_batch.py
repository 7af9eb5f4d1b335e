"""The exchange model batched across Monte Carlo draws (accord.models.exchange: all draws in one
kernel, chunks of BATCH_CHUNK) equals one run per draw (the one-draw case of the same kernel),
which reproduces decide-exchange-model on CoP21."""

from __future__ import annotations

import numpy as np
import pytest
from conftest import shared_file
from hypothesis import given, settings
from hypothesis import strategies as st

import accord
from accord.models.exchange import ExchangeModel
from accord.simulation.sampling import sample
from accord.simulation.synthetic import synthetic_scenario, with_uncertainty


def _per_draw(model, scn, draws):
    return np.array(
        [
            [model.forecast(draws.scenario_at(d)).issues[i.id].value for i in scn.issues]
            for d in range(draws.n_draws)
        ]
    )


def test_default_scenario_batch_equals_per_draw():
    scn = accord.load_scenario("ukraine-2025")
    draws = sample(scn, 40, seed=11)
    model = ExchangeModel()
    np.testing.assert_allclose(
        model.forecast_arrays(draws), _per_draw(model, scn, draws), rtol=0, atol=1e-9
    )


@pytest.mark.reference
def test_cop21_with_uncertainty_batch_equals_per_draw():
    """CoP21 (decide's own example, 10 rounds, over a thousand exchanges) with 10 % ranges."""
    scn = with_uncertainty(accord.load_scenario(shared_file("decide", "cop21.tsv")), share=0.1)
    draws = sample(scn, 3, seed=4)
    model = ExchangeModel()
    np.testing.assert_allclose(
        model.forecast_arrays(draws), _per_draw(model, scn, draws), rtol=0, atol=1e-9
    )


@settings(max_examples=20, deadline=None)
@given(
    seed=st.integers(0, 10_000), n=st.integers(3, 8), m=st.integers(2, 4), rounds=st.integers(1, 4)
)
def test_batch_equals_per_draw_on_random_scenarios(seed, n, m, rounds):
    scn = synthetic_scenario(n, m, seed=seed)
    draws = sample(scn, 5, seed=seed)
    model = ExchangeModel(rounds=rounds)
    np.testing.assert_allclose(
        model.forecast_arrays(draws), _per_draw(model, scn, draws), rtol=0, atol=1e-9
    )


def test_chunks_do_not_matter(monkeypatch):
    from accord.models.exchange import model as exchange

    scn = accord.load_scenario("ukraine-2025")
    draws = sample(scn, 30, seed=2)
    whole = ExchangeModel().forecast_arrays(draws)
    monkeypatch.setattr(exchange, "BATCH_CHUNK", 7)
    np.testing.assert_array_equal(ExchangeModel().forecast_arrays(draws), whole)


def test_randomized_gain_runs_draw_by_draw_reproducibly():
    scn = accord.load_scenario("ukraine-2025")
    draws = sample(scn, 3, seed=0)
    model = ExchangeModel(gain="random", repetitions=2)
    a, b = model.forecast_arrays(draws), model.forecast_arrays(draws)
    np.testing.assert_array_equal(a, b)
    assert np.isfinite(a).all()
