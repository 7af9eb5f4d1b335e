"""`accord diff A B`: the input changes (matched by id) and how the answers moved, through the
library and the real command line."""

from __future__ import annotations

import doctest
import json
import subprocess
import sys

import pytest
import yaml
from click.testing import CliRunner
from test_procedure_model import eu_case

import accord
from accord.cli import cli
from accord.report.diff import DEFAULT_DRAWS, DEFAULT_RUNS, compare_scenarios
from accord.scenario.diff import diff_scenarios
from accord.scenario.shipped import shipped_path

NEW_QUOTE = "Russia will settle for a line a little short of what it holds"


def _data(name: str = "ukraine-2025") -> dict:
    return yaml.safe_load(shipped_path(name).read_text(encoding="utf-8"))


def _actor(data: dict, actor_id: str) -> dict:
    return next(a for a in data["actors"] if a["id"] == actor_id)


def _write(tmp_path, data: dict, name: str = "b.yaml"):
    path = tmp_path / name
    path.write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False), encoding="utf-8")
    return path


def _edited(tmp_path):
    """The default scenario with one salience changed, one red line moved with a new quote and
    one actor added."""
    data = _data()
    _actor(data, "us_admin")["stances"]["territory"]["salience"]["value"] = 0.9
    red = _actor(data, "russia")["stances"]["territory"]["red_line"]
    red["value"] = 80
    red["evidence"] = {"source": "lieven2024", "quote": NEW_QUOTE, "note": "a new reading"}
    data["actors"].append(
        {
            "id": "china",
            "name": "China",
            "party": False,
            "capability": {"value": 40, "evidence": {"judgement": "a large economy"}},
            "stances": {"territory": {"position": 70, "salience": 0.3}},
        }
    )
    return _write(tmp_path, data)


# -- the inputs ----------------------------------------------------------------------------------


def test_identical_scenarios_have_no_changes_and_no_moved_answer():
    scn = accord.load_scenario("ukraine-2025")
    cmp = compare_scenarios(scn, scn.model_copy(deep=True), draws=20, runs=10, seed=3)
    assert cmp.inputs.empty and cmp.inputs.changes == ()
    groups = {m.group for m in cmp.answers}
    assert groups == {"forecast", "bargaining", "Monte Carlo", "process"}
    assert not cmp.moved
    assert all(m.delta in (0.0, None) for m in cmp.answers)
    assert all(m.delta == 0.0 for m in cmp.answers if m.old is not None)


def test_exactly_the_edited_inputs_are_reported_with_their_evidence(tmp_path):
    a = accord.load_scenario("ukraine-2025")
    b = accord.load_scenario(_edited(tmp_path))
    changes = {c.key: c for c in diff_scenarios(a, b).changes}
    assert set(changes) == {
        "actors.us_admin.stances.territory.salience",
        "actors.russia.stances.territory.red_line",
        "actors.china",
    }
    sal = changes["actors.us_admin.stances.territory.salience"]
    assert (sal.kind, sal.old, sal.new) == ("changed", 0.7, 0.9)
    assert sal.place == "US administration (Trump) · territory · salience"
    assert sal.old_evidence == sal.new_evidence and sal.old_evidence["kind"] == "quote"

    red = changes["actors.russia.stances.territory.red_line"]
    assert (red.kind, red.old, red.new) == ("changed", 84.0, 80.0)
    assert red.place == "Russia (Putin) · territory · red line"
    assert red.old_evidence["source"] == "lieven2024"
    assert red.old_evidence["quote"].startswith("cannot countenance withdrawal")
    assert red.new_evidence == {
        "kind": "quote",
        "source": "lieven2024",
        "quote": NEW_QUOTE,
        "note": "a new reading",
    }

    china = changes["actors.china"]
    assert (china.kind, china.old, china.place) == ("added", None, "actor China")
    assert china.new == {
        "id": "china",
        "name": "China",
        "capability": 40.0,
        "party": False,
        "ratifies": False,
        "stances": ["territory"],
    }
    assert china.new_evidence == {"kind": "judgement", "judgement": "a large economy"}


