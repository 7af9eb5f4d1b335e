"""Benchmark of the Monte Carlo engine (run by hand; never a timed test).

    .venv/bin/python benchmarks/bench_montecarlo.py                    # default scenario +
    synthetic
    .venv/bin/python benchmarks/bench_montecarlo.py --draws 1000 10000 100000 --workers 1 2
    .venv/bin/python benchmarks/bench_montecarlo.py --figures docs/figures   # also draw the doc
    figures

Reports, per scenario: wall time of `simulate` for each number of draws and workers (median of
``--repeat`` runs; the 1e5 run once), draws per second, and the cost of each stage on one batch
of 10,000 draws (sampling, each model's batch kernel, the bargaining analysis). The goal (issue 4)
is 10,000 draws of the default scenario through every model and the bargaining analysis in
≤ 10 s on 2 cores, with time linear in draws.
"""

from __future__ import annotations

import argparse
import platform
import statistics
import time
from pathlib import Path

import numpy as np

import accord
from accord.bargaining.arrays import analyse_arrays
from accord.forecast import resolve_models
from accord.scenario import ScenarioError
from accord.simulation.montecarlo import batch_forecast, simulate
from accord.simulation.sampling import sample, uncertain_inputs
from accord.simulation.synthetic import synthetic_scenario, with_uncertainty


def scenarios() -> dict[str, accord.Scenario]:
    out = {}
    try:
        scn = accord.load_scenario("ukraine-2025")
        out["ukraine-2025" + ("" if uncertain_inputs(scn) else " (+10 % ranges)")] = (
            scn if uncertain_inputs(scn) else with_uncertainty(scn, share=0.1)
        )
    except ScenarioError:
        pass
    out["eu-emissions-1994 (+20 % ranges)"] = with_uncertainty(
        accord.load_scenario("eu-emissions-1994"), share=0.2
    )
    out["synthetic 12 actors x 6 issues"] = synthetic_scenario(12, 6, seed=0)
    return out


def timed(fn, repeat: int) -> float:
    times = []
    for _ in range(repeat):
        t0 = time.perf_counter()
        fn()
        times.append(time.perf_counter() - t0)
    return statistics.median(times)


def stage_costs(scn, n: int = 10_000) -> dict[str, float]:
    costs = {}
    sample(scn, 10, seed=0)  # load the distributions' library (scipy) outside the timing
    t0 = time.perf_counter()
    draws = sample(scn, n, seed=0)
    costs["sampling"] = time.perf_counter() - t0
    for m in resolve_models(None):
        slow = not m.tags.batched
        part = draws.take(slice(0, 200)) if slow else draws  # per-draw path: time 200, scale up
        t0 = time.perf_counter()
        batch_forecast(m, part)
        label = f"model {m.name}" + (" (per-draw path, 200 draws x 50)" if slow else "")
        costs[label] = (time.perf_counter() - t0) * (n / part.n_draws)
    t0 = time.perf_counter()
    analyse_arrays(draws)
    costs["bargaining"] = time.perf_counter() - t0
    return costs


def main() -> None:
    ap = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    ap.add_argument("--draws", type=int, nargs="+", default=[1_000, 10_000, 100_000])
    ap.add_argument("--workers", type=int, nargs="+", default=[1, 2])
    ap.add_argument("--repeat", type=int, default=3)
    ap.add_argument(
        "--models",
        nargs="+",
        default=None,
        help="models for the timing curve (default: every registered model)",
    )
    ap.add_argument(
        "--figures", type=Path, default=None, help="write the documentation figures here"
    )
    ap.add_argument(
        "--scenario", default=None, help="only the scenarios whose name starts with this"
    )
    args = ap.parse_args()

    import os

    print(
        f"accord {accord.__version__}, numpy {np.__version__}, Python {platform.python_version()}, "
        f"{os.cpu_count()} CPUs, load average {os.getloadavg()[0]:.2f}; "
        "bargaining analysis on"
    )
    for name, scn in scenarios().items():
        if args.scenario and not name.startswith(args.scenario):
            continue
        print(
            f"\n== {name}: {len(scn.actors)} actors, {len(scn.issues)} issues, "
            f"{len(uncertain_inputs(scn))} uncertain inputs, models "
            f"{[m.name for m in resolve_models(args.models)]}"
        )
        print(f"{'draws':>8} {'workers':>7} {'seconds':>9} {'draws/s':>10} {'s per 1e4':>10}")
        for n in args.draws:
            for w in args.workers:
                rep = 1 if n >= 100_000 else args.repeat
                t = timed(
                    lambda scn=scn, n=n, w=w: simulate(
                        scn, n, seed=0, workers=w, models=args.models
                    ),
                    rep,
                )
                print(f"{n:>8} {w:>7} {t:>9.3f} {n / t:>10.0f} {t / n * 1e4:>10.3f}", flush=True)
        print("stage costs on one batch of 10,000 draws (one process):")
        for stage, sec in stage_costs(scn).items():
            print(f"  {stage:<20} {sec * 1000:>9.1f} ms")
    if args.figures:
        figures(args.figures)


def figures(folder: Path) -> None:
    """Fan chart of the forecast distributions and a tornado chart, for docs/simulation.md."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    from accord.simulation.sensitivity import tornado

    folder.mkdir(parents=True, exist_ok=True)
    scn = synthetic_scenario(8, 3, seed=0)
    res = simulate(scn, 10_000, seed=1)
    fig, axes = plt.subplots(1, len(scn.issues), figsize=(3.2 * len(scn.issues), 3.2), sharey=True)
    for k, ax in enumerate(np.atleast_1d(axes)):
        data = [res.forecasts[:, j, k] for j in range(len(res.models))]
        labels = list(res.models)
        if "nash" in res.bargain:
            data.append(res.bargain["nash"][:, k][~np.isnan(res.bargain["nash"][:, k])])
            labels.append("nash")
        ax.violinplot(data, showmedians=True, quantiles=[[0.05, 0.95]] * len(data))
        ax.set_xticks(range(1, len(labels) + 1), labels, rotation=30)
        ax.set_title(scn.issues[k].id)
    np.atleast_1d(axes)[0].set_ylabel("forecast (scale 0..100)")
    fig.suptitle("Forecast distributions over 10,000 draws (median, 5 % and 95 %)")
    fig.tight_layout()
    fig.savefig(folder / "simulation-fan.png", dpi=110)
    plt.close(fig)

    tor = tornado(scn, models=["compromise"])
    top = tor.top("compromise:i0", 8).iloc[::-1]
    base = tor.base["compromise:i0"]
    fig, ax = plt.subplots(figsize=(6.4, 3.6))
    for y, (_, r) in enumerate(top.iterrows()):
        lo, hi = sorted((r["at_low"], r["at_high"]))
        ax.barh(y, hi - lo, left=lo, color="#4a7bb7")
    ax.axvline(base, color="k", lw=1)
    ax.set_yticks(range(len(top)), top["label"])
    ax.set_xlabel("compromise forecast of issue i0")
    ax.set_title("Tornado: each input at its low and high end")
    fig.tight_layout()
    fig.savefig(folder / "simulation-tornado.png", dpi=110)
    plt.close(fig)
    print(f"figures written to {folder}")


if __name__ == "__main__":
    main()
