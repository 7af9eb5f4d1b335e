"""Helpers shared by the command modules."""

from __future__ import annotations

import json
import sys
from typing import Any

import click
from rich.console import Console

from accord.scenario import Scenario, load_scenario

console = Console(highlight=False, soft_wrap=False)
console_err = Console(stderr=True, highlight=False, soft_wrap=True)

scenario_argument = click.argument("scenario", required=False, metavar="[SCENARIO]")


def read_scenario(ref: str | None) -> Scenario:
    return load_scenario(ref)


def format_option(*choices: str, default: str = "table"):
    return click.option(
        "--format", "fmt", type=click.Choice(list(choices)), default=default, show_default=True,
        help="output format",
    )


def emit_json(data: Any) -> None:
    sys.stdout.write(json.dumps(data, indent=2, ensure_ascii=False, default=_default) + "\n")


def _default(o: Any) -> Any:
    import numpy as np

    if isinstance(o, np.generic):
        return o.item()
    if isinstance(o, np.ndarray):
        return o.tolist()
    raise TypeError(type(o).__name__)
