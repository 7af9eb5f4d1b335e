"""The analyses the dashboard can run; each returns plain JSON for the page."""

from __future__ import annotations

import math
from collections.abc import Callable
from typing import Any

from accord import charts as vl
from accord.forecast import forecast
from accord.models.registry import MODELS
from accord.scenario import Scenario

from .jobs import Job
from .params import PARAMS

__all__ = ["ANALYSES", "explore_payload", "forecast_payload"]


def forecast_payload(
    scn: Scenario,
    seed: int = 0,
    model_params: list[str] | tuple[str, ...] = (),
    *,
    specs: bool = True,
) -> dict[str, Any]:
    """Forecast results plus what the page needs to draw the charts: per issue the data
    (positions, weights, labels) and, with ``specs``, the Vega-Lite specs the brief draws too
    (``spec``, and ``spec`` in each round-based model's trace; the what-if, a table, goes
    without)."""
    from accord.models.options import build_models

    res = forecast(scn, build_models(None, scn, tuple(model_params)), seed=seed)
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
                label = labels.get(mf.model, mf.model)
                traces[mf.model] = {
                    "actors": list(tr.actor_ids),
                    "positions": tr.positions.tolist(),
                    "forecast": tr.forecast.tolist(),
                }
                if specs:
                    traces[mf.model]["spec"] = vl.trajectory_chart(
                        scn,
                        mf.issues[issue.id],
                        f"{label}: positions by round on {issue.name or issue.id}",
                    )
        charts.append(
            {
                "issue": issue.id,
                "name": issue.name or issue.id,
                "question": issue.question,
                "min": issue.scale.min,
                "max": issue.scale.max,
                "labels": [[p, t] for p, t in sorted(issue.scale.labels.items())],
                "actors": [
                    {"id": a, "position": float(x), "weight": float(w)}
                    for a, x, w in zip(arr.actor_ids, arr.position, arr.weight, strict=True)
                ],
                "forecasts": {m.model: m.issues[issue.id].value for m in res.models},
                "traces": traces,
            }
        )
        if specs:
            charts[-1]["spec"] = vl.forecast_chart(res, issue.id)
    out["charts"] = charts
    out["actors"] = [{"id": a.id, "name": a.name} for a in scn.actors]
    return out


def explore_payload(
    scn: Scenario,
    model: str | None = None,
    issue: str | None = None,
    x: str | None = None,
    y: str | None = None,
    seed: int = 0,
    model_params: list[str] | tuple[str, ...] = (),
) -> dict[str, Any]:
    """The Explore panel's data: the round-based models, issues and actors, the chosen model's
    rows of :func:`accord.charts.explore.positions_frame`, and the two specs (one issue by
    round, two issues by round) for the choices (defaults: the first model, the first issues).
    ``model_params`` (``MODEL.OPTION=VALUE``) configure the models, as on the Analyses tab.
    Raises ValueError naming the choice that does not fit."""
    from accord.charts import explore
    from accord.models.options import build_models

    res = forecast(scn, build_models(None, scn, tuple(model_params)), seed=seed)
    labels = {m.name: m.label for m in MODELS}
    frame = explore.positions_frame(scn, res.models, labels)
    models = {m["model"]: m for m in frame["models"]}
    if not models:
        raise ValueError("no model of this scenario runs in rounds")
    model = model or next(iter(models))
    if model not in models:
        raise ValueError(f"model must be one of {sorted(models)}, got {model!r}")
    issues = models[model]["issues"]
    issue = issue or issues[0]
    x = x or issues[0]
    y = y or (issues[1] if len(issues) > 1 else issues[0])
    for what, value in (("issue", issue), ("x", x), ("y", y)):
        if value not in issues:
            raise ValueError(f"{what} must be one of {issues}, got {value!r}")
    return {
        **{k: frame[k] for k in ("models", "issues", "actors")},
        "choice": {"model": model, "issue": issue, "x": x, "y": y},
        "positions": [r for r in frame["positions"] if r["model"] == model],
        "forecast": [r for r in frame["forecast"] if r["model"] == model],
        "turn_spec": explore.turn_chart(scn, frame, model, issue),
        "pair_spec": explore.two_issue_chart(scn, frame, model, x, y),
    }


