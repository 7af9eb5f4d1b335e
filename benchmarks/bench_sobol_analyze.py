"""Benchmark: the Sobol indices of one output on the default scenario's design size.

SALib's ``analyze`` (one input at a time, resampled arrays rebuilt for each) against
``accord.simulation.sensitivity.saltelli_indices`` (every input at once, the same numbers), in
the same process, alternating; medians of the repeats and their ratio. The default
``accord sensitivity`` analyses about 40 outputs, so a second an output is the command's time.

    python benchmarks/bench_sobol_analyze.py [--inputs 36] [--n 1024] [--repeat 7]
"""

from __future__ import annotations

import argparse
import statistics
import time

import numpy as np


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--inputs", type=int, default=36, help="uncertain inputs (default scenario)")
    ap.add_argument("--n", type=int, default=1024, help="Sobol base samples (the CLI's default)")
    ap.add_argument("--repeat", type=int, default=7)
    args = ap.parse_args()
    from SALib.analyze import sobol

    from accord.simulation.saltelli import saltelli_indices

    k, n = args.inputs, args.n
    y = np.random.default_rng(0).random(n * (k + 2)) ** 3
    problem = {"num_vars": k, "names": [f"x{j}" for j in range(k)], "bounds": [[0.0, 1.0]] * k}
    saltelli_indices(y, k, seed=7)  # imports and first-call costs out of the timing
    salib, ours = [], []
    for _ in range(args.repeat):
        t = time.perf_counter()
        ref = sobol.analyze(problem, y, calc_second_order=False, seed=7)
        salib.append(time.perf_counter() - t)
        t = time.perf_counter()
        got = saltelli_indices(y, k, seed=7)
        ours.append(time.perf_counter() - t)
    diff = max(float(np.max(np.abs(np.asarray(ref[key]) - got[key]))) for key in got)
    a, b = statistics.median(salib), statistics.median(ours)
    print(f"{k} inputs, {n} base samples, {args.repeat} alternating repeats")
    print(f"SALib analyze      median {a * 1e3:8.1f} ms an output")
    print(f"saltelli_indices   median {b * 1e3:8.1f} ms an output   ratio {a / b:.1f}x")
    print(f"largest difference {diff:.1e}")


if __name__ == "__main__":
    main()
