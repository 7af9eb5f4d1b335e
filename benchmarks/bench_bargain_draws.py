"""Benchmark: the Monte Carlo's bargaining kernel on draws of a shipped scenario.

Run: .venv/bin/python benchmarks/bench_bargain_draws.py [--scenario ukraine-2025] [--draws 10000]
[--repeat 3]

Times :func:`accord.bargaining.arrays.analyse_arrays` (zone now, Nash package, the opening month
over the Monte Carlo's quarterly months 0..120) on the scenario's draws, and the same with its
red lines made to stay put (no ``red_line_follows_front``), so the cost of the month-by-month
red lines shows; medians of ``--repeat`` runs in one process, with P(zone by 12, 48 months).
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))
from _timing import timed

import accord
from accord.bargaining.arrays import RIPENESS_MONTHS, analyse_arrays
from accord.scenario import scenario_from_dict
from accord.simulation.sampling import sample


def _staying(scn):
    data = scn.model_dump(mode="json", exclude_none=True)
    for actor in data["actors"]:
        for stance in actor["stances"].values():
            stance.pop("red_line_follows_front", None)
    return scenario_from_dict(data)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--scenario", default="ukraine-2025")
    ap.add_argument("--draws", type=int, default=10_000)
    ap.add_argument("--repeat", type=int, default=3)
    args = ap.parse_args()
    scn = accord.load_scenario(args.scenario)
    for label, s in (("as shipped", scn), ("red lines stay put", _staying(scn))):
        draws = sample(s, args.draws, seed=0)
        sec, out = timed(lambda d=draws: analyse_arrays(d, months=RIPENESS_MONTHS), args.repeat)
        by = {m: float((out["opens"] <= m).mean()) for m in (12, 48)}
        print(
            f"{args.scenario}, {label}: {args.draws} draws in {sec:.2f} s "
            f"({sec / args.draws * 1e3:.3f} ms a draw); P(zone by 12) {by[12]:.2%}, "
            f"by 48 {by[48]:.2%}"
        )


if __name__ == "__main__":
    main()