def run_forecast(scn: Scenario, job: Job, params: dict[str, Any]) -> dict[str, Any]:
    job.report(0.1, "running the models")
    payload = forecast_payload(scn, int(params.get("seed", 0)), params.get("model_params") or ())
    job.report(0.95, "drawing the charts")
    return payload


def run_bargain(scn: Scenario, job: Job, params: dict[str, Any]) -> dict[str, Any]:
    from accord.bargaining import analyse

    job.report(0.1, "searching the packages")
    res = analyse(
        scn, months=int(params.get("months", 120)), resolution=int(params.get("resolution", 11))
    )
    job.report(0.9, "drawing the map")
    out = res.to_dict()
    out.pop("grid", None)
    out["names"] = {a.id: a.name for a in scn.actors}
    war = scn.war is not None
    out["specs"] = {
        "ripeness": vl.ripeness_chart(
            res,
            "Ripeness: the zone of agreement as "
            + ("the war goes on" if war else "time passes without a deal"),
            xlabel="months of continued war" if war else "months without a deal",
        )
    }
    # every party's utilities of the shown packages: the page draws any pair from them
    out["map"] = vl.map_frame(res)
    if out["map"] is not None:
        x, y = out["map"]["opposed"]
        out["specs"]["map"] = vl.map_spec(out["map"], x, y, MAP_TITLE)
    return out


#: The bargaining map's title in the dashboard (any pair of parties can be chosen there).
MAP_TITLE = "Bargaining map"


def _issue_frame(issue) -> dict[str, Any]:
    return {
        "issue": issue.id,
        "name": issue.name or issue.id,
        "min": issue.scale.min,
        "max": issue.scale.max,
        "labels": [[p, t] for p, t in sorted(issue.scale.labels.items())],
    }


def _finite(x: Any) -> float | None:
    x = float(x)
    return x if math.isfinite(x) else None


QUANTILES = ("q05", "q25", "q50", "q75", "q95")


def run_simulate(scn: Scenario, job: Job, params: dict[str, Any]) -> dict[str, Any]:
    """Monte Carlo: per issue and model the 5/25/50/75/95 % quantiles (the brief's spreads)."""
    from accord.models.options import build_models
    from accord.report.sections import batched_models
    from accord.simulation import simulate

    names = params.get("models") or batched_models(scn)
    models = build_models(names, scn, tuple(params.get("model_params") or ()))
    draws = int(params.get("draws", 500))
    job.report(0.05, f"drawing {draws} sets of inputs")

    def progress(done: int, total: int) -> None:
        job.report(0.05 + 0.9 * done / max(total, 1), f"{done} of {total} chunks of draws")

    res = simulate(scn, draws, seed=int(params.get("seed", 0)), models=models, on_chunk=progress)
    job.report(0.96, "summarising the draws")
    q = res.quantiles()
    labels = {m.name: m.label for m in MODELS} | {"nash": "Nash package"}
    issues = []
    for issue in scn.issues:
        rows = [
            {
                "model": r.model,
                "label": labels.get(r.model, r.model),
                **{c: _finite(getattr(r, c)) for c in QUANTILES},
            }
            for r in q[q["issue"] == issue.id].itertuples()
        ]
        kept = [r for r in rows if all(r[c] is not None for c in QUANTILES)]
        frame: dict[str, Any] = {**_issue_frame(issue), "rows": kept}
        if kept:
            frame["spec"] = vl.interval_chart(
                issue,
                [
                    {
                        **r,
                        "colour": "#000000"
                        if r["model"] == "nash"
                        else vl.model_colour(r["model"]),
                    }
                    for r in kept
                ],
                f"Spread over draws: {issue.name or issue.id}",
            )
        issues.append(frame)
    return {
        "draws": res.n_draws,
        "models": [m.name for m in models],
        "p_zone": res.p_zone_of_agreement(),
        "issues": issues,
        "quantiles": q.to_dict(orient="records"),
    }


