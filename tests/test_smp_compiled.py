"""The SMP's compiled kernels (accord.models.smp._compiled, _compiled_pce; numba) against the
numpy code they transcribe: the same numbers bit for bit, on random batches (on a coarse grid
half the time, so that equal positions, tied capabilities and exact zeros are common; actors
absent under a shock; stochastic transitions), and on Monte Carlo draws of the default
scenario. A case's result must not depend on which path ran it: a forecast alone runs numpy,
the same case in a Monte Carlo batch of ``MIN_CASES`` or more runs compiled.
"""

from __future__ import annotations

import os
from contextlib import contextmanager

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import accord
from accord import jit
from accord.models.smp import SMP
from accord.models.smp.challenges import best_challenges
from accord.models.smp.constants import CAPABILITY_UNIT
from accord.models.smp.kernel import SMPOptions, report, utilities
from accord.models.smp.run import run_batch
from accord.simulation.sampling import sample

pytest.importorskip("numba", reason="the compiled kernels need numba (pip install accord[fast])")

D_MIN = jit.MIN_CASES  # the compiled path runs from this many draws


@contextmanager
def compiled_kernels(on: bool):
    """The compiled kernels on (or numpy forced with ``ACCORD_JIT=0``) inside the block."""
    before = os.environ.get("ACCORD_JIT")
    os.environ["ACCORD_JIT"] = "1" if on else "0"
    jit.enabled.cache_clear()
    try:
        yield
    finally:
        if before is None:
            del os.environ["ACCORD_JIT"]
        else:
            os.environ["ACCORD_JIT"] = before
        jit.enabled.cache_clear()


def _case(seed: int, n_draws: int, n: int, m: int, on_grid: bool):
    """Positions, saliences (rows summing to at most 1, some zeros) and capabilities > 0."""
    rng = np.random.default_rng(seed)
    size = (n_draws, n, m)
    if on_grid:  # equal positions, tied weights, exact zeros
        x = rng.choice([0.0, 0.25, 0.5, 0.75, 1.0], size=size)
        x[:, 1] = x[:, 0]  # two actors at one position
        sal = rng.choice([0.0, 0.5, 1.0], size=size)
        cap = rng.choice([1.0, 10.0, 50.0], size=(n_draws, n))
    else:
        x = rng.uniform(0, 1, size)
        sal = rng.uniform(0.05, 1, size) * (rng.random(size) > 0.15)
        cap = rng.uniform(1, 100, (n_draws, n))
    sal[..., 0] = np.where(sal.sum(axis=-1) > 0, sal[..., 0], 1.0)  # every actor cares
    sal = sal / sal.sum(axis=-1, keepdims=True) * rng.choice([0.6, 1.0], (n_draws, n, 1))
    return x, sal, cap


def _assert_same(a, b) -> None:
    np.testing.assert_array_equal(a.positions, b.positions)
    np.testing.assert_array_equal(a.turns, b.turns)
    np.testing.assert_array_equal(a.final.win_probability, b.final.win_probability)
    np.testing.assert_array_equal(a.final.unique, b.final.unique)
    np.testing.assert_array_equal(a.final.unique_probability, b.final.unique_probability)


@settings(max_examples=30, deadline=None)
@given(
    seed=st.integers(0, 2**32 - 1),
    n=st.integers(2, 9),
    m=st.integers(1, 9),
    extra=st.integers(0, 8),
    on_grid=st.booleans(),
    stochastic=st.booleans(),
    shock=st.booleans(),
)
def test_compiled_runs_equal_numpy_runs(seed, n, m, extra, on_grid, stochastic, shock):
    """Whole runs (every kernel, turn after turn): positions, turns and the final report."""
    n_draws = D_MIN + extra
    x, sal, cap = _case(seed, n_draws, n, m, on_grid)
    states = None
    if shock and n > 2:  # actor 0 absent from turn 1 in every other draw (masked elections)
        gone = np.arange(n_draws) % 2 == 0

        def states(t: int):
            act = np.ones((n_draws, n), dtype=bool)
            if t >= 1:
                act[gone, 0] = False
            return act, np.where(act[..., None], sal, 0.0), cap

    o = SMPOptions(state_transitions="Stochastic" if stochastic else "Deterministic")
    out = {}
    for on in (False, True):
        rngs = [np.random.default_rng([seed, d]) for d in range(n_draws)]
        with compiled_kernels(on):
            out[on] = run_batch(x, sal, cap, options=o, rngs=rngs, states=states, max_turns=30)
    _assert_same(out[True], out[False])


@settings(max_examples=150, deadline=None)
@given(
    seed=st.integers(0, 2**32 - 1),
    n=st.integers(2, 12),
    m=st.integers(1, 10),
    on_grid=st.booleans(),
    absent=st.sampled_from([0.0, 0.2]),
)
def test_compiled_challenges_and_state_equal_numpy(seed, n, m, on_grid, absent):
    """One state's utilities (distances, R, R̂), every challenge's P(win) and gain, and KTAB's
    report (unique positions and their probabilities)."""
    x, sal, cap = _case(seed, D_MIN, n, m, on_grid)
    act = np.random.default_rng(seed + 1).random((D_MIN, n)) >= absent
    act[:, :2] = True  # two actors present at least
    sal = np.where(act[..., None], sal, 0.0)
    unit = cap.mean(axis=-1) / CAPABILITY_UNIT
    o = SMPOptions()
    got = {}
    for on in (False, True):
        with compiled_kernels(on):
            d, r, rhat = utilities(x, x.copy(), sal, cap, act, unit, o)
            prob, gain = best_challenges(
                d, rhat, sal.sum(axis=-1), cap, act, unit, "Proportional", "SemiCommit"
            )
            rep = report(x, d, rhat, cap, act, unit, o)
        got[on] = (d, r, rhat, prob, gain, rep.win_probability, rep.unique, rep.unique_probability)
    for a, b in zip(got[True], got[False], strict=True):
        np.testing.assert_array_equal(a, b)


def test_the_compiled_kernels_run():
    """A batch of MIN_CASES goes through every compiled kernel (not silently numpy)."""
    x, sal, cap = _case(0, D_MIN, 5, 3, False)
    with compiled_kernels(True):
        run_batch(x, sal, cap, options=SMPOptions())
    names = {fn.__name__ for fn in jit._KERNELS}
    assert {
        "best_challenges_semi",
        "best_targets",
        "bargains_s2p2",
        "state_distance",
        "state_victory",
        "state_shift",
        "state_risk",
        "option_values",
        "queue_victory",
        "queue_shift",
        "queue_adopt",
        "report_victory",
        "report_probabilities",
    } <= names


def test_default_scenario_draws_equal_numpy_and_one_by_one():
    """200 draws of ukraine-2025: the compiled batch equals the numpy batch exactly, and a
    draw run alone (one case: numpy) equals the same draw in the compiled batch."""
    scn = accord.load_scenario("ukraine-2025")
    draws = sample(scn, 200, seed=0)
    model = SMP()
    with compiled_kernels(True):
        fast = model.forecast_arrays(draws)
    with compiled_kernels(False):
        np.testing.assert_array_equal(fast, model.forecast_arrays(draws))
    alone = np.array(
        [model.forecast_arrays(draws.take(np.array([d])))[0] for d in range(0, 200, 5)]
    )
    np.testing.assert_array_equal(fast[::5], alone)
