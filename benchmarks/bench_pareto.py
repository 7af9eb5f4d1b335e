"""Benchmark: Pareto frontier of random utility vectors, accord against a plain numpy scan.

Run: .venv/bin/python benchmarks/bench_pareto.py
Goals (issue 3): 100,000 packages × 2 parties ≤ 10 ms; 1,000,000 × 6 parties ≤ 2 s.
The reference is the plain O(P²) numpy scan, run on a subset and scaled, in the same process.
"""

from __future__ import annotations

import sys
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).parent))
from _timing import timed  # noqa: E402

from accord.bargaining import pareto_mask, pareto_mask_reference




def main() -> None:
    rng = np.random.default_rng(0)
    print(f"{'case':<28}{'accord':>12}{'numpy scan':>14}{'ratio':>8}  frontier")
    for n, k, repeat in ((100_000, 2, 15), (1_000_000, 6, 3)):
        u = rng.uniform(0, 1, (n, k))
        t, mask = timed(lambda: pareto_mask(u), repeat)
        sub = 2000
        ts, _ = timed(lambda: pareto_mask_reference(u[:sub]), 3)
        scan = ts * (n / sub) ** 2                  # the scan is O(P²)
        check = np.array_equal(pareto_mask(u[:sub]), pareto_mask_reference(u[:sub]))
        print(f"{f'{n:,} packages × {k}':<28}{t * 1000:>10.1f}ms{scan:>12.1f}s {scan / t:>8.0f}  "
              f"{int(mask.sum())} points; subset agrees: {check}")


if __name__ == "__main__":
    main()
