"""The compiled expected-utility round (accord.models.expected_utility._compiled, numba) against
the numpy kernel it transcribes: every output of a whole run (positions, medians, risk
exponents, kinds, proposers, expected utilities) bit for bit, on random batches (on a coarse
grid half the time, so that equal positions, exact ties and cancelling offers are common; zero
saliences and capabilities), for both vote risks and both capitulation rules, and on Monte
Carlo draws of the default scenario. A case's forecast must not depend on which path ran it: a
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
from accord.models.expected_utility import kernel
from accord.simulation.montecarlo import batch_forecast
from accord.simulation.sampling import sample

pytest.importorskip("numba", reason="the compiled kernels need numba (pip install accord[fast])")
pytestmark = pytest.mark.skipif(not jit.enabled(), reason="compiled kernels are off (ACCORD_JIT)")

FIELDS = ("positions", "medians", "risk", "kind", "proposer", "eu_own", "eu_proposer")


@st.composite
def batches(draw):
    """(x, c, s) of B ≥ MIN_CASES cases of n actors, on a grid half the time."""
    B = draw(st.integers(jit.MIN_CASES, jit.MIN_CASES + 8))
    n = draw(st.sampled_from([1, 2, 3, 4, 5, 6, 7, 9, 12, 17, 24]))
    rng = np.random.default_rng(draw(st.integers(0, 2**32 - 1)))
    if draw(st.booleans()):
        x = rng.choice([0.0, 25.0, 50.0, 75.0, 100.0], size=(B, n))
        s = rng.choice([0.0, 0.25, 0.5, 1.0], size=(B, n))
        c = rng.choice([0.0, 1.0, 2.0, 5.0], size=(B, n))
    else:
        x = rng.uniform(0, 100, (B, n))
        s = rng.uniform(0.05, 1, (B, n))
        c = rng.uniform(0.1, 10, (B, n))
    return x, c, s


def both_paths(x, c, s, **kw):
    kw.setdefault("offer_rule", "closest")  # the model's default; the compiled variant
    with pytest.MonkeyPatch.context() as mp:
        mp.setattr(jit, "MIN_CASES", 1)
        fast = kernel.run_expected_utility(x, c, s, **kw)
        mp.setattr(jit, "MIN_CASES", 10**9)
        slow = kernel.run_expected_utility(x, c, s, **kw)
    return fast, slow


def assert_same(fast, slow):
    for f in FIELDS:
        a, b = getattr(fast, f), getattr(slow, f)
        assert a.dtype == b.dtype and a.shape == b.shape, f
        np.testing.assert_array_equal(a, b, err_msg=f)


@settings(max_examples=120, deadline=None)
@given(
    batches(),
    st.integers(0, 7),
    st.sampled_from(["own", "one"]),
    st.sampled_from(["replication", "corrected"]),
    st.sampled_from([None, 100.0]),
)
def test_whole_runs_equal_the_numpy_kernel_bit_for_bit(batch, rounds, risk, capitulation, delta):
    x, c, s = batch
    if rounds % 2:  # the callers' layout (a Monte Carlo's columns) must not change a bit
        c, s = np.asfortranarray(c), np.asfortranarray(s)
    fast, slow = both_paths(
        x, c, s, rounds=rounds, vote_risk=risk, capitulation=capitulation, delta=delta
    )
    assert_same(fast, slow)


def test_monte_carlo_draws_of_the_default_scenario_match(monkeypatch):
    """200 draws of ukraine-2025 through the BDM model, and one draw alone (the numpy path)."""
    scn = accord.load_scenario("ukraine-2025")
    draws = sample(scn, 200, seed=5)
    model = next(iter(resolve_models(["bdm"])))
    fast = batch_forecast(model, draws)
    monkeypatch.setattr(jit, "MIN_CASES", 10**9)
    slow = batch_forecast(model, draws)
    np.testing.assert_array_equal(fast, slow)
    for k in (0, 41, 199):  # a draw alone: the numpy path, on one case
        one = batch_forecast(model, draws.take(slice(k, k + 1)))
        np.testing.assert_array_equal(one[0], fast[k])


def test_a_case_alone_equals_the_same_case_in_a_batch():
    """The numpy path on each case alone against the compiled batch, with the batch's inputs
    in Fortran order (numpy's sums over pairwise arrays follow the memory layout)."""
    rng = np.random.default_rng(11)
    B, n = 48, 6
    x = rng.uniform(0, 100, (B, n))
    c, s = (
        np.asfortranarray(rng.uniform(1, 9, (B, n))),
        np.asfortranarray(rng.uniform(0, 1, (B, n))),
    )
    fast, _ = both_paths(x, c, s, rounds=6)
    for k in range(B):
        alone = kernel.run_expected_utility(x[k], c[k], s[k], rounds=6, offer_rule="closest")
        np.testing.assert_array_equal(alone.positions, fast.positions[:, k])
        np.testing.assert_array_equal(alone.medians, fast.medians[:, k])


def test_only_the_covered_variant_and_large_batches_run_compiled(monkeypatch):
    """Below MIN_CASES cases, with a schedule, another probability or offer rule, or more than
    SMALL_N actors, numpy runs."""
    calls = []
    real = kernel._run_compiled
    monkeypatch.setattr(kernel, "_run_compiled", lambda *a: calls.append(1) or real(*a))
    B = jit.MIN_CASES
    rng = np.random.default_rng(0)
    x, c, s = rng.uniform(0, 100, (B, 5)), rng.uniform(1, 5, (B, 5)), rng.uniform(0.1, 1, (B, 5))

    def run(*a, **kw):
        return kernel.run_expected_utility(*a, **{"rounds": 2, "offer_rule": "closest", **kw})

    run(x[:-1], c[:-1], s[:-1])
    run(x, c, s, probability="bdm")
    run(x, c, s, offer_rule="scholz")
    run(x, c, s, schedule=kernel.Schedule(salience=np.broadcast_to(s, (2, B, 5))))
    wide = rng.uniform(0, 100, (B, kernel.SMALL_N + 1))
    run(wide, np.ones_like(wide), np.ones_like(wide), rounds=1)
    assert calls == []
    run(x, c, s)
    assert calls == [1]
