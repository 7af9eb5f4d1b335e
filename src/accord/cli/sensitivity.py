"""Sensitivity and shocks: `accord sensitivity`, `accord shock`."""

from __future__ import annotations

from typing import TYPE_CHECKING

import click
from rich.table import Table

from accord.scenario import Problem, ScenarioError

if TYPE_CHECKING:
    pass

from ._common import (
    SEED,
    bounded,
    console,
    db_option,
    emit_json,
    format_option,
    quiet_option,
    read_scenario,
    recorded,
    save_option,
    scenario_argument,
    stages,
)
from .options import (
    add_columns,
    check_models,
    configured_models,
    fmt_number,
    model_param_option,
    models_option,
    parse_shocks,
    shock_option,
)


@click.command()
@scenario_argument
@click.option(
    "--method", type=click.Choice(["tornado", "sobol", "both"]), default="both", show_default=True
)
@click.option(
    "--samples",
    "-n",
    type=bounded("samples", 1),
    default=1024,
    show_default=True,
    help="Sobol base sample size (power of 2); the models run n·(inputs+2) times",
)
@click.option("--seed", type=SEED, default=0, show_default=True)
@models_option()
@model_param_option
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
@click.option(
    "--workers",
    "-j",
    type=bounded("workers"),
    default=1,
    show_default=True,
    help="local processes that run the models on the Sobol samples (the indices are the same; "
    "pays only with idle cores)",
)
@format_option("table", "json")
@db_option
@save_option
@quiet_option
def sensitivity(
    scenario: str | None,
    method: str,
    samples: int,
    seed: int,
    models: tuple[str, ...],
    model_params: tuple[str, ...],
    bargaining: bool,
    top: int,
    workers: int,
    fmt: str,
    db: str | None,
    save: bool,
    quiet: bool,
) -> None:
    """Which uncertain inputs move each forecast: tornado, Sobol indices (SALib), critical
    actors."""
    from accord.simulation.sampling import uncertain_inputs

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
    names = check_models(models)
    params = {
        "method": method,
        "samples": samples,
        "models": names or "all",
        "model_params": list(model_params),
        "bargaining": bargaining,
    }
    with recorded("sensitivity", scn, params, seed, db, save) as run, stages(quiet) as stage:
        tor, sob, crit, payload = _analyse(
            scn, method, samples, seed, names, model_params, bargaining, workers, stage
        )
        run["results"] = payload
    if fmt == "json":
        emit_json(payload)
        return
    _print_tables(tor, sob, crit, top)


def _analyse(scn, method, samples, seed, names, model_params, bargaining, workers, stage):
    """The tornado and the Sobol analysis as asked, the critical actors, and their JSON."""
    from accord.simulation.sensitivity import critical_actors, sobol, tornado

    if method in ("tornado", "both"):
        stage("tornado: each input at its low and high end")
    tor = (
        tornado(
            scn,
            models=configured_models(names, scn, model_params),
            bargaining=bargaining,
            seed=seed,
        )
        if method in ("tornado", "both")
        else None
    )
    if method in ("sobol", "both"):
        stage(f"Sobol indices, {samples:,} base samples")
    sob = (
        sobol(
            scn,
            n=samples,
            seed=seed,
            models=configured_models(names, scn, model_params),
            bargaining=bargaining,
            workers=workers,
        )
        if method in ("sobol", "both")
        else None
    )
    crit = critical_actors(sob) if sob is not None else []
    payload = {
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
    return tor, sob, crit, payload


def _print_tables(tor, sob, crit, top) -> None:
    either = tor if tor is not None else sob
    assert either is not None
    outputs = either.outputs
    for out in outputs:
        t = Table(title=f"{out}: inputs that move it most", title_justify="left")
        t.add_column("input")
        if tor is not None:
            add_columns(t, "at low", "at high", "swing")
        if sob is not None:
            add_columns(t, "S1", "ST")
        if tor is not None:
            rows = tor.top(out, top)
            sidx = (
                sob.indices(out).set_index("input")
                if sob is not None and out in sob.outputs
                else None
            )
            for _, r in rows.iterrows():
                cells = [
                    r["label"],
                    fmt_number(r["at_low"]),
                    fmt_number(r["at_high"]),
                    fmt_number(r["swing"]),
                ]
                if sob is not None:
                    cells += (
                        [
                            fmt_number(sidx.loc[r["input"], "S1"]),
                            fmt_number(sidx.loc[r["input"], "ST"]),
                        ]
                        if sidx is not None
                        else ["—", "—"]
                    )
                t.add_row(*cells)
        elif sob is not None:
            if out not in sob.outputs:
                continue
            for _, r in sob.indices(out).sort_values("ST", ascending=False).head(top).iterrows():
                t.add_row(r["label"], fmt_number(r["S1"]), fmt_number(r["ST"]))
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


@click.command()
@scenario_argument
@shock_option()
@click.option(
    "--scenario-shocks/--no-scenario-shocks",
    default=True,
    show_default=True,
    help="use the shocks listed under the scenario's `extensions.shocks`",
)
@click.option(
    "--draws",
    "-n",
    type=bounded("draws", 0),
    default=0,
    show_default=True,
    help="0: compare the scenario's own values; N: compare medians over N draws",
)
@click.option("--seed", type=SEED, default=0, show_default=True)
@click.option("--workers", "-j", type=bounded("workers"), default=1, show_default=True)
@models_option()
@model_param_option
@click.option("--bargaining/--no-bargaining", default=True, show_default=True)
@format_option("table", "json")
@db_option
@save_option
def shock(
    scenario: str | None,
    shock_specs: tuple[str, ...],
    scenario_shocks: bool,
    draws: int,
    seed: int,
    workers: int,
    models: tuple[str, ...],
    model_params: tuple[str, ...],
    bargaining: bool,
    fmt: str,
    db: str | None,
    save: bool,
) -> None:
    """Compare a run with scheduled shocks (an actor leaves or joins, a salience or capability
    jumps at round k) against the unshocked run."""
    from accord.simulation.shocks import compare_shocks

    scn = read_scenario(scenario)
    shocks = parse_shocks(scn, shock_specs, scenario_shocks, scenario or "<default scenario>")
    if not shocks:
        raise click.UsageError(
            "no shocks: give --shock SPEC or list them under the scenario's `extensions.shocks`"
        )
    names = check_models(models)
    params = {
        "shocks": [s.describe() for s in shocks],
        "models": names or "all",
        "model_params": list(model_params),
        "draws": draws,
        "bargaining": bargaining,
    }
    with recorded("shock", scn, params, seed, db, save) as run:
        cmp = compare_shocks(
            scn,
            shocks,
            models=configured_models(names, scn, model_params),
            draws=draws,
            seed=seed,
            bargaining=bargaining,
            workers=workers,
        )
        run["results"] = cmp.to_dict()
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
    add_columns(t, "unshocked", "shocked", "change")
    t.add_column("shocked deal term", overflow="fold")
    for _, r in cmp.frame.iterrows():
        t.add_row(
            r["issue"],
            r["model"],
            fmt_number(r["unshocked"]),
            fmt_number(r["shocked"]),
            fmt_number(r["change"]),
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
