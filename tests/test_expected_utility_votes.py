"""The expected-utility model's sorted O(n² log n) vote sums against the direct O(n³) sum over
voters (the reference), and the model's invariants on runs large enough to use them."""

from __future__ import annotations

import itertools

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from accord.models.expected_utility import kernel, run_expected_utility, success_probability
from accord.models.expected_utility.votes import sorted_pairs, vote_sums, vote_sums_direct

# the two forms add the same votes in another order: they agree to rounding of the vote mass
TOL = 1e-12


def _case(seed: int, shape: tuple[int, ...], decimals: int | None = None):
    g = np.random.default_rng(seed)
    x = g.uniform(0, 100, shape)
    if decimals is not None:
        x = x.round(decimals)  # shared positions and voters exactly at a midpoint
    return x, g.uniform(0.05, 1, shape), g.uniform(0.05, 1, shape), g.uniform(0.5, 2, shape)


@settings(max_examples=60, deadline=None)
@given(
    st.integers(0, 2**32 - 1),
    st.sampled_from([(2,), (3,), (9,), (40,), (3, 7), (2, 3, 30)]),
    st.sampled_from([None, 0, -1]),
)
def test_sorted_vote_sums_equal_the_direct_sum(seed, shape, decimals):
    x, c, s, r = _case(seed, shape, decimals)
    w = c * s
    delta = np.ptp(x, axis=-1) + 1.0
    pairs = sorted_pairs(x, delta)
    ws = np.take_along_axis(w, pairs.order, axis=-1)
    rs = np.take_along_axis(r, pairs.order, axis=-1)
    ys = pairs.dist ** rs[..., :, None]
    pos, net = vote_sums(pairs, ws, ys)
    ref_pos, ref_tot, ref_net = vote_sums_direct(ws, ys, chunk=5)
    scale = (ws[..., :, None] * ys).sum(axis=(-2, -1)).max() + 1.0
    np.testing.assert_allclose(pos, ref_pos, atol=TOL * scale, rtol=0)
    np.testing.assert_allclose(net, ref_net, atol=TOL * scale, rtol=0)
    np.testing.assert_allclose(2 * pos - net, ref_tot, atol=TOL * scale, rtol=0)


@pytest.mark.parametrize("rule", ["scholz", "bdm", "dmasad"])
@pytest.mark.parametrize("decimals", [None, 0])
def test_probability_above_small_n_equals_the_direct_path(monkeypatch, rule, decimals):
    x, c, s, r = _case(3, (45,), decimals)
    delta = np.array(np.ptp(x))
    fast = success_probability(x, c * s, r, delta, rule=rule)
    monkeypatch.setattr(kernel, "SMALL_N", 10**6)
    direct = success_probability(x, c * s, r, delta, rule=rule)
    # bdm/dmasad divide by the pair's own vote mass, which is small for close pairs
    np.testing.assert_allclose(fast, direct, atol=1e-9 if rule != "scholz" else 1e-13, rtol=0)


OPTIONS = [
    dict(probability=p, vote_risk=v, capitulation=cap, offer_rule=o)
    for p, v, cap, o in itertools.product(
        ("scholz", "bdm", "dmasad"), ("own", "one"), ("replication", "corrected"),
        ("scholz", "closest"),
    )
]  # fmt: skip


@pytest.mark.parametrize("options", OPTIONS, ids=lambda o: "-".join(o.values()))
def test_runs_above_small_n_equal_the_direct_path(monkeypatch, options):
    x, c, s, _ = _case(11, (32,))
    fast = run_expected_utility(x, c, s, rounds=5, **options)
    monkeypatch.setattr(kernel, "SMALL_N", 10**6)
    direct = run_expected_utility(x, c, s, rounds=5, **options)
    np.testing.assert_allclose(fast.medians, direct.medians, atol=1e-9)
    np.testing.assert_allclose(fast.positions, direct.positions, atol=1e-9)


def test_batch_equals_one_at_a_time_above_small_n():
    x, c, s, _ = _case(5, (3, 30), 0)
    batch = run_expected_utility(x, c, s, rounds=6)
    for b in range(3):
        one = run_expected_utility(x[b], c[b], s[b], rounds=6)
        np.testing.assert_array_equal(batch.medians[:, b], one.medians)
        np.testing.assert_array_equal(batch.positions[:, b], one.positions)


def test_invariants_above_small_n():
    """Actor order, capability scale and orientation of the scale change nothing (the model's
    default offer rule) on a run that uses the sorted vote sums."""
    x, c, s, _ = _case(8, (60,))
    base = run_expected_utility(x, c, s, rounds=6, offer_rule="closest")
    assert not np.allclose(base.positions[-1], base.positions[0])  # the run moved
    perm = np.random.default_rng(0).permutation(60)
    shuffled = run_expected_utility(x[perm], c[perm], s[perm], rounds=6, offer_rule="closest")
    np.testing.assert_allclose(shuffled.medians, base.medians, atol=1e-9)
    scaled = run_expected_utility(x, 7.5 * c, s, rounds=6, offer_rule="closest")
    np.testing.assert_allclose(scaled.medians, base.medians, atol=1e-9)
    flipped = run_expected_utility(100.0 - x, c, s, rounds=6, offer_rule="closest")
    np.testing.assert_allclose(100.0 - flipped.medians, base.medians, atol=1e-9)


def test_shocks_above_small_n_equal_the_direct_path(monkeypatch):
    """A schedule (actors leaving, saliences changing) on a run that uses the sorted vote sums."""
    x, c, s, _ = _case(13, (2, 30))
    rounds = 5
    active = np.ones((rounds, 2, 30), dtype=bool)
    active[2:, :, :4] = False  # four actors leave from round 3
    sal = np.broadcast_to(s, (rounds, 2, 30)).copy()
    sal[1:, :, 10] = 0.01
    sched = kernel.Schedule(salience=sal, active=active)
    fast = run_expected_utility(x, c, s, rounds=rounds, schedule=sched, offer_rule="closest")
    monkeypatch.setattr(kernel, "SMALL_N", 10**6)
    direct = run_expected_utility(x, c, s, rounds=rounds, schedule=sched, offer_rule="closest")
    np.testing.assert_allclose(fast.medians, direct.medians, atol=1e-9)
    np.testing.assert_allclose(fast.positions, direct.positions, atol=1e-9)
    assert not np.allclose(fast.positions[-1], fast.positions[0])  # the run moved