def test_order_in_the_file_does_not_matter(tmp_path):
    data = _data()
    data["actors"].reverse()
    data["issues"].reverse()
    data["sources"].reverse()
    for actor in data["actors"]:
        actor["stances"] = dict(reversed(list(actor["stances"].items())))
    b = accord.load_scenario(_write(tmp_path, data))
    assert diff_scenarios(accord.load_scenario("ukraine-2025"), b).empty


def test_range_evidence_and_removed_issue_are_listed_not_errors(tmp_path):
    data = _data()
    russia = _actor(data, "russia")["stances"]["territory"]
    russia["red_line"]["uncertainty"] = {"low": 50, "high": 90, "shape": "uniform"}
    russia["salience"]["evidence"] = {"judgement": "re-read"}
    data["issues"] = [i for i in data["issues"] if i["id"] != "assets"]
    for actor in data["actors"]:
        actor["stances"].pop("assets", None)
    data["war"]["discount_rate_per_month"]["value"] = 0.02
    data.setdefault("extensions", {})["shocks_note"] = {"ultimatum": {"deadline": 5}}
    a, b = accord.load_scenario("ukraine-2025"), accord.load_scenario(_write(tmp_path, data))
    changes = {c.key: c for c in diff_scenarios(a, b).changes}

    rng = changes["actors.russia.stances.territory.red_line.uncertainty"]
    assert rng.place == "Russia (Putin) · territory · red line · range"
    assert (rng.old["low"], rng.old["high"], rng.old["shape"]) == (80.0, 90.0, "triangular")
    assert rng.new == {"low": 50.0, "high": 90.0, "shape": "uniform"}
    ev = changes["actors.russia.stances.territory.salience.evidence"]
    assert ev.kind == "evidence" and ev.old == ev.new == 0.9
    assert ev.new_evidence == {"kind": "judgement", "judgement": "re-read"}
    assert changes["issues.assets"].kind == "removed" and changes["issues.assets"].new is None
    assert changes["actors.russia.stances.assets"].kind == "removed"
    assert (
        changes["war.discount_rate_per_month"].old,
        changes["war.discount_rate_per_month"].new,
    ) == (
        0.01,
        0.02,
    )
    assert changes["extensions.shocks_note"].new == {"ultimatum": {"deadline": 5}}

    cmp = compare_scenarios(a, b, models=["median"], draws=0, runs=0, resolution=3)
    gone = [m for m in cmp.answers if m.key == "forecast.assets.median"]
    assert len(gone) == 1 and gone[0].old is not None and gone[0].new is None
    assert gone[0].moved and gone[0].delta is None


EU_PROC = {"legislative": "co-decision", "council": "qmv", "commission": "COM", "parliament": "EP"}


def _eu(procedure: dict | None):
    return accord.scenario.scenario_from_dict(eu_case(procedure))


def test_a_change_of_procedure_is_reported_field_by_field():
    """Two scenarios that differ only in their ``procedure:``: each changed field is one change,
    a procedure only one side has is one ``added`` / ``removed`` change."""
    a = _eu(EU_PROC)
    b = _eu(
        {**EU_PROC, "council": "unanimity", "parliament": None, "council_members": ["M0", "M1"]}
    )
    assert diff_scenarios(a, _eu(dict(EU_PROC))).empty
    assert diff_scenarios(a, _eu({**EU_PROC, "legislative": "COD"})).empty  # an alias: the same
    got = [(c.key, c.place, c.kind, c.old, c.new) for c in diff_scenarios(a, b).changes]
    assert got == [
        ("procedure.council", "procedure · Council voting rule", "changed", "qmv", "unanimity"),
        ("procedure.parliament", "procedure · Parliament", "removed", "EP", None),
        ("procedure.council_members", "procedure · Council members", "added", None, ["M0", "M1"]),
    ]
    legislative = diff_scenarios(a, _eu({**EU_PROC, "legislative": "consultation"})).changes
    assert [(c.place, c.old, c.new) for c in legislative] == [
        ("procedure · legislative procedure", "co-decision", "consultation")
    ]
    added = diff_scenarios(_eu(None), a).changes
    assert [(c.key, c.place, c.kind, c.old) for c in added] == [
        ("procedure", "procedure", "added", None)
    ]
    assert added[0].new == EU_PROC
    removed = diff_scenarios(a, _eu(None)).changes
    assert [(c.key, c.kind, c.old, c.new) for c in removed] == [
        ("procedure", "removed", EU_PROC, None)
    ]


