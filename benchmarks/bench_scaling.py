"""How each model's time grows with actors, issues and draws (run by hand; never a timed test).

    .venv/bin/python benchmarks/bench_scaling.py                      # table on stdout
    .venv/bin/python benchmarks/bench_scaling.py --csv docs/figures/scaling.csv \
        --figure docs/figures/scaling.png          # the figures docs/performance.md shows

Three sweeps, each model alone through its public entry point, medians of ``--repeat`` runs in
one process (start-up excluded; `bench_startup.py` measures it):

* **actors**: one forecast of a synthetic scenario (`accord.simulation.synthetic`) with n actors
  and 3 issues, n = 5 .. 160;
* **issues**: 12 actors, m = 1 .. 12 issues;
* **draws**: the Monte Carlo batch kernel of each model on D draws of the default scenario
  (`ukraine-2025-07`), D = 1,000 .. 10,000, one process.

Each row also gives the time per unit (per actor², per issue, per draw) so that the growth can
be read against the kernel's order (docs/performance.md states each kernel's order and floor).
"""

from __future__ import annotations

import argparse
import csv
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))
from _timing import timed

import accord
from accord.forecast import resolve_models
from accord.simulation.montecarlo import batch_forecast
from accord.simulation.sampling import sample
from accord.simulation.synthetic import synthetic_scenario

MODELS = ("compromise", "median", "bdm", "exchange", "smp")
ACTORS = (5, 10, 20, 40, 80, 160)
ISSUES = (1, 2, 4, 8, 12)
DRAWS = (1000, 3000, 10000)


def model(name: str):
    return next(m for m in resolve_models(None) if m.name == name)


def time_forecast(m, scn, repeat: int) -> float:
    return timed(lambda: m.forecast(scn), repeat)[0]


def time_batch(m, draws, repeat: int) -> float:
    return timed(lambda: batch_forecast(m, draws), repeat)[0]


def sweep_actors(repeat: int, names=MODELS, sizes=ACTORS) -> list[dict]:
    rows = []
    for n in sizes:
        scn = synthetic_scenario(n, 3, seed=0)
        for name in names:
            t = time_forecast(model(name), scn, repeat)
            rows.append({"sweep": "actors", "model": name, "size": n, "seconds": t})
            print(f"actors {n:4d} {name:10s} {t * 1e3:9.1f} ms", flush=True)
    return rows


def sweep_issues(repeat: int, names=MODELS, sizes=ISSUES) -> list[dict]:
    rows = []
    for m_ in sizes:
        scn = synthetic_scenario(12, m_, seed=0)
        for name in names:
            t = time_forecast(model(name), scn, repeat)
            rows.append({"sweep": "issues", "model": name, "size": m_, "seconds": t})
            print(f"issues {m_:4d} {name:10s} {t * 1e3:9.1f} ms", flush=True)
    return rows


def sweep_draws(repeat: int, names=MODELS, sizes=DRAWS) -> list[dict]:
    rows = []
    scn = accord.load_scenario("ukraine-2025-07")
    for d in sizes:
        draws = sample(scn, d, seed=0)
        for name in names:
            t = time_batch(model(name), draws, repeat)
            rows.append({"sweep": "draws", "model": name, "size": d, "seconds": t})
            print(f"draws  {d:6d} {name:10s} {t:9.3f} s ({t / d * 1e6:.0f} µs a draw)")
    return rows


def figure(rows: list[dict], path: Path) -> None:
    """Three log-log panels (actors, issues, draws), one line per model, as a Vega-Lite spec
    rendered by vl-convert (the brief's renderer; the `plot` extra)."""
    import vl_convert

    titles = {"actors": "actors (3 issues)", "issues": "issues (12 actors)", "draws": "draws"}
    panels = []
    for sweep, title in titles.items():
        values = [r for r in rows if r["sweep"] == sweep]
        if not values:
            continue
        panels.append(
            {
                "width": 300,
                "height": 240,
                "title": title,
                "data": {"values": values},
                "mark": {"type": "line", "point": True},
                "encoding": {
                    "x": {
                        "field": "size",
                        "type": "quantitative",
                        "scale": {"type": "log", "nice": False},
                        "title": title,
                    },
                    "y": {
                        "field": "seconds",
                        "type": "quantitative",
                        "scale": {"type": "log", "nice": False},
                        "title": "seconds (median)",
                    },
                    "color": {"field": "model", "type": "nominal", "sort": list(MODELS)},
                },
            }
        )
    spec = {
        "$schema": "https://vega.github.io/schema/vega-lite/v5.json",
        "title": "accord: one forecast against actors and issues; the Monte Carlo kernel "
        "against draws",
        "hconcat": panels,
    }
    path.write_bytes(vl_convert.vegalite_to_png(spec, scale=1.5))


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--repeat", type=int, default=3)
    ap.add_argument("--csv", type=Path)
    ap.add_argument("--figure", type=Path)
    ap.add_argument("--only", choices=("actors", "issues", "draws"), action="append")
    args = ap.parse_args()
    sweeps = {"actors": sweep_actors, "issues": sweep_issues, "draws": sweep_draws}
    rows: list[dict] = []
    for key, fn in sweeps.items():
        if not args.only or key in args.only:
            rows += fn(args.repeat)
    if args.csv:
        with args.csv.open("w", newline="") as fh:
            w = csv.DictWriter(fh, fieldnames=["sweep", "model", "size", "seconds"])
            w.writeheader()
            w.writerows(rows)
    if args.figure:
        figure(rows, args.figure)


if __name__ == "__main__":
    main()
