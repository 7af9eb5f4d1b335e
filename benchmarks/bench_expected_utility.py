"""Benchmark: accord's vectorised expected-utility model against a per-dyad Python loop.

Run: .venv/bin/python benchmarks/bench_expected_utility.py
Both run in this process; medians of repeated runs, ratio = loop / vectorised. The last row times
the 500-actor run again with the direct O(n³) vote sums (``kernel.SMALL_N`` raised: the
algorithm before the sorted form) in the same process, ratio = direct / sorted (goal: the sorted
run ≤ 2 s).
"""

from __future__ import annotations

import sys
import time
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).parent))
import bdm_loop  # noqa: E402
from _timing import timed  # noqa: E402

from accord.models.expected_utility import kernel, run_expected_utility  # noqa: E402

EU = (
    [4, 7, 4, 4, 10, 10, 10, 7, 4, 7],
    [0.08, 0.08, 0.03, 0.16, 0.16, 0.16, 0.16, 0.05, 0.05, 0.08],
    [0.8, 0.4, 0.2, 0.8, 0.6, 0.6, 0.9, 0.1, 1, 0.7],
)


def main() -> None:
    print(f"{'case':<22}{'rounds':>7}{'vectorised s':>14}{'loop s':>12}{'ratio':>9}  medians equal")
    x, c, s = EU
    tv, rv = timed(lambda: run_expected_utility(x, c, s, rounds=8), 50)
    tl, rl = timed(lambda: bdm_loop.run(x, c, s, 8), 5)
    same = np.allclose(rv.medians[1:], rl, atol=1e-9)
    print(f"{'EU emissions (10)':<22}{8:>7}{tv:>14.5f}{tl:>12.4f}{tl / tv:>9.0f}  {same}")
    rng = np.random.default_rng(0)
    for n, loop_rounds in ((20, 1), (100, 0), (500, 0)):
        x, c, s = rng.uniform(0, 100, n), rng.uniform(0.1, 1, n), rng.uniform(0.1, 1, n)
        tv, rv = timed(lambda x=x, c=c, s=s: run_expected_utility(x, c, s, rounds=10), 3)
        if loop_rounds:
            tl, rl = timed(lambda x=x, c=c, s=s, k=loop_rounds: bdm_loop.run(x, c, s, k), 1)
            tl_per10 = tl * 10 / loop_rounds
            same = np.allclose(rv.medians[1 : loop_rounds + 1], rl, atol=1e-9)
            note = "" if loop_rounds == 10 else f" (loop: {loop_rounds} round(s), scaled to 10)"
            print(
                f"{f'synthetic ({n})':<22}{10:>7}{tv:>14.4f}{tl_per10:>12.2f}{tl_per10 / tv:>9.0f} "
                f" {same}{note}"
            )
        else:
            # time one dyad's probability and scale: 2 passes × n² dyads × rounds (the rest is
            # O(n²))
            w = list(c * s)
            t0 = time.perf_counter()
            bdm_loop.probability_dyad(list(x), w, [1.0] * n, float(x.max() - x.min()), 0, 1)
            per = time.perf_counter() - t0
            est = per * 2 * n * n * 10
            print(
                f"{f'synthetic ({n})':<22}{10:>7}{tv:>14.3f}{est:>12.3g}{est / tv:>9.2g}  (loop "
                "estimated from one dyad)"
            )
    small, kernel.SMALL_N = kernel.SMALL_N, 10**6  # every size on the direct O(n³) sum
    try:
        td, rd = timed(lambda: run_expected_utility(x, c, s, rounds=10), 1)
    finally:
        kernel.SMALL_N = small
    same = np.allclose(rd.medians, rv.medians, atol=1e-9)
    print(
        f"{'500, direct O(n³) sums':<22}{10:>7}{td:>14.3f}{'':>12}{td / tv:>9.1f}  {same} "
        "(ratio: direct / sorted)"
    )


if __name__ == "__main__":
    main()
