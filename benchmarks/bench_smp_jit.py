"""Benchmark of the SMP's compiled (numba) kernels against the numpy reference (run by hand;
never a timed test).

    .venv/bin/python benchmarks/bench_smp_jit.py                 # 10,000 draws, median of 3
    .venv/bin/python benchmarks/bench_smp_jit.py --draws 2000 --repeat 5
    .venv/bin/python benchmarks/bench_smp_jit.py --profile       # cProfile of the numpy path

Times ``batch_forecast(smp, draws)`` on draws of the default scenario (``ukraine-2025``,
sampled as ``bench_montecarlo.py`` does) with the compiled kernels on and off, alternating in
the same process (median of ``--repeat`` each; numba's compilation is excluded by a warm-up
call), checks that both paths give the same forecasts bit for bit, and prints the ratio.
Issue 20's goal: the SMP at most 1.2 s for 10,000 draws in one process (from about 6.9 s).
"""

from __future__ import annotations

import argparse
import cProfile
import os
import platform
import pstats
import statistics
import time

import numpy as np

import accord
from accord import jit
from accord.forecast import resolve_models
from accord.simulation.montecarlo import batch_forecast
from accord.simulation.sampling import sample


def set_compiled(on: bool) -> None:
    """Turn the compiled kernels on or off in this process (``ACCORD_JIT``)."""
    os.environ["ACCORD_JIT"] = "1" if on else "0"
    jit.enabled.cache_clear()


def main() -> None:
    ap = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    ap.add_argument("--draws", type=int, default=10_000)
    ap.add_argument("--repeat", type=int, default=3)
    ap.add_argument("--profile", action="store_true", help="cProfile the numpy path once")
    args = ap.parse_args()

    scn = accord.load_scenario("ukraine-2025")
    draws = sample(scn, args.draws, seed=0)
    smp = next(m for m in resolve_models(None) if m.name == "smp")
    print(
        f"accord {accord.__version__}, numpy {np.__version__}, Python "
        f"{platform.python_version()}, {os.cpu_count()} CPUs, load average "
        f"{os.getloadavg()[0]:.2f}; ukraine-2025: {len(scn.actors)} actors, "
        f"{len(scn.issues)} issues, {args.draws} draws"
    )
    if args.profile:
        set_compiled(False)
        prof = cProfile.Profile()
        prof.runcall(batch_forecast, smp, draws)
        pstats.Stats(prof).sort_stats("tottime").print_stats(20)
        return

    set_compiled(True)
    t0 = time.perf_counter()
    batch_forecast(smp, draws.take(slice(0, jit.MIN_CASES)))  # compile (or load the cache)
    print(f"warm-up (numba compile or cache load): {time.perf_counter() - t0:.2f} s")
    times: dict[bool, list[float]] = {True: [], False: []}
    cpu: dict[bool, list[float]] = {True: [], False: []}  # less sensitive to other jobs
    out: dict[bool, np.ndarray] = {}
    for _ in range(args.repeat):
        for on in (True, False):
            set_compiled(on)
            t0, c0 = time.perf_counter(), time.process_time()
            out[on] = np.asarray(batch_forecast(smp, draws))
            times[on].append(time.perf_counter() - t0)
            cpu[on].append(time.process_time() - c0)
    set_compiled(True)
    same = np.array_equal(out[True], out[False], equal_nan=True)
    on, off = statistics.median(times[True]), statistics.median(times[False])
    print(f"compiled on : median {on:.3f} s  ({', '.join(f'{t:.3f}' for t in times[True])})")
    print(f"compiled off: median {off:.3f} s  ({', '.join(f'{t:.3f}' for t in times[False])})")
    print(f"ratio off/on: {off / on:.2f}x; forecasts bit-identical: {same}")
    c_on, c_off = statistics.median(cpu[True]), statistics.median(cpu[False])
    print(f"CPU time medians: on {c_on:.3f} s, off {c_off:.3f} s, ratio {c_off / c_on:.2f}x")
    print(f"load average after: {os.getloadavg()[0]:.2f}")


if __name__ == "__main__":
    main()
