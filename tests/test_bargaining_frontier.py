"""The exact Pareto frontier ([Kung1975]) against the plain O(P²) scan, including ties, duplicate
points, sums that round equal, and the two-party prefilter."""

from __future__ import annotations

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra.numpy import arrays

from accord.bargaining import pareto_mask, pareto_mask_reference

values = st.sampled_from([0.0, 0.1, 0.2, 0.3, 1 / 3, 0.5, 1e-17, 1.0, 1 - 1e-16])


@settings(max_examples=150, deadline=None)
@given(
    st.integers(1, 6).flatmap(
        lambda k: arrays(np.float64, st.tuples(st.integers(1, 120), st.just(k)), elements=values)
    ),
    st.integers(1, 16),
    st.integers(1, 8),
)
def test_frontier_equals_the_quadratic_scan(u, block, first):
    mask = pareto_mask(u, block=block, first=first)
    np.testing.assert_array_equal(mask, pareto_mask_reference(u))
    front = u[mask]
    # every frontier point undominated by every point, every point weakly dominated by the frontier
    for p in front:
        assert not (((u >= p).all(axis=1)) & ((u > p).any(axis=1))).any()
    for p in u:
        assert (front >= p).all(axis=1).any()


def test_rounded_equal_sums_at_a_block_boundary():
    """q = (1e-17, 1, 1) dominates p = (0, 1, 1), yet both sums round to 2.0; with blocks of one
    point p must not be declared final before q is seen."""
    u = np.array([[0.0, 1.0, 1.0], [1e-17, 1.0, 1.0], [0.5, 0.2, 0.1]])
    assert u[0].sum() == u[1].sum()
    for order in (slice(None), slice(None, None, -1)):
        assert (
            pareto_mask(u[order], block=1, first=1).tolist()
            == pareto_mask_reference(u[order]).tolist()
        )


def test_two_party_frontier_of_a_line_keeps_every_point():
    x = np.linspace(0, 1, 1001)
    u = np.column_stack([x, 1 - x])
    assert pareto_mask(u).all()
