"""Feedback on long commands (issue 17): the brief names each slow stage as it starts, and the
command line shows it on a terminal's stderr only."""

from __future__ import annotations

import io

from rich.console import Console

import accord
from accord.cli import _common
from accord.report.brief import build_brief


def test_the_brief_names_its_slow_stages_in_order():
    seen: list[str] = []
    build_brief(
        accord.load_scenario("ukraine-2025"), draws=40, runs=10, short=True, on_stage=seen.append
    )
    assert seen[0] == "forecasts" and seen[-1] == "page one"
    assert {"bargaining analysis", "Monte Carlo, 40 draws", "sensitivity (tornado)"} <= set(seen)
    assert "process comparisons, 10 runs each" in seen


def test_stages_show_on_a_terminal_and_stay_silent_otherwise(monkeypatch):
    buf = io.StringIO()
    monkeypatch.setattr(_common, "console_err", Console(file=buf, force_terminal=True, width=80))
    with _common.stages() as stage:
        stage("bargaining analysis")
    assert "done in" in buf.getvalue()
    quiet = io.StringIO()
    monkeypatch.setattr(_common, "console_err", Console(file=quiet, force_terminal=True))
    with _common.stages(quiet=True) as stage:
        stage("bargaining analysis")
    assert quiet.getvalue() == ""
    plain = io.StringIO()
    monkeypatch.setattr(_common, "console_err", Console(file=plain, force_terminal=False))
    with _common.stages() as stage:
        stage("bargaining analysis")
    assert plain.getvalue() == ""


def test_every_long_command_takes_quiet():
    """Issue 17: the commands that run for more than two seconds share one switch, `-q`."""
    from accord.cli import cli

    for name in ("report", "sensitivity", "process", "simulate", "backtest", "diff"):
        cmd = cli.commands[name]
        flags = {opt for p in cmd.params for opt in getattr(p, "opts", [])}
        assert {"--quiet", "-q"} <= flags, name
