"""The compiled equal-gain round (accord.models.exchange._compiled, numba) against the numpy
round kernel it transcribes: the same voting positions, bit for bit, on random batches (on a
coarse grid half the time, so that exact ties and zero moves are common, with missing stances
and zero saliences), on CoP21-like Monte Carlo draws of the default scenario, and through the
whole model with shocks. A case's result must not depend on which path ran it, since a
forecast alone runs numpy and the same case in a Monte Carlo batch runs the compiled path.
"""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import accord
from accord import jit
from accord.forecast import resolve_models
from accord.models.exchange import kernel
from accord.models.exchange.run import run_batch
from accord.simulation.montecarlo import batch_forecast
from accord.simulation.sampling import sample

pytest.importorskip("numba", reason="the compiled kernels need numba (pip install accord[fast])")
pytestmark = pytest.mark.skipif(not jit.enabled(), reason="compiled kernels are off (ACCORD_JIT)")


@st.composite
def batches(draw):
    """(x, s, w, has) of D cases of n actors × m issues, on a grid half the time."""
    D = draw(st.integers(1, 4))
    n = draw(st.integers(2, 6))
    m = draw(st.integers(2, 5))
    on_grid = draw(st.booleans())
    size = (D, n, m)
    seed = draw(st.integers(0, 2**32 - 1))
    rng = np.random.default_rng(seed)
    if on_grid:
        x = rng.choice([0.0, 25.0, 50.0, 75.0, 100.0], size=size)
        s = rng.choice([0.0, 0.25, 0.5, 1.0], size=size)
        c = rng.choice([1.0, 2.0, 5.0], size=(D, n, 1)) * np.ones(size)
    else:
        x = rng.uniform(0, 100, size)
        s = rng.uniform(0.05, 1, size)
        c = rng.uniform(0.1, 10, (D, n, 1)) * np.ones(size)
    has = rng.random(size) > draw(st.sampled_from([0.0, 0.2]))
    x, s, c = (np.where(has, a, 0.0) for a in (x, s, c))
    return x, s, c * s, has


@settings(max_examples=150, deadline=None)
@given(batches())
def test_one_round_equals_the_numpy_kernel_bit_for_bit(batch):
    x, s, w, has = batch
    numpy_y, _ = kernel.RoundKernel(x, s, w, has).run()
    np.testing.assert_array_equal(kernel._compiled_round(x, s, w, has), numpy_y)


@settings(max_examples=40, deadline=None)
@given(batches(), st.integers(1, 6))
def test_whole_runs_equal_the_numpy_path(batch, rounds):
    """Rounds carry the state on (next start positions): the outcomes of every round match."""
    x, s, w, has = batch
    c = np.where(s > 0, w / np.where(s > 0, s, 1.0), 0.0)
    with pytest.MonkeyPatch.context() as mp:
        mp.setattr(jit, "MIN_CASES", 1)
        fast = run_batch(x, s, c, has, rounds=rounds)
        mp.setattr(jit, "MIN_CASES", 10**9)
        slow = run_batch(x, s, c, has, rounds=rounds)
    np.testing.assert_array_equal(fast.nbs, slow.nbs)


def test_monte_carlo_draws_of_the_default_scenario_match(monkeypatch):
    """200 draws of ukraine-2025 (its uncertainty, its shocks) through the exchange model."""
    scn = accord.load_scenario("ukraine-2025")
    draws = sample(scn, 200, seed=3)
    model = next(iter(resolve_models(["exchange"])))
    fast = batch_forecast(model, draws)
    monkeypatch.setattr(jit, "MIN_CASES", 10**9)
    slow = batch_forecast(model, draws)
    np.testing.assert_array_equal(fast, slow)
    one = batch_forecast(model, draws.take(slice(17, 18)))  # a draw alone: the numpy path
    np.testing.assert_array_equal(one[0], fast[17])


def test_small_batches_and_hooks_stay_on_the_numpy_kernel(monkeypatch):
    """Below MIN_CASES, with a tie hook, a record or the randomized gain, numpy runs."""
    calls = []
    monkeypatch.setattr(kernel, "_compiled_round", lambda *a: calls.append(1) or a[0].copy())
    D = jit.MIN_CASES
    rng = np.random.default_rng(0)
    x, s = rng.uniform(0, 100, (D, 3, 2)), rng.uniform(0.1, 1, (D, 3, 2))
    has = np.ones_like(x, dtype=bool)
    kernel.exchange_round(x[:-1], s[:-1], s[:-1], has[:-1])
    kernel.exchange_round(x, s, s, has, record=True)
    kernel.exchange_round(x, s, s, has, choose=lambda case, step, tied: 0)
    gens = [np.random.default_rng(d) for d in range(D)]
    kernel.exchange_round(x, s, s, has, gain="random", p=0.5, rngs=gens)
    assert calls == []
    kernel.exchange_round(x, s, s, has)
    assert calls == [1]
