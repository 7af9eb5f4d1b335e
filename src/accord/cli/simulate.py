"""The Monte Carlo command: `accord simulate` (sensitivity and shocks: :mod:`.sensitivity`)."""

from __future__ import annotations

import sys
from typing import TYPE_CHECKING

import click
from rich.table import Table

if TYPE_CHECKING:
    pass

from ._common import (
    SEED,
    bounded,
    console,
    console_err,
    db_option,
    emit_json,
    exit_now,
    format_option,
    quiet_option,
    read_scenario,
    recorded,
    save_option,
    scenario_argument,
)
from .options import (
    check_models,
    configured_models,
    fmt_number,
    model_param_option,
    models_option,
    parse_shocks,
    shock_option,
)

QUANTILE_COLS = ("q05", "q25", "q50", "q75", "q95")


@click.command()
@scenario_argument
@click.option(
    "--draws",
    "-n",
    type=bounded("draws", 1),
    default=1000,
    show_default=True,
    help="number of draws",
)
@click.option(
    "--seed",
    type=SEED,
    default=0,
    show_default=True,
    help="seed of the run (every draw gets its own stream)",
)
@click.option(
    "--workers",
    "-j",
    type=bounded("workers", 1),
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
@models_option()
@model_param_option
@shock_option()
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
    type=bounded("chunk", 1),
    default=None,
    help="draws per chunk (default: N/8 between 64 and 1024 with workers; alone, N up to 1024, "
    "else two chunks a thread of 1024-8192; results do not depend on it)",
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
@quiet_option
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
    model_params: tuple[str, ...],
    shock_specs: tuple[str, ...],
    scenario_shocks: bool,
    bargaining: bool,
    chunk_size: int | None,
    out_dir: str | None,
    rerun_dir: str | None,
    progress: bool | None,
    quiet: bool,
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

    if quiet:  # -q as on every other long command: the same as --no-progress
        progress = False

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
    shocks = parse_shocks(scn, shock_specs, scenario_shocks, scenario or "<default scenario>")
    names = check_models(models)
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
            models=configured_models(names, scn, model_params),
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
        exit_now(130)


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
                *(fmt_number(row[c]) for c in QUANTILE_COLS),
                issue.scale.describe(row["q50"]) if row["q50"] == row["q50"] else "",
            )
        console.print(t)
    pz = result.p_zone_of_agreement()
    console.print(
        "P(zone of agreement exists now): "
        + ("not computed (bargaining analysis unavailable or off)" if pz is None else f"{pz:.1%}")
    )
    if pz is not None:
        by = ", ".join(f"{t} months {result.p_zone_by(t):.0%}" for t in (12, 24, 48, 120))
        om = result.opening_month()
        median = "none within the horizon" if om.get("q50") is None else f"month {om['q50']:g}"
        console.print(f"P(zone open by): {by}; median opening: {median} (quarterly grid)")
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
            t.add_row(
                actor, issue, fmt_number(sub["red_line"].iloc[0]), *(f"{p[m]:.0%}" for m in models)
            )
        console.print(t)
    console.print(f"time: {result.timings.get('total_s', 0):.2f} s")
    if saved:
        console.print(f"saved: {saved.parent} (manifest.json, draws.parquet, scenario.json)")
