"""The compiled kernels (accord.jit, numba) against the numpy reference, in one process.

Each row runs the same call with compiled kernels on and off, alternating, ``--repeat`` times
(the first, compiling or loading numba's cache, is left out), and prints the medians, their
ratio and whether the results are bit-identical; the load average before the first run says how
busy the machine was. Run by hand, never as a timed test.

    python benchmarks/bench_compiled.py [--draws 10000] [--runs 200] [--repeat 3]

Rows: the BDM and exchange models on ``--draws`` Monte Carlo draws of ``ukraine-2025``; the process
comparison of the brief (4 processes × ``--runs`` runs) on ``ukraine-2025-07``; with the SMP's
compiled kernel where it has one, the SMP on the same draws.
"""

from __future__ import annotations

import argparse
import os
import statistics
import time
from collections.abc import Callable
from typing import Any

import numpy as np

import accord
from accord import jit


def _set(on: bool) -> None:
    os.environ["ACCORD_JIT"] = "1" if on else "0"
    jit.enabled.cache_clear()


def alternate(fn: Callable[[], Any], repeat: int) -> tuple[float, float, Any, Any]:
    """(median on, median off, last result on, last result off)."""
    for on in (True, False):  # warm-up: numba's compile or cache load, imports, tables
        _set(on)
        fn()
    times: dict[bool, list[float]] = {True: [], False: []}
    out: dict[bool, Any] = {}
    for _ in range(repeat):
        for on in (True, False):
            _set(on)
            t0 = time.perf_counter()
            out[on] = fn()
            times[on].append(time.perf_counter() - t0)
    _set(True)
    return statistics.median(times[True]), statistics.median(times[False]), out[True], out[False]


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--draws", type=int, default=10_000)
    ap.add_argument("--runs", type=int, default=200)
    ap.add_argument("--repeat", type=int, default=3)
    args = ap.parse_args()
    if not jit.enabled():
        raise SystemExit("numba is not installed (pip install accord[fast]): nothing to compare")
    from accord.forecast import resolve_models
    from accord.process import compare_processes
    from accord.report.analyses import PROCESSES
    from accord.simulation.montecarlo import batch_forecast
    from accord.simulation.sampling import sample

    print(f"load average before: {os.getloadavg()[0]:.2f} on {os.cpu_count()} CPUs")
    draws = sample(accord.load_scenario("ukraine-2025"), args.draws, seed=0)
    rows: list[tuple[str, Callable[[], Any], Callable[[Any, Any], bool]]] = []
    for name in ("bdm", "exchange", "smp"):
        model = next(iter(resolve_models([name])))
        rows.append(
            (
                f"{name}, {args.draws:,} draws of ukraine-2025",
                lambda model=model: batch_forecast(model, draws),
                lambda a, b: np.array_equal(a, b, equal_nan=True),
            )
        )
    later = accord.load_scenario("ukraine-2025-07")
    rows.append(
        (
            f"process comparison, 4 processes x {args.runs} runs, ukraine-2025-07",
            lambda: compare_processes(later, PROCESSES, runs=args.runs, seed=0),
            lambda a, b: a.to_dict() == b.to_dict(),
        )
    )
    print(f"{'call':<62} {'compiled':>9} {'numpy':>9} {'ratio':>6}  identical")
    for label, fn, same in rows:
        on, off, a, b = alternate(fn, args.repeat)
        print(f"{label:<62} {on:>8.2f}s {off:>8.2f}s {off / on:>5.1f}x  {same(a, b)}", flush=True)


if __name__ == "__main__":
    main()
