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
    for m in resolve_models(None, scn):
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
            f"{[m.name for m in resolve_models(args.models, scn)]}"
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
    """The spread of the forecasts over the draws (every issue) and a tornado chart, for
    docs/simulation.md, drawn with the brief's own chart specs (:mod:`accord.charts`)."""
    from accord.charts import actor_colours, interval_chart, model_colour, to_png, tornado_chart
    from accord.charts.base import SCHEMA, unique_names
    from accord.simulation.sensitivity import tornado

    folder.mkdir(parents=True, exist_ok=True)
    scn = synthetic_scenario(8, 3, seed=0)
    res = simulate(scn, 10_000, seed=1)
    q = res.quantiles()
    panels = []
    for issue in scn.issues:
        rows = [
            {
                "model": r["model"],
                "label": r["model"],
                "colour": "#000000" if r["model"] == "nash" else model_colour(r["model"]),
                **{c: float(r[c]) for c in ("q05", "q25", "q50", "q75", "q95")},
            }
            for _, r in q[q["issue"] == issue.id].iterrows()
            if not np.isnan(r["q50"])
        ]
        spec = interval_chart(issue, rows, f"issue {issue.id}")
        config = spec.pop("config")
        spec.pop("$schema")
        panels.append(spec)
    title = "Forecast spread over 10,000 draws (dot: median; box: middle 50 %; line: 90 %)"
    to_png(
        unique_names({"$schema": SCHEMA, "config": config, "title": title, "vconcat": panels}),
        folder / "simulation-fan.png",
        scale=1,
    )

    tor = tornado(scn, models=["compromise"])
    top = tor.top("compromise:i0", 8)
    colours = actor_colours(scn)
    rows = [
        {
            "label": r["label"],
            "at_low": float(r["at_low"]),
            "at_high": float(r["at_high"]),
            "low": float(r["low"]),
            "high": float(r["high"]),
            "colour": colours.get(r["actor"], "#666666")
            if isinstance(r["actor"], str)
            else "#666666",
        }
        for _, r in top.iterrows()
    ]
    to_png(
        tornado_chart(
            scn.issue("i0"),
            rows,
            float(tor.base["compromise:i0"]),
            "Tornado: each input at its low and high end (compromise forecast of issue i0)",
        ),
        folder / "simulation-tornado.png",
        scale=1,
    )
    print(f"figures written to {folder}")


if __name__ == "__main__":
    main()
