"""The brief: one self-contained HTML file with every input footnoted; writes are atomic."""

from __future__ import annotations

import re
import subprocess
import sys

import pytest

import accord
from accord.report.brief import build_brief


@pytest.fixture(scope="module")
def eu_brief():
    return build_brief(accord.load_scenario("eu-emissions-1994"))


def test_brief_is_self_contained(eu_brief):
    # nothing fetched at view time: no external scripts, styles, images or fonts
    assert not re.search(r"""(src|href)\s*=\s*["']?(https?:)?//""", eu_brief)
    assert "<script src" not in eu_brief and "<link" not in eu_brief and "@import" not in eu_brief
    assert eu_brief.count("<svg") >= 1


def test_brief_footnotes_every_input_with_its_quote(eu_brief, eu_scenario):
    for place, q in eu_scenario.quantities():
        assert f"<code>{place}</code>" in eu_brief, place
        assert q.evidence.quote in eu_brief
    assert "Key judgements" in eu_brief and "Assumptions" in eu_brief
    # the headline is the declared consensus, not a pick among the models' values
    from accord.forecast import CONSENSUS_MODEL

    consensus = accord.forecast(eu_scenario).model(CONSENSUS_MODEL).value("year")
    assert f"introduction date</b>: heading for {consensus:.0f} on" in eu_brief


def test_cli_report_writes_html_and_keeps_old_file_on_failure(tmp_path):
    out = tmp_path / "brief.html"
    p = subprocess.run(
        [
            sys.executable,
            "-m",
            "accord",
            "report",
            "eu-emissions-1994",
            "-o",
            str(out),
            "--no-save",
        ],
        capture_output=True,
        text=True,
    )
    assert p.returncode == 0, p.stderr
    assert out.read_text().startswith("<!doctype html>")
    out.write_text("keep me")
    bad = tmp_path / "bad.yaml"
    bad.write_text("metadata: {title: x}\nactors: []\nissues: []\n")
    p = subprocess.run(
        [sys.executable, "-m", "accord", "report", str(bad), "-o", str(out)],
        capture_output=True,
        text=True,
    )
    assert p.returncode == 2 and "must list at least one actor" in p.stderr
    assert out.read_text() == "keep me"


def test_atomic_write_leaves_target_untouched_on_error(tmp_path):
    from accord._atomic import atomic_open

    target = tmp_path / "x.txt"
    target.write_text("old")
    with pytest.raises(RuntimeError):
        with atomic_open(target) as fh:
            fh.write("half")
            raise RuntimeError("disk full")
    assert target.read_text() == "old"
    assert [p.name for p in tmp_path.iterdir()] == ["x.txt"]


def test_model_params_reach_every_section_of_the_brief(tmp_path):
    """`accord report --model-param` configures the models the brief runs (issue 13): BDM with
    one round gives the forecast `accord forecast --model-param bdm.rounds=1` gives, and a bad
    option stops the command before anything is written."""
    from click.testing import CliRunner

    from accord.cli import cli
    from accord.models.expected_utility import ExpectedUtility
    from accord.report.brief import build_brief

    scn = accord.load_scenario("eu-emissions-1994")
    one = ExpectedUtility(rounds=1).forecast(scn).issues["year"].value
    default = ExpectedUtility().forecast(scn).issues["year"].value
    assert f"{one:.1f}" != f"{default:.1f}"  # the option changes the number: the test can fail
    html = build_brief(scn, model_params=("bdm.rounds=1",))
    assert f"{one:.1f}" in html
    out = tmp_path / "b.html"
    res = CliRunner().invoke(
        cli, ["report", "eu-emissions-1994", "-o", str(out), "--model-param", "bdm.rounds=zz"]
    )
    assert res.exit_code != 0 and not out.exists()
    assert "rounds must be an integer" in str(res.exception)  # main() prints it, no traceback
