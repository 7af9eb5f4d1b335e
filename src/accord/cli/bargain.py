"""`accord bargain`: is there a deal every party prefers to no deal, which one, and when."""

from __future__ import annotations

import click
from rich.markup import escape
from rich.table import Table

from ._common import (
    bounded,
    console,
    db_option,
    emit_json,
    format_option,
    read_scenario,
    recorded,
    save_option,
    scenario_argument,
)


def _package_table(title: str, pkg, scn) -> Table:
    t = Table(title=title, title_justify="left")
    t.add_column("issue")
    t.add_column("value", justify="right")
    t.add_column("deal term")
    for issue in scn.issues:
        t.add_row(escape(issue.id), f"{pkg.values[issue.id]:.4g}", escape(pkg.labels[issue.id]))
    return t


def _gains(pkg, scn) -> str:
    names = {a.id: a.name for a in scn.actors}
    return "; ".join(
        f"{escape(names[a])} {g:+.3f}" for a, g in sorted(pkg.gain.items(), key=lambda kv: -kv[1])
    )


def _continuous_line(cs, scn) -> str:
    moved = {k: v for k, v in cs.distance.items() if v > 1e-6}
    where = ", ".join(f"{k} {cs.package.values[k]:.4g}" for k in moved) or "the same package"
    return (
        f"  on the continuous scales: {where} "
        f"(criterion {cs.objective:.4f} vs grid {cs.grid_objective:.4f})"
    )


@click.command()
@scenario_argument
@click.option(
    "--months",
    type=bounded("months", 0),
    default=120,
    show_default=True,
    help="months of continued war to scan for ripeness",
)
@click.option(
    "--resolution",
    type=bounded("resolution", 2),
    default=11,
    show_default=True,
    help="grid points per continuous issue",
)
@click.option(
    "--loss",
    type=click.Choice(["linear", "quadratic"]),
    default="linear",
    show_default=True,
    help="shape of the utility loss with distance from an actor's position",
)
@click.option(
    "--refine/--no-refine",
    default=True,
    show_default=True,
    help="also solve on the continuous scales (how close the grid comes)",
)
@format_option("table", "json")
@db_option
@save_option
def bargain(scenario, months, resolution, loss, refine, fmt, db, save):
    """Zone of agreement, Pareto frontier, Nash and Kalai–Smorodinsky packages, ripeness."""
    from accord.bargaining import SOLUTIONS, analyse

    scn = read_scenario(scenario)
    params = {"months": months, "resolution": resolution, "loss": loss, "refine": refine}
    with recorded("bargain", scn, params, None, db, save) as run:
        res = analyse(scn, months=months, resolution=resolution, loss=loss, refine=refine)
        run["results"] = res.to_dict()
    if fmt == "json":
        emit_json(res.to_dict())
        return
    grid = ", ".join(f"{i.id} {len(g)}" for i, g in zip(scn.issues, res.space.grids, strict=True))
    console.print(f"[bold]{escape(scn.metadata.title)}[/bold]")
    console.print(
        f"{len(res.space.packages)} packages searched ({'coarse' if res.space.coarse else 'fine'} "
        "grid: "
        f"{grid} values; {loss} loss); no-deal utilities now: "
        + ", ".join(f"{a} {v:.3f}" for a, v in zip(scn.actor_ids, res.space.no_deal, strict=True))
    )
    if res.zone_exists:
        console.print(
            f"[green]A zone of agreement exists now[/green]: {res.zopa_size} packages every party "
            "prefers "
            f"to no deal; {res.frontier_size} on the Pareto frontier."
        )
        for name, title in SOLUTIONS.items():
            pkg = res.solutions[name]
            if pkg is not None:
                console.print(_package_table(title, pkg, scn))
                console.print(f"  gains over no deal: {_gains(pkg, scn)}")
                cs = res.continuous.get(name)
                if cs is not None:
                    console.print(_continuous_line(cs, scn))
    else:
        console.print(
            "[red]No zone of agreement now[/red]: no package within every party's red lines beats "
            "no "
            "deal for every party."
        )
        if res.max_min_gain is not None:
            console.print(
                f"  on the continuous scales the best package still leaves the worst-off party "
                f"{-res.max_min_gain:.3f} utility short of no deal"
            )
        opening = [f"{r.actor}/{r.issue}" for r in res.red_lines if r.opens_zone]
        if opening:
            console.print(
                f"  dropping any one of these red lines would open it: {', '.join(opening)}"
            )
        elif res.red_lines:
            console.print("  no single red line blocks it")
        if res.blocking_red_lines:
            console.print(
                f"  dropping all the red lines of any one of {', '.join(res.blocking_red_lines)} "
                "would open it"
            )
        if res.blocking_no_deal:
            console.print(
                f"  it opens if any one of {', '.join(res.blocking_no_deal)} accepts less than its "
                "no-deal payoff"
            )
        r = res.relaxation
        if r is not None:
            if r.kind == "no_deal":
                what = "accept less than their no-deal utility by " + ", ".join(
                    f"{a} {v:.3f}" for a, v in r.moves.items()
                )
            else:
                what = "move red lines: " + "; ".join(
                    f"{a} {k} {m['from']:g} → {m['to']:g}"
                    for a, mv in r.moves.items()
                    for k, m in mv.items()
                )
            console.print(
                f"  smallest relaxation: {len(r.actors)} actor(s) ({', '.join(r.actors)}) {what}"
            )
            console.print(_package_table("the package it opens", r.package, scn))
    if res.opens_at is not None and res.package_at_opening is not None:
        console.print(
            "\n[bold]Ripeness[/bold]: as war costs mount and the line moves, a zone opens on the "
            "grid at "
            f"month {res.opens_at}; the Nash package then:"
        )
        console.print(
            _package_table(f"Nash package at month {res.opens_at}", res.package_at_opening, scn)
        )
        console.print(f"  gains over no deal then: {_gains(res.package_at_opening, scn)}")
    else:
        console.print(
            f"\n[bold]Ripeness[/bold]: no zone opens on the grid within {months} months under the "
            "scenario's assumptions."
        )
    if (
        res.opens_at_continuous is not None
        and res.continuous_at_opening is not None
        and res.opens_at_continuous != res.opens_at
    ):
        pkg = res.continuous_at_opening
        console.print(
            f"On the continuous scales a zone opens at month {res.opens_at_continuous}; its Nash "
            "package "
            "then: " + ", ".join(f"{k} {v:.4g}" for k, v in pkg.values.items())
        )
        console.print(f"  gains over no deal then: {_gains(pkg, scn)}")
    for note in res.notes:
        console.print(f"note: {escape(note)}")
