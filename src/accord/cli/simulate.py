"""Uncertainty commands: `accord simulate`, `accord sensitivity`, `accord shock`."""

from __future__ import annotations

import math
import sys
from typing import TYPE_CHECKING

import click
from rich.table import Table

from accord.scenario import Problem, ScenarioError

if TYPE_CHECKING:
    from accord.scenario import Scenario

from . import cli
from ._common import (
    console,
    console_err,
    db_option,
    emit_json,
    format_option,
    read_scenario,
    recorded,
    save_option,
    scenario_argument,
)

QUANTILE_COLS = ("q05", "q25", "q50", "q75", "q95")


def _models_option():
    from accord.models.registry import model_names

    return click.option(
        "--model",
        "-m",
        "models",
        multiple=True,
        metavar="NAME",
        help="model to run (repeatable or comma-separated; default all): "
        f"{', '.join(model_names())}",
    )


def _check_models(models: tuple[str, ...]) -> list[str] | None:
    from accord.models.registry import get_model

    names = [x.strip() for chunk in models for x in chunk.split(",") if x.strip()]
    for n in names:
        try:
            get_model(n)
        except KeyError as exc:
            raise click.BadParameter(str(exc.args[0]), param_hint="--model") from None
    return names or None


def _shock_option():
    from accord.scenario.syntax import SHOCK_SYNTAX

    return click.option(
        "--shock",
        "shock_specs",
        multiple=True,
        metavar="SPEC",
        help=f"a shock (repeatable): {SHOCK_SYNTAX}",
    )


def _parse_shocks(scn: Scenario, specs: tuple[str, ...], with_scenario: bool, file: str):
    from accord.simulation.shocks import check_shocks, parse_shock, shocks_from_scenario

    shocks = list(shocks_from_scenario(scn, file=file)) if with_scenario else []
    problems: list[Problem] = []
    parsed = []
    for k, spec in enumerate(specs):
        try:
            parsed.append(parse_shock(spec, place=f"--shock[{k}]"))
        except ScenarioError as exc:
            problems.extend(exc.problems)
    if problems:
        raise ScenarioError(problems)
    check_shocks(scn, parsed, places=[f"--shock[{k}] ({s})" for k, s in enumerate(specs)])
    return shocks + parsed


def _columns(table: Table, *names: str) -> None:
    for name in names:
        table.add_column(name, justify="right")


def _fmt(x) -> str:
    try:
        return "—" if x is None or math.isnan(x) else f"{x:.2f}"
    except TypeError:
        return str(x)


