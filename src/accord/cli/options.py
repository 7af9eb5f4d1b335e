"""Options and small helpers shared by the analysis commands (simulate, sensitivity, shock)."""

from __future__ import annotations

import math
from typing import TYPE_CHECKING

import click
from rich.table import Table

from accord.scenario import Problem, ScenarioError

if TYPE_CHECKING:
    from accord.scenario import Scenario

__all__ = [
    "add_columns",
    "check_models",
    "fmt_number",
    "models_option",
    "parse_shocks",
    "shock_option",
]


def models_option():
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


def check_models(models: tuple[str, ...]) -> list[str] | None:
    from accord.models.registry import get_model

    names = [x.strip() for chunk in models for x in chunk.split(",") if x.strip()]
    for n in names:
        try:
            get_model(n)
        except KeyError as exc:
            raise click.BadParameter(str(exc.args[0]), param_hint="--model") from None
    return names or None


def model_param_option(fn):
    """``--model-param MODEL.OPTION=VALUE`` (repeatable), checked by the models' tables."""
    from accord.models.options import MODEL_PARAM_SYNTAX

    return click.option(
        "--model-param",
        "model_params",
        multiple=True,
        metavar="MODEL.OPTION=VALUE",
        help=f"a model option (repeatable): {MODEL_PARAM_SYNTAX}; the scenario's own options "
        "(e.g. KTAB's ModelParameters) apply first",
    )(fn)


def configured_models(names: list[str] | None, scenario: Scenario, specs: tuple[str, ...]):
    """The models to run, with the scenario's options and the user's ``--model-param``; a
    model named with ``--model`` that does not apply to the scenario (the procedure model
    without a ``procedure:``) is a usage error saying what to add."""
    from accord.models.base import not_applicable
    from accord.models.options import build_models

    models = build_models(names, scenario, specs)
    for m in models:
        reason = not_applicable(m, scenario)
        if reason is not None:
            raise click.BadParameter(
                f"{m.name} does not apply: {reason} (the EU legislative procedure, the "
                "Council's voting rule and the institutions' actor ids, docs/backtest.md); add "
                "it to the scenario or leave the model out",
                param_hint="--model",
            )
    return models


def shock_option():
    from accord.scenario.syntax import SHOCK_SYNTAX

    return click.option(
        "--shock",
        "shock_specs",
        multiple=True,
        metavar="SPEC",
        help=f"a shock (repeatable): {SHOCK_SYNTAX}",
    )


def parse_shocks(scn: Scenario, specs: tuple[str, ...], with_scenario: bool, file: str):
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


def add_columns(table: Table, *names: str) -> None:
    for name in names:
        table.add_column(name, justify="right")


def fmt_number(x) -> str:
    try:
        return "—" if x is None or math.isnan(x) else f"{x:.2f}"
    except TypeError:
        return str(x)
