"""Benchmark: the dashboard's what-if path against a plain forecast, in one process.

Run: .venv/bin/python benchmarks/bench_whatif.py [--scenario ukraine-2025] [--repeat 7]

Times ``POST /api/whatif/forecast`` (validation, every model, the chart payload, JSON) through
Starlette's test client, and :func:`accord.forecast.forecast` on the same scenario with the same
models; medians of ``--repeat`` calls after one warm-up each, and their ratio. The issue's goal
for the what-if is 200 ms on CI's machine.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))
from _timing import timed

import accord
from accord.forecast import forecast
from accord.models.options import build_models


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--scenario", default="ukraine-2025")
    ap.add_argument("--repeat", type=int, default=7)
    args = ap.parse_args()
    from fastapi.testclient import TestClient

    from accord.web.app import create_app

    scn = accord.load_scenario(args.scenario)
    body = scn.model_dump(mode="json", exclude_none=True)
    models = build_models(None, scn, ())
    with tempfile.TemporaryDirectory() as tmp:
        app = create_app(Path(tmp) / "s", db=f"sqlite:///{tmp}/r.sqlite")
        with TestClient(app, base_url="http://127.0.0.1") as client:
            client.get(f"/?token={app.state.token}")

            def whatif():
                r = client.post("/api/whatif/forecast", json=body)
                r.raise_for_status()

            whatif()
            forecast(scn, models, seed=0)
            t_w, _ = timed(whatif, args.repeat)
            t_f, _ = timed(lambda: forecast(scn, models, seed=0), args.repeat)
    print(
        f"{args.scenario}: what-if {t_w * 1e3:.0f} ms, forecast alone {t_f * 1e3:.0f} ms "
        f"(medians of {args.repeat}); the what-if costs {t_w / t_f:.2f}x the forecast "
        "(goal: 200 ms)"
    )


if __name__ == "__main__":
    main()
