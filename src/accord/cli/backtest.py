"""`accord backtest`: score every model against real outcomes (DEU data)."""

from __future__ import annotations

import json
from datetime import date

import click
from rich.table import Table

import accord
from accord.backtest.capabilities import CAPABILITY_SETS

from ._common import console, emit_json, format_option


def _table(title: str, frame) -> Table:
    t = Table(title=title, title_justify="left")
    cols = [c for c in frame.columns if c not in ("n", "mae", "rmse", "within10")]
    for c in cols:
        t.add_column(c)
    for _key, head in (
        ("n", "issues"),
        ("mae", "MAE"),
        ("rmse", "RMSE"),
        ("within10", "within 10"),
    ):
        t.add_column(head, justify="right")
    order = ["period", "mae"] if "period" in frame.columns else ["mae"]
    for r in frame.sort_values(order).itertuples(index=False):
        d = r._asdict()
        t.add_row(
            *[str(d[c]) for c in cols],
            str(d["n"]),
            f"{d['mae']:.1f}",
            f"{d['rmse']:.1f}",
            f"{d['within10']:.0%}",
        )
    return t


@click.command()
@click.argument("dataset", type=click.Path(dir_okay=False))
@click.option(
    "--models",
    "--model",
    "-m",
    "models",
    multiple=True,
    help="models to score, comma-separated or repeated (default: all registered)",
)
@click.option(
    "--split",
    type=click.Choice(["year", "proposal"]),
    default="year",
    show_default=True,
    help="year: train on proposals before --test-from, test on later ones; proposal: random "
    "hold-out",
)
@click.option(
    "--test-from", type=int, default=2004, show_default=True, help="first test year (split=year)"
)
@click.option(
    "--capabilities",
    type=click.Choice(["auto", *sorted(CAPABILITY_SETS)]),
    default="auto",
    show_default=True,
    help="capability set of the EU actors; auto chooses on the training split only",
)
@click.option(
    "--institution-share",
    type=float,
    default=0.1,
    show_default=True,
    help="Commission's and Parliament's capability as a share of the member states' total",
)
@click.option("--seed", type=int, default=0, show_default=True)
@click.option(
    "--save-weights",
    type=click.Path(dir_okay=False),
    default=None,
    help="write the ensemble weights fitted on the training split to this JSON file",
)
@click.option(
    "-o",
    "--output",
    type=click.Path(dir_okay=False),
    default=None,
    help="write per-issue rows (CSV)",
)
@format_option("table", "json")
def backtest(
    dataset,
    models,
    split,
    test_from,
    capabilities,
    institution_share,
    seed,
    save_weights,
    output,
    fmt,
):
    """Score every model's forecasts against the real outcomes of a DEU-format DATASET."""
    from accord._atomic import atomic_write_text

    names = [x.strip() for chunk in models for x in chunk.split(",") if x.strip()] or None
    from accord.backtest import backtest as run_backtest
    from accord.backtest.deu import read_deu

    data = read_deu(dataset)
    res = run_backtest(
        data,
        names,
        split=split,
        test_from=test_from,
        capabilities=capabilities,
        institution_share=institution_share,
        seed=seed,
    )
    if output:
        atomic_write_text(output, res.rows.to_csv(index=False))
    if save_weights:
        payload = {
            "weights": res.ensemble_weights,
            "provenance": f"fitted by accord {accord.__version__} on {date.today().isoformat()} "
            f"on the training split ({split}, test from {test_from}) of {dataset}, capability set "
            f"'{capabilities}', least absolute error, w >= 0, sum 1",
        }
        atomic_write_text(save_weights, json.dumps(payload, indent=2) + "\n")
    if fmt == "json":
        emit_json(res.to_dict())
        return
    console.print(
        f"[bold]Backtest on {dataset}[/bold]: {len(data.proposals)} proposals, "
        f"{res.rows.drop_duplicates(['proposal', 'issue']).shape[0]} issues with an outcome; "
        f"capabilities '{capabilities}'"
    )
    for note in res.notes:
        console.print(f"  note: {note}")
    where = f"proposals from {test_from} on" if split == "year" else "held-out proposals"
    console.print(
        _table(f"Out of sample ({where}); ensemble fitted on the rest", res.summary(part="test"))
    )
    console.print(_table("All issues (in-sample for the ensemble)", res.summary()))
    console.print(_table("By period", res.summary(("model", "period"))))
    iv = res.intervals()
    if len(iv):
        t = Table(
            title="Intervals from training errors (split conformal), coverage on test issues",
            title_justify="left",
        )
        for c in ("model", "±50 %", "covers", "±80 %", "covers"):
            t.add_column(c, justify="left" if c == "model" else "right")
        for r in iv.itertuples(index=False):
            t.add_row(
                r.model,
                f"{r.halfwidth50:.1f}",
                f"{r.cover50:.0%}",
                f"{r.halfwidth80:.1f}",
                f"{r.cover80:.0%}",
            )
        console.print(t)
    if res.ensemble_weights:
        w = ", ".join(f"{k} {v:.2f}" for k, v in res.ensemble_weights.items() if v > 0.005)
        console.print(f"ensemble weights (fitted on training proposals only): {w}")
    for name, n in res.failures.items():
        console.print(f"[yellow]warning:[/yellow] {name} failed on {n} proposals (see the log)")