def run_process(scn: Scenario, job: Job, params: dict[str, Any]) -> dict[str, Any]:
    """The process comparison (the brief's process section) at one starting month.

    The processes run one at a time so the job reports each one; the result is the same as one
    call for all of them (they share the prior beliefs drawn from the seed, and each draws its
    signals from a stream named after it: see :func:`accord.process.compare_processes`)."""
    from dataclasses import replace

    from accord.process import compare_processes

    overrides = [f"start_month={float(params.get('month', 0))}"]
    if params.get("strategy"):
        overrides.append(f"default_strategy={params['strategy']}")
    processes = [p.strip() for p in str(params.get("compare")).split(",") if p.strip()]
    runs = int(params.get("runs", 100))
    parts = []
    for k, name in enumerate(processes):
        job.report(
            0.02 + 0.93 * k / max(len(processes), 1),
            f"simulating the talks: {name} ({k + 1} of {len(processes)} processes, {runs} runs)",
        )
        parts.append(
            compare_processes(
                scn, [name], runs=runs, seed=int(params.get("seed", 0)), overrides=overrides
            )
        )
    if not parts:  # no process named: the library's own message
        parts.append(
            compare_processes(
                scn, [], runs=runs, seed=int(params.get("seed", 0)), overrides=overrides
            )
        )
    cmp = replace(
        parts[0],
        processes=tuple(p for part in parts for p in part.processes),
        details={k: v for part in parts for k, v in part.details.items()},
    )
    job.report(0.95, "summarising the talks")
    out = cmp.to_dict()
    out["names"] = {a.id: a.name for a in scn.actors}
    out["specs"] = [
        vl.process_chart(
            [p.process for p in cmp.processes],
            [p.p_deal for p in cmp.processes],
            [p.p_breakdown for p in cmp.processes],
            [p.p_escalation for p in cmp.processes],
            f"How the talks end ({runs} runs per process)",
            breakdown_label="breakdown (talks end, "
            + ("war goes on)" if scn.war is not None else "no deal)"),
        )
    ]
    return out


def run_sensitivity(scn: Scenario, job: Job, params: dict[str, Any]) -> dict[str, Any]:
    """For any one model: the one-at-a-time tornado per issue (the brief's tornado charts),
    the Sobol indices per issue (``accord sensitivity --method sobol``), or both."""
    from accord.simulation.sampling import uncertain_inputs
    from accord.simulation.sensitivity import sobol, tornado

    model = str(params.get("model", "bdm"))
    method = str(params.get("method", "tornado"))
    seed, top = int(params.get("seed", 0)), int(params.get("top", 8))
    out: dict[str, Any] = {"model": model, "method": method, "issues": []}
    if method in ("tornado", "both"):
        job.report(0.05, "tornado: moving each input to its low and high end")
        res = tornado(scn, models=[model], seed=seed)
        out["issues"] = _tornado_frames(scn, model, res, top)
    if method in ("sobol", "both"):
        n = int(params.get("n", 256))
        runs = n * (len(uncertain_inputs(scn)) + 2)
        job.report(0.5 if method == "both" else 0.05, f"Sobol indices: {runs:,} runs of {model}")
        sob = sobol(scn, n=n, seed=seed, models=[model])
        out["sobol"] = {
            "n": sob.n,
            "evaluations": sob.evaluations,
            "issues": _sobol_frames(scn, model, sob, top),
        }
    job.report(0.95, "ranking the inputs")
    return out


#: the Sobol chart shows the inputs whose total index is at least this share of the variance
SOBOL_SHOWN = 0.01


