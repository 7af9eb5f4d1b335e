"""The process engine's compiled passes (accord.process._compiled, numba) against the numpy
code they transcribe: the same float32 bits for the acceptance term (log Φ summed over the
other actors, with zero, tiny and huge spreads, and infinite or missing gains), the smallest
believed gain, and the chosen offers; and the same process comparison end to end.
"""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import accord
from accord import jit
from accord.process import _compiled, compare_processes, engine

pytest.importorskip("numba", reason="the compiled kernels need numba (pip install accord[fast])")
pytestmark = pytest.mark.skipif(not jit.enabled(), reason="compiled kernels are off (ACCORD_JIT)")


@st.composite
def tables(draw):
    """Utilities U (B, P, n) with B 1 or R, no-deal payoffs d and spreads sd (R, n)."""
    R, P, n = draw(st.integers(1, 5)), draw(st.integers(1, 40)), draw(st.integers(2, 5))
    rng = np.random.default_rng(draw(st.integers(0, 2**32 - 1)))
    B = draw(st.sampled_from([1, R]))
    U = (
        rng.choice([0.0, 0.25, 0.5, 1.0], (B, P, n))
        if draw(st.booleans())
        else rng.random((B, P, n))
    )
    if draw(st.booleans()):
        U[rng.random(U.shape) < 0.1] = draw(st.sampled_from([np.inf, -np.inf, np.nan]))
    d = rng.choice([0.0, 0.5, 1e-12], (R, n)) + rng.random((R, n)) * draw(st.sampled_from([0, 1]))
    sd = rng.choice([0.0, 1e-30, 0.05, 0.3, 1e30], (R, n))
    return U, d, sd


@settings(max_examples=150, deadline=None)
@given(tables(), st.data())
def test_acceptance_terms_equal_log_phi_summed_in_numpy(t, data):
    U, d, sd = t
    R, n = d.shape
    P = U.shape[1]
    i = data.draw(st.integers(0, n - 1))
    who = np.array(data.draw(st.lists(st.booleans(), min_size=n, max_size=n)))
    start = np.random.default_rng(1).choice([0.0, -1.5, -np.inf], (R, P)).astype(np.float32)
    want = start.copy()
    for j in range(n):
        if j != i and who[j]:
            gain = U[:, :, j].astype(np.float32) - d[:, j, None].astype(np.float32)
            want += engine.log_phi(gain + np.float32(1e-9), sd[:, j, None])
    got = start.copy()
    kernel = jit.compiled(_compiled.accept_terms)
    kernel(got, U, d, engine._scale(sd), i, who, engine._table(), engine._OFFSET)
    np.testing.assert_array_equal(got, want)


@settings(max_examples=100, deadline=None)
@given(tables(), st.data())
def test_surplus_equals_the_numpy_minimum(t, data):
    U, d, _ = t
    R, n = d.shape
    i = data.draw(st.integers(0, n - 1))
    worst = np.full((R, U.shape[1]), np.inf, dtype=np.float32)
    for j in range(n):
        if j != i:
            np.minimum(
                worst, U[:, :, j].astype(np.float32) - d[:, j, None].astype(np.float32), out=worst
            )
    want = np.where(np.isinf(worst), 0.0, worst).astype(np.float32)
    got = np.empty_like(want)
    jit.compiled(_compiled.surplus)(U, d, i, got)
    np.testing.assert_array_equal(got, want)


@settings(max_examples=150, deadline=None)
@given(tables(), st.data())
def test_offers_equal_lexmax(t, data):
    U, d, _ = t
    R = d.shape[0]
    P = U.shape[1]
    rng = np.random.default_rng(data.draw(st.integers(0, 99)))
    ui = np.ascontiguousarray(U[:, :, 0])
    bound = rng.choice([-np.inf, 0.0, 0.5, 2.0], R)
    ok = rng.random(P) > 0.2
    primary = rng.choice([-np.inf, -3.0, -1e-5, 0.0], (R, P)).astype(np.float32)
    primary += rng.random((R, P)).astype(np.float32) * np.float32(1e-4)
    secondary = rng.choice([0.0, 0.1, 0.2], (R, P)).astype(np.float32)
    cand = (ui >= bound[:, None]) & ok[None]
    want_pick, want_found = engine.lexmax(cand, primary, secondary)
    pick, found = np.empty(R, dtype=np.int64), np.empty(R, dtype=bool)
    kernel = jit.compiled(_compiled.lexmax_offer)
    kernel(ui, bound, ok, primary, secondary, np.float32(engine.LEXMAX_TOL), pick, found)
    np.testing.assert_array_equal(found, want_found)
    np.testing.assert_array_equal(pick[found], want_pick[found])


def test_the_process_comparison_is_the_same_either_way(monkeypatch):
    scn = accord.load_scenario("ukraine-2025-07")
    fast = compare_processes(scn, runs=60, seed=2)
    monkeypatch.setattr(engine, "COMPILED_MIN_ROWS", 10**12)
    slow = compare_processes(scn, runs=60, seed=2)
    assert fast.to_dict() == slow.to_dict()
    for name, runs in fast.details.items():
        other = slow.details[name]
        for field in ("deal", "package", "rounds", "months", "no_deal_end", "utility"):
            np.testing.assert_array_equal(getattr(runs, field), getattr(other, field))
