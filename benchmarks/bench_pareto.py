"""Benchmark: Pareto frontier of random utility vectors, accord against a plain numpy scan.

Run: .venv/bin/python benchmarks/bench_pareto.py [--quick]
Goals (issue 3): 100,000 packages × 2 parties ≤ 10 ms; 1,000,000 × 6 parties ≤ 2 s.

Both methods run in the same process on the same points (uniform on the unit cube, seed 0), and
their masks are checked equal. The reference is the usual plain numpy scan: visit the points in
order and let each still-undominated point remove every point it dominates (one vectorised
comparison per frontier point, a Python loop over all points). Medians of repeated runs.
"""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).parent))
from _timing import timed

from accord.bargaining import pareto_mask


def numpy_scan(u: np.ndarray) -> np.ndarray:
    """Plain numpy scan (reference): keep a point while no kept point dominates it."""
    keep = np.ones(len(u), dtype=bool)
    for i in range(len(u)):
        if keep[i]:
            rest = keep.copy()
            rest[i] = False
            idx = np.flatnonzero(rest)
            dom = (u[idx] <= u[i]).all(axis=1) & (u[idx] < u[i]).any(axis=1)
            keep[idx[dom]] = False
    return keep


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--quick", action="store_true", help="fewer repeats")
    args = ap.parse_args()
    rng = np.random.default_rng(0)
    print(f"load average at start: {os.getloadavg()[0]:.2f} on {os.cpu_count()} cores")
    print(f"{'case':<26}{'accord':>12}{'numpy scan':>14}{'ratio':>8}  frontier  same mask")
    cases = ((100_000, 2, 21, 5), (1_000_000, 6, 5, 1))
    for n, k, rep, rep_ref in cases:
        u = rng.uniform(0, 1, (n, k))
        t, mask = timed(lambda u=u: pareto_mask(u), 3 if args.quick else rep)
        tr, ref = timed(lambda u=u: numpy_scan(u), 1 if args.quick else rep_ref)
        print(
            f"{f'{n:,} packages × {k}':<26}{t * 1000:>10.1f}ms{tr * 1000:>12.0f}ms{tr / t:>8.1f}  "
            f"{int(mask.sum()):>8}  {np.array_equal(mask, ref)}"
        )


if __name__ == "__main__":
    main()
