"""Ripeness: the month a zone of agreement opens as costs mount and the line moves [Zartman2000],
on cases worked by hand; and the `accord bargain` command through its real entry point."""

from __future__ import annotations

import json
import subprocess
import sys

import numpy as np
import pytest
from click.testing import CliRunner
from conftest import FIXTURES

import accord
from accord.bargaining import analyse
from accord.bargaining.ripeness import no_deal_path, zone_sizes
from accord.bargaining.space import build_space
from accord.cli import cli
from accord.scenario import scenario_from_dict

RIPENING = FIXTURES / "bargaining" / "ripening.yaml"


@pytest.mark.reference
def test_zone_opens_when_worked_by_hand():
    """tests/fixtures/bargaining/ripening.yaml: d_A(t) = 0.6 − 0.01 t, d_B(t) = 0.5 − 0.02 t (the
    line drifts from 50 towards A). A package x beats both when 50 − 2t < x < 40 + t: first at
    t = 4 on the continuous scale (42 < x < 44; Nash maximises (44 − x)(x − 42): x = 43); on the
    grid (0, 10, …, 100) 40 first fits at t = 6 (38 < 40 < 46; at t = 5 the bounds 40 and 45 are
    strict)."""
    res = analyse(accord.load_scenario(RIPENING), months=12)
    assert not res.zone_exists
    assert res.opens_at == 6 and res.package_at_opening.values["x"] == 40
    assert res.opens_at_continuous == 4
    assert res.continuous_at_opening.values["x"] == pytest.approx(43, abs=1e-6)
    assert [p.zopa_size for p in res.timeline[:7]] == [0, 0, 0, 0, 0, 0, 1]
    # max–min gain before opening, by hand: min(0.4 + 0.01t − x/100, x/100 − 0.5 + 0.02t) at its
    # best x is (0.03t − 0.1)/2
    for t in range(4):
        assert res.timeline[t].max_min_gain == pytest.approx((0.03 * t - 0.1) / 2, abs=1e-9)
    np.testing.assert_allclose([p.no_deal["a"] for p in res.timeline[:3]], [0.6, 0.59, 0.58])


def test_zone_sizes_match_a_direct_count():
    scn = accord.load_scenario(RIPENING)
    space = build_space(scn, resolution=101)
    path = no_deal_path(space, 30)
    direct = [int((space.feasible & (space.utility > d).all(axis=1)).sum()) for d in path]
    assert zone_sizes(space, path, chunk=7).tolist() == direct


def test_capability_trend_weights_the_nash_package_at_opening():
    """No deal is fixed at 0.9 for both and costs 0.5 a month: at month 1 both are at 0.4, so the
    zone is 40 < x < 60. A's capability doubles every month (trend +100 %), so at month 1 the
    weights are 2 : 1 and the weighted Nash maximises 2 log(0.6 − y) + log(y − 0.4): y = 7/15, on
    the 1-point grid x = 47 (2 ln 0.13 + ln 0.07 = −6.739 beats −6.745 at 46). Symmetric: 50."""
    scn = scenario_from_dict(
        {
            "metadata": {"title": "trend"},
            "issues": [{"id": "x", "question": "?", "status_quo": 50}],
            "actors": [
                {
                    "id": "a",
                    "name": "A",
                    "capability": 1,
                    "stances": {"x": {"position": 0, "salience": 1}},
                    "no_deal": {
                        "utility": 0.9,
                        "cost_per_month": 0.5,
                        "capability_trend_per_month": 1.0,
                    },
                },
                {
                    "id": "b",
                    "name": "B",
                    "capability": 1,
                    "stances": {"x": {"position": 100, "salience": 1}},
                    "no_deal": {"utility": 0.9, "cost_per_month": 0.5},
                },
            ],
        }
    )
    res = analyse(scn, months=3, resolution=101)
    assert res.opens_at == 1
    assert res.solutions_at_opening["nash"].values["x"] == 50
    assert res.solutions_at_opening["nash_weighted"].values["x"] == 47


def test_cli_table_and_json(tmp_path):
    runner = CliRunner()
    out = runner.invoke(cli, ["bargain", str(RIPENING), "--months", "12", "--resolution", "11"])
    assert out.exit_code == 0, out.output
    assert (
        "No zone of agreement now" in out.output
        and "month 6" in out.output
        and "month 4" in out.output
    )
    out = runner.invoke(cli, ["bargain", str(RIPENING), "--months", "12", "--format", "json"])
    assert out.exit_code == 0, out.output
    data = json.loads(out.output)
    assert (
        data["ripeness"]["opens_at_month"] == 6
        and data["ripeness"]["opens_at_month_continuous"] == 4
    )
    assert data["zone_exists"] is False and data["packages"] == 11


def test_cli_shows_solutions_when_a_zone_exists():
    out = CliRunner().invoke(
        cli, ["bargain", str(FIXTURES / "bargaining" / "three_party.yaml"), "--months", "0"]
    )
    assert out.exit_code == 0, out.output
    assert "A zone of agreement exists now" in out.output
    for title in ("Nash bargaining solution", "Kalai–Smorodinsky", "Egalitarian"):
        assert title in out.output
    assert "on the continuous scales" in out.output


def test_cli_reports_bad_input_with_exit_2(tmp_path):
    bad = tmp_path / "bad.yaml"
    bad.write_text(
        (FIXTURES / "bargaining" / "ripening.yaml")
        .read_text()
        .replace("cost_per_month: 0.01", "cost_per_month: lots")
    )
    p = subprocess.run(
        [sys.executable, "-m", "accord", "bargain", str(bad)],
        capture_output=True,
        text=True,
        check=False,
    )
    assert p.returncode == 2 and "actors[0].no_deal.cost_per_month (line 22)" in p.stderr
    assert "Traceback" not in p.stderr
    out = CliRunner().invoke(cli, ["bargain", str(RIPENING), "--resolution", "1"])
    assert out.exit_code == 2