def test_every_procedure_field_has_a_place_name():
    """A field added to the procedure without a name here would never be compared."""
    from accord.scenario import Procedure
    from accord.scenario.diff import PROCEDURE_NAMES

    assert list(PROCEDURE_NAMES) == list(Procedure.model_fields)


def test_cli_shows_a_change_of_procedure_in_the_table_and_the_json(tmp_path):
    wide = {"COLUMNS": "200"}  # each cell on one line
    a, b = eu_case(EU_PROC), eu_case({**EU_PROC, "council": "unanimity"})
    del b["procedure"]["parliament"]
    pa, pb = _write(tmp_path, a, "a.yaml"), _write(tmp_path, b, "b.yaml")
    pn = _write(tmp_path, eu_case(None), "none.yaml")
    runner = CliRunner()
    res = runner.invoke(cli, ["diff", str(pa), str(pb), "--inputs-only"], env=wide)
    assert res.exit_code == 0, res.output
    assert "procedure · Council voting rule" in res.output and "unanimity" in res.output
    assert "procedure · Parliament" in res.output and "(absent)" in res.output
    res = runner.invoke(cli, ["diff", str(pn), str(pa), "--inputs-only"], env=wide)
    assert res.exit_code == 0, res.output
    assert "co-decision, Council by qmv; Commission COM; Parliament EP" in res.output
    res = runner.invoke(cli, ["diff", str(pa), str(pb), "--inputs-only", "--format", "json"])
    assert res.exit_code == 0, res.output
    inputs = json.loads(res.output)["inputs"]
    assert [(c["key"], c["kind"], c["old"], c["new"]) for c in inputs] == [
        ("procedure.council", "changed", "qmv", "unanimity"),
        ("procedure.parliament", "removed", "EP", None),
    ]
    res = runner.invoke(cli, ["diff", str(pa), str(pn), "--inputs-only", "--format", "json"])
    assert json.loads(res.output)["inputs"][0] | {"old_evidence": None} == {
        "key": "procedure",
        "place": "procedure",
        "kind": "removed",
        "old": EU_PROC,
        "new": None,
        "old_evidence": None,
        "new_evidence": None,
    }


def test_a_scenario_the_bargaining_cannot_run_still_compares():
    scn = accord.load_scenario("eu-emissions-1994")
    cmp = compare_scenarios(scn, scn, draws=10, runs=5)
    assert {m.group for m in cmp.answers} == {"forecast"} and not cmp.moved
    assert len(cmp.notes) == 1 and "A and B" in cmp.notes[0] and "status_quo" in cmp.notes[0]


def test_the_answers_move_with_the_inputs(tmp_path):
    a = accord.load_scenario("ukraine-2025")
    b = accord.load_scenario(_edited(tmp_path))
    cmp = compare_scenarios(a, b, draws=0, runs=0)
    moved = {m.key: m for m in cmp.moved}
    opens = moved["bargaining.opens_at"]
    assert opens.delta == opens.new - opens.old != 0
    assert "forecast.territory.ensemble" in moved


def test_cli_defaults_are_the_library_defaults():
    from accord.cli import diff

    assert (diff.DRAWS, diff.RUNS) == (DEFAULT_DRAWS, DEFAULT_RUNS)


@pytest.mark.parametrize("name", ["accord.scenario.diff", "accord.report.diff"])
def test_docstring_examples_run(name):
    import importlib

    result = doctest.testmod(importlib.import_module(name), optionflags=doctest.ELLIPSIS)
    assert result.failed == 0 and result.attempted > 0


# -- the command line ----------------------------------------------------------------------------


def test_cli_prints_both_tables(tmp_path):
    b = _edited(tmp_path)
    out = tmp_path / "diff.json"
    res = CliRunner().invoke(
        cli,
        ["diff", "ukraine-2025", str(b), "--draws", "10", "--runs", "5", "-o", str(out)],
        catch_exceptions=False,
    )
    assert res.exit_code == 0, res.output
    assert "Inputs that changed" in res.output and "How the answers moved" in res.output
    assert "China" in res.output and "red line" in res.output
    data = json.loads(out.read_text(encoding="utf-8"))
    assert data["files"] == {"a": "ukraine-2025", "b": str(b)}
    assert len(data["inputs"]) == 3
    assert {m["group"] for m in data["answers"]} == {
        "forecast",
        "bargaining",
        "Monte Carlo",
        "process",
    }