@cli.command()
@scenario_argument
@click.option(
    "--draws",
    "-n",
    type=click.IntRange(min=1),
    default=1000,
    show_default=True,
    help="number of draws",
)
@click.option(
    "--seed",
    type=int,
    default=0,
    show_default=True,
    help="seed of the run (every draw gets its own stream)",
)
@click.option(
    "--workers",
    "-j",
    type=click.IntRange(min=1),
    default=1,
    show_default=True,
    help="local worker processes",
)
@click.option(
    "--dask",
    "dask_address",
    default=None,
    metavar="ADDRESS",
    help="run chunks on this Dask distributed scheduler (e.g. tcp://10.0.0.5:8786)",
)
@_models_option()
@_shock_option()
@click.option(
    "--scenario-shocks/--no-scenario-shocks",
    default=False,
    show_default=True,
    help="also apply the shocks listed under the scenario's `extensions.shocks`",
)
@click.option(
    "--bargaining/--no-bargaining",
    default=True,
    show_default=True,
    help="run the bargaining analysis on every draw",
)
@click.option(
    "--chunk-size",
    type=click.IntRange(min=1),
    default=None,
    help="draws per chunk (default N/8, between 64 and 1024; results do not depend on it)",
)
@click.option(
    "-o",
    "--output",
    "out_dir",
    type=click.Path(file_okay=False),
    default=None,
    help="write manifest.json, draws.parquet and scenario.json to this folder",
)
@click.option(
    "--rerun",
    "rerun_dir",
    type=click.Path(file_okay=False, exists=True),
    default=None,
    help="re-run the saved run in this folder and check the results are identical",
)
@click.option(
    "--progress/--no-progress",
    default=None,
    help="progress bar on stderr (default: when a terminal)",
)
@format_option("table", "json")
@db_option
@save_option
def simulate(
    scenario: str | None,
    draws: int,
    seed: int,
    workers: int,
    dask_address: str | None,
    models: tuple[str, ...],
    shock_specs: tuple[str, ...],
    scenario_shocks: bool,
    bargaining: bool,
    chunk_size: int | None,
    out_dir: str | None,
    rerun_dir: str | None,
    progress: bool | None,
    fmt: str,
    db: str | None,
    save: bool,
) -> None:
    """Monte Carlo over every uncertain number: forecast quantiles, P(zone of agreement), red lines.

    Every quantity with an `uncertainty` is drawn afresh in each draw; every model and the
    bargaining analysis run on each draw. Ctrl-C stops the run and keeps (and saves) the draws
    that finished. The same --seed gives identical results whatever --workers or --dask.
    """
    from accord.simulation.manifest import rerun, save_run
    from accord.simulation.montecarlo import simulate as run_simulation

    if rerun_dir is not None:
        report = rerun(rerun_dir, workers=workers, dask=dask_address, progress=progress)
        if fmt == "json":
            emit_json(
                {
                    "identical": report.identical,
                    "max_abs_difference": report.max_abs_difference,
                    "draws": report.again.n_draws,
                    "folder": rerun_dir,
                }
            )
        else:
            console.print(str(report))
        if not report.identical:
            sys.exit(1)
        return
    scn = read_scenario(scenario)
    shocks = _parse_shocks(scn, shock_specs, scenario_shocks, scenario or "<default scenario>")
    names = _check_models(models)
    params = {
        "draws": draws,
        "models": names or "all",
        "shocks": list(shock_specs),
        "chunk_size": chunk_size,
        "bargaining": bargaining,
        "workers": workers,
        "dask": dask_address,
        "output": out_dir,
    }
    with recorded("simulate", scn, params, seed, db, save) as run:
        result = run_simulation(
            scn,
            draws,
            seed=seed,
            models=names,
            workers=workers,
            dask=dask_address,
            chunk_size=chunk_size,
            shocks=shocks,
            bargaining=bargaining,
            progress=progress,
        )
        saved = None
        if out_dir is not None and result.n_draws:
            saved = save_run(
                result, out_dir, extra={"command": {"workers": workers, "dask": dask_address}}
            )
        run["results"] = result.summary()
        run["timings"] = {"simulate_s": result.timings.get("total_s", 0.0)}
    if fmt == "json":
        data = result.summary()
        data["saved"] = str(saved) if saved else None
        emit_json(data)
    else:
        _print_summary(result, saved)
    if not result.complete:
        console_err.print(
            f"interrupted: kept {result.n_draws} of {result.n_requested} draws"
            + (f" in {saved}" if saved else "")
        )
        sys.exit(130)


def _print_summary(result, saved) -> None:
    scn = result.scenario
    state = "" if result.complete else f" (interrupted: {result.n_draws} of {result.n_requested})"
    console.print(
        f"[bold]{scn.metadata.title}[/bold]: {result.n_draws} draws, seed {result.seed}, "
        f"{len(result.inputs)} uncertain inputs{state}"
    )
    if not result.inputs:
        console.print("  no quantity has an `uncertainty`: every draw is the same scenario")
    for s in result.shocks:
        console.print(f"  shock: {s.describe()}")
    q = result.quantiles()
    for issue in scn.issues:
        t = Table(title=f"{issue.id}: {issue.question}", title_justify="left")
        t.add_column("model")
        for c in QUANTILE_COLS:
            t.add_column(f"{c[1:]} %", justify="right")
        t.add_column("median deal term", overflow="fold")
        for _, row in q[q["issue"] == issue.id].iterrows():
            t.add_row(
                row["model"],
                *(_fmt(row[c]) for c in QUANTILE_COLS),
                issue.scale.describe(row["q50"]) if row["q50"] == row["q50"] else "",
            )
        console.print(t)
    pz = result.p_zone_of_agreement()
    console.print(
        "P(zone of agreement exists): "
        + ("not computed (bargaining analysis unavailable or off)" if pz is None else f"{pz:.1%}")
    )
    br = result.red_line_breaches()
    if not br.empty:
        t = Table(title="P(red line breached by the forecast)", title_justify="left")
        t.add_column("actor")
        t.add_column("issue")
        t.add_column("red line", justify="right")
        models = list(dict.fromkeys(br["model"]))
        for m in models:
            t.add_column(m, justify="right")
        for (actor, issue), sub in br.groupby(["actor", "issue"], sort=False):
            p = dict(zip(sub["model"], sub["p_breach"], strict=True))
            t.add_row(actor, issue, _fmt(sub["red_line"].iloc[0]), *(f"{p[m]:.0%}" for m in models))
        console.print(t)
    console.print(f"time: {result.timings.get('total_s', 0):.2f} s")
    if saved:
        console.print(f"saved: {saved.parent} (manifest.json, draws.parquet, scenario.json)")


