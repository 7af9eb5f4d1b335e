"""`accord bargain`: is there a deal every party prefers to no deal, which one, and when."""

from __future__ import annotations

import click
from rich.markup import escape
from rich.table import Table

from . import cli
from ._common import console, db_option, emit_json, format_option, read_scenario, recorded, save_option, scenario_argument


def _package_table(title: str, pkg, scn) -> Table:
    t = Table(title=title, title_justify="left")
    t.add_column("issue")
    t.add_column("value", justify="right")
    t.add_column("deal term")
    for issue in scn.issues:
        t.add_row(escape(issue.id), f"{pkg.values[issue.id]:g}", escape(pkg.labels[issue.id]))
    return t


def _gains(pkg, scn) -> str:
    names = {a.id: a.name for a in scn.actors}
    return "; ".join(f"{names[a]} {g:+.3f}" for a, g in sorted(pkg.gain.items(), key=lambda kv: -kv[1]))


@cli.command()
@scenario_argument
@click.option("--months", type=int, default=120, show_default=True, help="months of continued war to scan for ripeness")
@click.option("--resolution", type=int, default=11, show_default=True, help="grid points per continuous issue")
@click.option("--loss", type=click.Choice(["linear", "quadratic"]), default="linear", show_default=True)
@format_option("table", "json")
@db_option
@save_option
def bargain(scenario, months, resolution, loss, fmt, db, save):
    """Zone of agreement, Pareto frontier, Nash and Kalai–Smorodinsky packages, ripeness."""
    from accord.bargaining import analyse

    scn = read_scenario(scenario)
    with recorded("bargain", scn, {"months": months, "resolution": resolution, "loss": loss}, None, db, save) as run:
        res = analyse(scn, months=months, resolution=resolution, loss=loss)
        run["results"] = res.to_dict()
    if fmt == "json":
        emit_json(res.to_dict())
        return
    console.print(f"[bold]{scn.metadata.title}[/bold]")
    console.print(f"{len(res.space.packages)} packages searched ({'coarse' if res.space.coarse else 'fine'} grid, "
                  f"{loss} loss); no-deal utilities now: "
                  + ", ".join(f"{a} {v:.3f}" for a, v in zip(scn.actor_ids, res.space.no_deal, strict=True)))
    if res.zone_exists:
        console.print(f"[green]A zone of agreement exists now[/green]: {res.zopa_size} packages every party prefers "
                      f"to no deal; {len(res.frontier)} on the Pareto frontier shown.")
        for name, title in (("nash", "Nash bargaining solution"), ("nash_weighted", "Nash, weighted by capability"),
                            ("kalai_smorodinsky", "Kalai–Smorodinsky"), ("egalitarian", "Egalitarian")):
            pkg = res.solutions[name]
            if pkg is not None:
                console.print(_package_table(title, pkg, scn))
                console.print(f"  gains over no deal: {_gains(pkg, scn)}")
    else:
        console.print("[red]No zone of agreement now[/red]: no package breaks no red line and beats no deal for every party.")
        if res.blocking_red_lines:
            console.print(f"  dropping the red lines of any one of {', '.join(res.blocking_red_lines)} would open it")
        if res.blocking_no_deal:
            console.print(f"  it opens if any one of {', '.join(res.blocking_no_deal)} accepts less than its no-deal payoff")
        r = res.relaxation
        if r is not None:
            what = ("accept less than their no-deal payoff by " + ", ".join(f"{a} {v:.3f}" for a, v in r.moves.items())
                    if r.kind == "no_deal" else "move red lines: " + str(r.moves))
            console.print(f"  smallest relaxation: {len(r.actors)} actor(s) ({', '.join(r.actors)}) {what}")
            console.print(_package_table("the package it opens", r.package, scn))
    if res.opens_at is not None and res.package_at_opening is not None:
        console.print(f"\n[bold]Ripeness[/bold]: as war costs mount and the line moves, a zone opens at month "
                      f"{res.opens_at}; the Nash package then:")
        console.print(_package_table(f"Nash package at month {res.opens_at}", res.package_at_opening, scn))
        console.print(f"  gains over no deal then: {_gains(res.package_at_opening, scn)}")
    else:
        console.print(f"\n[bold]Ripeness[/bold]: no zone opens within {months} months under the scenario's assumptions.")
    for note in res.notes:
        console.print(f"note: {note}")
