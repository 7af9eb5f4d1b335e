"""The foundation's commands: forecast, explain, validate, schema, scenarios."""

from __future__ import annotations

import csv
import json
import sys

import click
from rich.markup import escape
from rich.table import Table

import accord
from accord.models.registry import MODELS
from accord.scenario import ScenarioError

from ._common import (
    SEED,
    console,
    db_option,
    emit_json,
    format_option,
    read_scenario,
    recorded,
    save_option,
    scenario_argument,
)
from .options import check_models, configured_models, model_param_option, models_option


@click.command()
@scenario_argument
@models_option()
@model_param_option
@format_option("table", "json", "csv")
@click.option("--seed", type=SEED, default=0, show_default=True, help="seed for stochastic models")
@db_option
@save_option
def forecast(
    scenario: str | None,
    models: tuple[str, ...],
    model_params: tuple[str, ...],
    fmt: str,
    seed: int,
    db: str | None,
    save: bool,
) -> None:
    """Forecast each issue's outcome with every model, with the scale label it lands on.

    Example: accord forecast eu-emissions-1994 -m bdm --model-param bdm.rounds=20
    """
    scn = read_scenario(scenario)
    names = check_models(models)
    chosen = configured_models(names, scn, model_params)
    params = {"models": names or "all", "model_params": list(model_params)}
    with recorded("forecast", scn, params, seed, db, save) as run:
        from accord.forecast import forecast as run_forecast

        result = run_forecast(scn, chosen, seed=seed)
        run["results"] = result.to_dict()
    from accord.forecast import CONSENSUS_MODEL

    if fmt == "json":
        emit_json(result.to_dict())
        return
    if fmt == "csv":
        frame = result.to_frame()
        frame.to_csv(sys.stdout, index=False, quoting=csv.QUOTE_MINIMAL, float_format="%.6g")
        return
    labels = {m.name: m.label for m in MODELS}
    console.print(f"[bold]{scn.metadata.title}[/bold]")
    for s in result.issues():
        issue = scn.issue(s.issue_id)
        t = Table(title=f"{s.issue_id}: {s.question}", title_justify="left", show_lines=False)
        t.add_column("model")
        t.add_column("forecast", justify="right")
        t.add_column(
            f"nearest deal term (scale {issue.scale.min:g}..{issue.scale.max:g})", overflow="fold"
        )
        t.add_column("said next to the number", overflow="fold")
        for name, value in s.values.items():
            note = "; ".join(s.notes.get(name, ()))
            label = labels.get(name, name) + (" (consensus)" if name == CONSENSUS_MODEL else "")
            t.add_row(escape(label), f"{value:.1f}", escape(s.labels[name]), escape(note))
        console.print(t)
        console.print(
            f"  {escape(s.agreement)}; spread {s.spread:.1f} points ({s.spread_share:.0%} of the "
            "scale)\n"
        )
    console.print(f"evidence: {result.coverage}")


@click.command()
@click.argument("scenario", required=False, metavar="[SCENARIO]")
@click.option("--issue", "issue_id", required=True, help="issue id (see `accord validate`)")
@models_option()
@model_param_option
@click.option("--seed", type=SEED, default=0, show_default=True)
def explain(
    scenario: str | None,
    issue_id: str,
    models: tuple[str, ...],
    model_params: tuple[str, ...],
    seed: int,
) -> None:
    """Tell, round by round, how each model reaches its forecast on one issue."""
    scn = read_scenario(scenario)
    if issue_id not in scn.issue_ids:
        raise click.BadParameter(
            f"no issue {issue_id!r}; issues are {', '.join(scn.issue_ids)}", param_hint="--issue"
        )
    from accord.explain import narrate
    from accord.forecast import forecast as run_forecast

    result = run_forecast(
        scn, configured_models(check_models(models), scn, model_params), seed=seed
    )
    labels = {m.name: m.label for m in MODELS}
    issue = scn.issue(issue_id)
    console.print(f"[bold]{issue.id}[/bold]: {issue.question}")
    summary = {s.issue_id: s for s in result.issues()}[issue_id]
    for mf in result.models:
        console.print(f"\n[bold]{labels.get(mf.model, mf.model)}[/bold]")
        for line in narrate(scn, mf.issues[issue_id]):
            console.print("  " + line, soft_wrap=True, markup=False)
        value = summary.values[mf.model]
        said = "; ".join(summary.notes.get(mf.model, ())) or "nothing to add"
        console.print(
            f"  forecast {value:.4g} ({summary.labels[mf.model] or 'no labelled term'}): {said}",
            soft_wrap=True,
            markup=False,
        )


@click.command()
@click.argument("file", metavar="FILE")
@format_option("text", "json", default="text")
def validate(file: str, fmt: str) -> None:
    """Check a scenario file and report every problem at once (exit 2 if any)."""
    warnings: list = []
    try:
        from accord.io import read_any as load_scenario

        scn = load_scenario(file, warnings=warnings, runnable=True)
    except ScenarioError as exc:
        if fmt == "json":
            emit_json({"valid": False, "problems": [p.to_dict() for p in exc.problems]})
            sys.exit(2)
        raise
    cov = scn.evidence_coverage()
    if fmt == "json":
        emit_json(
            {
                "valid": True,
                "actors": len(scn.actors),
                "issues": len(scn.issues),
                "evidence": {
                    "numbers": cov.total,
                    "quoted": cov.quoted,
                    "reader_comments": cov.comments,
                    "judgement": cov.judgement,
                    "unsupported": cov.unsupported,
                },
                "warnings": [p.to_dict() for p in warnings],
            }
        )
        return
    for p in warnings:
        console.print(f"[yellow]warning:[/yellow] {escape(str(p))}", soft_wrap=True)
    from accord.scenario.loader import resolve_scenario_path

    console.print(f"{resolve_scenario_path(file)}: valid scenario '{scn.metadata.title}'")
    console.print(f"  {len(scn.actors)} actors: {', '.join(scn.actor_ids)}")
    console.print(f"  {len(scn.issues)} issues: {', '.join(scn.issue_ids)}")
    console.print(f"  evidence: {cov}")


@click.command()
def schema() -> None:
    """Print the JSON Schema of the scenario format."""
    from accord.scenario import Scenario

    sys.stdout.write(json.dumps(Scenario.model_json_schema(), indent=2) + "\n")


@click.command()
@format_option("table", "json")
def scenarios(fmt: str) -> None:
    """List the scenarios that ship with accord."""
    rows = []
    import yaml  # the shipped files are validated by the tests: read their headline fields only

    from accord.scenario import shipped_scenarios

    loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
    for name, path in shipped_scenarios().items():
        # noqa: S506 (safe loader)
        data = yaml.load(path.read_text(encoding="utf-8"), Loader=loader)
        rows.append(
            (
                name,
                str(data["metadata"]["title"]),
                len(data["actors"]),
                len(data["issues"]),
                str(path),
            )
        )
    if fmt == "json":
        emit_json(
            [
                {"name": r[0], "title": r[1], "actors": r[2], "issues": r[3], "path": r[4]}
                for r in rows
            ]
        )
        return
    t = Table()
    for col in ("name", "title", "actors", "issues"):
        t.add_column(col)
    for r in rows:
        t.add_row(r[0], r[1], str(r[2]), str(r[3]))
    console.print(t)
    console.print(f"accord {accord.__version__}; default scenario: ukraine-2025")