@cli.command()
@scenario_argument
@click.option(
    "--method", type=click.Choice(["tornado", "sobol", "both"]), default="both", show_default=True
)
@click.option(
    "--samples",
    "-n",
    type=int,
    default=1024,
    show_default=True,
    help="Sobol base sample size (power of 2); the models run n·(inputs+2) times",
)
@click.option("--seed", type=int, default=0, show_default=True)
@_models_option()
@click.option(
    "--bargaining/--no-bargaining",
    default=False,
    show_default=True,
    help="also analyse the Nash package and P(zone of agreement)",
)
@click.option(
    "--top",
    type=click.IntRange(min=1),
    default=8,
    show_default=True,
    help="inputs shown per output",
)
@format_option("table", "json")
def sensitivity(
    scenario: str | None,
    method: str,
    samples: int,
    seed: int,
    models: tuple[str, ...],
    bargaining: bool,
    top: int,
    fmt: str,
) -> None:
    """Which uncertain inputs move each forecast: tornado, Sobol indices (SALib), critical
    actors."""
    from accord.simulation.sampling import uncertain_inputs
    from accord.simulation.sensitivity import critical_actors, sobol, tornado

    scn = read_scenario(scenario)
    if not uncertain_inputs(scn):
        raise ScenarioError(
            [
                Problem(
                    scenario or "<default scenario>",
                    "file",
                    "has no uncertain inputs to analyse",
                    fix="give some quantities an `uncertainty: {low, high, shape}`",
                )
            ]
        )
    if method in ("sobol", "both") and (samples < 2 or samples & (samples - 1)):
        raise click.BadParameter(
            f"must be a power of 2 of at least 2, got {samples}", param_hint="--samples"
        )
    names = _check_models(models)
    tor = (
        tornado(scn, models=names, bargaining=bargaining, seed=seed)
        if method in ("tornado", "both")
        else None
    )
    sob = (
        sobol(scn, n=samples, seed=seed, models=names, bargaining=bargaining)
        if method in ("sobol", "both")
        else None
    )
    crit = critical_actors(sob) if sob is not None else []
    if fmt == "json":
        emit_json(
            {
                "tornado": None if tor is None else tor.frame.to_dict(orient="records"),
                "sobol": None
                if sob is None
                else {
                    "n": sob.n,
                    "evaluations": sob.evaluations,
                    "seed": sob.seed,
                    "indices": sob.frame.to_dict(orient="records"),
                },
                "critical_actors": [c.to_dict() for c in crit],
            }
        )
        return
    either = tor if tor is not None else sob
    assert either is not None
    outputs = either.outputs
    for out in outputs:
        t = Table(title=f"{out}: inputs that move it most", title_justify="left")
        t.add_column("input")
        if tor is not None:
            _columns(t, "at low", "at high", "swing")
        if sob is not None:
            _columns(t, "S1", "ST")
        if tor is not None:
            rows = tor.top(out, top)
            sidx = (
                sob.indices(out).set_index("input")
                if sob is not None and out in sob.outputs
                else None
            )
            for _, r in rows.iterrows():
                cells = [r["label"], _fmt(r["at_low"]), _fmt(r["at_high"]), _fmt(r["swing"])]
                if sob is not None:
                    cells += (
                        [_fmt(sidx.loc[r["input"], "S1"]), _fmt(sidx.loc[r["input"], "ST"])]
                        if sidx is not None
                        else ["—", "—"]
                    )
                t.add_row(*cells)
        elif sob is not None:
            if out not in sob.outputs:
                continue
            for _, r in sob.indices(out).sort_values("ST", ascending=False).head(top).iterrows():
                t.add_row(r["label"], _fmt(r["S1"]), _fmt(r["ST"]))
        console.print(t)
    if crit:
        t = Table(
            title="critical actors (total Sobol index summed over the actor's inputs, mean over "
            "outputs)",
            title_justify="left",
        )
        for name in ("rank", "actor", "score", "most influential input"):
            t.add_column(name)
        labels = {i.place: i.label for i in sob.inputs} if sob is not None else {}
        for k, c in enumerate(crit, 1):
            t.add_row(str(k), c.actor, f"{c.score:.3f}", labels.get(c.top_input or "", ""))
        console.print(t)
    if sob is not None:
        console.print(
            f"Sobol: n = {sob.n}, {sob.evaluations} model runs, seed {sob.seed} "
            "(Saltelli sampling and estimators from SALib)"
        )


