"""Every option that counts work has an upper bound (issue 18): a typo such as a billion draws
is a usage error naming the option and its range, never hours of work."""

from __future__ import annotations

import pytest
from click.testing import CliRunner

from accord.cli import cli
from accord.cli._common import LIMITS

CASES = [
    (["simulate", "--draws"], "draws"),
    (["simulate", "--workers"], "workers"),
    (["report", "--workers"], "workers"),
    (["sensitivity", "--workers"], "workers"),
    (["simulate", "--chunk-size"], "chunk"),
    (["bargain", "--months"], "months"),
    (["bargain", "--resolution"], "resolution"),
    (["process", "--runs"], "runs"),
    (["report", "--draws"], "draws"),
    (["report", "--runs"], "runs"),
    (["report", "--months"], "months"),
    (["sensitivity", "--samples"], "samples"),
    (["shock", "--draws"], "draws"),
    (["shock", "--workers"], "workers"),
    (["diff", "ukraine-2024-11", "ukraine-2025-07", "--draws"], "draws"),
    (["diff", "ukraine-2024-11", "ukraine-2025-07", "--runs"], "runs"),
]


@pytest.mark.parametrize(("args", "what"), CASES, ids=[" ".join(a) for a, _ in CASES])
def test_one_past_the_limit_is_a_usage_error_naming_the_option(args, what):
    res = CliRunner().invoke(cli, [*args, str(LIMITS[what] + 1)])
    assert res.exit_code == 2, res.output
    assert args[-1] in res.output and f"<={LIMITS[what]}" in res.output
    assert "Traceback" not in res.output
