"""The analyses the dashboard can run; each returns plain JSON for the page."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from accord.forecast import forecast
from accord.models.registry import MODELS
from accord.scenario import Scenario

from .jobs import Job

__all__ = ["ANALYSES", "forecast_payload"]


def forecast_payload(scn: Scenario, seed: int = 0) -> dict[str, Any]:
    """Forecast results plus what the page needs to draw the charts (positions, weights, labels)."""
    res = forecast(scn, seed=seed)
    out = res.to_dict()
    labels = {m.name: m.label for m in MODELS}
    out["model_labels"] = {m: labels.get(m, m) for m in res.model_names}
    charts = []
    for issue in scn.issues:
        arr = scn.arrays(issue.id)
        traces = {}
        for mf in res.models:
            tr = mf.issues[issue.id].trace
            if tr is not None and tr.rounds >= 1:
                traces[mf.model] = {"actors": list(tr.actor_ids), "positions": tr.positions.tolist(),
                                    "forecast": tr.forecast.tolist()}
        charts.append({
            "issue": issue.id, "name": issue.name or issue.id, "question": issue.question,
            "min": issue.scale.min, "max": issue.scale.max,
            "labels": [[p, t] for p, t in sorted(issue.scale.labels.items())],
            "actors": [{"id": a, "position": float(x), "weight": float(w)}
                       for a, x, w in zip(arr.actor_ids, arr.position, arr.weight, strict=True)],
            "forecasts": {m.model: m.issues[issue.id].value for m in res.models},
            "traces": traces,
        })
    out["charts"] = charts
    out["actors"] = [{"id": a.id, "name": a.name} for a in scn.actors]
    return out


def run_forecast(scn: Scenario, job: Job, params: dict[str, Any]) -> dict[str, Any]:
    job.report(0.1, "running the models")
    payload = forecast_payload(scn, int(params.get("seed", 0)))
    job.report(1.0, "done")
    return payload


def run_bargain(scn: Scenario, job: Job, params: dict[str, Any]) -> dict[str, Any]:
    from accord.bargaining import analyse

    job.report(0.1, "searching the packages")
    res = analyse(scn, months=int(params.get("months", 120)), resolution=int(params.get("resolution", 11)))
    out = res.to_dict()
    out.pop("grid", None)
    return out


def run_simulate(scn: Scenario, job: Job, params: dict[str, Any]) -> dict[str, Any]:
    from accord.simulation import simulate

    job.report(0.05, "drawing inputs")
    res = simulate(scn, int(params.get("draws", 500)), seed=int(params.get("seed", 0)),
                   models=params.get("models") or ["compromise", "median", "bdm"])
    return {"quantiles": res.quantiles().to_dict(orient="records")}


#: kind -> (function, default parameters). Later analyses register here.
ANALYSES: dict[str, tuple[Callable[[Scenario, Job, dict[str, Any]], Any], dict[str, Any]]] = {
    "forecast": (run_forecast, {"seed": 0}),
    "bargain": (run_bargain, {"months": 120, "resolution": 11}),
    "simulate": (run_simulate, {"draws": 500, "seed": 0, "models": None}),
}
