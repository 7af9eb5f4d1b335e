"""End to end: whole-process time of the commands a client runs on the default scenario.

Each command runs as its own process (start-up included), ``--no-save`` where the command
records runs, its files written to a temporary folder; reported are the median and the fastest
of the repeats, and the load average before the first run (other work on the machine slows
every figure). Goals (issue 17, a 2-core machine): ``report --short`` ≤ 8 s, ``report`` ≤ 20 s,
``sensitivity`` ≤ 30 s, ``process`` ≤ 5 s, ``forecast`` ≤ 1 s.

    python benchmarks/bench_commands.py [--repeat 3] [--only report-short,forecast] [--workers 2]

``--workers N`` adds each command that can use worker processes once more with ``-j N``.
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))
from _timing import timed

#: label → (arguments after ``accord``, goal in seconds, takes ``-j``)
COMMANDS: dict[str, tuple[list[str], float, bool]] = {
    "forecast": (["forecast", "--no-save"], 1.0, False),
    "process": (["process", "--no-save"], 5.0, False),
    "report-short": (["report", "--short", "--no-save", "-o", "{tmp}/short.html"], 8.0, True),
    "report": (["report", "--no-save", "-o", "{tmp}/brief.html"], 20.0, True),
    "sensitivity": (["sensitivity"], 30.0, True),
}


def run_command(args: list[str], repeat: int) -> tuple[float, float]:
    """(median, fastest) seconds of ``repeat`` whole-process runs of ``accord ARGS``."""
    times: list[float] = []
    with tempfile.TemporaryDirectory() as tmp:
        cmd = [sys.executable, "-m", "accord", *(a.format(tmp=tmp) for a in args)]

        def once() -> None:
            subprocess.run(cmd, check=True, capture_output=True, cwd=tmp)

        for _ in range(repeat):
            t, _ = timed(once, 1)
            times.append(t)
    times.sort()
    return times[len(times) // 2], times[0]


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--repeat", type=int, default=3)
    ap.add_argument("--only", default="", help="comma-separated labels (default: every command)")
    ap.add_argument("--workers", type=int, default=0, help="also run with -j N where it applies")
    args = ap.parse_args()
    chosen = [c for c in args.only.split(",") if c] or list(COMMANDS)
    unknown = sorted(set(chosen) - set(COMMANDS))
    if unknown:
        ap.error(f"--only names unknown commands {unknown}; use some of {sorted(COMMANDS)}")
    print(f"load average before: {os.getloadavg()[0]:.2f} on {os.cpu_count()} CPUs")
    print(f"{'command':40s} {'median s':>9s} {'fastest':>8s} {'goal':>6s}")
    for label in chosen:
        argv, goal, parallel = COMMANDS[label]
        variants = [(f"accord {' '.join(argv)}", argv)]
        if args.workers > 1 and parallel:
            j = str(args.workers)
            variants.append((f"accord {' '.join(argv)} -j {j}", [*argv, "-j", j]))
        for name, a in variants:
            median, fastest = run_command(a, args.repeat)
            shown = name.replace("{tmp}/", "")
            print(f"{shown:40s} {median:9.2f} {fastest:8.2f} {goal:6.0f}", flush=True)


if __name__ == "__main__":
    main()