def test_cli_inputs_only_and_json(tmp_path):
    runner = CliRunner()
    res = runner.invoke(cli, ["diff", "ukraine-2025", "ukraine-2025", "--inputs-only"])
    assert res.exit_code == 0, res.output
    assert "Inputs that changed: none" in res.output and "answers" not in res.output
    res = runner.invoke(
        cli, ["diff", "ukraine-2025", str(_edited(tmp_path)), "--inputs-only", "--format", "json"]
    )
    assert res.exit_code == 0, res.output
    data = json.loads(res.output)
    assert data["answers"] == [] and len(data["inputs"]) == 3


@pytest.mark.parametrize(
    "args",
    [
        ["ukraine-2025", "no-such-file.yaml"],
        ["no-such-scenario", "ukraine-2025"],
    ],
)
def test_cli_bad_path_is_a_clean_error(args):
    proc = subprocess.run(
        [sys.executable, "-m", "accord", "diff", *args, "--inputs-only"],
        capture_output=True,
        text=True,
    )
    assert proc.returncode == 2, proc.stderr
    bad = next(a for a in args if a.startswith("no-such"))
    assert f"{bad}: file does not exist" in proc.stderr
    assert "Traceback" not in proc.stderr and "internal error" not in proc.stderr


def test_cli_unwritable_output_is_a_clean_error(tmp_path):
    folder = tmp_path / "taken"
    folder.mkdir()
    proc = subprocess.run(
        [sys.executable, "-m", "accord", "diff", "eu-emissions-1994", "eu-emissions-1994"]
        + ["--inputs-only", "-o", str(folder)],
        capture_output=True,
        text=True,
    )
    assert proc.returncode != 0
    assert "Traceback" not in proc.stderr and "internal error" not in proc.stderr


def test_cli_reports_both_bad_files_at_once():
    proc = subprocess.run(
        [sys.executable, "-m", "accord", "diff", "no-such-a.yaml", "no-such-b.yaml"],
        capture_output=True,
        text=True,
    )
    assert proc.returncode == 2
    assert "no-such-a.yaml: file does not exist" in proc.stderr
    assert "no-such-b.yaml: file does not exist" in proc.stderr
    assert "2 problems found; nothing was run." in proc.stderr and "Traceback" not in proc.stderr


def test_the_two_snapshots_differ_where_the_news_changed_them():
    """ukraine-2024-11 → ukraine-2025-07: the line of contact moved (82 → 84), the Kursk trade
    label left the scale, the US turned to pressure on sanctions, and the ultimatum gained its
    quote; reader comments and ratifiers are compared too."""
    from accord.scenario.diff import diff_scenarios

    d = diff_scenarios(
        accord.load_scenario("ukraine-2024-11"), accord.load_scenario("ukraine-2025-07")
    )
    by_key = {c.key: c for c in d.changes}
    sq = by_key["issues.territory.status_quo"]
    assert (sq.old, sq.new) == (82.0, 84.0)
    assert by_key["issues.territory.scale.labels.80"].kind == "removed"
    us = by_key["actors.us_admin.stances.sanctions.position"]
    assert us.old > us.new and us.new_evidence["kind"] == "quote"
    assert any(k.startswith("extensions.process.ultimatum") for k in by_key)


def test_model_params_reach_both_sides():
    """`accord diff --model-param`: both sides run the configured models (issue 13: model
    options on every command that runs models); a bad option stops it before anything runs."""
    from accord.report.diff import compare_scenarios

    a = accord.load_scenario("eu-emissions-1994")
    one = compare_scenarios(a, a, models=["bdm"], model_params=["bdm.rounds=1"], draws=0, runs=0)
    ten = compare_scenarios(a, a, models=["bdm"], draws=0, runs=0)
    assert one.answers != ten.answers  # one round forecasts otherwise: the option arrived
    res = CliRunner().invoke(
        cli, ["diff", "eu-emissions-1994", "eu-emissions-1994", "--model-param", "bdm.rounds=zz"]
    )
    assert res.exit_code != 0 and "rounds must be an integer" in (res.output + str(res.exception))
