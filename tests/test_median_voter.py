"""``accord.models.median.distinct``: numpy's ``unique`` of a 1-D array (sorted, distinct, NaNs
counted once), without the masked-array check that imports ``numpy.ma`` on every forecast."""

from __future__ import annotations

import numpy as np
from hypothesis import given
from hypothesis import strategies as st

from accord.models.median import condorcet_winner, distinct

VALUES = st.sampled_from([0.0, -0.0, 1.0, 2.5, -3.0, 7.0, np.nan, np.inf])


@given(st.lists(VALUES, max_size=20))
def test_distinct_is_numpys_unique(values):
    a = np.array(values, dtype=float)
    np.testing.assert_array_equal(distinct(a), np.unique(a))


@given(st.lists(st.integers(-3, 3), max_size=20))
def test_distinct_of_integers_keeps_their_type(values):
    a = np.array(values, dtype=np.int64)
    out = distinct(a)
    assert out.dtype == a.dtype
    np.testing.assert_array_equal(out, np.unique(a))


def test_the_condorcet_winner_is_unchanged():
    """Five voters on three positions: 50 beats both ends (Black's median)."""
    assert condorcet_winner(np.array([0.0, 50.0, 50.0, 100.0, 0.0]), np.ones(5)) == 50.0
