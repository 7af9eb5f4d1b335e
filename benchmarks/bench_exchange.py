"""Benchmark: the exchange model on CoP21, 10 rounds, against decide-exchange-model.

Run by hand (not a test):

    .venv/bin/python benchmarks/bench_exchange.py [--repeat 21]
        [--decide-python /tmp/decvenv/bin/python --decide-src /tmp/decide_src]

Times ``ExchangeModel().forecast`` (the whole forecast with its trace) and
``run_exchange_model`` (the model alone) on ``../shared/data/decide/cop21.tsv`` and prints
medians. With ``--decide-python`` (an interpreter that can import decide-exchange-model,
e.g. a throwaway venv under /tmp; never the project's) and ``--decide-src`` (a folder holding
its ``decide`` package, or omit if it is installed), it also times decide's model loop on the
same file, 10 rounds, in a subprocess, so the ratio comes from one run on one machine. The
goal of issue 6 is at least 100× faster than decide (11 s model alone on a 2-core machine),
i.e. at most 110 ms.

With ``--before REV`` (issue 20) it times the Monte Carlo exchange model on ukraine-2025-07
(``--mc-draws`` draws, ``--mc-repeat`` runs each, alternating) with the kernel of commit REV
(``git show REV:src/accord/models/exchange/kernel.py``, loaded in this process) and its chunks
of ``BATCH_CHUNK`` draws, against the current code, and prints the medians and their ratio;
both must give the same forecasts bit for bit.
"""

from __future__ import annotations

import argparse
import json
import statistics
import subprocess
import time
import types
from pathlib import Path

import numpy as np

import accord
from accord.models.exchange import ExchangeModel, run_exchange_model

HERE = Path(__file__).resolve().parent
COP21 = (HERE / ".." / ".." / "shared" / "data" / "decide" / "cop21.tsv").resolve()

# Drives decide's own API (EqualGainModel, ModelLoop) on a decide TSV; prints JSON timings.
DECIDE_DRIVER = r"""
import csv, json, sys, time
from decimal import Decimal
if sys.argv[2]:
    sys.path.insert(0, sys.argv[2])
from decide.model import equalgain, utils

class Quiet:
    def __getattr__(self, name):
        return lambda *a, **k: None

def build(path):
    model = equalgain.EqualGainModel()
    scale, stances = {}, []
    for row in csv.reader(open(path), delimiter="\t", quotechar="'"):
        if not row:
            continue
        if row[0] == "#A":
            model.add_actor(row[1])
        elif row[0] == "#P":
            scale[row[1]] = []
        elif row[0] == "#M":
            scale[row[1]].append(Decimal(row[2]))
        elif row[0] == "#D":
            stances.append(row[1:6])
    for name, points in scale.items():
        issue = model.add_issue(name)
        issue.lower, issue.upper = min(points), max(points)
    for actor, issue, x, s, c in stances:
        model.add_actor_issue(actor, issue, Decimal(x), Decimal(s), Decimal(c))
    return model

times = []
for _ in range(int(sys.argv[3])):
    model = build(sys.argv[1])
    loop = utils.ModelLoop(model, Quiet(), 0)
    t = time.perf_counter()
    for _ in range(10):
        loop.loop()
    times.append(time.perf_counter() - t)
print(json.dumps(times))
"""


