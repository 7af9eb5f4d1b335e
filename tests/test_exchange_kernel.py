"""The exchange kernel's faster paths (issue 20) change no number.

The candidate exchanges of a round are found through one code per (case, issue pair, actor);
here they are checked against [Stokman1994]'s conditions written out case by case. The Monte
Carlo chunks are sized to the cache (``chunk_size``); here the default scenario's draws, in
small chunks and in one, equal the former implementation (tests/oracles) bit for bit.
"""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from oracles import exchange_oracle as oracle

import accord
from accord.models.exchange import ExchangeModel, kernel, model
from accord.models.exchange.equations import nbs, supplies_other
from accord.simulation.sampling import sample


def _reference_candidates(x, s, w, has):
    """Each case's candidates (A, IA, B, IB) in canonical order, from the paper's conditions:
    for issue pairs p < q, the two partners by index, lower first (either may be the one right
    of the outcome on q), on opposite sides of the outcome on both issues (left: at or below
    it), both with a stance of positive weight on both; roles by (R)."""
    out = []
    for d in range(len(x)):
        o = nbs(x[d], w[d])
        left = x[d] <= o
        ok = has[d] & (w[d] > 0)
        n, m = x[d].shape
        cands = []
        for p in range(m):
            for q in range(p + 1, m):
                pairs = [(i, j) for i in range(n) for j in range(n)]
                pairs.sort(key=lambda ij: (min(ij), max(ij)))  # the orientation-free order
                for i, j in pairs:
                    if not (ok[i, p] and ok[i, q] and ok[j, p] and ok[j, q]):
                        continue
                    if left[i, q] or left[i, p] == left[j, p] or left[i, q] == left[j, q]:
                        continue
                    swap = supplies_other(s[d, i, p], s[d, i, q], s[d, j, p], s[d, j, q])
                    a, b = (j, i) if swap else (i, j)
                    cands.append((a, q, b, p))  # A supplies q and demands p
        out.append(cands)
    return out


@settings(max_examples=30, deadline=None)
@given(
    seed=st.integers(0, 10_000),
    cases=st.sampled_from([1, 3, kernel.INDEX_LOOKUP_MAX + 2]),
    n=st.integers(2, 7),
    m=st.integers(1, 5),
)
def test_candidates_follow_the_papers_conditions(seed, cases, n, m):
    rng = np.random.default_rng(seed)
    has = rng.random((cases, n, m)) < 0.85
    has[:, 0] = True  # every issue has a stance (no outcome from an empty mean)
    x = np.where(has, rng.choice([0.0, 25.0, 50.0, 100.0, 37.5], (cases, n, m)), 0.0)
    s = np.where(has, rng.random((cases, n, m)), 0.0)
    w = s * np.where(has, rng.random((cases, n, m)), 0.0)
    k = kernel.RoundKernel(x, s, w, has)
    got = [
        [
            (int(k.A[d, t]), int(k.IA[d, t]), int(k.B[d, t]), int(k.IB[d, t]))
            for t in np.flatnonzero(k.valid[d])
        ]
        for d in range(cases)
    ]
    assert got == _reference_candidates(x, s, w, has)
    assert (np.diff(k.valid.astype(int), axis=1) <= 0).all()  # candidates, then padding


def test_chunk_size_follows_the_slots_a_case():
    assert model.chunk_size(6, 7) == model.CHUNK_SLOTS // (9 * 21)
    assert model.chunk_size(3, 2) == model.BATCH_CHUNK  # small cases: the largest chunk
    assert model.chunk_size(60, 9) == model.MIN_CHUNK


@pytest.mark.parametrize("chunk", [None, 150, 10_000])
def test_default_scenario_draws_equal_the_former_implementation(monkeypatch, chunk):
    scn = accord.load_scenario("ukraine-2025-07")
    draws = sample(scn, 300, seed=3).for_model(True)
    expected = oracle.ExchangeModel().forecast_arrays(draws)
    if chunk is not None:  # chunks of 150 (two, above the index limit) or one of all draws
        monkeypatch.setattr(model, "chunk_size", lambda n, m: chunk)
    got = ExchangeModel().forecast_arrays(draws, rng=np.random.default_rng(0))
    assert np.array_equal(got, expected)
