"""Sobol first- and total-order indices with bootstrap intervals, for every input at once.

The estimators are SALib's ([Herman2017]; [Saltelli2010]); this module computes them without
SALib's per-input loop (see :func:`saltelli_indices`).
"""

from __future__ import annotations

import numpy as np

__all__ = ["bootstrap_seed", "saltelli_indices"]


def bootstrap_seed(seed: int | None) -> int | None:
    """The seed handed to SALib's bootstrap: SALib ignores a falsy one (``if seed:``), so seed 0
    becomes a fixed number drawn from it, and the confidence intervals repeat run after run."""
    if seed is None or seed != 0:
        return seed
    return int(np.random.SeedSequence(0).generate_state(1)[0])


def saltelli_indices(
    y: np.ndarray, k: int, *, num_resamples: int = 100, seed: int, conf_level: float = 0.95
) -> dict[str, np.ndarray]:
    """First- and total-order indices of one output on a Saltelli design without second order
    (rows A, AB_1 … AB_k, B per base sample), with bootstrap confidence half-widths: the numbers
    ``SALib.analyze.sobol.analyze(..., calc_second_order=False, seed=seed)`` returns, to within
    float rounding (``tests/test_sensitivity.py`` holds them equal), computed for every input at
    once instead of one input at a time. SALib's loop recomputes the resampled arrays for each
    input; on the default scenario's 36 inputs and 1,024 base samples it takes 0.25–0.6 s an
    output, this about 10 ms (``benchmarks/bench_sobol_analyze.py``: 59× on 2026-12-02).
    """
    from scipy.stats import norm

    step = k + 2
    if y.ndim != 1 or y.size % step:
        raise ValueError(f"{y.size} outputs are not a Saltelli design of {k} inputs ({step} a row)")
    n = y.size // step
    y = (y - y.mean()) / y.std()  # SALib standardises each output first
    rows = y.reshape(n, step)
    a, ab, b = rows[:, 0], rows[:, 1 : k + 1], rows[:, k + 1]
    r = np.random.default_rng(seed).integers(n, size=(n, num_resamples))  # SALib's draw
    z = norm.ppf(0.5 + conf_level / 2)
    eps = np.finfo(float).eps

    # Each bootstrap resample is a multiset of the n base samples: its sums are the counts of
    # each sample times the per-sample terms, so every resample and input is one matrix product
    # (sums in another order than SALib's means, hence "to within float rounding").
    counts = np.zeros((num_resamples, n))
    np.add.at(counts, (np.broadcast_to(np.arange(num_resamples), r.shape), r), 1.0)
    terms = np.column_stack([a, b, a * a, b * b])  # for the variance of A ∪ B
    first_terms = b[:, None] * (ab - a[:, None])  # [Saltelli2010, Table 2 (b)]
    total_terms = 0.5 * (a[:, None] - ab) ** 2  # [Saltelli2010, Table 2 (f), Jansen's form]
    weights = np.vstack([np.ones(n), counts])  # row 0: the sample itself; then each resample
    sums = weights @ terms
    mean = (sums[:, 0] + sums[:, 1]) / (2 * n)
    var = ((sums[:, 2] + sums[:, 3]) / (2 * n) - mean**2)[:, None]
    first = (weights @ first_terms) / n
    total = (weights @ total_terms) / n
    ok = np.broadcast_to(var > eps, first.shape)
    s1_all = np.divide(first, var, out=np.zeros_like(first), where=ok)
    st_all = np.divide(total, var, out=np.zeros_like(total), where=ok)
    spread = np.ptp(np.concatenate([a, b])) > eps
    used = counts.sum(axis=0) > 0
    boot_spread = np.ptp(np.concatenate([a[used], b[used]])) > eps
    zero = np.zeros(k)
    return {
        "S1": s1_all[0] if spread else zero,
        "S1_conf": z * s1_all[1:].std(axis=0, ddof=1) if boot_spread else zero,
        "ST": st_all[0] if spread else zero,
        "ST_conf": z * st_all[1:].std(axis=0, ddof=1) if boot_spread else zero,
    }
