"""Benchmark: the process comparison of a shipped scenario, in process.

The four processes of the brief and of ``accord process`` (secret preparatory talks, a mediator,
an ultimatum, a leaders' summit), 200 runs each by default, seed 0; one warm-up call (imports,
the log Φ table), then the median and the fastest of the repeats, and the load average before
the first (other work on the machine slows every figure). Goal (issue 20, a 2-core machine):
at most 2 s.

    python benchmarks/bench_process_comparison.py [--scenario ukraine-2025-07] [--runs 200]
        [--repeat 5] [--month M]
"""

from __future__ import annotations

import argparse
import os
import time


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--scenario", default="ukraine-2025-07")
    ap.add_argument("--runs", type=int, default=200)
    ap.add_argument("--repeat", type=int, default=5)
    ap.add_argument("--month", type=int, default=None, help="talks start in this month")
    args = ap.parse_args()
    import accord
    from accord.process import compare_processes
    from accord.report.analyses import PROCESSES

    scenario = accord.load_scenario(args.scenario)
    overrides = None if args.month is None else [f"start_month={args.month}"]

    def run():
        return compare_processes(scenario, PROCESSES, runs=args.runs, seed=0, overrides=overrides)

    compare_processes(scenario, PROCESSES, runs=20, seed=0, overrides=overrides)  # warm-up
    load = os.getloadavg()[0]
    times = []
    for _ in range(args.repeat):
        t = time.perf_counter()
        run()
        times.append(time.perf_counter() - t)
    times.sort()
    mid = times[len(times) // 2]
    print(f"load average before: {load:.2f} on {os.cpu_count()} CPUs")
    print(
        f"{args.scenario}: {len(PROCESSES)} processes x {args.runs} runs, "
        f"start month {args.month if args.month is not None else 'now'}: "
        f"median {mid:.2f} s, fastest {times[0]:.2f} s ({args.repeat} repeats; goal 2 s)"
    )


if __name__ == "__main__":
    main()
