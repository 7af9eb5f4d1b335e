"""Every command that runs an analysis takes the same options (issue 17): --db and
--save/--no-save, --seed where it draws, --format where it prints a result, --model-param where
it runs forecasting models."""

from __future__ import annotations

import json

import pytest
from click.testing import CliRunner

from accord.cli import cli

#: command -> the options it must take
EXPECTED = {
    "forecast": {"--db", "--save", "--seed", "--format", "--model-param"},
    "simulate": {"--db", "--save", "--seed", "--format", "--model-param"},
    "sensitivity": {"--db", "--save", "--seed", "--format", "--model-param"},
    "shock": {"--db", "--save", "--seed", "--format", "--model-param"},
    "process": {"--db", "--save", "--seed", "--format"},  # runs no forecasting model
    "bargain": {"--db", "--save", "--format"},  # draws nothing, runs no forecasting model
    "report": {"--db", "--save", "--seed", "--model-param"},  # writes HTML
    "diff": {"--seed", "--format", "--model-param"},  # compares two runs it does not keep
}


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_each_analysis_command_takes_the_common_options(name):
    command = cli.commands[name]
    flags = {f for p in command.params for f in p.opts}
    missing = EXPECTED[name] - flags
    assert not missing, f"accord {name} lacks {sorted(missing)}"


def test_sensitivity_and_shock_are_recorded_unless_told_not_to(tmp_path):
    db = f"sqlite:///{tmp_path / 'runs.sqlite'}"
    run = CliRunner().invoke
    base = ["ukraine-2025", "-m", "compromise", "--db", db]
    assert run(cli, ["sensitivity", *base, "--method", "tornado"]).exit_code == 0
    assert run(cli, ["shock", *base, "--shock", "russia:leave@3"]).exit_code == 0
    assert run(cli, ["sensitivity", *base, "--method", "tornado", "--no-save"]).exit_code == 0
    out = run(cli, ["runs", "--db", db, "list", "--format", "json"])
    assert out.exit_code == 0, out.output
    assert sorted(r["kind"] for r in json.loads(out.output)) == ["sensitivity", "shock"]
