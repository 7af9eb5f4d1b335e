"""`accord backtest casebook`: the casebook's tables (the command itself is in :mod:`.backtest`)."""

from __future__ import annotations

import click
from rich.table import Table

from ._common import console, emit_json

__all__ = ["CASEBOOK", "check_casebook_options", "run_casebook"]

#: The value of DATASET that selects the casebook (accord.casebook) instead of a DEU file.
CASEBOOK = "casebook"
_CASEBOOK_OPTIONS = ("models", "seed", "output", "fmt")


def check_casebook_options(ctx: click.Context) -> None:
    """A DEU option given explicitly with the casebook is an error, not silently ignored."""
    from click.core import ParameterSource

    for param in ctx.command.params:
        name = param.name or ""
        if name in (*_CASEBOOK_OPTIONS, "dataset"):
            continue
        if ctx.get_parameter_source(name) not in (ParameterSource.DEFAULT, None):
            flag = "--" + name.replace("_", "-")
            raise click.UsageError(
                f"{flag} applies to a DEU dataset only, not to the casebook", ctx
            )


def run_casebook(names, *, seed: int, output, fmt: str) -> None:
    from accord._atomic import atomic_write_text
    from accord.backtest.casebook import casebook_backtest

    try:
        res = casebook_backtest(models=names, seed=seed)
    except KeyError as exc:  # an unknown model name
        raise click.UsageError(str(exc.args[0])) from None
    if output:
        atomic_write_text(output, res.rows.to_csv(index=False))
    if fmt == "json":
        emit_json(res.to_dict())
        return
    console.print(
        f"[bold]Casebook backtest[/bold]: {len(res.cases)} negotiations with known outcomes, "
        f"{res.rows.drop_duplicates(['case', 'issue']).shape[0]} issues, seed {seed}. Each cell: "
        "forecast (error against the agreed term, scale points); ✓ when the labelled term "
        "nearest the forecast is the agreed one"
    )
    for case in res.cases:
        console.print(_case_table(res, case))
        for issue in case.scenario.issues:
            agreed = case.outcome[issue.id]
            console.print(
                f"  agreed {issue.id} = {agreed:g}: {issue.scale.labels[agreed]}",
                soft_wrap=True,
                markup=False,
            )
        console.print(f"  zone of agreement: {_zone_text(res.zones[case.name])}", soft_wrap=True)
        console.print(f"  source: {case.outcome_source}", soft_wrap=True, markup=False)
    summary = Table(title="Summary per model, every issue of every case", title_justify="left")
    heads = ("model", "issues", "failed", "MAE", "RMSE", "nearest term = agreed", "within 10")
    for c in heads:
        summary.add_column(c, justify="left" if c == "model" else "right")
    for r in res.summary().itertuples(index=False):
        summary.add_row(
            r.model,
            str(r.n),
            str(r.failed),
            f"{r.mae:.1f}",
            f"{r.rmse:.1f}",
            f"{r.term_hit:.0%}",
            f"{r.within10:.0%}",
        )
    console.print(summary)
    for model, by_case in res.failures.items():
        for case_name, reason in by_case.items():
            console.print(f"[yellow]warning:[/yellow] {model} failed on {case_name}: {reason}")


def _case_table(res, case) -> Table:
    scn = case.scenario
    t = Table(
        title=f"{case.name}: {scn.metadata.title} (agreed {case.outcome_date})",
        title_justify="left",
    )
    t.add_column("model")
    for issue in scn.issues:
        t.add_column(f"{issue.id}\nagreed {case.outcome[issue.id]:g}", justify="right")
    rows = res.rows[res.rows["case"] == case.name]
    for model in res.models:
        cells = []
        for issue in scn.issues:
            r = rows[(rows["model"] == model) & (rows["issue"] == issue.id)].iloc[0]
            if r["failed"]:
                cells.append("[red]failed[/red]")
            else:
                mark = " ✓" if r["nearest_is_agreed"] else "  "
                cells.append(f"{r['forecast']:.1f} ({r['error']:+.1f}){mark}")
        t.add_row(model, *cells)
    return t


def _zone_text(z) -> str:
    if z.zone_size == 0:
        text = "no zone at month 0"
        if z.opens_at is not None:
            text += f"; one opens in month {z.opens_at}"
        else:
            text += f" nor within {z.months} months"
    else:
        text = f"{z.zone_size} grid packages at month 0; the agreed package is {z.verdict}"
    why = []
    if z.breaking:
        why.append(f"it breaks the red lines of {', '.join(z.breaking)}")
    if z.rejecting:
        verb = "prefers" if len(z.rejecting) == 1 else "prefer"
        why.append(f"{', '.join(z.rejecting)} {verb} no deal to it at month 0")
    if why:
        text += " (" + "; ".join(why) + ")"
    if z.agreed_from is not None and z.agreed_from > 0:
        text += f"; it enters the zone in month {z.agreed_from} as the costs of no deal mount"
    elif z.agreed_from is None and z.zone_size:
        text += f"; it stays outside for the {z.months} months scanned"
    return text