def _sobol_frames(scn: Scenario, model: str, sob: Any, top: int) -> list[dict[str, Any]]:
    """Per issue: the inputs with the largest total Sobol index, and their chart."""
    from accord.report.sections import input_label

    names = {a.id: a.name for a in scn.actors}
    frames = []
    for issue in scn.issues:
        name = f"{model}:{issue.id}"
        if name not in sob.outputs:
            continue
        idx = sob.indices(name).sort_values("ST", ascending=False, kind="stable").head(top)
        rows: list[dict[str, Any]] = [
            {
                "label": input_label(r, names),
                **{k: _finite(getattr(r, k)) for k in ("S1", "S1_conf", "ST", "ST_conf")},
            }
            for r in idx.itertuples()
        ]
        frame: dict[str, Any] = {**_issue_frame(issue), "rows": rows}
        drawn = [r for r in rows if r["S1"] is not None and float(r["ST"] or 0.0) >= SOBOL_SHOWN]
        if drawn and sob.variance.get(name, 0.0) > 0:
            frame["spec"] = vl.sobol_chart(
                drawn, f"What moves the forecast on {issue.name or issue.id} (Sobol, n = {sob.n})"
            )
        frames.append(frame)
    return frames


def _tornado_frames(scn: Scenario, model: str, res: Any, top: int) -> list[dict[str, Any]]:
    """Per issue: the inputs with the widest swing, and their tornado chart."""
    from accord.report.sections import input_label

    names = {a.id: a.name for a in scn.actors}
    colours = vl.actor_colours(scn)
    issues = []
    for issue in scn.issues:
        out = f"{model}:{issue.id}"
        if out not in res.outputs:
            continue
        best = res.top(out, top)
        rows = [
            {
                "label": input_label(r, names),
                "actor": r.actor if isinstance(r.actor, str) else None,
                "low": _finite(r.low),
                "high": _finite(r.high),
                "at_low": _finite(r.at_low),
                "at_high": _finite(r.at_high),
                "swing": _finite(r.swing),
            }
            for r in best.itertuples()
        ]
        moved = [r for r in rows if isinstance(r["swing"], float) and r["swing"] > 0]
        frame: dict[str, Any] = {
            **_issue_frame(issue),
            "base": _finite(res.base[out]),
            "rows": moved,
        }
        drawn = [r for r in moved if None not in (r["low"], r["high"], r["at_low"], r["at_high"])]
        if drawn and frame["base"] is not None:
            frame["spec"] = vl.tornado_chart(
                issue,
                [{**r, "colour": colours.get(str(r["actor"] or ""), "#666666")} for r in drawn],
                frame["base"],
                f"What moves the forecast on {issue.name or issue.id}",
            )
        issues.append(frame)
    return issues


def run_compare(
    scn: Scenario, job: Job, params: dict[str, Any], *, other: Scenario | None = None
) -> dict[str, Any]:
    """``accord diff`` in the dashboard: every input that changed from the scenario ``against``
    (A) to the open one (B), with the evidence on both sides, and how every answer moved."""
    from accord.report.diff import compare_scenarios

    if other is None:
        raise ValueError("the comparison needs the scenario it compares with (`against`)")
    job.report(0.1, "running both versions")
    cmp = compare_scenarios(
        other,
        scn,
        draws=int(params.get("draws", 200)),
        runs=int(params.get("runs", 50)),
        seed=int(params.get("seed", 0)),
        files=(str(params.get("against")), "the open scenario"),
    )
    job.report(0.95, "listing what moved")
    out = cmp.to_dict()
    out["answers"] = [m for m in out["answers"] if m["moved"]]
    out["unmoved"] = len(cmp.answers) - len(out["answers"])
    return out


_RUNNERS: dict[str, Callable[..., Any]] = {
    "forecast": run_forecast,
    "bargain": run_bargain,
    "simulate": run_simulate,
    "process": run_process,
    "sensitivity": run_sensitivity,
    "compare": run_compare,
}

#: kind -> (function, default parameters); the parameters' ranges are in :data:`PARAMS`
ANALYSES: dict[str, tuple[Callable[..., Any], dict[str, Any]]] = {
    kind: (fn, PARAMS[kind]().model_dump()) for kind, fn in _RUNNERS.items()
}
