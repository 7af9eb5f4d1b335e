"""Start-up: whole-process time of the commands that should feel instant.

``accord --help`` and ``accord scenarios`` must import neither scipy nor pandas nor matplotlib
(goal: under 0.3 s on CI's 2-core machine); ``accord forecast`` (the default scenario, every
model) is timed as a whole process too, start-up included. Medians of repeated runs, next to
the bare interpreter (``python -c pass``) and ``python -c "import numpy"`` measured in the same
run, so the figures can be read against what any numpy program pays.

    python benchmarks/bench_startup.py [--repeat 7]
"""

from __future__ import annotations

import argparse
import statistics
import subprocess
import sys
import time

COMMANDS = {
    "python -c pass": [sys.executable, "-c", "pass"],
    "python -c 'import numpy'": [sys.executable, "-c", "import numpy"],
    "accord --help": [sys.executable, "-m", "accord", "--help"],
    "accord scenarios": [sys.executable, "-m", "accord", "scenarios"],
    "accord forecast": [sys.executable, "-m", "accord", "forecast", "--no-save"],
}


def whole_process(cmd: list[str], repeat: int) -> float:
    times = []
    for _ in range(repeat):
        t0 = time.perf_counter()
        subprocess.run(cmd, check=True, capture_output=True)
        times.append(time.perf_counter() - t0)
    return statistics.median(times)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--repeat", type=int, default=7)
    args = ap.parse_args()
    base = None
    print(f"{'command':32s} {'median s':>9s} {'x python':>9s}")
    for label, cmd in COMMANDS.items():
        t = whole_process(cmd, args.repeat)
        base = base or t
        print(f"{label:32s} {t:9.3f} {t / base:9.1f}")


if __name__ == "__main__":
    main()
