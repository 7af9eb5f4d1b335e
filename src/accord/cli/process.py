"""`accord process`: compare how the talks are run — preparatory talks, a summit, an ultimatum,
a mediator — on many simulated runs."""

from __future__ import annotations

import click
from rich.markup import escape
from rich.table import Table

from accord.scenario import Problem, ScenarioError

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


def _overrides(
    strategies: tuple[str, ...],
    default_strategy: str | None,
    month: float | None,
    mediator: str | None,
    sets: tuple[str, ...],
) -> list[str]:
    out: list[str] = []
    problems = []
    for k, spec in enumerate(strategies):
        if "=" not in spec:
            problems.append(
                Problem(
                    "<command line>",
                    f"--strategy[{k}]",
                    "must read ACTOR=STRATEGY (e.g. russia=hard-liner)",
                    spec,
                )
            )
            continue
        actor, strat = (s.strip() for s in spec.split("=", 1))
        out.append(f"strategies.{actor}={strat}")
    if problems:
        raise ScenarioError(problems)
    if default_strategy is not None:
        out.append(f"default_strategy={default_strategy}")
    if month is not None:
        out.append(f"start_month={month}")
    if mediator is not None:
        out.append(f"mediator={mediator}")
    return out + list(sets)


@click.command()
@scenario_argument
@click.option(
    "--compare",
    default="prep-talks,summit,ultimatum,mediated",
    show_default=True,
    metavar="P1,P2,...",
    help="processes to compare: direct, prep-talks, summit, ultimatum, mediated",
)
@click.option(
    "--runs",
    type=bounded("runs", 1),
    default=200,
    show_default=True,
    help="simulated runs per process",
)
@click.option(
    "--seed", type=SEED, default=0, show_default=True, help="random seed (same seed, same numbers)"
)
@click.option(
    "--strategy",
    "strategies",
    multiple=True,
    metavar="ACTOR=STRATEGY",
    help="an actor's strategy (repeatable): boulware, linear, conceder, tit-for-tat, hard-liner, "
    "zeuthen, "
    "or e.g. 'time-dependent(beta=0.5)'",
)
@click.option(
    "--default-strategy",
    default=None,
    metavar="STRATEGY",
    help="strategy of every other actor (default boulware)",
)
@click.option(
    "--month",
    type=click.FloatRange(min=0),
    default=None,
    help="month of continued war at which the talks start (default 0, or the scenario's setting)",
)
@click.option(
    "--mediator", default=None, metavar="ACTOR", help="the mediator (default: the strongest party)"
)
@click.option(
    "--set",
    "sets",
    multiple=True,
    metavar="KEY=VALUE",
    help="any process setting (repeatable), e.g. ultimatum.penalty=0.1 or "
    "prep-talks.signal_rounds=3",
)
@format_option("table", "json")
@db_option
@save_option
@quiet_option
def process(
    scenario,
    compare,
    runs,
    seed,
    strategies,
    default_strategy,
    month,
    mediator,
    sets,
    fmt,
    db,
    save,
    quiet,
):
    """Compare negotiation processes: P(deal), the deal on each issue, time to a deal,
    escalation."""
    from accord.process import compare_processes, settings_from_scenario

    scn = read_scenario(scenario)
    file = scenario or "<default scenario>"
    names = [p.strip() for p in compare.split(",") if p.strip()]
    overrides = _overrides(strategies, default_strategy, month, mediator, sets)
    settings = settings_from_scenario(scn, file=file, overrides=overrides)
    params = {"compare": names, "runs": runs, "overrides": overrides}
    stage_name = f"{len(names) or 'every'} processes × {runs:,} runs"
    with recorded("process", scn, params, seed, db, save) as run, stages(quiet, stage_name):
        res = compare_processes(scn, names, runs=runs, seed=seed, settings=settings, file=file)
        run["results"] = res.to_dict()
    if fmt == "json":
        emit_json(res.to_dict())
        return
    _print(res)


def _print(res) -> None:
    scn = res.scenario
    console.print(f"[bold]{escape(scn.metadata.title)}[/bold]")
    s = res.settings
    console.print(
        f"{res.runs} runs per process, seed {res.seed}; talks start at month {s.start_month:g}, "
        f"{s.months_per_round:g} months a round; {res.packages} packages; offers: {s.offer_policy}"
    )
    console.print(
        "parties and strategies: "
        + ", ".join(f"{a} {st}" for a, st in res.strategies.items())
        + f"; mediator {res.mediator}; ultimatum to {res.ultimatum_target}"
    )
    t = Table(title="processes compared", title_justify="left")
    for col in ("process", "P(deal)", "P(breakdown)", "P(escalation)", "months to deal (median)"):
        t.add_column(col, justify="left" if col == "process" else "right")
    for p in res.processes:
        m = "–" if p.months_to_deal is None else f"{p.months_to_deal['median']:.2f}"
        t.add_row(p.process, f"{p.p_deal:.0%}", f"{p.p_breakdown:.0%}", f"{p.p_escalation:.0%}", m)
    console.print(t)
    g = Table(title="expected gain over no deal (utility, 0..1), all runs", title_justify="left")
    g.add_column("actor")
    for p in res.processes:
        g.add_column(p.process, justify="right")
    for a in scn.actor_ids:
        g.add_row(escape(a), *(f"{p.expected_gain[a]:+.3f}" for p in res.processes))
    console.print(g)
    for p in res.processes:
        if not p.issues:
            continue
        d = Table(
            title=f"{p.process}: the deal when there is one ({p.p_deal:.0%} of runs)",
            title_justify="left",
        )
        for col in ("issue", "5%", "median", "95%", "median deal term"):
            d.add_column(col, justify="left" if col in ("issue", "median deal term") else "right")
        for iss in p.issues:
            q = iss.quantiles
            d.add_row(
                escape(iss.issue),
                f"{q['q05']:g}",
                f"{q['q50']:g}",
                f"{q['q95']:g}",
                escape(iss.labels["q50"]),
            )
        console.print(d)
    for note in res.notes:
        console.print(f"note: {escape(note)}")
