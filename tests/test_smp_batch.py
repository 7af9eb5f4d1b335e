"""The SMP batched across Monte Carlo draws (accord.models.smp.run_batch) equals one run per
draw."""

from __future__ import annotations

import numpy as np
import pytest
from conftest import shared_file
from hypothesis import given, settings
from hypothesis import strategies as st

import accord
from accord.models.smp import SMP, run_smp, run_smp_batch
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
    """ukraine-2025 has actors without a stance on some issues: the fill rule is exercised too."""
    scn = accord.load_scenario("ukraine-2025")
    draws = sample(scn, 40, seed=7)
    model = SMP()
    np.testing.assert_allclose(
        model.forecast_arrays(draws), _per_draw(model, scn, draws), rtol=0, atol=1e-9
    )


def test_synthetic_scenario_batch_equals_per_draw():
    scn = synthetic_scenario(9, 4, seed=3)
    draws = sample(scn, 25, seed=1)
    model = SMP()
    np.testing.assert_allclose(
        model.forecast_arrays(draws), _per_draw(model, scn, draws), rtol=0, atol=1e-9
    )


@pytest.mark.reference
def test_ktab_example_with_uncertainty_batch_equals_per_draw():
    scn = with_uncertainty(
        accord.load_scenario(shared_file("ktab", "dummyData_3Dim.csv")), share=0.1
    )
    draws = sample(scn, 12, seed=2)
    model = SMP()
    np.testing.assert_allclose(
        model.forecast_arrays(draws), _per_draw(model, scn, draws), rtol=0, atol=1e-9
    )


@settings(max_examples=25, deadline=None)
@given(
    seed=st.integers(0, 2**32 - 1),
    n=st.integers(3, 9),
    m=st.integers(1, 4),
    cases=st.integers(1, 4),
)
def test_kernel_equals_run_smp_on_random_cases(seed, n, m, cases):
    rng = np.random.default_rng(seed)
    x = rng.uniform(0, 1, (cases, n, m))
    sal = rng.uniform(0.05, 1, (cases, n, m))
    sal = sal / sal.sum(axis=2, keepdims=True) * rng.uniform(0.3, 1.0, (cases, n, 1))
    cap = rng.uniform(1, 100, (cases, n))
    fc, turns = run_smp_batch(x, sal, cap)
    for c in range(cases):
        run = run_smp(x[c], sal[c], cap[c])
        assert turns[c] == run.turns
        best = int(np.argmax(run.unique_probability[-1]))
        np.testing.assert_allclose(
            fc[c], run.positions[-1][run.unique[-1][best]], rtol=0, atol=1e-9
        )


def test_other_options_batch_equals_one_run_per_draw():
    """Every option runs batched; a draw alone and the same draw in a batch are bit-identical."""
    scn = accord.load_scenario("ukraine-2025")
    draws = sample(scn, 4, seed=0)
    model = SMP(victory_model="Square")
    np.testing.assert_allclose(
        model.forecast_arrays(draws), _per_draw(model, scn, draws), rtol=0, atol=0
    )


def test_monte_carlo_uses_the_batch_and_is_reproducible():
    from accord.simulation.montecarlo import simulate

    scn = accord.load_scenario("ukraine-2025")
    a = simulate(scn, 30, seed=5, models=["smp"])
    b = simulate(scn, 30, seed=5, models=["smp"], chunk_size=7)
    np.testing.assert_array_equal(a.forecasts, b.forecasts)