def time_accord(scenario, repeat: int) -> dict[str, list[float]]:
    model = ExchangeModel()
    out: dict[str, list[float]] = {
        "forecast": [],
        "model alone": [],
        "randomized forecast (10 reps)": [],
    }
    model.forecast(scenario)  # warm-up
    for _ in range(repeat):
        t = time.perf_counter()
        model.forecast(scenario)
        out["forecast"].append(time.perf_counter() - t)
        t = time.perf_counter()
        run_exchange_model(scenario, rounds=10)
        out["model alone"].append(time.perf_counter() - t)
    random_model = ExchangeModel(gain="random")
    for _ in range(max(1, repeat // 4)):
        t = time.perf_counter()
        random_model.forecast(scenario, rng=np.random.default_rng(0))
        out["randomized forecast (10 reps)"].append(time.perf_counter() - t)
    return out


def time_decide(python: str, src: str, repeat: int) -> list[float]:
    res = subprocess.run(
        [python, "-c", DECIDE_DRIVER, str(COP21), src, str(repeat)],
        capture_output=True,
        text=True,
        check=True,
    )
    return json.loads(res.stdout.strip().splitlines()[-1])


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--repeat", type=int, default=21)
    ap.add_argument("--decide-python", default=None)
    ap.add_argument("--decide-src", default="")
    ap.add_argument("--decide-repeat", type=int, default=3)
    ap.add_argument(
        "--draws",
        type=int,
        nargs="*",
        default=[1000, 10000],
        help="Monte Carlo batch sizes on ukraine-2025 (none: skip)",
    )
    ap.add_argument("--before", default=None, help="commit for the before/after run")
    ap.add_argument("--mc-draws", type=int, default=10000)
    ap.add_argument("--mc-repeat", type=int, default=5)
    args = ap.parse_args()
    scenario = accord.load_scenario(COP21)
    n_ex = len(run_exchange_model(scenario, rounds=10).exchanges)
    print(
        f"CoP21: {len(scenario.actors)} actors x {len(scenario.issues)} issues, 10 rounds, "
        f"{n_ex} exchanges realised"
    )
    ours = time_accord(scenario, args.repeat)
    print(f"{'what':<40} {'median':>10} {'min':>10} {'runs':>5}")
    for what, ts in ours.items():
        print(
            f"{'accord ' + what:<40} {statistics.median(ts) * 1e3:>8.1f}ms "
            f"{min(ts) * 1e3:>8.1f}ms {len(ts):>5}"
        )
    if args.decide_python:
        theirs = time_decide(args.decide_python, args.decide_src, args.decide_repeat)
        med = statistics.median(theirs)
        print(
            f"{'decide-exchange-model model loop':<40} {med:>9.2f}s {min(theirs):>9.2f}s "
            f"{len(theirs):>5}"
        )
        for what, ts in ours.items():
            print(f"speed-up, accord {what}: {med / statistics.median(ts):.0f}x")
    monte_carlo(args.draws)
    if args.before:
        before_after(args.before, args.mc_draws, args.mc_repeat)


def before_after(rev: str, n: int, repeat: int) -> None:
    """Median wall time of ``forecast_arrays`` on ``n`` draws of ukraine-2025-07 with the kernel
    and chunking of commit ``rev`` and with the current code, runs alternating."""
    from accord.models.exchange import kernel, run
    from accord.models.exchange import model as exchange_model
    from accord.simulation.sampling import sample

    src = subprocess.run(
        ["git", "-C", str(HERE), "show", f"{rev}:src/accord/models/exchange/kernel.py"],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    old = types.ModuleType("accord.models.exchange.kernel_before")
    old.__package__ = "accord.models.exchange"  # its relative imports: today's equations
    exec(compile(src, f"{rev}:kernel.py", "exec"), old.__dict__)
    slots = exchange_model.CHUNK_SLOTS
    scn = accord.load_scenario("ukraine-2025-07")
    model = ExchangeModel()
    arrays = sample(scn, n, seed=0).for_model(model.tags.round_based)
    sides = {"before": (old, 10**12), "after": (kernel, slots)}  # before: BATCH_CHUNK draws
    times: dict[str, list[float]] = {k: [] for k in sides}
    outs = {}
    try:
        for i in range(repeat):
            for name in sorted(sides, reverse=bool(i % 2)):
                mod, exchange_model.CHUNK_SLOTS = sides[name]
                run.exchange_round = mod.exchange_round
                t0 = time.perf_counter()
                outs[name] = model.forecast_arrays(arrays, rng=np.random.default_rng(0))
                times[name].append(time.perf_counter() - t0)
    finally:
        run.exchange_round, exchange_model.CHUNK_SLOTS = kernel.exchange_round, slots
    same = np.array_equal(outs["before"], outs["after"])
    med = {k: statistics.median(v) for k, v in times.items()}
    print(f"\nukraine-2025-07, {n} draws, exchange model forecast_arrays, {repeat} runs each:")
    for k, v in times.items():
        print(
            f"  {k + ' (' + rev + ')' if k == 'before' else k:<24} median {med[k]:.3f} s, "
            f"min {min(v):.3f} s"
        )
    print(f"  ratio before/after {med['before'] / med['after']:.2f}x; bit-identical: {same}")


def monte_carlo(sizes: list[int]) -> None:
    """Monte Carlo draws of ukraine-2025: one forecast per draw against all draws at once, same
    process (both through the one kernel: a single run is its one-draw case)."""
    from accord.models.exchange import ExchangeModel
    from accord.simulation.sampling import sample

    scn = accord.load_scenario("ukraine-2025")
    model = ExchangeModel()
    loop_n = 200
    d = sample(scn, loop_n, seed=0)
    t0 = time.perf_counter()
    ref = np.array(
        [
            [model.forecast(d.scenario_at(i)).issues[x.id].value for x in scn.issues]
            for i in range(loop_n)
        ]
    )
    per_loop = (time.perf_counter() - t0) / loop_n * 1e3
    same = np.allclose(model.forecast_arrays(d), ref, atol=1e-9, rtol=0)
    print(
        f"\nukraine-2025 Monte Carlo draws: one run per draw {per_loop:.2f} ms per draw "
        f"({loop_n} draws); batch equal: {same}"
    )
    for n in sizes:
        dn = sample(scn, n, seed=0)
        ts = []
        for _ in range(3 if n <= 1000 else 1):
            t0 = time.perf_counter()
            model.forecast_arrays(dn)
            ts.append(time.perf_counter() - t0)
        per = statistics.median(ts) / n * 1e3
        print(f"  batch, {n:>6} draws: {per:.3f} ms per draw ({per_loop / per:.0f}x)")


if __name__ == "__main__":
    main()
