"""`accord import`, `accord export` and `accord template` through the real entry points."""

from __future__ import annotations

import subprocess
import sys

from click.testing import CliRunner
from conftest import FIXTURES, shared_file

import accord
from accord.cli import cli


def _run(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "accord", *args], check=False, capture_output=True, text=True
    )


def test_import_decide_to_yaml(tmp_path):
    src = shared_file("decide", "cop21_with_scale_labels.csv")
    out = tmp_path / "cop21.yaml"
    res = CliRunner().invoke(cli, ["import", str(src), "-o", str(out)], catch_exceptions=False)
    assert res.exit_code == 0, res.output
    assert (
        "15 actors, 13 issues" in res.output
        and "0 quoted from sources, 0 from reader comments, 0 judgement" in res.output
    )
    assert accord.load_scenario(out) == accord.load_scenario(src)


def test_import_genius_prints_what_was_not_kept(tmp_path):
    out = tmp_path / "h.yaml"
    res = CliRunner().invoke(
        cli,
        [
            "import",
            str(FIXTURES / "genius" / "holiday_domain.xml"),
            "--profile",
            str(FIXTURES / "genius" / "holiday_bob.xml"),
            "-o",
            str(out),
        ],
        catch_exceptions=False,
    )
    assert res.exit_code == 0, res.output
    assert "note: discount factors not represented: holiday_bob 0.9" in res.output
    assert accord.load_scenario(out).actor_ids == ["holiday_bob"]


def test_export_csv_warns_about_each_loss(tmp_path):
    out = tmp_path / "eu.csv"
    res = CliRunner().invoke(
        cli, ["export", "eu-emissions-1994", "--to", "csv", "-o", str(out)], catch_exceptions=False
    )
    assert res.exit_code == 0
    assert "warning:" in res.output and "CSV cannot hold" in res.output
    assert (
        "evidence of 30 of 30 numbers" in res.output
        and "3 scale labels on issues year" in res.output
    )
    back = accord.load_scenario(out)
    assert (
        back.matrices()["position"].tolist()
        == accord.load_scenario("eu-emissions-1994").matrices()["position"].tolist()
    )


def test_export_xlsx_then_validate_and_forecast(tmp_path):
    out = tmp_path / "ukraine.xlsx"
    res = CliRunner().invoke(
        cli, ["export", "ukraine-2025", "-o", str(out)], catch_exceptions=False
    )
    assert res.exit_code == 0 and "warning" not in res.output
    proc = _run("validate", str(out))
    assert proc.returncode == 0, proc.stderr
    assert accord.load_scenario(out) == accord.load_scenario("ukraine-2025")


def test_template_refuses_to_overwrite_without_force(tmp_path):
    out = tmp_path / "t.xlsx"
    runner = CliRunner()
    assert runner.invoke(cli, ["template", "-o", str(out)]).exit_code == 0
    before = out.read_bytes()
    out.write_bytes(b"filled in by an analyst")
    res = runner.invoke(cli, ["template", "-o", str(out)])
    assert (
        res.exit_code != 0
        and "exists" in res.output
        and out.read_bytes() == b"filled in by an analyst"
    )
    assert runner.invoke(cli, ["template", "-o", str(out), "--force"]).exit_code == 0
    assert out.read_bytes()[:2] == before[:2] == b"PK"


def test_bad_import_exits_2_and_writes_nothing(tmp_path):
    out = tmp_path / "x.yaml"
    proc = _run("import", str(shared_file("decide", "copenhagen_with_errors.tsv")), "-o", str(out))
    assert proc.returncode == 2 and "line 86" in proc.stderr and "line 87" in proc.stderr
    assert "Traceback" not in proc.stderr and not out.exists()


def test_export_needs_a_known_format(tmp_path):
    res = CliRunner().invoke(cli, ["export", "eu-emissions-1994", "-o", str(tmp_path / "x.txt")])
    assert res.exit_code == 2 and "--to" in res.output
