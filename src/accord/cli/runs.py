"""`accord runs list|show|diff`: the saved analysis runs."""

from __future__ import annotations

import click
from rich.table import Table

from ._common import console, emit_json, format_option, open_store


@click.group()
@click.option(
    "--db", default=None, metavar="URL", help="run store (default: $ACCORD_DB or the user's SQLite)"
)
@click.pass_context
def runs(ctx: click.Context, db: str | None) -> None:
    """List, show and compare saved analysis runs."""
    ctx.obj = {"db": db}


@runs.command("list")
@click.option(
    "--kind", default=None, help="only runs of this kind (forecast, bargain, simulate, ...)"
)
@click.option("--limit", type=click.IntRange(1, 100_000), default=30, show_default=True)
@format_option("table", "json")
@click.pass_context
def list_runs(ctx: click.Context, kind: str | None, limit: int, fmt: str) -> None:
    """The most recent runs, newest first."""
    store = open_store(ctx.obj["db"])
    recs = store.list(kind=kind, limit=limit)
    if fmt == "json":
        emit_json(
            [
                {
                    "id": r.id,
                    "kind": r.kind,
                    "status": r.status,
                    "created_at": r.created_at,
                    "scenario": r.scenario_title,
                    "seed": r.seed,
                    "version": r.version,
                }
                for r in recs
            ]
        )
        return
    t = Table()
    for c in ("id", "kind", "status", "created (UTC)", "scenario", "seed"):
        t.add_column(c)
    for r in recs:
        t.add_row(
            r.id,
            r.kind,
            r.status,
            r.created_at[:19],
            r.scenario_title or "",
            "" if r.seed is None else str(r.seed),
        )
    console.print(t)
    console.print(f"store: {store.safe_url}")


@runs.command("show")
@click.argument("run_id")
@click.pass_context
def show(ctx: click.Context, run_id: str) -> None:
    """Everything saved about one run (JSON)."""
    store = open_store(ctx.obj["db"])
    try:
        r = store.get(run_id)
    except KeyError as exc:
        raise click.BadParameter(str(exc.args[0]), param_hint="RUN_ID") from None
    emit_json(
        {
            "id": r.id,
            "kind": r.kind,
            "status": r.status,
            "created_at": r.created_at,
            "finished_at": r.finished_at,
            "scenario_title": r.scenario_title,
            "scenario_hash": r.scenario_hash,
            "params": r.params,
            "seed": r.seed,
            "version": r.version,
            "timings": r.timings,
            "results": r.results,
            "error": r.error,
        }
    )


@runs.command("diff")
@click.argument("run_a")
@click.argument("run_b")
@click.pass_context
def diff(ctx: click.Context, run_a: str, run_b: str) -> None:
    """Every input that changed between two runs, and how each forecast moved."""
    from accord.store import diff_runs

    store = open_store(ctx.obj["db"])
    try:
        a, b = store.get(run_a), store.get(run_b)
    except KeyError as exc:
        raise click.BadParameter(str(exc.args[0])) from None
    console.print(
        f"[bold]{a.id}[/bold] ({a.kind}, {a.created_at[:19]}) -> [bold]{b.id}[/bold] ({b.kind}, "
        f"{b.created_at[:19]})"
    )
    for line in diff_runs(a, b).lines():
        console.print("  " + line, soft_wrap=True)