@cli.command()
@scenario_argument
@_shock_option()
@click.option(
    "--scenario-shocks/--no-scenario-shocks",
    default=True,
    show_default=True,
    help="use the shocks listed under the scenario's `extensions.shocks`",
)
@click.option(
    "--draws",
    "-n",
    type=click.IntRange(min=0),
    default=0,
    show_default=True,
    help="0: compare the scenario's own values; N: compare medians over N draws",
)
@click.option("--seed", type=int, default=0, show_default=True)
@click.option("--workers", "-j", type=click.IntRange(min=1), default=1, show_default=True)
@_models_option()
@click.option("--bargaining/--no-bargaining", default=True, show_default=True)
@format_option("table", "json")
def shock(
    scenario: str | None,
    shock_specs: tuple[str, ...],
    scenario_shocks: bool,
    draws: int,
    seed: int,
    workers: int,
    models: tuple[str, ...],
    bargaining: bool,
    fmt: str,
) -> None:
    """Compare a run with scheduled shocks (an actor leaves or joins, a salience or capability
    jumps at round k) against the unshocked run."""
    from accord.simulation.shocks import compare_shocks

    scn = read_scenario(scenario)
    shocks = _parse_shocks(scn, shock_specs, scenario_shocks, scenario or "<default scenario>")
    if not shocks:
        raise click.UsageError(
            "no shocks: give --shock SPEC or list them under the scenario's `extensions.shocks`"
        )
    cmp = compare_shocks(
        scn,
        shocks,
        models=_check_models(models),
        draws=draws,
        seed=seed,
        bargaining=bargaining,
        workers=workers,
    )
    if fmt == "json":
        emit_json(cmp.to_dict())
        return
    console.print(
        f"[bold]{scn.metadata.title}[/bold]: shocked vs unshocked"
        + (
            f" (medians over {draws} draws, seed {seed})"
            if draws
            else " (the scenario's own values)"
        )
    )
    for s in shocks:
        console.print(f"  shock: {s.describe()}")
    t = Table()
    for name in ("issue", "model"):
        t.add_column(name)
    _columns(t, "unshocked", "shocked", "change")
    t.add_column("shocked deal term", overflow="fold")
    for _, r in cmp.frame.iterrows():
        t.add_row(
            r["issue"],
            r["model"],
            _fmt(r["unshocked"]),
            _fmt(r["shocked"]),
            _fmt(r["change"]),
            scn.issue(r["issue"]).scale.describe(r["shocked"])
            if r["shocked"] == r["shocked"]
            else "",
        )
    console.print(t)
    p0, p1 = cmp.p_zone
    if p0 is not None:
        console.print(f"P(zone of agreement): unshocked {p0:.0%}, shocked {p1:.0%}")
    console.print(
        "one-shot models and the bargaining analysis see every shock from round 0; "
        "round-based models apply each at its round"
    )
